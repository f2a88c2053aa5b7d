import Foundation
import SnapManager
import Testing

private let buildDirectory = repositoryRoot + "/.build/debug"
private let launchProgramsBuilt = ["snap", "snap-confine", "snap-exec"].allSatisfy {
    FileManager.default.isExecutableFile(atPath: buildDirectory + "/" + $0)
}

/// Apps installed through the daemon and run confined: `snap run` → snap-confine →
/// snap-exec → the app, under the profiles the install change wrote (compiled seccomp,
/// Landlock rules, the launch description), as root and as an ordinary user.
@Suite(
    "Confined apps installed by the daemon",
    .serialized,
    .enabled(if: isRoot && launchProgramsBuilt, "needs root and the programs swift build makes")
)
struct ConfinedRunTests {
    static let build = buildDirectory

    /// The probe app: a busybox shell script that performs the actions its arguments name
    /// and prints one line for each.
    static let probeScript = #"""
        #!/bin/sh
        for action in "$@"; do
            case $action in
            ids) echo "uid=$(id -u) gid=$(id -g)" ;;
            env:*) name=${action#env:}; eval "echo $name=\${$name}" ;;
            write:*) path=${action#write:}
                if (echo probe >"$path") 2>/dev/null; then echo "write $path ok"; else echo "write $path denied"; fi ;;
            read:*) path=${action#read:}
                if cat "$path" >/dev/null 2>&1; then echo "read $path ok"; else echo "read $path denied"; fi ;;
            exists:*) path=${action#exists:}
                if [ -e "$path" ]; then echo "exists $path yes"; else echo "exists $path no"; fi ;;
            unshare) if unshare -m true 2>/dev/null; then echo "unshare ok"; else echo "unshare denied"; fi ;;
            status) grep -E '^(NoNewPrivs|CapEff|CapPrm|CapBnd|Seccomp):' /proc/self/status | tr -s '\t' ' ' ;;
            cgroup) cat /proc/self/cgroup ;;
            mntns) echo "mntns=$(readlink /proc/self/ns/mnt)" ;;
            mkdir:*) path=${action#mkdir:}
                if mkdir "$path" 2>/dev/null; then echo "mkdir $path ok"; else echo "mkdir $path denied"; fi ;;
            symlink:*) path=${action#symlink:}
                if ln -s /snap/probe/current/bin "$path" 2>/dev/null; then echo "symlink $path ok"; else echo "symlink $path denied"; fi ;;
            leave-cgroup:*) group=${action#leave-cgroup:}
                if (echo $$ >"/sys/fs/cgroup/$group/cgroup.procs") 2>/dev/null; then echo "leave $group ok"; else echo "leave $group denied"; fi
                grep -q ":$group:/snap.probe.probe\$" /proc/self/cgroup && echo "still in $group/snap.probe.probe" ;;
            *) echo "unknown action $action"; exit 2 ;;
            esac
        done
        """#

    /// A scratch system with a busybox base and the probe snap installed, and snap-confine
    /// installed setuid root beside snap-exec.
    final class Fixture: @unchecked Sendable {
        let system: TestSystem
        let libexec: String

        init(
            confinement: String = "strict",
            installFlags: [String] = [],
            options: SnapManager.Options = SnapManager.Options()
        ) async throws {
            system = try TestSystem(parent: "/var/lib")
            try await system.start(options)
            libexec = system.root + "/usr/lib/snapd"
            try FileManager.default.createDirectory(atPath: libexec, withIntermediateDirectories: true)
            for directory in ["/usr", "/usr/lib", "/usr/lib/snapd"] { chmod(system.root + directory, 0o755) }
            for (program, mode) in [("snap-confine", 0o4755), ("snap-exec", 0o755)] {
                let target = libexec + "/" + program
                try FileManager.default.copyItem(atPath: ConfinedRunTests.build + "/" + program, toPath: target)
                chown(target, 0, 0)
                chmod(target, mode_t(mode))
            }
            let snaps = system.root + "/tmp-snaps"
            try FileManager.default.createDirectory(atPath: snaps, withIntermediateDirectories: true)
            let base = try await run(
                "/bin/bash",
                [repositoryRoot + "/tools/build-base", "--busybox", "bbase", snaps + "/bbase.snap"],
                environment: ["TMPDIR": snaps]
            )
            guard base.status == 0 else { throw TestFailure("cannot build the base: \(base)") }
            _ = try await TestSnaps.build(
                """
                name: probe
                version: '1'
                summary: s
                description: d
                base: bbase
                confinement: \(confinement)
                apps:
                  probe:
                    command: bin/probe
                    environment:
                      PROBE_WHERE: $SNAP/bin
                """,
                in: snaps,
                files: ["bin/probe": ConfinedRunTests.probeScript]
            )
            for file in ["bbase.snap", "probe_1_all.snap"] {
                let install = try await system.run(
                    referenceSnap,
                    ["install", "--dangerous"] + (file == "bbase.snap" ? [] : installFlags) + ["./" + file],
                    in: snaps
                )
                guard install.status == 0 else { throw TestFailure("cannot install \(file): \(install)") }
            }
        }

        /// `snap run probe ACTIONS` (or an instance of it) as `user` (root when nil), with
        /// `home` as HOME.
        func probe(
            _ actions: [String],
            as user: String? = nil,
            home: String = "/root",
            instance: String = "probe"
        ) async throws -> ClientRun {
            try await run(
                ConfinedRunTests.build + "/snap",
                ["run", instance] + actions,
                user: user,
                environment: ["HOME": home, "SNAP_CONFINE": libexec + "/snap-confine"]
            )
        }

        func run(
            _ program: String,
            _ arguments: [String],
            user: String? = nil,
            environment: [String: String] = [:]
        ) async throws -> ClientRun {
            let root = system.root
            return try await TestSnaps.offPool {
                try ClientRun(program, arguments, root: root, directory: nil, user: user, environment: environment)
            }
        }

        /// Removes the snaps (which discards the kept namespace) and stops the daemon.
        func finish() async throws {
            let probe = try await system.snap("remove", "probe")
            #expect(probe.status == 0, "\(probe)")
            #expect(!exists(system.root + "/run/snapd/ns/probe.mnt") || !isNamespaceMount(), "namespace kept")
            _ = try await system.snap("remove", "bbase")
            await system.stop()
        }

        func isNamespaceMount() -> Bool {
            TestSystem.mountPoints(under: system.root).contains(system.root + "/run/snapd/ns/probe.mnt")
        }
    }

    /// How many kernel log lines record an unshare(2) that a seccomp filter let through
    /// with SECCOMP_RET_LOG (audit type 1326, syscall 272 on x86-64, action 0x7ffc0000).
    static func loggedUnshares() throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/dmesg")
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").filter {
            $0.contains("type=1326") && $0.contains(" syscall=272 ") && $0.contains("code=0x7ffc0000")
        }.count
    }

    static func lines(_ run: ClientRun) -> Set<String> { Set(run.stdout.split(separator: "\n").map(String.init)) }

    @Test("a strict app runs in its base with its data writable, the rest denied, and the kernel filters loaded")
    func strictAsRoot() async throws {
        let fixture = try await Fixture()
        let run = try await fixture.probe([
            "ids", "env:SNAP", "env:SNAP_DATA", "env:PROBE_WHERE", "write:/var/snap/probe/x1/file",
            "write:/var/snap/probe/common/file", "write:/etc/probe", "write:/var/tmp/probe", "exists:/bin/busybox",
            "exists:/usr/lib/snapd/snap-exec", "read:/snap/probe/current/meta/snap.yaml", "unshare", "status", "cgroup",
            "write:/tmp/probe-private", "mntns", "leave-cgroup:devices",
        ])
        #expect(run.status == 0, "\(run)")
        let lines = Self.lines(run)
        for expected in [
            "uid=0 gid=0", "SNAP=/snap/probe/x1", "SNAP_DATA=/var/snap/probe/x1", "PROBE_WHERE=/snap/probe/x1/bin",
            "write /var/snap/probe/x1/file ok", "write /var/snap/probe/common/file ok", "write /etc/probe denied",
            "write /var/tmp/probe denied", "exists /bin/busybox yes", "exists /usr/lib/snapd/snap-exec yes",
            "read /snap/probe/current/meta/snap.yaml ok", "unshare denied", "NoNewPrivs: 1", "Seccomp: 2",
            "write /tmp/probe-private ok",
            // The device restriction holds: a root app cannot move itself out of its device
            // group (what unit generation once let systemd do, CVE-2020-27352).
            "leave devices denied", "still in devices/snap.probe.probe",
        ] {
            #expect(lines.contains(expected), "missing \"\(expected)\" in \(run)")
        }
        #expect(run.stdout.contains("snap.probe.probe-"), "no tracking group in \(run)")
        #expect(!exists("/tmp/probe-private"), "the app's /tmp is the host's")
        #expect(!exists("/var/tmp/probe") && !exists("/etc/probe"))
        #expect(exists(fixture.system.root + "/var/snap/probe/x1/file"))

        // A second launch joins the kept namespace.
        let again = try await fixture.probe(["mntns"])
        let namespace = lines.first { $0.hasPrefix("mntns=") }
        #expect(namespace != nil && Self.lines(again).contains(namespace ?? ""), "\(run)\n\(again)")
        try await fixture.finish()
    }

    @Test("an ordinary user runs the app as themselves, in ~/snap/NAME/REV, and cannot regain privileges")
    func strictAsUser() async throws {
        let user = "snaprun-e2e"
        let home = "/home/" + user
        _ = try? ClientRun("/usr/sbin/userdel", ["-r", user], root: "/", directory: nil, user: nil)
        let added = try ClientRun("/usr/sbin/useradd", ["-m", "-d", home, user], root: "/", directory: nil, user: nil)
        try #require(added.status == 0, "\(added)")
        defer { _ = try? ClientRun("/usr/sbin/userdel", ["-r", user], root: "/", directory: nil, user: nil) }
        let uid = getpwnam(user).pointee.pw_uid

        let fixture = try await Fixture()
        let run = try await fixture.probe(
            [
                "ids", "env:HOME", "env:SNAP_USER_DATA", "write:\(home)/snap/probe/x1/mine", "write:\(home)/outside",
                "write:/var/snap/probe/x1/theirs", "status", "mkdir:\(home)/bin", "symlink:\(home)/bin",
                "write:\(home)/.profile",
            ],
            as: user,
            home: home
        )
        #expect(run.status == 0, "\(run)")
        let lines = Self.lines(run)
        for expected in [
            "uid=\(uid) gid=\(getpwnam(user).pointee.pw_gid)", "HOME=\(home)/snap/probe/x1",
            "SNAP_USER_DATA=\(home)/snap/probe/x1", "write \(home)/snap/probe/x1/mine ok",
            "write \(home)/outside denied", "write /var/snap/probe/x1/theirs denied", "NoNewPrivs: 1",
            "CapEff: 0000000000000000", "CapPrm: 0000000000000000", "CapBnd: 0000000000000000",
            // No ~/bin of the app's making: nothing it plants lands on the user's PATH
            // (CVE-2024-1724), and the user's own files stay out of reach.
            "mkdir \(home)/bin denied", "symlink \(home)/bin denied", "write \(home)/.profile denied",
        ] {
            #expect(lines.contains(expected), "missing \"\(expected)\" in \(run)")
        }
        #expect(!exists(home + "/outside") && !exists(home + "/bin"))
        var info = stat()
        for directory in ["/snap", "/snap/probe", "/snap/probe/x1"] {
            #expect(stat(home + directory, &info) == 0 && info.st_uid == uid && info.st_mode & 0o777 == 0o700)
        }
        try await fixture.finish()
    }

    @Test("the app's tracking groups carry the daemon's pids and memory limits")
    func limits() async throws {
        var options = SnapManager.Options()
        options.appPidsMax = 48
        options.appMemoryMax = 64 << 20
        let fixture = try await Fixture(options: options)
        let run = try await fixture.probe(["cgroup"])
        #expect(run.status == 0, "\(run)")
        // The app's groups outlive it until the snap is removed: read them from the host.
        func read(_ path: String) -> String? {
            (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(run.stdout.contains(":pids:/snap.probe.probe"), "\(run)")
        #expect(read("/sys/fs/cgroup/pids/snap.probe.probe/pids.max") == "48")
        if access("/sys/fs/cgroup/memory/cgroup.procs", F_OK) == 0 {
            #expect(read("/sys/fs/cgroup/memory/snap.probe.probe/memory.limit_in_bytes") == "67108864")
        }
        let description = try String(
            contentsOfFile: fixture.system.root + "/var/lib/snapd/sandbox/snap.probe.probe",
            encoding: .utf8
        )
        #expect(description.contains("pids-max 48\n") && description.contains("memory-max 67108864\n"))
        try await fixture.finish()
    }

    @Test("a new revision installed, then reverted, runs at once although a namespace was kept")
    func newRevisionRuns() async throws {
        let fixture = try await Fixture()
        let first = try await fixture.probe(["env:SNAP", "read:/snap/probe/current/bin/probe"])
        #expect(Self.lines(first).isSuperset(of: ["SNAP=/snap/probe/x1", "read /snap/probe/current/bin/probe ok"]))
        #expect(fixture.isNamespaceMount(), "the first launch keeps no namespace")

        // The same file again is revision x2: its mount was made after the namespace was.
        let install = try await fixture.system.run(
            referenceSnap,
            ["install", "--dangerous", "./probe_1_all.snap"],
            in: fixture.system.root + "/tmp-snaps"
        )
        #expect(install.status == 0, "\(install)")
        let second = try await fixture.probe(["env:SNAP", "read:/snap/probe/x2/bin/probe"])
        #expect(second.status == 0, "\(second)")
        #expect(Self.lines(second).isSuperset(of: ["SNAP=/snap/probe/x2", "read /snap/probe/x2/bin/probe ok"]))

        let revert = try await fixture.system.snap("revert", "probe")
        #expect(revert.status == 0, "\(revert)")
        let reverted = try await fixture.probe(["env:SNAP"])
        #expect(reverted.status == 0 && Self.lines(reverted).contains("SNAP=/snap/probe/x1"), "\(reverted)")
        try await fixture.finish()
    }

    @Test("a parallel instance runs with its own trees at /snap/NAME and /var/snap/NAME")
    func parallelInstance() async throws {
        let fixture = try await Fixture()
        let root = fixture.system.root
        let install = try await fixture.system.run(
            referenceSnap,
            ["install", "--dangerous", "--name", "probe_two", "./probe_1_all.snap"],
            in: root + "/tmp-snaps"
        )
        #expect(install.status == 0, "\(install)")
        let run = try await fixture.probe(
            ["env:SNAP", "env:SNAP_INSTANCE_NAME", "write:/var/snap/probe/x1/mine", "read:/snap/probe/x1/bin/probe"],
            instance: "probe_two"
        )
        #expect(run.status == 0, "\(run)")
        #expect(
            Self.lines(run).isSuperset(of: [
                "SNAP=/snap/probe/x1", "SNAP_INSTANCE_NAME=probe_two", "write /var/snap/probe/x1/mine ok",
                "read /snap/probe/x1/bin/probe ok",
            ]),
            "\(run)"
        )
        // The write landed in the instance's data, not in the snap's.
        #expect(exists(root + "/var/snap/probe_two/x1/mine"))
        #expect(!exists(root + "/var/snap/probe/x1/mine"))

        // The instance outlives the snap it is an instance of.
        let removeSnap = try await fixture.system.snap("remove", "probe")
        #expect(removeSnap.status == 0, "\(removeSnap)")
        let alone = try await fixture.probe(["write:/var/snap/probe/x1/again", "env:SNAP"], instance: "probe_two")
        #expect(alone.status == 0 && Self.lines(alone).contains("write /var/snap/probe/x1/again ok"), "\(alone)")
        #expect(exists(root + "/var/snap/probe_two/x1/again"))

        let remove = try await fixture.system.snap("remove", "probe_two")
        #expect(remove.status == 0, "\(remove)")
        for tree in ["/snap/probe_two", "/var/snap/probe_two", "/snap/probe", "/var/snap/probe"] {
            #expect(!exists(root + tree), "\(tree) is left")
        }
        _ = try await fixture.system.snap("remove", "bbase")
        await fixture.system.stop()
    }

    @Test("devmode logs instead of denying; classic runs in the host's namespace with no filter")
    func devmodeAndClassic() async throws {
        let devmode = try await Fixture(confinement: "devmode", installFlags: ["--devmode"])
        let loggedBefore = try Self.loggedUnshares()
        let run = try await devmode.probe(["unshare", "status", "write:/var/snap/probe/x1/file"])
        #expect(run.status == 0, "\(run)")
        // The filter let unshare(2) through with SECCOMP_RET_LOG: the kernel logged it.
        #expect(try Self.loggedUnshares() > loggedBefore, "no seccomp log line for unshare in the kernel log")
        #expect(
            Self.lines(run).isSuperset(of: ["unshare ok", "Seccomp: 2", "write /var/snap/probe/x1/file ok"]),
            "\(run)"
        )
        try await devmode.finish()

        let classic = try await Fixture(confinement: "classic", installFlags: ["--classic"])
        let hostNamespace = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8).isEmpty == false
        #expect(hostNamespace)
        let host = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/mnt")) ?? "?"
        let inside = try await classic.probe(["mntns", "status", "env:SNAP"])
        #expect(inside.status == 0, "\(inside)")
        #expect(Self.lines(inside).isSuperset(of: ["mntns=\(host)", "Seccomp: 0"]), "\(inside)")
        #expect(Self.lines(inside).contains("SNAP=\(classic.system.root)/snap/probe/x1"), "\(inside)")
        try await classic.finish()
    }
}
