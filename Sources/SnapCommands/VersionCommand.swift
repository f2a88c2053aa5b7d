/// `snap version`: this client's version, then the daemon's, its series, the operating
/// system and the kernel.
struct VersionCommand {
    let context: CommandContext

    /// The version this client reports for itself.
    static let clientVersion = "0.1-swift"

    func run() throws(CommandFailure) {
        let info: SnapRecord
        do {
            info = SnapRecord(json: try context.connection.get("/v2/system-info").result)
        } catch {
            throw ErrorReport.failure(for: error)
        }
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
