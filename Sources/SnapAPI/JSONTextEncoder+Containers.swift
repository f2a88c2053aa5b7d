/// The `Encoder` ``JSONTextEncoder`` hands to each value: it writes into one slot.
struct EncodingContext: Encoder {
    let slot: EncodedSlot
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let object: EncodedObject
        switch slot.value {
        case .object(let existing): object = existing
        case nil:
            object = EncodedObject()
            slot.value = .object(object)
        default: preconditionFailure("Attempt to push a keyed container where a value was already encoded")
        }
        return KeyedEncodingContainer(ObjectContainer<Key>(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let array: EncodedArray
        switch slot.value {
        case .array(let existing): array = existing
        case nil:
            array = EncodedArray()
            slot.value = .array(array)
        default: preconditionFailure("Attempt to push an unkeyed container where a value was already encoded")
        }
        return ArrayContainer(array: array, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(context: self)
    }

    /// Encodes `value` into this context's slot: scalars directly, anything else through
    /// its own `encode(to:)`.
    func encodeValue<Value: Encodable>(_ value: Value) throws {
        if let scalar = try scalar(value) {
            slot.value = scalar
        } else {
            try value.encode(to: self)
        }
    }

    /// `value` encoded at `key` (or element index) below this context.
    func encodeNested<Value: Encodable>(_ value: Value, at key: any CodingKey) throws -> EncodedValue {
        let child = EncodingContext(slot: EncodedSlot(), codingPath: codingPath + [key])
        try child.encodeValue(value)
        return child.slot.value ?? .slot(child.slot)
    }

    /// The JSON of a string, Boolean or number; nil for other types.
    func scalar<Value: Encodable>(_ value: Value) throws -> EncodedValue? {
        switch value {
        case let text as String: return .string(text)
        case let flag as Bool: return .literal(flag ? "true" : "false")
        case let number as Double: return .literal(try format(number, value))
        case let number as Float: return .literal(try format(number, value))
        case let number as any FixedWidthInteger: return .literal("\(number)")
        default: return nil
        }
    }

    /// A finite number as Swift prints it, less a trailing `.0`.
    private func format<Number: BinaryFloatingPoint & LosslessStringConvertible>(
        _ number: Number,
        _ value: some Encodable
    ) throws -> String {
        guard number.isFinite else {
            let context = EncodingError.Context(
                codingPath: codingPath,
                debugDescription: "Unable to encode \(Number.self).\(number) directly in JSON."
            )
            throw EncodingError.invalidValue(value, context)
        }
        let text = number.description
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}

/// Writes one value into the encoder's slot.
struct SingleValueContainer: SingleValueEncodingContainer {
    let context: EncodingContext
    var codingPath: [any CodingKey] { context.codingPath }

    mutating func encodeNil() throws {
        try put(.literal("null"))
    }

    mutating func encode<Value: Encodable>(_ value: Value) throws {
        precondition(
            context.slot.value == nil,
            "Attempt to encode value through single value container when previously value already encoded."
        )
        try context.encodeValue(value)
    }

    private func put(_ value: EncodedValue) throws {
        precondition(
            context.slot.value == nil,
            "Attempt to encode value through single value container when previously value already encoded."
        )
        context.slot.value = value
    }
}

/// Writes members into an object.
struct ObjectContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let object: EncodedObject
    let codingPath: [any CodingKey]

    private var context: EncodingContext { EncodingContext(slot: EncodedSlot(), codingPath: codingPath) }

    mutating func encodeNil(forKey key: Key) throws {
        object.set(.literal("null"), for: key.stringValue)
    }

    mutating func encode<Value: Encodable>(_ value: Value, forKey key: Key) throws {
        object.set(try context.encodeNested(value, at: key), for: key.stringValue)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        nestedEncoder(for: key, name: key.stringValue).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        nestedEncoder(for: key, name: key.stringValue).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        nestedEncoder(for: JSONCodingKey.super, name: "super")
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        nestedEncoder(for: key, name: key.stringValue)
    }

    /// An encoder whose value becomes the member `name`, reusing a container already there.
    private func nestedEncoder(for key: any CodingKey, name: String) -> EncodingContext {
        let slot = EncodedSlot()
        switch object.value(for: name) {
        case .object(let existing)?: slot.value = .object(existing)
        case .array(let existing)?: slot.value = .array(existing)
        default: break
        }
        object.set(.slot(slot), for: name)
        return EncodingContext(slot: slot, codingPath: codingPath + [key])
    }
}

/// Appends elements to an array.
struct ArrayContainer: UnkeyedEncodingContainer {
    let array: EncodedArray
    let codingPath: [any CodingKey]

    var count: Int { array.elements.count }

    private var nextKey: JSONCodingKey { JSONCodingKey(index: count) }

    mutating func encodeNil() throws {
        array.elements.append(.literal("null"))
    }

    mutating func encode<Value: Encodable>(_ value: Value) throws {
        let context = EncodingContext(slot: EncodedSlot(), codingPath: codingPath)
        array.elements.append(try context.encodeNested(value, at: nextKey))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        nestedEncoder().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        nestedEncoder().unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        nestedEncoder()
    }

    private func nestedEncoder() -> EncodingContext {
        let slot = EncodedSlot()
        let context = EncodingContext(slot: slot, codingPath: codingPath + [nextKey])
        array.elements.append(.slot(slot))
        return context
    }
}
