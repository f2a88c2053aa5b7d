import Foundation
import SQLite
import SnapAPI
import Synchronization

@testable import StateEngine

/// A fresh directory under /tmp, removed when the value is dropped.
final class ScratchDirectory: Sendable {
    let path: String

    init() {
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("engine-test.XXXXXX").path
        var bytes = Array(template.utf8CString)
        path = bytes.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, let made = mkdtemp(base) else { return template }
            return String(cString: made)
        }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String { path + "/" + name }
}

/// Records which handlers ran, in order, for tests to assert on.
final class Journal: Sendable {
    private let entries = Mutex<[String]>([])

    func note(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }
}

/// Handlers that create and remove a marker file named after the task's `name` data,
/// in `directory`; the task kind `fail` always fails.
func fileHandlers(directory: String, journal: Journal) -> [TaskHandler] {
    let create = TaskHandler(
        kind: "create-file",
        perform: { context in
            let name = context.data["name"]?.stringValue ?? "unnamed"
            journal.note("do \(name)")
            _ = FileManager.default.createFile(atPath: directory + "/" + name, contents: Data(name.utf8))
            context.record("file-created", ["name": .string(name)])
            return .done
        },
        undo: { context in
            let name = context.data["name"]?.stringValue ?? "unnamed"
            journal.note("undo \(name)")
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
            context.record("file-removed", ["name": .string(name)])
            return .done
        }
    )
    let fail = TaskHandler(
        kind: "fail",
        perform: { _ in
            journal.note("fail")
            throw TestFailure(message: "disk on fire")
        }
    )
    return [create, fail]
}

struct TestFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// A projection of the files the handlers above created, to prove domain projections
/// follow facts and rebuild like the engine's own.
struct FilesProjection: Projection {
    var name: String { "files" }
    var tables: [String] { ["test_files"] }

    static let migration = Migration(
        version: 1000,
        name: "1000_test_files.sql",
        sql: "CREATE TABLE test_files (name TEXT PRIMARY KEY, change_id INTEGER, since TEXT)"
    )

    func apply(_ event: Event, to database: Connection) throws {
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

/// A change of `names.count` file tasks in a chain, optionally followed by a failing task.
func chainChange(_ names: [String], failing: Bool = false, snap: String = "demo") -> NewChange {
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

/// Every projected table of the engine's database, dumped for comparison.
func dumpProjections(_ database: Connection, extra: [any Projection] = []) throws -> [String: [[SQLiteValue]]] {
    let replayer = try Replayer(database: database, projections: extra)
    var tables: [String: [[SQLiteValue]]] = [:]
    for table in replayer.tables {
        tables[table] = try Replayer.dump(table, in: database).rows
    }
    return tables
}
