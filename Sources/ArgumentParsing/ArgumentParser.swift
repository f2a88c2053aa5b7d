/// Parses command lines against a ``Command`` tree.
///
/// Rules, as the real `snap` client applies them: the first bare word picks a subcommand
/// while the current command has subcommands; switches may come before, between or after
/// positionals; a command's own switches and those of the commands above it apply; `--`
/// ends switches; `--help` or `-h` anywhere asks for the help of the command reached so far.
public struct ArgumentParser: Sendable {
    /// The root command, named after the program.
    public let root: Command

    /// Creates a parser for `root`.
    public init(root: Command) {
        self.root = root
    }

    /// The result of a successful parse.
    public enum Outcome: Sendable, Hashable {
        /// Run the chosen command with these arguments.
        case run(ParsedArguments)
        /// Print this help text and exit 0.
        case help(String)
    }

    /// Parses `arguments`, which exclude the program name.
    ///
    /// - Throws: ``UsageError`` describing the first mistake.
    public func parse(_ arguments: [String]) throws(UsageError) -> Outcome {
        var state = ParseState(root: root)
        var remaining = arguments[...]

        while let argument = remaining.popFirst() {
            if state.afterTerminator || argument == "-" || !argument.hasPrefix("-") || Self.isNumber(argument) {
                try state.takeWord(argument)
            } else if argument == "--" {
                state.afterTerminator = true
            } else if argument == "--help" || argument == "-h" {
                return .help(HelpFormatter(path: state.path).helpText())
            } else if argument.hasPrefix("--") {
                try state.takeLong(String(argument.dropFirst(2)), remaining: &remaining)
            } else {
                try state.takeShort(Array(argument.dropFirst()), remaining: &remaining)
            }
        }

        if state.command.positionals.isEmpty, !state.command.subcommands.isEmpty, state.path.count == 1 {
            return .help(HelpFormatter(path: state.path).helpText())
        }
        return .run(try state.finish())
    }

    /// The help text of the command reached by `names` below the root, or nil.
    public func helpText(forCommandPath names: [String]) -> String? {
        var path = [root]
        for name in names {
            guard let next = path.last?.subcommand(named: name) else { return nil }
            path.append(next)
        }
        return HelpFormatter(path: path).helpText()
    }

    /// Whether `argument` is a negative number, which is a value, not a switch.
    static func isNumber(_ argument: String) -> Bool {
        argument.count > 1 && argument.dropFirst().allSatisfy(\.isNumber)
    }
}

/// The parser's progress through one command line.
private struct ParseState {
    var path: [Command]
    var parsed: ParsedArguments
    var words: [String] = []
    var afterTerminator = false

    init(root: Command) {
        path = [root]
        parsed = ParsedArguments(commandPath: [root.name])
    }

    var command: Command { path[path.count - 1] }
    var usage: String { HelpFormatter(path: path).usageLine() }

    /// A bare word: a subcommand name while one is expected, else a positional value.
    mutating func takeWord(_ word: String) throws(UsageError) {
        guard !afterTerminator, words.isEmpty, !command.subcommands.isEmpty else {
            words.append(word)
            return
        }
        guard let next = command.subcommand(named: word) else {
            let root = path[0].name
            throw UsageError(message: "unknown command \"\(word)\", see '\(root) help'.", usage: usage)
        }
        path.append(next)
        parsed.commandPath.append(next.name)
    }

    /// `--name`, `--name=value`, or `--name value`.
    mutating func takeLong(_ text: String, remaining: inout ArraySlice<String>) throws(UsageError) {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0])
        let inline = parts.count > 1 ? String(parts[1]) : nil

        if let flag = findFlag({ $0.long == name }) {
            guard inline == nil else {
                throw UsageError(message: "bool flag `--\(flag.long)' cannot have an argument", usage: usage)
            }
            parsed.flags.insert(flag.long)
        } else if let option = findOption({ $0.long == name }) {
            if let inline {
                try record(option, value: inline)
            } else {
                try record(option, value: nextValue(for: "--\(name)", remaining: &remaining))
            }
        } else {
            throw UsageError(message: "unknown flag `\(name)'", usage: usage)
        }
    }

    /// `-x`, a cluster of flags `-xyz`, or an option `-n V` / `-nV`.
    mutating func takeShort(_ letters: [Character], remaining: inout ArraySlice<String>) throws(UsageError) {
        for (index, letter) in letters.enumerated() {
            if let flag = findFlag({ $0.short == letter }) {
                parsed.flags.insert(flag.long)
            } else if let option = findOption({ $0.short == letter }) {
                let rest = String(letters[(index + 1)...]).drop { $0 == "=" }
                let value = rest.isEmpty ? try nextValue(for: "-\(letter)", remaining: &remaining) : String(rest)
                try record(option, value: value)
                return
            } else {
                throw UsageError(message: "unknown flag `\(letter)'", usage: usage)
            }
        }
    }

    /// Assigns the collected words to positionals and returns the result.
    mutating func finish() throws(UsageError) -> ParsedArguments {
        var words = self.words[...]
        for positional in command.positionals {
            switch positional.arity {
            case .required:
                guard let word = words.popFirst() else { throw missing(positional.placeholder) }
                parsed.positionals[positional.name] = [word]
            case .optional:
                if let word = words.popFirst() { parsed.positionals[positional.name] = [word] }
            case .repeated(let minimum):
                guard words.count >= minimum else {
                    let plural = minimum == 1 ? "argument" : "arguments"
                    throw missing("\(positional.placeholder) (at least \(minimum) \(plural))")
                }
                parsed.positionals[positional.name] = Array(words)
                words = []
            }
        }
        guard words.isEmpty || command.ignoresExtraArguments else {
            throw UsageError(message: "too many arguments for command", usage: usage, exitStatus: 1)
        }

        for command in path {
            for option in command.options {
                if let value = option.defaultValue { parsed.defaults[option.long] = value }
            }
        }
        return parsed
    }

    private func missing(_ what: String) -> UsageError {
        UsageError(message: "the required argument `\(what)` was not provided", usage: usage)
    }

    private mutating func record(_ option: Option, value: String) throws(UsageError) {
        guard option.choices.isEmpty || option.choices.contains(value) else {
            let allowed = Self.list(option.choices)
            throw UsageError(
                message: "Invalid value `\(value)' for option `--\(option.long)'. Allowed values are: \(allowed)",
                usage: usage
            )
        }
        parsed.options[option.long, default: []].append(value)
    }

    private func nextValue(for spelling: String, remaining: inout ArraySlice<String>) throws(UsageError) -> String {
        guard let value = remaining.first, !value.hasPrefix("-") || ArgumentParser.isNumber(value) || value == "-"
        else {
            throw UsageError(message: "expected argument for flag `\(spelling)'", usage: usage)
        }
        remaining.removeFirst()
        return value
    }

    /// The innermost flag matching `predicate` in the current command or above.
    private func findFlag(_ predicate: (Flag) -> Bool) -> Flag? {
        for command in path.reversed() {
            if let flag = command.flags.first(where: predicate) { return flag }
        }
        return nil
    }

    /// The innermost option matching `predicate` in the current command or above.
    private func findOption(_ predicate: (Option) -> Bool) -> Option? {
        for command in path.reversed() {
            if let option = command.options.first(where: predicate) { return option }
        }
        return nil
    }

    /// `a, b or c`, as the real client lists allowed values.
    private static func list(_ values: [String]) -> String {
        guard values.count > 1 else { return values.first ?? "" }
        return values.dropLast().joined(separator: ", ") + " or " + (values.last ?? "")
    }
}
