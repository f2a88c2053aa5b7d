/// Which of the daemon's two sockets a connection came in on. Access rules depend on it.
public enum SocketKind: String, Sendable, Hashable, CaseIterable {
    /// `/run/snapd.socket`: everything except `snapctl`.
    case main = "snapd.socket"
    /// `/run/snapd-snap.socket`: what code inside snaps may call, chiefly `/v2/snapctl`.
    case snap = "snapd-snap.socket"
}
