import SQLite
import SnapAPI
import StateEngine

/// Keeps the `snaps` and `snap_revisions` tables from the `snap-*` events (see
/// ``SnapEvent``).
public struct SnapsProjection: Projection {
    public let name = "snaps"
    public let tables = ["snap_revisions", "snaps"]
    /// Only these events change the tables; a rebuild builds no other event for them.
    public let eventTypes: Set<String>? = [
        SnapEvent.linked, SnapEvent.unlinked, SnapEvent.revisionRemoved, SnapEvent.revisionRestored,
    ]

    public init() {}

    public func apply(_ event: Event, to database: Connection) throws {
        switch event.type {
        case SnapEvent.linked: try applyLinked(event, to: database)
        case SnapEvent.unlinked: try applyUnlinked(event, to: database)
        case SnapEvent.revisionRemoved: try applyRevisionRemoved(event, to: database)
        case SnapEvent.revisionRestored: try applyRevisionRestored(event, to: database)
        default: return
        }
    }

    private func applyLinked(_ event: Event, to database: Connection) throws {
        let payload = try event.decodedPayload()
        let (name, revision) = try Self.identity(of: event, payload)
        let flags = SnapFlags(json: payload["flags"])
        let active = payload["active"]?.boolValue ?? true

        try database.cached(
            """
            INSERT INTO snaps (name, current, active, devmode, classic, jailmode, updated_seq)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            ON CONFLICT (name) DO UPDATE SET current = ?2, active = ?3, devmode = ?4, classic = ?5,
                jailmode = ?6, updated_seq = ?7
            """
        ).run(
            name,
            revision,
            active ? 1 : 0,
            flags.devmode ? 1 : 0,
            flags.classic ? 1 : 0,
            flags.jailmode ? 1 : 0,
            event.sequence
        )

        guard let infoJSON = payload["info"] else { return }
        try insertRevision(name, revision, infoJSON, installDate: event.time, event: event, into: database)
    }

    private func applyRevisionRestored(_ event: Event, to database: Connection) throws {
        let payload = try event.decodedPayload()
        let (name, revision) = try Self.identity(of: event, payload)
        let flags = SnapFlags(json: payload["flags"])
        try database.cached(
            """
            INSERT INTO snaps (name, current, active, devmode, classic, jailmode, updated_seq)
            VALUES (?1, NULL, 0, ?2, ?3, ?4, ?5) ON CONFLICT (name) DO NOTHING
            """
        ).run(name, flags.devmode ? 1 : 0, flags.classic ? 1 : 0, flags.jailmode ? 1 : 0, event.sequence)
        let installDate = payload["install-date"]?.stringValue ?? event.time
        try insertRevision(
            name,
            revision,
            payload["info"] ?? .null,
            installDate: installDate,
            event: event,
            into: database
        )
    }

    private func insertRevision(
        _ name: String,
        _ revision: String,
        _ infoJSON: JSONValue,
        installDate: String,
        event: Event,
        into database: Connection
    ) throws {
        guard let info = RevisionInfo(json: infoJSON) else {
            throw ProjectionError(event: event, problem: "its revision info lacks a required member")
        }
        try database.cached(
            """
            INSERT INTO snap_revisions (name, revision, position, snap_name, version, type, base, confinement,
                summary, description, title, license, apps, file, size, install_date)
            VALUES (?1, ?2, (SELECT coalesce(max(position), 0) + 1 FROM snap_revisions WHERE name = ?1),
                ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
            ON CONFLICT (name, revision) DO UPDATE SET snap_name = ?3, version = ?4, type = ?5, base = ?6,
                confinement = ?7, summary = ?8, description = ?9, title = ?10, license = ?11, apps = ?12,
                file = ?13, size = ?14
            """
        ).run(
            name,
            revision,
            info.snapName,
            info.version,
            info.type,
            info.base,
            info.confinement,
            info.summary,
            info.description,
            info.title,
            info.license,
            JSONValue.array(info.apps.map(\.json)).jsonText,
            info.file,
            info.size,
            installDate
        )
    }

    private func applyUnlinked(_ event: Event, to database: Connection) throws {
        let payload = try event.decodedPayload()
        let (name, revision) = try Self.identity(of: event, payload)
        try database.cached("UPDATE snaps SET active = 0, updated_seq = ?3 WHERE name = ?1 AND current = ?2")
            .run(name, revision, event.sequence)
    }

    private func applyRevisionRemoved(_ event: Event, to database: Connection) throws {
        let payload = try event.decodedPayload()
        let (name, revision) = try Self.identity(of: event, payload)
        try database.cached("DELETE FROM snap_revisions WHERE name = ?1 AND revision = ?2").run(name, revision)
        try database.cached(
            "UPDATE snaps SET current = NULL, active = 0, updated_seq = ?3 WHERE name = ?1 AND current = ?2"
        ).run(name, revision, event.sequence)
        try database.cached(
            "DELETE FROM snaps WHERE name = ?1 AND NOT EXISTS (SELECT 1 FROM snap_revisions WHERE name = ?1)"
        ).run(name)
    }

    private static func identity(of event: Event, _ payload: JSONValue) throws -> (String, String) {
        guard let name = payload["name"]?.stringValue, let revision = payload["revision"]?.stringValue else {
            throw ProjectionError(event: event, problem: "it lacks \"name\" or \"revision\"")
        }
        return (name, revision)
    }
}

/// An event a projection cannot apply: the log is damaged or was written by a newer version.
public struct ProjectionError: Error, CustomStringConvertible {
    /// The event's sequence number and type.
    public let sequence: Int64
    public let type: String
    public let problem: String

    init(event: Event, problem: String) {
        sequence = event.sequence
        type = event.type
        self.problem = problem
    }

    public var description: String { "cannot apply event \(sequence) (\(type)): \(problem)" }
}
