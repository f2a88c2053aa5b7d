/// The `type` of a response envelope: the one key the client always branches on.
public enum ResponseType: String, Sendable, Hashable, Codable {
    /// A finished answer, HTTP 200, payload in `result`.
    case sync
    /// An accepted operation, HTTP 202, change id in `change`.
    case async
    /// A failure, any HTTP status, an ``APIError`` in `result`.
    case error
}
