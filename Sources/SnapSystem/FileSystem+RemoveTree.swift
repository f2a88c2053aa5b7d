import CSnapShim
import Glibc

extension FileSystem {
    /// Removes a directory tree, or a single file or symbolic link, if it exists.
    ///
    /// Symbolic links are removed, never followed: every directory is opened relative to its
    /// parent's descriptor with `O_NOFOLLOW`, so a link, or an entry swapped for a link during
    /// the walk, cannot lead the removal out of the tree. The walk never crosses into another
    /// mount: before removing anything it refuses a tree that /proc/self/mountinfo shows a
    /// mount at or under, and during the walk it compares the mount ID (statx(2)
    /// `STATX_MNT_ID`, or the device number on kernels without it) of every directory it
    /// enters with the root's, so a mount that appears meanwhile is refused too.
    /// The parent directory is fsync'ed at the end.
    ///
    /// - Parameter path: The tree to remove.
    /// - Throws: ``SystemError`` with `.mountPointInTree` naming the mount point when the tree
    ///   is or holds a mount point (nothing is removed when the mount was there before the
    ///   call); other ``SystemError``s when an entry cannot be removed, in which case the
    ///   entries already removed stay removed.
    public func removeTree(at path: String) throws(SystemError) {
        do throws(SystemError) {
            var info = stat()
            guard lstat(path, &info) == 0 else {
                let code = errno
                if code == ENOENT { return }
                throw failure(code, "lstat", path)
            }
            guard info.st_mode & S_IFMT == S_IFDIR else {
                try removeFile(at: path)
                return
            }

            try refuseMountsBelow(path)
            let root = try FileDescriptor(opening: path, flags: O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
            let rootMount = try MountIdentity(of: root.rawValue, path: path)
            if rootMount.isMountRoot {
                throw SystemError(.mountPointInTree, call: "statx", paths: [path])
            }
            try removeContents(of: root.rawValue, path: path, mount: rootMount)

            try syscall("rmdir", path) { rmdir(path) }
            let parentPath = splitPath(path).directory
            try FileDescriptor(opening: parentPath, flags: O_RDONLY | O_DIRECTORY).sync(path: parentPath)
        } catch {
            throw error.adding(context: "cannot remove \"\(path)\"")
        }
    }

    /// Throws `.mountPointInTree` when a mount sits at or under `path`.
    private func refuseMountsBelow(_ path: String) throws(SystemError) {
        let canonical = try canonicalPath(path)
        let table = try MountTable.current()
        if let mount = table.entries.first(where: { isPath($0.mountPoint, inside: canonical) }) {
            throw SystemError(.mountPointInTree, call: "mountinfo", paths: [mount.mountPoint])
        }
    }

    private func removeContents(of directory: Int32, path: String, mount: MountIdentity) throws(SystemError) {
        for name in try DirectoryEntries.names(in: directory, path: path) {
            let entryPath = joinPath(path, name.text)
            var info = stat()
            try syscall("lstat", entryPath) { fstatat(directory, name.cString, &info, AT_SYMLINK_NOFOLLOW) }
            guard info.st_mode & S_IFMT == S_IFDIR else {
                try syscall("unlink", entryPath) { unlinkat(directory, name.cString, 0) }
                continue
            }

            let child = try FileDescriptor(
                opening: name,
                flags: O_RDONLY | O_DIRECTORY | O_NOFOLLOW,
                relativeTo: directory,
                displayPath: entryPath
            )
            let childMount = try MountIdentity(of: child.rawValue, path: entryPath)
            guard childMount.sameMount(as: mount) else {
                throw SystemError(.mountPointInTree, call: "statx", paths: [entryPath])
            }
            try removeContents(of: child.rawValue, path: entryPath, mount: mount)
            try syscall("rmdir", entryPath) { unlinkat(directory, name.cString, AT_REMOVEDIR) }
        }
    }
}

/// Which mount an open directory lives on.
private struct MountIdentity {
    /// The mount ID, or nil when the kernel does not report one.
    var mountID: UInt64?
    /// The device number, compared when there is no mount ID.
    var device: UInt64
    /// Whether the directory is the root of its mount (false when the kernel does not say).
    var isMountRoot: Bool

    init(of descriptor: Int32, path: String) throws(SystemError) {
        var info = stat()
        try syscall("fstat", path) { fstat(descriptor, &info) }
        device = UInt64(info.st_dev)

        var identifier: UInt64 = 0
        var root: Int32 = -1
        if csnap_mount_identity(descriptor, "", &identifier, &root) == 0 {
            mountID = identifier
            isMountRoot = root == 1
        } else {
            let code = errno
            guard code == EOPNOTSUPP || code == ENOSYS else { throw failure(code, "statx", path) }
            mountID = nil
            isMountRoot = false
        }
    }

    func sameMount(as other: MountIdentity) -> Bool {
        if let mountID, let otherID = other.mountID { return mountID == otherID && device == other.device }
        return device == other.device
    }
}

/// Whether `path` is `directory` or lies below it (both canonical).
func isPath(_ path: String, inside directory: String) -> Bool {
    path == directory || directory == "/" || path.hasPrefix(directory + "/")
}

/// The absolute path with no `.`, `..` or symbolic links that names the same file
/// (realpath(3)).
/// - Throws: ``SystemError``; `ENOENT` when the path does not exist.
func canonicalPath(_ path: String) throws(SystemError) -> String {
    guard let resolved = realpath(path, nil) else { throw failure(errno, "realpath", path) }
    defer { free(resolved) }
    return String(cString: resolved)
}
