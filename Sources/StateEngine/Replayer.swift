import SQLite

/// Rebuilds projections from the event log: all of it, or up to an event.
///
/// The same projection code that runs when events are appended runs here, so a rebuild
/// gives the same rows; `snap-log` uses this on a copy of a device's database to show
/// the state as of any event.
public struct Replayer {
    let projector: Projector

    /// Events folded between two writes of the projected rows.
    static let batchSize = 16_384

    /// Prepares to replay into the projection tables of `database`.
    ///
    /// - Parameters:
    ///   - database: Holds both the log and the projection tables.
    ///   - projections: The domain projections, beside the engine's own.
    /// - Throws: ``SQLiteError`` when the connection cannot be prepared.
    public init(database: Connection, projections: [any Projection] = []) throws {
        projector = try Projector(database: database, projections: projections)
    }

    /// The tables the projections own, in deletion order.
    public var tables: [String] { projector.tables }

    /// Deletes every projected row and applies the events up to `sequence` (all when nil),
    /// in one transaction. Memory use does not grow with the number of events.
    ///
    /// - Returns: The number of events applied.
    @discardableResult
    public func rebuild(through sequence: Int64? = nil) throws -> Int {
        let database = projector.database
        // Every projected row is rebuilt from the log, so checking references row by row
        // adds nothing but a statement journal per event; the setting is restored after.
        let enforcesForeignKeys = try database.scalar("PRAGMA foreign_keys") == .integer(1)
        try database.execute("PRAGMA foreign_keys = OFF")
        defer { if enforcesForeignKeys { try? database.execute("PRAGMA foreign_keys = ON") } }
        return try database.transaction {
            try projector.reset()
            let query = try database.prepare(
                "SELECT seq, time, change_id, task_id, type, payload FROM events WHERE seq <= ? ORDER BY seq"
            )
            try query.bind([sequence ?? Int64.max])
            var count = 0
            while try query.step() {
                try projector.applyRow(of: query)
                count += 1
                // Rows are written in batches: few statements, and memory bounded by the batch
                // and the changes still in flight.
                if count % Self.batchSize == 0 { try projector.finishBatch() }
            }
            try projector.finishBatch()
            return count
        }
    }

    /// The last event at or before `time` (RFC 3339), or 0 when there is none.
    public static func lastSequence(atOrBefore time: Timestamp, in database: Connection) throws -> Int64 {
        let value = try database.scalar("SELECT max(seq) FROM events WHERE time <= ?", time.rfc3339)
        if case .integer(let sequence)? = value { return sequence }
        return 0
    }

    /// Every row of `table`, ordered by all its columns, with the column names.
    public static func dump(_ table: String, in database: Connection) throws -> (
        columns: [String], rows: [[SQLiteValue]]
    ) {
        let columnCount = try database.prepare("SELECT * FROM \(table)").columnCount
        let order = (1...max(columnCount, 1)).map(String.init).joined(separator: ", ")
        let statement = try database.prepare("SELECT * FROM \(table) ORDER BY \(order)")
        let columns = (0..<statement.columnCount).map { statement.columnName($0) }
        var rows: [[SQLiteValue]] = []
        while try statement.step() { rows.append(statement.row()) }
        return (columns, rows)
    }
}

@available(*, unavailable, message: "a replayer belongs to the thread that owns its connection")
extension Replayer: Sendable {}
