#if canImport(Glibc)
import Glibc
#endif

/// Why the server could not start listening or keep serving.
public struct HTTPServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One sentence naming the operation, the object and the cause.
    public var message: String

    /// Creates an error with a message.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }

    /// An error for a failed system call, with the errno value and its strerror(3) text.
    static func systemCall(_ call: String, path: String, errno code: Int32) -> HTTPServerError {
        let text = String(cString: strerror(code))
        return HTTPServerError("\(call) on \(path) failed: \(text) (errno \(code))")
    }
}
