import ArgumentParsing
import SnapClient
import SnapPaths

#if canImport(Glibc)
import Glibc
#endif

/// What every command runs with: its parsed arguments, the console, the paths of the
/// system (honouring `SNAPPY_GLOBAL_ROOT`) and a connection to the daemon.
struct CommandContext {
    let arguments: ParsedArguments
    let console: Console
    let paths: SnapPaths
    let connection: DaemonConnection

    /// Waits for change `id`, or prints the id and returns nil under `--no-wait`.
    func waitUnlessNoWait(for id: String) throws(CommandFailure) -> ChangeRecord? {
        if arguments.flag("no-wait") {
            console.out(id + "\n")
            return nil
        }
        return try ChangeWaiter(connection: connection, console: console).wait(for: id)
    }

    /// Whether `--unicode` (or, for `auto`, a UTF-8 locale on a terminal) allows symbols.
    var usesUnicode: Bool {
        switch arguments.option("unicode") ?? "auto" {
        case "always": return true
        case "never": return false
        default:
            guard console.outputIsTerminal else { return false }
            let locale = ["LC_ALL", "LC_CTYPE", "LANG"].lazy.compactMap(Self.environment).first { !$0.isEmpty } ?? ""
            let lowered = locale.lowercased()
            return lowered.contains("utf-8") || lowered.contains("utf8")
        }
    }

    /// Whether `--color` (or, for `auto`, a terminal that is not dumb) allows colour.
    var usesColor: Bool {
        switch arguments.option("color") ?? "auto" {
        case "always": return true
        case "never": return false
        default:
            return console.outputIsTerminal && Self.environment("NO_COLOR") == nil
                && Self.environment("TERM") != "dumb"
        }
    }

    /// The value of the environment variable `name`.
    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
