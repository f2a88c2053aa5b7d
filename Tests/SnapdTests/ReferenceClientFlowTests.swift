import Foundation
import SnapManager
import Testing

/// The real `snap` client drives our daemon through every local flow, and prints what it
/// prints against the real daemon.
@Suite(
    "The reference client installs, lists, disables, enables, reverts and removes",
    .serialized,
    .enabled(if: referenceSnapPresent && isRoot, "needs root and the reference client from tools/setup")
)
struct ReferenceClientFlowTests {
    @Test("a full life cycle of a local snap, with its files on disk at each step")
    func lifeCycle() async throws {
        let system = try TestSystem()
        try await system.start()
        let snaps = system.root + "/tmp-snaps"
        try FileManager.default.createDirectory(atPath: snaps, withIntermediateDirectories: true)
        _ = try await TestSnaps.core(in: snaps)
        _ = try await TestSnaps.hello(in: snaps)

        var run = try await system.snap("install", "--dangerous", "./core_16_all.snap", in: snaps)
        #expect(run.status == 0 && run.stdout == "core 16 installed\n", "\(run)")
        run = try await system.snap("install", "--dangerous", "./hello_1.0_all.snap", in: snaps)
        #expect(run.status == 0 && run.stdout == "hello 1.0 installed\n", "\(run)")

        // Installed files: the copy, the mount, data, current links, wrappers.
        let root = system.root
        #expect(FileManager.default.fileExists(atPath: root + "/var/lib/snapd/snaps/hello_x1.snap"))
        #expect(TestSystem.mountPoints(under: root).contains(root + "/snap/hello/x1"))
        #expect(FileManager.default.fileExists(atPath: root + "/snap/hello/current/bin/hello"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: root + "/var/snap/hello/current") == "x1")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: root + "/snap/bin/hello") == "/usr/bin/snap")
        #expect(
            try FileManager.default.destinationOfSymbolicLink(atPath: root + "/snap/bin/hello.other") == "/usr/bin/snap"
        )
        #expect(FileManager.default.fileExists(atPath: root + "/var/snap/hello/common"))

        run = try await system.snap("list")
        #expect(
            run.stdout == """
                Name   Version  Rev  Tracking  Publisher  Notes
                core   16       x1   -         -          core
                hello  1.0      x1   -         -          -

                """,
            "\(run)"
        )

        // A second revision copies the data of the first.
        try "kept\n".write(toFile: root + "/var/snap/hello/x1/state", atomically: true, encoding: .utf8)
        run = try await system.snap("install", "--dangerous", "./hello_1.0_all.snap", in: snaps)
        #expect(run.status == 0, "\(run)")
        #expect(try String(contentsOfFile: root + "/var/snap/hello/x2/state", encoding: .utf8) == "kept\n")
        run = try await system.snap("list", "--all")
        #expect(
            run.stdout == """
                Name   Version  Rev  Tracking  Publisher  Notes
                core   16       x1   -         -          core
                hello  1.0      x1   -         -          disabled
                hello  1.0      x2   -         -          -

                """,
            "\(run)"
        )

        run = try await system.snap("disable", "hello")
        #expect(run.status == 0 && run.stdout == "hello disabled\n", "\(run)")
        #expect(!exists(root + "/snap/bin/hello"))
        #expect(try await system.snap("list").stdout.contains("hello  1.0      x2   -         -          disabled\n"))
        run = try await system.snap("enable", "hello")
        #expect(run.status == 0 && run.stdout == "hello enabled\n", "\(run)")
        #expect(exists(root + "/snap/bin/hello"))

        // Revert goes back to x1, whose data is its own.
        try "only in x2\n".write(toFile: root + "/var/snap/hello/x2/state", atomically: true, encoding: .utf8)
        run = try await system.snap("revert", "hello")
        #expect(run.status == 0 && run.stdout == "hello reverted to 1.0\n", "\(run)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: root + "/snap/hello/current") == "x1")
        #expect(try String(contentsOfFile: root + "/var/snap/hello/current/state", encoding: .utf8) == "kept\n")

        run = try await system.snap("remove", "--revision=x1", "hello")
        #expect(run.status == 1 && run.stderr.contains("cannot remove active revision x1 of snap \"hello\""), "\(run)")
        run = try await system.snap("remove", "--revision=x2", "hello")
        #expect(run.status == 0 && run.stdout == "hello (revision x2) removed\n", "\(run)")
        #expect(!FileManager.default.fileExists(atPath: root + "/var/snap/hello/x2"))
        #expect(!FileManager.default.fileExists(atPath: root + "/var/lib/snapd/snaps/hello_x2.snap"))

        run = try await system.snap("remove", "hello")
        #expect(run.status == 0 && run.stdout == "hello removed\n", "\(run)")
        #expect(!FileManager.default.fileExists(atPath: root + "/snap/hello"))
        #expect(!FileManager.default.fileExists(atPath: root + "/var/snap/hello"))
        #expect(!exists(root + "/snap/bin/hello"))
        #expect(!TestSystem.mountPoints(under: root).contains { $0.contains("/snap/hello") })
        #expect(try await system.installed().map(\.name) == ["core"])

        run = try await system.snap("remove", "hello")
        #expect(run.status == 0 && run.stderr == "snap \"hello\" is not installed\n", "\(run)")

        run = try await system.snap("changes")
        let summaries = run.stdout.split(separator: "\n").dropFirst().map { line in
            String(line.split(separator: " ", omittingEmptySubsequences: true).prefix(2).joined(separator: " "))
        }
        #expect(summaries.count == 8, "\(run)")
        #expect(summaries.allSatisfy { $0.hasSuffix(" Done") }, "\(run)")
        await system.stop()
    }

    @Test("each user's data is copied to a new revision, kept per revision, and removed with the snap")
    func userData() async throws {
        let system = try TestSystem()
        try await system.start()
        let snaps = try await system.installCoreAndHello()
        let root = system.root
        let homes = [root + "/root", root + "/home/alice"]
        for home in homes {
            try FileManager.default.createDirectory(atPath: home + "/snap/hello/x1", withIntermediateDirectories: true)
            try "notes of \(home)\n".write(toFile: home + "/snap/hello/x1/notes", atomically: true, encoding: .utf8)
        }

        let upgrade = try await system.snap("install", "--dangerous", "./hello_1.0_all.snap", in: snaps)
        #expect(upgrade.status == 0, "\(upgrade)")
        for home in homes {
            let copied = try? String(contentsOfFile: home + "/snap/hello/x2/notes", encoding: .utf8)
            #expect(copied == "notes of \(home)\n", "\(home)")
            try "changed in x2\n".write(toFile: home + "/snap/hello/x2/notes", atomically: true, encoding: .utf8)
        }
        // A revert runs the old revision on its own data.
        #expect(try await system.snap("revert", "hello").status == 0)
        for home in homes {
            #expect(try String(contentsOfFile: home + "/snap/hello/x1/notes", encoding: .utf8) == "notes of \(home)\n")
        }

        #expect(try await system.snap("remove", "hello").status == 0)
        for home in homes {
            #expect(!FileManager.default.fileExists(atPath: home + "/snap/hello"), "\(home)")
        }
        await system.stop()
    }

    @Test("a snap whose base is missing fails naming the base, and leaves nothing behind")
    func missingBase() async throws {
        let system = try TestSystem()
        try await system.start()
        let snaps = system.root + "/tmp-snaps"
        try FileManager.default.createDirectory(atPath: snaps, withIntermediateDirectories: true)
        let path = try await TestSnaps.build(
            "name: needs\nversion: '1'\nsummary: s\ndescription: d\nbase: core22\n",
            in: snaps
        )
        let before = system.diskState()
        let run = try await system.snap("install", "--dangerous", path)
        #expect(run.status == 1)
        #expect(
            run.stderr == """
                error: cannot perform the following tasks:
                - Ensure prerequisites for "needs" are available (snap "needs" needs its base snap "core22", \
                which is not installed)

                """,
            "\(run)"
        )
        try await Task.sleep(for: .milliseconds(100))
        #expect(system.diskState() == before)
        #expect(try await system.installed().isEmpty)

        // With its base installed (a `type: base` snap), it installs.
        _ = try await TestSnaps.base("core22", in: snaps)
        #expect(try await system.snap("install", "--dangerous", snaps + "/core22_1_all.snap").status == 0)
        let again = try await system.snap("install", "--dangerous", path)
        #expect(again.status == 0 && again.stdout == "needs 1 installed\n", "\(again)")
        #expect(try await system.installed().map(\.name) == ["core22", "needs"])

        // An app naming itself as its base names a base that cannot be installed first.
        let selfBased = try await TestSnaps.build(
            "name: selfish\nversion: '1'\nsummary: s\ndescription: d\nbase: selfish\n",
            in: snaps
        )
        let refused = try await system.snap("install", "--dangerous", selfBased)
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("(snap \"selfish\" needs its base snap \"selfish\", which is not installed)"))
        #expect(try await system.installed().map(\.name) == ["core22", "needs"])
        await system.stop()
    }

    @Test("an unprivileged user may list but not install, and hears why")
    func unprivileged() async throws {
        let system = try TestSystem()
        try await system.start()
        let list = try await system.snap("list", as: "65534")
        #expect(list.status == 0 && list.stderr.hasPrefix("No snaps are installed yet."), "\(list)")
        let remove = try await system.snap("remove", "hello", as: "65534")
        #expect(remove.status == 1 && remove.stderr == "error: access denied (try with sudo)\n", "\(remove)")
        await system.stop()
    }
}
