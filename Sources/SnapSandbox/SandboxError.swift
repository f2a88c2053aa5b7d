#if canImport(Glibc)
import Glibc
#endif

/// A failure while reading sandbox files or setting up a sandbox, naming what was wrong.
///
/// The launcher prints ``description`` and exits; nothing here allocates through
/// Foundation, so the launch-path programs can use it.
public struct SandboxError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What was being done or read, and why it failed.
    public let message: String
    /// The `errno` of the failing call, or 0 when no system call failed.
    public let errorNumber: Int32

    public init(_ message: String, errorNumber: Int32 = 0) {
        self.message = message
        self.errorNumber = errorNumber
    }

    /// A failure of a system call: `message` followed by the text of `errno`.
    public static func system(_ message: String, errorNumber: Int32 = errno) -> SandboxError {
        SandboxError(message, errorNumber: errorNumber)
    }

    public var description: String {
        guard errorNumber != 0 else { return message }
        return "\(message): \(String(cString: strerror(errorNumber)))"
    }
}
