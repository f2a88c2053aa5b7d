/// One node of a parsed YAML document, as the snap.yaml reader sees it.
///
/// Scalars keep their source text and style, so `version: 1.10` stays the text
/// `1.10`; typing happens later, per field, the way a Go YAML decoder types a value
/// by the field it lands in. Mappings keep their keys in file order with duplicates
/// folded: a repeated key keeps its first position and takes the last value, and
/// the values it replaced stay available in ``YAMLMapping/Entry/shadowed``.
public struct YAMLNode: Sendable, Hashable {
    /// How a scalar was written in the source.
    public enum ScalarStyle: Sendable, Hashable {
        /// Unquoted text.
        case plain
        /// Text in single quotes.
        case singleQuoted
        /// Text in double quotes.
        case doubleQuoted
        /// A `|` block.
        case literal
        /// A `>` block.
        case folded
    }

    /// The shape and content of a node.
    public indirect enum Content: Sendable, Hashable {
        /// A scalar with its source text and style.
        case scalar(String, style: ScalarStyle)
        /// A sequence of nodes.
        case sequence([YAMLNode])
        /// A mapping, in file order, duplicate keys folded.
        case mapping([YAMLMapping.Entry])
    }

    /// What the node holds.
    public var content: Content
    /// The explicit tag written in the source (`!!str`), if any.
    public var tag: String?
    /// The 1-based line where the node starts.
    public var line: Int

    /// Creates a node.
    public init(_ content: Content, tag: String? = nil, line: Int) {
        self.content = content
        self.tag = tag
        self.line = line
    }

    /// The scalar text, or nil for a sequence or mapping.
    public var scalarText: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// Whether this is a YAML null: `~`, `null` or empty plain text, or a `!!null` tag.
    public var isNull: Bool {
        guard case .scalar(let text, let style) = content else { return false }
        if tag == "tag:yaml.org,2002:null" { return true }
        guard style == .plain, tag == nil else { return false }
        return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }

    /// The entries of a mapping, or nil for other nodes.
    public var mapping: YAMLMapping? {
        if case .mapping(let entries) = content { return YAMLMapping(entries: entries) }
        return nil
    }

    /// The items of a sequence, or nil for other nodes.
    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The YAML 1.1 kind a Go decoder names in its messages: `!!str`, `!!int`, `!!seq`, ...
    public var kindName: String {
        switch content {
        case .sequence: return "!!seq"
        case .mapping: return "!!map"
        case .scalar:
            switch YAMLScalarValue(self) {
            case .null: return "!!null"
            case .bool: return "!!bool"
            case .int: return "!!int"
            case .float: return "!!float"
            case .string: return "!!str"
            }
        }
    }
}

/// The entries of a YAML mapping, with lookup by key text.
public struct YAMLMapping: Sendable, Hashable {
    /// One key and its value.
    public struct Entry: Sendable, Hashable {
        /// The key node (a scalar in every snap.yaml).
        public var key: YAMLNode
        /// The value node: the last one written for this key.
        public var value: YAMLNode
        /// Earlier values written for the same key, in file order. A Go decoder
        /// still decodes them (their type errors count, maps merge), so the
        /// snap.yaml reader looks at them too.
        public var shadowed: [YAMLNode]

        /// Creates an entry.
        public init(key: YAMLNode, value: YAMLNode, shadowed: [YAMLNode] = []) {
            self.key = key
            self.value = value
            self.shadowed = shadowed
        }

        /// Every value written for the key, in file order, the last one last.
        public var allValues: [YAMLNode] { shadowed + [value] }

        /// The key's text; a non-scalar key reads as an empty string.
        public var name: String { key.scalarText ?? "" }
    }

    /// The entries in file order.
    public var entries: [Entry]

    /// Creates a mapping from entries already folded.
    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// The value for a key, or nil when the key is absent.
    public subscript(key: String) -> YAMLNode? {
        entries.first { $0.key.scalarText == key }?.value
    }
}

/// A scalar typed by YAML 1.1 rules, as Go's yaml.v2 resolves plain scalars.
public enum YAMLScalarValue: Sendable, Hashable {
    /// `~`, `null`, or nothing.
    case null
    /// `true`/`false` and the YAML 1.1 spellings `yes`, `no`, `on`, `off`.
    case bool(Bool)
    /// A decimal, `0x` hexadecimal, `0b` binary or leading-zero octal integer.
    case int(Int64)
    /// A decimal floating-point number, `.inf` or `.nan`.
    case float(Double)
    /// Anything else, and every quoted or block scalar.
    case string(String)

    /// Resolves a node; sequences and mappings resolve to `.null`.
    public init(_ node: YAMLNode) {
        guard case .scalar(let text, let style) = node.content else {
            self = .null
            return
        }
        if node.isNull {
            self = .null
        } else if style != .plain || node.tag == "tag:yaml.org,2002:str" {
            self = .string(text)
        } else {
            self = YAMLScalarValue.resolvePlain(text)
        }
    }

    private static func resolvePlain(_ text: String) -> YAMLScalarValue {
        switch text {
        case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON":
            return .bool(true)
        case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF":
            return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
            return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF":
            return .float(-.infinity)
        case ".nan", ".NaN", ".NAN":
            return .float(.nan)
        default:
            break
        }
        if let number = parseInteger(text) {
            return .int(number)
        }
        if isFloat(text), let number = Double(text.replacing("_", with: "")) {
            return .float(number)
        }
        return .string(text)
    }

    /// Parses a YAML 1.1 integer: optional sign, then `0x`, `0b`, a leading `0` for
    /// octal, or decimal digits; underscores are separators.
    static func parseInteger(_ text: String) -> Int64? {
        var digits = Substring(text)
        var negative = false
        if let first = digits.first, first == "-" || first == "+" {
            negative = first == "-"
            digits = digits.dropFirst()
        }
        guard let first = digits.first, first.isASCII, first.isNumber else { return nil }

        var radix = 10
        if digits.hasPrefix("0x") {
            radix = 16
            digits = digits.dropFirst(2)
        } else if digits.hasPrefix("0b") {
            radix = 2
            digits = digits.dropFirst(2)
        } else if digits.count > 1, digits.hasPrefix("0") {
            radix = 8
            digits = digits.dropFirst()
        }
        let cleaned = digits.filter { $0 != "_" }
        guard !cleaned.isEmpty, let magnitude = UInt64(cleaned, radix: radix) else { return nil }
        if negative {
            return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    private static func isFloat(_ text: String) -> Bool {
        // [-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?  (YAML 1.1 float, simplified)
        var sawDigit = false
        var sawDot = false
        for (index, character) in text.enumerated() {
            switch character {
            case "0"..."9": sawDigit = true
            case "_": continue
            case ".": sawDot = true
            case "-", "+": if index != 0 && !text.lowercased().contains("e") { return false }
            case "e", "E": if !sawDigit { return false }
            default: return false
            }
        }
        return sawDigit && sawDot
    }
}
