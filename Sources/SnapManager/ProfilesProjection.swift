import SQLite
import SnapAPI
import StateEngine

/// The domain facts about security files, and their payloads.
///
/// - `security-profile-written`: the daemon wrote a file (atomically) under its root.
///   Payload: `path` (as on a real system), `security-tag`, `kind`, `snap` (instance
///   name), `revision`, `sha3-384`, `size`, and `contents` (text) or `contents-hex`.
/// - `security-profile-removed`: the daemon removed a file. Payload: `path`, `snap`.
public enum ProfileEvent {
    public static let written = "security-profile-written"
    public static let removed = "security-profile-removed"

    static func removedPayload(_ record: ProfileRecord) -> JSONValue {
        ["path": .string(record.path), "snap": .string(record.snap)]
    }
}

/// Keeps the `security_profiles` table from the profile events: one row per file on disk,
/// with the change and task that wrote it.
public struct ProfilesProjection: Projection {
    public let name = "security-profiles"
    public let tables = ["security_profiles"]
    public let eventTypes: Set<String>? = [ProfileEvent.written, ProfileEvent.removed]

    public init() {}

    public func apply(_ event: Event, to database: Connection) throws {
        let payload = try event.decodedPayload()
        switch event.type {
        case ProfileEvent.written:
            guard let record = ProfileRecord(json: payload) else {
                throw ProjectionError(event: event, problem: "it does not describe a security file")
            }
            try database.cached(
                """
                INSERT INTO security_profiles (path, security_tag, kind, snap, revision, sha3_384, size, contents,
                    change_id, task_id, event_seq)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                ON CONFLICT (path) DO UPDATE SET security_tag = ?2, kind = ?3, snap = ?4, revision = ?5,
                    sha3_384 = ?6, size = ?7, contents = ?8, change_id = ?9, task_id = ?10, event_seq = ?11
                """
            ).run(
                record.path,
                record.securityTag,
                record.kind.rawValue,
                record.snap,
                record.revision,
                record.digest,
                record.contents.count,
                SQLiteValue.blob(record.contents),
                event.changeID,
                event.taskID,
                event.sequence
            )
        case ProfileEvent.removed:
            guard let path = payload["path"]?.stringValue else {
                throw ProjectionError(event: event, problem: "it lacks \"path\"")
            }
            try database.cached("DELETE FROM security_profiles WHERE path = ?1").run(path)
        default:
            return
        }
    }
}
