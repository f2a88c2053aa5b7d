import Foundation
import Testing

@testable import SnapArchive
@testable import SnapPackage

/// Mutates real images at random (seeded, so every run tries the same cases) and reads each
/// result completely. Each case must end in a value or a `SnapImageError`; a crash or a hang
/// fails the whole run.
@Suite("Corrupt images end in errors, never crashes")
struct ImageFuzzTests {
    enum Mutation: String, CaseIterable, Sendable {
        case truncate
        case superblock
        case inodeTable
        case directoryTable
        case tables
        case anywhere
    }

    @Test(
        "thousands of mutated images each end in a value or a clear error",
        arguments: [["-comp", "xz", "-no-fragments"], ["-comp", "gzip", "-always-use-fragments", "-noI", "-noD"]]
    )
    func mutatedImages(options: [String]) throws {
        let root = try Fixture.scratch()
        defer { Fixture.remove(root) }
        try Fixture.makeTree(in: root + "/tree")
        try Fixture.symlink("../bin", at: "tree/meta/gui", in: root)
        try Fixture.mksquashfs(root + "/tree", root + "/image.snap", options)
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: root + "/image.snap")))
        let superblock = try SnapImage(path: root + "/image.snap").superblock

        var generator = SplitMix64(seed: 0x5eed_0000 + UInt64(options.count))
        var outcomes: [String: Int] = [:]
        let cases = ProcessInfo.processInfo.environment["SNAP_FUZZ_CASES"].flatMap { Int($0) } ?? 1500
        for index in 0..<cases {
            let mutation = Mutation.allCases[index % Mutation.allCases.count]
            let bytes = mutate(original, with: mutation, superblock: superblock, generator: &generator)
            let path = root + "/case.snap"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            outcomes[readCompletely(path), default: 0] += 1
        }

        // Both kinds of ending occur, so the mutations reach past the superblock checks.
        #expect(outcomes["read", default: 0] > 0, "\(outcomes)")
        #expect(outcomes.filter { $0.key != "read" }.values.reduce(0, +) > 0)
    }

    @Test(
        "a file whose data blocks are claimed at position 0 or past the end is refused",
        arguments: [UInt32(0), UInt32.max - 3]
    )
    func dataBlockPosition(start: UInt32) throws {
        let root = try Fixture.scratch()
        defer { Fixture.remove(root) }
        try Fixture.makeTree(in: root + "/tree")
        try Fixture.mksquashfs(root + "/tree", root + "/image.snap", ["-noI", "-always-use-fragments"])
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: root + "/image.snap")))
        let superblock = try SnapImage(path: root + "/image.snap").superblock

        // Find bin/tool's basic file inode (type 2, 20 bytes, in a fragment) in the uncompressed
        // inode table, then give it four blocks starting at `start`.
        let table = Int(superblock.inodeTableStart) + 2
        let found = (table..<Int(superblock.directoryTableStart) - 32).first { offset in
            bytes[offset] == 2 && bytes[offset + 1] == 0 && le32(bytes, offset + 28) == 20
                && le32(bytes, offset + 20) != UInt32.max
        }
        let inode = try #require(found)
        put(start, into: &bytes, at: inode + 16)
        put(131_072 * 4 + 20, into: &bytes, at: inode + 28)
        try Data(bytes).write(to: URL(fileURLWithPath: root + "/bad.snap"))

        let image = try SnapImage(path: root + "/bad.snap")
        let error = #expect(throws: SnapImageError.self) { try image.contentsOfFile(at: "bin/tool") }
        #expect(error?.code == .corrupt)
        #expect(error?.entry == "bin/tool")
    }

    private func le32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
    }

    private func put(_ value: UInt32, into bytes: inout [UInt8], at offset: Int) {
        for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(index))) }
    }

    /// Reads everything the reader offers; returns "read" or the error code.
    private func readCompletely(_ path: String) -> String {
        do {
            let image = try SnapImage(path: path)
            for entry in try image.entries(limit: 10_000) where entry.kind == .regular {
                _ = try image.contentsOfFile(at: entry.path, limit: 1 << 20)
            }
            _ = try? image.entry(at: "meta/hooks/install")
            try image.checkMetaDirectory()
            _ = try image.snapYAML()
            return "read"
        } catch {
            #expect(error.description.hasPrefix("cannot read snap \"\(path)\""))
            return "\(error.code)"
        }
    }

    private func mutate(
        _ original: [UInt8],
        with mutation: Mutation,
        superblock: SquashFSSuperblock,
        generator: inout SplitMix64
    ) -> [UInt8] {
        var bytes = original
        let used = Int(superblock.bytesUsed)
        let inodes = Int(superblock.inodeTableStart)..<Int(superblock.directoryTableStart)
        let directories = Int(superblock.directoryTableStart)..<min(used, Int(superblock.idTableStart))
        let range: Range<Int>
        switch mutation {
        case .truncate:
            return Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
        case .superblock: range = 0..<96
        case .inodeTable: range = inodes
        case .directoryTable: range = directories.isEmpty ? inodes : directories
        case .tables: range = Int(superblock.directoryTableStart)..<used
        case .anywhere: range = 0..<bytes.count
        }

        let flips = Int.random(in: 1...4, using: &generator)
        for _ in 0..<flips {
            let offset = Int.random(in: range, using: &generator)
            if Bool.random(using: &generator) {
                bytes[offset] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &generator)
            } else {
                bytes[offset] = UInt8.random(in: 0...255, using: &generator)
            }
        }
        return bytes
    }
}
