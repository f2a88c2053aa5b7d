/// Decodes any `Decodable` from JSON text, throwing the `DecodingError` values
/// FoundationEssentials' `JSONDecoder` throws, so that messages built from them read the
/// same: `typeMismatch` with the Swift type expected (`Dictionary<String, Any>` for an
/// object, `Array<Any>` for an array), `valueNotFound` for null, `keyNotFound`, each with
/// the coding path of the value, array elements named `Index N` with an integer value.
///
/// Numbers convert as `JSONDecoder` converts them: an integer type reads `1.0` and `1e2`
/// (values that are exactly integers) but not `1.5`, and a value outside its range (300 as
/// `UInt8`) is an error; `Double` and `Float` read the nearest value, and refuse a number
/// beyond their range or one that would round to zero (`1e-400`).
///
/// Where it differs from `JSONDecoder`, on purpose:
/// - The whole text is parsed strictly first (see ``JSONValue/init(parsing:)-(String)``),
///   so a trailing comma, a leading zero or an unpaired surrogate anywhere is invalid JSON,
///   even in a member the type never reads (`JSONDecoder` accepts trailing commas and checks
///   numbers and strings only when it reads them). Invalid text throws `dataCorrupted` with
///   an empty coding path and the ``JSONParseError`` as the underlying error.
/// - A number that does not fit the type throws `dataCorrupted` at the number's coding
///   path ("Parsed JSON number <300> does not fit in UInt8."), where `JSONDecoder` reports
///   "The given data was not valid JSON." with an empty path, as if the text were broken.
public struct JSONTextDecoder: Sendable {
    /// Creates a decoder.
    public init() {}

    /// Decodes a `type` from the JSON text `bytes`.
    public func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8]) throws -> Value {
        let root: JSONNode
        do {
            root = try bytes.withUnsafeBufferPointer { (buffer) throws(JSONParseError) in
                try JSONParser<JSONNode>.parse(buffer)
            }
        } catch {
            let context = DecodingError.Context(
                codingPath: [],
                debugDescription: "The given data was not valid JSON.",
                underlyingError: error
            )
            throw DecodingError.dataCorrupted(context)
        }
        return try NodeDecoder(node: root, codingPath: []).decode(type)
    }
}

/// A parsed JSON value as the decoder reads it: numbers keep their text, so that each
/// type converts from the digits rather than from a rounded value, and objects keep their
/// members in order, repeats included.
enum JSONNode: JSONParseTree {
    case null
    case bool(Bool)
    case number(String, isInteger: Bool)
    case string(String)
    case array([JSONNode])
    case object([(String, JSONNode)])

    static var jsonNull: JSONNode { .null }
    static func jsonBool(_ value: Bool) -> JSONNode { .bool(value) }
    static func jsonNumber(_ text: String, isInteger: Bool) -> JSONNode? {
        guard let value = Double(text), value.isFinite else { return nil }
        return .number(text, isInteger: isInteger)
    }
    static func jsonString(_ value: String) -> JSONNode { .string(value) }
    static func jsonArray(_ elements: [JSONNode]) -> JSONNode { .array(elements) }
    static func jsonObject(_ members: [(String, JSONNode)]) -> JSONNode { .object(members) }

    /// How `JSONDecoder` names the kind of value it found, in type mismatch messages.
    var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "a string"
        case .array: "an array"
        case .object: "a dictionary"
        }
    }
}

/// A coding key for array elements (`Index 3`, integer value 3) and for `super`.
struct JSONCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init(intValue: Int) {
        self.stringValue = "\(intValue)"
        self.intValue = intValue
    }

    init(index: Int) {
        self.stringValue = "Index \(index)"
        self.intValue = index
    }

    static let `super` = JSONCodingKey(stringValue: "super")
}

/// The `Decoder` over one node; it is its own single-value container.
struct NodeDecoder: Decoder, SingleValueDecodingContainer {
    let node: JSONNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        switch node {
        case .object(let members):
            return KeyedDecodingContainer(NodeKeyedContainer<Key>(members: members, codingPath: codingPath))
        case .null:
            throw DecodingError.valueNotFound(
                [String: Any].self,
                context("Cannot get keyed decoding container -- found null value instead")
            )
        default:
            throw mismatch([String: Any].self)
        }
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch node {
        case .array(let elements):
            return NodeUnkeyedContainer(elements: elements, codingPath: codingPath)
        case .null:
            throw DecodingError.valueNotFound(
                [Any].self,
                context("Cannot get unkeyed decoding container -- found null value instead")
            )
        default:
            throw mismatch([Any].self)
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    // MARK: Single value

    func decodeNil() -> Bool {
        if case .null = node { return true }
        return false
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .bool(let value) = node else { throw failure(type) }
        return value
    }

    func decode(_ type: String.Type) throws -> String {
        guard case .string(let value) = node else { throw failure(type) }
        return value
    }

    func decode(_ type: Double.Type) throws -> Double { try floatingPoint(type) }
    func decode(_ type: Float.Type) throws -> Float { try floatingPoint(type) }

    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
        try Value(from: self)
    }

    /// The nearest value of the type; a number beyond its range, or one that is not zero
    /// but would round to zero (`1e-400`), does not fit.
    private func floatingPoint<Value: BinaryFloatingPoint & LosslessStringConvertible>(
        _ type: Value.Type
    ) throws -> Value {
        guard case .number(let text, _) = node else { throw failure(type) }
        guard let value = Value(text), value.isFinite else { throw doesNotFit(text, type) }
        let mantissa = text.utf8.prefix { $0 != UInt8(ascii: "e") && $0 != UInt8(ascii: "E") }
        if value == 0, mantissa.contains(where: { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9") }) {
            throw doesNotFit(text, type)
        }
        return value
    }

    /// An integer from digits, or from a number that is exactly an integer (`1.0`, `1e2`).
    private func integer<Value: FixedWidthInteger>(_ type: Value.Type) throws -> Value {
        guard case .number(let text, let isInteger) = node else { throw failure(type) }
        if isInteger {
            guard let value = Value(text) else { throw doesNotFit(text, type) }
            return value
        }
        guard let value = jsonInteger(fromFractionOrExponent: text, as: type) else { throw doesNotFit(text, type) }
        return value
    }

    // MARK: Errors

    func context(_ description: String) -> DecodingError.Context {
        DecodingError.Context(codingPath: codingPath, debugDescription: description)
    }

    /// `valueNotFound` for null, `typeMismatch` for any other value.
    private func failure(_ type: Any.Type) -> DecodingError {
        if case .null = node {
            return .valueNotFound(type, context("Cannot get value of type \(type) -- found null value instead"))
        }
        return mismatch(type)
    }

    private func mismatch(_ type: Any.Type) -> DecodingError {
        .typeMismatch(type, context("Expected to decode \(type) but found \(node.kindDescription) instead."))
    }

    private func doesNotFit(_ text: String, _ type: Any.Type) -> DecodingError {
        .dataCorrupted(context("Parsed JSON number <\(text)> does not fit in \(type)."))
    }
}

/// The keyed container over an object's members; a repeated name reads its first value.
struct NodeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let codingPath: [any CodingKey]
    private let members: [(String, JSONNode)]
    /// The first value of each name, for objects too large to search member by member.
    private let index: [String: JSONNode]?

    init(members: [(String, JSONNode)], codingPath: [any CodingKey]) {
        self.codingPath = codingPath
        self.members = members
        self.index = members.count > 16 ? Dictionary(members) { first, _ in first } : nil
    }

    var allKeys: [Key] {
        var seen = Set<String>()
        return members.compactMap { name, _ in seen.insert(name).inserted ? Key(stringValue: name) : nil }
    }

    private func value(named name: String) -> JSONNode? {
        if let index { return index[name] }
        return members.first { $0.0 == name }?.1
    }

    func contains(_ key: Key) -> Bool { value(named: key.stringValue) != nil }

    func decodeNil(forKey key: Key) throws -> Bool {
        try decoder(for: key).decodeNil()
    }

    func decode<Value: Decodable>(_ type: Value.Type, forKey key: Key) throws -> Value {
        try decoder(for: key).decode(type)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try decoder(for: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder(for: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        NodeDecoder(node: value(named: "super") ?? .null, codingPath: codingPath + [JSONCodingKey.super])
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        NodeDecoder(node: value(named: key.stringValue) ?? .null, codingPath: codingPath + [key])
    }

    private func decoder(for key: Key) throws -> NodeDecoder {
        guard let node = value(named: key.stringValue) else {
            let context = DecodingError.Context(
                codingPath: codingPath,
                debugDescription: "No value associated with key \(key) (\"\(key.stringValue)\")."
            )
            throw DecodingError.keyNotFound(key, context)
        }
        return NodeDecoder(node: node, codingPath: codingPath + [key])
    }
}

/// The unkeyed container over an array's elements.
struct NodeUnkeyedContainer: UnkeyedDecodingContainer {
    private let elements: [JSONNode]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(elements: [JSONNode], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    mutating func decodeNil() throws -> Bool {
        let decoder = try next(Never.self)
        guard decoder.decodeNil() else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
        let value = try next(type).decode(type)
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let container = try next(KeyedDecodingContainer<NestedKey>.self).container(keyedBy: type)
        currentIndex += 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let container = try next((any UnkeyedDecodingContainer).self).unkeyedContainer()
        currentIndex += 1
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        let decoder = try next((any Decoder).self)
        currentIndex += 1
        return decoder
    }

    /// The decoder of the current element; `valueNotFound` past the end.
    private func next(_ type: Any.Type) throws -> NodeDecoder {
        let path = codingPath + [JSONCodingKey(index: currentIndex)]
        guard !isAtEnd else {
            let context = DecodingError.Context(codingPath: path, debugDescription: "Unkeyed container is at end.")
            throw DecodingError.valueNotFound(type, context)
        }
        return NodeDecoder(node: elements[currentIndex], codingPath: path)
    }
}
