import SnapAPI
import SnapdHTTP
import StateEngine

/// `/v2/changes` and `/v2/changes/{id}`: reading changes and aborting them.
struct ChangesRoutes {
    let services: SnapdServices

    var routes: [Route] {
        [
            Route(.get, "/v2/changes", access: .open) { request in await replying { try await list(request) } },
            Route(.get, "/v2/changes/{id}", access: .open) { request in await replying { try await one(request) } },
            Route(.post, "/v2/changes/{id}", access: .authenticated(polkitAction: "io.snapcraft.snapd.manage")) {
                request in await replying { try await abort(request) }
            },
        ]
    }

    /// `GET /v2/changes?select=all|in-progress|ready&for=NAME`.
    private func list(_ request: Request) async throws -> Response {
        let selection: ChangeRecord.Selection
        switch request.query["select"] ?? "in-progress" {
        case "all": selection = .all
        case "in-progress": selection = .inProgress
        case "ready": selection = .ready
        case let other: throw HTTPError.badRequest("select should be one of: all,in-progress,ready; not \"\(other)\"")
        }
        let name = request.query["for"]
        let changes = try await services.read { try ChangeRecord.list(selection, snapName: name, from: $0) }
        return .sync(JSONValue.array(changes.map(\.json)))
    }

    private func one(_ request: Request) async throws -> Response {
        let id = try Self.changeID(request)
        guard let change = try await services.read({ try ChangeRecord.load(id, from: $0) }) else {
            throw HTTPError(status: 404, message: "cannot find change with id \"\(id)\"")
        }
        return .sync(change.json)
    }

    /// `POST /v2/changes/{id}` with `{"action":"abort"}`.
    private func abort(_ request: Request) async throws -> Response {
        struct Body: Decodable { var action: String }
        let id = try Self.changeID(request)
        let body = try request.decodeJSON(Body.self)
        guard body.action == "abort" else {
            throw HTTPError.badRequest("change action \"\(body.action)\" is unsupported")
        }
        try await services.engine.abortChange(id)
        guard let change = try await services.read({ try ChangeRecord.load(id, from: $0) }) else {
            throw HTTPError(status: 404, message: "cannot find change with id \"\(id)\"")
        }
        return .sync(change.json)
    }

    private static func changeID(_ request: Request) throws -> Int64 {
        let text = try request.pathParameter("id")
        guard let id = Int64(text), id > 0 else {
            throw HTTPError(status: 404, message: "cannot find change with id \"\(text)\"")
        }
        return id
    }
}
