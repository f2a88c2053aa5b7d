import CSnapShim
import SnapPaths

#if canImport(Glibc)
import Glibc
#endif

/// The kept mount namespace of one snap instance, under `$ROOT/run/snapd/ns`:
/// `NAME.mnt` (an nsfs bind mount of the namespace), `snap.NAME.info` (what it was built
/// from) and `snap.NAME.fstab` (mounts applied to it).
public struct MountNamespace: Sendable {
    public let instanceName: String
    public let paths: SnapPaths

    public init(instanceName: String, paths: SnapPaths) {
        self.instanceName = instanceName
        self.paths = paths
    }

    /// `$ROOT/run/snapd/ns/NAME.mnt`.
    public var namespaceFile: String { "\(paths.namespaceDirectory)/\(instanceName).mnt" }
    /// `$ROOT/run/snapd/ns/snap.NAME.info`.
    public var infoFile: String { "\(paths.namespaceDirectory)/snap.\(instanceName).info" }
    /// `$ROOT/run/snapd/ns/snap.NAME.fstab`.
    public var fstabFile: String { "\(paths.namespaceDirectory)/snap.\(instanceName).fstab" }
    /// `$ROOT/run/snapd/lock/NAME.lock`, held while the namespace is built, joined or discarded.
    public var lockFile: String { "\(paths.lockDirectory)/\(instanceName).lock" }

    /// Whether `path` is an nsfs file (a kept namespace is mounted there).
    public static func isNamespaceFile(_ path: String) -> Bool {
        var type = 0
        guard csnap_statfs_type(-1, path, &type) == 0 else { return false }
        return type == csnap_nsfs_magic
    }

    /// Whether a kept namespace is mounted at ``namespaceFile``.
    public var isKept: Bool { Self.isNamespaceFile(namespaceFile) }

    /// Unmounts the kept namespace (the mount goes when its last user leaves) and removes
    /// its `.info` and `.fstab` files, under the per-snap lock. What `snap-discard-ns` does;
    /// the daemon calls it when a snap is removed or its base changes. Needs root.
    public func discard() throws(SandboxError) {
        // No lock directory: no launcher ever ran, so nothing can be kept.
        guard access(paths.lockDirectory, F_OK) == 0 else { return }
        let lock = try SandboxLock.acquire(path: lockFile)
        defer { lock.release() }
        try discardLocked()
    }

    /// ``discard()`` for a caller that already holds the per-snap lock.
    public func discardLocked() throws(SandboxError) {
        while isKept {
            guard umount2(namespaceFile, Int32(MNT_DETACH) | Int32(UMOUNT_NOFOLLOW)) == 0 else {
                throw SandboxError.system("cannot unmount \(namespaceFile)")
            }
        }
        for file in [infoFile, fstabFile] where unlink(file) != 0 && errno != ENOENT {
            throw SandboxError.system("cannot remove \(file)")
        }
    }
}

/// What a kept namespace was built from: the `snap.NAME.info` file, `key=value` lines.
public struct NamespaceInfo: Sendable, Equatable {
    /// The base snap's name (`base-snap-name`).
    public var baseSnapName: String
    /// Device and inode of the base's root directory when the namespace was built
    /// (`base-device`, `base-inode`); 0 for `base: bare`.
    public var baseDevice: UInt64
    public var baseInode: UInt64

    public init(baseSnapName: String, baseDevice: UInt64, baseInode: UInt64) {
        self.baseSnapName = baseSnapName
        self.baseDevice = baseDevice
        self.baseInode = baseInode
    }

    public func rendered() -> String {
        "base-snap-name=\(baseSnapName)\nbase-device=\(baseDevice)\nbase-inode=\(baseInode)\n"
    }

    /// Parses the file's text; unknown keys are ignored, a missing base name is an error.
    public init(parsing text: String, source: String) throws(SandboxError) {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        guard let name = values["base-snap-name"] else { throw SandboxError("\(source): no base-snap-name") }
        baseSnapName = name
        baseDevice = values["base-device"].flatMap { UInt64($0) } ?? 0
        baseInode = values["base-inode"].flatMap { UInt64($0) } ?? 0
    }
}

/// An exclusive `flock` on a lock file, released when the descriptor closes.
public struct SandboxLock: Sendable {
    public let descriptor: Int32

    /// Opens (creating, mode 0600) and locks `path`, waiting for other holders.
    public static func acquire(path: String) throws(SandboxError) -> SandboxLock {
        let descriptor = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SandboxError.system("cannot open the lock \(path)") }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let error = errno
                close(descriptor)
                throw SandboxError.system("cannot lock \(path)", errorNumber: error)
            }
        }
        return SandboxLock(descriptor: descriptor)
    }

    public func release() { close(descriptor) }
}
