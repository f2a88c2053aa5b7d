import Foundation
import SQLite
import Testing

@testable import StateEngine

/// Bad database files get a clear error naming the file and the cause, and stay as they were.
@Suite("State database files")
struct DatabaseFileTests {
    let scratch = ScratchDirectory()

    /// A database with one finished change, closed.
    func populatedDatabase() async throws -> String {
        let path = scratch.file("state.db")
        let engine = try Engine(path: path, handlers: fileHandlers(directory: scratch.path, journal: Journal()))
        engine.start()
        var change = NewChange(kind: "test", summary: "One file")
        change.addTask(kind: "create-file", summary: "Create x", data: ["name": "x"])
        await engine.waitForChange(try await engine.addChange(change))
        await engine.stop()
        return path
    }

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test("a new database records every migration it applied")
    func migrationsAreRecorded() throws {
        let connection = try StateDatabase.open(path: scratch.file("new.db"))
        let rows = try connection.rows("SELECT version, name FROM schema_migrations")
        let embedded = Migration.embedded.sorted { $0.version < $1.version }
        #expect(rows == embedded.map { [.integer(Int64($0.version)), .text($0.name)] })
        #expect(rows.first == [.integer(1), .text("0001_state_engine.sql")])
        #expect(try connection.scalar("PRAGMA journal_mode") == .text("wal"))
        #expect(try connection.scalar("PRAGMA synchronous") == .integer(2))
        #expect(try connection.scalar("PRAGMA foreign_keys") == .integer(1))
    }

    @Test("a database from a newer version is refused and left as it was")
    func newerSchemaIsRefused() async throws {
        let path = try await populatedDatabase()
        let connection = try Connection(path: path)
        try connection.execute("INSERT INTO schema_migrations VALUES (99, '0099_future.sql', 'later')")
        try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        let before = try bytes(path)

        let error = #expect(throws: StateEngineError.self) { try StateDatabase.open(path: path) }
        #expect(error?.code == .newerSchema)
        let known = Migration.embedded.map(\.version).max() ?? 0
        #expect(error?.message == "\(path): database schema version 99 is newer than this program knows (\(known))")
        #expect(try bytes(path) == before)
    }

    @Test("a newer database left with a -wal file by a crash is refused, all three files untouched")
    func newerSchemaWithWALIsRefused() async throws {
        let path = try await populatedDatabase()
        let crashed = scratch.file("crashed.db")
        // The newer version's row stays in the WAL; the files are copied while the writer
        // has them open, as a crash would leave them.
        do {
            let connection = try Connection(path: path)
            try connection.execute("PRAGMA wal_autocheckpoint = 0")
            try connection.execute("INSERT INTO schema_migrations VALUES (99, '0099_future.sql', 'later')")
            for suffix in ["", "-wal", "-shm"] {
                try FileManager.default.copyItem(atPath: path + suffix, toPath: crashed + suffix)
            }
        }
        let files = ["", "-wal", "-shm"].map { crashed + $0 }
        let before = try files.map(bytes)
        try #require(before[1].count > 0, "the -wal file holds frames")

        let error = #expect(throws: StateEngineError.self) { try StateDatabase.open(path: crashed) }
        #expect(error?.code == .newerSchema)
        let known = Migration.embedded.map(\.version).max() ?? 0
        #expect(error?.message == "\(crashed): database schema version 99 is newer than this program knows (\(known))")
        for (file, old) in zip(files, before) {
            #expect((try? bytes(file)) == old, "\(file) changed")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter { $0.hasPrefix("crashed") }
        #expect(left.sorted() == ["crashed.db", "crashed.db-shm", "crashed.db-wal"])
    }

    @Test("a newer database without a -wal file is refused and no -wal or -shm file appears")
    func newerSchemaWithoutWALCreatesNothing() async throws {
        let path = try await populatedDatabase()
        do {
            let connection = try Connection(path: path)
            try connection.execute("INSERT INTO schema_migrations VALUES (99, '0099_future.sql', 'later')")
        }
        try #require(!FileManager.default.fileExists(atPath: path + "-wal"))
        let before = try bytes(path)
        #expect(throws: StateEngineError.self) { try StateDatabase.open(path: path) }
        #expect(try bytes(path) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
    }

    @Test("a migration that fails halfway changes nothing")
    func failingMigrationChangesNothing() async throws {
        let path = try await populatedDatabase()
        let before = try bytes(path)
        let broken =
            Migration.embedded + [
                Migration(version: 900, name: "0900_good.sql", sql: "CREATE TABLE fine (x)"),
                Migration(
                    version: 901,
                    name: "0901_broken.sql",
                    sql: "CREATE TABLE half (x); INSERT INTO nowhere VALUES (1)"
                ),
            ]

        let error = #expect(throws: StateEngineError.self) { try StateDatabase.open(path: path, migrations: broken) }
        #expect(error?.code == .migrationFailed)
        #expect(error?.message.hasPrefix("\(path): migration 0901_broken.sql failed, nothing was changed:") == true)
        #expect(error?.message.contains("no such table: nowhere") == true)
        #expect(try bytes(path) == before)
        let known = Migration.embedded.map(\.version).max() ?? 0
        #expect(try StateDatabase.schemaVersion(try Connection(path: path, mode: .readOnly)) == known)
    }

    @Test("a failed migration of a new file leaves no file behind")
    func failedCreationRemovesTheFile() {
        let path = scratch.file("fresh.db")
        let broken = [Migration(version: 1, name: "0001_broken.sql", sql: "CREATE TABLE (")]
        #expect(throws: StateEngineError.self) { try StateDatabase.open(path: path, migrations: broken) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("a truncated database is refused, named, and left as it was")
    func truncatedDatabaseIsRefused() async throws {
        let path = try await populatedDatabase()
        let whole = try bytes(path)
        try whole.prefix(whole.count / 2 + 100).write(to: URL(fileURLWithPath: path))
        let before = try bytes(path)

        let error = #expect(throws: StateEngineError.self) {
            try Engine(path: path, handlers: [])
        }
        #expect(error?.code == .corruptDatabase)
        #expect(error?.message.hasPrefix(path + ":") == true)
        #expect(try bytes(path) == before)
    }

    @Test("a file that is not a database is refused, named, and left as it was", arguments: [0, 100, 5000])
    func garbageIsRefused(size: Int) throws {
        let path = scratch.file("garbage-\(size).db")
        let garbage = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) } + Array("not a db".utf8))
        try garbage.write(to: URL(fileURLWithPath: path))

        let error = #expect(throws: StateEngineError.self) { try StateDatabase.open(path: path) }
        #expect(error?.code == .corruptDatabase)
        #expect(error?.message.hasPrefix(path + ":") == true)
        #expect(try bytes(path) == garbage)
    }

    @Test("a damaged page is found before anything is written")
    func damagedPageIsRefused() async throws {
        let path = try await populatedDatabase()
        var damaged = try bytes(path)
        // Every page past the first is a table or index page: overwrite each page header.
        let pageSize = 4096
        for page in stride(from: pageSize, to: damaged.count, by: pageSize) {
            for offset in page..<min(page + 16, damaged.count) { damaged[offset] = 0xA5 }
        }
        try damaged.write(to: URL(fileURLWithPath: path))

        let error = #expect(throws: StateEngineError.self) { try Engine(path: path, handlers: []) }
        #expect(error?.code == .corruptDatabase)
        #expect(try bytes(path) == damaged)
    }
}
