import SnapAPI
import SnapClient

#if canImport(Glibc)
import Glibc
#endif

/// `snap install`: store snaps by name, or .snap files sent as a multipart form.
struct InstallCommand {
    let context: CommandContext

    private var arguments: ArgumentsView { ArgumentsView(parsed: context.arguments) }

    func run() throws(CommandFailure) {
        let names = context.arguments.positionalValues("snap")
        let args = context.arguments
        if args.flag("devmode"), args.flag("jailmode") {
            throw .error("cannot use devmode and jailmode flags together")
        }
        let channel = try arguments.channel()
        let localCount = names.filter(Self.isLocalPath).count
        guard localCount == 0 || localCount == names.count else {
            throw .error("cannot install local and store snaps at the same time")
        }
        if names.count > 1, !(args.option("name") ?? "").isEmpty {
            throw .error("cannot use instance name when installing multiple snaps")
        }
        if localCount > 0 {
            try installFiles(names, channel: channel)
        } else if names.count == 1 {
            try installFromStore(names[0], channel: channel)
        } else {
            try installManyFromStore(names, channel: channel)
        }
    }

    /// Whether the argument names a file, as the real client decides it.
    static func isLocalPath(_ name: String) -> Bool {
        name.contains("/") || name.hasSuffix(".snap") || name.contains(".snap.")
    }

    private func installFromStore(_ name: String, channel: String) throws(CommandFailure) {
        if !(context.arguments.option("name") ?? "").isEmpty {
            throw .error("cannot use explicit name when installing from store")
        }
        if context.arguments.flag("dangerous") {
            throw .error("dangerous option only meaningful when installing from a local file")
        }
        var body = GoJSON()
        body.add("action", "install")
        body.add("channel", nonEmpty: channel)
        body.add("revision", nonEmpty: context.arguments.option("revision"))
        body.add("cohort-key", nonEmpty: context.arguments.option("cohort"))
        addModes(to: &body)
        body.add("transaction", nonEmpty: context.arguments.option("transaction"))

        let change: AsyncReply
        do {
            change = try context.connection.postAsync("/v2/snaps/\(name)", json: body)
        } catch {
            throw ErrorReport.failure(for: error, snapName: name)
        }
        guard try context.waitUnlessNoWait(for: change.change) != nil else { return }
        try showInstalled([name])
    }

    private func installManyFromStore(_ names: [String], channel: String) throws(CommandFailure) {
        let args = context.arguments
        if !channel.isEmpty {
            throw .error("a single snap name is needed to specify channel flags")
        }
        if args.flag("devmode") || args.flag("jailmode") || args.flag("classic") {
            throw .error("cannot specify mode for multiple store snaps (only for one store snap or several local ones)")
        }
        if args.flag("ignore-validation") {
            throw .error("a single snap name must be specified when ignoring validation")
        }
        var body = GoJSON()
        body.add("action", "install")
        body.add("snaps", .array(names.map(JSONValue.string)))
        body.add("transaction", nonEmpty: args.option("transaction"))

        let change: AsyncReply
        do {
            change = try context.connection.postAsync("/v2/snaps", json: body)
        } catch {
            throw ErrorReport.failure(for: error, snapName: names.joined(separator: ", "))
        }
        guard let done = try context.waitUnlessNoWait(for: change.change) else { return }
        let installed = (done.data["snap-names"]?.arrayValue ?? []).compactMap(\.stringValue)
        try showInstalled(installed)
    }

    private func installFiles(_ paths: [String], channel: String) throws(CommandFailure) {
        let args = context.arguments
        for path in paths where access(path, R_OK) != 0 {
            let reason = String(cString: strerror(errno))
            throw .error("cannot open \(ErrorReport.quoted(path)): open \(path): \(reason.lowercased())")
        }

        var form = MultipartFormData()
        form.addField(name: "action", value: "install")
        if paths.count == 1 {
            if let name = args.option("name"), !name.isEmpty { form.addField(name: "name", value: name) }
            form.addField(name: "snap-path", value: paths[0])
            if !channel.isEmpty { form.addField(name: "channel", value: channel) }
        }
        for flag in ["devmode", "classic", "jailmode", "dangerous"] where args.flag(flag) {
            form.addField(name: flag, value: "true")
        }
        if let transaction = args.option("transaction"), !transaction.isEmpty {
            form.addField(name: "transaction", value: transaction)
        }
        if args.flag("unaliased") { form.addField(name: "unaliased", value: "true") }
        for path in paths {
            let filename = path.split(separator: "/").last.map(String.init) ?? path
            form.addFile(name: "snap", filename: filename, path: path)
        }

        let change: AsyncReply
        do {
            change = try context.connection.postAsync("/v2/snaps", form: form)
        } catch {
            throw ErrorReport.failure(for: error, snapName: paths.joined(separator: ", "), isLocal: true)
        }
        guard let done = try context.waitUnlessNoWait(for: change.change) else { return }
        var installed = (done.data["snap-names"]?.arrayValue ?? []).compactMap(\.stringValue)
        if let single = done.data["snap-name"]?.stringValue { installed = [single] }
        try showInstalled(installed)
    }

    /// Mode flags in the order the real client's request body lists them.
    private func addModes(to body: inout GoJSON) {
        let args = context.arguments
        body.add("devmode", ifTrue: args.flag("devmode"))
        body.add("jailmode", ifTrue: args.flag("jailmode"))
        body.add("classic", ifTrue: args.flag("classic"))
        body.add("dangerous", ifTrue: args.flag("dangerous"))
        body.add("ignore-validation", ifTrue: args.flag("ignore-validation"))
        body.add("unaliased", ifTrue: args.flag("unaliased"))
    }

    /// Warns when the snap command directory is not on `$PATH`, then prints one line per
    /// installed snap.
    private func showInstalled(_ names: [String]) throws(CommandFailure) {
        warnAboutPath()
        let snaps = try SnapQueries(context: context).installed(names)
        let lines = SnapLines(unicode: context.usesUnicode, color: context.usesColor)
        for snap in snaps {
            if context.arguments.flag("classic"), snap.confinement != "classic" {
                context.console.err("Warning: flag --classic ignored for strictly confined snap \(snap.name)\n\n")
            }
            context.console.out(lines.done(snap, verb: "installed"))
        }
    }

    /// The real client's advice when `/snap/bin` (under the root) is not on `$PATH`.
    private func warnAboutPath() {
        let directory = context.paths.snapBinDirectory
        let path = CommandContext.environment("PATH") ?? ""
        guard !path.split(separator: ":").contains(where: { $0 == directory }) else { return }
        let message =
            "\(directory) was not found in your $PATH. If you've not restarted your session since you installed "
            + "snapd, try doing that. Please see https://forum.snapcraft.io/t/9469 for more details."
        let filled = TextFill.fill(message, indent: 9)
        let heading = context.usesColor ? "\u{1B}[1mWarning:\u{1B}[0m" : "Warning:"
        context.console.err("\(heading) \(filled)\n\n")
    }
}
