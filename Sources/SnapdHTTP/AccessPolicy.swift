/// Decides whether a non-root caller's `Authorization` header names a known user.
public protocol RequestAuthenticator: Sendable {
    /// Whether `authorization` (the header's full value) belongs to a known user.
    func isKnownUser(authorization: String) async -> Bool
}

/// Which access class applies to an endpoint method on each socket; a socket without
/// a class refuses the request with 403.
///
/// Most endpoints are reachable on one socket only, and ``AccessClass/socket`` names it:
/// `Route(.get, "/v2/snaps", access: .open)` is open on snapd.socket and refused on
/// snapd-snap.socket. An endpoint reachable from both lists both:
/// `AccessPolicy([.main: .open, .snap: .snap])`.
public struct AccessPolicy: Sendable, Hashable {
    /// The class per socket.
    public var classes: [SocketKind: AccessClass]

    /// Creates a policy from a class per socket.
    public init(_ classes: [SocketKind: AccessClass]) {
        self.classes = classes
    }

    /// A policy admitting `accessClass` on its own socket only.
    public init(_ accessClass: AccessClass) {
        self.classes = [accessClass.socket: accessClass]
    }

    /// Checks `request` against the class declared for its socket.
    func decide(for request: Request, authenticator: (any RequestAuthenticator)?) async -> AccessDecision {
        guard let accessClass = classes[request.socket] else { return .forbidden }

        switch accessClass {
        case .open, .snap:
            return .allowed
        case .root:
            return request.peer.isRoot ? .allowed : .forbidden
        case .authenticated:
            if request.peer.isRoot { return .allowed }
            if let header = request.headers["Authorization"], let authenticator,
                await authenticator.isKnownUser(authorization: header)
            {
                return .allowed
            }
            return .unauthorized
        }
    }
}

extension AccessPolicy {
    /// Whether a request is sure to be refused, judged from what is known before its body
    /// arrives and without asking the authenticator; an upload is then not stored at all.
    ///
    /// - Parameters:
    ///   - socket: the socket the request came in on.
    ///   - peer: the caller, or nil when the kernel could not tell (always refused).
    ///   - hasAuthorization: whether the request carries an `Authorization` header.
    /// - Returns: true when the request will be refused with 401 or 403 whatever it sends.
    func refusesBeforeBody(socket: SocketKind, peer: PeerCredentials?, hasAuthorization: Bool) -> Bool {
        guard let accessClass = classes[socket], let peer else { return true }
        switch accessClass {
        case .open, .snap:
            return false
        case .root:
            return !peer.isRoot
        case .authenticated:
            return !peer.isRoot && !hasAuthorization
        }
    }
}

/// The outcome of an access check.
enum AccessDecision: Sendable, Equatable {
    case allowed
    /// 401: the caller could be admitted after logging in.
    case unauthorized
    /// 403: the caller is not admitted here.
    case forbidden
}
