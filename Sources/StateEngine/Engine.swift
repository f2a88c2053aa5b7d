import SQLite
import SnapLogging
import Synchronization

/// The executor of changes: runs ready tasks through their handlers, records every
/// transition in the event log, undoes failed and aborted changes, and recovers after
/// a crash.
///
/// Concurrency model: all decisions happen inside short `withLock` sections on one
/// `Mutex<EngineState>`. A decision queues its events with the ``EventWriter`` before
/// the lock is released, so the log holds transitions in the order they were decided.
/// Handlers run as Swift tasks outside the lock, at most `maxRunning` at once; when one
/// returns, its result is recorded under the lock and the next tasks are started.
/// Handlers may start before their `Doing` transition is durable: after a crash such a
/// task is simply run again, which handlers are written to tolerate.
///
/// When a commit fails (a full disk, an I/O error), memory and the log may disagree, so
/// the engine stops starting tasks; a restart recovers from what the log holds.
public final class Engine: Sendable {
    /// Tuning and test hooks.
    public struct Options: Sendable {
        /// The most handlers that run at once.
        public var maxRunning: Int
        /// Called after each durable commit with its event count (fault injection).
        public var afterCommit: (@Sendable (Int) -> Void)?

        public init(maxRunning: Int = 8, afterCommit: (@Sendable (Int) -> Void)? = nil) {
            self.maxRunning = maxRunning
            self.afterCommit = afterCommit
        }
    }

    /// The database file.
    public let path: String
    let writer: EventWriter
    let handlers: [String: TaskHandler]
    let state: Mutex<EngineState>
    let options: Options
    let logger: Logger

    /// Opens (or creates) the database at `path`, applies migrations and loads the changes
    /// in progress. Nothing runs until ``start()``.
    ///
    /// - Parameters:
    ///   - path: The database file.
    ///   - handlers: One handler per task kind.
    ///   - projections: Domain projections, beside the engine's own changes and tasks.
    ///   - migrations: The schema, with the tables of `projections`; `migrations/*.sql` by default.
    ///   - options: Concurrency limit and test hooks.
    ///   - logger: Where the engine reports failures it cannot return to a caller.
    /// - Throws: ``StateEngineError`` naming the file when it is damaged, newer, or cannot be migrated.
    public init(
        path: String,
        handlers: [TaskHandler],
        projections: [any Projection] = [],
        migrations: [Migration] = Migration.embedded,
        options: Options = Options(),
        logger: Logger = .disabled
    ) throws {
        let connection = try StateDatabase.open(path: path, migrations: migrations)
        let loaded: EngineState
        do {
            loaded = try EngineState.load(from: connection)
        } catch {
            throw StateDatabase.describe(error, path: path)
        }
        self.path = path
        self.handlers = Dictionary(handlers.map { ($0.kind, $0) }) { _, last in last }
        self.options = options
        self.logger = logger
        self.state = Mutex(loaded)
        self.writer = EventWriter(
            projector: try Projector(database: connection, projections: projections),
            afterCommit: options.afterCommit
        )
    }

    /// Recovers changes interrupted by a crash, then starts running ready tasks.
    public func start() {
        recover()
        pump()
    }

    // MARK: Changes

    /// Creates `change` and returns its id once its creation is durable.
    ///
    /// - Throws: ``StateEngineError`` with code `changeConflict` when a change in progress
    ///   acts on one of the same snaps, `invalidChange` for bad edges, `notRunning` after
    ///   a storage failure or during shutdown.
    @discardableResult
    public func addChange(_ change: NewChange) async throws -> Int64 {
        try change.validate()
        let (changeID, events) = try state.withLock { state in
            try reserve(change, in: &state)
        }
        do {
            try await writer.append(events)
        } catch {
            state.withLock { state in forget(changeID, in: &state) }
            throw StateDatabase.describe(error, path: path)
        }
        state.withLock { state in
            state.changes[changeID]?.isCommitted = true
            state.schedulable.insert(changeID)
            commit([], in: &state, checking: [changeID])
        }
        pump()
        return changeID
    }

    /// Aborts a change in progress: tasks not started are put on hold, running ones are
    /// cancelled, and everything done is undone in reverse order.
    ///
    /// - Throws: ``StateEngineError`` `notFound` for an unknown id, `nothingPending` for a
    ///   finished change.
    public func abortChange(_ changeID: Int64) async throws {
        let known = state.withLock { state -> Bool in
            guard state.changes[changeID] != nil else { return false }
            var events = [
                PendingEvent(time: .now(), changeID: changeID, taskID: nil, type: EventType.changeAbort, payload: [:])
            ]
            abortTasks(of: changeID, in: &state, events: &events)
            commit(events, in: &state, checking: [changeID])
            return true
        }
        guard known else {
            let exists = try await writer.withConnection { database in
                try database.scalar("SELECT 1 FROM changes WHERE id = ?", changeID) != nil
            }
            throw exists
                ? StateEngineError(.nothingPending, "cannot abort change \(changeID) with nothing pending")
                : StateEngineError(.notFound, "cannot find change with id \"\(changeID)\"")
        }
        await writer.drain()
        pump()
    }

    /// Finishes a task that returned ``TaskOutcome/wait(reason:)``.
    public func resume(task taskID: Int64) throws {
        try state.withLock { state in
            guard let task = state.tasks[taskID], task.status == .wait else {
                throw StateEngineError(.notFound, "no task \(taskID) is waiting")
            }
            var events: [PendingEvent] = []
            setStatus(taskID, .done, in: &state, events: &events)
            commit(events, in: &state, checking: [task.changeID])
        }
        pump()
    }

    /// Returns once the change is finished and its last transition is durable (at once
    /// for a finished or unknown change).
    public func waitForChange(_ changeID: Int64) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let waiting = state.withLock { state -> Bool in
                guard state.changes[changeID] != nil else { return false }
                state.changes[changeID]?.waiters.append(continuation)
                return true
            }
            if !waiting { continuation.resume() }
        }
    }

    /// The ids of the changes in progress.
    public var pendingChangeIDs: [Int64] {
        state.withLock { $0.changes.keys.sorted() }
    }

    /// Stops starting tasks, waits for running handlers to return and for their
    /// transitions to be durable. Changes left in progress resume at the next start.
    public func stop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { state -> Bool in
                state.isStopping = true
                guard state.runningCount > 0 else { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
        await writer.drain()
        // Fold the write-ahead log into the main file, so that a copy of state.db alone
        // (what a support engineer is likely to take) holds everything.
        _ = try? await writer.withConnection { database in
            try database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    /// Runs `body` with the writer's connection between commits, for reads that must see
    /// every committed event (tests, the API's consistent reads).
    public func withDatabase<T: Sendable>(_ body: @Sendable @escaping (Connection) throws -> T) async throws -> T {
        try await writer.withConnection(body)
    }

    // MARK: Creating

    /// Checks for conflicts and puts the change in memory, not yet runnable; returns its events.
    private func reserve(_ change: NewChange, in state: inout EngineState) throws -> (Int64, [PendingEvent]) {
        guard !state.isStopping, state.storageFailure == nil else {
            throw StateEngineError(.notRunning, "the state engine is not running")
        }
        for other in state.changes.values.sorted(by: { $0.id < $1.id }) {
            if let name = change.snapNames.first(where: other.snapNames.contains) {
                throw StateEngineError(
                    .changeConflict,
                    "snap \"\(name)\" has \"\(other.kind)\" change in progress",
                    conflict: (name, other.kind)
                )
            }
        }

        let changeID = state.nextChangeID
        state.nextChangeID += 1
        let firstTaskID = state.nextTaskID
        state.nextTaskID += Int64(change.tasks.count)
        let now = Timestamp.now()
        var events = [
            PendingEvent(
                time: now,
                changeID: changeID,
                taskID: nil,
                type: EventType.changeAdded,
                payload: [
                    "kind": .string(change.kind), "summary": .string(change.summary), "data": .object(change.data),
                    "snap-names": .array(change.snapNames.map { .string($0) }),
                ]
            )
        ]

        var taskIDs: [Int64] = []
        for (index, task) in change.tasks.enumerated() {
            let taskID = firstTaskID + Int64(index)
            let waitsFor = task.waitsFor.map { firstTaskID + Int64($0) }
            taskIDs.append(taskID)
            state.tasks[taskID] = EngineTask(
                id: taskID,
                changeID: changeID,
                kind: task.kind,
                summary: task.summary,
                status: .do,
                waitsFor: waitsFor,
                data: task.data
            )
            events.append(
                PendingEvent(
                    time: now,
                    changeID: changeID,
                    taskID: taskID,
                    type: EventType.taskAdded,
                    payload: [
                        "kind": .string(task.kind), "summary": .string(task.summary), "data": .object(task.data),
                        "wait-for": .array(waitsFor.map { .integer($0) }),
                    ]
                )
            )
        }
        for taskID in taskIDs {
            for target in state.tasks[taskID]?.waitsFor ?? [] { state.tasks[target]?.dependents.append(taskID) }
        }
        state.changes[changeID] = EngineChange(
            id: changeID,
            kind: change.kind,
            summary: change.summary,
            snapNames: change.snapNames,
            data: change.data,
            taskIDs: taskIDs,
            isCommitted: false
        )
        return (changeID, events)
    }

    /// Drops a change whose creation failed to commit.
    private func forget(_ changeID: Int64, in state: inout EngineState) {
        guard let change = state.changes.removeValue(forKey: changeID) else { return }
        for taskID in change.taskIDs { state.tasks[taskID] = nil }
        for waiter in change.waiters { waiter.resume() }
    }
}
