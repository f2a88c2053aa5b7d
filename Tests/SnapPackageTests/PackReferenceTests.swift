import Foundation
import Testing

@testable import SnapArchive
@testable import SnapPackage

/// Packs the same trees with our packer and with the real `snap pack` 2.57.6, then compares the
/// file names, what our reader sees in both images, `unsquashfs -s`, and (with
/// `SOURCE_DATE_EPOCH`) the bytes.
@Suite(
    "snap pack compared with the reference client",
    .enabled(if: Fixture.hasReferenceSnap, "needs the reference snap client from tools/setup")
)
struct PackReferenceTests {
    static let validCases: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Fixture.corpus + "/valid")) ?? []
        return names.sorted()
    }()

    static let invalidCases: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Fixture.corpus + "/invalid")) ?? []
        return names.sorted()
    }()

    /// Packs `tree` with the reference client into `output`, returning the built path.
    private func referencePack(_ tree: String, _ output: String, environment: [String: String] = [:]) throws -> String {
        let result = try Fixture.run(Fixture.referenceSnap, ["pack", tree, output], environment: environment)
        #expect(result.status == 0, "reference snap pack failed: \(result.error)")
        return String(result.output.dropFirst("built: ".count).trimmingCharacters(in: .newlines))
    }

    @Test("a corpus tree packs to the same name, listing and squashfs parameters", arguments: validCases)
    func corpusTree(name: String) throws {
        let root = try Fixture.scratch()
        defer { Fixture.remove(root) }
        let tree = Fixture.corpus + "/valid/" + name

        let theirs = try referencePack(tree, root + "/reference")
        let result = PackCommand(options: SnapPacker.Options(sourceDirectory: tree, targetDirectory: root + "/ours"))
            .run()
        #expect(result.exitStatus == 0, "\(result.standardError)")
        let ours = String(result.standardOutput.dropFirst("built: ".count).dropLast())

        #expect(URL(fileURLWithPath: ours).lastPathComponent == URL(fileURLWithPath: theirs).lastPathComponent)
        #expect(
            try SnapImage(path: ours).entries().map(\.description)
                == SnapImage(path: theirs).entries().map(\.description)
        )
        #expect(try Fixture.unsquashfsParameters(ours) == Fixture.unsquashfsParameters(theirs))
        let mode = try FileManager.default.attributesOfItem(atPath: ours)[.posixPermissions] as? Int
        #expect(mode == 0o644)
    }

    @Test("with SOURCE_DATE_EPOCH our snap is byte-identical to the reference's and to itself")
    func reproducible() throws {
        let root = try Fixture.scratch()
        defer { Fixture.remove(root) }
        try Fixture.makeTree(in: root + "/tree")
        let environment = ["SOURCE_DATE_EPOCH": "1700000000"]

        let theirs = try referencePack(root + "/tree", root + "/reference", environment: environment)
        var ours: [Data] = []
        for run in 0..<2 {
            let result = try Fixture.run(
                Fixture.ourSnap,
                ["pack", root + "/tree", "\(root)/ours\(run)"],
                environment: environment
            )
            #expect(result.status == 0, "\(result.error)")
            ours.append(try Data(contentsOf: URL(fileURLWithPath: "\(root)/ours\(run)/image-test_1.0_all.snap")))
        }
        #expect(ours[0] == ours[1])
        #expect(ours[0] == (try Data(contentsOf: URL(fileURLWithPath: theirs))))
    }

    @Test("version-control and backup files are left out exactly as snap pack leaves them out")
    func exclusions() throws {
        let root = try Fixture.scratch()
        defer { Fixture.remove(root) }
        let tree = root + "/tree"
        try Fixture.makeTree(in: tree)
        for path in [
            ".git/config", "sub/.git/config", "DEBIAN/control", "sub/DEBIAN/control", ".gitignore", "sub/.gitignore",
            "old.snap", "sub/other.snap", "notes~", ".#lock", ".file.swp", ",,tmp", ".snapignore", "{arch}/x",
            "keep.txt",
        ] {
            try Fixture.write("x\n", at: path, in: tree)
        }

        let theirs = try referencePack(tree, root + "/reference")
        let result = PackCommand(options: SnapPacker.Options(sourceDirectory: tree, targetDirectory: root + "/ours"))
            .run()
        let ours = try SnapImage(path: String(result.standardOutput.dropFirst("built: ".count).dropLast())).entries()
        #expect(ours.map(\.description) == (try SnapImage(path: theirs).entries().map(\.description)))

        let paths = Set(ours.map(\.path))
        #expect(paths.isSuperset(of: ["sub/.git/config", "sub/DEBIAN/control", "sub/.gitignore", "keep.txt"]))
        #expect(
            paths.isDisjoint(with: [".git", "DEBIAN", ".gitignore", "old.snap", "sub/other.snap", "notes~", ".#lock"])
        )
        #expect(paths.isDisjoint(with: [".file.swp", ",,tmp", ".snapignore", "{arch}"]))
    }

    @Test("a base snap keeps file owners, an app snap is all root", arguments: ["base", "app"])
    func ownership(type: String) throws {
        let root = try Fixture.scratch()
        defer { Fixture.remove(root) }
        let tree = root + "/tree"
        try Fixture.write("name: owner-test\nversion: '1'\ntype: \(type)\n", at: "meta/snap.yaml", in: tree)
        try Fixture.write("data\n", at: "etc/owned", in: tree)
        guard chown(tree + "/etc/owned", 1234, 5678) == 0 else {
            Issue.record("chown needs root")
            return
        }

        let theirs = try referencePack(tree, root + "/reference")
        let result = PackCommand(options: SnapPacker.Options(sourceDirectory: tree, targetDirectory: root + "/ours"))
            .run()
        let ours = try SnapImage(path: String(result.standardOutput.dropFirst("built: ".count).dropLast()))
        let owned = try ours.entry(at: "etc/owned")
        #expect(type == "base" ? (owned.uid, owned.gid) == (1234, 5678) : (owned.uid, owned.gid) == (0, 0))
        #expect(try ours.entries().map(\.description) == SnapImage(path: theirs).entries().map(\.description))
        #expect(try Fixture.unsquashfsParameters(ours.path) == Fixture.unsquashfsParameters(theirs))
    }

    @Test(
        "an invalid corpus tree gets the reference's error line and exit status, with and without --check-skeleton",
        arguments: invalidCases
    )
    func invalidCorpusTree(name: String) throws {
        let root = try Fixture.scratch()
        defer { Fixture.remove(root) }
        let tree = Fixture.corpus + "/invalid/" + name

        for skeleton in [false, true] {
            let command = PackCommand(
                options: SnapPacker.Options(sourceDirectory: tree, targetDirectory: root + "/ours"),
                checkSkeleton: skeleton
            )
            let ours = command.run()
            let arguments = ["pack"] + (skeleton ? ["--check-skeleton", tree] : [tree, root + "/reference"])
            let theirs = try Fixture.run(Fixture.referenceSnap, arguments)

            #expect(ours.exitStatus == theirs.status, "check-skeleton: \(skeleton)")
            #expect(errorLine(ours.standardError) == errorLine(theirs.error), "check-skeleton: \(skeleton)")
            #expect(ours.standardOutput == theirs.output)
        }
    }

    /// The `error:` line, if any, as its sorted words. snapd walks apps in Go map order, so
    /// messages naming two apps (a shared alias, a before/after cycle, a duplicate common-id)
    /// name them in either order from one run to the next.
    private func errorLine(_ text: String) -> [Substring] {
        let line = text.split(separator: "\n").last { $0.hasPrefix("error: ") } ?? ""
        return line.split(whereSeparator: { " ,\"".contains($0) }).sorted()
    }
}
