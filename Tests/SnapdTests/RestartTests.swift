import Foundation
import StateEngine
import Testing

/// The `snapd` program stops cleanly on SIGTERM and resumes its changes when started again.
@Suite(
    "The snapd program across a restart",
    .enabled(if: referenceSnapPresent && isRoot, "needs root and the reference client from tools/setup")
)
struct RestartTests {
    static let snapd = repositoryRoot + "/.build/debug/snapd"

    private func startDaemon(_ root: String, log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.snapd)
        process.environment = ["SNAPPY_GLOBAL_ROOT": root, "PATH": "/usr/bin:/bin:/usr/sbin:/sbin"]
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try handle.seekToEnd()
        process.standardError = handle
        try process.run()
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: root + "/run/snapd.socket") {
            usleep(20_000)
        }
        return process
    }

    @Test(
        "SIGTERM during an install stops after the running step; the next start finishes the change",
        .enabled(if: FileManager.default.isExecutableFile(atPath: snapd), "swift build makes .build/debug/snapd")
    )
    func stopAndResume() async throws {
        let system = try TestSystem()
        let log = system.root + "/snapd.log"
        var daemon = try startDaemon(system.root, log: log)
        let snaps = system.root + "/tmp-snaps"
        try FileManager.default.createDirectory(atPath: snaps, withIntermediateDirectories: true)
        _ = try TestSnaps.core(in: snaps)
        // A large incompressible file makes the copy step long enough to be interrupted.
        let path = try TestSnaps.build("name: large\nversion: '1'\nsummary: s\ndescription: d\n", in: snaps) { source in
            let random = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/urandom"))
            let payload = try random.read(upToCount: 48 << 20) ?? Data()
            try payload.write(to: URL(fileURLWithPath: source + "/payload"))
        }
        #expect(try await system.snap("install", "--dangerous", snaps + "/core_16_all.snap").status == 0)

        let started = try await system.snap("install", "--dangerous", "--no-wait", path)
        let change = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(started.status == 0 && Int(change) != nil, "\(started)")
        daemon.terminate()
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus == 0)
        let logText = try String(contentsOfFile: log, encoding: .utf8)
        #expect(logText.contains("stopped"), "\(logText)")
        #expect(FileManager.default.fileExists(atPath: system.paths.maintenanceFile))
        #expect(!FileManager.default.fileExists(atPath: system.paths.snapdSocket))
        // The change was still running when the daemon stopped, so the next start resumes it.
        let database = try StateDatabase.openReader(path: system.paths.stateDatabase)
        #expect(try database.scalar("SELECT ready FROM changes WHERE id = ?", Int64(change) ?? 0) == .integer(0))

        daemon = try startDaemon(system.root, log: log)
        #expect(!FileManager.default.fileExists(atPath: system.paths.maintenanceFile))
        let watched = try await system.snap("watch", change)
        #expect(watched.status == 0, "\(watched)")
        let tasks = try await system.snap("tasks", change)
        let table = tasks.stdout.components(separatedBy: "\n\n")[0].split(separator: "\n").dropFirst()
        #expect(table.count == 8 && table.allSatisfy { $0.hasPrefix("Done") }, "\(tasks)")
        let list = try await system.snap("list")
        #expect(list.stdout.contains("large  1        x1"), "\(list)")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: system.root + "/var/lib/snapd/snaps/.upload").isEmpty
        )
        daemon.terminate()
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus == 0)
    }
}
