import EngineTestSupport
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

/// Every projected table of the engine's database, dumped for comparison.
func dumpProjections(_ database: Connection, extra: [any Projection] = []) throws -> [String: [[SQLiteValue]]] {
    let replayer = try Replayer(database: database, projections: extra)
    var tables: [String: [[SQLiteValue]]] = [:]
    for table in replayer.tables {
        tables[table] = try Replayer.dump(table, in: database).rows
    }
    return tables
}
