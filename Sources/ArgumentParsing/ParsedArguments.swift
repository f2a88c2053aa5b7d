/// What a command line said, after parsing against a ``Command`` tree.
public struct ParsedArguments: Sendable, Hashable {
    /// The command names from the root to the chosen command (`["snap", "install"]`).
    public var commandPath: [String]
    var flags: Set<String> = []
    var options: [String: [String]] = [:]
    var defaults: [String: String] = [:]
    var positionals: [String: [String]] = [:]

    /// Whether the flag `long` was given.
    public func flag(_ long: String) -> Bool {
        flags.contains(long)
    }

    /// The last value given for the option `long`, else its default, else nil.
    public func option(_ long: String) -> String? {
        options[long]?.last ?? defaults[long]
    }

    /// Every value given for the option `long`, in order.
    public func optionValues(_ long: String) -> [String] {
        options[long] ?? []
    }

    /// The value of the positional `name`, or nil when not given.
    public func positional(_ name: String) -> String? {
        positionals[name]?.first
    }

    /// Every value of the repeated positional `name`.
    public func positionalValues(_ name: String) -> [String] {
        positionals[name] ?? []
    }
}
