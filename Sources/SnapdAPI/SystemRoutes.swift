import Glibc
import SnapAPI
import SnapManager
import SnapdHTTP

/// `/v2/system-info`, `/v2/apps`, and the read-only endpoints the client calls on its way
/// to others (`/v2/find` before `/v2/snaps/{name}`, `seed.loaded` while booting).
struct SystemRoutes {
    let services: SnapdServices

    var routes: [Route] {
        [
            Route(.get, "/", access: .open) { _ in .sync(["TBD"]) },
            Route(.get, "/v2/system-info", access: .open) { _ in .sync(systemInfo) },
            Route(.get, "/v2/apps", access: .open) { request in await replying { try await apps(request) } },
            Route(.get, "/v2/find", access: .open) { request in await replying { try find(request) } },
            Route(.get, "/v2/snaps/{name}/conf", access: .authenticated) { request in
                await replying { try await configuration(request) }
            },
            Route(.get, "/v2/warnings", access: .open) { _ in .sync(JSONValue.array([])) },
        ]
    }

    /// What `snap version` and `snap refresh --time` read.
    var systemInfo: JSONValue {
        let system = Self.uname()
        let release = Self.osRelease()
        return [
            "series": "16",
            "version": .string(services.version),
            "build-id": "swift",
            "os-release": [
                "id": .string(release["ID"] ?? "linux"), "version-id": .string(release["VERSION_ID"] ?? ""),
            ],
            "on-classic": true,
            "managed": false,
            "kernel-version": .string(system.release),
            "locations": [
                "snap-mount-dir": .string(services.paths.snapMountDirectory),
                "snap-bin-dir": .string(services.paths.snapBinDirectory),
            ],
            "refresh": ["timer": "00:00~24:00/4"],
            "architecture": .string(
                system.machine == "x86_64" ? "amd64" : system.machine == "aarch64" ? "arm64" : system.machine
            ),
            "system-mode": "run",
            "confinement": "partial",
            "sandbox-features": ["confinement-options": ["classic", "devmode"]],
        ]
    }

    /// `GET /v2/apps?select=service&names=snap[.app],...`.
    private func apps(_ request: Request) async throws -> Response {
        let servicesOnly = request.query["select"] == "service"
        let wanted = request.query.list(for: "names")
        let snapNames = wanted.map { String($0.split(separator: ".", maxSplits: 1)[0]) }
        let snaps = try await services.read {
            try InstalledSnap.all(from: $0, names: snapNames.isEmpty ? nil : snapNames)
        }
        if let missing = snapNames.first(where: { name in !snaps.contains { $0.name == name } }) {
            throw APIErrors.snapNotFound(missing)
        }

        var result: [JSONValue] = []
        for snap in snaps {
            guard let entry = snap.currentRevision else { continue }
            for app in entry.info.apps where !servicesOnly || !app.daemon.isEmpty {
                let selected =
                    wanted.isEmpty || wanted.contains(snap.name) || wanted.contains("\(snap.name).\(app.name)")
                if selected { result.append(SnapJSON.app(snap.name, app, active: snap.isActive)) }
            }
        }
        if result.isEmpty && !wanted.isEmpty {
            throw HTTPError(status: 404, message: "no matching apps", kind: "app-not-found")
        }
        return .sync(JSONValue.array(result))
    }

    /// `GET /v2/find`: this daemon has no store, so every lookup finds nothing.
    private func find(_ request: Request) throws -> Response {
        if let name = request.query["name"] {
            throw HTTPError(
                status: 404,
                message: "snap \"\(name)\" not found",
                kind: "snap-not-found",
                value: .string(name)
            )
        }
        return .sync(JSONValue.array([]), sources: ["store"])
    }

    /// `GET /v2/snaps/{name}/conf?keys=...`. Only the system's `seed.loaded` is known, which
    /// clients wait for at boot; configuration itself is not kept yet.
    private func configuration(_ request: Request) async throws -> Response {
        let name = try request.pathParameter("name")
        let keys = request.query.list(for: "keys")
        let isSystem = name == "system" || name == "core"
        if !isSystem, try await services.read({ try InstalledSnap.load(name, from: $0) }) == nil {
            throw APIErrors.snapNotFound(name)
        }
        var document: [String: JSONValue] = [:]
        for key in keys {
            guard isSystem && key == "seed.loaded" else {
                throw HTTPError(
                    status: 400,
                    message: "snap \"\(name)\" has no \"\(key)\" configuration option",
                    kind: "option-not-found"
                )
            }
            document[key] = true
        }
        return .sync(JSONValue.object(document))
    }

    // MARK: Host facts

    private static func uname() -> (release: String, machine: String) {
        var names = utsname()
        Glibc.uname(&names)
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return (text(names.release), text(names.machine))
    }

    /// `KEY=value` lines of /etc/os-release, unquoted.
    private static func osRelease() -> [String: String] {
        guard let file = fopen("/etc/os-release", "r") else { return [:] }
        defer { fclose(file) }
        var values: [String: String] = [:]
        var line: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        while getline(&line, &capacity, file) > 0, let line {
            let text = String(cString: line).trimmingSuffix("\n")
            guard let equals = text.firstIndex(of: "=") else { continue }
            var value = String(text[text.index(after: equals)...])
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            values[String(text[..<equals])] = value
        }
        free(line)
        return values
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
