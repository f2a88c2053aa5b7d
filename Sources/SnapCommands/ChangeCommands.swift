import SnapAPI
import SnapClient

/// `snap changes`, `snap tasks` (and `snap change`), `snap watch` and `snap abort`.
struct ChangeCommands {
    let context: CommandContext

    /// Kinds that `--last` completes with `-snap`, as the real client does.
    private static let snapKinds: Set<String> = [
        "install", "refresh", "remove", "revert", "enable", "disable", "switch", "connect", "disconnect",
        "configure", "try",
    ]

    /// `snap changes [NAME]`: every change, oldest first.
    func changes() throws(CommandFailure) {
        var query = [("select", "all")]
        if let name = context.arguments.positional("snap") { query.append(("for", name)) }
        let changes = try fetchChanges(query)
        guard !changes.isEmpty else {
            context.console.err("no changes found\n")
            return
        }

        let now = HumanTime.now()
        var table = Table()
        table.append(["ID", "Status", "Spawn", "Ready", "Summary"])
        for change in sortedBySpawnTime(changes) {
            table.append([
                change.id, change.status, time(change.spawnTime, now), time(change.readyTime, now), change.summary,
            ])
        }
        context.console.out(table.rendered() + "\n")
    }

    /// `snap tasks ID` or `--last=KIND`: the tasks of one change, then each task's log.
    func tasks() throws(CommandFailure) {
        guard let id = try chosenChange() else { return }
        let change: ChangeRecord
        do {
            change = ChangeRecord(json: try context.connection.get("/v2/changes/\(id)").result)
        } catch {
            throw ErrorReport.failure(for: error)
        }

        let now = HumanTime.now()
        var table = Table()
        table.append(["Status", "Spawn", "Ready", "Summary"])
        for task in change.tasks {
            var summary = task.summary
            if task.status == "Doing", task.progressTotal > 1 {
                let percent = Double(task.progressDone) / Double(task.progressTotal) * 100
                summary += " (\(Self.twoDecimals(percent))%)"
            }
            table.append([task.status, time(task.spawnTime, now), time(task.readyTime, now), summary])
        }
        var text = table.rendered() + "\n"
        for task in change.tasks where !task.log.isEmpty {
            text += String(repeating: ".", count: 70) + "\n" + task.summary + "\n\n"
            text += task.log.map { $0 + "\n" }.joined() + "\n"
        }
        context.console.out(text)
    }

    /// `snap watch ID` or `--last=KIND`: waits for the change.
    func watch() throws(CommandFailure) {
        guard let id = try chosenChange() else { return }
        _ = try ChangeWaiter(connection: context.connection, console: context.console).wait(for: id)
    }

    /// `snap abort ID` or `--last=KIND`: asks the daemon to abort the change.
    func abort() throws(CommandFailure) {
        guard let id = try chosenChange() else { return }
        do {
            _ = try context.connection.postSync("/v2/changes/\(id)", text: "{\"action\":\"abort\"}\n")
        } catch {
            throw ErrorReport.failure(for: error)
        }
    }

    /// The change named by the positional or by `--last`; nil when `--last=KIND?` finds none.
    private func chosenChange() throws(CommandFailure) -> String? {
        let id = context.arguments.positional("change-id")
        let last = context.arguments.option("last") ?? ""
        switch (id, last.isEmpty) {
        case (.some, false): throw .error("cannot use change ID and type together")
        case (.some(let id), true): return id
        case (nil, true): throw .error("please provide change ID or type with --last=<type>")
        case (nil, false): return try lastChange(ofKind: last)
        }
    }

    /// The id of the newest change of `kind`.
    private func lastChange(ofKind requested: String) throws(CommandFailure) -> String? {
        let optional = requested.hasSuffix("?")
        var kind = optional ? String(requested.dropLast()) : requested
        if Self.snapKinds.contains(kind) { kind += "-snap" }

        let matching = try fetchChanges([("select", "all")]).filter { $0.kind == kind }
        guard let newest = sortedBySpawnTime(matching).last else {
            if optional { return nil }
            throw .error("no changes of type \(ErrorReport.quoted(kind.replacing("-snap", with: ""))) found")
        }
        return newest.id
    }

    private func fetchChanges(_ query: [(String, String)]) throws(CommandFailure) -> [ChangeRecord] {
        do {
            return (try context.connection.get("/v2/changes", query: query).result.arrayValue ?? [])
                .map(ChangeRecord.init)
        } catch {
            throw ErrorReport.failure(for: error)
        }
    }

    private func sortedBySpawnTime(_ changes: [ChangeRecord]) -> [ChangeRecord] {
        changes.enumerated().sorted { left, right in
            let leftTime = HumanTime(rfc3339: left.element.spawnTime)?.seconds ?? 0
            let rightTime = HumanTime(rfc3339: right.element.spawnTime)?.seconds ?? 0
            return (leftTime, left.offset) < (rightTime, right.offset)
        }.map(\.element)
    }

    /// A time as `--abs-time` or relative; `-` when absent.
    private func time(_ text: String, _ now: Int) -> String {
        guard let time = HumanTime(rfc3339: text) else { return "-" }
        return context.arguments.flag("abs-time") ? time.absolute : time.relative(to: now)
    }

    /// `25.00`: a percentage with two decimals, rounded half away from zero.
    static func twoDecimals(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + String(fraction)
    }
}
