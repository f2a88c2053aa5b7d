import Foundation
import Testing

@testable import SnapArchive

/// `snap-image`, the program the daemon runs to read a `.snap` file it does not mount.
@Suite("The snap-image program")
struct ImageProgramTests {
    /// `snap-image`, built beside `snap`.
    private let program = URL(fileURLWithPath: Fixture.ourSnap).deletingLastPathComponent()
        .appendingPathComponent("snap-image").path

    @Test("snap-yaml prints the exact bytes of meta/snap.yaml, as the library reads them")
    func printsSnapYAML() throws {
        let root = try Fixture.scratch()
        defer { Fixture.remove(root) }
        try Fixture.makeTree(in: root + "/tree")
        // Bytes that are not UTF-8 come through unchanged: snap.yaml's parser judges them.
        try Fixture.write(
            Data([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xff, 0x0a]),
            at: "meta/snap.yaml",
            in: root + "/tree"
        )
        try Fixture.mksquashfs(root + "/tree", root + "/image.snap")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = ["snap-yaml", root + "/image.snap"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(Array(bytes) == (try SnapImage(path: root + "/image.snap").snapYAML()))
        #expect(Array(bytes) == [0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xff, 0x0a])
    }

    @Test("a truncated image, a missing file and a FIFO in meta/ exit 1 with the library's message")
    func refusesBadImages() throws {
        let root = try Fixture.scratch()
        defer { Fixture.remove(root) }
        try Fixture.makeTree(in: root + "/tree")
        try Fixture.mksquashfs(root + "/tree", root + "/image.snap")
        let whole = try Data(contentsOf: URL(fileURLWithPath: root + "/image.snap"))
        try whole.prefix(300).write(to: URL(fileURLWithPath: root + "/short.snap"))
        try Fixture.mksquashfs(root + "/tree", root + "/fifo.snap", ["-p", "meta/fifo i 755 0 0 f"])

        for image in ["short.snap", "missing.snap", "fifo.snap"] {
            let path = root + "/" + image
            let expected = #expect(throws: SnapImageError.self) { try SnapImage(path: path).snapYAML() }
            let result = try Fixture.run(program, ["snap-yaml", path])
            #expect(result.status == 1, "\(image): \(result)")
            #expect(result.output.isEmpty)
            #expect(result.error == "\(expected.map { "\($0)" } ?? "")\n", "\(image)")
            #expect(result.error.hasPrefix("cannot read snap \"\(path)\": "), "\(image): \(result.error)")
        }
    }

    @Test("wrong arguments exit 2 with the usage")
    func usage() throws {
        for arguments in [[], ["snap-yaml"], ["digest", "x.snap"], ["snap-yaml", "a", "b"]] {
            let result = try Fixture.run(program, arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.error == "usage: snap-image snap-yaml IMAGE\n")
        }
    }

    @Test("snap-image loads no Swift runtime or Foundation library: the standard library is static")
    func staticStandardLibrary() throws {
        let result = try Fixture.run("ldd", [program])
        #expect(result.status == 0)
        #expect(!result.output.contains("libswift") && !result.output.contains("Foundation"), "\(result.output)")
    }
}
