import SnapAPI

/// Request bodies spelled byte for byte as the real client's JSON encoder spells them:
/// members in the order given, compact, and `<`, `>`, `&`, U+2028 and U+2029 escaped.
struct GoJSON {
    private var members: [(String, JSONValue)] = []

    /// Adds a member.
    mutating func add(_ key: String, _ value: JSONValue) {
        members.append((key, value))
    }

    /// Adds a string member unless the string is empty (Go's `omitempty`).
    mutating func add(_ key: String, nonEmpty value: String?) {
        if let value, !value.isEmpty { add(key, .string(value)) }
    }

    /// Adds `true` when `value` is set (Go's `omitempty` on a boolean).
    mutating func add(_ key: String, ifTrue value: Bool) {
        if value { add(key, .bool(true)) }
    }

    /// The object as text.
    var text: String {
        "{" + members.map { Self.string($0.0) + ":" + Self.value($0.1) }.joined(separator: ",") + "}"
    }

    /// One value; objects inside a body only come from ``GoJSON`` itself, so sorting is fine.
    static func value(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): string(text)
        case .array(let values): "[" + values.map(Self.value).joined(separator: ",") + "]"
        case .object(let members):
            "{"
                + members.keys.sorted().map { string($0) + ":" + Self.value(members[$0] ?? .null) }.joined(
                    separator: ","
                )
                + "}"
        default: value.jsonText
        }
    }

    /// A string literal with Go's escaping.
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || "<>&\u{2028}\u{2029}".unicodeScalars.contains(scalar):
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
