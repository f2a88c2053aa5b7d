/// A failure of the state engine, with a code callers can switch on and a message
/// that names what is wrong.
public struct StateEngineError: Error, CustomStringConvertible, Equatable {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// The database file is damaged, truncated, or not a database.
        case corruptDatabase
        /// The database was written by a newer version with a schema this one does not know.
        case newerSchema
        /// A migration could not be applied; the file was left as it was.
        case migrationFailed
        /// The database could not be opened, read or written.
        case storage
        /// No change or task has the given id.
        case notFound
        /// The change is already finished, so there is nothing to abort.
        case nothingPending
        /// Another change in progress acts on the same snap.
        case changeConflict
        /// The change's wait-for edges are invalid or form a cycle.
        case invalidChange
        /// The engine is stopping or stopped after a storage failure.
        case notRunning
    }

    public let code: Code
    public let message: String
    /// For ``Code/changeConflict``: the snap and the kind of the change holding it.
    public let conflict: (snapName: String, changeKind: String)?

    public init(_ code: Code, _ message: String, conflict: (snapName: String, changeKind: String)? = nil) {
        self.code = code
        self.message = message
        self.conflict = conflict
    }

    /// The REST API error kind for this failure, when there is one.
    public var apiKind: String? {
        code == .changeConflict ? "snap-change-conflict" : nil
    }

    public var description: String { message }

    public static func == (lhs: StateEngineError, rhs: StateEngineError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }
}
