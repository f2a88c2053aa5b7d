import Foundation
import SQLite
import SnapArchive
import SnapManager
import SnapPackage
import StateEngine
import Testing

/// The security files setup-profiles writes and remove-profiles removes, and the
/// `security_profiles` projection that records them.
@Suite(
    "Security files written in the install change, recorded in the event log",
    .serialized,
    .enabled(if: referenceSnapPresent && isRoot, "needs root and the reference client from tools/setup")
)
struct ProfilesTests {
    /// One row of the projection.
    struct Row: Equatable {
        var path, tag, kind, snap, revision, digest: String
        var size: Int64
        var changeID, taskID: Int64?
    }

    static let kinds = ["sandbox", "seccomp-source", "seccomp-binary", "landlock", "apparmor"]

    /// The files a revision with these apps must have, as on a real system.
    static func expectedPaths(snap: String, apps: [String]) -> [String] {
        var paths = ["/var/lib/snapd/mount/snap.\(snap).fstab"]
        for app in apps {
            let tag = "snap.\(snap).\(app)"
            paths += [
                "/var/lib/snapd/sandbox/\(tag)", "/var/lib/snapd/seccomp/bpf/\(tag).src",
                "/var/lib/snapd/seccomp/bpf/\(tag).bin2", "/var/lib/snapd/landlock/\(tag)",
                "/var/lib/snapd/apparmor/profiles/\(tag)",
            ]
        }
        return paths.sorted()
    }

    func rows(_ system: TestSystem, snap: String? = nil) async throws -> [Row] {
        guard let daemon = system.daemon else { throw TestFailure("no daemon running") }
        return try await daemon.engine.withDatabase { database in
            var rows: [Row] = []
            let query = try database.prepare(
                """
                SELECT path, security_tag, kind, snap, revision, sha3_384, size, change_id, task_id
                FROM security_profiles WHERE ?1 IS NULL OR snap = ?1 ORDER BY path
                """
            )
            try query.bind([snap])
            while try query.step() {
                rows.append(
                    Row(
                        path: query.string(0),
                        tag: query.string(1),
                        kind: query.string(2),
                        snap: query.string(3),
                        revision: query.string(4),
                        digest: query.string(5),
                        size: query.int64(6),
                        changeID: query.optionalInt64(7),
                        taskID: query.optionalInt64(8)
                    )
                )
            }
            return rows
        }
    }

    /// Every profile file under the root's profile directories, as on a real system.
    func filesOnDisk(_ system: TestSystem, snap: String) -> [String] {
        var found: [String] = []
        for directory in ["sandbox", "seccomp/bpf", "landlock", "apparmor/profiles", "mount"] {
            let full = system.root + "/var/lib/snapd/" + directory
            for name in (try? FileManager.default.contentsOfDirectory(atPath: full)) ?? []
            where name.hasPrefix("snap.\(snap).") {
                found.append("/var/lib/snapd/\(directory)/\(name)")
            }
        }
        return found.sorted()
    }

    func text(_ system: TestSystem, _ path: String) throws -> String {
        try String(contentsOfFile: system.root + path, encoding: .utf8)
    }

    /// The file's bytes: compiled seccomp profiles are not text.
    func bytes(_ system: TestSystem, _ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: system.root + path)))
    }

    @Test("installing writes every file of every app, root-owned 0644, recorded with its change and task")
    func installWritesFiles() async throws {
        let system = try TestSystem()
        try await system.start()
        try await system.installCoreAndHello()

        let expected = Self.expectedPaths(snap: "hello", apps: ["hello", "other"])
        #expect(filesOnDisk(system, snap: "hello") == expected)
        for path in expected {
            var info = stat()
            #expect(lstat(system.root + path, &info) == 0, "\(path)")
            #expect(info.st_mode & S_IFMT == S_IFREG && info.st_mode & 0o7777 == 0o644, "\(path)")
            #expect(info.st_uid == 0 && info.st_gid == 0, "\(path)")
            var directory = stat()
            #expect(stat((system.root + path as NSString).deletingLastPathComponent, &directory) == 0)
            #expect(directory.st_mode & 0o7777 == 0o755, "\(path)")
        }

        let sandbox = try text(system, "/var/lib/snapd/sandbox/snap.hello.other")
        for line in [
            "snap-name hello", "instance-name hello", "revision x1", "version 1.0", "base core", "confinement strict",
            "app other", "command bin/hello",
        ] {
            #expect(sandbox.split(separator: "\n").contains(Substring(line)), "\(line) in \(sandbox)")
        }
        let apparmor = try text(system, "/var/lib/snapd/apparmor/profiles/snap.hello.hello")
        #expect(apparmor.contains("profile \"snap.hello.hello\" flags=(attach_disconnected,mediate_deleted) {"))
        #expect(apparmor.contains("@{SNAP_REVISION}=\"x1\""))
        let binary = try Data(
            contentsOf: URL(fileURLWithPath: system.root + "/var/lib/snapd/seccomp/bpf/snap.hello.hello.bin2")
        )
        #expect(binary.count >= 128 && binary.prefix(3) == Data([0x53, 0x43, 1]))

        // The projection: one row per file, with its digest and size, written by the
        // setup-profiles task of the install change.
        let rows = try await rows(system)
        #expect(rows.map(\.path) == expected)
        let change = try #require(try await system.lastChange())
        let task = try #require(change.tasks.first { $0.kind == "setup-profiles" })
        for row in rows {
            let digest = try SnapDigest.ofFile(atPath: system.root + row.path)
            #expect(row.digest == digest.hex && row.size == Int64(digest.size), "\(row)")
            #expect(row.changeID == Int64(change.id) && row.taskID == Int64(task.id), "\(row)")
            #expect(row.snap == "hello" && row.revision == "x1")
        }
        #expect(Set(rows.map(\.kind)) == Set(Self.kinds + ["mount"]))
        #expect(rows.filter { $0.kind == "mount" }.map(\.tag) == ["snap.hello"])
        await system.stop()
    }

    @Test("where the kernel has AppArmor, profiles are loaded once written and removed before they go")
    func appArmorLoading() async throws {
        let system = try TestSystem()
        // A stand-in for apparmor_parser that records its calls; the second variant refuses.
        let log = system.root + "/parser.log"
        let parser = system.root + "/apparmor_parser"
        let refusing = system.root + "/refusing/apparmor_parser"
        try FileManager.default.createDirectory(atPath: system.root + "/refusing", withIntermediateDirectories: true)
        try "#!/bin/sh\necho \"$1 $2\" >>\(log)\n".write(toFile: parser, atomically: true, encoding: .utf8)
        try "#!/bin/sh\necho 'AppArmor parser error: syntax' >&2\nexit 1\n"
            .write(toFile: refusing, atomically: true, encoding: .utf8)
        chmod(parser, 0o755)
        chmod(refusing, 0o755)
        try await system.start(SnapManager.Options(appArmorParser: parser))
        _ = try await system.installCoreAndHello()

        let profiles = system.root + "/var/lib/snapd/apparmor/profiles/"
        func calls() -> [String] {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        #expect(calls() == ["-r \(profiles)snap.hello.hello", "-r \(profiles)snap.hello.other"])
        #expect(try await system.snap("remove", "hello").status == 0)
        #expect(Array(calls().dropFirst(2)) == ["-R \(profiles)snap.hello.hello", "-R \(profiles)snap.hello.other"])
        await system.stop()

        // A profile the parser refuses fails the install, which leaves nothing behind.
        try await system.start(SnapManager.Options(appArmorParser: refusing))
        let before = system.diskState()
        let install = try await system.snap("install", "--dangerous", system.root + "/tmp-snaps/hello_1.0_all.snap")
        #expect(install.status == 1)
        #expect(install.stderr.contains("cannot load the AppArmor profile \(profiles)snap.hello.hello"), "\(install)")
        #expect(install.stderr.contains("AppArmor parser error: syntax"), "\(install)")
        #expect(system.diskState() == before)
        await system.stop()
    }

    @Test("upgrade, revert, disable, enable and remove leave the files of the right revision")
    func lifecycle() async throws {
        let system = try TestSystem()
        try await system.start()
        let snaps = try await system.installCoreAndHello()
        let expected = Self.expectedPaths(snap: "hello", apps: ["hello", "other"])
        let sandbox = "/var/lib/snapd/sandbox/snap.hello.hello"

        // A new revision with one app fewer: its files replace x1's, the other app's go.
        _ = try await TestSnaps.build(
            "name: hello\nversion: '2.0'\nsummary: s\ndescription: d\napps:\n  hello:\n    command: bin/hello\n",
            in: snaps
        )
        #expect(try await system.snap("install", "--dangerous", "./hello_2.0_all.snap", in: snaps).status == 0)
        #expect(filesOnDisk(system, snap: "hello") == Self.expectedPaths(snap: "hello", apps: ["hello"]))
        #expect(try text(system, sandbox).contains("revision x2\nversion 2.0\n"))
        #expect(try await rows(system).allSatisfy { $0.revision == "x2" })

        // Revert: x1's files again, both apps.
        #expect(try await system.snap("revert", "hello").status == 0)
        #expect(filesOnDisk(system, snap: "hello") == expected)
        #expect(try text(system, sandbox).contains("revision x1\nversion 1.0\n"))
        #expect(try await rows(system).map(\.path) == expected)
        #expect(try await rows(system).allSatisfy { $0.revision == "x1" })

        // Disabled snaps have no files; enabling writes them again.
        #expect(try await system.snap("disable", "hello").status == 0)
        #expect(filesOnDisk(system, snap: "hello").isEmpty)
        #expect(try await rows(system).isEmpty)
        #expect(try await system.snap("enable", "hello").status == 0)
        #expect(filesOnDisk(system, snap: "hello") == expected)

        // Removing one revision that is not current touches nothing; removing the snap, everything.
        let before = try expected.map { try bytes(system, $0) }
        #expect(try await system.snap("remove", "--revision=x2", "hello").status == 0)
        #expect(try expected.map { try bytes(system, $0) } == before)
        #expect(try await system.snap("remove", "hello").status == 0)
        #expect(filesOnDisk(system, snap: "hello").isEmpty)
        #expect(try await rows(system).isEmpty)
        await system.stop()
    }

    @Test("a failed install leaves no files of the new snap, and a failed upgrade the old revision's")
    func failedInstalls() async throws {
        let system = try TestSystem()
        try await system.start()
        let snaps = try await system.installCoreAndHello()
        let path = try await TestSnaps.build(
            "name: fresh\nversion: '2'\nsummary: s\ndescription: d\napps:\n  fresh:\n    command: bin/hello\n",
            in: snaps
        )
        let helloBefore = try await rows(system, snap: "hello")
        let helloText = try Self.expectedPaths(snap: "hello", apps: ["hello", "other"]).map { try bytes(system, $0) }
        await system.stop()

        try await system.start(SnapManager.Options(faults: FaultPlan(failing: ["start-snap-services"])))
        #expect(try await system.snap("install", "--dangerous", path).status == 1)
        #expect(filesOnDisk(system, snap: "fresh").isEmpty)
        #expect(try await rows(system, snap: "fresh").isEmpty)

        #expect(try await system.snap("install", "--dangerous", "./hello_1.0_all.snap", in: snaps).status == 1)
        let helloAfter = try await rows(system, snap: "hello")
        #expect(helloAfter.map(\.path) == helloBefore.map(\.path))
        #expect(helloAfter.map(\.digest) == helloBefore.map(\.digest))
        #expect(helloAfter.allSatisfy { $0.revision == "x1" })
        let textAfter = try Self.expectedPaths(snap: "hello", apps: ["hello", "other"]).map { try bytes(system, $0) }
        #expect(textAfter == helloText)
        await system.stop()
    }

    @Test("devmode and classic snaps get their confinement in every file")
    func confinements() async throws {
        let system = try TestSystem()
        try await system.start()
        let snaps = try await system.installCoreAndHello(hello: false)
        #expect(try await system.snap("install", "--devmode", "./hello_1.0_all.snap", in: snaps).status == 0)
        let devmode = try text(system, "/var/lib/snapd/sandbox/snap.hello.hello")
        #expect(devmode.contains("confinement devmode\n"), "\(devmode)")
        #expect(
            try text(system, "/var/lib/snapd/apparmor/profiles/snap.hello.hello")
                .contains("flags=(attach_disconnected,mediate_deleted,complain)")
        )

        let classic = try await TestSnaps.build(
            "name: wide\nversion: '1'\nsummary: s\ndescription: d\nconfinement: classic\n"
                + "apps:\n  wide:\n    command: bin/hello\n",
            in: snaps
        )
        #expect(try await system.snap("install", "--dangerous", "--classic", classic).status == 0)
        let wide = try text(system, "/var/lib/snapd/sandbox/snap.wide.wide")
        #expect(wide.contains("base \nconfinement classic\n"), "\(wide)")
        #expect(try text(system, "/var/lib/snapd/apparmor/profiles/snap.wide.wide").contains("  capability,\n"))
        await system.stop()
    }

    @Test("hooks in meta/hooks get their own files, and launch with an empty command")
    func hooks() async throws {
        let system = try TestSystem()
        try await system.start()
        let snaps = try await system.installCoreAndHello(hello: false)
        let path = try await TestSnaps.build(
            "name: hooked\nversion: '1'\nsummary: s\ndescription: d\napps:\n  hooked:\n    command: bin/hello\n",
            in: snaps,
            files: ["bin/hello": "#!/bin/sh\n", "meta/hooks/configure": "#!/bin/sh\n"]
        )
        #expect(try await system.snap("install", "--dangerous", path).status == 0)
        let tags = Set(try await rows(system, snap: "hooked").map(\.tag))
        #expect(tags == ["snap.hooked", "snap.hooked.hooked", "snap.hooked.hook.configure"])
        let hook = try text(system, "/var/lib/snapd/sandbox/snap.hooked.hook.configure")
        #expect(hook.contains("hook configure\n") && !hook.contains("\ncommand "), "\(hook)")
        await system.stop()
    }

    @Test("layouts become escaped fstab lines with in-sandbox paths")
    func layouts() async throws {
        let system = try TestSystem()
        try await system.start()
        let snaps = try await system.installCoreAndHello(hello: false)
        let path = try await TestSnaps.build(
            """
            name: laid
            version: '1'
            summary: s
            description: d
            apps:
              laid:
                command: bin/hello
            layout:
              /usr/share/my app:
                bind: $SNAP/share/my app
              /etc/laid.conf:
                bind-file: $SNAP_DATA/laid.conf
              /var/lib/laid:
                type: tmpfs
              /usr/lib/laid:
                symlink: $SNAP_COMMON/lib
            """,
            in: snaps,
            files: ["bin/hello": "#!/bin/sh\n", "share/my app/x": "x\n"]
        )
        let install = try await system.snap("install", "--dangerous", path)
        #expect(install.status == 0, "\(install)")
        let fstab = try text(system, "/var/lib/snapd/mount/snap.laid.fstab")
        let lines = fstab.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(
            lines == [
                "/snap/laid/x1/share/my\\040app /usr/share/my\\040app none rbind,rw,x-snapd.origin=layout 0 0",
                "/var/snap/laid/x1/laid.conf /etc/laid.conf none bind,rw,x-snapd.kind=file,x-snapd.origin=layout 0 0",
                "tmpfs /var/lib/laid tmpfs x-snapd.origin=layout 0 0",
                "none /usr/lib/laid none x-snapd.kind=symlink,x-snapd.symlink=/var/snap/laid/common/lib,"
                    + "x-snapd.origin=layout 0 0",
            ],
            "\(fstab)"
        )
        await system.stop()
    }

    @Test("the security_profiles table equals a rebuild from the event log")
    func rebuild() async throws {
        let system = try TestSystem()
        try await system.start()
        let snaps = try await system.installCoreAndHello()
        for arguments in [
            ["install", "--dangerous", "./hello_1.0_all.snap"], ["disable", "hello"], ["enable", "hello"],
            ["revert", "hello"], ["remove", "--revision=x2", "hello"],
            ["install", "--devmode", "./hello_1.0_all.snap"],
        ] {
            #expect(try await system.run(referenceSnap, arguments, in: snaps).status == 0, "\(arguments)")
        }
        await system.stop()

        let database = try StateDatabase.open(path: system.paths.stateDatabase)
        let dump = { () throws -> [String] in
            let rows = try database.rows("SELECT * FROM security_profiles ORDER BY path")
            return rows.map {
                $0.map { value -> String in
                    if case .blob(let bytes) = value { return bytes.map { String($0) }.joined(separator: ",") }
                    return value.description
                }.joined(separator: "|")
            }
        }
        let before = try dump()
        #expect(before.count == 11, "\(before.count)")
        try Replayer(database: database, projections: [SnapsProjection(), ProfilesProjection()]).rebuild()
        #expect(try dump() == before)
    }

    @Test(
        "setup-profiles run again after the daemon was killed mid-task ends with the revision's files",
        .enabled(if: FileManager.default.isExecutableFile(atPath: RestartTests.snapd), "needs .build/debug/snapd")
    )
    func rerunAfterKill() async throws {
        let system = try TestSystem()
        let log = system.root + "/snapd.log"
        // setup-profiles waits two seconds before it starts, so the SIGKILL lands in the task.
        var daemon = try await Self.startProgram(system.root, log: log, faults: "")
        let snaps = system.root + "/tmp-snaps"
        try FileManager.default.createDirectory(atPath: snaps, withIntermediateDirectories: true)
        _ = try await TestSnaps.core(in: snaps)
        _ = try await TestSnaps.hello(in: snaps)
        #expect(try await system.snap("install", "--dangerous", "./core_16_all.snap", in: snaps).status == 0)
        #expect(try await system.snap("install", "--dangerous", "./hello_1.0_all.snap", in: snaps).status == 0)
        try await Self.kill(daemon)
        daemon = try await Self.startProgram(system.root, log: log, faults: "setup-profiles=slow")

        let started = try await system.snap("install", "--dangerous", "--no-wait", "./hello_1.0_all.snap", in: snaps)
        let change = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(started.status == 0 && Int(change) != nil, "\(started)")
        try await Task.sleep(for: .milliseconds(800))
        try await Self.kill(daemon)

        // What a crash halfway through writing could leave: one file replaced by something
        // else, another gone.
        let root = system.root + "/var/lib/snapd"
        try "half written\n".write(toFile: root + "/sandbox/snap.hello.hello", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: root + "/landlock/snap.hello.other")

        daemon = try await Self.startProgram(system.root, log: log, faults: "")
        let watched = try await system.snap("watch", change)
        #expect(watched.status == 0, "\(watched)")
        try await Self.kill(daemon)

        let expected = Self.expectedPaths(snap: "hello", apps: ["hello", "other"])
        #expect(filesOnDisk(system, snap: "hello") == expected)
        #expect(try text(system, "/var/lib/snapd/sandbox/snap.hello.hello").contains("revision x2\n"))
        let database = try StateDatabase.openReader(path: system.paths.stateDatabase)
        // The task really was interrupted: it started twice.
        let starts = try database.scalar(
            """
            SELECT count(*) FROM events JOIN tasks ON tasks.id = events.task_id
            WHERE tasks.change_id = ?1 AND tasks.kind = 'setup-profiles' AND events.type = 'task-status'
                AND json_extract(events.payload, '$.status') = 'Doing'
            """,
            Int64(change) ?? 0
        )
        #expect(starts == .integer(2))
        let rows = try database.rows("SELECT path, sha3_384, revision FROM security_profiles ORDER BY path")
        #expect(rows.map { $0[0].description } == expected)
        for row in rows {
            let digest = try SnapDigest.ofFile(atPath: system.root + row[0].description)
            #expect(row[1].description == digest.hex && row[2].description == "x2", "\(row)")
        }
    }

    @Test(
        "snap run starts installed apps from the daemon's launch descriptions; snap-log shows the files",
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: OurClientTests.ourSnap),
            "swift build makes .build/debug/snap"
        )
    )
    func runInstalled() async throws {
        let system = try TestSystem()
        try await system.start()
        let snaps = try await system.installCoreAndHello()
        let classic = try await TestSnaps.build(
            "name: wide\nversion: '1'\nsummary: s\ndescription: d\nconfinement: classic\n"
                + "apps:\n  wide:\n    command: bin/hello\n",
            in: snaps
        )
        #expect(try await system.snap("install", "--dangerous", "--classic", classic).status == 0)

        // A stand-in for snap-confine that records its arguments: what snap run passes on.
        let launcher = system.root + "/libexec/snap-confine"
        try FileManager.default.createDirectory(atPath: system.root + "/libexec", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: system.root + "/home-user", withIntermediateDirectories: true)
        try "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$0.args\"\n".write(
            toFile: launcher,
            atomically: true,
            encoding: .utf8
        )
        chmod(launcher, 0o755)
        func run(_ arguments: [String]) throws -> [String] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: OurClientTests.ourSnap)
            process.arguments = arguments
            process.environment = [
                "SNAPPY_GLOBAL_ROOT": system.root, "HOME": system.root + "/home-user", "SNAP_CONFINE": launcher,
                "PATH": "/usr/bin:/bin",
            ]
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(arguments)")
            let text = try String(contentsOfFile: launcher + ".args", encoding: .utf8)
            return text.split(separator: "\n").map(String.init)
        }
        let snapExec = system.root + "/libexec/snap-exec"
        #expect(try run(["run", "wide", "x"]) == ["--classic", "snap.wide.wide", snapExec, "wide.wide", "x"])
        #expect(try run(["run", "hello.other"]) == ["--base", "core", "snap.hello.other", snapExec, "hello.other"])
        await system.stop()

        // snap-log lists the table, with the change and the task that wrote each file.
        let copy = system.root + "/copy.db"
        try FileManager.default.copyItem(atPath: system.paths.stateDatabase, toPath: copy)
        let log = Process()
        log.executableURL = URL(fileURLWithPath: repositoryRoot + "/.build/debug/snap-log")
        log.arguments = ["state", copy]
        let pipe = Pipe()
        log.standardOutput = pipe
        try log.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        log.waitUntilExit()
        #expect(output.contains("== security_profiles (17 rows)\n"), "\(output)")
        #expect(output.contains("change_id\ttask_id\tevent_seq\n"))
        #expect(output.contains("/var/lib/snapd/sandbox/snap.wide.wide\tsnap.wide.wide\tsandbox\twide\tx1\t"))
    }

    /// Starts the `snapd` program on `root`, with faults to inject.
    static func startProgram(_ root: String, log: String, faults: String) async throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RestartTests.snapd)
        process.environment = [
            "SNAPPY_GLOBAL_ROOT": root, "PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "SNAPD_INJECT_FAULTS": faults,
        ]
        if !FileManager.default.fileExists(atPath: log) {
            _ = FileManager.default.createFile(atPath: log, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try handle.seekToEnd()
        process.standardError = handle
        try? FileManager.default.removeItem(atPath: root + "/run/snapd.socket")
        try process.run()
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: root + "/run/snapd.socket") {
            try await Task.sleep(for: .milliseconds(20))
        }
        return process
    }

    /// Kills the daemon with SIGKILL and waits for it, off the cooperative pool.
    static func kill(_ process: Process) async throws {
        Foundation.kill(process.processIdentifier, SIGKILL)
        let box = UncheckedProcess(process)
        try await TestSnaps.offPool { box.process.waitUntilExit() }
    }
}
