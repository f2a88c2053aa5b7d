import ArgumentParsing
import Testing

/// The option library the real client uses lays help out in one column for the whole
/// text, wraps at the last space before the width, and lists options in declaration
/// order. These tests pin that layout with small commands.
@Suite("Help layout, aliases and extra arguments")
struct HelpLayoutTests {
    static let remove = Command(
        name: "remove",
        description: "Removes snaps.",
        flags: [
            Flag("no-wait", help: "Do not wait for the operation to finish but just print the change id."),
            Flag("purge", help: "Skip the snapshot"),
        ],
        options: [Option("revision", help: "Remove only the given revision")],
        positionals: [Positional("snap", arity: .repeated(minimum: 1))],
        helpOrder: ["no-wait", "revision", "purge"]
    )
    static let revert = Command(
        name: "revert",
        flags: [Flag("no-wait", help: "Return at once")],
        positionals: [Positional("snap")],
        hiddenOptionNames: ["ignore-running"]
    )
    static let tasks = Command(
        name: "tasks",
        aliases: ["change"],
        flags: [Flag("abs-time")],
        positionals: [Positional("change-id", arity: .optional)],
        ignoresExtraArguments: true
    )
    static let parser = ArgumentParser(root: Command(name: "snap", subcommands: [remove, revert, tasks]))

    @Test("help lists options in the given order, from the column the longest name sets, wrapped before 80")
    func orderAndColumns() throws {
        let expected = """
            Usage:
              snap remove [remove-OPTIONS] <snap>...

            Removes snaps.

            [remove command options]
                      --no-wait   Do not wait for the operation to finish but just print
                                  the change id.
                      --revision= Remove only the given revision
                      --purge     Skip the snapshot

            """
        #expect(try #require(Self.parser.helpText(forCommandPath: ["remove"])) == expected)
    }

    @Test("options the help does not list still widen its columns")
    func hiddenOptions() throws {
        let text = try #require(Self.parser.helpText(forCommandPath: ["revert"]))
        #expect(text.contains("\n          --no-wait         Return at once\n"))
    }

    @Test("an alias reaches its command, whose help keeps the command's own name")
    func alias() throws {
        guard case .run(let parsed) = try Self.parser.parse(["change", "12"]) else {
            Issue.record("expected a command to run")
            return
        }
        #expect(parsed.commandPath == ["snap", "tasks"])
        #expect(parsed.positional("change-id") == "12")
        guard case .help(let text) = try Self.parser.parse(["change", "--help"]) else {
            Issue.record("expected help")
            return
        }
        #expect(text.hasPrefix("Usage:\n  snap tasks [tasks-OPTIONS] [<change-id>]\n"))
    }

    @Test("extra words are dropped where the real client drops them and refused elsewhere")
    func extraArguments() throws {
        guard case .run(let parsed) = try Self.parser.parse(["tasks", "1", "2"]) else {
            Issue.record("expected a command to run")
            return
        }
        #expect(parsed.positional("change-id") == "1")
        #expect(throws: UsageError.self) { try Self.parser.parse(["revert", "a", "b"]) }
    }
}
