import SnapAPI
import SnapManager
import SnapdHTTP
import StateEngine

/// The body of `POST /v2/snaps/{name}` and `POST /v2/snaps`. The client leaves out false
/// and empty members.
struct SnapActionBody: Decodable {
    var action: String
    var snaps: [String]?
    var revision: String?
    var channel: String?
    var devmode: Bool?
    var classic: Bool?
    var jailmode: Bool?
    var purge: Bool?
    var transaction: String?

    var flags: SnapFlags {
        SnapFlags(devmode: devmode ?? false, classic: classic ?? false, jailmode: jailmode ?? false)
    }
}

/// `POST /v2/snaps/{name}`: install, remove, enable, disable, revert, refresh, switch.
struct SnapActionRoute {
    let services: SnapdServices

    func post(_ request: Request) async throws -> Response {
        let name = try request.pathParameter("name")
        let body = try request.decodeJSON(SnapActionBody.self)
        let revision = try body.revision.map(Self.parseRevision)
        let installed = try await services.read { try InstalledSnap.load(name, from: $0) }
        let manager = services.snaps

        let change: NewChange
        switch body.action {
        case "install":
            if installed != nil {
                throw HTTPError(
                    status: 400,
                    message: "snap \"\(name)\" is already installed",
                    kind: "snap-already-installed",
                    value: .string(name)
                )
            }
            throw HTTPError(
                status: 404,
                message: "snap \"\(name)\" not found: this daemon has no store to install from",
                kind: "snap-not-found",
                value: .string(name)
            )
        case "remove":
            guard let installed else { throw APIErrors.snapNotInstalled(name) }
            if revision == nil || installed.revisions.count == 1 {
                try await services.checkRemovable([name])
            }
            change = try manager.removeChange(installed, revision: revision)
        case "enable":
            guard let installed else { throw APIErrors.snapNotInstalled(name) }
            change = try manager.enableChange(installed)
        case "disable":
            guard let installed else { throw APIErrors.snapNotInstalled(name) }
            change = try manager.disableChange(installed)
        case "revert":
            guard let installed else { throw APIErrors.snapNotInstalled(name) }
            let flags = body.devmode != nil || body.jailmode != nil || body.classic != nil ? body.flags : nil
            change = try manager.revertChange(installed, to: revision, flags: flags)
        case "refresh", "switch":
            guard installed != nil else { throw APIErrors.snapNotInstalled(name) }
            throw HTTPError(
                status: 400,
                message: "local snap \"\(name)\" is unknown to the store, use --amend to proceed anyway",
                kind: "snap-local",
                value: .string(name)
            )
        default:
            throw HTTPError.badRequest("unknown action \(body.action)")
        }
        let id = try await services.engine.addChange(change)
        await services.settle(id)
        return .async(change: String(id))
    }

    static func parseRevision(_ text: String) throws -> SnapRevision {
        guard let revision = SnapRevision(text) else {
            throw HTTPError.badRequest("invalid snap revision: \"\(text)\"")
        }
        return revision
    }
}

/// `POST /v2/snaps` with JSON: the same actions on several snaps at once.
struct MultiSnapAction {
    let services: SnapdServices

    func post(_ request: Request) async throws -> Response {
        let body = try request.decodeJSON(SnapActionBody.self)
        if body.revision != nil || body.channel != nil || body.devmode != nil || body.jailmode != nil
            || body.purge != nil
        {
            throw HTTPError.badRequest("unsupported option provided for multi-snap operation")
        }
        let names = body.snaps ?? []
        switch body.action {
        case "remove":
            guard !names.isEmpty else { throw HTTPError.badRequest("cannot remove: no snaps named") }
            let installed = try await services.read { try InstalledSnap.all(from: $0, names: names) }
            let known = Set(installed.map(\.name))
            if let missing = names.first(where: { !known.contains($0) }) {
                throw APIErrors.snapNotInstalled(missing)
            }
            try await services.checkRemovable(names)
            let change = try services.snaps.removeChange(installed)
            let id = try await services.engine.addChange(change)
            await services.settle(id)
            return .async(change: String(id))
        case "install", "refresh":
            throw HTTPError.badRequest("cannot \(body.action) snaps: this daemon has no store")
        default:
            throw HTTPError.badRequest("unknown action \(body.action)")
        }
    }
}
