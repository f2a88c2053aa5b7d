import EngineTestSupport
import Foundation
import SQLite
import Testing

@testable import StateEngine

/// Runs the engine in a child process, kills it with SIGKILL at every step boundary and in
/// the middle of handlers, restarts it, and checks that nothing is left half applied.
@Suite("Crash recovery", .serialized)
struct CrashRecoveryTests {
    /// The harness executable, built beside the test bundle.
    static let harness = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("engine-crash-harness").path

    /// Runs the harness once; returns the signal that killed it, or nil when it exited 0.
    func runHarness(_ scratch: ScratchDirectory, _ options: [String] = []) throws -> Int32? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.harness)
        process.arguments = [scratch.file("state.db"), scratch.path] + options
        try process.run()
        process.waitUntilExit()
        if process.terminationReason == .uncaughtSignal { return process.terminationStatus }
        try #require(process.terminationStatus == 0, "harness failed with status \(process.terminationStatus)")
        return nil
    }

    /// Checks the end state: the good change Done with its files whole, the bad change
    /// undone with none of its files, and projections equal to a rebuild from the log.
    func checkEndState(_ scratch: ScratchDirectory, _ label: String) throws {
        let database = try Connection(path: scratch.file("state.db"))
        let changes = try ChangeRecord.list(.all, from: database)
        try #require(changes.count == 2, "\(label): expected two changes")
        let good = changes[0]
        let bad = changes[1]

        #expect(good.status == .done, "\(label): good change is \(good.status)")
        #expect(good.tasks.allSatisfy { $0.status == .done }, "\(label)")
        for name in ["g1", "g2", "g3", "g4"] {
            let content = try? String(contentsOfFile: scratch.file(name), encoding: .utf8)
            #expect(content == "content of \(name)", "\(label): \(name) holds \(content ?? "nothing")")
        }

        #expect(bad.status == .error, "\(label): bad change is \(bad.status)")
        #expect(bad.tasks.dropLast().allSatisfy { $0.status == .undone }, "\(label): \(bad.tasks.map(\.status))")
        #expect(bad.tasks.last?.status == .error, "\(label)")
        for name in ["b1", "b2", "b3"] {
            #expect(!FileManager.default.fileExists(atPath: scratch.file(name)), "\(label): \(name) left behind")
        }

        let files = try database.rows("SELECT name FROM test_files ORDER BY name").map { $0[0] }
        #expect(files == ["g1", "g2", "g3", "g4"].map { .text($0) }, "\(label): projection \(files)")

        let tables = ["changes", "change_snaps", "tasks", "task_edges", "task_log", "test_files"]
        let before = try tables.map { try Replayer.dump($0, in: database).rows }
        try database.transaction {
            for table in tables { try database.execute("DELETE FROM \(table)") }
        }
        let replayer = try Replayer(database: database, projections: [FilesProjection()])
        try replayer.rebuild()
        let after = try tables.map { try Replayer.dump($0, in: database).rows }
        #expect(before == after, "\(label): projections differ from a rebuild")
    }

    @Test("killed after any commit, the engine resumes and ends every change Done or undone")
    func killAfterEveryCommit() throws {
        var boundary = 1
        while boundary < 200 {
            let scratch = ScratchDirectory()
            guard try runHarness(scratch, ["--kill-after-commit", String(boundary)]) != nil else { break }
            // Kill the recovering run too, at its first commit, before letting one finish.
            _ = try runHarness(scratch, ["--kill-after-commit", "1"])
            #expect(try runHarness(scratch) == nil)
            try checkEndState(scratch, "killed after commit \(boundary)")
            boundary += 1
        }
        #expect(boundary > 5, "the harness should commit several times before finishing")
    }

    @Test("killed in the middle of any handler, the engine reruns or undoes it cleanly")
    func killInEveryHandler() throws {
        var run = 1
        while run < 50 {
            let scratch = ScratchDirectory()
            guard try runHarness(scratch, ["--kill-in-handler", String(run)]) != nil else { break }
            #expect(try runHarness(scratch) == nil)
            try checkEndState(scratch, "killed in handler run \(run)")
            run += 1
        }
        #expect(run > 7, "every create-file run should have been interrupted once")
    }
}
