/// Checks an SPDX licence expression as snapd does for `license`.
///
/// Accepted: SPDX licence identifiers (an optional `+` suffix), `Proprietary`,
/// joined by upper-case `AND` and `OR`, with `WITH <exception>` after a licence,
/// and parentheses. `LicenseRef-` identifiers are refused, as snapd refuses them.
public enum LicenseExpression {
    /// Validates an expression.
    ///
    /// - Throws: A reason such as `unknown license: GPL` or `unexpected string: "and"`.
    public static func validate(_ expression: String) throws(SnapYAMLError) {
        var parser = Parser(tokens: tokenize(expression))
        try parser.expression()
        if let extra = parser.peek {
            throw failure(")" == extra ? "unexpected \")\"" : "unexpected string: \(quoted(extra))")
        }
    }

    private static func failure(_ reason: String) -> SnapYAMLError {
        SnapYAMLError(.definition, reason)
    }

    /// Splits on white space, with each parenthesis a token of its own.
    private static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        for character in text {
            if character == "(" || character == ")" || character.isWhitespace {
                if !current.isEmpty { tokens.append(current) }
                current = ""
                if !character.isWhitespace { tokens.append(String(character)) }
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    private struct Parser {
        var tokens: [String]
        var position = 0

        var peek: String? { position < tokens.count ? tokens[position] : nil }

        mutating func next() -> String? {
            defer { position += 1 }
            return peek
        }

        /// expression := term ((AND | OR) term)*
        mutating func expression() throws(SnapYAMLError) {
            try term()
            while let token = peek, token == "AND" || token == "OR" {
                position += 1
                guard peek != nil else { throw failure("missing license after \(token)") }
                try term()
            }
        }

        /// term := "(" expression ")" | licence [WITH exception]
        mutating func term() throws(SnapYAMLError) {
            guard let token = next() else { throw failure("empty expression") }
            if token == "(" {
                try expression()
                let closing = next()
                guard closing == ")" else { throw failure("expected \")\" got \(quoted(closing ?? ""))") }
                return
            }
            try licence(token)
            if peek == "WITH" {
                position += 1
                guard let exception = next() else { throw failure("missing exception after WITH") }
                guard SPDXList.exceptions.contains(exception) else {
                    throw failure("unknown license exception: \(exception)")
                }
            }
        }

        func licence(_ token: String) throws(SnapYAMLError) {
            if token == ")" || ["AND", "OR", "WITH"].contains(token) {
                throw failure("unexpected string: \(quoted(token))")
            }
            if ["and", "or", "with"].contains(token) {
                throw failure("unexpected string: \(quoted(token))")
            }
            let identifier = token.hasSuffix("+") ? String(token.dropLast()) : token
            guard identifier == "Proprietary" || SPDXList.licences.contains(identifier) else {
                throw failure("unknown license: \(token)")
            }
        }
    }
}
