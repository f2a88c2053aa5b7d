import Foundation
import SnapPackage
import Testing

/// The container checks (files snap.yaml names, their modes, `meta/`) compared with
/// the reference client on randomly built snap directories.
@Suite("container checks against the reference snap client")
struct ValidationContainerTests {
    /// A scratch snap directory with files of random kinds and modes.
    struct ScratchSnap {
        let directory: URL
        let yaml: String

        init(generator: inout SeededGenerator) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("container-\(UUID().uuidString)")
            var apps: [String] = []
            for index in 0..<Int.random(in: 1...3, using: &generator) {
                var fields = [
                    "command: "
                        + (["bin/a", "bin/sub/b", "/bin/a --flag", "c", "$SNAP/bin/a"].randomElement(using: &generator)
                            ?? "c")
                ]
                if Bool.random(using: &generator) {
                    fields.append("daemon: simple")
                    if Bool.random(using: &generator) { fields.append("stop-command: bin/stop") }
                }
                if Int.random(in: 0..<4, using: &generator) == 0 { fields.append("completer: share/comp") }
                apps.append("  app\(index): {\(fields.joined(separator: ", "))}")
            }
            yaml = "name: scratch\nversion: '1'\napps:\n" + apps.joined(separator: "\n") + "\n"

            let manager = FileManager.default
            try manager.createDirectory(at: directory.appendingPathComponent("meta"), withIntermediateDirectories: true)
            try yaml.write(to: directory.appendingPathComponent("meta/snap.yaml"), atomically: true, encoding: .utf8)
            let fileModes: [Int16] = [0o755, 0o644, 0o700, 0o555, 0o444, 0o111, 0o000, 0o751]
            let directoryModes: [Int16] = [0o755, 0o700, 0o555, 0o711, 0o750]

            for directoryPath in ["bin", "bin/sub", "share"] where Int.random(in: 0..<5, using: &generator) > 0 {
                try manager.createDirectory(
                    at: directory.appendingPathComponent(directoryPath),
                    withIntermediateDirectories: true
                )
            }
            for file in [
                "bin/a", "bin/sub/b", "c", "bin/stop", "share/comp", "meta/hooks/install", "meta/gui/a.desktop",
            ] {
                let url = directory.appendingPathComponent(file)
                guard Int.random(in: 0..<5, using: &generator) > 0 else { continue }
                try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                if Int.random(in: 0..<8, using: &generator) == 0 {
                    try manager.createDirectory(at: url, withIntermediateDirectories: true)
                } else if Int.random(in: 0..<8, using: &generator) == 0 {
                    try manager.createSymbolicLink(atPath: url.path, withDestinationPath: "elsewhere")
                    continue
                } else {
                    try "#!/bin/sh\n".write(to: url, atomically: true, encoding: .utf8)
                }
                let mode = fileModes.randomElement(using: &generator) ?? 0o755
                try manager.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
            }
            // Directory modes last, so files could be created inside them first.
            for directoryPath in ["bin", "bin/sub", "share", "meta/hooks", "meta/gui", "meta"] {
                let path = directory.appendingPathComponent(directoryPath).path
                guard manager.fileExists(atPath: path), Int.random(in: 0..<3, using: &generator) == 0 else { continue }
                let mode = directoryModes.randomElement(using: &generator) ?? 0o755
                try manager.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
            }
            try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        }

        func remove() {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// The reference's log lines without timestamp and source position, and its exit status.
    static func reference(_ directory: URL) throws -> (status: Int32, lines: Set<String>, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ReferenceSnap.path)
        process.arguments = ["pack", "--check-skeleton", directory.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        var lines: Set<String> = []
        for line in output.split(separator: "\n") {
            guard let range = line.range(of: "container.go:") else { continue }
            let rest = line[range.upperBound...]
            lines.insert(String(rest.drop { $0 != " " }.dropFirst()))
        }
        return (process.terminationStatus, lines, output)
    }

    @Test(
        "random snap directories get the reference client's container verdict and log lines",
        .enabled(if: ReferenceSnap.isAvailable, "needs the reference snap client from tools/setup")
    )
    func containersAgree() throws {
        var generator = SeededGenerator(seed: 31337)
        for _ in 0..<(ValidationDifferentialTests.rounds / 2) {
            let scratch = try ScratchSnap(generator: &generator)
            defer { scratch.remove() }
            let directory = SnapDirectory(path: scratch.directory.path)
            let info = try directory.readInfo()
            let problems = directory.checkContainer(for: info)
            let ours = problems.error(skeletonOnly: true)
            let reference = try Self.reference(scratch.directory)

            #expect(
                (ours == nil) == (reference.status == 0),
                "ours: \(String(describing: ours)), reference: \(reference.output)\n\(scratch.yaml)"
            )
            #expect(
                Set(problems.badModes + problems.missingLines) == reference.lines,
                "reference: \(reference.output)\n\(scratch.yaml)"
            )
        }
    }
}
