import Foundation
import SnapSandbox
import XCTest

/// Launches of the real setuid launcher into a busybox base: what the app sees, who it
/// runs as, and that its namespace is kept.
final class LaunchTests: XCTestCase {
    nonisolated(unsafe) static var fixture: ConfineFixture?

    override class func tearDown() {
        fixture?.destroy()
        fixture = nil
        super.tearDown()
    }

    func makeFixture() throws -> ConfineFixture {
        if let fixture = Self.fixture { return fixture }
        let fixture = try ConfineFixture()
        Self.fixture = fixture
        return fixture
    }

    func testAppSeesTheBaseAsRootWithTheSnapAndItsData() throws {
        let fixture = try makeFixture()
        let snap = try fixture.makeSnap()
        let output = try fixture.launch(
            snap,
            """
            test -x /bin/busybox && echo base-root
            test -e /usr/bin/dpkg || echo no-host-usr
            test -e /usr/lib/snapd/snap-exec && echo snap-exec-bound
            readlink /snap/\(snap.name)/current
            head -1 /snap/\(snap.name)/current/meta/snap.yaml
            test -d /var/snap/\(snap.name)/x1 && echo data-dir
            test -d /var/lib/snapd/sandbox && echo state-dir
            test -e /var/lib/snapd/hostfs/usr/bin/dpkg || echo host-root-detached
            echo "PATH=$PATH TMPDIR=$TMPDIR"
            head -1 /etc/nsswitch.conf
            test -e /etc/debian_version && echo host-etc
            """
        )
        XCTAssertEqual(output.status, 0, "\(output)")
        XCTAssertEqual(
            output.lines,
            [
                "base-root", "no-host-usr", "snap-exec-bound", "x1", "name: \(snap.name)", "data-dir", "state-dir",
                "host-root-detached", "PATH=/usr/sbin:/usr/bin:/sbin:/bin:/usr/games TMPDIR=/tmp",
                // The host's /etc, with the base's name-service switch over it.
                "# the busybox base: files only", "host-etc",
            ]
        )
        let hostSwitch = try String(contentsOfFile: "/etc/nsswitch.conf", encoding: .utf8)
        XCTAssertFalse(hostSwitch.hasPrefix("# the busybox base"), "the host's own file must be untouched")
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: "/usr/bin/dpkg"),
            "the host-only file must exist on the host"
        )

        // SNAP-EXEC beside the launcher runs from the read-only bind inside the sandbox.
        let executed = try fixture.launch(snap, "", asUser: true, probeArguments: ["--exe"])
        XCTAssertEqual(executed.lines, ["/usr/lib/snapd/snap-confine-probe"], "\(executed)")
    }

    func testNamespaceIsKeptAndJoined() throws {
        let fixture = try makeFixture()
        let snap = try fixture.makeSnap()
        let first = try fixture.launch(snap, "readlink /proc/self/ns/mnt")
        let second = try fixture.launch(snap, "readlink /proc/self/ns/mnt", asUser: true)
        XCTAssertEqual(first.status, 0, "\(first)")
        XCTAssertEqual(second.status, 0, "\(second)")
        XCTAssertEqual(first.standardOutput, second.standardOutput)
        let host = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/mnt")
        XCTAssertNotEqual(first.lines.first, host)

        XCTAssertTrue(MountNamespace.isNamespaceFile(fixture.namespaceFile(snap)))
        let entry = MountInfo.topmost(at: fixture.namespaceFile(snap), in: try MountInfo.current())
        XCTAssertEqual(entry?.filesystemType, "nsfs")
        XCTAssertEqual(entry?.root, first.lines.first, "the kept file is the app's namespace")
        let info = try String(contentsOfFile: "\(fixture.root)/run/snapd/ns/snap.\(snap.name).info", encoding: .utf8)
        XCTAssertTrue(info.hasPrefix("base-snap-name=\(fixture.baseName)\n"), info)

        // Discarding removes the kept namespace; the next launch builds a new one. (An open
        // descriptor keeps the old one alive, so its inode number cannot be reused.)
        let held = open(fixture.namespaceFile(snap), O_RDONLY)
        XCTAssertGreaterThanOrEqual(held, 0)
        defer { close(held) }
        try fixture.discard(snap)
        XCTAssertFalse(MountNamespace.isNamespaceFile(fixture.namespaceFile(snap)))
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(fixture.root)/run/snapd/ns/snap.\(snap.name).info"))
        let third = try fixture.launch(snap, "readlink /proc/self/ns/mnt")
        XCTAssertNotEqual(third.standardOutput, first.standardOutput)
        XCTAssertTrue(MountNamespace.isNamespaceFile(fixture.namespaceFile(snap)))
    }

    func testConcurrentFirstLaunchesShareOneNamespace() throws {
        let fixture = try makeFixture()
        let snap = try fixture.makeSnap()
        let launch =
            "\(fixture.launcher) \(snap.tag()) \(fixture.snapExec) \(snap.name).sh 'readlink /proc/self/ns/mnt'"
        let output = try ConfineFixture.run(
            ["/bin/sh", "-c", "for i in 1 2 3 4 5 6 7 8; do \(launch) & done; wait"],
            environment: [
                "SNAPPY_GLOBAL_ROOT": fixture.root, "SNAP": "/snap/\(snap.name)/current", "PATH": "/usr/bin:/bin",
            ]
        )
        XCTAssertEqual(output.lines.count, 8, "\(output)")
        XCTAssertEqual(Set(output.lines).count, 1, "the locks let one launch build and the others join: \(output)")
        XCTAssertEqual(output.standardError, "")
    }

    func testStaleNamespaceIsRebuiltWhenTheBaseChanges() throws {
        let fixture = try makeFixture()
        let snap = try fixture.makeSnap()
        let first = try fixture.launch(snap, "readlink /proc/self/ns/mnt")
        XCTAssertEqual(first.status, 0, "\(first)")
        let held = open(fixture.namespaceFile(snap), O_RDONLY)
        XCTAssertGreaterThanOrEqual(held, 0)
        defer { close(held) }

        // A "refreshed" base: current points to another revision (a plain directory tree).
        let base = "\(fixture.root)/snap/\(fixture.baseName)"
        try ConfineFixture.shell(
            "cp -a \(base)/x1 \(base)/x2 && touch \(base)/x2/refreshed && ln -sfn x2 \(base)/current"
        )
        defer { _ = try? ConfineFixture.shell("ln -sfn x1 \(base)/current && rm -rf \(base)/x2") }
        let second = try fixture.launch(snap, "readlink /proc/self/ns/mnt; test -e /refreshed && echo new-base")
        XCTAssertEqual(second.status, 0, "\(second)")
        XCTAssertNotEqual(second.lines.first, first.lines.first)
        XCTAssertEqual(second.lines.last, "new-base")
        try fixture.discard(snap)
    }

    func testPrivateTmpIsIsolatedAndPersistent() throws {
        let fixture = try makeFixture()
        let snap = try fixture.makeSnap()
        let token = UUID().uuidString
        let hostFile = "/tmp/host-\(token)"
        _ = FileManager.default.createFile(atPath: hostFile, contents: Data("host".utf8))
        defer { try? FileManager.default.removeItem(atPath: hostFile) }

        let first = try fixture.launch(
            snap,
            "echo inside > /tmp/in-\(token); test -e /tmp/host-\(token) || echo host-file-hidden; stat -c '%u %a' /tmp"
        )
        XCTAssertEqual(first.status, 0, "\(first)")
        XCTAssertEqual(first.lines, ["host-file-hidden", "0 1777"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/in-\(token)"))
        let stored = "\(fixture.anchor)/snap.\(snap.name)/tmp/in-\(token)"
        XCTAssertEqual(try String(contentsOfFile: stored, encoding: .utf8), "inside\n")
        try assertMode(fixture.anchor, 0o700)
        try assertMode("\(fixture.anchor)/snap.\(snap.name)", 0o700)
        try assertMode("\(fixture.anchor)/snap.\(snap.name)/tmp", 0o1777)

        // A rebuilt namespace gets the same /tmp back.
        try fixture.discard(snap)
        let second = try fixture.launch(snap, "cat /tmp/in-\(token)", asUser: true)
        XCTAssertEqual(second.lines, ["inside"], "\(second)")
    }

    func assertMode(_ path: String, _ mode: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual(attributes[.posixPermissions] as? Int, mode, path, file: file, line: line)
        XCTAssertEqual(attributes[.ownerAccountID] as? UInt, 0, path, file: file, line: line)
    }

    func testPrivateTerminalsWork() throws {
        let fixture = try makeFixture()
        let snap = try fixture.makeSnap()
        let output = try fixture.launch(
            snap,
            "exec 3<>/dev/ptmx && echo opened; ls /dev/pts; stat -f -c %T /dev/pts",
            asUser: true
        )
        XCTAssertEqual(output.status, 0, "\(output)")
        XCTAssertEqual(output.lines, ["opened", "0", "ptmx", "devpts"], "a new devpts instance holds only our pty")
    }

    func testOrdinaryUserRunsWithoutPrivileges() throws {
        let fixture = try makeFixture()
        let snap = try fixture.makeSnap()
        let output = try fixture.launch(
            snap,
            "id -u; id -g; id -G; grep -E '^(NoNewPrivs|CapInh|CapPrm|CapEff|CapBnd|CapAmb):' /proc/self/status",
            asUser: true
        )
        XCTAssertEqual(output.status, 0, "\(output)")
        let lines = output.lines
        XCTAssertEqual(lines.first, "\(fixture.user.uid)")
        XCTAssertEqual(lines.dropFirst().first, "\(fixture.user.gid)")
        let groups = lines.count > 2 ? lines[2].split(separator: " ").map(String.init) : []
        XCTAssertTrue(groups.contains("100"), "the supplementary group users (100) is kept: \(groups)")
        let status = Dictionary(
            lines.dropFirst(3).map { line -> (String, String) in
                let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                return (parts[0], parts.count > 1 ? parts[1] : "")
            },
            uniquingKeysWith: { first, _ in first }
        )
        XCTAssertEqual(status["NoNewPrivs"], "1")
        for key in ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"] {
            XCTAssertEqual(status[key], "0000000000000000", key)
        }
    }

    func testRootCallerKeepsNoCapabilities() throws {
        let fixture = try makeFixture()
        let snap = try fixture.makeSnap()
        let output = try fixture.launch(snap, "id -u; grep -E '^(CapEff|CapBnd):' /proc/self/status")
        XCTAssertEqual(output.lines, ["0", "CapEff:\t0000000000000000", "CapBnd:\t0000000000000000"], "\(output)")
    }

    func testSetuidProgramInTheSandboxGivesNoRoot() throws {
        let fixture = try makeFixture()
        let snap = try fixture.makeSnap()
        let copy = "\(fixture.root)/snap/\(snap.name)/x1/bin/suid-probe"
        try ConfineFixture.shell("cp \(fixture.probe) \(copy) && chown root:root \(copy) && chmod 4755 \(copy)")

        // Control: outside the sandbox the copy does make the user root.
        let host = try ConfineFixture.run(
            [
                "/usr/bin/setpriv", "--reuid=\(fixture.user.uid)", "--regid=\(fixture.user.gid)", "--clear-groups",
                copy, "x.y", "--ids",
            ],
            environment: [:]
        )
        XCTAssertEqual(host.lines, ["\(fixture.user.uid) 0 \(fixture.user.gid) \(fixture.user.gid)"], "\(host)")

        let inside = try fixture.launch(snap, "/snap/\(snap.name)/current/bin/suid-probe x.y --ids", asUser: true)
        XCTAssertEqual(
            inside.lines,
            ["\(fixture.user.uid) \(fixture.user.uid) \(fixture.user.gid) \(fixture.user.gid)"],
            "\(inside)"
        )
    }

    func testWorkingDirectoryIsRestoredOrVoid() throws {
        let fixture = try makeFixture()
        let snap = try fixture.makeSnap()
        let kept = try fixture.launch(snap, "pwd", asUser: true, directory: "/etc")
        XCTAssertEqual(kept.lines, ["/etc"], "\(kept)")
        let missing = try fixture.launch(
            snap,
            "pwd; stat -c %a /var/lib/snapd/void",
            asUser: true,
            directory: fixture.root
        )
        XCTAssertEqual(missing.lines, ["/var/lib/snapd/void", "111"], "\(missing)")
    }

    func testDevmodeGetsTheSameSandbox() throws {
        let fixture = try makeFixture()
        let snap = try fixture.makeSnap(confinement: "devmode")
        let output = try fixture.launch(snap, "test -x /bin/busybox && echo base-root; id -u", asUser: true)
        XCTAssertEqual(output.lines, ["base-root", "\(fixture.user.uid)"], "\(output)")
        XCTAssertTrue(MountNamespace.isNamespaceFile(fixture.namespaceFile(snap)))
    }

    func testClassicRunsInTheHostNamespace() throws {
        let fixture = try makeFixture()
        let snap = try fixture.makeSnap(confinement: "classic")
        let output = try fixture.launch(
            snap,
            "readlink /proc/self/ns/mnt; id -u; test -e /usr/bin/dpkg && echo host",
            asUser: true
        )
        let host = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/mnt")
        XCTAssertEqual(output.lines, [host, "\(fixture.user.uid)", "host"], "\(output)")
        XCTAssertFalse(MountNamespace.isNamespaceFile(fixture.namespaceFile(snap)))

        // The flag and the description must agree either way.
        let withoutFlag = try fixture.launch(snap, "true", classic: false)
        XCTAssertNotEqual(withoutFlag.status, 0)
        XCTAssertTrue(withoutFlag.standardError.contains("--classic is required"), withoutFlag.standardError)
        let strict = try fixture.makeSnap()
        let escaping = try fixture.launch(strict, "echo escaped", asUser: true, classic: true)
        XCTAssertNotEqual(escaping.status, 0)
        XCTAssertFalse(escaping.standardOutput.contains("escaped"))
        XCTAssertTrue(escaping.standardError.contains("--classic is not allowed"), escaping.standardError)
    }

    func testArgumentsAndTagAreValidated() throws {
        let fixture = try makeFixture()
        let snap = try fixture.makeSnap()
        let other = try fixture.makeSnap()

        let badTag = try fixture.launch(snap, "true", tag: "snap..sh")
        XCTAssertNotEqual(badTag.status, 0)
        XCTAssertTrue(badTag.standardError.contains("security tag"), badTag.standardError)

        let noDescription = try fixture.launch(snap, "true", tag: "snap.\(snap.name).other")
        XCTAssertNotEqual(noDescription.status, 0)
        XCTAssertTrue(
            noDescription.standardError.contains("sandbox/snap.\(snap.name).other"),
            noDescription.standardError
        )

        let wrongInstance = try fixture.launch(snap, "true", environment: ["SNAP_INSTANCE_NAME": other.name])
        XCTAssertNotEqual(wrongInstance.status, 0)
        XCTAssertTrue(wrongInstance.standardError.contains("SNAP_INSTANCE_NAME"), wrongInstance.standardError)

        let rightInstance = try fixture.launch(snap, "echo ok", environment: ["SNAP_INSTANCE_NAME": snap.name])
        XCTAssertEqual(rightInstance.lines, ["ok"], "\(rightInstance)")

        let wrongApp = try fixture.launch(snap, "echo ran", target: "\(other.name).sh")
        XCTAssertNotEqual(wrongApp.status, 0)
        XCTAssertTrue(wrongApp.standardError.contains("is not an app of \(snap.name)"), wrongApp.standardError)

        let wrongBase = try fixture.launch(snap, "echo ran", options: ["--base", "other"])
        XCTAssertNotEqual(wrongBase.status, 0)
        XCTAssertTrue(wrongBase.standardError.contains("--base other does not match"), wrongBase.standardError)

        // A root an ordinary user could have made is refused before anything is read.
        let untrusted = try fixture.launch(snap, "echo ran", asUser: true, environment: ["SNAPPY_GLOBAL_ROOT": "/tmp"])
        XCTAssertNotEqual(untrusted.status, 0)
        XCTAssertTrue(untrusted.standardError.contains("is not trusted"), untrusted.standardError)

        let version = try ConfineFixture.run([fixture.launcher, "--version"], environment: [:])
        XCTAssertEqual(version.status, 0)
        XCTAssertTrue(version.standardOutput.hasPrefix("snap-confine "))

        // Without the setuid bit an ordinary user gets a clear refusal.
        let plain = "\(fixture.root)/plain"
        try ConfineFixture.shell(
            "mkdir -p \(plain) && cp \(fixture.launcher) \(fixture.libexec)/snap-exec \(plain)/ && chmod 0755 \(plain)/snap-confine"
        )
        let notRoot = try fixture.launch(snap, "true", asUser: true, launcher: plain + "/snap-confine")
        XCTAssertNotEqual(notRoot.status, 0)
        XCTAssertTrue(notRoot.standardError.contains("effective uid 0"), notRoot.standardError)
    }

    /// With real Landlock rules (skipped while Landlock is a stub): snap-exec runs from
    /// `/usr/lib/snapd`, the app reads and writes where the rules allow and nowhere else.
    func testEnforcedLandlockRulesHoldTheApp() throws {
        guard (try? LandlockRules(parsing: "mode off\n", source: "check")) != nil else {
            throw XCTSkip("Landlock rules are not built on this branch")
        }
        let fixture = try makeFixture()
        let snap = try fixture.makeSnap()
        let rules = """
            mode enforce
            fs rx /usr
            fs rx /bin
            fs rx /lib
            fs r /etc
            fs r /var/lib/snapd/sandbox
            fs rx /snap/\(snap.name)/x1
            fs rw /var/snap/\(snap.name)/x1
            fs rw /tmp
            fs rw /dev/null
            fs r /proc
            """
        try rules.write(
            toFile: "\(fixture.root)/var/lib/snapd/landlock/\(snap.tag())",
            atomically: false,
            encoding: .utf8
        )
        let output = try fixture.launch(
            snap,
            """
            head -c1 /etc/passwd >/dev/null && echo etc-readable
            echo x > /tmp/landlock && echo tmp-writable
            echo x > /var/snap/\(snap.name)/x1/f && echo data-writable
            echo x > /etc/landlock-\(snap.name) 2>/dev/null || echo etc-not-writable
            ls /var/lib/snapd >/dev/null 2>&1 || echo state-not-readable
            ls /home >/dev/null 2>&1 || echo home-not-readable
            """,
            asUser: false
        )
        XCTAssertEqual(
            output.lines,
            [
                "etc-readable", "tmp-writable", "data-writable", "etc-not-writable", "state-not-readable",
                "home-not-readable",
            ],
            "\(output)"
        )
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/etc/landlock-\(snap.name)"))
    }

    func testBareBaseIsAnEmptyReadOnlyRootAndPivotsWithoutHostfs() throws {
        let fixture = try makeFixture()
        let snap = try fixture.makeSnap(base: "bare")
        let hostfs = "\(fixture.root)/var/lib/snapd/hostfs"
        try ConfineFixture.shell("mv \(hostfs) \(hostfs).aside")
        defer { _ = try? ConfineFixture.shell("mv \(hostfs).aside \(hostfs)") }

        let root = try fixture.launch(snap, "", asUser: true, probeArguments: ["--list", "/"])
        XCTAssertEqual(root.status, 0, "\(root)")
        XCTAssertEqual(
            root.lines,
            ["dev", "etc", "home", "media", "mnt", "proc", "root", "run", "snap", "sys", "tmp", "usr", "var"]
        )
        let meta = try fixture.launch(snap, "", probeArguments: ["--list", "/snap/\(snap.name)/current/meta"])
        XCTAssertEqual(meta.lines, ["snap.yaml"], "\(meta)")
        let lib = try fixture.launch(snap, "", probeArguments: ["--list", "/var/lib/snapd"])
        XCTAssertFalse(lib.lines.contains("hostfs"), "\(lib)")
        XCTAssertTrue(lib.lines.contains("void"), "\(lib)")
        let mounts = try fixture.launch(snap, "", probeArguments: ["--mount", "/"])
        XCTAssertEqual(mounts.lines, ["tmpfs ro"], "\(mounts)")
        XCTAssertTrue(MountNamespace.isNamespaceFile(fixture.namespaceFile(snap)))
    }

    func testMissingMountPointsAreSkippedWhenOptionalAndNamedWhenRequired() throws {
        let fixture = try makeFixture()
        let thin = ConfineFixture.uniqueName("thin")
        let directory = "\(fixture.root)/snap/\(thin)"
        try ConfineFixture.shell(
            """
            mkdir -p \(directory) && cp -a \(fixture.root)/snap/\(fixture.baseName)/x1 \(directory)/x1
            rmdir \(directory)/x1/mnt \(directory)/x1/media && ln -s x1 \(directory)/current
            """
        )
        let snap = try fixture.makeSnap(base: thin)
        let output = try fixture.launch(snap, "test -e /mnt || echo no-mnt; test -d /media || echo no-media; echo ran")
        XCTAssertEqual(output.lines, ["no-mnt", "no-media", "ran"], "\(output)")

        try ConfineFixture.shell("rmdir \(directory)/x1/var/snap")
        let broken = try fixture.makeSnap(base: thin)
        let refused = try fixture.launch(broken, "echo ran")
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(
            refused.standardError.contains("the base snap \"\(thin)\" has no directory /var/snap"),
            refused.standardError
        )
    }

    /// Spec 11.3: launched from a namespace whose id sorts high (made on CPU 1), new
    /// namespaces made on CPU 0 sort below it and cannot be captured without the workaround.
    func testTwoHundredLaunchesAllKeepTheirNamespace() throws {
        let fixture = try makeFixture()
        let snap = try fixture.makeSnap()
        let file = fixture.namespaceFile(snap)
        let script = """
            taskset -pc 0,1 $$ >/dev/null
            i=0
            while [ $i -lt 200 ]; do
                i=$((i + 1))
                \(fixture.launcher) --discard-ns \(snap.name) || exit 1
                SNAP_CONFINE_DEBUG=1 \(fixture.launcher) \(snap.tag()) \(fixture.snapExec) \(snap.name).sh 'echo ran' || exit 1
                stat -f -c %t \(file)
            done
            """
        let output = try ConfineFixture.run(
            [
                "/usr/bin/taskset", "-c", "1", "/usr/bin/unshare", "-m", "--propagation", "unchanged", "/bin/sh", "-c",
                script,
            ],
            environment: [
                "SNAPPY_GLOBAL_ROOT": fixture.root, "SNAP": "/snap/\(snap.name)/current", "PATH": "/usr/bin:/bin",
            ]
        )
        XCTAssertEqual(output.status, 0, "\(output)")
        XCTAssertEqual(output.lines.filter { $0 == "ran" }.count, 200)
        XCTAssertEqual(output.lines.filter { $0 == "6e736673" }.count, 200, "every namespace was kept (nsfs)")
        XCTAssertFalse(output.standardError.contains("warning"), output.standardError)
        // How many launches needed more than one unshare depends on which CPU each ran on
        // and on where the per-CPU id batches stand, so it is reported, not asserted.
        let retried = output.standardError.split(separator: "\n").filter { !$0.contains("after 1 unshare") }
        print("\(retried.count) of 200 launches needed the id-order workaround")
    }
}
