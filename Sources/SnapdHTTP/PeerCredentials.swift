#if canImport(Glibc)
import Glibc
#endif

/// Who is at the other end of a unix-socket connection, as the kernel recorded it when
/// the peer called connect(2).
///
/// Taken with getsockopt(2) `SO_PEERCRED` (socket(7), unix(7)); never from anything the
/// client sends, so neither a header nor the name of the client's own socket file can
/// change it.
public struct PeerCredentials: Sendable, Hashable, CustomStringConvertible {
    /// The peer's process id.
    public var pid: Int32
    /// The peer's effective user id at connect time.
    public var uid: UInt32
    /// The peer's effective group id at connect time.
    public var gid: UInt32

    /// Creates credentials from known values (tests and in-process callers).
    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    /// Whether the peer runs as root.
    public var isRoot: Bool { uid == 0 }

    /// `pid=N uid=N gid=N`.
    public var description: String { "pid=\(pid) uid=\(uid) gid=\(gid)" }

    /// Reads the credentials of the peer connected to `descriptor`.
    ///
    /// - Parameter descriptor: a connected unix stream socket.
    /// - Returns: the peer's credentials, or nil when the kernel cannot report them
    ///   (not a unix socket, or the descriptor is already closed).
    static func ofPeer(connectedTo descriptor: Int32) -> PeerCredentials? {
        // struct ucred is { pid_t pid; uid_t uid; gid_t gid; }: three 32-bit fields.
        var raw: (Int32, UInt32, UInt32) = (0, 0, 0)
        var length = socklen_t(MemoryLayout<(Int32, UInt32, UInt32)>.size)
        let result = withUnsafeMutablePointer(to: &raw) { pointer in
            getsockopt(descriptor, SOL_SOCKET, SO_PEERCRED, pointer, &length)
        }
        guard result == 0, length == socklen_t(MemoryLayout<(Int32, UInt32, UInt32)>.size) else {
            return nil
        }
        return PeerCredentials(pid: raw.0, uid: raw.1, gid: raw.2)
    }
}
