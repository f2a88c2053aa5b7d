/// A command of a program, as data: its name, its help, what it accepts, and its
/// subcommands. The whole command line of a program is one tree of these.
///
/// ```swift
/// let abort = Command(
///     name: "abort",
///     summary: "Abort a pending change",
///     description: "The abort command attempts to abort a change that still has pending tasks.",
///     options: [Option("last", valueName: "", help: "Select last change of given type")],
///     positionals: [Positional("change-id", arity: .optional, help: "Change ID")]
/// )
/// let snap = Command(name: "snap", subcommands: [abort])
/// ```
public struct Command: Sendable {
    /// The name typed on the command line.
    public var name: String
    /// Other names that reach this command (`snap change` for `snap tasks`); help and
    /// usage always show ``name``.
    public var aliases: [String]
    /// One line for command lists.
    public var summary: String
    /// The paragraphs shown by `--help`.
    public var description: String
    /// Boolean switches.
    public var flags: [Flag]
    /// Switches that take a value.
    public var options: [Option]
    /// Arguments by position, in order.
    public var positionals: [Positional]
    /// Commands below this one (`snap install`, `snap tasks`).
    public var subcommands: [Command]
    /// The long names of flags and options in the order help lists them; empty lists
    /// flags first, then options.
    public var helpOrder: [String]
    /// Long names of options the real client accepts without listing them in help; they
    /// still widen its help columns, so the layout counts them.
    public var hiddenOptionNames: [String]
    /// Whether words beyond the positionals are dropped instead of refused; the real
    /// client silently ignores them for some commands (`snap enable a b` enables `a`).
    public var ignoresExtraArguments: Bool

    /// Creates a command.
    public init(
        name: String,
        aliases: [String] = [],
        summary: String = "",
        description: String = "",
        flags: [Flag] = [],
        options: [Option] = [],
        positionals: [Positional] = [],
        subcommands: [Command] = [],
        helpOrder: [String] = [],
        hiddenOptionNames: [String] = [],
        ignoresExtraArguments: Bool = false
    ) {
        self.name = name
        self.aliases = aliases
        self.summary = summary
        self.description = description
        self.flags = flags
        self.options = options
        self.positionals = positionals
        self.subcommands = subcommands
        self.helpOrder = helpOrder
        self.hiddenOptionNames = hiddenOptionNames
        self.ignoresExtraArguments = ignoresExtraArguments
    }

    /// The subcommand called `name`, or nil.
    public func subcommand(named name: String) -> Command? {
        subcommands.first { $0.name == name || $0.aliases.contains(name) }
    }
}

/// A boolean switch: `--devmode`, or `-d` when it has a short name.
public struct Flag: Sendable {
    /// The long name without dashes.
    public var long: String
    /// The one-letter name, or nil.
    public var short: Character?
    /// One sentence of help.
    public var help: String

    /// Creates a flag.
    public init(_ long: String, short: Character? = nil, help: String = "") {
        self.long = long
        self.short = short
        self.help = help
    }
}

/// A switch with a value: `--revision=N`, `--revision N`, `-n N` or `-nN`.
public struct Option: Sendable {
    /// The long name without dashes.
    public var long: String
    /// The one-letter name, or nil.
    public var short: Character?
    /// The value's name shown in help after `=`; empty shows a bare `=`.
    public var valueName: String
    /// The only values allowed, or empty for any value.
    public var choices: [String]
    /// The value used when the option is not given, or nil.
    public var defaultValue: String?
    /// One sentence of help.
    public var help: String

    /// Creates an option.
    public init(
        _ long: String,
        short: Character? = nil,
        valueName: String = "",
        choices: [String] = [],
        defaultValue: String? = nil,
        help: String = ""
    ) {
        self.long = long
        self.short = short
        self.valueName = valueName
        self.choices = choices
        self.defaultValue = defaultValue
        self.help = help
    }
}

/// An argument taken by position.
public struct Positional: Sendable {
    /// How many values a positional takes.
    public enum Arity: Sendable, Hashable {
        /// Exactly one.
        case required
        /// Zero or one.
        case optional
        /// At least `minimum`, as many as given; only the last positional may repeat.
        case repeated(minimum: Int)
    }

    /// The name shown in angle brackets (`snap`, `<snap>:<plug>` is written `snap>:<plug`).
    public var name: String
    /// How many values it takes.
    public var arity: Arity
    /// One sentence of help; positionals without help are not listed.
    public var help: String

    /// Creates a positional.
    public init(_ name: String, arity: Arity = .required, help: String = "") {
        self.name = name
        self.arity = arity
        self.help = help
    }

    /// `<name>`.
    var placeholder: String { "<\(name)>" }
}
