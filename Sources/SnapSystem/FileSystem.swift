import Glibc

/// The file operations the snaps manager uses while installing and removing snaps, made
/// durable: each change is on disk (fsync(2) of the file and of its directory) before the
/// call returns, and a file is replaced by renaming a complete temporary copy over it, so a
/// power loss leaves either the old or the new version, never a mix.
///
/// Copies live in `FileSystem+Copy.swift` and `FileSystem+CopyTree.swift`, removal of whole
/// trees in `FileSystem+RemoveTree.swift`.
///
/// Concurrency model: the type holds no state; every method is synchronous and may run on any
/// thread, but two calls acting on the same paths at once are not coordinated.
public struct FileSystem: Sendable {
    /// Creates the file operations.
    public init() {}

    /// Creates a directory and any missing parents (mkdir(2)), giving each directory it
    /// creates exactly `mode` (chmod(2) after mkdir, so the umask does not apply). Existing
    /// directories are left as they are.
    /// - Parameters:
    ///   - path: The directory to create.
    ///   - mode: The permission bits of created directories.
    /// - Throws: ``SystemError``, `ENOTDIR` when a component exists and is not a directory.
    public func createDirectory(at path: String, mode: mode_t = 0o755) throws(SystemError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix = prefix.isEmpty || prefix == "/" ? prefix + component : prefix + "/" + component
            if mkdir(prefix, mode) == 0 {
                try syscall("chmod", prefix) { chmod(prefix, mode) }
                continue
            }
            let code = errno
            var info = stat()
            guard code == EEXIST, stat(prefix, &info) == 0 else {
                throw failure(code, "mkdir", prefix).adding(context: "cannot create directory \"\(path)\"")
            }
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw failure(ENOTDIR, "mkdir", prefix).adding(context: "cannot create directory \"\(path)\"")
            }
        }
    }

    /// Points a symbolic link at `target`, replacing whatever link was at `path`, in one step
    /// that other processes never see half done: the link is made under a temporary name in
    /// the same directory (symlink(2)) and renamed over `path` (rename(2)), then the directory
    /// is fsync'ed.
    /// - Parameters:
    ///   - path: Where the link lives, such as `/snap/hello/current`.
    ///   - target: What it points to, such as `42`.
    /// - Throws: ``SystemError``; `EISDIR` when `path` is a directory. Nothing is left under
    ///   the temporary name on failure.
    public func replaceSymlink(at path: String, pointingTo target: String) throws(SystemError) {
        let context = "cannot point \"\(path)\" at \"\(target)\""
        let (directoryPath, name) = splitPath(path)
        do throws(SystemError) {
            let directory = try FileDescriptor(opening: directoryPath, flags: O_RDONLY | O_DIRECTORY)
            var temporary = temporaryName(beside: name)
            while symlinkat(target, directory.rawValue, temporary) != 0 {
                let code = errno
                guard code == EEXIST || code == EINTR else {
                    throw failure(code, "symlink", joinPath(directoryPath, temporary))
                }
                temporary = temporaryName(beside: name)
            }
            do throws(SystemError) {
                try syscall("rename", joinPath(directoryPath, temporary), path) {
                    renameat(directory.rawValue, temporary, directory.rawValue, name)
                }
            } catch {
                unlinkat(directory.rawValue, temporary, 0)
                throw error
            }
            try directory.sync(path: directoryPath)
        } catch {
            throw error.adding(context: context)
        }
    }

    /// Reads where a symbolic link points (readlink(2)).
    /// - Parameter path: The link.
    /// - Returns: The link's target, as stored.
    /// - Throws: ``SystemError``; `EINVAL` when `path` is not a link, `ENOENT` when missing.
    public func readSymlink(at path: String) throws(SystemError) -> String {
        var size = 256
        while true {
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
            defer { buffer.deallocate() }
            let count = try syscall("readlink", path) { readlink(path, buffer, size) }
            if count < size {
                return String(decoding: UnsafeRawBufferPointer(start: buffer, count: count), as: UTF8.self)
            }
            size *= 4
        }
    }

    /// Writes a small file in one step other processes never see half done: the bytes go to a
    /// temporary file in the same directory, which is given `mode`, fsync'ed and renamed over
    /// `path`; then the directory is fsync'ed.
    /// - Parameters:
    ///   - path: The file to create or replace.
    ///   - contents: Its bytes.
    ///   - mode: Its permission bits (the umask does not apply).
    /// - Throws: ``SystemError``. On failure `path` keeps its previous content and nothing is
    ///   left under the temporary name.
    public func writeFile(at path: String, contents: [UInt8], mode: mode_t = 0o644) throws(SystemError) {
        do throws(SystemError) {
            try replaceAtomically(path, mode: mode) { (file, temporaryPath) throws(SystemError) in
                var offset = 0
                while offset < contents.count {
                    offset += try syscall("write", temporaryPath) {
                        contents.withUnsafeBytes { write(file, $0.baseAddress.map { $0 + offset }, $0.count - offset) }
                    }
                }
            }
        } catch {
            throw error.adding(context: "cannot write \"\(path)\"")
        }
    }

    /// Writes a small text file atomically; see ``writeFile(at:contents:mode:)``.
    /// - Parameters:
    ///   - path: The file to create or replace.
    ///   - text: Its content, stored as UTF-8.
    ///   - mode: Its permission bits.
    /// - Throws: ``SystemError``.
    public func writeFile(at path: String, text: String, mode: mode_t = 0o644) throws(SystemError) {
        try writeFile(at: path, contents: Array(text.utf8), mode: mode)
    }

    /// Removes a file or a symbolic link (not what it points to) if it exists (unlink(2)),
    /// then fsyncs its directory.
    /// - Parameter path: The file.
    /// - Returns: Whether there was something to remove.
    /// - Throws: ``SystemError``; `EISDIR` when `path` is a directory.
    @discardableResult
    public func removeFile(at path: String) throws(SystemError) -> Bool {
        if unlink(path) != 0 {
            let code = errno
            if code == ENOENT { return false }
            throw failure(code, "unlink", path).adding(context: "cannot remove \"\(path)\"")
        }
        let directoryPath = splitPath(path).directory
        let directory = try FileDescriptor(opening: directoryPath, flags: O_RDONLY | O_DIRECTORY)
        try directory.sync(path: directoryPath)
        return true
    }

    /// Reports the size and free space of the filesystem holding `path` (statvfs(3)).
    /// - Parameter path: Any path on the filesystem.
    /// - Returns: Its sizes in bytes.
    /// - Throws: ``SystemError``.
    public func space(at path: String) throws(SystemError) -> FilesystemSpace {
        var info = statvfs()
        try syscall("statvfs", path) { statvfs(path, &info) }
        let block = UInt64(info.f_frsize)
        return FilesystemSpace(
            totalBytes: UInt64(info.f_blocks) * block,
            freeBytes: UInt64(info.f_bfree) * block,
            availableBytes: UInt64(info.f_bavail) * block
        )
    }

    /// Checks, before starting an operation, that the filesystem holding `path` has at least
    /// `bytes` available to unprivileged users.
    /// - Parameters:
    ///   - bytes: The space the operation needs.
    ///   - path: Any path on the filesystem.
    /// - Throws: ``SystemError`` with `.insufficientSpace` (its `isOutOfSpace` is true).
    public func requireAvailableSpace(_ bytes: UInt64, at path: String) throws(SystemError) {
        let available = try space(at: path).availableBytes
        guard available >= bytes else {
            throw SystemError(.insufficientSpace(needed: bytes, available: available), call: "statvfs", paths: [path])
        }
    }

    /// Creates a temporary file beside `path`, lets `fill` write it, then gives it `mode`,
    /// fsyncs it, renames it over `path` and fsyncs the directory. On failure the temporary
    /// file is removed.
    func replaceAtomically(
        _ path: String,
        mode: mode_t,
        fill: (_ descriptor: Int32, _ temporaryPath: String) throws(SystemError) -> Void
    ) throws(SystemError) {
        let (directoryPath, name) = splitPath(path)
        let directory = try FileDescriptor(opening: directoryPath, flags: O_RDONLY | O_DIRECTORY)
        var temporary = temporaryName(beside: name)
        var file = openat(directory.rawValue, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        while file < 0 {
            let code = errno
            guard code == EEXIST || code == EINTR else {
                throw failure(code, "open", joinPath(directoryPath, temporary))
            }
            temporary = temporaryName(beside: name)
            file = openat(directory.rawValue, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        }

        let temporaryPath = joinPath(directoryPath, temporary)
        do throws(SystemError) {
            let owned = FileDescriptor(rawValue: file)
            try fill(owned.rawValue, temporaryPath)
            try syscall("fchmod", temporaryPath) { fchmod(owned.rawValue, mode & 0o7777) }
            try owned.sync(path: temporaryPath)
            try syscall("rename", temporaryPath, path) {
                renameat(directory.rawValue, temporary, directory.rawValue, name)
            }
        } catch {
            unlinkat(directory.rawValue, temporary, 0)
            throw error
        }
        try directory.sync(path: directoryPath)
    }
}
