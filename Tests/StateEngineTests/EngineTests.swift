import EngineTestSupport
import Foundation
import SQLite
import SnapAPI
import Synchronization
import Testing

@testable import StateEngine

@Suite("Engine")
struct EngineTests {
    let scratch = ScratchDirectory()
    let journal = Journal()

    func makeEngine(maxRunning: Int = 4) throws -> Engine {
        try Engine(
            path: scratch.file("state.db"),
            handlers: fileHandlers(directory: scratch.path, journal: journal),
            projections: [FilesProjection()],
            migrations: FilesProjection.migrations,
            options: Engine.Options(maxRunning: maxRunning)
        )
    }

    func load(_ engine: Engine, _ id: Int64) async throws -> ChangeRecord {
        try #require(try await engine.withDatabase { try ChangeRecord.load(id, from: $0) })
    }

    @Test("a change whose tasks all succeed ends Done, with its facts projected")
    func changeRunsToDone() async throws {
        let engine = try makeEngine()
        engine.start()
        let id = try await engine.addChange(fileChange(snap: "demo", names: ["a", "b", "c"]))
        await engine.waitForChange(id)

        let change = try await load(engine, id)
        #expect(change.status == .done)
        #expect(change.isReady)
        #expect(change.readyTime != nil)
        #expect(change.tasks.map(\.status) == [.done, .done, .done])
        #expect(journal.all == ["do a", "do b", "do c"])
        let files = try await engine.withDatabase { try Replayer.dump("test_files", in: $0).rows }
        #expect(files.map { $0[0] } == [.text("a"), .text("b"), .text("c")])
    }

    @Test("a failing task undoes every done task of its change in reverse order")
    func failureUndoesInReverse() async throws {
        let engine = try makeEngine()
        engine.start()
        let id = try await engine.addChange(fileChange(snap: "demo", names: ["a", "b", "c"], failing: true))
        await engine.waitForChange(id)

        let change = try await load(engine, id)
        #expect(change.status == .error)
        #expect(change.err == "cannot perform the following tasks:\n- Fail on purpose (disk on fire)")
        #expect(change.tasks.map(\.status) == [.undone, .undone, .undone, .error])
        #expect(journal.all == ["do a", "do b", "do c", "fail", "undo c", "undo b", "undo a"])
        for name in ["a", "b", "c"] {
            #expect(!FileManager.default.fileExists(atPath: scratch.file(name)))
        }
        let files = try await engine.withDatabase { try Replayer.dump("test_files", in: $0).rows }
        #expect(files.isEmpty)
        let failed = try #require(change.tasks.last)
        #expect(failed.log.last?.hasSuffix("ERROR disk on fire") == true)
    }

    @Test("tasks without edges run concurrently and a failure holds what has not started")
    func failureHoldsUnstartedTasks() async throws {
        let engine = try makeEngine(maxRunning: 1)
        engine.start()
        var change = NewChange(kind: "test", summary: "Parallel", snapNames: ["x"])
        let first = change.addTask(kind: "fail", summary: "Fail first")
        change.addTask(kind: "create-file", summary: "Later", data: ["name": "later"], waitingFor: [first])
        change.addTask(kind: "create-file", summary: "Independent", data: ["name": "independent"])
        let id = try await engine.addChange(change)
        await engine.waitForChange(id)

        let tasks = try await load(engine, id).tasks
        #expect(tasks[0].status == .error)
        #expect(tasks[1].status == .hold)
        #expect(tasks[2].status == .hold || tasks[2].status == .undone)
    }

    @Test("independent tasks run at most maxRunning at once, and that many do", arguments: [1, 2, 3])
    func concurrencyLimitIsReached(limit: Int) async throws {
        let occupancy = Occupancy(total: 6, limit: limit)
        let counted = TaskHandler(kind: "counted", perform: { _ in await occupancy.run() })
        let engine = try Engine(
            path: scratch.file("state.db"),
            handlers: [counted],
            options: Engine.Options(maxRunning: limit)
        )
        engine.start()
        var change = NewChange(kind: "test", summary: "Six at once", snapNames: ["wide"])
        for index in 0..<6 { change.addTask(kind: "counted", summary: "Task \(index)") }
        let id = try await engine.addChange(change)
        await engine.waitForChange(id)

        #expect(try await load(engine, id).status == .done)
        #expect(occupancy.peak == limit)
        #expect(occupancy.entered == 6)
    }

    @Test(
        "in a diamond, a task is undone only once every done task waiting for it is undone",
        arguments: ["b", "c"]
    )
    func diamondUndoesInDependencyOrder(held: String) async throws {
        let gate = Gate()
        let journal = self.journal
        let tracked = TaskHandler(
            kind: "tracked",
            perform: { context in
                journal.note("do \(context.data["name"]?.stringValue ?? "")")
                return .done
            },
            undo: { context in
                let name = context.data["name"]?.stringValue ?? ""
                journal.note("undo \(name)")
                if name == held { await gate.wait() }
                journal.note("undone \(name)")
                return .done
            }
        )
        let engine = try Engine(
            path: scratch.file("state.db"),
            handlers: fileHandlers(directory: scratch.path, journal: journal) + [tracked]
        )
        engine.start()
        // A, then B and C (both waiting for A), then D waiting for both, failing.
        var change = NewChange(kind: "test", summary: "Diamond", snapNames: ["diamond"])
        let a = change.addTask(kind: "tracked", summary: "A", data: ["name": "a"])
        let b = change.addTask(kind: "tracked", summary: "B", data: ["name": "b"], waitingFor: [a])
        let c = change.addTask(kind: "tracked", summary: "C", data: ["name": "c"], waitingFor: [a])
        change.addTask(kind: "fail", summary: "D", waitingFor: [b, c])
        let id = try await engine.addChange(change)

        // One side's undo is held; the other finishes; A must still wait.
        await gate.waitUntilEntered()
        let other = held == "b" ? "c" : "b"
        for _ in 0..<500 where !journal.all.contains("undone \(other)") {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(journal.all.contains("undone \(other)"))
        try await Task.sleep(for: .milliseconds(200))
        #expect(!journal.all.contains("undo a"), "A was undone while \(held) was still being undone")
        gate.open()
        await engine.waitForChange(id)

        let record = try await load(engine, id)
        #expect(record.tasks.map(\.status) == [.undone, .undone, .undone, .error])
        let entries = journal.all
        let undoA = try #require(entries.firstIndex(of: "undo a"))
        for name in ["b", "c"] {
            let undone = try #require(entries.firstIndex(of: "undone \(name)"))
            #expect(undone < undoA, "\(entries)")
        }
        #expect(
            entries.prefix(4) == ["do a", "do b", "do c", "fail"]
                || entries.prefix(4) == ["do a", "do c", "do b", "fail"]
        )
    }

    @Test("two changes on the same snap conflict with snap-change-conflict")
    func conflictingChangesAreRefused() async throws {
        let engine = try makeEngine()
        // Not started: the first change stays in progress.
        _ = try await engine.addChange(fileChange(snap: "hello", names: ["a"]))
        let error = await #expect(throws: StateEngineError.self) {
            try await engine.addChange(fileChange(snap: "hello", names: ["b"]))
        }
        #expect(error?.code == .changeConflict)
        #expect(error?.apiKind == "snap-change-conflict")
        #expect(error?.message == "snap \"hello\" has \"install-snap\" change in progress")
        _ = try await engine.addChange(fileChange(snap: "other", names: ["c"]))
    }

    @Test("wait-for edges that form a cycle are refused")
    func cyclesAreRefused() async throws {
        let engine = try makeEngine()
        var change = NewChange(kind: "test", summary: "Cycle")
        let a = change.addTask(kind: "create-file", summary: "A")
        let b = change.addTask(kind: "create-file", summary: "B", waitingFor: [a])
        change.addWait(a, for: b)
        let error = await #expect(throws: StateEngineError.self) { try await engine.addChange(change) }
        #expect(error?.code == .invalidChange)
        #expect(engine.pendingChangeIDs.isEmpty)
    }

    @Test("aborting a change undoes what ran and holds the rest")
    func abortUndoesAndHolds() async throws {
        let gate = Gate()
        let slow = TaskHandler(
            kind: "slow",
            perform: { _ in
                await gate.wait()
                return .done
            }
        )
        let engine = try Engine(
            path: scratch.file("state.db"),
            handlers: fileHandlers(directory: scratch.path, journal: journal) + [slow]
        )
        engine.start()
        var change = NewChange(kind: "install-snap", summary: "Abortable", snapNames: ["s"])
        let first = change.addTask(kind: "create-file", summary: "First", data: ["name": "first"])
        let second = change.addTask(kind: "slow", summary: "Slow", waitingFor: [first])
        change.addTask(kind: "create-file", summary: "Last", data: ["name": "last"], waitingFor: [second])
        let id = try await engine.addChange(change)
        await gate.waitUntilEntered()

        try await engine.abortChange(id)
        gate.open()
        await engine.waitForChange(id)

        let record = try await load(engine, id)
        #expect(record.tasks.map(\.status) == [.undone, .undone, .hold])
        #expect(record.status == .undone)
        #expect(record.err == nil)
        #expect(!FileManager.default.fileExists(atPath: scratch.file("first")))

        let again = await #expect(throws: StateEngineError.self) { try await engine.abortChange(id) }
        #expect(again?.message == "cannot abort change \(id) with nothing pending")
        let missing = await #expect(throws: StateEngineError.self) { try await engine.abortChange(999) }
        #expect(missing?.code == .notFound)
    }

    @Test("a handler can report progress, log, store data and ask to be retried")
    func handlerReportsBack() async throws {
        let attempts = Mutex(0)
        let flaky = TaskHandler(
            kind: "flaky",
            perform: { context in
                let attempt = attempts.withLock { count -> Int in
                    count += 1
                    return count
                }
                context.setProgress(label: "bytes", done: Int64(attempt) * 10, total: 20)
                context.log("attempt \(attempt)")
                if attempt < 2 { return .retry(after: .milliseconds(20), reason: "store busy") }
                context.setData("attempts", .integer(Int64(attempt)))
                return .done
            }
        )
        let engine = try Engine(path: scratch.file("state.db"), handlers: [flaky])
        engine.start()
        var change = NewChange(kind: "test", summary: "Flaky")
        change.addTask(kind: "flaky", summary: "Try twice")
        let id = try await engine.addChange(change)
        await engine.waitForChange(id)

        let record = try await load(engine, id)
        let task = try #require(record.tasks.first)
        #expect(task.status == .done)
        #expect(task.progressDone == 20 && task.progressTotal == 20 && task.progressLabel == "bytes")
        #expect(task.data["attempts"] == .integer(2))
        #expect(task.log.count == 3)
        #expect(task.log[1].contains("INFO will retry in"))
        #expect(task.log[1].hasSuffix("store busy"))
    }

    @Test("a task that waits stays in Wait until resumed, and its change is not ready meanwhile")
    func waitingTaskIsResumed() async throws {
        let waiting = TaskHandler(kind: "await-restart", perform: { _ in .wait(reason: "restart required") })
        let engine = try Engine(path: scratch.file("state.db"), handlers: [waiting])
        engine.start()
        var change = NewChange(kind: "test", summary: "Waits")
        change.addTask(kind: "await-restart", summary: "Wait for a restart")
        let id = try await engine.addChange(change)

        var record = try await load(engine, id)
        for _ in 0..<500 where record.tasks.first?.status != .wait {
            try await Task.sleep(for: .milliseconds(5))
            record = try await load(engine, id)
        }
        let task = try #require(record.tasks.first)
        #expect(task.status == .wait)
        #expect(record.status == .wait)
        #expect(!record.isReady)
        #expect(task.log.last?.hasSuffix("waiting: restart required") == true)

        try engine.resume(task: task.id)
        await engine.waitForChange(id)
        #expect(try await load(engine, id).status == .done)
        #expect(throws: StateEngineError.self) { try engine.resume(task: task.id) }
    }

    @Test("a change without tasks is on Hold and ready at once")
    func emptyChangeIsHeld() async throws {
        let engine = try makeEngine()
        engine.start()
        let id = try await engine.addChange(NewChange(kind: "test", summary: "Nothing to do"))
        await engine.waitForChange(id)
        let record = try await load(engine, id)
        #expect(record.status == .hold)
        #expect(record.isReady)
        #expect(engine.pendingChangeIDs.isEmpty)
    }

    @Test("RFC 3339 times parse with offsets and fractions, and impossible dates are refused")
    func timestamps() throws {
        let time = try #require(Timestamp(rfc3339: "2026-12-03T16:03:23.327945Z"))
        #expect(time.rfc3339 == "2026-12-03T16:03:23.327945Z")
        #expect(Timestamp(rfc3339: "2026-12-03T17:03:23.327945+01:00") == time)
        #expect(Timestamp(rfc3339: "2026-02-30T00:00:00Z") == nil)
        #expect(Timestamp(rfc3339: "2026-13-01T00:00:00Z") == nil)
        #expect(Timestamp(rfc3339: "2026-12-03T16:03:23") == nil)
        #expect(Timestamp(rfc3339: "2026-12-03") == nil)
    }

    @Test("a change's status is derived from its tasks in the documented order")
    func derivedStatus() {
        #expect(TaskStatus.derived(from: []) == .hold)
        #expect(TaskStatus.derived(from: [.done, .doing, .do]) == .doing)
        #expect(TaskStatus.derived(from: [.undone, .error, .hold]) == .error)
        #expect(TaskStatus.derived(from: [.undone, .hold]) == .undone)
        #expect(TaskStatus.derived(from: [.done, .abort]) == .abort)
        #expect(TaskStatus.derived(from: [.undo, .doing]) == .undo)
    }

    @Test("rebuilding every projection from the log gives identical tables")
    func rebuildGivesIdenticalTables() async throws {
        let engine = try makeEngine()
        engine.start()
        for index in 0..<5 {
            let id = try await engine.addChange(
                fileChange(snap: "s\(index)", names: ["f\(index)a", "f\(index)b"], failing: index % 2 == 1)
            )
            await engine.waitForChange(id)
        }
        let (before, after, applied) = try await engine.withDatabase { database in
            let before = try dumpProjections(database, extra: [FilesProjection()])
            let applied = try Replayer(database: database, projections: [FilesProjection()]).rebuild()
            return (before, try dumpProjections(database, extra: [FilesProjection()]), applied)
        }
        #expect(applied > 30)
        #expect(before["tasks"]?.count == 12)
        #expect(before == after)
    }
}

/// Counts the handlers inside their body at once. Each waits until the group it entered in
/// (`limit` handlers, or what is left of `total`) is complete, then a little more: a
/// scheduler that runs fewer than `limit` at once shows a lower peak (after ten seconds)
/// rather than hanging, and one that runs more shows a higher one.
final class Occupancy: Sendable {
    private struct State {
        var running = 0
        var peak = 0
        var entered = 0
    }

    let total: Int
    let limit: Int
    private let state = Mutex(State())

    init(total: Int, limit: Int) {
        self.total = total
        self.limit = limit
    }

    var peak: Int { state.withLock { $0.peak } }
    var entered: Int { state.withLock { $0.entered } }

    func run() async -> TaskOutcome {
        let order = state.withLock { state in
            state.running += 1
            state.entered += 1
            state.peak = max(state.peak, state.running)
            return state.entered
        }
        let groupEnd = min(total, ((order - 1) / limit + 1) * limit)
        for _ in 0..<1000 where entered < groupEnd {
            try? await Task.sleep(for: .milliseconds(10))
        }
        // Stay a little longer, so that a scheduler starting one task too many is caught.
        try? await Task.sleep(for: .milliseconds(50))
        state.withLock { $0.running -= 1 }
        return .done
    }
}

/// Lets a test hold a handler inside its body until the test opens the gate. Nothing
/// spins: waiters suspend on continuations, so a busy machine cannot starve the test.
final class Gate: Sendable {
    private struct State {
        var entered = false
        var open = false
        var enteredWaiters: [CheckedContinuation<Void, Never>] = []
        var openWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Called by the handler: marks it inside, then waits for ``open()``.
    func wait() async {
        let entered = state.withLock { state in
            state.entered = true
            defer { state.enteredWaiters.removeAll() }
            return state.enteredWaiters
        }
        for waiter in entered { waiter.resume() }
        await withCheckedContinuation { continuation in
            let isOpen = state.withLock { state in
                if !state.open { state.openWaiters.append(continuation) }
                return state.open
            }
            if isOpen { continuation.resume() }
        }
    }

    /// Returns once a handler is inside ``wait()``.
    func waitUntilEntered() async {
        await withCheckedContinuation { continuation in
            let entered = state.withLock { state in
                if !state.entered { state.enteredWaiters.append(continuation) }
                return state.entered
            }
            if entered { continuation.resume() }
        }
    }

    /// Lets every waiting handler go on.
    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.openWaiters.removeAll() }
            return state.openWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
