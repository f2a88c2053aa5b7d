import Foundation
import Testing

@testable import SnapArchive
@testable import SnapPackage

@Suite("Reading .snap images without mounting them")
struct ImageReaderTests {
    @Test(
        "the listing matches unsquashfs for every compression and fragment setting",
        arguments: [
            ["-comp", "xz", "-no-fragments", "-all-root"],
            ["-comp", "gzip", "-all-root"],
            ["-comp", "zstd", "-always-use-fragments"],
            ["-comp", "lzo", "-noI", "-noD", "-noF"],
        ]
    )
    func listingMatchesUnsquashfs(options: [String]) throws {
        let root = try Fixture.scratch()
        defer { Fixture.remove(root) }
        try Fixture.makeTree(in: root + "/tree")
        try Fixture.mksquashfs(root + "/tree", root + "/image.snap", options)

        let image = try SnapImage(path: root + "/image.snap")
        let ours = try image.entries().map(\.description)
        #expect(ours == (try Fixture.unsquashfsListing(root + "/image.snap")))
    }

    @Test(
        "file bytes read back exactly, across blocks, fragments and compressions",
        arguments: [["-comp", "xz", "-no-fragments"], ["-comp", "gzip"], ["-comp", "zstd", "-always-use-fragments"]]
    )
    func readsFileBytes(options: [String]) throws {
        let root = try Fixture.scratch()
        defer { Fixture.remove(root) }
        try Fixture.makeTree(in: root + "/tree")
        try Fixture.write(Fixture.randomBytes(131_072 * 2 + 17, seed: 3), at: "data/tail.bin", in: root + "/tree")
        try Fixture.mksquashfs(root + "/tree", root + "/image.snap", options)

        let image = try SnapImage(path: root + "/image.snap")
        for path in ["meta/snap.yaml", "meta/hooks/install", "data/blob.bin", "data/tail.bin", "data/empty"] {
            let expected = try Data(contentsOf: URL(fileURLWithPath: root + "/tree/" + path))
            #expect(try image.contentsOfFile(at: path) == Array(expected), "\(path)")
        }
        #expect(try image.contentsOfFile(at: "data/link-to-tool") == Array("#!/bin/sh\necho tool\n".utf8))
        #expect(String(decoding: try image.snapYAML(), as: UTF8.self).hasPrefix("name: image-test\n"))
    }

    @Test("the superblock of a packed snap shows xz, 128 KiB blocks and no fragments")
    func superblockFields() throws {
        let root = try Fixture.scratch()
        defer { Fixture.remove(root) }
        try Fixture.makeTree(in: root + "/tree")
        try Fixture.mksquashfs(
            root + "/tree",
            root + "/image.snap",
            ["-comp", "xz", "-no-fragments", "-all-root", "-no-xattrs"]
        )

        let image = try SnapImage(path: root + "/image.snap")
        #expect(image.superblock.compression == .xz)
        #expect(image.superblock.blockSize == 131_072)
        #expect(image.superblock.flags.contains([.noFragments, .noXattrs, .duplicatesRemoved, .exportable]))
        #expect(image.superblock.fragmentCount == 0)
        #expect(image.fileSize % 4096 == 0)
    }

    @Test("entry(at:) reports a symlink without following it, and missing paths are named")
    func entryLookup() throws {
        let root = try Fixture.scratch()
        defer { Fixture.remove(root) }
        try Fixture.makeTree(in: root + "/tree")
        try Fixture.mksquashfs(root + "/tree", root + "/image.snap", ["-all-root"])
        let image = try SnapImage(path: root + "/image.snap")

        let link = try image.entry(at: "data/link-to-tool")
        #expect(link.kind == .symlink && link.symlinkTarget == "../bin/tool")
        #expect(try image.entry(at: "/meta/hooks/install").permissions == 0o755)
        let error = #expect(throws: SnapImageError.self) { try image.contentsOfFile(at: "meta/hooks/missing") }
        #expect(error?.code == .entryNotFound)
        #expect(
            error?.description
                == "cannot read snap \"\(root)/image.snap\": entry \"meta/hooks/missing\": no such file or directory"
        )
        #expect(throws: SnapImageError.self) { try image.contentsOfFile(at: "meta") }
    }

    @Test("a file that is not SquashFS 4.0 is refused, naming the image")
    func refusesNonSquashFS() throws {
        let root = try Fixture.scratch()
        defer { Fixture.remove(root) }
        try Fixture.write("name: not-an-image\n", at: "plain.snap", in: root)
        try Fixture.write(Data(repeating: 0, count: 4096), at: "zeros.snap", in: root)
        try Fixture.makeTree(in: root + "/tree")
        try Fixture.mksquashfs(root + "/tree", root + "/image.snap")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: root + "/image.snap"))
        bytes[28] = 3
        try bytes.write(to: URL(fileURLWithPath: root + "/v3.snap"))

        for (name, code) in [
            ("plain", SnapImageError.Code.notSquashFS), ("zeros", .notSquashFS), ("v3", .unsupportedVersion),
        ] {
            let error = #expect(throws: SnapImageError.self) { try SnapImage(path: "\(root)/\(name).snap") }
            #expect(error?.code == code)
            #expect(error?.description.hasPrefix("cannot read snap \"\(root)/\(name).snap\": ") == true)
        }
        let missing = #expect(throws: SnapImageError.self) { try SnapImage(path: root + "/missing.snap") }
        #expect(missing?.description.contains("No such file or directory") == true)
    }

    @Test("a truncated image is refused before squashfuse reads it")
    func refusesTruncated() throws {
        let root = try Fixture.scratch()
        defer { Fixture.remove(root) }
        try Fixture.makeTree(in: root + "/tree")
        try Fixture.mksquashfs(root + "/tree", root + "/image.snap")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: root + "/image.snap"))
        let image = try SnapImage(path: root + "/image.snap")
        try bytes.prefix(Int(image.superblock.bytesUsed) - 1).write(to: URL(fileURLWithPath: root + "/cut.snap"))

        let error = #expect(throws: SnapImageError.self) { try SnapImage(path: root + "/cut.snap") }
        #expect(error?.code == .truncated)
        #expect(error?.description.contains("bytes are used but the file has only") == true)
    }
}
