import SnapClient

/// `snap enable`, `snap disable` and `snap revert`: one action on one snap through
/// `POST /v2/snaps/NAME`.
struct SnapActionCommand {
    let context: CommandContext
    /// `enable`, `disable` or `revert`.
    let action: String

    func run() throws(CommandFailure) {
        let args = context.arguments
        let name = args.positional("snap") ?? ""
        if args.flag("devmode"), args.flag("jailmode") {
            throw .error("cannot use devmode and jailmode flags together")
        }
        var body = GoJSON()
        body.add("action", .string(action))
        if action == "revert" {
            body.add("revision", nonEmpty: args.option("revision"))
            body.add("devmode", ifTrue: args.flag("devmode"))
            body.add("jailmode", ifTrue: args.flag("jailmode"))
            body.add("classic", ifTrue: args.flag("classic"))
        }

        let change: AsyncReply
        do {
            change = try context.connection.postAsync("/v2/snaps/\(name)", json: body)
        } catch {
            throw ErrorReport.failure(for: error, snapName: name)
        }
        guard try context.waitUnlessNoWait(for: change.change) != nil else { return }

        switch action {
        case "revert":
            for snap in try SnapQueries(context: context).installed([name]) {
                context.console.out("\(snap.name) reverted to \(snap.version)\n")
            }
        default:
            context.console.out("\(name) \(action)d\n")
        }
    }
}
