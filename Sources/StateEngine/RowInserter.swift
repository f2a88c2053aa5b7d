import SQLite

/// Inserts many rows into one table with few statements: a multi-row `INSERT` of
/// ``chunkSize`` rows, prepared once, for as long as enough rows remain, then a one-row
/// `INSERT` for the rest.
///
/// Executing a statement costs far more than adding a row to it, so a rebuild that writes
/// thousands of rows at once spends most of its time in the rows themselves.
final class RowInserter {
    /// Rows per multi-row statement.
    static let chunkSize = 32

    private let database: Connection
    private let prefix: String
    private let row: String
    private let columnCount: Int
    private var chunkStatement: Statement?
    private var rowStatement: Statement?

    /// - Parameters:
    ///   - database: The connection the statements are prepared on.
    ///   - prefix: The statement up to `VALUES`, such as `INSERT INTO t (a, b)`.
    ///   - columnCount: The values each row binds.
    ///   - row: One row's values, `?` for each bound one in order; one `?` per column when nil.
    init(database: Connection, prefix: String, columnCount: Int, row: String? = nil) {
        self.database = database
        self.prefix = prefix
        self.columnCount = columnCount
        self.row = row ?? "(" + Array(repeating: "?", count: columnCount).joined(separator: ", ") + ")"
    }

    /// Inserts `count` rows; `bind` binds row `row` to the parameters from `first` on,
    /// in column order.
    func insert(_ count: Int, bind: (_ statement: Statement, _ row: Int, _ first: Int32) throws -> Void) throws {
        var row = 0
        if count >= Self.chunkSize {
            let statement = try statement(rows: Self.chunkSize, cache: &chunkStatement)
            while count - row >= Self.chunkSize {
                for offset in 0..<Self.chunkSize {
                    try bind(statement, row + offset, Int32(offset * columnCount + 1))
                }
                try run(statement)
                row += Self.chunkSize
            }
        }
        guard row < count else { return }
        let statement = try statement(rows: 1, cache: &rowStatement)
        while row < count {
            try bind(statement, row, 1)
            try run(statement)
            row += 1
        }
    }

    private func run(_ statement: Statement) throws {
        defer { statement.reset() }
        try statement.step()
    }

    private func statement(rows: Int, cache: inout Statement?) throws -> Statement {
        if let cache { return cache }
        let sql = prefix + " VALUES " + Array(repeating: row, count: rows).joined(separator: ", ")
        let statement = try database.prepare(sql)
        cache = statement
        return statement
    }
}

@available(*, unavailable, message: "an inserter belongs to the thread that owns its connection")
extension RowInserter: Sendable {}
