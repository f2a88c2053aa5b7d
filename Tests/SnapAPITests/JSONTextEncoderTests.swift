import FoundationEssentials
import SnapAPI
import Testing

@Suite("JSON encoder, against JSONEncoder")
struct JSONTextEncoderTests {
    /// Expects our bytes for `value` to be `JSONEncoder`'s, members compared in sorted order
    /// (`JSONEncoder` writes them in hash order, which changes from process to process).
    func expectSameAsReference(
        _ value: some Encodable,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let ours = try JSONTextEncoder().encode(value)
        let reference = try ReferenceJSON.encode(value)
        #expect(
            String(decoding: sortedMembers(ours), as: UTF8.self)
                == String(decoding: sortedMembers(reference), as: UTF8.self),
            sourceLocation: sourceLocation
        )
    }

    @Test("the results routes reply with: JSON values, error bodies, string lists, strings")
    func routeResults() throws {
        var generator = JSONGenerator(random: SeededGenerator(seed: 7159))
        for _ in 0..<2000 {
            let value = generator.value(depth: 4)
            try expectSameAsReference(value)
            try expectSameAsReference(APIError(message: generator.string(), kind: generator.string(), value: value))
            try expectSameAsReference([generator.string(), generator.string()])
            try expectSameAsReference(generator.string())
        }
        try expectSameAsReference(APIError(message: "not found"))
        try expectSameAsReference(APIError(message: "x", kind: "", value: .null))
        try expectSameAsReference(["TBD"])
        try expectSameAsReference(["local"])
        try expectSameAsReference(JSONValue.array([]))
        try expectSameAsReference(JSONValue.object([:]))
        try expectSameAsReference(["series": "16", "version": "1/2", "kernel-version": "6.1.0"])
        let systemInfo: JSONValue = [
            "series": "16", "version": "0.1", "on-classic": true, "managed": false,
            "os-release": ["id": "debian", "version-id": "12"],
            "locations": ["snap-mount-dir": "/snap", "snap-bin-dir": "/snap/bin"],
            "refresh": ["timer": "00:00~24:00/4"], "sandbox-features": ["confinement-options": ["classic", "devmode"]],
            "installed-size": 4096, "ratio": .double(0.25), "id": .integer(.min),
        ]
        try expectSameAsReference(systemInfo)
    }

    @Test("every control character, quote, slash and non-ASCII character is written as JSONEncoder writes it")
    func strings() throws {
        let everyScalar = (0..<0x800).compactMap(Unicode.Scalar.init).map { String($0) }
        for text in everyScalar + ["\u{2028}\u{2029}", "😀", "\u{10FFFF}", "a/b\\c\"d", "e\u{301}"] {
            #expect(
                try JSONTextEncoder().encode(text) == ReferenceJSON.encode(text),
                "\(text.unicodeScalars.map(\.value))"
            )
        }
        #expect(
            String(decoding: try JSONTextEncoder().encode("/\u{0}\u{1F}\u{7F}\u{8}\u{C}"), as: UTF8.self)
                == #""/\u0000\u001f\#u{7F}\b\f""#
        )
    }

    @Test("numbers of every width, doubles and floats print as JSONEncoder prints them")
    func numbers() throws {
        var random = SeededGenerator(seed: 754)
        var generator = JSONGenerator(random: SeededGenerator(seed: 755))
        for _ in 0..<5000 {
            let double = generator.double()
            #expect(try JSONTextEncoder().encode(double) == ReferenceJSON.encode(double), "\(double)")
            let float = Float(bitPattern: UInt32.random(in: 0...0x7F7F_FFFF, using: &random))
            #expect(
                try JSONTextEncoder().encode([float, -float]) == ReferenceJSON.encode([float, -float]),
                "\(float)"
            )
        }
        let fixed: [Double] = [
            0, -0.0, 1, 0.1, 1e21, 1e-7, 1e16, 1e15, 1e-6, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1 / 3,
        ]
        #expect(try JSONTextEncoder().encode(fixed) == ReferenceJSON.encode(fixed))
        #expect(
            String(decoding: try JSONTextEncoder().encode(fixed), as: UTF8.self).hasPrefix(
                "[0,-0,1,0.1,1e+21,1e-07,1e+16,1000000000000000,"
            )
        )
        let integers = Widths(a: .min, b: .max, c: .min, d: .max, e: .min, f: .max, g: .max, h: .max, i: .min, j: .max)
        try expectSameAsReference(integers)
    }

    @Test("NaN and infinities throw invalidValue naming the path; a top-level value that encodes nothing throws")
    func invalidValues() throws {
        for value in [Double.nan, .infinity, -.infinity] {
            #expect {
                try JSONTextEncoder().encode(["a": [value]])
            } throws: { error in
                guard case EncodingError.invalidValue(_, let context) = error else { return false }
                return context.codingPath.map(\.stringValue) == ["a", "Index 0"]
                    && context.debugDescription == "Unable to encode Double.\(value) directly in JSON."
            }
        }
        #expect(throws: EncodingError.self) { try JSONTextEncoder().encode(Float.nan) }
        #expect(throws: EncodingError.self) { try JSONTextEncoder().encode(Silent()) }
        #expect(throws: EncodingError.self) { try ReferenceJSON.encode(Silent()) }
        try expectSameAsReference([Silent()])
        try expectSameAsReference(["k": Silent()])
    }

    @Test("optionals: encodeIfPresent leaves nil out, encodeNil writes null; nested containers and super encoders")
    func containers() throws {
        try expectSameAsReference(Optionals(a: nil, b: "x", c: nil, d: [nil, 1, nil]))
        try expectSameAsReference(Optionals(a: 1, b: nil, c: 2.5, d: []))
        try expectSameAsReference(Optional<Int>.none)
        try expectSameAsReference([Int?.none])
        try expectSameAsReference(Nesting())
        try expectSameAsReference([Nesting(), Nesting()])
        try expectSameAsReference([1: "one", 2: "two"])
        try expectSameAsReference([Kind.install: 1])
        try expectSameAsReference([Kind.install, .remove])
        try expectSameAsReference([[1, 2], [], [3]])
        #expect(
            String(decoding: try JSONTextEncoder().encode(Nesting()), as: UTF8.self)
                == #"{"n":{"x":1,"y":3},"u":[2,null,{"k":"q"},{}],"super":true,"sup":[1.5],"late":[]}"#
        )
    }

    @Test("members are written in the order they were first encoded; encoding a key again replaces its value in place")
    func memberOrder() throws {
        let text = String(decoding: try JSONTextEncoder().encode(Ordered()), as: UTF8.self)
        #expect(text == #"{"z":9,"a":2,"m":3,"b":null}"#)
        let many = Keys(names: (0..<40).map { "k\(39 - $0)" } + ["k5"])
        let manyText = String(decoding: try JSONTextEncoder().encode(many), as: UTF8.self)
        #expect(manyText == "{" + (0..<40).map { "\"k\(39 - $0)\":\($0 == 34 ? 40 : $0)" }.joined(separator: ",") + "}")
        try expectSameAsReference(many)
    }
}

/// Every integer width at its extremes.
struct Widths: Encodable {
    var a: Int8, b: Int16, c: Int32, d: Int64, e: Int, f: UInt8, g: UInt16, h: UInt32, i: UInt64, j: UInt
}

/// Encodes nothing at all.
struct Silent: Encodable {
    func encode(to encoder: any Encoder) throws {}
}

/// Synthesized `encodeIfPresent` members, and an explicit null.
struct Optionals: Encodable {
    var a: Int?
    var b: String?
    var c: Double?
    var d: [Int?]

    enum CodingKeys: String, CodingKey { case a, b, c, d, e }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(a, forKey: .a)
        try container.encodeIfPresent(b, forKey: .b)
        try container.encodeIfPresent(c, forKey: .c)
        try container.encode(d, forKey: .d)
        try container.encodeNil(forKey: .e)
    }
}

/// A string-backed enum, as keys and as values.
enum Kind: String, Codable, CodingKeyRepresentable {
    case install, remove
}

/// Nested keyed and unkeyed containers, super encoders, and a container written to late.
struct Nesting: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        var nested = container.nestedContainer(keyedBy: AnyKey.self, forKey: "n")
        try nested.encode(1, forKey: "x")
        var unkeyed = container.nestedUnkeyedContainer(forKey: "u")
        try unkeyed.encode(2)
        try unkeyed.encodeNil()
        var element = unkeyed.nestedContainer(keyedBy: AnyKey.self)
        try element.encode("q", forKey: "k")
        _ = unkeyed.superEncoder()
        var single = container.superEncoder().singleValueContainer()
        try single.encode(true)
        var superUnkeyed = container.superEncoder(forKey: "sup").unkeyedContainer()
        try superUnkeyed.encode(1.5)
        _ = container.nestedUnkeyedContainer(forKey: "late")
        try nested.encode(3, forKey: "y")
    }
}

/// Keys encoded out of alphabetical order, one of them twice.
struct Ordered: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        try container.encode(1, forKey: "z")
        try container.encode(2, forKey: "a")
        try container.encode(3, forKey: "m")
        try container.encode(9, forKey: "z")
        try container.encodeNil(forKey: "b")
    }
}

/// The names given, each encoded with its position; a repeated name takes its last position.
struct Keys: Encodable {
    var names: [String]

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        for (position, name) in names.enumerated() {
            try container.encode(position, forKey: AnyKey(stringValue: name))
        }
    }
}

/// A coding key spelled by a string literal.
struct AnyKey: CodingKey, ExpressibleByStringLiteral {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    init(stringLiteral value: String) { self.stringValue = value }
}

/// Compact JSON text with each object's members sorted by their encoded name; every other
/// byte stays as it was.
func sortedMembers(_ text: [UInt8]) -> [UInt8] {
    var index = 0

    func string() -> [UInt8] {
        let start = index
        index += 1
        while text[index] != UInt8(ascii: "\"") {
            if text[index] == UInt8(ascii: "\\") { index += 1 }
            index += 1
        }
        index += 1
        return Array(text[start..<index])
    }

    func value() -> [UInt8] {
        switch text[index] {
        case UInt8(ascii: "{"):
            index += 1
            var members: [[UInt8]] = []
            while text[index] != UInt8(ascii: "}") {
                if text[index] == UInt8(ascii: ",") { index += 1 }
                let name = string()
                index += 1
                members.append(name + [UInt8(ascii: ":")] + value())
            }
            index += 1
            return Array("{".utf8)
                + Array(members.sorted { $0.lexicographicallyPrecedes($1) }.joined(separator: [UInt8(ascii: ",")]))
                + Array("}".utf8)
        case UInt8(ascii: "["):
            index += 1
            var elements: [[UInt8]] = []
            while text[index] != UInt8(ascii: "]") {
                if text[index] == UInt8(ascii: ",") { index += 1 }
                elements.append(value())
            }
            index += 1
            return Array("[".utf8) + Array(elements.joined(separator: [UInt8(ascii: ",")])) + Array("]".utf8)
        case UInt8(ascii: "\""):
            return string()
        default:
            let start = index
            while index < text.count, !",]}".utf8.contains(text[index]) { index += 1 }
            return Array(text[start..<index])
        }
    }

    return value()
}
