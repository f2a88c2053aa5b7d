import SQLite

/// A set of tables derived from the event log.
///
/// A projection's tables are created by a migration and written only by ``apply(_:to:)``,
/// in the same transaction that appends the event. Because the tables depend on
/// nothing but the events, deleting their rows and applying every event again gives
/// the same rows; ``Replayer`` does exactly that, online and offline.
public protocol Projection: Sendable {
    /// A short name for messages and `snap-log state`.
    var name: String { get }
    /// The tables this projection owns, children before parents (the order rows are deleted in).
    var tables: [String] { get }
    /// Updates the tables for one event. Events of types the projection ignores are passed too.
    func apply(_ event: Event, to database: Connection) throws
    /// Finishes derived values after a batch of events (default: nothing).
    func finishBatch(in database: Connection) throws
}

extension Projection {
    public func finishBatch(in database: Connection) throws {}
}

/// Applies events to the engine's own projection and a list of domain projections, on one
/// connection.
///
/// Owned by whoever owns the connection: the engine's writer queue, a rebuild, or
/// `snap-log`.
final class Projector {
    let projections: [any Projection]
    let database: Connection
    let changes: ChangesProjection

    init(database: Connection, projections: [any Projection]) throws {
        self.database = database
        self.projections = projections
        self.changes = try ChangesProjection(database: database)
    }

    /// Every table owned by a projection, in deletion order.
    var tables: [String] { ChangesProjection.tables + projections.flatMap(\.tables) }

    func apply(_ event: Event) throws {
        try changes.apply(event)
        for projection in projections {
            try projection.apply(event, to: database)
        }
    }

    /// Writes what the engine's projection folded from one submission's events, so that a
    /// failure belongs to that submission.
    func finishSubmission() throws {
        try changes.flush()
    }

    /// Forgets what was folded from a submission whose changes were rolled back, and every
    /// change kept in memory; the next events read their changes from the tables again.
    func discardFolded() {
        changes.forget()
    }

    func finishBatch() throws {
        try changes.finishBatch()
        for projection in projections {
            try projection.finishBatch(in: database)
        }
    }

    /// Deletes every projected row, leaving the log alone.
    func reset() throws {
        for table in projections.flatMap(\.tables) + ChangesProjection.tables {
            try database.execute("DELETE FROM \(table)")
        }
        changes.reset()
    }
}

@available(*, unavailable, message: "a projector belongs to the thread that owns its connection")
extension Projector: Sendable {}
