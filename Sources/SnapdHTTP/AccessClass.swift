/// Who may call an endpoint with a given method, checked before its handler runs.
///
/// The classes and the sockets they apply to are the real daemon's:
///
/// | class | socket | rule |
/// | --- | --- | --- |
/// | `open` | snapd.socket | any uid |
/// | `authenticated` | snapd.socket | uid 0, or an `Authorization` the authenticator accepts; else 401 |
/// | `root` | snapd.socket | uid 0; else 403 |
/// | `snap` | snapd-snap.socket | any uid |
///
/// A request on the wrong socket for its class gets 403. Every refusal carries the kind
/// `login-required`, which makes the real client add its login or sudo hint. An endpoint
/// that needs another socket rule declares an ``AccessPolicy``.
///
/// Polkit is not consulted: a non-root caller of an `authenticated` endpoint needs an
/// `Authorization` header that the server's ``RequestAuthenticator`` accepts, else 401.
public enum AccessClass: Sendable, Hashable {
    /// Anyone, on the main socket only.
    case open
    /// Root or a known user, on the main socket only. `polkitAction` names the polkit
    /// action that could authorise other users (`io.snapcraft.snapd.manage`...).
    case authenticated(polkitAction: String? = nil)
    /// Root only, on the main socket only.
    case root
    /// Anyone, on the snap socket only.
    case snap

    /// `authenticated` without a polkit action.
    public static let authenticated = AccessClass.authenticated(polkitAction: nil)

    /// The socket this class admits requests on.
    public var socket: SocketKind {
        switch self {
        case .open, .authenticated, .root: .main
        case .snap: .snap
        }
    }
}
