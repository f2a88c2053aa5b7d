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

        let parsed: ParsedArguments
        do {
            switch try ArgumentParser(root: CommandTree.root).parse(arguments) {
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
            try dispatch(context)
        } catch {
            console.err(error.text)
            return error.exitStatus
        }
        WarningNotice(context: context).printIfNew()
        return 0
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
