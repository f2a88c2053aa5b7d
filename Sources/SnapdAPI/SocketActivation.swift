import Glibc
import SnapAPI

/// The listening sockets systemd passed to this process (sd_listen_fds(3)): descriptors
/// from 3 on, when `LISTEN_PID` names this process, each with the path it is bound to.
enum SocketActivation {
    static func passedSockets() -> [(descriptor: Int32, path: String)] {
        guard let pid = getenv("LISTEN_PID").flatMap({ Int32(String(cString: $0)) }), pid == getpid(),
            let count = getenv("LISTEN_FDS").flatMap({ Int32(String(cString: $0)) }), count > 0
        else { return [] }
        // The variables are for this process only, not for its children.
        unsetenv("LISTEN_PID")
        unsetenv("LISTEN_FDS")
        unsetenv("LISTEN_FDNAMES")
        return (3..<(3 + count)).compactMap { descriptor in
            guard let path = boundPath(of: descriptor) else { return nil }
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            return (descriptor, path)
        }
    }

    /// The path a unix socket is bound to (getsockname(2)), or nil for anything else.
    private static func boundPath(of descriptor: Int32) -> String? {
        var address = sockaddr_un()
        var length = socklen_t(MemoryLayout<sockaddr_un>.size)
        let result = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0, address.sun_family == sa_family_t(AF_UNIX) else { return nil }
        return withUnsafeBytes(of: address.sun_path) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
