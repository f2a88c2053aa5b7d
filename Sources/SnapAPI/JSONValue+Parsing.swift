extension JSONValue: JSONParseTree {
    /// Parses JSON text (see ``init(parsing:)-(String)``).
    ///
    /// A number becomes `.integer` when it is an integer that fits in `Int64`, whatever
    /// its spelling (`-0`, `1.0`, `1e2` and `7.5e1` are integers 0, 1, 100 and 75; see
    /// the parser's `jsonInteger(fromFractionOrExponent:as:)` for the rounding cases, such as `1e-400`
    /// being 0), as FoundationEssentials' `JSONDecoder` reads them; any other number
    /// becomes `.double`, the nearest `Double` (`9223372036854775808` is
    /// 9.223372036854776e18).
    /// A repeated object member name keeps its first value.
    ///
    /// - Throws: ``JSONParseError`` naming the byte offset and what was expected there.
    public init(parsing bytes: [UInt8]) throws(JSONParseError) {
        self = try bytes.withUnsafeBufferPointer { (buffer) throws(JSONParseError) in
            try JSONParser<JSONValue>.parse(buffer)
        }
    }

    /// Parses JSON text: a strict RFC 8259 parser (no trailing commas, comments, `NaN` or
    /// unpaired surrogates), nesting at most 512 arrays and objects deep.
    ///
    /// - Throws: ``JSONParseError`` naming the byte offset and what was expected there.
    public init(parsing text: String) throws(JSONParseError) {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(JSONParseError) in try JSONParser<JSONValue>.parse(buffer) }
        }
        self = try result.get()
    }

    static var jsonNull: JSONValue { .null }

    static func jsonBool(_ value: Bool) -> JSONValue { .bool(value) }

    static func jsonNumber(_ text: String, isInteger: Bool) -> JSONValue? {
        if isInteger, let value = Int64(text) { return .integer(value) }
        if !isInteger, let value = jsonInteger(fromFractionOrExponent: text, as: Int64.self) { return .integer(value) }
        // An integer spelled without fraction or exponent but outside Int64 is a double.
        guard let value = Double(text), value.isFinite else { return nil }
        return .double(value)
    }

    static func jsonString(_ value: String) -> JSONValue { .string(value) }

    static func jsonArray(_ elements: [JSONValue]) -> JSONValue { .array(elements) }

    static func jsonObject(_ members: [(String, JSONValue)]) -> JSONValue {
        .object(Dictionary(members) { first, _ in first })
    }
}
