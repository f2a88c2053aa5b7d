import SnapAPI
import SnapManager

/// The snap objects `/v2/snaps` returns, and the app objects of `/v2/apps`.
enum SnapJSON {
    /// One revision of an installed snap as the client's `snap list` and `snap info` read it.
    /// A local snap has no `publisher` member at all: the client prints an empty one.
    static func snap(_ snap: InstalledSnap, _ entry: InstalledSnap.Revision) -> JSONValue {
        let info = entry.info
        let isCurrent = entry.revision == snap.current
        var object: [String: JSONValue] = [
            "name": .string(snap.name),
            "title": .string(info.title),
            "summary": .string(info.summary),
            "description": .string(info.description),
            "version": .string(info.version),
            "revision": .string(entry.revision.description),
            "channel": "",
            "type": .string(info.type),
            "status": .string(isCurrent && snap.isActive ? "active" : "installed"),
            "confinement": .string(confinement(snap.flags, declared: info.confinement)),
            "devmode": .bool(snap.flags.devmode),
            "jailmode": .bool(snap.flags.jailmode),
            "trymode": false,
            "private": false,
            "ignore-validation": false,
            "install-date": .string(entry.installDate),
            "installed-size": .integer(info.size),
            "mounted-from": .string(info.file),
            "license": .string(info.license),
            "apps": .array(info.apps.map { app(snap.name, $0, active: isCurrent && snap.isActive) }),
            "contact": "",
        ]
        if let base = info.base { object["base"] = .string(base) }
        if snap.name != info.snapName {
            object["instance-key"] = .string(String(snap.name.dropFirst(info.snapName.count + 1)))
        }
        return .object(object)
    }

    /// The confinement the snap runs under: the declared one, changed by the flags.
    static func confinement(_ flags: SnapFlags, declared: String) -> String {
        if flags.classic && declared == "classic" { return "classic" }
        if flags.devmode { return "devmode" }
        return declared == "devmode" ? "devmode" : declared
    }

    static func app(_ snapName: String, _ app: RevisionInfo.App, active: Bool) -> JSONValue {
        var object: [String: JSONValue] = ["snap": .string(snapName), "name": .string(app.name)]
        if !app.daemon.isEmpty {
            object["daemon"] = .string(app.daemon)
            object["daemon-scope"] = .string(app.daemonScope)
            // Services are started by the services manager, which is not part of this daemon yet.
            object["enabled"] = .bool(active)
            object["active"] = false
        }
        if !app.commonID.isEmpty { object["common-id"] = .string(app.commonID) }
        return .object(object)
    }
}
