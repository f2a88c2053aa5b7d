/// How a command ends when it does not succeed plainly: the text for standard error
/// and the exit status. Some outcomes of a failed request are not errors for the real
/// client (`snap "x" is already installed...` exits 0), so the status is part of it.
struct CommandFailure: Error {
    /// The whole text for standard error, ending in a newline.
    var text: String
    /// The process exit status.
    var exitStatus: Int32

    /// `error: MESSAGE`, exit status 1 unless told otherwise.
    static func error(_ message: String, exitStatus: Int32 = 1) -> CommandFailure {
        CommandFailure(text: "error: \(message)\n", exitStatus: exitStatus)
    }

    /// `error: ` and `message` wrapped as the real client wraps long messages.
    static func filledError(_ message: String, exitStatus: Int32 = 1) -> CommandFailure {
        CommandFailure(text: "error: \(TextFill.fill(message, indent: 7))\n", exitStatus: exitStatus)
    }

    /// A notice that is not an error: the message alone, wrapped, and exit status 0.
    static func notice(_ message: String) -> CommandFailure {
        CommandFailure(text: TextFill.fill(message, indent: 7) + "\n", exitStatus: 0)
    }
}
