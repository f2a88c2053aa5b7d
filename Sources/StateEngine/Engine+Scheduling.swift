import SnapAPI

/// Starting handlers, recording what they return, and undoing failed changes.
extension Engine {
    /// Starts every task that can run now, up to the concurrency limit.
    func pump() {
        state.withLock { state in
            guard !state.isStopping, state.storageFailure == nil else { return }
            var events: [PendingEvent] = []
            var touched: Set<Int64> = []
            // A task finished without a handler (nothing to undo) can unblock another, so
            // scan again until a pass starts nothing new.
            while scan(&state, events: &events, touched: &touched) {}
            commit(events, in: &state, checking: touched)
        }
    }

    /// One pass over the changes where something moved; returns true when it settled a task
    /// on the spot. A change stays schedulable while the concurrency limit cuts its scan short.
    private func scan(_ state: inout EngineState, events: inout [PendingEvent], touched: inout Set<Int64>) -> Bool {
        let now = Timestamp.now()
        var settled = false
        for changeID in state.schedulable.sorted() {
            // Removed before the scan: a task settled during it marks the change again.
            state.schedulable.remove(changeID)
            guard let change = state.changes[changeID], change.isCommitted else { continue }
            for taskID in change.taskIDs {
                guard state.runningCount < options.maxRunning else {
                    state.schedulable.insert(changeID)
                    return settled
                }
                guard let task = state.tasks[taskID], task.running == nil else { continue }
                if let retryAt = task.retryAt, retryAt > now { continue }
                guard canStart(task, in: state) else { continue }
                start(task, in: &state, events: &events)
                touched.insert(changeID)
                if state.tasks[taskID]?.running == nil { settled = true }
            }
        }
        return settled
    }

    /// A task can start its do handler once everything it waits for is done, and its undo
    /// handler once nothing that waits for it is still done or running.
    private func canStart(_ task: EngineTask, in state: EngineState) -> Bool {
        switch task.status {
        case .do:
            return task.waitsFor.allSatisfy { state.tasks[$0].map { $0.status == .done } ?? true }
        case .undo:
            return task.dependents.allSatisfy { dependent in
                guard let status = state.tasks[dependent]?.status else { return true }
                return status == .undone || status == .hold || status == .error
            }
        default:
            return false
        }
    }

    /// Marks `task` Doing or Undoing and launches its handler.
    private func start(_ task: EngineTask, in state: inout EngineState, events: inout [PendingEvent]) {
        let undoing = task.status == .undo
        guard let handler = handlers[task.kind] else {
            let message = "internal error: no handler for task kind \"\(task.kind)\""
            fail(task.id, message: message, in: &state, events: &events)
            return
        }
        guard let body = undoing ? handler.undo : handler.perform else {
            setStatus(task.id, .undone, in: &state, events: &events)
            return
        }
        guard let change = state.changes[task.changeID] else { return }

        setStatus(task.id, undoing ? .undoing : .doing, in: &state, events: &events)
        state.runningCount += 1
        let context = TaskContext(task: task, change: change, isUndoing: undoing, writer: writer)
        state.tasks[task.id]?.retryAt = nil
        state.tasks[task.id]?.running = Task.detached {
            let result: Result<TaskOutcome, any Error>
            do {
                result = .success(try await body(context))
            } catch {
                result = .failure(error)
            }
            self.finish(context, undoing: undoing, result: result)
        }
    }

    /// Records what a handler returned, then starts whatever can run next.
    private func finish(_ context: TaskContext, undoing: Bool, result: Result<TaskOutcome, any Error>) {
        let buffered = context.takeBuffered()
        var retryDelay: Duration?
        state.withLock { state in
            state.runningCount -= 1
            state.tasks[context.taskID]?.running = nil
            guard let task = state.tasks[context.taskID] else { return }

            var events: [PendingEvent] = []
            switch result {
            case .success(let outcome):
                events += buffered
                // The task's data as later runs of it (its undo, a retry) must see it.
                for pending in buffered where pending.type == EventType.taskData {
                    guard case .string(let key)? = pending.payload["key"], let value = pending.payload["value"]
                    else { continue }
                    state.tasks[context.taskID]?.data[key] = value
                }
                retryDelay = record(outcome, of: task, undoing: undoing, in: &state, events: &events)
            case .failure(let error) where error is CancellationError && task.status == .abort:
                setStatus(task.id, .undo, in: &state, events: &events)
            case .failure(let error):
                fail(task.id, message: String(describing: error), in: &state, events: &events)
            }
            commit(events, in: &state, checking: [task.changeID])

            if state.runningCount == 0 && state.isStopping {
                for waiter in state.idleWaiters { waiter.resume() }
                state.idleWaiters.removeAll()
            }
        }
        if let retryDelay {
            let changeID = context.changeID
            Task.detached {
                try? await Task.sleep(for: retryDelay)
                self.state.withLock { _ = $0.schedulable.insert(changeID) }
                self.pump()
            }
        }
        pump()
    }

    /// Moves a task whose handler returned `outcome`; returns the retry delay, if any.
    private func record(
        _ outcome: TaskOutcome,
        of task: EngineTask,
        undoing: Bool,
        in state: inout EngineState,
        events: inout [PendingEvent]
    ) -> Duration? {
        let aborted = task.status == .abort
        switch outcome {
        case .done:
            setStatus(task.id, undoing ? .undone : (aborted ? .undo : .done), in: &state, events: &events)
        case .wait(let reason):
            appendLog(task, "waiting: \(reason)", events: &events)
            setStatus(task.id, undoing ? .undone : (aborted ? .undo : .wait), in: &state, events: &events)
        case .retry(let delay, let reason):
            appendLog(task, "will retry in \(delay): \(reason)", events: &events)
            if aborted {
                setStatus(task.id, .hold, in: &state, events: &events)
                return nil
            }
            setStatus(task.id, undoing ? .undo : .do, in: &state, events: &events)
            state.tasks[task.id]?.retryAt = Timestamp.now().adding(delay)
            return delay
        }
        return nil
    }

    /// Puts a task in Error and, when it failed doing rather than undoing, undoes its change.
    func fail(_ taskID: Int64, message: String, in state: inout EngineState, events: inout [PendingEvent]) {
        guard let task = state.tasks[taskID] else { return }
        appendLog(task, message, level: "ERROR", events: &events)
        setStatus(taskID, .error, error: message, in: &state, events: &events)
        let wasDoing = task.status == .doing || task.status == .do || task.status == .abort
        if wasDoing, state.changes[task.changeID]?.aborting == false {
            abortTasks(of: task.changeID, in: &state, events: &events)
        }
    }

    /// Holds tasks not started, cancels running ones, and marks done ones for undo.
    func abortTasks(of changeID: Int64, in state: inout EngineState, events: inout [PendingEvent]) {
        guard let change = state.changes[changeID] else { return }
        state.changes[changeID]?.aborting = true
        for taskID in change.taskIDs {
            guard let task = state.tasks[taskID] else { continue }
            switch task.status {
            case .do:
                setStatus(taskID, .hold, in: &state, events: &events)
            case .doing:
                setStatus(taskID, .abort, in: &state, events: &events)
                task.running?.cancel()
            case .done, .wait:
                setStatus(taskID, .undo, in: &state, events: &events)
            default:
                continue
            }
        }
    }

    /// Changes a task's status in memory and queues the event that records it.
    func setStatus(
        _ taskID: Int64,
        _ status: TaskStatus,
        error: String? = nil,
        in state: inout EngineState,
        events: inout [PendingEvent]
    ) {
        guard let task = state.tasks[taskID] else { return }
        state.tasks[taskID]?.status = status
        state.schedulable.insert(task.changeID)
        var payload: [String: JSONValue] = ["status": .string(status.rawValue)]
        if let error { payload["error"] = .string(error) }
        events.append(
            PendingEvent(
                time: .now(),
                changeID: task.changeID,
                taskID: taskID,
                type: EventType.taskStatus,
                payload: .object(payload)
            )
        )
    }

    func appendLog(_ task: EngineTask, _ text: String, level: String = "INFO", events: inout [PendingEvent]) {
        let now = Timestamp.now()
        events.append(
            PendingEvent(
                time: now,
                changeID: task.changeID,
                taskID: task.id,
                type: EventType.taskLog,
                payload: ["line": .string("\(now.rfc3339Seconds) \(level) \(text)")]
            )
        )
    }

    /// Queues `events` and retires the changes in `changeIDs` that are now finished; their
    /// waiters are resumed once the events are durable.
    func commit(_ events: [PendingEvent], in state: inout EngineState, checking changeIDs: Set<Int64>) {
        var waiters: [CheckedContinuation<Void, Never>] = []
        for changeID in changeIDs {
            guard let change = state.changes[changeID], change.isCommitted else { continue }
            let finished = change.taskIDs.allSatisfy { taskID in
                guard let task = state.tasks[taskID] else { return true }
                return task.status.isReady && task.running == nil
            }
            guard finished else { continue }
            state.changes[changeID] = nil
            for taskID in change.taskIDs { state.tasks[taskID] = nil }
            waiters += change.waiters
        }
        guard !events.isEmpty || !waiters.isEmpty else { return }
        let finishedWaiters = waiters
        writer.submit(events) { result in
            if case .failure(let error) = result { self.storageFailed(error) }
            for waiter in finishedWaiters { waiter.resume() }
        }
    }

    /// Stops all further work after a failed commit.
    private func storageFailed(_ error: any Error) {
        let message = String(describing: StateDatabase.describe(error, path: path))
        logger.error("cannot record state changes, stopping", metadata: ["error": message])
        state.withLock { state in
            if state.storageFailure == nil { state.storageFailure = message }
        }
    }
}
