/// Lexical path helpers shared by the layout, socket and container checks.
enum PathRules {
    /// Characters AppArmor treats as patterns; paths that reach a profile must avoid them.
    static let appArmorPatternCharacters: Set<Character> = ["?", "*", "[", "]", "{", "}", "^", "\"", "\u{0}"]

    /// Go's `path.Clean`: collapses `//`, removes `.`, resolves `..` lexically, drops a trailing `/`.
    static func clean(_ path: String) -> String {
        if path.isEmpty { return "." }
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".":
                continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !absolute {
                    parts.append(part)
                }
            default:
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// Whether `path` is `prefix` or lies below it.
    static func isWithin(_ path: String, _ prefix: String) -> Bool {
        path == prefix || path.hasPrefix(prefix.hasSuffix("/") ? prefix : prefix + "/")
    }

    /// Whether the text holds an AppArmor pattern character.
    static func hasAppArmorPattern(_ text: String) -> Bool {
        text.contains { appArmorPatternCharacters.contains($0) }
    }
}
