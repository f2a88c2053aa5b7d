/// Reads the members of an event payload (JSON text) in one pass, without building a tree,
/// and gives their values as SQLite's JSON functions give them.
///
/// The engine's projection used to read payload fields with `->>` and `->` inside its
/// statements; folding events in memory must give exactly the same values. So:
/// - a string member reads as its text with the escapes decoded (`->>`);
/// - an object or array member reads as its JSON text with the whitespace outside strings
///   removed and everything else kept as written (`->`, `json()`): key order, duplicate keys,
///   escapes and the spelling of numbers;
/// - an integer reads as a 64-bit integer when it has at most 18 digits.
///
/// Only strict JSON (RFC 8259) is accepted. Whenever the text, or a value, lies outside what
/// these rules cover for certain (an escaped member name, `\u0000`, an escaped surrogate, a
/// floating-point number where an integer is read, nesting deeper than 500), the scanner
/// answers nil and the caller lets SQLite apply the event instead.
struct PayloadScanner {
    /// Where a value lies in the text and what it is.
    struct Span {
        enum Kind {
            case string
            case number
            case object
            case array
            case literal
        }

        var kind: Kind
        /// The first byte of the value (the opening quote of a string).
        var start: Int
        /// One past the last byte of the value.
        var end: Int
        /// For a string: no escapes. For a number: an integer (no fraction or exponent).
        /// For an object or array: no whitespace anywhere inside outside its strings.
        var isPlain: Bool
        /// For a literal: `null`.
        var isNull: Bool
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    private static let maximumDepth = 500

    private init(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    // MARK: Objects and arrays

    /// Calls `visit` with the name (the raw bytes between its quotes) and the value of each
    /// member of the object `bytes` holds, in order. Returns false when the text is not one
    /// strict JSON object, when a member name has an escape, or when `visit` returns false.
    static func forEachMember(
        in bytes: UnsafeBufferPointer<UInt8>,
        _ visit: (UnsafeBufferPointer<UInt8>, Span) -> Bool
    ) -> Bool {
        var scanner = PayloadScanner(bytes)
        scanner.skipWhitespace()
        guard scanner.consume(UInt8(ascii: "{")) else { return false }
        guard scanner.scanMembers(depth: 1, visit) else { return false }
        scanner.skipWhitespace()
        return scanner.position == bytes.count
    }

    /// Calls `visit` with each element of the array at `span`; false when `visit` does.
    static func forEachElement(
        of span: Span,
        in bytes: UnsafeBufferPointer<UInt8>,
        _ visit: (Span) -> Bool
    ) -> Bool {
        guard span.kind == .array else { return false }
        var scanner = PayloadScanner(bytes, at: span.start + 1)
        scanner.skipWhitespace()
        if scanner.consume(UInt8(ascii: "]")) { return true }
        while true {
            scanner.skipWhitespace()
            guard let element = scanner.scanValue(depth: 1), visit(element) else { return false }
            scanner.skipWhitespace()
            if scanner.consume(UInt8(ascii: "]")) { return true }
            guard scanner.consume(UInt8(ascii: ",")) else { return false }
        }
    }

    // MARK: Values as SQLite reads them

    /// The text of a string value, escapes decoded; nil for other values and for text
    /// SQLite would read differently (`\u0000` ends it there; escaped surrogates vary between versions).
    static func text(_ span: Span, in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard span.kind == .string else { return nil }
        let content = UnsafeBufferPointer(rebasing: bytes[(span.start + 1)..<(span.end - 1)])
        if span.isPlain { return String(decoding: content, as: UTF8.self) }
        return decodeEscapes(content)
    }

    /// An integer value of at most 18 digits; nil for anything else.
    static func integer(_ span: Span, in bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard span.kind == .number, span.isPlain else { return nil }
        var index = span.start
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard span.end - index <= 18 else { return nil }
        var value: Int64 = 0
        while index < span.end {
            value = value * 10 + Int64(bytes[index] &- UInt8(ascii: "0"))
            index += 1
        }
        return negative ? -value : value
    }

    /// The value's JSON text with the whitespace outside strings removed, as SQLite renders it.
    static func json(_ span: Span, in bytes: UnsafeBufferPointer<UInt8>) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[span.start..<span.end])
        if span.isPlain || span.kind == .string || span.kind == .number || span.kind == .literal {
            return String(decoding: slice, as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(slice.count)
        var inString = false
        var escaped = false
        for byte in slice {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if isWhitespace(byte) {
                continue
            }
            out.append(byte)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// True for the names of members that need no escaping: no quote, backslash or
    /// control character, and not empty.
    static func isPlainName(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !name.isEmpty else { return false }
        for byte in name where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            return false
        }
        return true
    }

    // MARK: Scanning

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private mutating func skipWhitespace() {
        while position < bytes.count, Self.isWhitespace(bytes[position]) { position += 1 }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    /// Scans members after the opening brace, through the closing one.
    private mutating func scanMembers(depth: Int, _ visit: (UnsafeBufferPointer<UInt8>, Span) -> Bool) -> Bool {
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return true }
        while true {
            skipWhitespace()
            guard let name = scanString(), name.isPlain else { return false }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { return false }
            skipWhitespace()
            guard let value = scanValue(depth: depth) else { return false }
            let nameBytes = UnsafeBufferPointer(rebasing: bytes[(name.start + 1)..<(name.end - 1)])
            guard visit(nameBytes, value) else { return false }
            skipWhitespace()
            if consume(UInt8(ascii: "}")) { return true }
            guard consume(UInt8(ascii: ",")) else { return false }
        }
    }

    private mutating func scanValue(depth: Int) -> Span? {
        guard position < bytes.count else { return nil }
        switch bytes[position] {
        case UInt8(ascii: "\""):
            return scanString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            return scanContainer(depth: depth + 1)
        case UInt8(ascii: "t"):
            return scanLiteral("true", isNull: false)
        case UInt8(ascii: "f"):
            return scanLiteral("false", isNull: false)
        case UInt8(ascii: "n"):
            return scanLiteral("null", isNull: true)
        default:
            return scanNumber()
        }
    }

    private mutating func scanLiteral(_ word: StaticString, isNull: Bool) -> Span? {
        let start = position
        guard bytes.count - start >= word.utf8CodeUnitCount else { return nil }
        for offset in 0..<word.utf8CodeUnitCount where bytes[start + offset] != word.utf8Start[offset] {
            return nil
        }
        position += word.utf8CodeUnitCount
        return Span(kind: .literal, start: start, end: position, isPlain: true, isNull: isNull)
    }

    private mutating func scanString() -> Span? {
        let start = position
        guard consume(UInt8(ascii: "\"")) else { return nil }
        var plain = true
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "\"") {
                return Span(kind: .string, start: start, end: position, isPlain: plain, isNull: false)
            }
            if byte < 0x20 { return nil }
            if byte == UInt8(ascii: "\\") {
                plain = false
                guard position < bytes.count else { return nil }
                let escaped = bytes[position]
                position += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                    UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    continue
                case UInt8(ascii: "u"):
                    guard bytes.count - position >= 4 else { return nil }
                    for offset in 0..<4 where Self.hexValue(bytes[position + offset]) == nil { return nil }
                    position += 4
                default:
                    return nil
                }
            }
        }
        return nil
    }

    private mutating func scanNumber() -> Span? {
        let start = position
        _ = consume(UInt8(ascii: "-"))
        guard position < bytes.count else { return nil }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            guard scanDigits() else { return nil }
        }
        var integral = true
        if consume(UInt8(ascii: ".")) {
            integral = false
            guard scanDigits() else { return nil }
        }
        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            integral = false
            if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
            guard scanDigits() else { return nil }
        }
        return Span(kind: .number, start: start, end: position, isPlain: integral, isNull: false)
    }

    /// One or more decimal digits.
    private mutating func scanDigits() -> Bool {
        let start = position
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
            position += 1
        }
        return position > start
    }

    private mutating func scanContainer(depth: Int) -> Span? {
        guard depth <= Self.maximumDepth else { return nil }
        let start = position
        let isObject = bytes[position] == UInt8(ascii: "{")
        position += 1
        var plain = true
        func noteWhitespace(_ scanner: inout PayloadScanner) {
            let before = scanner.position
            scanner.skipWhitespace()
            if scanner.position != before { plain = false }
        }
        let closing = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        noteWhitespace(&self)
        if consume(closing) {
            return Span(kind: isObject ? .object : .array, start: start, end: position, isPlain: plain, isNull: false)
        }
        while true {
            noteWhitespace(&self)
            if isObject {
                guard scanString() != nil else { return nil }
                noteWhitespace(&self)
                guard consume(UInt8(ascii: ":")) else { return nil }
                noteWhitespace(&self)
            }
            guard let value = scanValue(depth: depth) else { return nil }
            if !value.isPlain && (value.kind == .object || value.kind == .array) { plain = false }
            noteWhitespace(&self)
            if consume(closing) { break }
            guard consume(UInt8(ascii: ",")) else { return nil }
        }
        return Span(kind: isObject ? .object : .array, start: start, end: position, isPlain: plain, isNull: false)
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> UInt32 {
        var value: UInt32 = 0
        for offset in 0..<4 { value = value << 4 | (hexValue(bytes[index + offset]) ?? 0) }
        return value
    }

    /// Decodes the escapes of a scanned (so well-formed) string's content.
    private static func decodeEscapes(_ content: UnsafeBufferPointer<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(content.count)
        var index = 0
        while index < content.count {
            let byte = content[index]
            index += 1
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                continue
            }
            let escaped = content[index]
            index += 1
            switch escaped {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                // Surrogate pairs are decoded differently across SQLite versions; leave them to it.
                guard let scalar = Unicode.Scalar(hex4(content, index)), scalar.value != 0 else { return nil }
                index += 4
                UTF8.encode(scalar) { out.append($0) }
            default: out.append(escaped)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
