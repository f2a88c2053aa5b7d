/// A header value of the form `type; name=value; name="quoted value"`, as `Content-Type`
/// and `Content-Disposition` are written (RFC 9110 section 5.6.6, RFC 6266 section 4.1).
struct HeaderValue: Sendable, Hashable {
    /// The part before the first `;`, trimmed and lower-cased (`multipart/form-data`).
    var type: String
    /// The parameters, names lower-cased, quoted values unquoted, in order.
    var parameters: [(name: String, value: String)]

    /// The first value of the parameter called `name` (case-insensitive), or nil.
    subscript(name: String) -> String? {
        let lowered = name.lowercased()
        return parameters.first { $0.name == lowered }?.value
    }

    static func == (lhs: HeaderValue, rhs: HeaderValue) -> Bool {
        lhs.type == rhs.type
            && lhs.parameters.elementsEqual(rhs.parameters) { $0.name == $1.name && $0.value == $1.value }
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(type)
        for parameter in parameters {
            hasher.combine(parameter.name)
            hasher.combine(parameter.value)
        }
    }

    /// Parses `text`; nil when a quoted value is not terminated or a parameter has no name.
    ///
    /// Inside quotes a backslash escapes the next character, which is how clients write a
    /// quote or a backslash in a file name. Parameters without `=` are ignored.
    init?(parsing text: String) {
        var scanner = Scanner(bytes: Array(text.utf8))
        type = trimmingSpaces(scanner.read { $0 != UInt8(ascii: ";") }[...]).lowercased()
        parameters = []

        while scanner.skip(UInt8(ascii: ";")) {
            let rawName = scanner.read { $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: ";") }
            let name = trimmingSpaces(rawName[...]).lowercased()
            guard scanner.skip(UInt8(ascii: "=")) else { continue }
            guard !name.isEmpty else { return nil }
            scanner.skipSpaces()
            let value: String
            if scanner.skip(UInt8(ascii: "\"")) {
                guard let quoted = scanner.readQuoted() else { return nil }
                value = quoted
                _ = scanner.read { $0 != UInt8(ascii: ";") }
            } else {
                value = trimmingSpaces(scanner.read { $0 != UInt8(ascii: ";") }[...])
            }
            parameters.append((name: name, value: value))
        }
    }

    /// Reads bytes of a header value from left to right.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        /// The bytes up to the first one `accept` refuses, as text.
        mutating func read(while accept: (UInt8) -> Bool) -> String {
            let start = index
            while index < bytes.count, accept(bytes[index]) {
                index += 1
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        /// Consumes `byte` when it comes next.
        mutating func skip(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func skipSpaces() {
            while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") {
                index += 1
            }
        }

        /// The rest of a quoted string whose opening quote is consumed; nil when it never ends.
        mutating func readQuoted() -> String? {
            var value: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(decoding: value, as: UTF8.self)
                case UInt8(ascii: "\\") where index < bytes.count:
                    value.append(bytes[index])
                    index += 1
                default:
                    value.append(byte)
                }
            }
            return nil
        }
    }
}

/// `text` without leading and trailing spaces and tabs.
func trimmingSpaces(_ text: Substring) -> String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) })
    else {
        return ""
    }
    return String(text[first...last])
}
