import Foundation
import Testing

/// Install options and what later operations keep of them.
@Suite(
    "Install options: devmode, classic, instance names, retained revisions",
    .serialized,
    .enabled(if: referenceSnapPresent && isRoot, "needs root and the reference client from tools/setup")
)
struct InstallOptionsTests {
    private func system() async throws -> (TestSystem, String) {
        let system = try TestSystem()
        try await system.start()
        return (system, try await system.installCoreAndHello(hello: false))
    }

    @Test("devmode is kept through disable and enable, and shown by list")
    func devmodeSurvives() async throws {
        let (system, snaps) = try await system()
        let install = try await system.snap("install", "--devmode", "./hello_1.0_all.snap", in: snaps)
        #expect(install.status == 0, "\(install)")
        #expect(try await system.snap("list").stdout.contains("hello  1.0      x1   -         -          devmode\n"))
        #expect(try await system.snap("disable", "hello").status == 0)
        #expect(try await system.snap("enable", "hello").status == 0)
        let list = try await system.snap("list")
        #expect(list.stdout.contains("hello  1.0      x1   -         -          devmode\n"), "\(list)")
        #expect(try await system.installed().first { $0.name == "hello" }?.flags.devmode == true)
        await system.stop()
    }

    @Test("a snap declaring devmode or classic confinement needs the matching flag")
    func confinementFlags() async throws {
        let (system, snaps) = try await system()
        let devmode = try await TestSnaps.build(
            "name: loose\nversion: '1'\nsummary: s\ndescription: d\nconfinement: devmode\n",
            in: snaps
        )
        var run = try await system.snap("install", "--dangerous", devmode)
        #expect(run.status == 1 && run.stderr.contains("requires\n       devmode or confinement override"), "\(run)")
        run = try await system.snap("install", "--devmode", devmode)
        #expect(run.status == 0, "\(run)")

        let classic = try await TestSnaps.build(
            "name: wide\nversion: '1'\nsummary: s\ndescription: d\nconfinement: classic\n",
            in: snaps
        )
        run = try await system.snap("install", "--dangerous", classic)
        #expect(run.status == 1 && run.stderr.contains("classic"), "\(run)")
        run = try await system.snap("install", "--dangerous", "--classic", classic)
        #expect(run.status == 0, "\(run)")
        let list = try await system.snap("list")
        #expect(list.stdout.contains("loose  1        x1   -         -          devmode\n"), "\(list)")
        #expect(list.stdout.contains("wide   1        x1   -         -          classic\n"), "\(list)")
        await system.stop()
    }

    @Test("--name installs a parallel instance with its own files")
    func instanceName() async throws {
        let (system, snaps) = try await system()
        #expect(try await system.snap("install", "--dangerous", "./hello_1.0_all.snap", in: snaps).status == 0)
        let run = try await system.snap("install", "--dangerous", "--name=hello_two", "./hello_1.0_all.snap", in: snaps)
        #expect(run.status == 0 && run.stdout == "hello_two 1.0 installed\n", "\(run)")
        let root = system.root
        #expect(exists(root + "/var/lib/snapd/snaps/hello_two_x1.snap"))
        #expect(TestSystem.mountPoints(under: root).contains(root + "/snap/hello_two/x1"))
        #expect(
            try FileManager.default.destinationOfSymbolicLink(atPath: root + "/snap/bin/hello_two") == "/usr/bin/snap"
        )
        #expect(
            try FileManager.default.destinationOfSymbolicLink(atPath: root + "/snap/bin/hello_two.other")
                == "/usr/bin/snap"
        )
        let bad = try await system.snap("install", "--dangerous", "--name=other", "./hello_1.0_all.snap", in: snaps)
        #expect(bad.status == 1 && bad.stderr.contains("instance name \"other\" does not match"), "\(bad)")

        #expect(try await system.snap("remove", "hello_two").status == 0)
        #expect(!exists(root + "/snap/hello_two"))
        #expect(exists(root + "/snap/hello/x1/meta/snap.yaml"))
        await system.stop()
    }

    @Test("a third revision discards the oldest: two revisions are kept")
    func retainsTwoRevisions() async throws {
        let (system, snaps) = try await system()
        for _ in 0..<3 {
            #expect(try await system.snap("install", "--dangerous", "./hello_1.0_all.snap", in: snaps).status == 0)
        }
        let hello = try #require(try await system.installed().first { $0.name == "hello" })
        #expect(hello.revisions.map(\.revision.description) == ["x2", "x3"])
        #expect(hello.current?.description == "x3")
        let root = system.root
        #expect(!exists(root + "/var/lib/snapd/snaps/hello_x1.snap"))
        #expect(!exists(root + "/snap/hello/x1"))
        #expect(!exists(root + "/var/snap/hello/x1"))
        #expect(!exists(root + "/var/snap/hello/.removed-x1"))
        #expect(exists(root + "/var/snap/hello/x2") && exists(root + "/var/snap/hello/x3"))
        await system.stop()
    }

    @Test("a base another snap runs on cannot be removed, unless both go together")
    func baseInUse() async throws {
        let (system, snaps) = try await system()
        #expect(try await system.snap("install", "--dangerous", "./hello_1.0_all.snap", in: snaps).status == 0)
        let refused = try await system.snap("remove", "core")
        #expect(refused.status == 1, "\(refused)")
        #expect(
            refused.stderr.contains("snap \"core\" is not removable: snap is being used by snap hello"),
            "\(refused)"
        )
        #expect(try await system.installed().map(\.name) == ["core", "hello"])
        let both = try await system.snap("remove", "hello", "core")
        #expect(both.status == 0, "\(both)")
        #expect(try await system.installed().isEmpty)
        await system.stop()
    }
}
