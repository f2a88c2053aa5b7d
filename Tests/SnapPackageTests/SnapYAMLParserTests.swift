import SnapPackage
import Testing

/// The libyaml wrapper: text and style kept, Go yaml.v2's key and alias behaviour.
@Suite("YAML node reader")
struct SnapYAMLParserTests {
    static func root(_ text: String) throws -> YAMLMapping {
        let node = try #require(try YAMLParser.parse(text))
        return try #require(node.mapping)
    }

    @Test("scalars keep their source text and style")
    func scalarsKeepText() throws {
        let mapping = try Self.root("a: 1.10\nb: '0640'\nc: \"x\\ty\"\nd: |\n  line\ne: >\n  folded\n  text\n")
        #expect(mapping["a"]?.content == .scalar("1.10", style: .plain))
        #expect(mapping["b"]?.content == .scalar("0640", style: .singleQuoted))
        #expect(mapping["c"]?.content == .scalar("x\ty", style: .doubleQuoted))
        #expect(mapping["d"]?.content == .scalar("line\n", style: .literal))
        #expect(mapping["e"]?.content == .scalar("folded text\n", style: .folded))
        #expect(mapping["e"]?.line == 6)
    }

    @Test("a repeated key keeps its first position and takes the last value")
    func lastDuplicateWins() throws {
        let mapping = try Self.root("a: 1\nb: 2\na: 3\n")
        #expect(mapping.entries.map(\.name) == ["a", "b"])
        #expect(mapping["a"]?.scalarText == "3")
    }

    @Test("aliases expand to the anchored node; unknown anchors are refused")
    func aliases() throws {
        let mapping = try Self.root("base: &common [x, y]\ncopy: *common\n")
        #expect(mapping["copy"]?.sequence?.compactMap(\.scalarText) == ["x", "y"])
        #expect(throws: SnapYAMLError(.syntax, "yaml: unknown anchor 'nope' referenced")) {
            try YAMLParser.parse("a: *nope\n")
        }
    }

    @Test("only the first document is read")
    func firstDocumentOnly() throws {
        let mapping = try Self.root("a: 1\n---\na: 2\n---\n[broken\n")
        #expect(mapping["a"]?.scalarText == "1")
        #expect(try YAMLParser.parse("") == nil)
    }

    @Test("syntax errors name the line like yaml.v2")
    func syntaxErrors() {
        #expect(throws: SnapYAMLError(.syntax, "yaml: line 2: did not find expected ',' or ']'")) {
            try YAMLParser.parse("a:\n  b: [x\n")
        }
        #expect(throws: SnapYAMLError(.syntax, "yaml: line 2: mapping values are not allowed in this context")) {
            try YAMLParser.parse("a: b\nc: d: e\n")
        }
    }

    @Test("plain scalars resolve by YAML 1.1 rules")
    func yaml11Resolution() throws {
        let mapping = try Self.root("o: 0640\nh: 0x1F\nd: 1_000\nb: yes\nf: 1.5\nn: ~\ns: '12'\nt: 1.2.3\nneg: -12\n")
        func value(_ key: String) throws -> YAMLScalarValue { YAMLScalarValue(try #require(mapping[key])) }
        #expect(try value("o") == .int(0o640))
        #expect(try value("h") == .int(31))
        #expect(try value("d") == .int(1000))
        #expect(try value("b") == .bool(true))
        #expect(try value("f") == .float(1.5))
        #expect(try value("n") == .null)
        #expect(try value("s") == .string("12"))
        #expect(try value("t") == .string("1.2.3"))
        #expect(try value("neg") == .int(-12))
    }

    @Test("errors print with snapd's prefixes")
    func errorDescriptions() {
        #expect(SnapYAMLError(.syntax, "yaml: x").description == "cannot parse snap.yaml: yaml: x")
        #expect(SnapYAMLError(.validation(snap: "a"), "bad").description == "cannot validate snap \"a\": bad")
        #expect(SnapYAMLError(.definition, "plain").description == "plain")
    }
}
