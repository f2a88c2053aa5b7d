/// Why snap.yaml, or the snap directory around it, was refused.
///
/// ``description`` is the text real snapd prints after its `cannot pack "<dir>": `
/// prefix, so messages can be compared with the reference tool's output verbatim.
public struct SnapYAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stage that failed, which decides the message prefix.
    public enum Kind: Sendable, Hashable {
        /// The YAML text is malformed (`cannot parse snap.yaml: yaml: line N: ...`).
        case syntax
        /// A value failed while being decoded into its field (`cannot parse snap.yaml: ...`).
        case decoding
        /// A definition failed while being assembled; snapd prints the reason alone.
        case definition
        /// A rule of snapd's validation failed (`cannot validate snap "NAME": ...`).
        case validation(snap: String)
        /// Files referenced by snap.yaml are missing or have the wrong modes.
        case container
        /// A file could not be read.
        case file
    }

    /// The stage that failed.
    public var kind: Kind
    /// The reason, without any prefix.
    public var reason: String
    /// One line per offending path, for container failures (snapd logs these).
    public var details: [String]

    /// Creates an error.
    public init(_ kind: Kind, _ reason: String, details: [String] = []) {
        self.kind = kind
        self.reason = reason
        self.details = details
    }

    /// The message as snapd words it.
    public var description: String {
        switch kind {
        case .syntax, .decoding: return "cannot parse snap.yaml: \(reason)"
        case .validation(let snap): return "cannot validate snap \(quoted(snap)): \(reason)"
        case .definition, .container, .file: return reason
        }
    }
}

/// Quotes a string the way Go's `%q` does for printable text: backslash-escapes `"`
/// and `\`, and writes control and non-ASCII characters as `\uXXXX`, `\n`, `\t`, ...
///
/// Non-ASCII is escaped as `strconv.QuoteToASCII` does, which is the form snapd's
/// version messages use; other messages quote printable Unicode as is, which
/// ``quoted(_:)`` does.
func quotedASCII(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        result += escaped(scalar, keepUnicode: false)
    }
    return result + "\""
}

/// Quotes a string like Go's `%q`: printable Unicode stays, control characters are escaped.
func quoted(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        result += escaped(scalar, keepUnicode: true)
    }
    return result + "\""
}

private func escaped(_ scalar: Unicode.Scalar, keepUnicode: Bool) -> String {
    switch scalar {
    case "\"": return "\\\""
    case "\\": return "\\\\"
    case "\n": return "\\n"
    case "\t": return "\\t"
    case "\r": return "\\r"
    case "\u{07}": return "\\a"
    case "\u{08}": return "\\b"
    case "\u{0C}": return "\\f"
    case "\u{0B}": return "\\v"
    default: break
    }
    let value = scalar.value
    if value >= 0x20 && value < 0x7F { return String(scalar) }
    if keepUnicode && value > 0xA0 && scalar.properties.generalCategory != .format { return String(scalar) }
    let hex = String(value, radix: 16)
    if value < 0x80 { return "\\x" + String(repeating: "0", count: 2 - hex.count) + hex }
    if value <= 0xFFFF { return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex }
    return "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
}
