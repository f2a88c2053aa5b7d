import ArgumentParsing
import SnapPaths

/// The `snap` client: parses a command line, runs the command against the daemon, and
/// returns the exit status.
public enum SnapCLI {
    /// Runs `arguments` (without the program name) and returns the exit status.
    public static func run(_ arguments: [String]) -> Int32 {
        let console = Console()
        if arguments.isEmpty || arguments == ["--help"] || arguments == ["-h"] || arguments == ["help"] {
            console.out(RootHelp.text)
            return 0
        }
        // `snap help COMMAND` is `snap COMMAND --help`.
        if arguments.first == "help", arguments.count > 1 {
            return run(Array(arguments.dropFirst()) + ["--help"])
        }

        // `snap run` parses its own options only up to the app's name; the rest is the app's.
        var parsedArguments = arguments
        var appArguments: [String] = []
        if arguments.first == "run", let split = runSplitIndex(arguments) {
            parsedArguments = Array(arguments[...split])
            appArguments = Array(arguments[(split + 1)...])
        }

        let parsed: ParsedArguments
        do {
            switch try ArgumentParser(root: CommandTree.root).parse(parsedArguments) {
            case .run(let result): parsed = result
            case .help(let text):
                console.out(text)
                return 0
            }
        } catch {
            console.err(error.rendered(showingUsage: false))
            return error.exitStatus
        }

        let paths = SnapPaths.fromEnvironment()
        let context = CommandContext(
            arguments: parsed,
            console: console,
            paths: paths,
            connection: DaemonConnection(paths: paths, console: console)
        )
        do {
            if parsed.commandPath.dropFirst().first == "run" {
                try RunCommand(context: context, appArguments: appArguments).run()
            }
            try dispatch(context)
        } catch {
            console.err(error.text)
            return error.exitStatus
        }
        WarningNotice(context: context).printIfNew()
        return 0
    }

    /// The index of the app's name in `snap run ...`: the first word that is neither an
    /// option nor an option's value, or the word after `--`.
    private static func runSplitIndex(_ arguments: [String]) -> Int? {
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" { return index + 1 < arguments.count ? index + 1 : nil }
            if !argument.hasPrefix("-") || argument == "-" { return index }
            if ["--hook", "--revision", "-r"].contains(argument) { index += 1 }
            index += 1
        }
        return nil
    }

    /// Runs `snap run NAME ARGS...` for a program started under the name `NAME` (the
    /// `/snap/bin` wrappers are links to `snap`).
    public static func runApp(named name: String, _ arguments: [String]) -> Int32 {
        run(["run", "--", name] + arguments)
    }

    private static func dispatch(_ context: CommandContext) throws(CommandFailure) {
        switch context.arguments.commandPath.dropFirst().first ?? "" {
        case "install": try InstallCommand(context: context).run()
        case "remove": try RemoveCommand(context: context).run()
        case "list": try ListCommand(context: context).run()
        case "info": try InfoCommand(context: context).run()
        case "enable", "disable", "revert":
            try SnapActionCommand(context: context, action: context.arguments.commandPath[1]).run()
        case "changes": try ChangeCommands(context: context).changes()
        case "tasks": try ChangeCommands(context: context).tasks()
        case "watch": try ChangeCommands(context: context).watch()
        case "abort": try ChangeCommands(context: context).abort()
        case "version": try VersionCommand(context: context).run()
        default: throw .error("unknown command")
        }
    }
}
