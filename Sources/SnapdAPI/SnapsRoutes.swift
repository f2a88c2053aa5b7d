import SnapAPI
import SnapManager
import SnapdHTTP
import StateEngine

/// `/v2/snaps` and `/v2/snaps/{name}`: listing installed snaps and acting on them.
struct SnapsRoutes {
    let services: SnapdServices

    var routes: [Route] {
        [
            Route(.get, "/v2/snaps", access: .open) { request in await replying { try await list(request) } },
            Route(.get, "/v2/snaps/{name}", access: .open) { request in await replying { try await one(request) } },
            Route(
                .post,
                "/v2/snaps",
                access: .authenticated(polkitAction: "io.snapcraft.snapd.manage"),
                uploads: UploadPolicy(directory: services.uploadDirectory, maximumSize: 8 << 30)
            ) { request in await replying { try await SideloadRoute(services: services).post(request) } },
            Route(
                .post,
                "/v2/snaps/{name}",
                access: .authenticated(polkitAction: "io.snapcraft.snapd.manage")
            ) { request in await replying { try await SnapActionRoute(services: services).post(request) } },
        ]
    }

    /// `GET /v2/snaps`: each snap's current revision, or every revision with `select=all`;
    /// only the snaps named in `snaps=` when given.
    private func list(_ request: Request) async throws -> Response {
        let names = request.query.list(for: "snaps")
        let selection = request.query["select"] ?? "enabled"
        guard selection == "all" || selection == "enabled" else {
            throw HTTPError.badRequest("invalid select parameter: \"\(selection)\"")
        }
        let all = selection == "all"
        let snaps = try await services.read { try InstalledSnap.all(from: $0, names: names.isEmpty ? nil : names) }
        var result: [JSONValue] = []
        for snap in snaps {
            let entries = all ? snap.revisions : [snap.currentRevision ?? snap.revisions.last].compactMap { $0 }
            result += entries.map { SnapJSON.snap(snap, $0) }
        }
        return .sync(JSONValue.array(result), sources: ["local"])
    }

    /// `GET /v2/snaps/{name}`: the snap's current revision.
    private func one(_ request: Request) async throws -> Response {
        let name = try request.pathParameter("name")
        let snap = try await services.read { try InstalledSnap.load(name, from: $0) }
        guard let snap, let entry = snap.currentRevision ?? snap.revisions.last else {
            throw APIErrors.snapNotFound(name)
        }
        return .sync(SnapJSON.snap(snap, entry), sources: ["local"])
    }
}
