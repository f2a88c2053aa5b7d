import Foundation
import SnapArchive
import SnapPackage

/// Small snaps built on the fly with our packer. Packing runs mksquashfs, so every builder
/// is async and works on a thread of its own: the daemon under test shares this process's
/// few cooperative threads.
enum TestSnaps {
    static func offPool<Result: Sendable>(_ body: @Sendable @escaping () throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Swift.Result { try body() }) }
        }
    }

    /// Packs a snap with this `snap.yaml` (and a `bin/hello` script for apps) into `directory`.
    static func build(
        _ yaml: String,
        in directory: String,
        files: [String: String] = [:]
    ) async throws -> String {
        try await offPool { try buildNow(yaml, in: directory, files: files) }
    }

    private static func buildNow(_ yaml: String, in directory: String, files: [String: String]) throws -> String {
        let source = directory + "/src-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: source + "/meta", withIntermediateDirectories: true)
        try yaml.write(toFile: source + "/meta/snap.yaml", atomically: true, encoding: .utf8)
        var scripts = files
        if scripts.isEmpty { scripts["bin/hello"] = "#!/bin/sh\necho hello\n" }
        for (path, text) in scripts {
            let full = source + "/" + path
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true
            )
            try text.write(toFile: full, atomically: true, encoding: .utf8)
            chmod(full, 0o755)
        }
        let output = try SnapPacker().pack(SnapPacker.Options(sourceDirectory: source, targetDirectory: directory))
        try FileManager.default.removeItem(atPath: source)
        return output
    }

    static func core(in directory: String) async throws -> String {
        try await build(
            "name: core\nversion: '16'\ntype: os\nsummary: s\ndescription: d\n",
            in: directory,
            files: ["etc/os": "core\n"]
        )
    }

    static func base(_ name: String, in directory: String) async throws -> String {
        try await build(
            "name: \(name)\nversion: '1'\ntype: base\nsummary: s\ndescription: d\n",
            in: directory,
            files: ["etc/os": "\(name)\n"]
        )
    }

    static func hello(version: String = "1.0", in directory: String) async throws -> String {
        try await build(
            """
            name: hello
            version: '\(version)'
            summary: Says hello
            description: A test snap.
            apps:
              hello:
                command: bin/hello
              other:
                command: bin/hello
            """,
            in: directory
        )
    }
}
