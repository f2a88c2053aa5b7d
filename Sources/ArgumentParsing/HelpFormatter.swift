/// Renders usage lines and `--help` text in the layout of the real `snap` client:
///
/// ```
/// Usage:
///   snap abort [abort-OPTIONS] [<change-id>]
///
/// The abort command attempts to abort a change that still has pending tasks.
///
/// [abort command options]
///           --last=        Select last change of given type (install, refresh,
///                          remove, try, auto-refresh, etc.).
///
/// [abort command arguments]
///   <change-id>:           Change ID
/// ```
struct HelpFormatter {
    /// The commands from the root to the one being described.
    let path: [Command]

    /// The total width help lines wrap at.
    static let width = 80
    /// The narrowest column descriptions start at.
    static let minimumColumn = 25

    private var command: Command { path[path.count - 1] }

    /// `snap abort [abort-OPTIONS] [<change-id>]`.
    func usageLine() -> String {
        var parts = path.map(\.name)
        if !command.flags.isEmpty || !command.options.isEmpty {
            parts.append("[\(command.name)-OPTIONS]")
        }
        if !command.subcommands.isEmpty, command.positionals.isEmpty {
            parts.append("<command>")
        }
        for positional in command.positionals {
            switch positional.arity {
            case .required: parts.append(positional.placeholder)
            case .optional: parts.append("[\(positional.placeholder)]")
            case .repeated(let minimum) where minimum > 0: parts.append("\(positional.placeholder)...")
            case .repeated: parts.append("[\(positional.placeholder)...]")
            }
        }
        return parts.joined(separator: " ")
    }

    /// The whole `--help` text, ending in a newline.
    func helpText() -> String {
        var sections = ["Usage:\n  \(usageLine())"]
        if !command.description.isEmpty {
            sections.append(command.description)
        }

        let options = optionRows()
        let arguments = argumentRows()
        let commands = command.subcommands.map { ("  \($0.name)", $0.summary) }
        let column = max(Self.minimumColumn, (options + arguments + commands).map(\.0.count).max().map { $0 + 3 } ?? 0)

        if !options.isEmpty {
            sections.append("[\(command.name) command options]\n" + render(options, column: column))
        }
        if !arguments.isEmpty {
            sections.append("[\(command.name) command arguments]\n" + render(arguments, column: column))
        }
        if !commands.isEmpty {
            sections.append("Commands:\n" + render(commands, column: column))
        }
        return sections.joined(separator: "\n\n") + "\n"
    }

    /// One row per flag and option: label and help.
    private func optionRows() -> [(String, String)] {
        let flags = command.flags.map { flag in
            (Self.prefix(flag.short) + "--\(flag.long)", flag.help)
        }
        let options = command.options.map { option in
            let value = option.choices.isEmpty ? option.valueName : "[\(option.choices.joined(separator: "|"))]"
            let help = option.defaultValue.map { "\(option.help) (default: \($0))" } ?? option.help
            return (Self.prefix(option.short) + "--\(option.long)=\(value)", help)
        }
        return flags + options
    }

    /// One row per positional that has help.
    private func argumentRows() -> [(String, String)] {
        command.positionals.filter { !$0.help.isEmpty }.map { ("  \($0.placeholder):", $0.help) }
    }

    /// The indentation before a long name, holding the short name when there is one.
    private static func prefix(_ short: Character?) -> String {
        guard let short else { return String(repeating: " ", count: 10) }
        return "      -\(short), "
    }

    /// Rows with their help starting at `column`, wrapped at ``width``.
    private func render(_ rows: [(String, String)], column: Int) -> String {
        rows.map { label, help in
            let lines = Self.wrap(help, width: Self.width - column)
            guard let first = lines.first else { return label }
            let padding = String(repeating: " ", count: max(1, column - label.count))
            let indent = String(repeating: " ", count: column)
            return ([label + padding + first] + lines.dropFirst().map { indent + $0 }).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// Splits `text` into lines of at most `width` characters at spaces.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += line.isEmpty ? String(word) : " " + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
