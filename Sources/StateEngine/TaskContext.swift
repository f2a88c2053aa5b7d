import SnapAPI
import Synchronization

/// What a running handler sees of its task, and how it reports back.
///
/// Progress and log lines are appended at once. Data values and domain facts are kept
/// until the handler returns and then appended in the same transaction as the task's
/// next status, so a fact is never recorded for work whose task did not finish; if
/// the handler throws they are dropped.
public final class TaskContext: Sendable {
    /// The task's id.
    public let taskID: Int64
    /// The change the task belongs to.
    public let changeID: Int64
    /// The task's kind.
    public let kind: String
    /// The task's summary.
    public let summary: String
    /// The task's data as it was when the handler started.
    public let data: [String: JSONValue]
    /// The change's data.
    public let changeData: [String: JSONValue]
    /// The snaps the change acts on.
    public let snapNames: [String]
    /// True when the handler runs to undo the task.
    public let isUndoing: Bool

    private let writer: EventWriter
    private let buffered = Mutex<[PendingEvent]>([])

    init(
        task: EngineTask,
        change: EngineChange,
        isUndoing: Bool,
        writer: EventWriter
    ) {
        self.taskID = task.id
        self.changeID = task.changeID
        self.kind = task.kind
        self.summary = task.summary
        self.data = task.data
        self.changeData = change.data
        self.snapNames = change.snapNames
        self.isUndoing = isUndoing
        self.writer = writer
    }

    /// Reports progress; `total` 1 with `done` 0 or 1 means "no progress bar".
    public func setProgress(label: String, done: Int64, total: Int64) {
        writer.submit([
            event(EventType.taskProgress, ["label": .string(label), "done": .integer(done), "total": .integer(total)])
        ])
    }

    /// Appends a log line to the task, shown by `snap tasks`.
    public func log(_ text: String, level: String = "INFO") {
        let line = "\(Timestamp.now().rfc3339Seconds) \(level) \(text)"
        writer.submit([event(EventType.taskLog, ["line": .string(line)])])
    }

    /// Stores a value in the task's data, for later runs and the undo handler.
    public func setData(_ key: String, _ value: JSONValue) {
        let pending = event(EventType.taskData, ["key": .string(key), "value": value])
        buffered.withLock { $0.append(pending) }
    }

    /// The value of `key` in the task's data: the one this run stored with ``setData(_:_:)``
    /// when it did, else the one the run started with.
    public func currentData(_ key: String) -> JSONValue? {
        let stored = buffered.withLock { events in
            events.last { event in
                event.type == EventType.taskData && event.payload["key"] == .string(key)
            }?.payload["value"]
        }
        return stored ?? data[key]
    }

    /// Records a domain fact, such as `snap-linked`, for the projections that follow it.
    public func record(_ type: String, _ payload: JSONValue) {
        precondition(!EventType.all.contains(type), "\(type) is reserved for the engine's own events")
        let pending = event(type, payload)
        buffered.withLock { $0.append(pending) }
    }

    /// Takes the buffered data values and facts.
    func takeBuffered() -> [PendingEvent] {
        buffered.withLock { events in
            defer { events.removeAll() }
            return events
        }
    }

    private func event(_ type: String, _ payload: JSONValue) -> PendingEvent {
        PendingEvent(time: .now(), changeID: changeID, taskID: taskID, type: type, payload: payload)
    }
}
