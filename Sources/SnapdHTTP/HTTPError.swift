import SnapAPI

/// A failure a route handler reports to the client: an HTTP status and the error envelope's
/// result. Handlers throw it; the server turns it into an error envelope.
public struct HTTPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status (400, 404, 409...).
    public var status: Int
    /// The error result: message, kind, value.
    public var body: APIError

    /// Creates an error with a status and a body.
    public init(status: Int, body: APIError) {
        self.status = status
        self.body = body
    }

    /// Creates an error with a status, a message, and optionally a kind and a value.
    public init(status: Int, message: String, kind: String? = nil, value: JSONValue? = nil) {
        self.init(status: status, body: APIError(message: message, kind: kind, value: value))
    }

    /// `status message`.
    public var description: String { "\(status) \(body)" }

    /// 400 with `message`.
    public static func badRequest(_ message: String, kind: String? = nil) -> HTTPError {
        HTTPError(status: 400, message: message, kind: kind)
    }

    /// 404 `not found`, the real daemon's reply to an unknown path.
    public static let notFound = HTTPError(status: 404, message: "not found")

    /// 405 `method "X" not allowed`, the real daemon's reply to a known path with an
    /// unrouted method.
    public static func methodNotAllowed(_ method: HTTPMethod) -> HTTPError {
        HTTPError(status: 405, message: "method \"\(method)\" not allowed")
    }

    /// 401 `access denied` with kind `login-required`.
    public static let unauthorized = HTTPError(status: 401, message: "access denied", kind: "login-required")

    /// 403 `access denied` with kind `login-required`.
    public static let forbidden = HTTPError(status: 403, message: "access denied", kind: "login-required")

    /// 413 for a body over the configured limit.
    public static func bodyTooLarge(limit: Int) -> HTTPError {
        HTTPError(status: 413, message: "request body exceeds the limit of \(limit) bytes")
    }

    /// 413 for uploaded files over a route's ``UploadPolicy/maximumSize``.
    public static func uploadTooLarge(limit: Int) -> HTTPError {
        HTTPError(status: 413, message: "uploaded files exceed the limit of \(limit) bytes")
    }

    /// 500 for a condition that is a bug in the daemon.
    public static func internalError(_ message: String) -> HTTPError {
        HTTPError(status: 500, message: "internal error, please report: \(message)")
    }
}
