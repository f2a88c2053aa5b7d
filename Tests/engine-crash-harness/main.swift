// A child process for the crash tests: runs two changes through the state engine and
// kills itself with SIGKILL at a chosen point, the way a power cut would stop a device.
//
// Usage: engine-crash-harness DATABASE DIRECTORY [--kill-after-commit N] [--kill-in-handler N]
//
// The first change creates four files in DIRECTORY and succeeds; the second creates
// three and then fails, so it must be undone. `--kill-after-commit N` dies right after
// the Nth durable commit; `--kill-in-handler N` dies in the middle of the Nth handler
// run, after writing half a file. Without either, the harness runs until every change
// is finished and exits 0. Every start first recovers what an earlier run left.

import EngineTestSupport
import Foundation
import SQLite
import SnapAPI
import StateEngine
import Synchronization

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: engine-crash-harness DATABASE DIRECTORY [options]\n".utf8))
    exit(64)
}
let databasePath = arguments[1]
let directory = arguments[2]

func option(_ name: String) -> Int? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return Int(arguments[index + 1])
}
let killAfterCommit = option("--kill-after-commit")
let killInHandler = option("--kill-in-handler")

/// Counts commits and handler runs, and kills the process at the chosen one.
final class Killer: Sendable {
    let afterCommit: Int?
    let inHandler: Int?
    private let commits = Mutex(0)
    private let handlerRuns = Mutex(0)

    init(afterCommit: Int?, inHandler: Int?) {
        self.afterCommit = afterCommit
        self.inHandler = inHandler
    }

    func committed() {
        let count = commits.withLock { count -> Int in
            count += 1
            return count
        }
        if count == afterCommit { kill(getpid(), SIGKILL) }
    }

    /// Writes `content` to `path` in two halves, dying between them when this is the chosen run.
    func writeFile(_ path: String, _ content: String) {
        let run = handlerRuns.withLock { count -> Int in
            count += 1
            return count
        }
        let bytes = Array(content.utf8)
        let half = bytes.count / 2
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, half) }
        if run == inHandler { kill(getpid(), SIGKILL) }
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress.map { $0 + half }, bytes.count - half) }
        fsync(descriptor)
        close(descriptor)
    }
}

let killer = Killer(afterCommit: killAfterCommit, inHandler: killInHandler)

let createFile = TaskHandler(
    kind: "create-file",
    perform: { context in
        let name = context.data["name"]?.stringValue ?? "unnamed"
        killer.writeFile(directory + "/" + name, "content of \(name)")
        context.record("file-created", ["name": .string(name)])
        return .done
    },
    undo: { context in
        let name = context.data["name"]?.stringValue ?? "unnamed"
        unlink(directory + "/" + name)
        context.record("file-removed", ["name": .string(name)])
        return .done
    }
)
let fail = TaskHandler(kind: "fail", perform: { _ in throw CocoaError(.fileWriteOutOfSpace) })

let engine = try Engine(
    path: databasePath,
    handlers: [createFile, fail],
    projections: [FilesProjection()],
    migrations: FilesProjection.migrations,
    options: Engine.Options(
        maxRunning: 2,
        afterCommit: { _ in killer.committed() }
    )
)
engine.start()

/// Whether an earlier run already created the change acting on `snap`.
func exists(_ snap: String) async throws -> Bool {
    try await engine.withDatabase { database in
        try database.scalar("SELECT count(*) FROM change_snaps WHERE snap_name = ?", snap) != .integer(0)
    }
}

// The first run creates the changes; a run killed before creating both creates the rest.
if try await !exists("good") {
    try await engine.addChange(fileChange(snap: "good", names: ["g1", "g2", "g3", "g4"], failing: false))
}
if try await !exists("bad") {
    try await engine.addChange(fileChange(snap: "bad", names: ["b1", "b2", "b3"], failing: true))
}

for id in engine.pendingChangeIDs {
    await engine.waitForChange(id)
}
await engine.stop()
exit(0)
