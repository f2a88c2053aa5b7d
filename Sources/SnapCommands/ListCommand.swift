import SnapClient

/// `snap list`: the installed snaps as a table.
struct ListCommand {
    let context: CommandContext

    func run() throws(CommandFailure) {
        let names = context.arguments.positionalValues("snap")
        var query: [(String, String)] = []
        if context.arguments.flag("all") { query.append(("select", "all")) }
        if !names.isEmpty { query.append(("snaps", names.joined(separator: ","))) }

        let snaps: [SnapRecord]
        do {
            snaps = (try context.connection.get("/v2/snaps", query: query).result.arrayValue ?? []).map(SnapRecord.init)
        } catch .connection(let text) {
            // Like the real client, a daemon that cannot be reached is named as such.
            throw .error("cannot list snaps: cannot communicate with server: \(text)")
        } catch {
            throw ErrorReport.failure(for: error)
        }
        guard !snaps.isEmpty else {
            guard names.isEmpty else { throw .error("no matching snaps installed") }
            context.console.err("No snaps are installed yet. Try 'snap install hello-world'.\n")
            return
        }

        let lines = SnapLines(unicode: context.usesUnicode, color: context.usesColor)
        var table = Table()
        table.append(["Name", "Version", "Rev", "Tracking", "Publisher" + lines.headerPadding, "Notes"])
        let sorted = snaps.enumerated().sorted { ($0.element.name, $0.offset) < ($1.element.name, $1.offset) }
        for snap in sorted.map(\.element) {
            let tracking = Self.trackingColumn(snap.trackingChannel)
            table.append([
                snap.name, snap.version, snap.revision, tracking, lines.publisherColumn(snap), SnapLines.notes(snap),
            ])
        }
        context.console.out(table.rendered())
    }

    /// The Tracking column: `-` when empty, and a branch shortened to `…` as the real
    /// client does (`2.0/candidate/…`).
    static func trackingColumn(_ channel: String) -> String {
        guard !channel.isEmpty else { return "-" }
        let parts = channel.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count > 2 else { return channel }
        return parts[0] + "/" + parts[1] + "/…"
    }
}
