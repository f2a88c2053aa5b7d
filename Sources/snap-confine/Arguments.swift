import SnapSandbox

/// What the command line asks for.
///
///     snap-confine [--classic] [--base BASE] TAG SNAP-EXEC NAME.APP ARGS...
///     snap-confine --version
///     snap-confine --discard-ns NAME
enum Invocation: Equatable {
    case version
    case discardNamespace(instanceName: String)
    case launch(LaunchArguments)

    static let usage = "usage: snap-confine [--classic] [--base BASE] TAG SNAP-EXEC NAME.APP [ARGS...]"

    /// Parses `arguments` (without the program name).
    static func parse(_ arguments: [String]) throws(SandboxError) -> Invocation {
        var classic = false
        var base: String?
        var index = 0
        while index < arguments.count, arguments[index].hasPrefix("--") {
            let option = arguments[index]
            index += 1
            switch option {
            case "--version": return .version
            case "--classic": classic = true
            case "--base", "--discard-ns":
                guard index < arguments.count else { throw SandboxError("\(option) needs a value\n\(usage)") }
                let value = arguments[index]
                index += 1
                if option == "--base" {
                    base = value
                    continue
                }
                guard SecurityTag.isInstanceName(value) else { throw SandboxError("invalid snap name \"\(value)\"") }
                return .discardNamespace(instanceName: value)
            default:
                if option.hasPrefix("--base=") {
                    base = String(option.dropFirst("--base=".count))
                    continue
                }
                throw SandboxError("unknown option \(option)\n\(usage)")
            }
        }
        guard arguments.count - index >= 3 else { throw SandboxError("missing arguments\n\(usage)") }
        let launch = LaunchArguments(
            classic: classic,
            base: base,
            tag: try SecurityTag(parsing: arguments[index]),
            snapExec: arguments[index + 1],
            program: Array(arguments[(index + 2)...])
        )
        guard launch.snapExec.hasPrefix("/") else {
            throw SandboxError("SNAP-EXEC must be an absolute path, not \"\(launch.snapExec)\"")
        }
        guard !launch.program[0].isEmpty else { throw SandboxError("NAME.APP is empty\n\(usage)") }
        return .launch(launch)
    }
}

/// The launch's operands.
struct LaunchArguments: Equatable {
    var classic: Bool
    /// `--base BASE`, which must agree with the launch description.
    var base: String?
    var tag: SecurityTag
    var snapExec: String
    /// `NAME.APP ARGS...`, passed on to snap-exec.
    var program: [String]
}

extension SecurityTag {
    /// `NAME` or `NAME_KEY`, as the kept namespaces are named.
    static func isInstanceName(_ name: String) -> Bool {
        (try? SecurityTag(parsing: "snap.\(name).app")) != nil
    }
}
