import SnapAPI

/// A task as the executor tracks it while its change is in progress.
struct EngineTask: Sendable {
    let id: Int64
    let changeID: Int64
    let kind: String
    let summary: String
    var status: TaskStatus
    var waitsFor: [Int64]
    var dependents: [Int64] = []
    var data: [String: JSONValue]
    /// The handler run in flight, when there is one.
    var running: Task<Void, Never>?
    /// When a task asked to be retried: not before this time.
    var retryAt: Timestamp?
}

/// A change the executor tracks while it is in progress. Finished changes live only in
/// the projections.
struct EngineChange: Sendable {
    let id: Int64
    let kind: String
    let summary: String
    let snapNames: [String]
    var data: [String: JSONValue]
    var taskIDs: [Int64]
    /// False while the change's creation is not yet durable: its tasks must not start.
    var isCommitted: Bool
    var aborting = false
    /// Callers of ``Engine/waitForChange(_:)``.
    var waiters: [CheckedContinuation<Void, Never>] = []
}

/// Everything the executor decides from, guarded by the engine's lock.
struct EngineState: Sendable {
    var changes: [Int64: EngineChange] = [:]
    /// Changes in which a task may have become startable since they were last scanned.
    var schedulable: Set<Int64> = []
    var tasks: [Int64: EngineTask] = [:]
    var runningCount = 0
    var nextChangeID: Int64 = 1
    var nextTaskID: Int64 = 1
    var isStopping = false
    /// Set when a commit failed: memory and the log may disagree, so nothing more runs.
    var storageFailure: String?
    var idleWaiters: [CheckedContinuation<Void, Never>] = []
}
