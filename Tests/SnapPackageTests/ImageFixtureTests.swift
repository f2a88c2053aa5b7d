import Foundation
import Testing

@testable import SnapArchive
@testable import SnapPackage

/// Shared helpers for the image, digest and pack tests: scratch directories, trees, and the real
/// tools (`mksquashfs`, `unsquashfs`, `openssl`, the reference `snap` client).
enum Fixture {
    /// The package root, found from this file's location.
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The real `snap` 2.57.6 client extracted by tools/setup.
    static let referenceSnap = packageRoot + "/.build/reference/root/usr/bin/snap"
    /// True when the reference client is present.
    static let hasReferenceSnap = FileManager.default.isExecutableFile(atPath: referenceSnap)
    /// The corpus of snap.yaml trees.
    static let corpus = Corpus.root + "/snap-yaml"

    /// Our `snap` executable, built beside the test bundle.
    static let ourSnap: String = {
        if let override = ProcessInfo.processInfo.environment["SNAP_TEST_BINARY"] { return override }
        let bundle = Bundle.main.bundleURL.deletingLastPathComponent()
        let candidates = [bundle.appendingPathComponent("snap").path, packageRoot + "/.build/debug/snap"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
    }()

    /// A fresh scratch directory, removed by the caller with `remove(_:)`.
    static func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "snap-image-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `contents` at `root/relative`, creating parents, with `mode`.
    static func write(_ contents: String, at relative: String, in root: String, mode: Int = 0o644) throws {
        try write(Data(contents.utf8), at: relative, in: root, mode: mode)
    }

    static func write(_ data: Data, at relative: String, in root: String, mode: Int = 0o644) throws {
        let path = root + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try data.write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    static func symlink(_ target: String, at relative: String, in root: String) throws {
        try FileManager.default.createSymbolicLink(atPath: root + "/" + relative, withDestinationPath: target)
    }

    /// Deterministic pseudo-random bytes (SplitMix64), incompressible enough for xz.
    static func randomBytes(_ count: Int, seed: UInt64) -> Data {
        var generator = SplitMix64(seed: seed)
        var bytes = [UInt8](repeating: 0, count: count)
        for index in 0..<count { bytes[index] = UInt8(truncatingIfNeeded: generator.next()) }
        return Data(bytes)
    }

    /// A small snap tree: snap.yaml, an executable hook, a command, a multi-block file, a symlink.
    static func makeTree(in root: String, name: String = "image-test") throws {
        try write(
            "name: \(name)\nversion: '1.0'\napps:\n  tool:\n    command: bin/tool\n",
            at: "meta/snap.yaml",
            in: root
        )
        try write("#!/bin/sh\necho installed\n", at: "meta/hooks/install", in: root, mode: 0o755)
        try write("#!/bin/sh\necho tool\n", at: "bin/tool", in: root, mode: 0o755)
        try write(randomBytes(300_000, seed: 7), at: "data/blob.bin", in: root)
        try write("", at: "data/empty", in: root, mode: 0o600)
        try symlink("../bin/tool", at: "data/link-to-tool", in: root)
    }

    /// Runs a program, returning its exit status, stdout and stderr.
    @discardableResult
    static func run(
        _ program: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        in directory: String? = nil
    ) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program.hasPrefix("/") ? program : "/usr/bin/env")
        process.arguments = program.hasPrefix("/") ? arguments : [program] + arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: outData, as: UTF8.self),
            String(decoding: errData, as: UTF8.self)
        )
    }

    /// Builds an image of `tree` at `image` with plain mksquashfs and extra options.
    static func mksquashfs(_ tree: String, _ image: String, _ options: [String] = []) throws {
        let result = try run("mksquashfs", [tree, image, "-noappend", "-no-progress", "-quiet"] + options)
        #expect(result.status == 0, "mksquashfs failed: \(result.error)")
    }

    /// `unsquashfs -lln` of an image as `ImageEntry`-shaped lines: mode, owner, size, path.
    static func unsquashfsListing(_ image: String) throws -> [String] {
        let result = try run("unsquashfs", ["-lln", "-d", "", image])
        return result.output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, let first = fields.first, first.count == 10 else { return nil }
            let path = fields[5...].joined(separator: " ")
            guard !path.isEmpty, path != "/" else { return nil }
            let trimmed = path.hasPrefix("/") ? String(path.dropFirst()) : path
            return "\(fields[0]) \(fields[1]) \(fields[2]) \(trimmed)"
        }
    }

    /// `unsquashfs -s` without the lines that depend on the clock or on the file size.
    static func unsquashfsParameters(_ image: String) throws -> [String] {
        let result = try run("unsquashfs", ["-s", image])
        return result.output.split(separator: "\n").map(String.init).filter {
            !$0.hasPrefix("Found a valid") && !$0.hasPrefix("Creation or last append time")
        }
    }
}

/// SplitMix64, a small seeded generator so random cases repeat exactly.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Image test fixtures")
struct ImageFixtureTests {
    @Test("the unsquashfs listing helper sees every entry mksquashfs stored")
    func listingHelper() throws {
        let root = try Fixture.scratch()
        defer { Fixture.remove(root) }
        try Fixture.makeTree(in: root + "/tree")
        try Fixture.mksquashfs(root + "/tree", root + "/image.snap", ["-all-root"])

        let listing = try Fixture.unsquashfsListing(root + "/image.snap")
        #expect(listing.contains("-rwxr-xr-x 0/0 25 meta/hooks/install"))
        #expect(listing.contains("lrwxrwxrwx 0/0 11 data/link-to-tool -> ../bin/tool"))
    }
}
