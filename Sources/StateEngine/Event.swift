import SnapAPI

/// One entry of the append-only event log: a task transition, or a domain fact that a
/// handler recorded.
public struct Event: Sendable, Equatable {
    /// The position in the log, starting at 1; assigned when the event is appended.
    public internal(set) var sequence: Int64
    /// When the event happened, as RFC 3339 text of fixed width.
    public let time: String
    /// The change the event belongs to, if any.
    public let changeID: Int64?
    /// The task the event belongs to, if any.
    public let taskID: Int64?
    /// What happened: one of ``EventType``'s values, or a domain fact's name (`snap-linked`).
    public let type: String
    /// The details, as JSON text.
    public let payload: String

    public init(sequence: Int64, time: String, changeID: Int64?, taskID: Int64?, type: String, payload: String) {
        self.sequence = sequence
        self.time = time
        self.changeID = changeID
        self.taskID = taskID
        self.type = type
        self.payload = payload
    }

    /// The payload parsed as JSON.
    public func decodedPayload() throws -> JSONValue {
        try JSONValue(parsing: payload)
    }
}

/// The event types the engine itself writes. Domain facts use names of their own.
public enum EventType {
    /// A change was created. Payload: `kind`, `summary`, `data`, `snap-names`, optional `status`.
    public static let changeAdded = "change-added"
    /// A task was added to a change. Payload: `kind`, `summary`, `data`, `wait-for` (task ids).
    public static let taskAdded = "task-added"
    /// A task moved to another status. Payload: `status`, optional `error`.
    public static let taskStatus = "task-status"
    /// A task reported progress. Payload: `label`, `done`, `total`.
    public static let taskProgress = "task-progress"
    /// A task wrote a log line. Payload: `line`, preformatted as `<time> <LEVEL> <text>`.
    public static let taskLog = "task-log"
    /// A task stored a data value. Payload: `key`, `value`.
    public static let taskData = "task-data"
    /// A change's data value was set. Payload: `key`, `value`.
    public static let changeData = "change-data"
    /// Abort was requested for a change. Payload: empty object.
    public static let changeAbort = "change-abort"

    /// Every type above.
    public static let all: Set<String> = [
        changeAdded, taskAdded, taskStatus, taskProgress, taskLog, taskData, changeData, changeAbort,
    ]
}

/// An event about to be appended: everything but its sequence number.
struct PendingEvent: Sendable {
    var time: Timestamp
    var changeID: Int64?
    var taskID: Int64?
    var type: String
    var payload: JSONValue

    func event(sequence: Int64) -> Event {
        Event(
            sequence: sequence,
            time: time.rfc3339,
            changeID: changeID,
            taskID: taskID,
            type: type,
            payload: payload.jsonText
        )
    }
}
