import SnapAPI

/// `snap version`: this client's version, then the daemon's, its series, the operating
/// system and the kernel. Like the real client it gives the daemon 25 seconds, and
/// reports it `unavailable` (series `-`) when it does not answer or answers an error.
struct VersionCommand {
    let context: CommandContext

    /// The version this client reports for itself.
    static let clientVersion = "0.1-swift"

    func run() throws(CommandFailure) {
        let unavailable: JSONValue = ["version": "unavailable", "series": "-"]
        let reply = try? context.connection.get("/v2/system-info", timeout: 25)
        let info = SnapRecord(json: reply?.result ?? unavailable)
        let osRelease = info.json["os-release"]
        var table = Table()
        table.append(["snap", Self.clientVersion])
        table.append(["snapd", info.string("version")])
        table.append(["series", info.string("series")])
        let osID = osRelease?["id"]?.stringValue ?? ""
        if !osID.isEmpty {
            table.append([osID, osRelease?["version-id"]?.stringValue ?? ""])
        }
        let kernel = info.string("kernel-version")
        if !kernel.isEmpty {
            table.append(["kernel", kernel])
        }
        context.console.out(table.rendered())
    }
}
