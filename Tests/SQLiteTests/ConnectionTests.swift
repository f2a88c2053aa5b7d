import Foundation
import Testing

@testable import SQLite

@Suite("SQLite connection")
struct ConnectionTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("sqlite-\(UUID().uuidString).db").path

    @Test("values of every storage class round-trip through bind and column")
    func valuesRoundTrip() throws {
        let connection = try Connection(path: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try connection.execute("CREATE TABLE t (a, b, c, d, e)")
        let values: [SQLiteValue] = [.integer(-7), .real(2.5), .text("héllo \"q\""), .blob([0, 1, 255]), .null]
        try connection.cached("INSERT INTO t VALUES (?, ?, ?, ?, ?)").run(
            values[0],
            values[1],
            values[2],
            values[3],
            values[4]
        )
        #expect(try connection.rows("SELECT * FROM t") == [values])
        try connection.cached("INSERT INTO t VALUES (?, ?, ?, ?, ?)").run(
            "",
            0,
            Optional<String>.none,
            SQLiteValue.blob([]),
            1
        )
        #expect(try connection.scalar("SELECT count(*) FROM t WHERE a = ''") == .integer(1))
    }

    @Test("a failing transaction rolls back and reports the file, the cause and the statement")
    func transactionRollsBack() throws {
        let connection = try Connection(path: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try connection.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)")
        let error = #expect(throws: SQLiteError.self) {
            try connection.transaction {
                try connection.execute("INSERT INTO t VALUES (1)")
                try connection.execute("INSERT INTO t VALUES (1)")
            }
        }
        #expect(error?.codeName == "SQLITE_CONSTRAINT")
        #expect(error?.description.hasPrefix(path + ": UNIQUE constraint failed") == true)
        #expect(try connection.scalar("SELECT count(*) FROM t") == .integer(0))
        #expect(!connection.isInTransaction)
    }

    @Test("a file that is not a database is reported as corruption")
    func notADatabase() throws {
        try Data("this is not sqlite at all, just text that is long enough to fill a header".utf8)
            .write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let connection = try Connection(path: path, mode: .readOnly)
        let error = #expect(throws: SQLiteError.self) { try connection.execute("SELECT * FROM sqlite_master") }
        #expect(error?.isCorruption == true)
        #expect(error?.description.contains(path) == true)
    }

    @Test("opening a missing file read-only fails naming the file")
    func missingFile() {
        let error = #expect(throws: SQLiteError.self) { try Connection(path: path + ".missing", mode: .readOnly) }
        #expect(error?.path == path + ".missing")
        #expect(error?.codeName == "SQLITE_CANTOPEN")
    }
}
