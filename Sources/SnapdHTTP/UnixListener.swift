#if canImport(Glibc)
import Glibc
#endif

/// Creates the listening unix stream sockets the daemon serves on.
enum UnixListener {
    /// Binds a listening socket at `path` and opens it to every local user.
    ///
    /// A socket file left by an earlier run is removed first; any other kind of file at
    /// `path` is left alone and reported, so a typo cannot delete a user's data. The file
    /// mode becomes 0666 because access is decided per request from the peer's
    /// credentials, never by the file mode (socket(2), bind(2), chmod(2), listen(2)).
    ///
    /// - Returns: the listening descriptor, close-on-exec.
    /// - Throws: ``HTTPServerError`` naming the call and `path`.
    static func bind(at path: String, backlog: Int32 = 128) throws(HTTPServerError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else {
            throw HTTPServerError("socket path \(path) is longer than \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: path.utf8)
            buffer[path.utf8.count] = 0
        }

        try removeStaleSocket(at: path)

        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .systemCall("socket", path: path, errno: errno) }

        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw failure("bind", path: path, closing: descriptor) }
        guard chmod(path, 0o666) == 0 else { throw failure("chmod", path: path, closing: descriptor) }
        guard listen(descriptor, backlog) == 0 else { throw failure("listen", path: path, closing: descriptor) }
        return descriptor
    }

    /// Removes `path` when it is a socket; does nothing when it does not exist.
    private static func removeStaleSocket(at path: String) throws(HTTPServerError) {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            let code = errno
            if code == ENOENT { return }
            throw .systemCall("lstat", path: path, errno: code)
        }
        guard status.st_mode & S_IFMT == S_IFSOCK else {
            throw HTTPServerError("cannot listen on \(path): a file that is not a socket is in the way")
        }
        guard unlink(path) == 0 else { throw .systemCall("unlink", path: path, errno: errno) }
    }

    /// The error for a failed call, read before `close` can change errno.
    private static func failure(_ call: String, path: String, closing descriptor: Int32) -> HTTPServerError {
        let error = HTTPServerError.systemCall(call, path: path, errno: errno)
        close(descriptor)
        return error
    }
}
