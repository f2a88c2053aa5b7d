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
            usleep(20_000)
        }
        let version = try await system.snap("version")
        #expect(version.status == 0 && version.stdout.contains("snapd   0.1.0"), "\(version)")

        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(status == 0)
        #expect(exists(path), "the passed socket belongs to whoever passed it")
        #expect(!exists(system.paths.snapSocket), "the socket the daemon bound is removed")
    }
}
