import SnapAPI

/// Reads of installed snaps that several commands share.
struct SnapQueries {
    let context: CommandContext

    /// `GET /v2/snaps?snaps=a,b`: the installed snaps among `names`.
    func installed(_ names: [String]) throws(CommandFailure) -> [SnapRecord] {
        do {
            let reply = try context.connection.get("/v2/snaps", query: [("snaps", names.joined(separator: ","))])
            return (reply.result.arrayValue ?? []).map(SnapRecord.init)
        } catch {
            throw ErrorReport.failure(for: error)
        }
    }
}
