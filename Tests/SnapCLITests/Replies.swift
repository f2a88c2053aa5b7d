import Foundation
import SnapAPI

/// Envelopes and realistic payloads for the fake daemon.
enum Replies {
    /// A sync reply, optionally with warnings or a maintenance notice.
    static func sync(_ result: JSONValue, extra: [String: JSONValue] = [:]) -> Reply {
        var envelope: [String: JSONValue] = ["type": "sync", "status-code": 200, "status": "OK", "result": result]
        envelope.merge(extra) { _, new in new }
        return Reply(status: 200, body: JSONValue.object(envelope).jsonText)
    }

    /// A 202 async reply for change `id`.
    static func async(_ id: String) -> Reply {
        let envelope: JSONValue = [
            "type": "async", "status-code": 202, "status": "Accepted", "result": .null, "change": .string(id),
        ]
        return Reply(status: 202, body: envelope.jsonText)
    }

    /// An error envelope.
    static func error(_ status: Int, _ message: String, kind: String? = nil, value: JSONValue? = nil) -> Reply {
        var result: [String: JSONValue] = ["message": .string(message)]
        if let kind { result["kind"] = .string(kind) }
        if let value { result["value"] = value }
        let envelope: JSONValue = [
            "type": "error", "status-code": .integer(Int64(status)), "status": "Error", "result": .object(result),
        ]
        return Reply(status: status, body: envelope.jsonText)
    }

    /// RFC 3339 UTC time `hours` from now, with microseconds as the daemon writes it.
    static func time(hours: Double = 0) -> String {
        let date = Date().addingTimeInterval(hours * 3600)
        var components = Calendar(identifier: .gregorian).dateComponents(
            in: TimeZone(identifier: "UTC") ?? .current,
            from: date
        )
        components.nanosecond = (components.nanosecond ?? 0) / 1000 * 1000
        let micro = (components.nanosecond ?? 0) / 1000
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
            components.year ?? 0,
            components.month ?? 0,
            components.day ?? 0,
            components.hour ?? 0,
            components.minute ?? 0,
            components.second ?? 0,
            micro
        )
    }

    /// A task; ready statuses get a ready time.
    static func task(
        _ id: String,
        _ summary: String,
        _ status: String,
        log: [String] = [],
        done: Int64 = 0,
        total: Int64 = 1,
        spawn: Double = -0.1,
        ready: Double? = nil
    ) -> JSONValue {
        var task: [String: JSONValue] = [
            "id": .string(id), "kind": "some-task", "summary": .string(summary), "status": .string(status),
            "progress": ["label": "", "done": .integer(done), "total": .integer(total)],
            "spawn-time": .string(time(hours: spawn)),
        ]
        if !log.isEmpty { task["log"] = .array(log.map(JSONValue.string)) }
        if ["Done", "Error", "Undone", "Hold"].contains(status) {
            task["ready-time"] = .string(time(hours: ready ?? spawn))
        }
        return .object(task)
    }

    /// A change; `ready` follows the status.
    static func change(
        _ id: String,
        _ status: String,
        kind: String = "install-snap",
        summary: String = "Install \"bar\" snap",
        tasks: [JSONValue] = [],
        err: String? = nil,
        data: JSONValue? = nil,
        spawn: Double = -0.1,
        ready: Double? = nil
    ) -> JSONValue {
        let isReady = ["Done", "Error", "Undone", "Hold"].contains(status)
        var change: [String: JSONValue] = [
            "id": .string(id), "kind": .string(kind), "summary": .string(summary), "status": .string(status),
            "ready": .bool(isReady), "spawn-time": .string(time(hours: spawn)), "tasks": .array(tasks),
        ]
        if isReady { change["ready-time"] = .string(time(hours: ready ?? spawn)) }
        if let err { change["err"] = .string(err) }
        if let data { change["data"] = data }
        return .object(change)
    }

    /// The publisher the store reports for acme.
    static let acme: JSONValue = [
        "id": "pub1d", "username": "acme", "display-name": "Acme Inc", "validation": "verified",
    ]

    /// An installed snap object as the daemon returns it; `changes` overrides keys, and
    /// a `.null` value removes the key.
    static func snap(_ name: String, _ changes: [String: JSONValue] = [:]) -> JSONValue {
        var snap: [String: JSONValue] = [
            "id": .string("\(name)-id-0123"), "name": .string(name), "title": .string(name.capitalized),
            "summary": .string("The \(name) snap"), "description": .string("A toy \(name) snap."),
            "version": "1.0", "revision": "42", "channel": "stable", "tracking-channel": "latest/stable",
            "type": "app", "base": "core22", "status": "active", "confinement": "strict", "devmode": false,
            "jailmode": false, "private": false, "ignore-validation": false, "publisher": acme,
            "developer": "acme", "contact": "mailto:dev@example.com", "license": "MIT",
            "install-date": "2024-01-02T03:04:05.123456789Z", "installed-size": 65536,
            "mounted-from": .string("/var/lib/snapd/snaps/\(name)_42.snap"), "apps": [],
        ]
        for (key, value) in changes {
            if value == .null { snap.removeValue(forKey: key) } else { snap[key] = value }
        }
        return .object(snap)
    }

    /// The daemon's system information.
    static let systemInfo: JSONValue = [
        "series": "16", "version": "2.57.6+swift", "build-id": "deadbeef",
        "os-release": ["id": "debian", "version-id": "12"], "on-classic": true, "managed": false,
        "kernel-version": "6.1.0-test", "architecture": "amd64", "confinement": "partial",
    ]
}
