import Foundation
import SnapPaths
import SnapSandbox
import XCTest

/// The launcher against the attacks of spec section 10: a hardlinked setuid binary beside
/// fake helpers (CVE-2021-44730), planted or swapped private /tmp directories
/// (CVE-2021-44731, CVE-2022-3328) and a re-created per-snap directory (CVE-2026-3888).
final class AttackTests: XCTestCase {
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

    /// Runs `command` under /bin/sh as the fixture's ordinary user.
    func asUser(_ fixture: ConfineFixture, _ command: String) throws -> Output {
        try ConfineFixture.run(
            [
                "/usr/bin/setpriv", "--reuid=\(fixture.user.uid)", "--regid=\(fixture.user.gid)", "--clear-groups",
                "/bin/sh", "-c", command,
            ],
            environment: ["PATH": "/usr/bin:/bin"]
        )
    }

    func assertRefused(_ output: Output, _ reason: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotEqual(output.status, 0, "\(output)", file: file, line: line)
        XCTAssertFalse(output.standardOutput.contains("ran"), "\(output)", file: file, line: line)
        XCTAssertTrue(
            output.standardError.contains(reason),
            "expected \"\(reason)\": \(output)",
            file: file,
            line: line
        )
    }

    // MARK: - CVE-2021-44730

    func testHardlinkedLauncherBesideFakeHelpersRefuses() throws {
        let fixture = try makeFixture()
        let snap = try fixture.makeSnap()
        let saved = try String(contentsOfFile: "/proc/sys/fs/protected_hardlinks", encoding: .utf8)
        try "0\n".write(toFile: "/proc/sys/fs/protected_hardlinks", atomically: false, encoding: .utf8)
        defer { try? saved.write(toFile: "/proc/sys/fs/protected_hardlinks", atomically: false, encoding: .utf8) }

        let attacker = "\(fixture.root)/attacker"
        let marker = "\(attacker)/pwned"
        try ConfineFixture.shell("mkdir -p \(attacker) && chown \(fixture.user.uid):\(fixture.user.gid) \(attacker)")
        let setup = try asUser(
            fixture,
            """
            set -e
            ln \(fixture.launcher) \(attacker)/snap-confine
            printf '#!/bin/sh\\ntouch \(marker)\\n' > \(attacker)/snap-exec
            chmod 755 \(attacker)/snap-exec
            stat -c '%u %a %h' \(attacker)/snap-confine
            """
        )
        try? saved.write(toFile: "/proc/sys/fs/protected_hardlinks", atomically: false, encoding: .utf8)
        XCTAssertEqual(setup.lines, ["0 4755 2"], "the user made a setuid-root hardlink: \(setup)")

        for snapExec in ["\(attacker)/snap-exec", fixture.snapExec] {
            let output = try fixture.launch(
                snap,
                "echo ran",
                asUser: true,
                launcher: "\(attacker)/snap-confine",
                snapExec: snapExec
            )
            assertRefused(output, "refusing to run")
            XCTAssertTrue(output.standardError.contains(attacker), output.standardError)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "the fake helper never ran")

        // A SNAP-EXEC the user can write is refused too, from the real launcher.
        let output = try fixture.launch(snap, "echo ran", asUser: true, snapExec: "\(attacker)/snap-exec")
        assertRefused(output, "refusing to run")
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker))
    }

    // MARK: - CVE-2021-44731 / CVE-2022-3328

    func testPlantedPerSnapDirectoriesAreRefused() throws {
        let fixture = try makeFixture()
        let attackerDirectory = "\(fixture.root)/var/tmp-attacker"
        try ConfineFixture.shell(
            "mkdir -p \(attackerDirectory)/tmp && chmod 1777 \(attackerDirectory)/tmp && mkdir -p \(fixture.anchor) && chmod 700 \(fixture.anchor)"
        )
        let user = "\(fixture.user.uid):\(fixture.user.gid)"
        let cases: [(String, String, String)] = [
            (
                "mkdir -m 700 DIR && mkdir -m 1777 DIR/tmp && chown -R \(user) DIR", "owned by \(fixture.user.uid)",
                "another owner"
            ),
            ("ln -s \(attackerDirectory) DIR", "not a directory", "symlink"),
            ("mkdir -m 755 DIR && mkdir -m 1777 DIR/tmp", "mode 755", "wrong mode"),
            ("mkdir -m 700 DIR && ln -s \(attackerDirectory)/tmp DIR/tmp", "not a directory", "tmp symlink"),
            ("mkdir -m 700 DIR && mkdir -m 1777 DIR/tmp && chown \(user) DIR/tmp", "owned by", "tmp other owner"),
            ("mkdir -m 700 DIR && mkdir -m 777 DIR/tmp", "mode 777", "tmp without sticky bit"),
            ("mkdir -m 700 DIR && touch DIR/tmp", "not a directory", "tmp a file"),
        ]
        for (plant, reason, name) in cases {
            let snap = try fixture.makeSnap()
            let directory = "\(fixture.anchor)/snap.\(snap.name)"
            try ConfineFixture.shell(plant.replacingOccurrences(of: "DIR", with: directory))
            let output = try fixture.launch(snap, "echo ran", asUser: true)
            assertRefused(output, reason)
            XCTAssertFalse(MountNamespace.isNamespaceFile(fixture.namespaceFile(snap)), name)
        }
    }

    func testWrongAnchorIsRefused() throws {
        let fixture = try makeFixture()
        let snap = try fixture.makeSnap()
        XCTAssertEqual(try fixture.launch(snap, "echo ran").lines, ["ran"])
        let aside = fixture.anchor + ".aside"
        try ConfineFixture.shell("mv \(fixture.anchor) \(aside)")
        defer { _ = try? ConfineFixture.shell("rm -rf \(fixture.anchor); mv \(aside) \(fixture.anchor)") }

        let user = "\(fixture.user.uid):\(fixture.user.gid)"
        let cases: [(String, String)] = [
            ("mkdir -m 700 ANCHOR && chown \(user) ANCHOR", "not root:root"),
            ("mkdir -m 755 ANCHOR", "mode 755"),
            ("mkdir -m 700 ANCHOR && chgrp \(fixture.user.gid) ANCHOR", "not root:root"),
            ("ln -s \(aside) ANCHOR", "not a directory"),
            ("touch ANCHOR", "not a directory"),
        ]
        for (plant, reason) in cases {
            try ConfineFixture.shell(
                "rm -rf \(fixture.anchor); " + plant.replacingOccurrences(of: "ANCHOR", with: fixture.anchor)
            )
            // Checked at every launch, also when the namespace is kept and joined.
            XCTAssertTrue(MountNamespace.isNamespaceFile(fixture.namespaceFile(snap)))
            assertRefused(try fixture.launch(snap, "echo ran", asUser: true), reason)
        }

        // Absent, the launcher creates it root:root 0700.
        try ConfineFixture.shell("rm -rf \(fixture.anchor)")
        XCTAssertEqual(try fixture.launch(snap, "echo ran", asUser: true).lines, ["ran"])
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.anchor)
        XCTAssertEqual(attributes[.posixPermissions] as? Int, 0o700)
        XCTAssertEqual(attributes[.ownerAccountID] as? UInt, 0)
    }

    /// An attacker process swaps the anchor between a symlink and their own directory (with
    /// a planted `snap.NAME/tmp` holding a marker) while the launcher runs again and again,
    /// and the anchor is "reaped" between launches. Every launch is refused or gets the
    /// root-owned private /tmp; none sees the marker.
    func testRacingAnchorSwapsNeverReachTheSandbox() throws {
        let fixture = try makeFixture()
        let snap = try fixture.makeSnap()
        let anchor = fixture.anchor
        let aside = anchor + ".aside"
        try ConfineFixture.shell("rm -rf \(aside); [ ! -e \(anchor) ] || mv \(anchor) \(aside)")
        defer { _ = try? ConfineFixture.shell("rm -rf \(anchor); [ ! -e \(aside) ] || mv \(aside) \(anchor)") }

        let work = "\(fixture.root)/tmp/attacker-\(fixture.user.uid)"
        let racer = Process()
        racer.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        racer.arguments = [
            "--reuid=\(fixture.user.uid)", "--regid=\(fixture.user.gid)", "--clear-groups", "/bin/sh", "-c",
            """
            mkdir -p \(work)
            while :; do
                mkdir -p \(work)/d/snap.\(snap.name)/tmp 2>/dev/null
                chmod 700 \(work)/d 2>/dev/null; touch \(work)/d/snap.\(snap.name)/tmp/attacker-marker 2>/dev/null
                ln -sfn \(work)/d \(anchor) 2>/dev/null
                rm -f \(anchor) 2>/dev/null
                mv -T \(work)/d \(anchor) 2>/dev/null
                mv -T \(anchor) \(work)/d 2>/dev/null
            done
            """,
        ]
        racer.standardOutput = FileHandle.nullDevice
        racer.standardError = FileHandle.nullDevice
        try racer.run()
        defer {
            racer.terminate()
            racer.waitUntilExit()
        }

        var refused = 0
        var launched = 0
        let deadline = Date().addingTimeInterval(4)
        while Date() < deadline {
            let output = try fixture.launch(
                snap,
                "stat -c '%u %a' /tmp; test -e /tmp/attacker-marker && echo ATTACKER; echo ran",
                asUser: true
            )
            if output.status == 0 {
                launched += 1
                XCTAssertEqual(output.lines, ["0 1777", "ran"], "\(output)")
            } else {
                refused += 1
                XCTAssertTrue(output.standardError.contains("refusing"), "\(output)")
            }
            // Reap: a root-owned anchor goes (as tmpfiles would), the namespace with it.
            try MountNamespace(instanceName: snap.name, paths: SnapPaths(root: fixture.root)).discard()
            var status = stat()
            if lstat(anchor, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR, status.st_uid == 0 {
                try? FileManager.default.removeItem(atPath: anchor)
            }
        }
        print("racing the anchor: \(launched) launches ran, \(refused) were refused")
        XCTAssertGreaterThan(refused + launched, 10)
        XCTAssertGreaterThan(refused, 0, "the attacker won the anchor some of the time and was refused")
    }

    // MARK: - CVE-2026-3888

    func testRecreatedPerSnapDirectoryIsRefused() throws {
        let fixture = try makeFixture()
        let snap = try fixture.makeSnap()
        XCTAssertEqual(try fixture.launch(snap, "echo ran", asUser: true).lines, ["ran"])
        let aside = fixture.anchor + ".aside"
        try ConfineFixture.shell("mv \(fixture.anchor) \(aside)")
        defer { _ = try? ConfineFixture.shell("rm -rf \(fixture.anchor); mv \(aside) \(fixture.anchor)") }

        // The whole tree was reaped; the user re-creates it with their own pieces.
        let planted = try asUser(
            fixture,
            "mkdir -m 700 -p \(fixture.anchor)/snap.\(snap.name) && mkdir -m 1777 \(fixture.anchor)/snap.\(snap.name)/tmp && echo planted"
        )
        XCTAssertEqual(planted.lines, ["planted"], "\(planted)")
        assertRefused(try fixture.launch(snap, "echo ran", asUser: true), "not root:root")
        try fixture.discard(snap)
        assertRefused(try fixture.launch(snap, "echo ran", asUser: true), "not root:root")

        // Only the per-snap directory was reaped and re-made by the user: still refused.
        try ConfineFixture.shell("rm -rf \(fixture.anchor) && mkdir -m 700 \(fixture.anchor)")
        try ConfineFixture.shell(
            "mkdir -m 700 \(fixture.anchor)/snap.\(snap.name) && chown \(fixture.user.uid) \(fixture.anchor)/snap.\(snap.name)"
        )
        assertRefused(try fixture.launch(snap, "echo ran", asUser: true), "owned by \(fixture.user.uid)")
    }
}
