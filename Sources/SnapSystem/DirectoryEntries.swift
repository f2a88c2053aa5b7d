import Glibc

/// Lists the names in a directory open at a descriptor, without `.` and `..`
/// (fdopendir(3), readdir(3)).
enum DirectoryEntries {
    /// The names in the directory open at `descriptor`, read in one pass.
    ///
    /// The descriptor is duplicated (dup(2)) because closedir(3) closes the one it was given;
    /// the caller's stays open, with its offset moved.
    /// - Parameters:
    ///   - descriptor: An open directory.
    ///   - path: Its path, for errors.
    /// - Returns: The names, in directory order.
    /// - Throws: ``SystemError``.
    static func names(in descriptor: Int32, path: String) throws(SystemError) -> [String] {
        let copy = try syscall("dup", path) { fcntl(descriptor, F_DUPFD_CLOEXEC, 0) }
        lseek(copy, 0, SEEK_SET)
        guard let stream = fdopendir(copy) else {
            let code = errno
            close(copy)
            throw failure(code, "fdopendir", path)
        }
        defer { closedir(stream) }

        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                let code = errno
                guard code == 0 else { throw failure(code, "readdir", path) }
                return names
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
    }
}
