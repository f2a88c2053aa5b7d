import Dispatch
import SQLite
import Synchronization

/// Appends events and applies them to the projections, committing many submissions
/// together (group commit).
///
/// Concurrency model: ``submit(_:completion:)`` may be called from any thread; it only
/// queues the submission under a short lock. One serial dispatch queue owns the
/// connection: it takes every queued submission, appends and projects them inside one
/// transaction (each submission under its own savepoint, so one that fails does not
/// sink the others), commits with a full fsync, then calls the completions. While one
/// commit waits for the disk, new submissions gather for the next, which is what makes
/// thousands of durable transitions per second possible. Submissions are appended in
/// the order they were queued.
final class EventWriter: Sendable {
    typealias Completion = @Sendable (Result<Void, any Error>) -> Void

    private struct Submission {
        var events: [PendingEvent]
        var completion: Completion?
    }

    private struct Queue {
        var submissions: [Submission] = []
        var flushScheduled = false
    }

    private let queue = DispatchQueue(label: "state-engine.writer", qos: .userInitiated)
    private let pending = Mutex(Queue())
    // Touched only on `queue`, which serialises every use of the connection and projector.
    nonisolated(unsafe) private let projector: Projector
    private let afterCommit: (@Sendable (Int) -> Void)?

    /// Creates a writer owning `projector` and its connection.
    ///
    /// - Parameters:
    ///   - projector: Owns the connection the events are appended through.
    ///   - afterCommit: Called on the writer queue after each durable commit with the number
    ///     of events it held; fault-injection tests use it to stop at a boundary.
    init(projector: Projector, afterCommit: (@Sendable (Int) -> Void)?) {
        self.projector = projector
        self.afterCommit = afterCommit
    }

    /// Queues `events` to be appended atomically; `completion` runs once they are durable
    /// or have failed.
    func submit(_ events: [PendingEvent], completion: Completion? = nil) {
        let mustSchedule = pending.withLock { state in
            state.submissions.append(Submission(events: events, completion: completion))
            defer { state.flushScheduled = true }
            return !state.flushScheduled
        }
        if mustSchedule {
            queue.async { self.flush() }
        }
    }

    /// Queues `events` and waits until they are durable.
    func append(_ events: [PendingEvent]) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            submit(events) { continuation.resume(with: $0) }
        }
    }

    /// Waits until everything queued so far is committed.
    func drain() async {
        try? await append([])
    }

    /// Runs `body` on the writer queue with the connection, between batches.
    func withConnection<T: Sendable>(_ body: @Sendable @escaping (Connection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body(self.projector.database) }) }
        }
    }

    private func flush() {
        while true {
            let batch = pending.withLock { state in
                defer { state.submissions.removeAll(keepingCapacity: true) }
                if state.submissions.isEmpty { state.flushScheduled = false }
                return state.submissions
            }
            if batch.isEmpty { return }
            let results = commit(batch)
            for (submission, result) in zip(batch, results) {
                submission.completion?(result)
            }
        }
    }

    /// Appends and projects `batch` in one transaction; returns one result per submission.
    private func commit(_ batch: [Submission]) -> [Result<Void, any Error>] {
        let database = projector.database
        var results: [Result<Void, any Error>] = []
        var eventCount = 0
        do {
            try database.execute("BEGIN IMMEDIATE")
            for submission in batch {
                results.append(apply(submission.events))
                if case .success = results.last { eventCount += submission.events.count }
            }
            try projector.finishBatch()
            try database.execute("COMMIT")
        } catch {
            try? database.execute("ROLLBACK")
            projector.discardFolded()
            return batch.map { _ in .failure(error) }
        }
        // Between commits other code may use the connection (withConnection), so the
        // projection reads its changes from the tables again in the next batch.
        projector.discardFolded()
        afterCommit?(eventCount)
        return results
    }

    /// Appends one submission's events under a savepoint.
    private func apply(_ events: [PendingEvent]) -> Result<Void, any Error> {
        let database = projector.database
        do {
            try database.execute("SAVEPOINT submission")
            do {
                let insert = try database.cached(
                    "INSERT INTO events (time, change_id, task_id, type, payload) VALUES (?, ?, ?, ?, ?)"
                )
                for pendingEvent in events {
                    var event = pendingEvent.event(sequence: 0)
                    try insert.run(event.time, event.changeID, event.taskID, event.type, event.payload)
                    event.sequence = database.lastInsertRowID
                    try projector.apply(event)
                }
                try projector.finishSubmission()
                try database.execute("RELEASE submission")
                return .success(())
            } catch {
                projector.discardFolded()
                try database.execute("ROLLBACK TO submission; RELEASE submission")
                return .failure(error)
            }
        } catch {
            return .failure(error)
        }
    }
}
