import SnapAPI

/// Why a request to the daemon failed.
public enum ClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The socket could not be reached or broke; the text names the socket and the cause.
    case connection(String)
    /// No complete reply arrived before the deadline.
    case timeout(String)
    /// The reply was not well-formed HTTP, or not the envelope the request expects.
    case protocolError(String)
    /// The daemon answered with an error envelope.
    case api(status: Int, error: APIError)

    /// One line for the user. Connection problems read like the real client's
    /// `cannot communicate with server: ...`.
    public var description: String {
        switch self {
        case .connection(let text): "cannot communicate with server: \(text)"
        case .timeout(let text): "timeout exceeded while waiting for response: \(text)"
        case .protocolError(let text): text
        case .api(_, let error): error.message
        }
    }
}
