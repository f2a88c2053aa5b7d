/// Encodes any `Encodable` as compact JSON text (UTF-8 bytes), written as
/// FoundationEssentials' `JSONEncoder` writes it with `.withoutEscapingSlashes`:
///
/// - strings escape `"`, `\`, and control characters (`\b`, `\f`, `\n`, `\r`, `\t`, others
///   as `\u00xx` in lower-case hex); `/`, DEL and all other characters are written as they are;
/// - `Double` and `Float` are written as Swift prints them, without a trailing `.0`
///   (`1`, `0.1`, `-0`, `1e+16`, `1e-07`, `0.33333334`); NaN and infinities throw
///   `EncodingError.invalidValue`;
/// - `encodeNil` writes `null`; `encodeIfPresent` with nil writes nothing;
/// - a value that encodes nothing is `{}`, except at the top level, where it throws;
/// - `superEncoder()` writes under the key `super`.
///
/// Object members are written in the order they were first encoded (encoding a key again
/// replaces its value in place), so a type's output is the same from run to run.
/// `JSONEncoder` on this toolchain writes members in its dictionary's hash order, which
/// changes with every process; apart from member order the bytes are identical.
public struct JSONTextEncoder: Sendable {
    /// Creates an encoder.
    public init() {}

    /// The JSON text of `value`.
    public func encode(_ value: some Encodable) throws -> [UInt8] {
        let slot = EncodedSlot()
        try EncodingContext(slot: slot, codingPath: []).encodeValue(value)
        guard let root = slot.value else {
            let context = EncodingError.Context(
                codingPath: [],
                debugDescription: "Top-level \(type(of: value)) did not encode any values."
            )
            throw EncodingError.invalidValue(value, context)
        }
        var out: [UInt8] = []
        out.reserveCapacity(64)
        root.write(to: &out)
        return out
    }
}

/// A value encoded so far. Containers are references, since a type may keep adding to a
/// nested container after encoding its siblings.
enum EncodedValue {
    case literal(String)
    case string(String)
    case array(EncodedArray)
    case object(EncodedObject)
    /// The value a `superEncoder()` (or a nested encoder) writes, `{}` if it writes none.
    case slot(EncodedSlot)

    func write(to out: inout [UInt8]) {
        switch self {
        case .literal(let text): out.append(contentsOf: text.utf8)
        case .string(let text): Self.write(string: text, to: &out)
        case .array(let array):
            out.append(UInt8(ascii: "["))
            for (index, element) in array.elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                element.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for index in object.names.indices {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.write(string: object.names[index], to: &out)
                out.append(UInt8(ascii: ":"))
                object.values[index].write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .slot(let slot):
            if let value = slot.value {
                value.write(to: &out)
            } else {
                out.append(contentsOf: "{}".utf8)
            }
        }
    }

    /// Writes `text` as a JSON string, escaping as `JSONEncoder` does.
    static func write(string text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x08: out.append(contentsOf: #"\b"#.utf8)
            case 0x0C: out.append(contentsOf: #"\f"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case ..<0x20:
                let digits: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Where one value goes once encoded: the root, an element, a member, or a super encoder.
final class EncodedSlot {
    var value: EncodedValue?
}

/// An array being encoded.
final class EncodedArray {
    var elements: [EncodedValue] = []
}

/// An object being encoded: member names in first-encoded order, with their values.
final class EncodedObject {
    private(set) var names: [String] = []
    private(set) var values: [EncodedValue] = []
    /// The index of each name, built once the object is too large to search.
    private var indexByName: [String: Int]?

    func set(_ value: EncodedValue, for name: String) {
        if let index = index(of: name) {
            values[index] = value
            return
        }
        indexByName?[name] = names.count
        names.append(name)
        values.append(value)
        if indexByName == nil, names.count > 16 {
            indexByName = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        }
    }

    func value(for name: String) -> EncodedValue? {
        index(of: name).map { values[$0] }
    }

    private func index(of name: String) -> Int? {
        if let indexByName { return indexByName[name] }
        return names.firstIndex(of: name)
    }
}
