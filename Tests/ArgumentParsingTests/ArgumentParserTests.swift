import ArgumentParsing
import Testing

/// A small `snap`-like tree used by the tests.
let snapCommand = Command(
    name: "snap",
    summary: "",
    description: "The snap command lets you install, configure, refresh and remove snaps.",
    subcommands: [
        Command(
            name: "install",
            summary: "Install snaps on the system",
            description: "The install command installs the named snaps on the system.",
            flags: [Flag("devmode", help: "Put snap in development mode"), Flag("dangerous"), Flag("no-wait")],
            options: [
                Option("revision", help: "Install the given revision of a snap"),
                Option("channel", help: "Use this channel instead of stable"),
                Option("color", choices: ["auto", "never", "always"], defaultValue: "auto", help: "Use color"),
                Option("name", short: "n", help: "Instance name"),
            ],
            positionals: [Positional("snap", arity: .repeated(minimum: 1))]
        ),
        Command(
            name: "tasks",
            summary: "List a change's tasks",
            flags: [Flag("abs-time", help: "Display absolute times")],
            options: [Option("last", help: "Select last change of given type")],
            positionals: [Positional("change-id", arity: .optional, help: "Change ID")]
        ),
        Command(
            name: "connect",
            summary: "Connect a plug to a slot",
            positionals: [
                Positional("snap>:<plug", arity: .required),
                Positional("snap>:<slot", arity: .optional),
            ]
        ),
        Command(name: "refresh", summary: "Refresh snaps", flags: [Flag("list")]),
        Command(name: "version", summary: "Show version details"),
    ]
)

let parser = ArgumentParser(root: snapCommand)

/// The parse result of `arguments`, which must be a run.
func run(_ arguments: [String]) throws -> ParsedArguments {
    guard case .run(let parsed) = try parser.parse(arguments) else {
        throw UsageError(message: "expected a command to run", usage: "")
    }
    return parsed
}

@Suite("Command-line parsing")
struct ArgumentParserTests {
    @Test("flags, options in both spellings and repeated positionals reach the chosen command")
    func fullCommandLine() throws {
        let parsed = try run(["install", "--devmode", "a", "--revision=12", "b", "--channel", "edge", "-nfoo"])
        #expect(parsed.commandPath == ["snap", "install"])
        #expect(parsed.flag("devmode"))
        #expect(!parsed.flag("dangerous"))
        #expect(parsed.option("revision") == "12")
        #expect(parsed.option("channel") == "edge")
        #expect(parsed.option("name") == "foo")
        #expect(parsed.option("color") == "auto")
        #expect(parsed.positionalValues("snap") == ["a", "b"])
    }

    @Test("after -- every argument is positional")
    func terminator() throws {
        let parsed = try run(["tasks", "--", "--last"])
        #expect(parsed.positional("change-id") == "--last")
        #expect(parsed.option("last") == nil)
    }

    @Test("an optional positional may be left out")
    func optionalPositional() throws {
        let parsed = try run(["tasks", "--last=install"])
        #expect(parsed.positional("change-id") == nil)
        #expect(parsed.option("last") == "install")
    }

    @Test(
        "mistakes give the real snap client's messages and exit statuses",
        arguments: [
            (["refresh", "--hold"], "unknown flag `hold'", Int32(64)),
            (["install", "-z", "foo"], "unknown flag `z'", 64),
            (["install"], "the required argument `<snap> (at least 1 argument)` was not provided", 64),
            (["connect"], "the required argument `<snap>:<plug>` was not provided", 64),
            (["nosuchcmd"], "unknown command \"nosuchcmd\", see 'snap help'.", 64),
            (["install", "--revision"], "expected argument for flag `--revision'", 64),
            (["tasks", "--last"], "expected argument for flag `--last'", 64),
            (["install", "--devmode=x", "foo"], "bool flag `--devmode' cannot have an argument", 64),
            (
                ["install", "--color=x", "foo"],
                "Invalid value `x' for option `--color'. Allowed values are: auto, never or always", 64
            ),
            (["tasks", "1", "2"], "too many arguments for command", 1),
        ]
    )
    func usageErrors(arguments: [String], message: String, status: Int32) {
        #expect(throws: UsageError.self) { try parser.parse(arguments) }
        do {
            _ = try parser.parse(arguments)
        } catch {
            #expect(error.message == message)
            #expect(error.exitStatus == status)
            #expect(error.rendered(showingUsage: false) == "error: \(message)\n")
        }
    }

    @Test("a usage error can also show the command's usage")
    func usageErrorWithUsage() {
        do {
            _ = try parser.parse(["install", "--bogus"])
            Issue.record("expected a usage error")
        } catch {
            #expect(error.usage == "snap install [install-OPTIONS] <snap>...")
            #expect(
                error.rendered(showingUsage: true).hasPrefix("error: unknown flag `bogus'\n\nUsage:\n  snap install")
            )
        }
    }

    /// The layout is the real client's `snap tasks --help`, with shorter help texts.
    @Test("--help anywhere asks for the help of the command reached")
    func helpRequest() throws {
        guard case .help(let text) = try parser.parse(["tasks", "--help"]) else {
            Issue.record("expected help")
            return
        }
        let expected = """
            Usage:
              snap tasks [tasks-OPTIONS] [<change-id>]

            [tasks command options]
                      --abs-time     Display absolute times
                      --last=        Select last change of given type

            [tasks command arguments]
              <change-id>:           Change ID

            """
        #expect(text == expected)
    }

    @Test("help for a command with subcommands lists them")
    func rootHelp() throws {
        let text = try #require(parser.helpText(forCommandPath: []))
        #expect(text.hasPrefix("Usage:\n  snap <command>\n\nThe snap command lets you"))
        #expect(text.contains("\n  install                Install snaps on the system\n"))
        #expect(parser.helpText(forCommandPath: ["nosuch"]) == nil)
    }
}
