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

    private func startDaemon(_ root: String, log: String, faults: String = "") async throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.snapd)
        process.environment = [
            "SNAPPY_GLOBAL_ROOT": root, "PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "SNAPD_INJECT_FAULTS": faults,
        ]
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try handle.seekToEnd()
        process.standardError = handle
        try process.run()
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: root + "/run/snapd.socket") {
            try await Task.sleep(for: .milliseconds(20))
        }
        return process
    }

    /// Stops the daemon with SIGTERM and returns its exit status, waiting off the pool.
    private func stopDaemon(_ process: Process) async throws -> Int32 {
        process.terminate()
        let box = UncheckedProcess(process)
        return try await TestSnaps.offPool {
            box.process.waitUntilExit()
            return box.process.terminationStatus
        }
    }

    @Test(
        "SIGTERM during an install stops after the running step; the next start finishes the change",
        .enabled(if: FileManager.default.isExecutableFile(atPath: snapd), "swift build makes .build/debug/snapd")
    )
    func stopAndResume() async throws {
        let system = try TestSystem()
        let log = system.root + "/snapd.log"
        // The data copy waits two seconds, so the SIGTERM lands while it runs.
        var daemon = try await startDaemon(system.root, log: log, faults: "copy-snap-data=slow")
        let snaps = system.root + "/tmp-snaps"
        try FileManager.default.createDirectory(atPath: snaps, withIntermediateDirectories: true)
        _ = try await TestSnaps.core(in: snaps)
        let path = try await TestSnaps.build("name: large\nversion: '1'\nsummary: s\ndescription: d\n", in: snaps)
        #expect(try await system.snap("install", "--dangerous", snaps + "/core_16_all.snap").status == 0)

        let started = try await system.snap("install", "--dangerous", "--no-wait", path)
        let change = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(started.status == 0 && Int(change) != nil, "\(started)")
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await stopDaemon(daemon) == 0)
        let logText = try String(contentsOfFile: log, encoding: .utf8)
        #expect(logText.contains("stopped"), "\(logText)")
        // The notice clients read while no daemon answers, written whole.
        let notice = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: system.paths.maintenanceFile))
        )
        #expect(notice as? [String: String] == ["kind": "daemon-restart", "message": "daemon is restarting"])
        #expect(!FileManager.default.fileExists(atPath: system.paths.maintenanceFile + ".tmp"))
        #expect(!FileManager.default.fileExists(atPath: system.paths.snapdSocket))
        // The change was still running when the daemon stopped, so the next start resumes it.
        let database = try StateDatabase.openReader(path: system.paths.stateDatabase)
        #expect(try database.scalar("SELECT ready FROM changes WHERE id = ?", Int64(change) ?? 0) == .integer(0))

        daemon = try await startDaemon(system.root, log: log)
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
        #expect(try await stopDaemon(daemon) == 0)
    }
}

/// While the daemon restarts, every reply carries the maintenance notice.
@Suite(
    "The maintenance notice in replies",
    .enabled(if: referenceSnapPresent && isRoot, "needs root and the reference client from tools/setup")
)
struct MaintenanceNoticeTests {
    /// The envelope of a GET of `path` on the daemon's socket, through curl.
    private func envelope(_ system: TestSystem, _ path: String) async throws -> [String: Any] {
        let run = try await system.run(
            "/usr/bin/curl",
            ["-s", "--unix-socket", system.paths.snapdSocket, "http://localhost" + path]
        )
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        return try #require(object, "\(run)")
    }

    @Test("replies carry no notice while running, and the daemon-restart notice once a restart is announced")
    func restartIsAnnounced() async throws {
        let system = try TestSystem()
        try await system.start()
        #expect(try await envelope(system, "/v2/system-info")["maintenance"] == nil)

        try #require(system.daemon).announceRestart()
        for path in ["/v2/system-info", "/v2/no-such-route"] {
            let maintenance = try await envelope(system, path)["maintenance"] as? [String: String]
            #expect(maintenance == ["kind": "daemon-restart", "message": "daemon is restarting"], "\(path)")
        }
        let file = try Data(contentsOf: URL(fileURLWithPath: system.paths.maintenanceFile))
        #expect(
            try JSONSerialization.jsonObject(with: file) as? [String: String]
                == ["kind": "daemon-restart", "message": "daemon is restarting"]
        )
        await system.stop()

        // A new start forgets the notice and removes the file.
        try await system.start()
        #expect(try await envelope(system, "/v2/system-info")["maintenance"] == nil)
        #expect(!FileManager.default.fileExists(atPath: system.paths.maintenanceFile))
        await system.stop()
    }
}

/// systemd socket activation: the daemon serves the sockets it is handed.
@Suite(
    "The snapd program under socket activation",
    .enabled(if: referenceSnapPresent, "needs the reference client from tools/setup")
)
struct SocketActivationTests {
    @Test(
        "a socket passed as descriptor 3 is served and left in place at exit; the other is bound",
        .enabled(if: FileManager.default.isExecutableFile(atPath: RestartTests.snapd), "needs .build/debug/snapd")
    )
    func passedSocket() async throws {
        let system = try TestSystem()
        try FileManager.default.createDirectory(atPath: system.root + "/run", withIntermediateDirectories: true)
        let path = system.paths.snapdSocket
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(bound == 0 && listen(listener, 16) == 0)

        // The shell keeps its pid through exec, so LISTEN_PID names the daemon.
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, listener, 3)
        let script = "LISTEN_PID=$$ LISTEN_FDS=1 exec \"$0\""
        let arguments = ["/bin/sh", "-c", script, RestartTests.snapd]
        let environment = ["SNAPPY_GLOBAL_ROOT=\(system.root)", "PATH=/usr/bin:/bin"]
        var argv = arguments.map { strdup($0) } + [nil]
        var envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        try #require(posix_spawn(&pid, "/bin/sh", &actions, nil, &argv, &envp) == 0)

        for _ in 0..<100 where !FileManager.default.fileExists(atPath: system.paths.snapSocket) {
            try await Task.sleep(for: .milliseconds(20))
        }
        let version = try await system.snap("version")
        #expect(version.status == 0 && version.stdout.contains("snapd   0.1.0"), "\(version)")

        kill(pid, SIGTERM)
        let child = pid
        let status = try await TestSnaps.offPool { () -> Int32 in
            var status: Int32 = 0
            waitpid(child, &status, 0)
            return status
        }
        #expect(status == 0)
        #expect(exists(path), "the passed socket belongs to whoever passed it")
        #expect(!exists(system.paths.snapSocket), "the socket the daemon bound is removed")
    }
}

/// A child process handed to a waiting thread; only that thread touches it meanwhile.
struct UncheckedProcess: @unchecked Sendable {
    let process: Process
    init(_ process: Process) { self.process = process }
}
