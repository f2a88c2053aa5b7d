/// A strict RFC 8259 parser from UTF-8 bytes to a tree of JSON values.
///
/// It accepts exactly one value surrounded by optional whitespace (space, tab, line feed,
/// carriage return), after an optional UTF-8 byte order mark, which RFC 8259 lets a parser
/// ignore. It refuses everything else with a ``JSONParseError`` naming the byte offset and
/// what was expected there: trailing commas, leading zeros, `NaN`, unescaped control
/// characters, invalid UTF-8, unpaired UTF-16 surrogates in `\u` escapes, numbers outside
/// `Double`'s range, text after the value, and containers nested deeper than
/// ``maximumDepth``.
///
/// An object member whose name repeats an earlier one is kept in the node tree the decoder
/// reads; ``JSONValue`` keeps the first, as FoundationEssentials' `JSONDecoder` does.
struct JSONParser<Tree: JSONParseTree>: ~Copyable {
    /// How deeply arrays and objects may nest: 512, so that a hostile body cannot exhaust
    /// the stack of a daemon thread.
    static var maximumDepth: Int { 512 }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var offset = 0
    private var depth = 0

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Parses one JSON text.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> Tree {
        var parser = JSONParser(bytes: bytes)
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            parser.offset = 3
        }
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.offset == bytes.count else {
            throw parser.error("expected the end of the text after the value")
        }
        return value
    }

    // MARK: Values

    private mutating func parseValue() throws(JSONParseError) -> Tree {
        skipWhitespace()
        guard offset < bytes.count else { throw error("expected a value") }
        switch bytes[offset] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .jsonString(try parseString())
        case UInt8(ascii: "t"): return try parseLiteral("true", .jsonBool(true))
        case UInt8(ascii: "f"): return try parseLiteral("false", .jsonBool(false))
        case UInt8(ascii: "n"): return try parseLiteral("null", .jsonNull)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("expected a value")
        }
    }

    private mutating func parseLiteral(_ word: StaticString, _ value: Tree) throws(JSONParseError) -> Tree {
        let start = offset
        for index in 0..<word.utf8CodeUnitCount {
            guard offset < bytes.count, bytes[offset] == word.utf8Start[index] else {
                offset = start
                throw error("expected a value")
            }
            offset += 1
        }
        return value
    }

    private mutating func parseArray() throws(JSONParseError) -> Tree {
        try enterContainer()
        offset += 1
        var elements: [Tree] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            offset += 1
            depth -= 1
            return .jsonArray(elements)
        }
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "]"):
                offset += 1
                depth -= 1
                return .jsonArray(elements)
            default: throw error("expected ',' or ']' after an array element")
            }
        }
    }

    private mutating func parseObject() throws(JSONParseError) -> Tree {
        try enterContainer()
        offset += 1
        var members: [(String, Tree)] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            offset += 1
            depth -= 1
            return .jsonObject(members)
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw error("expected a string naming an object member") }
            let name = try parseString()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw error("expected ':' after an object member's name") }
            offset += 1
            members.append((name, try parseValue()))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "}"):
                offset += 1
                depth -= 1
                return .jsonObject(members)
            default: throw error("expected ',' or '}' after an object member")
            }
        }
    }

    private mutating func enterContainer() throws(JSONParseError) {
        depth += 1
        guard depth <= Self.maximumDepth else {
            throw error("expected at most \(Self.maximumDepth) nested arrays and objects")
        }
    }

    // MARK: Numbers

    /// Scans `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` and hands its text on.
    private mutating func parseNumber() throws(JSONParseError) -> Tree {
        let start = offset
        var isInteger = true
        if peek() == UInt8(ascii: "-") { offset += 1 }
        if peek() == UInt8(ascii: "0") {
            offset += 1
        } else {
            try scanDigits(after: "a digit")
        }
        if peek() == UInt8(ascii: ".") {
            isInteger = false
            offset += 1
            try scanDigits(after: "a digit after the decimal point")
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            isInteger = false
            offset += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { offset += 1 }
            try scanDigits(after: "a digit in the exponent")
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
        guard let value = Tree.jsonNumber(text, isInteger: isInteger) else {
            offset = start
            throw error("expected a number within the range of a 64-bit floating-point value")
        }
        return value
    }

    private mutating func scanDigits(after expectation: String) throws(JSONParseError) {
        guard let first = peek(), first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else {
            throw error("expected \(expectation)")
        }
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { offset += 1 }
    }

    // MARK: Strings

    /// Parses a string starting at its opening quote; leaves `offset` after the closing one.
    private mutating func parseString() throws(JSONParseError) -> String {
        offset += 1
        let start = offset
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                let text = try validated(UnsafeBufferPointer(rebasing: bytes[start..<offset]), at: start)
                offset += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { return try parseEscapedString(from: start) }
            guard byte >= 0x20 else { throw error("expected a control character to be escaped") }
            offset += 1
        }
        throw error("expected '\"' to end the string")
    }

    /// The slow path for a string holding escapes: copies its bytes while decoding them.
    private mutating func parseEscapedString(from start: Int) throws(JSONParseError) -> String {
        var buffer = Array(bytes[start..<offset])
        while offset < bytes.count {
            let byte = bytes[offset]
            switch byte {
            case UInt8(ascii: "\""):
                let text = try buffer.withUnsafeBufferPointer { (raw) throws(JSONParseError) in
                    try validated(raw, at: start)
                }
                offset += 1
                return text
            case UInt8(ascii: "\\"):
                try appendEscape(to: &buffer)
            case ..<0x20:
                throw error("expected a control character to be escaped")
            default:
                buffer.append(byte)
                offset += 1
            }
        }
        throw error("expected '\"' to end the string")
    }

    /// Decodes the escape at `offset` (a backslash) into `buffer` as UTF-8.
    private mutating func appendEscape(to buffer: inout [UInt8]) throws(JSONParseError) {
        offset += 1
        guard let letter = peek() else { throw error("expected an escape character after '\\'") }
        let simple: UInt8? =
            switch letter {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): letter
            case UInt8(ascii: "b"): 0x08
            case UInt8(ascii: "f"): 0x0C
            case UInt8(ascii: "n"): 0x0A
            case UInt8(ascii: "r"): 0x0D
            case UInt8(ascii: "t"): 0x09
            default: nil
            }
        if let simple {
            buffer.append(simple)
            offset += 1
            return
        }
        guard letter == UInt8(ascii: "u") else {
            throw error("expected one of '\"', '\\', '/', 'b', 'f', 'n', 'r', 't' or 'u' after '\\'")
        }
        let escapeStart = offset - 1
        offset += 1
        var code = UInt32(try parseHexQuad())
        if (0xDC00...0xDFFF).contains(code) {
            offset = escapeStart
            throw error("expected a high surrogate before the low surrogate \\u\(hex(code))")
        }
        if (0xD800...0xDBFF).contains(code) {
            guard peek() == UInt8(ascii: "\\"), peek(at: 1) == UInt8(ascii: "u") else {
                throw error("expected a '\\u' low surrogate after the high surrogate \\u\(hex(code))")
            }
            offset += 2
            let low = UInt32(try parseHexQuad())
            guard (0xDC00...0xDFFF).contains(low) else {
                offset -= 6
                throw error("expected a low surrogate after the high surrogate \\u\(hex(code))")
            }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        // Every value left is a Unicode scalar: surrogates were paired or refused above.
        if let scalar = Unicode.Scalar(code) {
            UTF8.encode(scalar) { buffer.append($0) }
        }
    }

    private mutating func parseHexQuad() throws(JSONParseError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard let byte = peek(), let digit = Self.hexValue(byte) else {
                throw error("expected four hexadecimal digits after '\\u'")
            }
            value = value << 4 | UInt16(digit)
            offset += 1
        }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private func hex(_ code: UInt32) -> String {
        let digits = String(code, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The string of `raw`, or an error at the first byte that is not UTF-8.
    private func validated(_ raw: UnsafeBufferPointer<UInt8>, at start: Int) throws(JSONParseError) -> String {
        if let text = String(validating: raw, as: UTF8.self) { return text }
        var iterator = raw.makeIterator()
        var decoder = UTF8()
        var position = start
        while case .scalarValue(let scalar) = decoder.decode(&iterator) {
            position += String(scalar).utf8.count
        }
        throw JSONParseError(offset: position, expected: "expected UTF-8 text in the string")
    }

    // MARK: Bytes

    private func peek(at distance: Int = 0) -> UInt8? {
        offset + distance < bytes.count ? bytes[offset + distance] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = peek(),
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: "\t")
        {
            offset += 1
        }
    }

    private func error(_ expected: String) -> JSONParseError {
        JSONParseError(offset: offset, expected: expected)
    }
}

/// The integer a JSON number spelled with a fraction or exponent stands for, as
/// `JSONDecoder` reads it: when its nearest `Double` is an integer within `Value`'s range,
/// the number's exact value if that is an integer (`7.717793873620353e+17` is
/// 771779387362035300, not the double's 771779387362035328), else the double's
/// (`1e-400` is 0); nil otherwise (`1.5`, `9223372036854775807.0` as `Int64`).
func jsonInteger<Value: FixedWidthInteger>(fromFractionOrExponent text: String, as type: Value.Type) -> Value? {
    guard let double = Double(text), let nearest = Value(exactly: double) else { return nil }
    return exactInteger(text, as: type) ?? nearest
}

/// The integer `text` (a JSON number) denotes exactly, or nil when it is not an integer
/// or does not fit in `Value`.
private func exactInteger<Value: FixedWidthInteger>(_ text: String, as type: Value.Type) -> Value? {
    var digits: [UInt8] = []
    var exponent = 0
    var isNegative = false
    var index = text.utf8.startIndex
    let utf8 = text.utf8
    if utf8[index] == UInt8(ascii: "-") {
        isNegative = true
        index = utf8.index(after: index)
    }
    var inFraction = false
    while index < utf8.endIndex, utf8[index] != UInt8(ascii: "e"), utf8[index] != UInt8(ascii: "E") {
        if utf8[index] == UInt8(ascii: ".") {
            inFraction = true
        } else {
            digits.append(utf8[index] - UInt8(ascii: "0"))
            if inFraction { exponent -= 1 }
        }
        index = utf8.index(after: index)
    }
    if index < utf8.endIndex {
        guard let written = Int(text[text.utf8.index(after: index)...].drop { $0 == "+" }) else { return nil }
        exponent += written
    }

    // Drop trailing zeros into the exponent and leading zeros altogether.
    while digits.count > 1, digits.last == 0 {
        digits.removeLast()
        exponent += 1
    }
    while digits.count > 1, digits.first == 0 { digits.removeFirst() }
    if digits == [0] { return 0 }
    guard exponent >= 0, digits.count + exponent <= 40 else { return nil }

    var value: Value = 0
    for digit in digits + Array(repeating: 0, count: exponent) {
        let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
        let (next, carry) =
            isNegative
            ? shifted.subtractingReportingOverflow(Value(digit)) : shifted.addingReportingOverflow(Value(digit))
        guard !overflow, !carry else { return nil }
        value = next
    }
    return value
}

/// A tree the parser can build: ``JSONValue``, or the node tree the decoder reads.
protocol JSONParseTree {
    static var jsonNull: Self { get }
    static func jsonBool(_ value: Bool) -> Self
    /// The number whose JSON text is `text`; nil when it is outside `Double`'s range.
    static func jsonNumber(_ text: String, isInteger: Bool) -> Self?
    static func jsonString(_ value: String) -> Self
    static func jsonArray(_ elements: [Self]) -> Self
    static func jsonObject(_ members: [(String, Self)]) -> Self
}

/// Text that is not JSON: where, and what the parser expected there.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The offset of the offending byte from the start of the text (0-based).
    public var offset: Int
    /// What the parser expected at `offset`, such as "expected ',' or ']' after an array element".
    public var expected: String

    /// Creates an error.
    public init(offset: Int, expected: String) {
        self.offset = offset
        self.expected = expected
    }

    /// `invalid JSON at byte N: expected ...`.
    public var description: String { "invalid JSON at byte \(offset): \(expected)" }
}
