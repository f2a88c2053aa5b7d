import CSnapShim
import Glibc

extension SnapMounter {
    /// Mounts a checked image at a checked, empty mount point with the methods the policy
    /// allows.
    func mount(_ image: String, descriptor: Int32, at target: String) throws(SystemError) -> ImageMount {
        switch policy {
        case .kernelLoopOnly:
            return try mountWithLoopDevice(image, descriptor: descriptor, at: target)
        case .squashfuseOnly:
            return try mountWithSquashfuse(image, at: target)
        case .automatic:
            do throws(SystemError) {
                return try mountWithLoopDevice(image, descriptor: descriptor, at: target)
            } catch let kernelError where Self.meansKernelMountUnavailable(kernelError) {
                do throws(SystemError) {
                    return try mountWithSquashfuse(image, at: target)
                } catch {
                    var combined = error
                    combined.detail = [error.detail, "kernel loop mount unavailable: \(kernelError)"]
                        .compactMap { $0 }.joined(separator: "; ")
                    throw combined
                }
            }
        }
    }

    /// Binds the image to a loop device and mounts it (mount(2), type squashfs, `MS_RDONLY |
    /// MS_NODEV`). On failure the device is detached at once.
    private func mountWithLoopDevice(_ image: String, descriptor: Int32, at target: String) throws(SystemError)
        -> ImageMount
    {
        let device = try LoopDevice.attach(image: descriptor, imagePath: image, controlPath: loopControlPath)
        let devicePath = device.path
        let flags = UInt(MS_RDONLY) | UInt(MS_NODEV)
        if Glibc.mount(devicePath, target, "squashfs", flags, nil) != 0 {
            let code = errno
            device.detach()
            var error = failure(code, "mount", devicePath, target)
            // The squashfs driver rejects a bad superblock with EINVAL; an image shorter than
            // the superblock it claims, or than one sector, fails to read with EIO.
            if code == EINVAL || code == EIO {
                error.detail = "not a valid SquashFS image, or a truncated one"
            }
            throw error
        }
        // The mount now holds the device; closing our descriptor leaves autoclear to it.
        return ImageMount(image: image, mountPoint: target, method: .kernelLoop(device: devicePath))
    }

    /// Runs squashfuse, which mounts the image and stays in the background to serve it.
    private func mountWithSquashfuse(_ image: String, at target: String) throws(SystemError) -> ImageMount {
        let options = "ro,nodev,allow_other,subtype=squashfuse,fsname=" + Self.escapeFuseOption(image)
        let outcome = try HelperProcess(program: squashfuseProgram, arguments: ["-o", options, image, target]).run()
        guard outcome.status == 0 else {
            throw SystemError(
                .programFailed(status: outcome.status),
                call: squashfuseProgram,
                paths: [image, target],
                detail: outcome.output
            )
        }
        guard let entry = try MountTable.current().entry(at: target), entry.source == image else {
            throw SystemError(
                .programFailed(status: 0),
                call: squashfuseProgram,
                paths: [image, target],
                detail: "no mount appeared"
            )
        }
        return ImageMount(image: image, mountPoint: target, method: .squashfuse)
    }

    /// Hands a FUSE mount to fusermount3 -u (with -z to detach a busy mount).
    func runFusermount(at target: String, lazily: Bool) throws(SystemError) {
        let arguments = (lazily ? ["-u", "-z"] : ["-u"]) + [target]
        let outcome = try HelperProcess(program: fusermountProgram, arguments: arguments).run()
        guard outcome.status == 0 else {
            throw SystemError(
                .programFailed(status: outcome.status),
                call: fusermountProgram,
                paths: [target],
                detail: outcome.output
            )
        }
    }

    /// Whether a kernel mount failed because this host does not allow or support one, rather
    /// than because of the image: no loop control device or no access to it (containers),
    /// no permission to mount, no squashfs driver (`ENODEV` from mount(2)), or a kernel older
    /// than LOOP_CONFIGURE (`EINVAL` or `ENOTTY` from that ioctl).
    package static func meansKernelMountUnavailable(_ error: SystemError) -> Bool {
        guard let code = error.errno else { return false }
        switch error.call {
        case "mount":
            return [EPERM, EACCES, ENODEV].contains(code)
        case "ioctl LOOP_CONFIGURE":
            return [EPERM, EACCES, EINVAL, ENOTTY, ENXIO].contains(code)
        default:
            return [ENOENT, EPERM, EACCES, ENODEV, ENXIO, EROFS, ENOTTY].contains(code)
        }
    }

    /// Escapes a value for a FUSE `-o` list, where a comma separates options and a
    /// backslash escapes the next character.
    static func escapeFuseOption(_ value: String) -> String {
        var escaped = ""
        for character in value {
            if character == "," || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
