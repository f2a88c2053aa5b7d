// Prints state-engine figures (never asserts them):
//   transitions  task transitions per second with durable (fsync) commits, through group commit
//   replay N     rebuilding every projection from a log of N events: events per second and
//                peak memory; run for several sizes to see that memory stays flat
//
// Usage: engine-bench [transitions | replay EVENTS [--keep-log PATH]]
//   (no argument: all, in child processes; --keep-log writes the log to PATH once and reuses it)
// The scratch database lives under /var/tmp, on a real disk, so fsync costs what it costs.

import Foundation
import SQLite
import StateEngine
import Synchronization

/// Peak resident memory of this process, from /proc/self/status (VmHWM), in KiB.
func peakMemoryKiB() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
}

func scratchDatabase() -> String {
    let directory = "/var/tmp/engine-bench.\(getpid())"
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return directory + "/state.db"
}

func removeScratch(_ path: String) {
    try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// Runs many small changes of no-op tasks and counts durable transitions per second.
func benchmarkTransitions() async throws {
    let path = scratchDatabase()
    defer { removeScratch(path) }
    let commits = Mutex((count: 0, events: 0))
    let noop = TaskHandler(kind: "noop", perform: { _ in .done }, undo: { _ in .done })
    let engine = try Engine(
        path: path,
        handlers: [noop],
        options: Engine.Options(
            maxRunning: 64,
            afterCommit: { events in
                commits.withLock {
                    $0.count += 1
                    $0.events += events
                }
            }
        )
    )
    engine.start()

    let changeCount = 2000
    let tasksPerChange = 5
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for index in 0..<changeCount {
            group.addTask {
                var change = NewChange(kind: "bench", summary: "Bench \(index)", snapNames: ["s\(index)"])
                var previous: NewChange.TaskReference?
                for step in 0..<tasksPerChange {
                    previous = change.addTask(
                        kind: "noop",
                        summary: "Step \(step)",
                        waitingFor: previous.map { [$0] } ?? []
                    )
                }
                let id = try await engine.addChange(change)
                await engine.waitForChange(id)
            }
        }
        try await group.waitForAll()
    }
    let elapsed = seconds(since: start)
    await engine.stop()

    // Each task goes Do -> Doing -> Done: two transitions.
    let transitions = changeCount * tasksPerChange * 2
    let (commitCount, eventCount) = commits.withLock { ($0.count, $0.events) }
    print("transitions: \(changeCount) changes x \(tasksPerChange) tasks, 64 handlers at once, synchronous=FULL")
    print(
        String(
            format: "  %d transitions in %.2f s: %.0f transitions/s (target >= 5000)",
            transitions,
            elapsed,
            Double(transitions) / elapsed
        )
    )
    print(
        String(
            format: "  %d commits (%.0f fsync'd commits/s), %.1f events per commit",
            commitCount,
            Double(commitCount) / elapsed,
            Double(eventCount) / Double(max(commitCount, 1))
        )
    )
}

/// Writes a synthetic log of about `eventCount` events: changes of five tasks, each task
/// added, started, reporting progress, logging and finishing, as the engine writes them.
func writeSyntheticLog(_ path: String, eventCount: Int) throws {
    let database = try StateDatabase.open(path: path)
    try database.execute("PRAGMA synchronous = OFF")
    let insert = try database.prepare(
        "INSERT INTO events (time, change_id, task_id, type, payload) VALUES (?, ?, ?, ?, ?)"
    )
    var written = 0
    var changeID: Int64 = 0
    var taskID: Int64 = 0
    var clock = Timestamp.now().microseconds
    func add(_ change: Int64, _ task: Int64?, _ type: String, _ payload: String) throws {
        clock += 7
        try insert.run(Timestamp(microseconds: clock).rfc3339, change, task, type, payload)
        written += 1
    }
    try database.transaction {
        while written < eventCount {
            changeID += 1
            try add(
                changeID,
                nil,
                EventType.changeAdded,
                #"{"data":{},"kind":"install-snap","snap-names":["s\#(changeID)"],"summary":"Install"}"#
            )
            let first = taskID + 1
            for step in 0..<5 {
                taskID += 1
                let waits = step == 0 ? "[]" : "[\(taskID - 1)]"
                try add(
                    changeID,
                    taskID,
                    EventType.taskAdded,
                    #"{"data":{},"kind":"noop","summary":"Step \#(step)","wait-for":\#(waits)}"#
                )
            }
            for task in first...taskID {
                try add(changeID, task, EventType.taskStatus, #"{"status":"Doing"}"#)
                try add(changeID, task, EventType.taskProgress, #"{"done":1,"label":"","total":1}"#)
                try add(changeID, task, EventType.taskLog, #"{"line":"2026-12-03T00:00:00Z INFO step"}"#)
                try add(changeID, task, EventType.taskStatus, #"{"status":"Done"}"#)
            }
        }
    }
}

/// Rebuilds every projection from a synthetic log of `eventCount` events; with `keptLog`, the
/// log is written there once and later runs replay a copy of it (to profile the replay alone).
func benchmarkReplay(eventCount: Int, keptLog: String?) throws {
    let path = scratchDatabase()
    defer { removeScratch(path) }
    if let keptLog {
        if !FileManager.default.fileExists(atPath: keptLog) { try writeSyntheticLog(keptLog, eventCount: eventCount) }
        try FileManager.default.copyItem(atPath: keptLog, toPath: path)
    } else {
        try writeSyntheticLog(path, eventCount: eventCount)
    }
    let database = try StateDatabase.open(path: path)
    try database.execute("PRAGMA synchronous = OFF")
    let memoryBefore = peakMemoryKiB()

    let start = ContinuousClock.now
    let applied = try Replayer(database: database).rebuild()
    let elapsed = seconds(since: start)
    print(
        String(
            format: "replay: %d events in %.2f s: %.0f events/s (target >= 500000); peak memory %d KiB (%d KiB before)",
            applied,
            elapsed,
            Double(applied) / elapsed,
            peakMemoryKiB(),
            memoryBefore
        )
    )
}

/// Runs this program again with `arguments`, so each measurement has its own peak memory.
func runChild(_ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    process.arguments = arguments
    try process.run()
    process.waitUntilExit()
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "transitions":
    try await benchmarkTransitions()
case "replay":
    let keptLog = arguments.count >= 4 && arguments[2] == "--keep-log" ? arguments[3] : nil
    try benchmarkReplay(eventCount: Int(arguments.dropFirst().first ?? "") ?? 1_000_000, keptLog: keptLog)
case nil:
    try runChild(["transitions"])
    for size in [100_000, 1_000_000] { try runChild(["replay", String(size)]) }
default:
    print("usage: engine-bench [transitions | replay EVENTS [--keep-log PATH]]")
    exit(64)
}
