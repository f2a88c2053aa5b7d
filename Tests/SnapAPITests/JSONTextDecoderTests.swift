import SnapAPI
import Testing

@Suite("JSON decoder, against JSONDecoder")
struct JSONTextDecoderTests {
    /// One decoding to compare: a type and a text.
    struct Case: CustomStringConvertible, Sendable {
        let description: String
        /// Our outcome.
        let ours: String
        /// JSONDecoder's outcome.
        let reference: String

        init<Value: Decodable>(_ type: Value.Type, _ text: String) {
            description = "\(type) from \(text)"
            ours = outcome(Result { try JSONTextDecoder().decode(type, from: Array(text.utf8)) })
            reference = outcome(ReferenceJSON.decode(type, Array(text.utf8)))
        }
    }

    static let cases: [Case] = [
        // The request bodies the daemon reads.
        Case(ActionBody.self, #"{"action":"install","snaps":["a","b"],"revision":"3","devmode":true}"#),
        Case(ActionBody.self, #"{"action":7}"#),
        Case(ActionBody.self, #"{"action":null}"#),
        Case(ActionBody.self, #"{"revision":"x1"}"#),
        Case(ActionBody.self, #"{"action":"remove","snaps":"a"}"#),
        Case(ActionBody.self, #"{"action":"remove","snaps":[1]}"#),
        Case(ActionBody.self, #"{"action":"remove","snaps":["a",null]}"#),
        Case(ActionBody.self, #"{"action":"remove","devmode":"yes"}"#),
        Case(ActionBody.self, #"{"action":"remove","devmode":null,"unknown":[{}]}"#),
        Case(ActionBody.self, #"{"action":"a","action":"b"}"#),
        Case(ActionBody.self, "[]"),
        Case(ActionBody.self, "null"),
        Case(ActionBody.self, "\"install\""),
        Case(ActionBody.self, "{not json"),
        Case(ActionBody.self, ""),
        Case(Counted.self, #"{"count":3}"#),
        Case(Counted.self, #"{"count":"3"}"#),
        Case(Counted.self, #"{"count":1.0}"#),
        Case(Counted.self, #"{"count":1e2}"#),
        Case(Counted.self, #"{"count":-0}"#),
        Case(Counted.self, #"{"count":true}"#),
        // Free-form values and error bodies.
        Case(JSONValue.self, #"{"a":[1,2.5,"x",null,true,{"b":{}}],"c":-0,"d":1e2,"e":9223372036854775808}"#),
        Case(APIError.self, #"{"message":"m","kind":"k","value":{"x":[1]}}"#),
        Case(APIError.self, #"{"kind":5}"#),
        Case([String: Int].self, #"{"a":1,"b":2}"#),
        Case([String: Int].self, #"{"a":1,"b":"2"}"#),
        Case([Int: String].self, #"{"1":"a","2":"b"}"#),
        Case([Int: String].self, #"{"x":"a"}"#),
        Case([Kind: Int].self, #"{"install":1}"#),
        Case([Kind].self, #"["install","remove"]"#),
        Case([Kind].self, #"["install","bogus"]"#),
        Case([Int?].self, "[1,null,3]"),
        Case([[Int]].self, "[[1],[],[2,3]]"),
        Case([[Int]].self, "[[1],{}]"),
        Case([Int].self, "{}"),
        Case([Int].self, "null"),
        // Number conversions.
        Case(Int.self, "1.0"), Case(Int.self, "1e2"), Case(Int.self, "-0"), Case(Int.self, "-0.0"),
        Case(Int8.self, "-128"), Case(Int8.self, "127"), Case(UInt64.self, "18446744073709551615"),
        Case(Int64.self, "-9223372036854775808"), Case(Int64.self, "9007199254740993"),
        Case(Double.self, "9007199254740993"), Case(Int64.self, "7.717793873620353e+17"), Case(Double.self, "0.1"),
        Case(Double.self, "-0"), Case(Double.self, "2.5e-324"), Case(Double.self, "1.7976931348623157e308"),
        Case(Float.self, "0.1"), Case(Float.self, "3.4028235e38"), Case(Int.self, "1e-400"), Case(Int.self, "12.5e1"),
        Case(Int.self, "-0.000e5"), Case(Float.self, "16777217"),
        Case(Bool.self, "1"), Case(Bool.self, "true"), Case(String.self, "1"), Case(Int.self, "\"1\""),
        Case(Int.self, "null"), Case(String.self, "null"), Case(Int?.self, "null"), Case(Int?.self, "5"),
        Case(Int.self, "[]"), Case(Int.self, "{}"), Case(Double.self, "true"),
        Case(String.self, #""\u0000\ud83d\ude00\/""#),
        // Containers used by hand.
        Case(ByHand.self, #"{"z":1,"u":[1],"n":null,"super":{"k":2}}"#),
        Case(ByHand.self, #"{"z":1,"u":[1,2],"n":null,"super":{"k":2}}"#),
        Case(ByHand.self, #"{"z":1,"u":{},"n":null}"#),
        Case(ByHand.self, #"{"z":1,"u":[1],"n":null}"#),
        Case(ByHand.self, #"{"z":1,"u":[1],"n":3}"#),
        Case(ByHand.self, #"{"z":1,"u":[1]}"#),
        Case(ByHand.self, #"{"z":null,"u":[1]}"#),
        Case(Nested.self, #"{"inner":{"list":[{"v":1},{"v":"x"}]}}"#),
        Case(Nested.self, #"{"inner":{"list":[{"v":1},{}]}}"#),
        Case(Nested.self, #"{"inner":null}"#),
        Case(Nested.self, #"{"inner":[]}"#),
    ]

    @Test("values and errors (case, type, coding path, description) are JSONDecoder's", arguments: cases)
    func sameAsReference(_ decoding: Case) {
        #expect(decoding.ours == decoding.reference)
    }

    @Test("a number that does not fit its type is invalid at the number's path, not 'not valid JSON' at the top")
    func numbersThatDoNotFit() {
        let cases: [(String, String)] = [
            (#"{"count":300}"#, "count"), (#"{"count":-1}"#, "count"), (#"{"count":1.5}"#, "count"),
            (#"{"count":1e-2}"#, "count"), (#"{"count":99999999999999999999}"#, "count"),
        ]
        for (text, path) in cases {
            let number = text.dropFirst(9).dropLast()
            #expect(
                outcome(Result { try JSONTextDecoder().decode(Small.self, from: Array(text.utf8)) })
                    == "dataCorrupted at \(path): Parsed JSON number <\(number)> does not fit in UInt8."
            )
            #expect(
                outcome(ReferenceJSON.decode(Small.self, Array(text.utf8)))
                    == "dataCorrupted at : The given data was not valid JSON."
            )
        }
        #expect(
            outcome(Result { try JSONTextDecoder().decode([Float].self, from: Array("[1e39]".utf8)) })
                == "dataCorrupted at Index 0#0: Parsed JSON number <1e39> does not fit in Float."
        )
        #expect(
            outcome(Result { try JSONTextDecoder().decode([Float].self, from: Array("[1e-50]".utf8)) })
                == "dataCorrupted at Index 0#0: Parsed JSON number <1e-50> does not fit in Float."
        )
        #expect(
            outcome(Result { try JSONTextDecoder().decode(Double.self, from: Array("1e-400".utf8)) })
                == "dataCorrupted at : Parsed JSON number <1e-400> does not fit in Double."
        )
        #expect(
            outcome(ReferenceJSON.decode([Float].self, Array("[1e-50]".utf8)))
                == "dataCorrupted at : The given data was not valid JSON."
        )
    }

    @Test("text that is not strict JSON is refused even where JSONDecoder would not look")
    func strictText() {
        for text in [#"{"action":"a",}"#, #"{"action":"a","x":01}"#, #"{"action":"a","x":"\ud800"}"#] {
            let ours = Result { try JSONTextDecoder().decode(ActionBody.self, from: Array(text.utf8)) }
            #expect(outcome(ours) == "dataCorrupted at : The given data was not valid JSON.")
            guard case .failure(DecodingError.dataCorrupted(let context)) = ours else { continue }
            #expect(context.underlyingError is JSONParseError)
            #expect((try? ReferenceJSON.decode(ActionBody.self, Array(text.utf8)).get()) != nil)
        }
    }

    @Test("generated documents decode as JSON values and as typed collections alike")
    func generated() throws {
        var generator = JSONGenerator(random: SeededGenerator(seed: 1701))
        for _ in 0..<1500 {
            let value = generator.value(depth: 4)
            let text = generator.text(for: value)
            #expect(Case(JSONValue.self, text).ours == Case(JSONValue.self, text).reference, "\(text)")
            let list =
                "[" + (0..<4).map { _ in generator.text(for: generator.value(depth: 0)) }.joined(separator: ",") + "]"
            for decoding in [
                Case([Int].self, list), Case([Double?].self, list), Case([String].self, list),
                Case([UInt8?].self, list),
            ] {
                let ours = decoding.ours
                // Numbers outside the type are the one documented difference.
                if !ours.contains("does not fit") {
                    #expect(ours == decoding.reference, "\(decoding)")
                }
            }
        }
    }
}

/// A decoding's value, or its error: the case, the type or key, the coding path and the description.
func outcome<Value>(_ result: Result<Value, any Error>) -> String {
    switch result {
    case .success(let value as JSONValue):
        return "value \(value.jsonText)"
    case .success(let value as [AnyHashable: Any]):
        return "value [" + value.map { "\($0.key): \($0.value)" }.sorted().joined(separator: ", ") + "]"
    case .success(let value):
        return "value \(value)"
    case .failure(let error as DecodingError):
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { key in key.intValue.map { "\(key.stringValue)#\($0)" } ?? key.stringValue }.joined(
                separator: "."
            )
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "typeMismatch \(type) at \(path(context.codingPath)): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "valueNotFound \(type) at \(path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "keyNotFound \(key.stringValue) at \(path(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            return "dataCorrupted at \(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    case .failure(let error):
        return "other error \(error)"
    }
}

/// The shape of the daemon's snap action body.
struct ActionBody: Decodable {
    var action: String
    var snaps: [String]?
    var revision: String?
    var devmode: Bool?
}

struct Counted: Decodable {
    var count: Int
}

struct Small: Decodable {
    var count: UInt8
}

struct Nested: Decodable {
    struct Inner: Decodable {
        var list: [Element]
    }
    struct Element: Decodable {
        var v: Int
    }
    var inner: Inner
}

/// Reads through every kind of container by hand.
struct ByHand: Decodable, CustomStringConvertible {
    var description: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        var parts = [String(describing: container.allKeys.map(\.stringValue).sorted())]
        parts.append("\(try container.decode(Int.self, forKey: "z"))")
        var unkeyed = try container.nestedUnkeyedContainer(forKey: "u")
        parts.append("\(unkeyed.count ?? -1) \(unkeyed.isAtEnd)")
        parts.append("\(try unkeyed.decode(Int.self)) \(try unkeyed.decodeNil())")
        parts.append("\(try container.decodeNil(forKey: "n")) \(container.contains("missing"))")
        let superContainer = try container.superDecoder().container(keyedBy: AnyKey.self)
        parts.append(
            "\(try superContainer.decode(Int.self, forKey: "k")) \(superContainer.codingPath.map(\.stringValue))"
        )
        description = parts.joined(separator: " | ")
    }
}
