import SQLite

/// Inserts many rows into one table with few statements: a multi-row `INSERT` of
/// ``chunkSize`` rows, prepared once, for as long as enough rows remain, then a one-row
/// `INSERT` for the rest.
///
/// Executing a statement costs far more than adding a row to it, so a rebuild that writes
/// thousands of rows at once spends most of its time in the rows themselves. Text values
/// are gathered in one buffer of the inserter's and bound in place, so SQLite neither
/// measures, allocates nor copies each of them.
final class RowInserter {
    /// Rows per multi-row statement.
    static let chunkSize = 32

    private let database: Connection
    private let prefix: String
    private let row: String
    private let columnCount: Int
    private var chunkStatement: Statement?
    private var rowStatement: Statement?
    /// Kept between inserts for the capacity of its buffers.
    private var values = Values()

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

    /// Inserts `count` rows; `add` adds row `row`'s values to `values`, in column order.
    func insert(_ count: Int, add: (_ values: inout Values, _ row: Int) throws -> Void) throws {
        guard count > 0 else { return }
        // A local value: no exclusivity checks on every value added.
        var values = Values()
        swap(&values, &self.values)
        defer { swap(&values, &self.values) }
        var row = 0
        if count >= Self.chunkSize {
            let statement = try statement(rows: Self.chunkSize, cache: &chunkStatement)
            defer { statement.clearBindings() }
            while count - row >= Self.chunkSize {
                values.start(statement)
                for offset in 0..<Self.chunkSize { try add(&values, row + offset) }
                try values.run()
                row += Self.chunkSize
            }
        }
        guard row < count else { return }
        let statement = try statement(rows: 1, cache: &rowStatement)
        defer { statement.clearBindings() }
        while row < count {
            values.start(statement)
            try add(&values, row)
            try values.run()
            row += 1
        }
    }

    private func statement(rows: Int, cache: inout Statement?) throws -> Statement {
        if let cache { return cache }
        let sql = prefix + " VALUES " + Array(repeating: row, count: rows).joined(separator: ", ")
        let statement = try database.prepare(sql)
        cache = statement
        return statement
    }

    /// The values of the rows one statement inserts: numbers are bound at once, text is
    /// copied into one buffer and bound in place just before the statement runs (the
    /// buffer then stays put until every row is written).
    struct Values {
        private var statement: Statement?
        private var next: Int32 = 1
        private var bytes: [UInt8] = []
        private var texts: [(index: Int32, start: Int, count: Int)] = []

        fileprivate mutating func start(_ statement: Statement) {
            self.statement = statement
            next = 1
            bytes.removeAll(keepingCapacity: true)
            texts.removeAll(keepingCapacity: true)
        }

        /// Runs the statement with the values added, then resets it.
        fileprivate func run() throws {
            guard let statement else { return }
            try bytes.withUnsafeBufferPointer { buffer in
                for text in texts {
                    let slice = buffer[text.start..<(text.start + text.count)]
                    try statement.bind(unsafeText: UnsafeBufferPointer(rebasing: slice), at: text.index)
                }
                defer { statement.reset() }
                try statement.step()
            }
        }

        /// Adds an integer.
        mutating func add(_ value: Int64) throws {
            try statement?.bind(value, at: next)
            next += 1
        }

        /// Adds text, or NULL for nil.
        mutating func add(_ text: String?) throws {
            guard var text else { return try addNull() }
            let start = bytes.count
            text.withUTF8 { bytes.append(contentsOf: $0) }
            texts.append((next, start, bytes.count - start))
            next += 1
        }

        /// Adds NULL.
        mutating func addNull() throws {
            try statement?.bindNull(at: next)
            next += 1
        }
    }
}

@available(*, unavailable, message: "an inserter belongs to the thread that owns its connection")
extension RowInserter: Sendable {}

@available(*, unavailable, message: "values belong to the thread that owns their inserter")
extension RowInserter.Values: Sendable {}
