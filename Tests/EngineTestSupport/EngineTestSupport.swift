// Fixtures shared by the state-engine tests and the crash harness they run as a child.

import SQLite
import SnapAPI
import StateEngine

/// Follows the files the `create-file` handlers make, to prove that domain projections
/// follow facts and rebuild like the engine's own.
public struct FilesProjection: Projection {
    public init() {}

    public var name: String { "files" }
    public var tables: [String] { ["test_files"] }

    /// Creates the projection's table, after the engine's own migrations.
    public static let migration = Migration(
        version: 1000,
        name: "1000_test_files.sql",
        sql: "CREATE TABLE test_files (name TEXT PRIMARY KEY, change_id INTEGER, since TEXT)"
    )

    /// The engine's migrations followed by this projection's.
    public static let migrations = Migration.embedded + [migration]

    public func apply(_ event: Event, to database: Connection) throws {
        switch event.type {
        case "file-created":
            try database.cached("INSERT OR REPLACE INTO test_files VALUES (?1 ->> '$.name', ?2, ?3)")
                .run(event.payload, event.changeID, event.time)
        case "file-removed":
            try database.cached("DELETE FROM test_files WHERE name = ?1 ->> '$.name'").run(event.payload)
        default:
            return
        }
    }
}

/// A change acting on `snap` that creates `names` one after the other with `create-file`
/// tasks and, when `failing`, ends with a `fail` task.
public func fileChange(snap: String, names: [String], failing: Bool = false) -> NewChange {
    var change = NewChange(kind: "install-snap", summary: "Install \"\(snap)\" snap", snapNames: [snap])
    var previous: NewChange.TaskReference?
    for name in names {
        previous = change.addTask(
            kind: "create-file",
            summary: "Create \(name)",
            data: ["name": .string(name)],
            waitingFor: previous.map { [$0] } ?? []
        )
    }
    if failing {
        change.addTask(kind: "fail", summary: "Fail on purpose", waitingFor: previous.map { [$0] } ?? [])
    }
    return change
}
