import CSnapShim
import Glibc

/// Mounts .snap images (SquashFS) read-only at directories and unmounts them.
///
/// A kernel mount binds the image to a loop device (see ``LoopDevice``) and mounts it with
/// type `squashfs` and the flags snaps are mounted with, `ro` and `nodev`; the device is
/// autoclearing, so unmounting also frees it. When the kernel refuses (no /dev/loop-control,
/// no permission, no squashfs driver) and the policy allows it, the image is mounted with the
/// `squashfuse` program instead, with `-o ro,nodev,allow_other`, its path as the FUSE
/// `fsname` (so the mount table names the image) and `subtype=squashfuse`.
///
/// Mounting is idempotent: mounting the image already mounted at the same place returns that
/// mount, so a task that is run again after a crash succeeds. Unmounting what is not mounted
/// succeeds too.
///
/// Concurrency model: the type holds only settings; calls may run on any thread, but two
/// calls acting on the same mount point at once are not coordinated.
public struct SnapMounter: Sendable {
    /// Which methods may be used.
    public var policy: MountPolicy
    /// The squashfuse program, looked up in `PATH` unless it is a path.
    public var squashfuseProgram: String
    /// The program that unmounts a FUSE mount for a caller without `CAP_SYS_ADMIN`.
    public var fusermountProgram: String
    /// The loop control device. Tests point it at a missing path to see the kernel refuse a
    /// loop mount the way it does in a container without loop devices.
    package var loopControlPath = "/dev/loop-control"

    /// Creates a mounter.
    /// - Parameters:
    ///   - policy: Which methods may be used.
    ///   - squashfuseProgram: The squashfuse program.
    ///   - fusermountProgram: The fusermount program.
    public init(
        policy: MountPolicy = .automatic,
        squashfuseProgram: String = "squashfuse",
        fusermountProgram: String = "fusermount3"
    ) {
        self.policy = policy
        self.squashfuseProgram = squashfuseProgram
        self.fusermountProgram = fusermountProgram
    }

    /// Mounts a SquashFS image read-only at a directory.
    ///
    /// System calls: open(2) of the image, the loop ioctls (loop(4)) and mount(2); or
    /// posix_spawnp(3) of squashfuse.
    /// - Parameters:
    ///   - image: The .snap file.
    ///   - mountPoint: An existing directory.
    /// - Returns: The mount, with the method used.
    /// - Throws: ``SystemError``: `ENOENT` or `ENOTDIR` for a missing image or mount point,
    ///   `.mountPointInUse` when another filesystem is mounted there, the mount(2) or
    ///   squashfuse failure for an image that is not valid SquashFS. Nothing stays mounted
    ///   and no loop device stays bound after a failure.
    @discardableResult
    public func mount(image: String, at mountPoint: String) throws(SystemError) -> ImageMount {
        do throws(SystemError) {
            let imagePath = try canonicalPath(image)
            let imageFile = try FileDescriptor(opening: imagePath, flags: O_RDONLY)
            guard try imageFile.status(path: imagePath).st_mode & S_IFMT == S_IFREG else {
                throw failure(EINVAL, "open", imagePath)
            }
            let target = try canonicalPath(mountPoint)
            var info = stat()
            try syscall("stat", target) { stat(target, &info) }
            guard info.st_mode & S_IFMT == S_IFDIR else { throw failure(ENOTDIR, "mount", imagePath, target) }

            if let existing = try MountTable.current().entry(at: target) {
                guard let method = Self.method(of: existing, image: imagePath) else {
                    throw SystemError(
                        .mountPointInUse,
                        call: "mount",
                        paths: [imagePath, target],
                        detail: existing.source
                    )
                }
                return ImageMount(image: imagePath, mountPoint: target, method: method)
            }
            return try mount(imagePath, descriptor: imageFile.rawValue, at: target)
        } catch {
            throw error.adding(context: "cannot mount \"\(image)\" at \"\(mountPoint)\"")
        }
    }

    /// Unmounts what is mounted at a directory (umount2(2) with `UMOUNT_NOFOLLOW`), freeing
    /// the loop device of a kernel mount.
    ///
    /// A FUSE mount the caller may not unmount itself (`EPERM`) is handed to fusermount3.
    /// - Parameters:
    ///   - mountPoint: The directory.
    ///   - detachIfBusy: Whether a mount still in use (`EBUSY`) is detached from the tree at
    ///     once and cleaned up by the kernel when its last user goes (`MNT_DETACH`), rather
    ///     than being an error.
    /// - Returns: Whether something was mounted there.
    /// - Throws: ``SystemError``; `EBUSY` when the mount is in use and `detachIfBusy` is false.
    @discardableResult
    public func unmount(at mountPoint: String, detachIfBusy: Bool = false) throws(SystemError) -> Bool {
        do throws(SystemError) {
            guard let entry = try mountEntry(at: mountPoint) else { return false }
            let target = entry.mountPoint
            if umount2(target, Int32(UMOUNT_NOFOLLOW)) == 0 { return true }

            let code = errno
            switch code {
            case EINVAL:
                // Unmounted by someone else between the lookup and the call.
                guard try mountEntry(at: target) != nil else { return false }
                throw failure(code, "umount2", target)
            case EPERM where entry.filesystemType.hasPrefix("fuse"):
                try runFusermount(at: target, lazily: detachIfBusy)
            case EBUSY where detachIfBusy:
                try syscall("umount2 MNT_DETACH", target) {
                    umount2(target, Int32(MNT_DETACH) | Int32(UMOUNT_NOFOLLOW))
                }
            default:
                throw failure(code, "umount2", target)
            }
            return true
        } catch {
            throw error.adding(context: "cannot unmount \"\(mountPoint)\"")
        }
    }

    /// Whether a filesystem is mounted at a directory (the directory is a mount point).
    /// - Parameter mountPoint: The directory; a missing one is not mounted.
    /// - Returns: Whether /proc/self/mountinfo lists a mount there.
    /// - Throws: ``SystemError`` when /proc/self/mountinfo cannot be read.
    public func isMounted(_ mountPoint: String) throws(SystemError) -> Bool {
        try mountEntry(at: mountPoint) != nil
    }

    /// What is mounted at a directory, from /proc/self/mountinfo.
    /// - Parameter mountPoint: The directory; symbolic links in it are resolved.
    /// - Returns: The visible mount there, or nil when the directory is missing or not a
    ///   mount point.
    /// - Throws: ``SystemError`` when the path or /proc/self/mountinfo cannot be read.
    public func mountEntry(at mountPoint: String) throws(SystemError) -> MountEntry? {
        let target: String
        do throws(SystemError) {
            target = try canonicalPath(mountPoint)
        } catch let error where error.errno == ENOENT {
            return nil
        }
        return try MountTable.current().entry(at: target)
    }

    /// How `entry` mounts `image`, or nil when it mounts something else.
    private static func method(of entry: MountEntry, image: String) -> MountMethod? {
        if entry.filesystemType == "squashfs", let number = LoopDevice.number(ofDevicePath: entry.source),
            LoopDevice.backingFile(ofDevice: number) == image
        {
            return .kernelLoop(device: entry.source)
        }
        if entry.filesystemType.hasPrefix("fuse"), entry.source == image {
            return .squashfuse
        }
        return nil
    }
}
