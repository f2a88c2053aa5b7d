import Foundation
import Testing

@testable import SnapPackage

/// Runs our `snap` binary and the reference client with the same arguments, in the same
/// directory, and compares stdout, stderr and the exit status.
@Suite(
    "snap pack output and exit status compared with the reference client",
    .enabled(if: Fixture.hasReferenceSnap, "needs the reference snap client from tools/setup"),
    .enabled(if: FileManager.default.isExecutableFile(atPath: Fixture.ourSnap), "needs the built snap executable")
)
struct PackCommandTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var environment: [String: String] = [:]
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(arguments: ["pack", "valid", "out"]),
        Case(arguments: ["pack", "valid"]),
        Case(arguments: ["pack", "--filename=custom.snap", "valid", "out"]),
        Case(arguments: ["pack", "valid", "out", "--filename", "late.snap"]),
        Case(arguments: ["pack", "--compression=lzo", "valid", "out"]),
        Case(arguments: ["pack", "--check-skeleton", "valid"]),
        Case(arguments: ["pack", "--check-skeleton", "badplug"]),
        Case(arguments: ["pack", "badplug", "out"]),
        Case(arguments: ["pack", "missing"]),
        Case(arguments: ["pack"]),
        Case(arguments: ["pack", "badname", "out"]),
        Case(arguments: ["pack", "--check-skeleton", "badname"]),
        Case(arguments: ["pack", "--compression=gzip", "valid", "out"]),
        Case(arguments: ["pack", "--compression=gzip", "badname", "out"]),
        Case(arguments: ["pack", "--filename=/tmp/absolute.snap", "valid", "out"]),
        Case(arguments: ["pack", "--bogus", "valid"]),
        Case(arguments: ["pack", "-x", "valid"]),
        Case(arguments: ["pack", "--filename"]),
        Case(arguments: ["pack", "--check-skeleton=yes", "valid"]),
        Case(arguments: ["pack", "valid", "/proc/forbidden/dir"]),
        Case(arguments: ["pack", "valid", "out"], environment: ["PATH": "/nonexistent"]),
        Case(arguments: ["pack", "valid", "out"], environment: ["PATH": "shim:/usr/bin:/bin"]),
        Case(arguments: ["frobnicate"]),
    ]

    /// A scratch directory with the trees the cases name and a failing mksquashfs in `shim/`.
    private func workspace() throws -> String {
        let root = try Fixture.scratch()
        try Fixture.write("name: pack-cli\nversion: 1.2~rc+3\n", at: "valid/meta/snap.yaml", in: root)
        try Fixture.write("name: x\nversion: '1'\n", at: "badname/meta/snap.yaml", in: root)
        try Fixture.write(
            "name: badplug\nversion: '1'\nplugs:\n  Bad_Plug: network\n",
            at: "badplug/meta/snap.yaml",
            in: root
        )
        try Fixture.write(
            "#!/bin/sh\necho 'mksquashfs says no'\necho 'and complains' >&2\nexit 1\n",
            at: "shim/mksquashfs",
            in: root,
            mode: 0o755
        )
        return root
    }

    @Test("stdout, stderr and exit status match the reference", arguments: cases)
    func matchesReference(testCase: Case) throws {
        let ours = try workspace()
        let theirs = try workspace()
        defer {
            Fixture.remove(ours)
            Fixture.remove(theirs)
        }

        let environment = testCase.environment.mapValues { $0.hasPrefix("shim:") ? "%ROOT%/" + $0 : $0 }
        func run(_ binary: String, in root: String) throws -> (Int32, String, String) {
            let resolved = environment.mapValues { $0.replacingOccurrences(of: "%ROOT%", with: root) }
            let result = try Fixture.run(binary, testCase.arguments, environment: resolved, in: root)
            return (result.status, result.output, result.error)
        }
        let (ourStatus, ourOutput, ourError) = try run(Fixture.ourSnap, in: ours)
        let (theirStatus, theirOutput, theirError) = try run(Fixture.referenceSnap, in: theirs)

        #expect(ourStatus == theirStatus)
        #expect(ourOutput == theirOutput)
        #expect(ourError == theirError)
        #expect(listing(ours + "/out") == listing(theirs + "/out"))
    }

    private func listing(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    @Test(
        "unreadable files and directories are listed as snap pack lists them",
        .enabled(if: getuid() == 0, "needs root to run both clients as nobody through setpriv")
    )
    func unreadableSource() throws {
        var results: [(Int32, String, String)] = []
        for binary in [Fixture.ourSnap, Fixture.referenceSnap] {
            let root = try workspace()
            defer { Fixture.remove(root) }
            try Fixture.write("secret\n", at: "valid/secret", in: root, mode: 0)
            try Fixture.write("", at: "valid/empty-secret", in: root, mode: 0)
            try Fixture.write("x\n", at: "valid/locked/inner", in: root)
            try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: root + "/valid/locked")
            try FileManager.default.createDirectory(atPath: root + "/out", withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: root + "/out")

            let asNobody = ["--reuid=65534", "--regid=65534", "--clear-groups", binary, "pack", "valid", "out"]
            let result = try Fixture.run("/usr/bin/setpriv", asNobody, in: root)
            results.append((result.status, result.output, result.error))
        }

        #expect(results[0].0 == 1 && results[1].0 == 1)
        #expect(results[0].1 == results[1].1)
        #expect(results[0].2 == results[1].2)
        #expect(results[0].2.contains("- locked (owner 0:0 mode 000)\n- secret (owner 0:0 mode 000)\n"))
    }

    @Test("snap-pack loads no Swift runtime or Foundation library: the standard library is static")
    func staticStandardLibrary() throws {
        let packer = URL(fileURLWithPath: Fixture.ourSnap).deletingLastPathComponent().appendingPathComponent(
            "snap-pack"
        )
        let result = try Fixture.run("ldd", [packer.path])
        #expect(result.status == 0)
        let libraries = result.output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(!libraries.isEmpty)
        #expect(libraries.allSatisfy { !$0.contains("libswift") && !$0.contains("Foundation") }, "\(libraries)")
    }
}
