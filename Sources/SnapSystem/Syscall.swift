import Glibc

/// Runs a system call that returns -1 with errno on failure, retrying it when a signal
/// interrupts it (`EINTR`), and turns a failure into a ``SystemError``.
///
/// errno is read right after the call, before anything else can change it. `EBADF` and
/// `EFAULT` mean a bug in this module (a closed descriptor, a bad pointer), so they trap.
/// - Parameters:
///   - call: The name of the call, for the error.
///   - paths: The paths it acts on, for the error.
///   - body: The call.
/// - Returns: The call's result.
/// - Throws: ``SystemError`` with `.systemCall(errno:)`.
@discardableResult
func syscall<Result: FixedWidthInteger>(
    _ call: String,
    _ paths: String...,
    body: () -> Result
) throws(SystemError) -> Result {
    while true {
        let result = body()
        guard result == -1 else { return result }
        let code = errno
        if code == EINTR { continue }
        precondition(code != EBADF && code != EFAULT, "\(call) failed with \(SystemError.name(of: code)): a bug")
        throw SystemError(.systemCall(errno: code), call: call, paths: paths)
    }
}

/// The errno of a failed system call as a ``SystemError``.
/// - Parameters:
///   - code: The errno value.
///   - call: The call's name.
///   - paths: The paths it acted on.
/// - Returns: The error.
func failure(_ code: Int32, _ call: String, _ paths: String...) -> SystemError {
    SystemError(.systemCall(errno: code), call: call, paths: paths)
}

/// Splits a path into its directory and final component (`"/a/b"` gives `"/a"` and `"b"`,
/// `"b"` gives `"."` and `"b"`). Trailing slashes are ignored.
/// - Parameter path: A path naming a file, not `/`.
/// - Returns: The directory and the name.
func splitPath(_ path: String) -> (directory: String, name: String) {
    var trimmed = Substring(path)
    while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
    guard let slash = trimmed.lastIndex(of: "/") else { return (".", String(trimmed)) }
    let directory = trimmed[..<slash]
    return (directory.isEmpty ? "/" : String(directory), String(trimmed[trimmed.index(after: slash)...]))
}

/// Joins a directory path and a name with one slash.
func joinPath(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
}

/// A name for a temporary file beside `name` that no other process is likely to pick:
/// `.name.` followed by random hex digits and `~`.
func temporaryName(beside name: String) -> String {
    ".\(name).\(String(UInt64.random(in: 0...UInt64.max), radix: 16))~"
}
