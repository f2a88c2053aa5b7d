import Foundation
import SnapManager
import StateEngine
import Testing

/// Mounts do not survive a reboot: the daemon mounts the installed revisions again when it
/// starts, before it serves.
@Suite(
    "Installed snaps are mounted again at start-up",
    .serialized,
    .enabled(if: referenceSnapPresent && isRoot, "needs root and the reference client from tools/setup")
)
struct RemountTests {
    /// Stops the daemon and unmounts every snap revision, as a reboot leaves them.
    private func stopAndUnmount(_ system: TestSystem) async throws {
        await system.stop()
        TestSystem.unmountAll(under: system.root)
        try #require(TestSystem.mountPoints(under: system.root).isEmpty)
        try #require(try FileManager.default.contentsOfDirectory(atPath: system.root + "/snap/hello/x1").isEmpty)
    }

    @Test("after the revisions were unmounted, the next start mounts them and current works")
    func revisionsAreMountedAgain() async throws {
        let system = try TestSystem()
        try await system.start()
        try await system.installCoreAndHello()
        try await stopAndUnmount(system)

        let log = LogLines()
        try await system.start(logger: log.logger)
        let mounts = TestSystem.mountPoints(under: system.root).map { String($0.dropFirst(system.root.count)) }
        #expect(mounts.sorted() == ["/snap/core/x1", "/snap/hello/x1"])
        #expect(FileManager.default.isExecutableFile(atPath: system.root + "/snap/hello/x1/bin/hello"))
        let script = try String(contentsOfFile: system.root + "/snap/hello/current/bin/hello", encoding: .utf8)
        #expect(script == "#!/bin/sh\necho hello\n")
        #expect(log.matching("mounted snap revision", "snap.name=hello", "snap.revision=x1").count == 1, "\(log.all)")
        #expect(log.matching("mounted snap revision", "snap.name=core").count == 1, "\(log.all)")
        let list = try await system.snap("list")
        #expect(list.status == 0 && list.stdout.contains("hello"), "\(list)")

        // A second start finds them mounted and mounts nothing twice.
        await system.stop()
        let again = LogLines()
        try await system.start(logger: again.logger)
        #expect(again.matching("mounted snap revision").isEmpty, "\(again.all)")
        #expect(again.matching("snap revision already mounted").count == 2, "\(again.all)")
        #expect(TestSystem.mountPoints(under: system.root).count == 2)
        await system.stop()
    }

    @Test("a revision an interrupted install had mounted is mounted again before the change resumes")
    func interruptedInstallIsMountedAgain() async throws {
        let system = try TestSystem()
        // The data copy, right after mount-snap, waits two seconds: the daemon stops there.
        try await system.start(SnapManager.Options(faults: FaultPlan(slow: ["copy-snap-data"])))
        let snaps = try await system.installCoreAndHello(hello: false)
        let path = try await TestSnaps.build(
            "name: large\nversion: '1'\nsummary: s\ndescription: d\napps:\n  large:\n    command: bin/hello\n",
            in: snaps
        )
        let started = try await system.snap("install", "--dangerous", "--no-wait", path)
        let change = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(started.status == 0, "\(started)")
        let mountPoint = system.root + "/snap/large/x1"
        for _ in 0..<200 where !TestSystem.mountPoints(under: system.root).contains(mountPoint) {
            try await Task.sleep(for: .milliseconds(10))
        }
        await system.stop()
        #expect(try await pendingChange(system, change), "the install was still in progress")
        TestSystem.unmountAll(under: system.root)
        try #require(try FileManager.default.contentsOfDirectory(atPath: mountPoint).isEmpty)

        let log = LogLines()
        try await system.start(logger: log.logger)
        #expect(log.matching("mounted snap revision", "snap.name=large", "snap.revision=x1").count == 1, "\(log.all)")
        let watched = try await system.snap("watch", change)
        #expect(watched.status == 0, "\(watched)")
        let script = try String(contentsOfFile: system.root + "/snap/large/current/bin/hello", encoding: .utf8)
        #expect(script == "#!/bin/sh\necho hello\n")
        await system.stop()
    }

    /// Whether change `id` is not ready, read from the database while no daemon runs.
    private func pendingChange(_ system: TestSystem, _ id: String) async throws -> Bool {
        let database = try StateDatabase.openReader(path: system.paths.stateDatabase)
        return try database.scalar("SELECT ready FROM changes WHERE id = ?", Int64(id) ?? 0) == .integer(0)
    }

    @Test("a missing or broken snap file is logged with the reason, and the daemon still starts")
    func missingOrBrokenFileIsLogged() async throws {
        let system = try TestSystem()
        try await system.start()
        try await system.installCoreAndHello()
        try await stopAndUnmount(system)
        let blobs = system.root + "/var/lib/snapd/snaps"
        try FileManager.default.removeItem(atPath: blobs + "/hello_x1.snap")
        try Data("not a snap".utf8).write(to: URL(fileURLWithPath: blobs + "/core_x1.snap"))

        let log = LogLines()
        try await system.start(logger: log.logger)
        let missing = log.matching("cannot mount snap revision", "snap.name=hello", "snap.revision=x1")
        #expect(missing.count == 1 && missing[0].contains("is missing"), "\(log.all)")
        let broken = log.matching("cannot mount snap revision", "snap.name=core", "snap.revision=x1")
        #expect(broken.count == 1, "\(log.all)")
        #expect(log.matching("checked the mounts of installed snaps", "failed=2").count == 1, "\(log.all)")
        #expect(TestSystem.mountPoints(under: system.root).isEmpty)
        // The daemon serves, and the installed state is untouched.
        let list = try await system.snap("list")
        #expect(list.status == 0 && list.stdout.contains("hello"), "\(list)")
        #expect(try await system.installed().map(\.name) == ["core", "hello"])
        await system.stop()
    }
}
