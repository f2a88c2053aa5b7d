import EngineTestSupport
import Foundation
import SQLite
import Testing

@testable import StateEngine

/// Runs the built `snap-log` on databases the engine wrote.
@Suite("snap-log")
struct SnapLogTests {
    static let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("snap-log").path
    let scratch = ScratchDirectory()

    func snapLog(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stdout, stderr)
    }

    /// A database holding one successful and one failed change, with the engine still open
    /// (so part of the log may sit in the write-ahead log only).
    func writeDatabase() async throws -> (path: String, engine: Engine) {
        let path = scratch.file("state.db")
        let engine = try Engine(path: path, handlers: fileHandlers(directory: scratch.path, journal: Journal()))
        engine.start()
        await engine.waitForChange(try await engine.addChange(fileChange(snap: "good", names: ["a", "b"])))
        await engine.waitForChange(try await engine.addChange(fileChange(snap: "bad", names: ["c"], failing: true)))
        return (path, engine)
    }

    func files(_ path: String) throws -> [String: Data] {
        var contents: [String: Data] = [:]
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            contents[suffix] = try Data(contentsOf: URL(fileURLWithPath: path + suffix))
        }
        return contents
    }

    @Test("changes, tasks and events are printed without touching the file")
    func printsWithoutWriting() async throws {
        let (path, engine) = try await writeDatabase()
        let before = try files(path)

        let changes = try snapLog(["changes", path])
        #expect(changes.status == 0)
        let lines = changes.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("ID  Status"))
        #expect(lines[1].contains("Done") && lines[1].hasSuffix("Install \"good\" snap"))
        #expect(lines[2].contains("Error") && lines[2].hasSuffix("Install \"bad\" snap"))

        let tasks = try snapLog(["tasks", path, "2"])
        #expect(tasks.stdout.contains("Undone"))
        #expect(tasks.stdout.contains("- Fail on purpose (disk on fire)"))

        let events = try snapLog(["events", path, "--change", "2"])
        let types = events.stdout.split(separator: "\n").map { $0.split(separator: "\t")[4] }
        #expect(types.first == "change-added")
        #expect(types.contains("file-created") && types.contains("file-removed"))
        #expect(events.stdout.split(separator: "\n").allSatisfy { $0.contains("\tchange=2\t") })

        #expect(try files(path) == before)
        await engine.stop()
    }

    @Test("state as of an event shows the change still running")
    func stateAsOfAnEvent() async throws {
        let (path, engine) = try await writeDatabase()
        await engine.stop()
        let database = try Connection(path: path, mode: .readOnly)
        // The event at which the first task of change 1 started.
        let doing = try #require(
            try database.scalar(
                "SELECT min(seq) FROM events WHERE change_id = 1 AND type = 'task-status' AND payload ->> '$.status' = 'Doing'"
            )
        )
        guard case .integer(let sequence) = doing else { throw TestFailure(message: "no Doing event") }

        let early = try snapLog(["changes", path, "--until", String(sequence)])
        let rows = early.stdout.split(separator: "\n")
        #expect(rows.count == 2)
        #expect(rows[1].contains("Doing"))

        let state = try snapLog(["state", path, "--until", String(sequence)])
        #expect(state.stdout.contains("== tasks (2 rows)"))
        #expect(state.stdout.contains("== changes (1 rows)"))

        let time = try #require(try database.scalar("SELECT time FROM events WHERE seq = ?", sequence))
        let byTime = try snapLog(["changes", path, "--until", time.description])
        #expect(byTime.stdout == early.stdout)
    }

    @Test("bad arguments exit 64 with usage; a missing or damaged file exits 1 naming it")
    func badInput() throws {
        let unknown = try snapLog(["frobnicate", "x"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.hasPrefix("error: unknown command \"frobnicate\""))
        #expect(unknown.stderr.contains("Usage:"))

        let badLimit = try snapLog(["changes", "x", "--until", "yesterday"])
        #expect(badLimit.status == 64)

        let missing = try snapLog(["changes", scratch.file("absent.db")])
        #expect(missing.status == 1)
        #expect(missing.stderr == "error: cannot read \(scratch.file("absent.db")): No such file or directory\n")

        let garbage = scratch.file("garbage.db")
        try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: garbage))
        let damaged = try snapLog(["changes", garbage])
        #expect(damaged.status == 1)
        #expect(damaged.stderr.hasPrefix("error: \(garbage): "))
        #expect(try Data(contentsOf: URL(fileURLWithPath: garbage)) == Data(repeating: 0x42, count: 4096))
    }

    @Test("files that are not state databases are refused, never read as an empty state")
    func notStateDatabases() throws {
        let empty = scratch.file("empty.db")
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        let foreign = scratch.file("foreign.db")
        try Connection(path: foreign).execute("CREATE TABLE foo (x)")
        let fifo = scratch.file("fifo.db")
        #expect(mkfifo(fifo, 0o600) == 0)

        for path in [empty, foreign] {
            let result = try snapLog(["changes", path])
            #expect(result.status == 1)
            #expect(result.stderr == "error: \(path): not a snapd state database (it has no schema_migrations table)\n")
        }
        for path in [fifo, "/dev/zero"] {
            let result = try snapLog(["state", path])
            #expect(result.status == 1)
            #expect(result.stderr == "error: cannot read \(path): not a regular file\n")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: empty)).isEmpty)
    }

    @Test("-- ends the options, and an option given twice is a usage error")
    func optionsEnd() async throws {
        let (path, engine) = try await writeDatabase()
        await engine.stop()
        let plain = try snapLog(["changes", path])
        let separated = try snapLog(["changes", "--", path])
        #expect(separated.status == 0)
        #expect(separated.stdout == plain.stdout)
        let twice = try snapLog(["changes", path, "--until", "1", "--until", "2"])
        #expect(twice.status == 64)
        #expect(twice.stderr.hasPrefix("error: --until given twice"))
    }

    @Test("a stopped engine leaves everything in state.db, so a copy of that file alone is complete")
    func stoppedEngineCheckpoints() async throws {
        let (path, engine) = try await writeDatabase()
        await engine.stop()
        let copy = scratch.file("copy.db")
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        let result = try snapLog(["changes", copy])
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").count == 3)
    }
}
