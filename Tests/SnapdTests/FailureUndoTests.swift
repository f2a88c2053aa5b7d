import Foundation
import SnapManager
import StateEngine
import Testing

/// Every step of every change can fail, and the change is then undone: the disk, the
/// mounts and the installed state are exactly as before.
@Suite(
    "A failure at any step undoes the whole change",
    .serialized,
    .enabled(if: referenceSnapPresent && isRoot, "needs root and the reference client from tools/setup")
)
struct FailureUndoTests {
    static let installSteps = [
        "prerequisites", "prepare-snap", "mount-snap", "copy-snap-data", "stop-snap-services",
        "unlink-current-snap", "setup-profiles", "link-snap", "start-snap-services", "cleanup",
    ]

    /// A system with core and hello x1 installed, hello's data holding a file.
    private func prepared() async throws -> (TestSystem, String) {
        let system = try TestSystem()
        try await system.start()
        let snaps = try await system.installCoreAndHello()
        try "data\n".write(toFile: system.root + "/var/snap/hello/x1/state", atomically: true, encoding: .utf8)
        return (system, snaps)
    }

    /// Restarts the daemon with `kind` failing (after its work when `afterWork`), runs
    /// `arguments`, and checks the change failed in `kind` and left everything as it was.
    private func expectUndone(
        _ system: TestSystem,
        failing kind: String,
        afterWork: Bool = false,
        _ arguments: [String],
        in directory: String
    ) async throws {
        await system.stop()
        let faults = afterWork ? FaultPlan(failingAfterWork: [kind]) : FaultPlan(failing: [kind])
        try await system.start(SnapManager.Options(faults: faults))
        let disk = system.diskState()
        let installed = try await system.installed()

        let run = try await system.run(referenceSnap, arguments, in: directory)
        let message = afterWork ? "(injected failure in \(kind) after its work)" : "(injected failure in \(kind))"
        #expect(run.status == 1, "\(arguments) with \(kind) failing: \(run)")
        #expect(run.stderr.contains(message), "\(run)")
        let change = try #require(try await system.lastChange())
        #expect(change.status == .error)
        #expect(change.tasks.filter { $0.status == .error }.map(\.kind) == [kind])
        #expect(change.tasks.allSatisfy { [.undone, .hold, .error].contains($0.status) }, "\(change.tasks)")
        // The upload of a failed install goes when its change is finished.
        try await Task.sleep(for: .milliseconds(50))
        #expect(system.diskState() == disk, "\(arguments) with \(kind) failing")
        #expect(try await system.installed() == installed)
    }

    @Test("installing a new revision over an active one", arguments: installSteps)
    func upgrade(failing kind: String) async throws {
        let (system, snaps) = try await prepared()
        try await expectUndone(system, failing: kind, ["install", "--dangerous", "./hello_1.0_all.snap"], in: snaps)
        await system.stop()
    }

    @Test(
        "installing a snap for the first time",
        arguments: installSteps.filter { $0 != "stop-snap-services" && $0 != "unlink-current-snap" }
    )
    func firstInstall(failing kind: String) async throws {
        let (system, snaps) = try await prepared()
        let path = try await TestSnaps.build(
            "name: fresh\nversion: '2'\nsummary: s\ndescription: d\napps:\n  fresh:\n    command: bin/hello\n",
            in: snaps
        )
        try await expectUndone(system, failing: kind, ["install", "--dangerous", path], in: snaps)
        await system.stop()
    }

    @Test("installing a new revision, each step failing after its work", arguments: installSteps)
    func upgradeFailingAfterWork(failing kind: String) async throws {
        let (system, snaps) = try await prepared()
        try await expectUndone(
            system,
            failing: kind,
            afterWork: true,
            ["install", "--dangerous", "./hello_1.0_all.snap"],
            in: snaps
        )
        await system.stop()
    }

    @Test(
        "installing a snap for the first time, each step failing after its work",
        arguments: installSteps.filter { $0 != "stop-snap-services" && $0 != "unlink-current-snap" }
    )
    func firstInstallFailingAfterWork(failing kind: String) async throws {
        let (system, snaps) = try await prepared()
        let path = try await TestSnaps.build(
            "name: fresh\nversion: '2'\nsummary: s\ndescription: d\napps:\n  fresh:\n    command: bin/hello\n",
            in: snaps
        )
        try await expectUndone(system, failing: kind, afterWork: true, ["install", "--dangerous", path], in: snaps)
        await system.stop()
    }

    @Test("a first install whose wrapper path is taken by a directory fails in link-snap and leaves no link")
    func firstInstallLinkFailure() async throws {
        let (system, snaps) = try await prepared()
        let path = try await TestSnaps.build(
            "name: fresh\nversion: '2'\nsummary: s\ndescription: d\napps:\n  fresh:\n    command: bin/hello\n",
            in: snaps
        )
        try FileManager.default.createDirectory(
            atPath: system.root + "/snap/bin/fresh",
            withIntermediateDirectories: true
        )
        try await expectLinkFailure(system, ["install", "--dangerous", path], in: snaps)
        #expect(!exists(system.root + "/snap/fresh/current"))
        #expect(!exists(system.root + "/var/snap/fresh/current"))
        await system.stop()
    }

    @Test("an upgrade whose new app's wrapper path is a directory fails in link-snap; the old links come back")
    func upgradeLinkFailure() async throws {
        let (system, snaps) = try await prepared()
        let path = try await TestSnaps.build(
            """
            name: hello
            version: '2.0'
            summary: Says hello
            description: A test snap.
            apps:
              hello:
                command: bin/hello
              other:
                command: bin/hello
              extra:
                command: bin/hello
            """,
            in: snaps
        )
        try FileManager.default.createDirectory(
            atPath: system.root + "/snap/bin/hello.extra",
            withIntermediateDirectories: true
        )
        try await expectLinkFailure(system, ["install", "--dangerous", path], in: snaps)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: system.root + "/snap/hello/current") == "x1")
        #expect(exists(system.root + "/snap/bin/hello"))
        await system.stop()
    }

    @Test("undoing link-snap removes its links but leaves what replaced a wrapper meanwhile")
    func undoLinkLeavesWhatIsNotOurs() async throws {
        let (system, snaps) = try await prepared()
        let path = try await TestSnaps.build(
            "name: fresh\nversion: '2'\nsummary: s\ndescription: d\napps:\n  fresh:\n    command: bin/hello\n",
            in: snaps
        )
        await system.stop()
        // The step after link-snap waits two seconds, the one after it fails.
        try await system.start(
            SnapManager.Options(faults: FaultPlan(failing: ["cleanup"], slow: ["start-snap-services"]))
        )
        let started = try await system.snap("install", "--dangerous", "--no-wait", path)
        let change = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(started.status == 0, "\(started)")
        let wrapper = system.root + "/snap/bin/fresh"
        for _ in 0..<150 where !exists(wrapper) { try await Task.sleep(for: .milliseconds(10)) }
        try FileManager.default.removeItem(atPath: wrapper)
        try FileManager.default.createDirectory(atPath: wrapper, withIntermediateDirectories: false)

        let watched = try await system.snap("watch", change)
        #expect(watched.status == 1 && watched.stderr.contains("(injected failure in cleanup)"), "\(watched)")
        let record = try #require(try await system.change(Int64(change) ?? 0))
        #expect(record.tasks.first { $0.kind == "link-snap" }?.status == .undone, "\(record.tasks)")
        #expect(!exists(system.root + "/snap/fresh/current"))
        #expect(!exists(system.root + "/var/snap/fresh/current"))
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: wrapper, isDirectory: &isDirectory) && isDirectory.boolValue)
        #expect(try await system.installed().map(\.name) == ["core", "hello"])
        await system.stop()
    }

    /// Runs `arguments`, which must fail in link-snap with a real error, and checks that
    /// the change left the disk and the installed state as they were.
    private func expectLinkFailure(_ system: TestSystem, _ arguments: [String], in directory: String) async throws {
        let disk = system.diskState()
        let installed = try await system.installed()
        let run = try await system.run(referenceSnap, arguments, in: directory)
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("Is a directory"), "\(run)")
        let change = try #require(try await system.lastChange())
        #expect(change.tasks.filter { $0.status == .error }.map(\.kind) == ["link-snap"], "\(change.tasks)")
        try await Task.sleep(for: .milliseconds(50))
        #expect(system.diskState() == disk)
        #expect(try await system.installed() == installed)
    }

    @Test(
        "removing a snap with two revisions",
        arguments: [
            "stop-snap-services", "unlink-current-snap", "remove-profiles", "clear-snap", "discard-snap", "cleanup",
        ]
    )
    func remove(failing kind: String) async throws {
        let (system, snaps) = try await prepared()
        #expect(try await system.snap("install", "--dangerous", "./hello_1.0_all.snap", in: snaps).status == 0)
        try await expectUndone(system, failing: kind, ["remove", "hello"], in: snaps)
        await system.stop()
    }

    @Test("removing one revision", arguments: ["clear-snap", "discard-snap", "cleanup"])
    func removeRevision(failing kind: String) async throws {
        let (system, snaps) = try await prepared()
        #expect(try await system.snap("install", "--dangerous", "./hello_1.0_all.snap", in: snaps).status == 0)
        try await expectUndone(system, failing: kind, ["remove", "--revision=x1", "hello"], in: snaps)
        await system.stop()
    }

    @Test(
        "reverting, disabling and enabling",
        arguments: [
            (["revert", "hello"], "unlink-current-snap"), (["revert", "hello"], "link-snap"),
            (["revert", "hello"], "start-snap-services"), (["disable", "hello"], "unlink-current-snap"),
            (["disable", "hello"], "remove-profiles"),
        ]
    )
    func otherChanges(arguments: [String], failing kind: String) async throws {
        let (system, snaps) = try await prepared()
        #expect(try await system.snap("install", "--dangerous", "./hello_1.0_all.snap", in: snaps).status == 0)
        try await expectUndone(system, failing: kind, arguments, in: snaps)
        await system.stop()
    }

    @Test("enabling a disabled snap", arguments: ["setup-profiles", "link-snap", "start-snap-services"])
    func enable(failing kind: String) async throws {
        let (system, snaps) = try await prepared()
        #expect(try await system.snap("disable", "hello").status == 0)
        try await expectUndone(system, failing: kind, ["enable", "hello"], in: snaps)
        await system.stop()
    }

    @Test("a real full disk while copying the data of the previous revision")
    func fullDisk() async throws {
        let system = try TestSystem()
        // /var/snap on a 4 MiB ext4 filesystem of its own, loop-mounted.
        let image = system.root + "/var-snap.img"
        let dataDirectory = system.root + "/var/snap"
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        #expect(try await system.run("/usr/bin/truncate", ["-s", "4M", image]).status == 0)
        #expect(try await system.run("/usr/sbin/mkfs.ext4", ["-q", "-F", image]).status == 0)
        let mount = try await system.run("/usr/bin/mount", ["-o", "loop", image, dataDirectory])
        try #require(mount.status == 0, "\(mount)")

        try await system.start()
        let snaps = try await system.installCoreAndHello()
        // More data than the filesystem can hold twice.
        let big = Data(repeating: 7, count: 2_200_000)
        try big.write(to: URL(fileURLWithPath: dataDirectory + "/hello/x1/big"))

        let disk = system.diskState()
        let installed = try await system.installed()
        let run = try await system.snap("install", "--dangerous", "./hello_1.0_all.snap", in: snaps)
        #expect(run.status == 1)
        #expect(run.stderr.contains("Copy snap \"hello\" data"), "\(run)")
        #expect(run.stderr.contains("No space left on device"), "\(run)")
        try await Task.sleep(for: .milliseconds(50))
        #expect(system.diskState() == disk)
        #expect(try await system.installed() == installed)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dataDirectory + "/hello/x1/big")) == big)
        await system.stop()
    }

    @Test("a first install whose data directories do not fit leaves no data directory behind")
    func firstInstallOutOfInodes() async throws {
        let system = try TestSystem()
        try await system.start()
        let snaps = try await system.installCoreAndHello(hello: false)
        // A tmpfs over /var/snap with room for three inodes: hello's directory and `common`
        // fit, its revision's directory does not.
        let tiny = try await system.run(
            "/usr/bin/mount",
            ["-t", "tmpfs", "-o", "size=1M,nr_inodes=3", "tmpfs", system.root + "/var/snap"]
        )
        try #require(tiny.status == 0, "\(tiny)")

        let disk = system.diskState()
        let run = try await system.snap("install", "--dangerous", "./hello_1.0_all.snap", in: snaps)
        #expect(run.status == 1 && run.stderr.contains("No space left on device"), "\(run)")
        try await Task.sleep(for: .milliseconds(50))
        #expect(system.diskState() == disk)
        #expect(!exists(system.root + "/var/snap/hello"))
        await system.stop()
    }
}
