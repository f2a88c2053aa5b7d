import SnapPaths
import SnapSandbox

#if canImport(Glibc)
import Glibc
#endif

/// `snap run [--shell] [--hook=HOOK] [-r REVISION] NAME[.APP] ARGS...`: starts an app or
/// hook of an installed snap, without asking the daemon anything.
///
/// It reads the program's launch description (`$ROOT/var/lib/snapd/sandbox/TAG`), builds
/// the environment of a snap program (``RunEnvironment``), creates the user's data
/// directories, and replaces itself with
/// `snap-confine [--classic] [--base BASE] TAG SNAP-EXEC [--shell|--hook=HOOK] NAME.APP ARGS`.
struct RunCommand {
    let context: CommandContext
    /// The app's arguments: everything after `NAME[.APP]`, untouched.
    let appArguments: [String]

    func run() throws(CommandFailure) {
        let arguments = context.arguments
        let target = arguments.positional("snap-app") ?? ""
        let hook = arguments.option("hook")
        let shell = arguments.flag("shell")
        if hook != nil, shell { throw .error("cannot use --hook and --shell together") }
        if hook != nil, !appArguments.isEmpty { throw .error("too many arguments for hook \"\(hook ?? "")\"") }

        let (instance, app) = Self.split(target)
        let description = try readDescription(instance: instance, app: app, hook: hook)
        if let revision = arguments.option("revision"), revision != description.revision {
            throw .error(
                "cannot run revision \(revision) of snap \"\(instance)\": the current revision is "
                    + "\(description.revision)"
            )
        }

        let environment = RunEnvironment(description: description, paths: context.paths)
        do {
            try environment.createUserDirectories()
        } catch {
            throw .error(error.description)
        }
        let launcher = try Launcher.locate(paths: context.paths)
        var argv = [launcher.snapConfine]
        if description.confinement == .classic { argv.append("--classic") }
        if description.confinement != .classic, !description.base.isEmpty { argv += ["--base", description.base] }
        argv += [(try? description.securityTag().description) ?? "", launcher.snapExec]
        if shell { argv.append("--shell") }
        if let hook {
            argv += ["--hook=\(hook)", instance]
        } else {
            argv.append("\(instance).\(description.app ?? app)")
        }
        argv += appArguments

        environment.export()
        let cArguments = argv.map { strdup($0) } + [nil]
        execv(launcher.snapConfine, cArguments)
        let reason = String(cString: strerror(errno))
        throw .error("cannot run \(launcher.snapConfine): \(reason)")
    }

    /// `NAME.APP` as its instance and app; a plain `NAME` is the app named like the snap.
    static func split(_ target: String) -> (instance: String, app: String) {
        guard let dot = target.firstIndex(of: ".") else {
            let snapName = target.split(separator: "_", maxSplits: 1).first.map(String.init) ?? target
            return (target, snapName)
        }
        return (String(target[..<dot]), String(target[target.index(after: dot)...]))
    }

    /// Reads the launch description, with the real client's messages for a snap that is not
    /// installed and for an app or hook it does not have.
    private func readDescription(
        instance: String,
        app: String,
        hook: String?
    ) throws(CommandFailure) -> LaunchDescription {
        let current = context.paths.snapMountDirectory + "/\(instance)/current"
        var buffer = [CChar](repeating: 0, count: 256)
        if instance.isEmpty || readlink(current, &buffer, buffer.count) < 0 {
            // The real client prints Go's lower-case error text.
            let text = String(cString: strerror(errno))
            let reason = text.prefix(1).lowercased() + text.dropFirst()
            throw .error("cannot find current revision for snap \(instance): readlink \(current): \(reason)")
        }
        let tag: SecurityTag
        do {
            tag =
                try hook.map { hook throws(SandboxError) in try SecurityTag(instanceName: instance, hook: hook) }
                ?? SecurityTag(instanceName: instance, app: app)
        } catch {
            throw missing(instance: instance, app: app, hook: hook)
        }
        let path = context.paths.sandboxDirectory + "/" + tag.description
        guard access(path, F_OK) == 0 else { throw missing(instance: instance, app: app, hook: hook) }
        do {
            return try LaunchDescription.read(path: path)
        } catch {
            throw .error(error.description)
        }
    }

    private func missing(instance: String, app: String, hook: String?) -> CommandFailure {
        if let hook { return .error("cannot find hook \"\(hook)\" in \"\(instance)\"") }
        return .error("cannot find app \"\(app)\" in \"\(instance)\"")
    }
}

/// Where the launcher's two programs are.
struct Launcher {
    var snapConfine: String
    var snapExec: String

    /// `SNAP_CONFINE` when set (for tests), else `snap-confine` beside this program, else
    /// `$ROOT/usr/lib/snapd/snap-confine`; snap-exec is always the one beside snap-confine.
    static func locate(paths: SnapPaths) throws(CommandFailure) -> Launcher {
        var candidates: [String] = []
        if let forced = CommandContext.environment("SNAP_CONFINE"), !forced.isEmpty { candidates.append(forced) }
        if let directory = programDirectory() { candidates.append(directory + "/snap-confine") }
        candidates.append(paths.under("/usr/lib/snapd/snap-confine"))
        guard let found = candidates.first(where: { access($0, X_OK) == 0 }) else {
            throw .error("cannot find snap-confine (looked at \(candidates.joined(separator: ", ")))")
        }
        let directory = found.lastIndex(of: "/").map { String(found[..<$0]) } ?? "."
        return Launcher(snapConfine: found, snapExec: directory + "/snap-exec")
    }

    /// The directory of this program (`/proc/self/exe`).
    static func programDirectory() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        let path = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return path.lastIndex(of: "/").map { String(path[..<$0]) }
    }
}
