/// A command line the parser rejects, with the message the real `snap` client prints for
/// the same mistake (``unknown flag `hold'``, ``expected argument for flag `--revision'``).
public struct UsageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The message, without the `error: ` prefix.
    public var message: String
    /// The usage line of the command the mistake was made in.
    public var usage: String
    /// The exit status: 64 (EX_USAGE) for most mistakes; 1 where the real client uses 1.
    public var exitStatus: Int32

    /// Creates a usage error.
    public init(message: String, usage: String, exitStatus: Int32 = 64) {
        self.message = message
        self.usage = usage
        self.exitStatus = exitStatus
    }

    /// `error: MESSAGE`.
    public var description: String { "error: \(message)" }

    /// The text for standard error: `error: MESSAGE`, and when `showingUsage` is true the
    /// usage and where to get help.
    public func rendered(showingUsage: Bool) -> String {
        guard showingUsage else { return "error: \(message)\n" }
        return "error: \(message)\n\nUsage:\n  \(usage)\n\nRun with --help for more information.\n"
    }
}
