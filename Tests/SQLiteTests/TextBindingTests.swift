import Foundation
import Testing

@testable import SQLite

@Suite("SQLite text binding and in-place column reads")
struct TextBindingTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("sqlite-\(UUID().uuidString).db").path

    /// Texts that a length found by strlen, or a null pointer for no bytes, would get wrong.
    static let samples = [
        "", "plain", "nul\u{0}inside", "\u{0}", "héllo wörld ✓ 𝄞", String(repeating: "long ", count: 40),
    ]

    /// Every column of `table`'s rows as SQLite stores them: type and bytes.
    private func storedTexts(_ connection: Connection, _ table: String) throws -> [[SQLiteValue]] {
        try connection.rows("SELECT typeof(v), CAST(v AS BLOB) FROM \(table) ORDER BY rowid")
    }

    private func expected(_ texts: [String]) -> [[SQLiteValue]] {
        texts.map { [.text("text"), .blob(Array($0.utf8))] }
    }

    @Test("a bound string keeps every byte: empty, NUL bytes, non-ASCII")
    func stringBindKeepsEveryByte() throws {
        let connection = try Connection(path: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try connection.execute("CREATE TABLE t (v)")
        let insert = try connection.prepare("INSERT INTO t VALUES (?)")
        for text in Self.samples { try insert.run(text) }
        #expect(try storedTexts(connection, "t") == expected(Self.samples))
    }

    @Test("text bound in place is read at step time with its length, not up to a NUL")
    func unsafeTextBind() throws {
        let connection = try Connection(path: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try connection.execute("CREATE TABLE t (v)")
        let insert = try connection.prepare("INSERT INTO t VALUES (?)")
        for text in Self.samples {
            // A slice of a larger buffer: the bytes after it must not be read.
            var bytes = Array(text.utf8)
            let count = bytes.count
            bytes.append(contentsOf: "trailing".utf8)
            try bytes.withUnsafeBufferPointer { buffer in
                try insert.bind(unsafeText: UnsafeBufferPointer(rebasing: buffer[0..<count]), at: 1)
                try insert.step()
                insert.reset()
            }
        }
        insert.clearBindings()
        // Cleared parameters are NULL.
        try insert.step()
        insert.reset()
        let rows = try storedTexts(connection, "t")
        #expect(Array(rows.dropLast()) == expected(Self.samples))
        #expect(rows.last == [.text("null"), .null])
    }

    @Test("text bound in place is read when the statement steps, not when it is bound")
    func unsafeTextIsReadAtStep() throws {
        let connection = try Connection(path: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try connection.execute("CREATE TABLE t (v)")
        let insert = try connection.prepare("INSERT INTO t VALUES (?)")
        var bytes = Array("before".utf8)
        try bytes.withUnsafeMutableBufferPointer { buffer in
            try insert.bind(unsafeText: UnsafeBufferPointer(buffer), at: 1)
            for (index, byte) in "after!".utf8.enumerated() { buffer[index] = byte }
            try insert.step()
            insert.reset()
            insert.clearBindings()
        }
        #expect(try storedTexts(connection, "t") == expected(["after!"]))
    }

    @Test("columns read in place give the stored bytes; NULL and empty text both read as no bytes")
    func inPlaceColumnReads() throws {
        let connection = try Connection(path: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try connection.execute("CREATE TABLE t (v, b)")
        let insert = try connection.prepare("INSERT INTO t VALUES (?, ?)")
        for text in Self.samples { try insert.run(text, SQLiteValue.blob(Array(text.utf8) + [0, 255])) }
        try insert.run(Optional<String>.none, Optional<String>.none)

        let query = try connection.prepare("SELECT v, b, typeof(v) FROM t ORDER BY rowid")
        var texts: [[UInt8]] = []
        var blobs: [[UInt8]] = []
        var types: [String] = []
        while try query.step() {
            texts.append(query.withUTF8(column: 0) { Array($0) })
            blobs.append(query.withUnsafeBytes(column: 1) { Array($0) })
            types.append(query.string(2))
        }
        #expect(texts == Self.samples.map { Array($0.utf8) } + [[]])
        #expect(blobs == Self.samples.map { Array($0.utf8) + [0, 255] } + [[]])
        #expect(types == Array(repeating: "text", count: Self.samples.count) + ["null"])
        // The text read in place decodes to the string that was bound.
        try query.forEachRow { row in
            if !row.isNull(0) {
                #expect(Self.samples.contains(row.withUTF8(column: 0) { String(decoding: $0, as: UTF8.self) }))
            }
        }
    }
}
