#if canImport(Glibc)
import Glibc
import SnapAPI
#endif

/// Creates the listening unix stream sockets the daemon serves on.
enum UnixListener {
    /// Binds a listening socket at `path` and opens it to every local user.
    ///
    /// A socket file left by an earlier run is removed first; a socket another process
    /// serves, or any other kind of file at `path`, is left alone and reported, so a typo
    /// cannot delete a user's data. The file
    /// mode becomes 0666 because access is decided per request from the peer's
    /// credentials, never by the file mode (socket(2), bind(2), chmod(2), listen(2)).
    ///
    /// - Returns: the listening descriptor, close-on-exec.
    /// - Throws: ``HTTPServerError`` naming the call and `path`.
    static func bind(at path: String, backlog: Int32 = 128) throws(HTTPServerError) -> Int32 {
        guard let address = UnixSocketAddress(path: path) else {
            throw HTTPServerError("socket path \(path) is longer than \(UnixSocketAddress.maximumPathLength) bytes")
        }

        try removeStaleSocket(at: path)

        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .systemCall("socket", path: path, errno: errno) }

        guard address.call(Glibc.bind, on: descriptor) == 0 else {
            throw failure("bind", path: path, closing: descriptor)
        }
        guard chmod(path, 0o666) == 0 else { throw failure("chmod", path: path, closing: descriptor) }
        guard listen(descriptor, backlog) == 0 else { throw failure("listen", path: path, closing: descriptor) }
        return descriptor
    }

    /// Removes `path` when it is a socket nobody serves; does nothing when it does not exist.
    ///
    /// A socket that accepts a connection belongs to a running daemon and is left alone,
    /// so a second daemon cannot silently take the first one's clients.
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
        guard !isServed(path) else {
            throw HTTPServerError("cannot listen on \(path): another process is serving on it")
        }
        guard unlink(path) == 0 else { throw .systemCall("unlink", path: path, errno: errno) }
    }

    /// Whether a connection to the socket at `path` succeeds (connect(2)).
    private static func isServed(_ path: String) -> Bool {
        guard let address = UnixSocketAddress(path: path) else { return false }
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard probe >= 0 else { return false }
        defer { close(probe) }
        return address.call(Glibc.connect, on: probe) == 0
    }

    /// The error for a failed call, read before `close` can change errno.
    private static func failure(_ call: String, path: String, closing descriptor: Int32) -> HTTPServerError {
        let error = HTTPServerError.systemCall(call, path: path, errno: errno)
        close(descriptor)
        return error
    }
}
