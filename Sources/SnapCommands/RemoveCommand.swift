import SnapAPI
import SnapClient

/// `snap remove`: one snap through `POST /v2/snaps/NAME`, several through `POST /v2/snaps`.
struct RemoveCommand {
    let context: CommandContext

    func run() throws(CommandFailure) {
        let names = context.arguments.positionalValues("snap")
        let revision = context.arguments.option("revision") ?? ""
        let purge = context.arguments.flag("purge")

        if names.count == 1 {
            var body = GoJSON()
            body.add("action", "remove")
            body.add("revision", nonEmpty: revision)
            body.add("purge", ifTrue: purge)
            try remove(path: "/v2/snaps/\(names[0])", body: body, name: names[0])
            return
        }

        guard revision.isEmpty, !purge else { throw .error("a single snap name is needed to specify options") }
        var body = GoJSON()
        body.add("action", "remove")
        body.add("snaps", .array(names.map(JSONValue.string)))
        try remove(path: "/v2/snaps", body: body, name: names.joined(separator: ", "))
    }

    private func remove(path: String, body: GoJSON, name: String) throws(CommandFailure) {
        let change: AsyncReply
        do {
            change = try context.connection.postAsync(path, json: body)
        } catch {
            throw ErrorReport.failure(for: error, snapName: name, isRemove: true)
        }
        guard let done = try context.waitUnlessNoWait(for: change.change) else { return }

        let names = context.arguments.positionalValues("snap")
        if names.count > 1 {
            for removed in (done.data["snap-names"]?.arrayValue ?? []).compactMap(\.stringValue) {
                context.console.out("\(removed) removed\n")
            }
        } else if let revision = context.arguments.option("revision"), !revision.isEmpty {
            context.console.out("\(names[0]) (revision \(revision)) removed\n")
        } else {
            context.console.out("\(names[0]) removed\n")
        }
    }
}
