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
    /// The event types ``apply(_:to:)`` needs; nil for every event. Events of other types are
    /// not passed to it, and a rebuild does not build them when no projection needs them.
    var eventTypes: Set<String>? { get }
    /// Updates the tables for one event of a type in ``eventTypes`` (of any type when nil).
    func apply(_ event: Event, to database: Connection) throws
    /// Finishes derived values after a batch of events (default: nothing).
    func finishBatch(in database: Connection) throws
}

extension Projection {
    public var eventTypes: Set<String>? { nil }

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

    /// Each projection's ``Projection/eventTypes``, in order.
    private let eventTypes: [Set<String>?]
    /// For each of the engine's own event kinds, whether a domain projection needs it.
    private let isEngineKindWanted: [Bool]

    init(database: Connection, projections: [any Projection]) throws {
        self.database = database
        self.projections = projections
        self.changes = try ChangesProjection(database: database)
        let eventTypes = projections.map(\.eventTypes)
        self.eventTypes = eventTypes
        isEngineKindWanted = EngineEventKind.allCases.map { kind in
            eventTypes.contains { $0?.contains(kind.name) ?? true }
        }
    }

    /// Every table owned by a projection, in deletion order.
    var tables: [String] { ChangesProjection.tables + projections.flatMap(\.tables) }

    /// Applies an event being appended.
    func apply(_ event: Event) throws {
        try EventFields.with(event) { try changes.apply($0) }
        try applyToDomain(event)
    }

    /// Applies the event in the current row of `query`, whose columns are `seq`, `time`,
    /// `change_id`, `task_id`, `type` and `payload`: the engine's projection reads the text in
    /// place, and an ``Event`` is built only when a domain projection needs it.
    func applyRow(of query: Statement) throws {
        try query.withUTF8(column: 4) { type in
            try query.withUTF8(column: 1) { time in
                try query.withUTF8(column: 5) { payload in
                    let kind = EngineEventKind(utf8: type)
                    let fields = EventFields(
                        sequence: query.int64(0),
                        changeID: query.optionalInt64(2),
                        taskID: query.optionalInt64(3),
                        kind: kind,
                        time: time,
                        payload: payload
                    )
                    try changes.apply(fields)
                    guard !projections.isEmpty else { return }
                    if let kind, !isEngineKindWanted[kind.rawValue] { return }
                    try applyToDomain(
                        Event(
                            sequence: fields.sequence,
                            time: fields.timeText,
                            changeID: fields.changeID,
                            taskID: fields.taskID,
                            type: String(decoding: type, as: UTF8.self),
                            payload: fields.payloadText
                        )
                    )
                }
            }
        }
    }

    /// Passes `event` to each domain projection that needs its type, in order.
    private func applyToDomain(_ event: Event) throws {
        for (projection, types) in zip(projections, eventTypes) where types?.contains(event.type) ?? true {
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
