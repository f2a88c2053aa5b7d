import FoundationEssentials
import SnapAPI

/// FoundationEssentials' coders, configured as the daemon used them, for the differential tests.
enum ReferenceJSON {
    /// `JSONDecoder`'s reading of `text` as a ``JSONValue``, or nil when it refuses it.
    static func value(_ text: [UInt8]) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text))
    }

    /// `JSONEncoder` with `.withoutEscapingSlashes`.
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// `JSONDecoder`'s result for `type` from `text`.
    static func decode<Value: Decodable>(_ type: Value.Type, _ text: [UInt8]) -> Result<Value, any Error> {
        Result { try JSONDecoder().decode(type, from: Data(text)) }
    }
}

/// A small pseudo-random generator with a fixed seed, so that failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        // SplitMix64.
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// Random JSON documents and strings for the differential tests.
struct JSONGenerator {
    var random: SeededGenerator

    /// Characters strings are drawn from: controls, quotes, slashes, non-ASCII, astral.
    static let alphabet: [Unicode.Scalar] = [
        "a", "Z", "0", " ", "\"", "\\", "/", "\u{0}", "\u{1}", "\u{8}", "\u{9}", "\u{A}", "\u{C}", "\u{D}",
        "\u{1F}", "\u{7F}", "é", "\u{2028}", "\u{FEFF}", "\u{FFFF}", "😀", "\u{10FFFF}", "中",
    ]

    /// One of `choices`, which must not be empty.
    mutating func pick<Element>(_ choices: [Element]) -> Element {
        choices[Int.random(in: 0..<choices.count, using: &random)]
    }

    mutating func string() -> String {
        var text = ""
        for _ in 0..<Int.random(in: 0...8, using: &random) {
            text.unicodeScalars.append(pick(Self.alphabet))
        }
        return text
    }

    mutating func double() -> Double {
        switch Int.random(in: 0..<5, using: &random) {
        case 0: Double.random(in: -1...1, using: &random)
        case 1: Double.random(in: -1e300...1e300, using: &random)
        case 2: Double(Int.random(in: -1000...1000, using: &random)) / 8
        case 3: Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF)
        default:
            pick([0.1, 1e21, 1e-7, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1e16, 1e15, -0.5])
        }
    }

    /// A random value nested at most `depth` levels.
    mutating func value(depth: Int) -> JSONValue {
        let kinds = depth > 0 ? 7 : 5
        switch Int.random(in: 0..<kinds, using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2:
            let magnitude = pick([Int64.max, 1 << 53, 1000, 9])
            return .integer(Int64.random(in: -magnitude...magnitude, using: &random))
        case 3: return .double(double())
        case 4: return .string(string())
        case 5:
            return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in value(depth: depth - 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &random) { members[string()] = value(depth: depth - 1) }
            return .object(members)
        }
    }

    /// JSON text for `value` with random whitespace, escapes and number spellings.
    mutating func text(for value: JSONValue) -> String {
        let space = pick([" ", "", "\n", "\t", "\r\n", "  "])
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .integer(let number):
            // Other spellings go through Double, exact only up to 2^53.
            guard number.magnitude <= 1 << 53 else { return "\(number)" }
            let spellings = ["\(number)", "\(number).0", "\(number)e0", "\(number)E+0"]
            return pick(spellings)
        case .double(let number): return "\(number)"
        case .string(let text): return quoted(text)
        case .array(let elements):
            return "[" + space + elements.map { text(for: $0) }.joined(separator: space + "," + space) + space + "]"
        case .object(let members):
            let parts = members.map { key, member in quoted(key) + space + ":" + space + text(for: member) }
            return "{" + space + parts.joined(separator: "," + space) + space + "}"
        }
    }

    /// `text` quoted, each character escaped or not at random (controls always escaped).
    mutating func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            let mustEscape = scalar.value < 0x20 || scalar == "\"" || scalar == "\\"
            if !mustEscape && Bool.random(using: &random) {
                out.unicodeScalars.append(scalar)
            } else if scalar == "/" && Bool.random(using: &random) {
                out += "\\/"
            } else {
                for unit in String(scalar).utf16 {
                    let digits = String(unit, radix: 16, uppercase: Bool.random(using: &random))
                    out += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
                }
            }
        }
        return out + "\""
    }
}
