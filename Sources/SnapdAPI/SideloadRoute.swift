import Glibc
import SnapAPI
import SnapManager
import SnapdHTTP
import StateEngine

/// `POST /v2/snaps`: a multipart sideload of `.snap` files, or a JSON action on several
/// snaps, chosen by the request's content type.
struct SideloadRoute {
    let services: SnapdServices

    func post(_ request: Request) async throws -> Response {
        if let form = request.form { return try await sideload(form) }
        let contentType = request.headers["Content-Type"] ?? ""
        guard contentType.hasPrefix("application/json") else {
            throw HTTPError.badRequest("unknown content type: \(contentType)")
        }
        return try await MultiSnapAction(services: services).post(request)
    }

    /// Installs one uploaded file as a new local revision (`snap install --dangerous ./x.snap`).
    private func sideload(_ form: MultipartForm) async throws -> Response {
        let action = form.value(of: "action") ?? "install"
        guard action == "install" else {
            throw HTTPError.badRequest("cannot \(action) a snap from an upload: only \"install\" is supported")
        }
        let files = form.files(named: "snap")
        guard let file = files.first else {
            throw HTTPError.badRequest("cannot find \"snap\" file field in provided multipart/form-data payload")
        }
        guard files.count == 1 else {
            throw HTTPError.badRequest("cannot install several snap files at once yet; install them one by one")
        }
        if let transaction = form.value(of: "transaction"), transaction != "per-snap", transaction != "all-snaps" {
            throw HTTPError.badRequest("invalid value for transaction type: \(transaction)")
        }

        let displayPath = form.value(of: "snap-path") ?? file.filename
        let flags = SnapFlags(
            devmode: Self.isTrue(form.value(of: "devmode")),
            classic: Self.isTrue(form.value(of: "classic")),
            jailmode: Self.isTrue(form.value(of: "jailmode"))
        )
        guard Self.isTrue(form.value(of: "dangerous")) || flags.devmode else {
            throw HTTPError.badRequest("cannot find signatures with metadata for snap \"\(displayPath)\"")
        }
        if flags.devmode && flags.jailmode {
            throw HTTPError.badRequest("cannot use devmode and jailmode flags together")
        }
        if flags.classic && flags.jailmode {
            throw HTTPError.badRequest("cannot use classic and jailmode flags together")
        }

        let path = try form.claim(file)
        do {
            let info = try await services.snaps.inspect(upload: path, displayPath: displayPath)
            let request = InstallRequest(
                file: path,
                displayPath: displayPath,
                info: info,
                instanceName: form.value(of: "name"),
                flags: flags
            )
            let name = request.instanceName ?? info.name
            let installed = try await services.read { try InstalledSnap.load(name, from: $0) }
            let change = try services.snaps.installChange(request, installed: installed)
            let id = try await services.engine.addChange(change)
            services.removeUpload(path, whenDone: id)
            await services.settle(id)
            return .async(change: String(id))
        } catch {
            unlink(path)
            throw error
        }
    }

    /// The lenient boolean of form fields: `true`, `1`, `t`, `yes`...
    static func isTrue(_ value: String?) -> Bool {
        guard let value = value?.lowercased() else { return false }
        return ["true", "1", "t", "yes", "y", "on"].contains(value)
    }
}
