import SnapAPI

/// A failure of a snap operation: a code to switch on, the message a user sees, and the
/// REST API error kind and value when the client should recognise it.
public struct SnapManagerError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// The snap is not installed (`snap-not-installed`).
        case notInstalled
        /// The snap is already installed and nothing would change (`snap-already-installed`).
        case alreadyInstalled
        /// The file is not a usable snap: unreadable, corrupt, or its snap.yaml is invalid.
        case invalidSnap
        /// The snap needs `--classic` (`snap-needs-classic`).
        case needsClassic
        /// The snap needs `--devmode` (`snap-needs-devmode`).
        case needsDevmode
        /// An option does not fit the operation.
        case badRequest
        /// A revision was named that the snap does not have.
        case revisionNotInstalled
        /// The base the snap runs on is not installed.
        case missingBase
        /// A step on the disk failed (mount, copy, link...).
        case system
        /// The snap system's own bookkeeping is inconsistent.
        case internalError
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// The error kind the REST API reports, when the client knows one.
    public var apiKind: String? {
        switch code {
        case .notInstalled: "snap-not-installed"
        case .alreadyInstalled: "snap-already-installed"
        case .needsClassic: "snap-needs-classic"
        case .needsDevmode: "snap-needs-devmode"
        case .invalidSnap: nil
        default: nil
        }
    }
}
