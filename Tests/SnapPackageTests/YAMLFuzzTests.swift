import SnapPackage
import Testing

/// A small seeded generator (SplitMix64), so every run mutates the same way.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

/// Mutates real snap.yaml texts at random and checks each ends in a value or a
/// clear error: the parser never crashes, never hangs, and answers the same way twice.
@Suite("snap.yaml robustness")
struct YAMLFuzzTests {
    /// The outcome of parsing and validating, as a comparable value.
    static func outcome(_ text: String) -> String {
        outcome(bytes: Array(text.utf8))
    }

    /// The outcome for raw bytes, which may hold invalid UTF-8.
    static func outcome(bytes: [UInt8]) -> String {
        do {
            let info = try SnapInfo.parse(yamlBytes: bytes)
            try info.validate()
            return "ok \(info.name) \(info.version) \(info.apps.count)"
        } catch {
            #expect(!error.description.isEmpty)
            return "error \(error.description)"
        }
    }

    static func mutate(_ text: String, using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = Array(text.utf8)
        let specials = Array(":-[]{}&*!|>'\"%@`#,?\n\t ".utf8)
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            guard !bytes.isEmpty else { break }
            let position = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<7, using: &generator) {
            case 0:
                bytes[position] ^= UInt8(1 << Int.random(in: 0..<8, using: &generator))
            case 1:
                bytes.removeSubrange(position...)
            case 2:
                let end = min(bytes.count, position + Int.random(in: 1...200, using: &generator))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            case 3:
                bytes[position] = specials.randomElement(using: &generator) ?? 0x20
            case 4:
                bytes.insert(
                    contentsOf: [UInt8](repeating: 0x5B, count: Int.random(in: 1...3000, using: &generator)),
                    at: position
                )
            case 5:
                let filler = [UInt8](repeating: 0x61, count: Int.random(in: 1...50_000, using: &generator))
                bytes.insert(contentsOf: filler, at: position)
            default:
                bytes.remove(at: position)
            }
        }
        return bytes
    }

    @Test("thousands of mutated snap.yaml files end in a value or an error, the same each time")
    func mutatedInputsNeverCrash() throws {
        let seeds = Corpus.allSnapYAMLTexts()
        try #require(seeds.count > 100, "the corpus is expected at \(Corpus.root)")
        var generator = SeededGenerator(seed: 0x5A9_0001)
        var errors = 0
        for round in 0..<4000 {
            let source = seeds[round % seeds.count]
            let mutated = Self.mutate(source, using: &generator)
            let first = Self.outcome(bytes: mutated)
            #expect(first == Self.outcome(bytes: mutated))
            if first.hasPrefix("error") { errors += 1 }
        }
        // Most mutations break something; a few leave the file valid.
        #expect(errors > 1000)
    }

    @Test("deep nesting is refused with a depth error, after any syntax error further on")
    func deepNestingIsRefused() {
        let depth = 100_000
        let wellFormed = [
            String(repeating: "[", count: depth) + String(repeating: "]", count: depth),
            String(repeating: "{a: ", count: depth) + "x" + String(repeating: "}", count: depth),
            String(repeating: "- ", count: depth) + "x",
        ]
        for text in wellFormed {
            #expect(Self.outcome(text) == "error cannot parse snap.yaml: yaml: exceeded max depth of 256")
        }
        let block = (0..<1000).map { String(repeating: "  ", count: $0) + "a:" }.joined(separator: "\n")
        #expect(Self.outcome(block).contains("exceeded max depth"))

        // Far deeper unterminated nesting stops at the limit instead of scanning on:
        // libyaml's cost per token grows with depth, so scanning it all would take minutes.
        let huge = String(repeating: "{a: ", count: 250_000)
        #expect(Self.outcome(huge) == "error cannot parse snap.yaml: yaml: exceeded max depth of 256")

        // Unterminated nesting close to the limit is a syntax error first, as the reference reports it.
        let unterminated = String(repeating: "[", count: 2000)
        #expect(
            Self.outcome(unterminated)
                == "error cannot parse snap.yaml: yaml: line 1: did not find expected node content"
        )
    }

    @Test("alias bombs are refused")
    func aliasBombsAreRefused() {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1..<12 {
            let previous = "*a\(level - 1)"
            let items = [String](repeating: previous, count: 10).joined(separator: ", ")
            lines.append("a\(level): &a\(level) [\(items)]")
        }
        #expect(Self.outcome(lines.joined(separator: "\n")).contains("excessive aliasing"))
    }

    @Test("huge scalars are read whole")
    func hugeScalarsAreRead() throws {
        let description = String(repeating: "é", count: 2_000_000)
        let text = "name: big\nversion: '1'\ndescription: \(description)\n"
        let info = try SnapInfo.parse(yaml: text)
        #expect(info.description.unicodeScalars.count == 2_000_000)
        #expect(Self.outcome(text).contains("description can have up to 4096 codepoints, got 2000000"))
    }

    @Test("empty, null and non-mapping documents give clear errors")
    func degenerateDocuments() {
        #expect(Self.outcome("") == "error cannot validate snap \"\": snap name cannot be empty")
        #expect(Self.outcome("~") == "error cannot validate snap \"\": snap name cannot be empty")
        #expect(Self.outcome("- a\n- b").contains("cannot unmarshal !!seq into snap.snapYaml"))
        #expect(Self.outcome("just text").contains("cannot unmarshal !!str `just text` into snap.snapYaml"))
        #expect(Self.outcome("\u{0}").hasPrefix("error cannot parse snap.yaml: yaml: "))
        #expect(Self.outcome(bytes: Array("name: a".utf8) + [0xFF, 0x0A]).contains("invalid"))
        #expect(Self.outcome(bytes: [0x6E, 0x3A, 0x20, 0xC3]).hasPrefix("error cannot parse snap.yaml: yaml: "))
    }
}
