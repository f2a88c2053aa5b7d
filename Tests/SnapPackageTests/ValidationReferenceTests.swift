import Foundation
import SnapPackage
import Testing

/// The real `snap` 2.57.6 client, extracted by `tools/setup`, used to confirm the
/// tables above against the reference tool itself.
enum ReferenceSnap {
    static let path = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/reference/root/usr/bin/snap").path

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// Runs `snap pack --check-skeleton` on a scratch directory holding `yaml`.
    static func checkSkeleton(_ yaml: String) throws -> (status: Int32, output: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ref-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("meta"),
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o755]
        )
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        try yaml.write(to: directory.appendingPathComponent("meta/snap.yaml"), atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["pack", "--check-skeleton", directory.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

@Suite("validation rules against the reference snap client")
struct ValidationReferenceTests {
    @Test(
        "the reference client accepts what we accept",
        .enabled(if: ReferenceSnap.isAvailable, "needs the reference snap client from tools/setup"),
        arguments: ValidationRulesTests.accepted
    )
    func referenceAccepts(text: String) throws {
        let result = try ReferenceSnap.checkSkeleton(text)
        #expect(result.status == 0, "\(result.output)")
    }

    @Test(
        "the reference client rejects with the message we give",
        .enabled(if: ReferenceSnap.isAvailable, "needs the reference snap client from tools/setup"),
        arguments: ValidationRulesTests.rejected
    )
    func referenceRejects(text: String, message: String) throws {
        let result = try ReferenceSnap.checkSkeleton(text)
        #expect(result.status == 1)
        #expect(result.output.contains(message), "\(result.output)")
    }
}

@Suite("differential checks against the reference snap client")
struct ValidationDifferentialTests {
    /// How many mutated files to compare: `SNAP_YAML_DIFFERENTIAL` or 150.
    static let rounds = Int(ProcessInfo.processInfo.environment["SNAP_YAML_DIFFERENTIAL"] ?? "") ?? 150

    /// Message differences that are not errors on our side:
    /// - snapd walks Go maps in random order, so with several bad apps, several
    ///   service-only fields or a cycle, which one it names changes between runs;
    /// - libyaml 0.2.5 refuses control characters while reading, where the older
    ///   libyaml port inside yaml.v2 fails later with a scanner message, and the two
    ///   sometimes word or place other syntax errors differently (both still refuse);
    /// - we stop at 256 levels of nesting where yaml.v2 goes on to 10 000.
    static func isKnownDeviation(ours: String, reference: String) -> Bool {
        let randomOrder = [
            "before/after cycle", "as alias for both", "must be unique, already used by application",
            "is only applicable to services",
            "invalid definition of application",
        ]
        if randomOrder.contains(where: { ours.contains($0) && reference.contains($0) }) { return true }
        let syntax = "cannot parse snap.yaml: yaml: "
        if ours.hasPrefix(syntax) && reference.contains(syntax) { return true }
        return ours.hasSuffix("exceeded max depth of 256")
    }

    @Test(
        "mutated snap.yaml files get the reference client's verdict and message",
        .enabled(if: ReferenceSnap.isAvailable, "needs the reference snap client from tools/setup")
    )
    func mutatedFilesAgree() throws {
        let seeds = Corpus.allSnapYAMLTexts()
        let seed = UInt64(ProcessInfo.processInfo.environment["SNAP_YAML_DIFFERENTIAL_SEED"] ?? "") ?? 77
        var generator = SeededGenerator(seed: seed)
        var compared = 0
        for round in 0..<Self.rounds {
            let bytes = YAMLFuzzTests.mutate(seeds[round % seeds.count], using: &generator)
            // Very large inputs only slow the reference down; invalid UTF-8 cannot travel as a String.
            guard let text = String(validating: bytes, as: UTF8.self), text.utf8.count < 20000 else { continue }
            compared += 1
            let ours = ValidationRulesTests.verdict(text)
            let reference = try ReferenceSnap.checkSkeleton(text)
            if ours == "ok" {
                #expect(reference.status == 0, "we accept, the reference says: \(reference.output)\n\(text)")
            } else {
                #expect(reference.status != 0, "we say \(ours), the reference accepts:\n\(text)")
                let agrees =
                    reference.output.contains(ours) || Self.isKnownDeviation(ours: ours, reference: reference.output)
                #expect(agrees, "we say \(ours), the reference: \(reference.output)\n\(text)")
            }
        }
        #expect(compared > Self.rounds / 2)
    }
}
