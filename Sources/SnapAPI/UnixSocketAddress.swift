#if canImport(Glibc)
import Glibc
#endif

/// The address of a unix socket file, shared by the daemon that binds it and the clients
/// that connect to it.
public struct UnixSocketAddress: Sendable {
    private let storage: sockaddr_un

    /// The longest path, in bytes, a socket address can hold (`sun_path` less its NUL).
    public static let maximumPathLength = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    /// The address of `path`, or nil when the path is too long for `sun_path`.
    public init?(path: String) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        guard path.utf8.count <= Self.maximumPathLength else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: path.utf8)
            buffer[path.utf8.count] = 0
        }
        storage = address
    }

    /// Calls `function` (bind(2) or connect(2)) on `descriptor` with this address.
    public func call(
        _ function: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Int32,
        on descriptor: Int32
    ) -> Int32 {
        withUnsafePointer(to: storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                function(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
    }
}
