/// A duration written in Go's syntax (`10s`, `1m30s`, `1.5h`, `-2ms`).
///
/// snapd parses timeouts with Go's `time.ParseDuration`; ``init(parsing:)`` accepts
/// the same texts and fails with the same messages.
public struct GoDuration: Sendable, Hashable, CustomStringConvertible {
    /// The length in nanoseconds.
    public var nanoseconds: Int64
    /// The text as written.
    public var text: String

    /// Parses a duration.
    ///
    /// - Throws: A message such as `time: missing unit in duration "10"`.
    public init(parsing text: String) throws(SnapYAMLError) {
        self.text = text
        guard let value = Self.parse(Array(text.unicodeScalars)) else {
            throw SnapYAMLError(.decoding, Self.failure(text))
        }
        nanoseconds = value
    }

    /// The text as written.
    public var description: String { text }

    /// Whether the duration is below zero.
    public var isNegative: Bool { nanoseconds < 0 }

    private static let units: [String: Double] = [
        "ns": 1, "us": 1e3, "µs": 1e3, "μs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9,
    ]

    private static func parse(_ scalars: [Unicode.Scalar]) -> Int64? {
        var index = 0
        var negative = false
        if index < scalars.count, scalars[index] == "-" || scalars[index] == "+" {
            negative = scalars[index] == "-"
            index += 1
        }
        if scalars[index...].map(String.init).joined() == "0" { return 0 }
        guard index < scalars.count else { return nil }

        var total = 0.0
        while index < scalars.count {
            guard let (number, afterNumber) = number(scalars, from: index) else { return nil }
            let unitEnd = scalars[afterNumber...].firstIndex { $0 == "." || ("0"..."9").contains($0) } ?? scalars.count
            let unit = String(String.UnicodeScalarView(scalars[afterNumber..<unitEnd]))
            guard let scale = units[unit] else { return nil }
            total += number * scale
            index = unitEnd
        }
        guard total <= 9.223372036854775e18 else { return nil }
        return negative ? -Int64(total) : Int64(total)
    }

    private static func number(_ scalars: [Unicode.Scalar], from start: Int) -> (Double, Int)? {
        var end = start
        while end < scalars.count, scalars[end] == "." || ("0"..."9").contains(scalars[end]) {
            end += 1
        }
        let text = String(String.UnicodeScalarView(scalars[start..<end]))
        guard end > start, text != ".", let value = Double(text) else { return nil }
        return (value, end)
    }

    /// Go's message for a text that does not parse.
    private static func failure(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        let body = scalars.drop { $0 == "-" || $0 == "+" }
        guard !body.isEmpty else { return "time: invalid duration \(quoted(text))" }
        let digitsEnd = body.firstIndex { !($0 == "." || ("0"..."9").contains($0)) } ?? body.endIndex
        if digitsEnd == body.startIndex { return "time: invalid duration \(quoted(text))" }
        if digitsEnd == body.endIndex { return "time: missing unit in duration \(quoted(text))" }
        let unitEnd = body[digitsEnd...].firstIndex { $0 == "." || ("0"..."9").contains($0) } ?? body.endIndex
        let unit = String(String.UnicodeScalarView(body[digitsEnd..<unitEnd]))
        if units[unit] == nil {
            return "time: unknown unit \(quoted(unit)) in duration \(quoted(text))"
        }
        return "time: invalid duration \(quoted(text))"
    }
}
