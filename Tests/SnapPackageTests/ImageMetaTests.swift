import Foundation
import Testing

@testable import SnapArchive
@testable import SnapPackage

@Suite("Checks on meta/ inside an image")
struct ImageMetaTests {
    /// Builds an image from the fixture tree plus pseudo-file definitions and extra setup.
    private func image(
        in root: String,
        pseudo: [String] = [],
        setup: (String) throws -> Void = { _ in }
    ) throws -> SnapImage {
        try Fixture.makeTree(in: root + "/tree")
        try setup(root + "/tree")
        try Fixture.mksquashfs(root + "/tree", root + "/image.snap", pseudo.flatMap { ["-p", $0] })
        return try SnapImage(path: root + "/image.snap")
    }

    @Test(
        "FIFOs, sockets and device nodes under meta/ are refused, naming the entry",
        arguments: [
            ("meta/hooks/configure i 755 0 0 f", "meta/hooks/configure", "FIFO"),
            ("meta/gui/socket i 755 0 0 s", "meta/gui/socket", "socket"),
            ("meta/null c 666 0 0 1 3", "meta/null", "character device"),
            ("meta/gui/disk b 660 0 0 8 0", "meta/gui/disk", "block device"),
        ]
    )
    func refusesSpecialFiles(pseudo: String, entry: String, kind: String) throws {
        let root = try Fixture.scratch()
        defer { Fixture.remove(root) }
        let setup: (String) throws -> Void = { tree in
            try FileManager.default.createDirectory(atPath: tree + "/meta/gui", withIntermediateDirectories: true)
        }
        let image = try image(in: root, pseudo: [pseudo], setup: setup)

        let error = #expect(throws: SnapImageError.self) { try image.snapYAML() }
        #expect(error?.code == .specialFile)
        #expect(error?.entry == entry)
        #expect(error?.description.contains("is a \(kind)") == true)
        #expect(error?.description.contains(root + "/image.snap") == true)
    }

    @Test(
        "a meta/ symlink leading out of the image is refused, naming the entry",
        arguments: [("/etc/passwd", "meta/hooks/remove"), ("../../../etc/shadow", "meta/hooks/remove")]
    )
    func refusesEscapingSymlink(target: String, entry: String) throws {
        let root = try Fixture.scratch()
        defer { Fixture.remove(root) }
        let image = try image(in: root) { tree in try Fixture.symlink(target, at: "meta/hooks/remove", in: tree) }

        let error = #expect(throws: SnapImageError.self) { try image.checkMetaDirectory() }
        #expect(error?.code == .symlinkOutsideImage)
        #expect(error?.entry == entry)
        #expect(error?.description.contains("symlink target \"\(target)\" leads out of the image") == true)
        #expect(throws: SnapImageError.self) { try image.contentsOfFile(at: entry) }
    }

    @Test("a meta/ symlink to a symlink that escapes is refused; one staying inside is followed")
    func followsSymlinksInside() throws {
        let root = try Fixture.scratch()
        defer { Fixture.remove(root) }
        let image = try image(in: root) { tree in
            try Fixture.symlink("/etc/hostname", at: "bin/host", in: tree)
            try Fixture.symlink("../../bin/tool", at: "meta/hooks/configure", in: tree)
            try Fixture.symlink("../bin/host", at: "meta/escape", in: tree)
        }

        #expect(try image.contentsOfFile(at: "meta/hooks/configure") == Array("#!/bin/sh\necho tool\n".utf8))
        let error = #expect(throws: SnapImageError.self) { try image.checkMetaDirectory() }
        #expect(error?.code == .symlinkOutsideImage)
        #expect(error?.entry == "bin/host")
    }

    @Test("a symlink loop ends in an error, not a hang")
    func symlinkLoop() throws {
        let root = try Fixture.scratch()
        defer { Fixture.remove(root) }
        let image = try image(in: root) { tree in
            try Fixture.symlink("b", at: "meta/a", in: tree)
            try Fixture.symlink("a", at: "meta/b", in: tree)
        }

        let error = #expect(throws: SnapImageError.self) { try image.contentsOfFile(at: "meta/a") }
        #expect(error?.code == .symlinkLoop)
        let dangling = try image.entry(at: "meta/a")
        #expect(dangling.symlinkTarget == "b")
    }

    @Test("a well-formed meta/ passes, dangling symlinks inside the image included")
    func acceptsCleanMeta() throws {
        let root = try Fixture.scratch()
        defer { Fixture.remove(root) }
        let image = try image(in: root) { tree in try Fixture.symlink("../nowhere", at: "meta/dangling", in: tree) }
        try image.checkMetaDirectory()
    }
}
