import Foundation
import SnapPackage

/// Small snaps built on the fly with our packer.
enum TestSnaps {
    /// Packs a snap with this `snap.yaml` (and a `bin/hello` script for apps) into `directory`.
    static func build(
        _ yaml: String,
        in directory: String,
        files: [String: String] = [:],
        prepare: (String) throws -> Void = { _ in }
    ) throws -> String {
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
        try prepare(source)
        let output = try SnapPacker().pack(SnapPacker.Options(sourceDirectory: source, targetDirectory: directory))
        try FileManager.default.removeItem(atPath: source)
        return output
    }

    static func core(in directory: String) throws -> String {
        try build(
            "name: core\nversion: '16'\ntype: os\nsummary: s\ndescription: d\n",
            in: directory,
            files: ["etc/os": "core\n"]
        )
    }

    static func base(_ name: String, in directory: String) throws -> String {
        try build(
            "name: \(name)\nversion: '1'\ntype: base\nsummary: s\ndescription: d\n",
            in: directory,
            files: ["etc/os": "\(name)\n"]
        )
    }

    static func hello(version: String = "1.0", in directory: String) throws -> String {
        try build(
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
