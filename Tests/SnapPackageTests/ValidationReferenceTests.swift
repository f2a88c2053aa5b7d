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
    ///   service-only fields or a cycle, which one it names changes between runs,
    ///   and whether another app's implicit slot exists yet when `activates-on` is
    ///   resolved varies too (we always say "slot not found" then);
    /// - libyaml 0.2.5 refuses control characters while reading, where the older
    ///   libyaml port inside yaml.v2 fails later with a scanner message, and the two
    ///   sometimes word or place other syntax errors differently (both still refuse);
    /// - we stop at 256 levels of nesting where yaml.v2 goes on to 10 000;
    /// - the reference itself crashes on some inputs (a Go panic while setting up
    ///   apps), where we give an ordinary error.
    static func isKnownDeviation(ours: String, reference: String) -> Bool {
        if reference.contains("panic: ") || ours.hasSuffix(": slot not found") { return true }
        let randomOrder = [
            "slot not found",
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
        try #require(!seeds.isEmpty, "the corpus is expected at \(Corpus.root)")
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

/// Builds random snap.yaml files from pools of valid and invalid values per field,
/// to compare our rules with the reference client's beyond mutated corpus files.
struct SnapYAMLComposer {
    var generator: SeededGenerator

    mutating func pick(_ pool: [String]) -> String {
        pool.randomElement(using: &generator) ?? ""
    }

    mutating func chance(_ percent: Int) -> Bool {
        Int.random(in: 0..<100, using: &generator) < percent
    }

    mutating func compose() -> String {
        var lines = ["name: " + pick(["ab", "hello-world", "a", "A1", "x--y", "foo_bar", "1234", "t1"])]
        lines.append(
            "version: " + pick(["'1'", "1.10", "'1.0 beta'", "'-1'", "'1_0'", "''", "1.0~rc1+git", "'1.0\u{e9}'"])
        )
        let optional: [(String, [String])] = [
            ("title", ["T", "'\(String(repeating: "x", count: 41))'"]),
            ("license", ["MIT", "GPL-3.0+", "'MIT and GPL-2.0'", "Proprietary", "'(MIT'", "'MIT OR Apache-2.0'"]),
            ("type", ["app", "base", "gadget", "core", "snapd", "os"]),
            ("base", ["core22", "none", "core_x", "Bad"]),
            ("confinement", ["strict", "classic", "devmode", "loose"]),
            (
                "epoch",
                ["1", "'2*'", "'0*'", "01", "'{read: [1, 2], write: [2]}'", "{read: [1], write: [2]}", "{read: []}"]
            ),
            ("grade", ["stable", "bogus"]),
            ("provenance", ["global-upload", "my-store", "bad_one"]),
            ("links", ["{website: [https://x.org]}", "{website: []}", "{contact: [foo]}", "{9x: [a@b.c]}"]),
            ("system-usernames", ["{snap_daemon: shared}", "{snap_daemon: {}}", "{Bad: shared}"]),
            (
                "plugs",
                ["{network-bind: null}", "{p: {interface: content, target: $SNAP/x}}", "{Bad_Plug: home}", "{s: home}"]
            ),
            ("slots", ["{d: {interface: dbus, bus: system, name: a.b}}", "{c: {interface: content}}", "{s: home}"]),
            (
                "layout",
                [
                    "{/usr/share/x: {bind: $SNAP/x}}", "{/etc/x: {bind-file: $SNAP_DATA/x}}",
                    "{/var/lib/snapd/x: {bind: $SNAP/x}}",
                    "{/opt/x: {type: tmpfs, mode: '1777'}}", "{/opt/x: {symlink: /etc/x}}",
                    "{/newtop/x: {bind: $SNAP/x}}",
                ]
            ),
            ("hooks", ["{install: null}", "{connect-plug-foo--bar: null}", "{configure: {command-chain: ['a b']}}"]),
        ]
        for (key, pool) in optional where chance(25) {
            lines.append("\(key): \(pick(pool))")
        }
        if chance(80) {
            lines.append("apps:")
            for index in 0..<Int.random(in: 1...3, using: &generator) {
                lines.append("  \(pick(["a", "b", "A1", "my_app", "-x"]))\(index): {\(composeApp())}")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    mutating func composeApp() -> String {
        var fields = ["command: " + pick(["bin/a", "'bin/a \"q\"'", "/bin/a --x"])]
        let optional: [(String, [String])] = [
            ("daemon", ["simple", "forking", "oneshot", "notify", "dbus", "always"]),
            ("daemon-scope", ["system", "user"]),
            ("stop-timeout", ["10s", "'10'", "-1s"]),
            ("restart-condition", ["always", "no", "sometimes"]),
            ("restart-delay", ["1s"]),
            ("stop-mode", ["sigterm", "sigkill", "sighup-all"]),
            ("refresh-mode", ["endure", "restart", "ignore-running", "bogus"]),
            ("install-mode", ["enable", "disable", "maybe"]),
            ("timer", ["'10:00'", "'mon,10:00~12:00'", "'every tuesday'", "'25:00'"]),
            ("plugs", ["[network-bind]", "[home]", "[p]"]),
            ("slots", ["[d]", "[s]"]),
            (
                "sockets",
                [
                    "{s: {listen-stream: 8080}}", "{s: {listen-stream: '0.0.0.0:80'}}",
                    "{s: {listen-stream: $SNAP_DATA/s}}",
                ]
            ),
            ("activates-on", ["[d]", "[nowhere]", "[s]"]),
            ("after", ["[a0]", "[b1]", "[zz]"]),
            ("aliases", ["[same]", "[.hidden]"]),
            ("common-id", ["org.x.Same"]),
            ("command-chain", ["[bin/w]", "['bin/w x']"]),
        ]
        for (key, pool) in optional where chance(15) {
            fields.append("\(key): \(pick(pool))")
        }
        return fields.joined(separator: ", ")
    }
}

@Suite("composed snap.yaml against the reference snap client")
struct ValidationComposedTests {
    @Test(
        "composed snap.yaml files get the reference client's verdict and message",
        .enabled(if: ReferenceSnap.isAvailable, "needs the reference snap client from tools/setup")
    )
    func composedFilesAgree() throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["SNAP_YAML_DIFFERENTIAL_SEED"] ?? "") ?? 2024
        var composer = SnapYAMLComposer(generator: SeededGenerator(seed: seed))
        for _ in 0..<ValidationDifferentialTests.rounds {
            let text = composer.compose()
            let ours = ValidationRulesTests.verdict(text)
            let reference = try ReferenceSnap.checkSkeleton(text)
            if ours == "ok" {
                #expect(reference.status == 0, "we accept, the reference says: \(reference.output)\n\(text)")
            } else {
                #expect(reference.status != 0, "we say \(ours), the reference accepts:\n\(text)")
                let agrees =
                    reference.output.contains(ours)
                    || ValidationDifferentialTests.isKnownDeviation(ours: ours, reference: reference.output)
                #expect(agrees, "we say \(ours), the reference: \(reference.output)\n\(text)")
            }
        }
    }
}
