import CSnapShim
import Glibc

/// Why a mount or file operation failed: the call that failed, the paths it acted on, and the
/// reason, printed on one line.
///
/// A failed system call carries its errno value; ``description`` then names the call, the
/// paths, the errno name and the strerror text, for example
/// `cannot copy "/a" to "/b": write "/b": No space left on device (ENOSPC)`.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: Sendable, Equatable {
        /// A system call failed with this errno value.
        case systemCall(errno: Int32)
        /// A directory to remove holds a mount point (or is one); nothing is removed through it.
        case mountPointInTree
        /// Something other than the requested image is already mounted at the mount point.
        case mountPointInUse
        /// A helper program (squashfuse, fusermount3) exited with this status.
        case programFailed(status: Int32)
        /// The filesystem has fewer free bytes than an operation needs.
        case insufficientSpace(needed: UInt64, available: UInt64)
    }

    /// The kind of failure.
    public var code: Code
    /// The system call or program that failed, such as `copy_file_range` or `squashfuse`.
    public var call: String
    /// The paths the call acted on, in call order.
    public var paths: [String]
    /// What the caller was doing, such as `cannot mount "/a.snap" at "/snap/a/1"`, when known.
    public var context: String?
    /// More detail: a helper program's output, or a likely cause.
    public var detail: String?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - call: The system call or program that failed.
    ///   - paths: The paths it acted on.
    ///   - context: What the caller was doing.
    ///   - detail: More detail, such as a program's output.
    public init(_ code: Code, call: String, paths: [String], context: String? = nil, detail: String? = nil) {
        self.code = code
        self.call = call
        self.paths = paths
        self.context = context
        self.detail = detail
    }

    /// The errno value of a failed system call, or nil for other failures.
    public var errno: Int32? {
        if case .systemCall(let value) = code { return value }
        return nil
    }

    /// Whether the failure means the filesystem (or the user's quota) is full: `ENOSPC`,
    /// `EDQUOT`, or too little free space found before starting.
    public var isOutOfSpace: Bool {
        switch code {
        case .systemCall(let value): value == ENOSPC || value == EDQUOT
        case .insufficientSpace: true
        default: false
        }
    }

    /// The error on one line: context, call, paths, reason and detail.
    public var description: String {
        var text = context.map { "\($0): " } ?? ""
        text += call
        if !paths.isEmpty {
            text += " " + paths.map { "\"\($0)\"" }.joined(separator: " to ")
        }
        text += ": " + reason
        if let detail, !detail.isEmpty {
            text += " (\(detail))"
        }
        return text
    }

    /// The same error with `context` set, unless it already has one.
    func adding(context: String) -> SystemError {
        var copy = self
        if copy.context == nil { copy.context = context }
        return copy
    }

    private var reason: String {
        switch code {
        case .systemCall(let value):
            return "\(Self.message(for: value)) (\(Self.name(of: value)))"
        case .mountPointInTree:
            return "is a mount point or holds one; unmount it first"
        case .mountPointInUse:
            return "something else is already mounted there"
        case .programFailed(let status):
            return "exited with status \(status)"
        case .insufficientSpace(let needed, let available):
            return "not enough free space: \(needed) bytes needed, \(available) available"
        }
    }

    /// The symbolic name of an errno value, such as `ENOSPC`.
    /// - Parameter value: An errno value.
    /// - Returns: The name, or `errno N` for a value glibc does not name.
    public static func name(of value: Int32) -> String {
        guard let name = csnap_errno_name(value) else { return "errno \(value)" }
        return String(cString: name)
    }

    /// The strerror(3) text of an errno value, such as `No space left on device`.
    /// - Parameter value: An errno value.
    /// - Returns: The text glibc gives for it.
    public static func message(for value: Int32) -> String {
        String(cString: strerror(value))
    }
}
