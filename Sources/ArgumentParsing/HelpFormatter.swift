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
    ///
    /// Option help starts in one column for the whole text: the longest option or
    /// argument name (plus its value name and choices), plus room for the dashes, the
    /// short-name column and two spaces of separation, as the real client's option
    /// library lays it out. Argument help starts two columns earlier.
    func helpText() -> String {
        var sections = ["Usage:\n  \(usageLine())"]
        if !command.description.isEmpty {
            sections.append(command.description)
        }

        let options = optionRows()
        let arguments = argumentRows()
        let commands = command.subcommands.map { ("  \($0.name)", $0.summary) }
        let column = descriptionColumn()

        if !options.isEmpty {
            sections.append("[\(command.name) command options]\n" + render(options, column: column))
        }
        if !arguments.isEmpty {
            sections.append("[\(command.name) command arguments]\n" + render(arguments, column: column))
        }
        if !commands.isEmpty {
            let commandColumn = max(Self.minimumColumn, (commands.map(\.0.count).max() ?? 0) + 3)
            sections.append("Commands:\n" + render(commands, column: commandColumn))
        }
        return sections.joined(separator: "\n\n") + "\n"
    }

    /// The column option help starts at.
    private func descriptionColumn() -> Int {
        let optionNames =
            command.flags.map(\.long.count)
            + command.options.map { option in
                option.long.count + option.valueName.count
                    + (option.choices.isEmpty ? 0 : option.choices.joined(separator: "|").count + 2)
            }
        let argumentNames = command.positionals.map(\.placeholder.count) + command.hiddenOptionNames.map(\.count)
        // Four for the subcommand indent, two for the short-name column, four for the
        // dashes and their padding, two of separation, two before every option.
        let longest = (optionNames + argumentNames).max().map { $0 + 4 } ?? 0
        let valueNames = command.options.contains { !$0.valueName.isEmpty } ? 3 : 0
        return longest + 2 + 2 + (longest > 0 ? 4 : 0) + valueNames + 2
    }

    /// One row per flag and option, in the command's help order: label and help.
    private func optionRows() -> [(String, String)] {
        let flags = command.flags.map { flag in
            (flag.long, (Self.prefix(flag.short) + "--\(flag.long)", flag.help))
        }
        let options = command.options.map { option in
            let value = option.choices.isEmpty ? option.valueName : "[\(option.choices.joined(separator: "|"))]"
            let help = option.defaultValue.map { "\(option.help) (default: \($0))" } ?? option.help
            return (option.long, (Self.prefix(option.short) + "--\(option.long)=\(value)", help))
        }
        let rows = flags + options
        guard !command.helpOrder.isEmpty else { return rows.map(\.1) }
        return command.helpOrder.compactMap { name in rows.first { $0.0 == name }?.1 }
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

    /// Splits `text` into lines at spaces: while the rest is longer than `width`, the
    /// line ends at the last space among its first `width` characters (so such lines
    /// are at most `width - 1` long); the rest goes on the last line.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var rest = Substring(text.trimmingSpaces())
        let width = max(width, 10)
        while rest.count > width {
            let head = rest.prefix(width)
            guard let space = head.lastIndex(of: " ") else {
                lines.append(String(rest.prefix(width - 1)) + "-")
                rest = rest.dropFirst(width - 1)
                continue
            }
            lines.append(String(rest[..<space]).trimmingSpaces())
            rest = Substring(String(rest[space...]).trimmingSpaces())
        }
        if !rest.isEmpty { lines.append(String(rest)) }
        return lines
    }
}

extension String {
    /// The text without leading and trailing spaces.
    func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
