/// A path with literal segments and `{name}` captures, such as `/v2/snaps/{name}/conf`.
///
/// A capture matches exactly one non-empty segment. When several patterns match a path,
/// the router prefers the one with more literal segments.
public struct PathPattern: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    enum Segment: Sendable, Hashable {
        case literal(String)
        case capture(String)
    }

    let segments: [Segment]

    /// The pattern as written.
    public let description: String

    /// Parses a pattern; segments wrapped in braces capture.
    public init(_ pattern: String) {
        description = pattern
        segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map { part in
            if part.hasPrefix("{"), part.hasSuffix("}"), part.count > 2 {
                return .capture(String(part.dropFirst().dropLast()))
            }
            return .literal(String(part))
        }
    }

    /// Parses a pattern written as a string literal.
    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// How many segments are literal; the tie-breaker between matching patterns.
    var literalCount: Int {
        segments.count { if case .literal = $0 { true } else { false } }
    }

    /// The captured values when `path` matches, or nil.
    func match(_ path: String) -> [String: String]? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count == segments.count else { return nil }

        var captures: [String: String] = [:]
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let literal) where literal == part:
                continue
            case .literal:
                return nil
            case .capture(let name):
                captures[name] = String(part)
            }
        }
        return captures
    }
}
