import SQLite

/// The engine's own projection: the `changes`, `change_snaps`, `tasks`, `task_edges`
/// and `task_log` tables.
///
/// Events are folded in memory into an image of each change they touch (its row and its
/// tasks' rows, see ``ChangeImage``), and new log lines, edges and snap names are queued;
/// ``flush()`` derives each touched change's status, readiness, error text and ready time
/// and writes every new or changed row, new rows with multi-row `INSERT`s. So a rebuild
/// runs a few statements per change instead of one or more per event. The engine's writer
/// flushes at the end of every submission; a rebuild at the end of every batch, keeping the
/// images of unfinished changes for the next batch (memory follows the changes in flight,
/// not the length of the log).
///
/// Each payload is read once (``PayloadScanner``), giving the values SQLite's JSON
/// functions would. An event the fast path cannot reproduce exactly (a payload of an
/// unexpected shape, a task of another change, a duplicate) is applied by the statements in
/// `ChangesProjection+Statements.swift` instead, after everything folded so far is written:
/// those statements define what every event means.
final class ChangesProjection {
    static let tables = ["task_log", "task_edges", "tasks", "change_snaps", "changes"]

    /// The most images kept between batches, whatever their state.
    private static let maximumKeptImages = 10_000

    let database: Connection
    let statements: [EngineEventKind: Statement]
    private var images: [Int64: ChangeImage] = [:]
    private var lastImage: ChangeImage?
    private var touched: [ChangeImage] = []
    var pendingSnaps: [(changeID: Int64, name: String)] = []
    var pendingEdges: [(taskID: Int64, waitsFor: Int64)] = []
    var pendingLog: [(taskID: Int64, sequence: Int64, line: String)] = []
    /// Changes touched by events applied with statements: their derived values are
    /// refreshed with statements too.
    var refreshedWithSQL: Set<Int64> = []
    /// No row of `changes` or `tasks` has a change id above this one.
    private var highestChangeID: Int64
    let inserters: Inserters
    /// False to apply every event with its statement (to compare folding against them).
    var foldsEvents = true
    /// How many events went to their statements, for tests.
    private(set) var eventsAppliedWithStatements = 0
    /// How many change images are kept in memory, for tests.
    var keptImageCount: Int { images.count }

    init(database: Connection) throws {
        self.database = database
        var statements: [EngineEventKind: Statement] = [:]
        for (type, sql) in Self.applySQL {
            guard let kind = EngineEventKind(type) else { continue }
            statements[kind] = try database.prepare(sql)
        }
        self.statements = statements
        self.inserters = Inserters(database: database)
        let highestChange = try database.scalar("SELECT max(id) FROM changes")
        let highestTaskChange = try database.scalar("SELECT max(change_id) FROM tasks")
        highestChangeID = 0
        for case .integer(let id)? in [highestChange, highestTaskChange] { highestChangeID = max(highestChangeID, id) }
    }

    /// Applies one of the engine's own events; other events are ignored.
    func apply(_ event: EventFields) throws {
        guard let changeID = event.changeID, let kind = event.kind else { return }
        defer { highestChangeID = max(highestChangeID, changeID) }
        guard foldsEvents else { return try applyWithSQL(event, kind, changeID: changeID) }
        if try !fold(event, kind, changeID: changeID) {
            try applyWithSQL(event, kind, changeID: changeID)
        }
    }

    /// Settles the touched changes and writes every row folded since the last flush.
    func flush() throws {
        for image in touched { image.settle() }
        try writeChanges()
        try writeTasks()
        try writeQueuedRows()
        for image in touched { image.markStored() }
        touched.removeAll(keepingCapacity: true)

        for changeID in refreshedWithSQL.sorted() { try refreshWithSQL(changeID) }
        refreshedWithSQL.removeAll(keepingCapacity: true)
    }

    /// Flushes, then forgets the changes that are ready: few events come after that.
    func finishBatch() throws {
        try flush()
        if images.count > Self.maximumKeptImages {
            images.removeAll()
        } else {
            images = images.filter { _, image in (image.change?.ready ?? 1) == 0 }
        }
        lastImage = nil
    }

    /// Forgets every image and queued row: after a rollback, or when other code may write
    /// the tables before the next event.
    func forget() {
        images.removeAll()
        lastImage = nil
        touched.removeAll()
        pendingSnaps.removeAll()
        pendingEdges.removeAll()
        pendingLog.removeAll()
        refreshedWithSQL.removeAll()
    }

    /// Forgets everything, after every projected row was deleted.
    func reset() {
        forget()
        highestChangeID = 0
    }

    // MARK: Images

    /// The image of `changeID`: cached, new (when no row can exist yet), or read from the
    /// database; nil when its rows hold values the fast path does not reproduce.
    func image(for changeID: Int64) throws -> ChangeImage? {
        if let lastImage, lastImage.id == changeID { return lastImage }
        let image: ChangeImage
        if let cached = images[changeID] {
            image = cached
        } else if changeID > highestChangeID {
            image = ChangeImage(id: changeID)
            images[changeID] = image
        } else {
            guard let loaded = try ChangeImage.load(changeID, from: database) else { return nil }
            image = loaded
            images[changeID] = image
        }
        lastImage = image
        return image
    }

    /// Marks `image` for settling and writing at the next flush.
    func touch(_ image: ChangeImage) {
        guard !image.isTouched else { return }
        image.isTouched = true
        touched.append(image)
    }

    /// Writes what was folded, forgets every image, and applies `event` with its statement.
    private func applyWithSQL(_ event: EventFields, _ kind: EngineEventKind, changeID: Int64) throws {
        try flush()
        images.removeAll()
        lastImage = nil
        eventsAppliedWithStatements += 1
        try applyStatement(event, kind, changeID: changeID)
    }

    // MARK: Writing

    private func writeChanges() throws {
        let inserted = touched.filter { $0.change != nil && !$0.isChangeStored }
        try inserters.changes.insert(inserted.count) { values, row in
            let image = inserted[row]
            guard let change = image.change else { return }
            try values.add(image.id)
            try values.add(change.kind)
            try values.add(change.summary)
            try values.add(change.status)
            try values.add(change.explicitStatus)
            try values.add(change.ready)
            try values.add(change.err)
            try values.add(change.spawnTime)
            try values.add(change.readyTime)
            try Self.addUnlessUsual(change.data, "{}", to: &values)
            try values.add(change.abortRequested)
        }

        for image in touched where image.isChangeStored && image.isChangeModified {
            guard let change = image.change else { continue }
            try database.cached(Self.updateChangeRow).run(
                image.id,
                change.status,
                change.ready,
                change.err,
                change.readyTime,
                change.data,
                change.abortRequested
            )
        }
    }

    private func writeTasks() throws {
        var inserted: [(image: ChangeImage, index: Int)] = []
        for image in touched {
            for index in image.tasks.indices where !image.tasks[index].isStored { inserted.append((image, index)) }
        }
        try inserters.tasks.insert(inserted.count) { values, row in
            let image = inserted[row].image
            try image.withTask(at: inserted[row].index) { task in
                try values.add(task.id)
                try values.add(image.id)
                try values.add(task.kind)
                try values.add(task.summary)
                try values.add(task.status)
                try values.add(task.spawnTime)
                try values.add(task.readyTime)
                try Self.addUnlessUsual(task.progressLabel, "", to: &values)
                try values.add(task.progressDone)
                try values.add(task.progressTotal)
                try Self.addUnlessUsual(task.data, "{}", to: &values)
                try values.add(task.error)
            }
        }

        for image in touched {
            for task in image.tasks where task.isStored && task.isModified {
                try database.cached(Self.updateTaskRow).run(
                    task.id,
                    task.status,
                    task.readyTime,
                    task.progressLabel,
                    task.progressDone,
                    task.progressTotal,
                    task.data,
                    task.error
                )
            }
        }
    }

    /// Snap names, edges and log lines, after the rows they refer to.
    private func writeQueuedRows() throws {
        try inserters.snaps.insert(pendingSnaps.count) { values, row in
            try values.add(pendingSnaps[row].changeID)
            try values.add(pendingSnaps[row].name)
        }
        try inserters.edges.insert(pendingEdges.count) { values, row in
            try values.add(pendingEdges[row].taskID)
            try values.add(pendingEdges[row].waitsFor)
        }
        try inserters.log.insert(pendingLog.count) { values, row in
            try values.add(pendingLog[row].taskID)
            try values.add(pendingLog[row].sequence)
            try values.add(pendingLog[row].line)
        }
        pendingSnaps.removeAll(keepingCapacity: true)
        pendingEdges.removeAll(keepingCapacity: true)
        pendingLog.removeAll(keepingCapacity: true)
    }

    /// Adds NULL for the usual value of a column, which the insert turns back into that
    /// value (`coalesce(?, '{}')`): less text to copy.
    private static func addUnlessUsual(_ value: String, _ usual: String, to values: inout RowInserter.Values) throws {
        if value == usual {
            try values.addNull()
        } else {
            try values.add(value)
        }
    }

    /// The multi-row inserts of the rows folding creates.
    struct Inserters {
        let changes: RowInserter
        let tasks: RowInserter
        let snaps: RowInserter
        let edges: RowInserter
        let log: RowInserter

        init(database: Connection) {
            changes = RowInserter(
                database: database,
                prefix: """
                    INSERT INTO changes (id, kind, summary, status, explicit_status, ready, err, spawn_time, ready_time,
                                         data, abort_requested)
                    """,
                columnCount: 11,
                row: "(?, ?, ?, ?, ?, ?, ?, ?, ?, coalesce(?, '{}'), ?)"
            )
            tasks = RowInserter(
                database: database,
                prefix: """
                    INSERT INTO tasks (id, change_id, kind, summary, status, spawn_time, ready_time, progress_label,
                                       progress_done, progress_total, data, error)
                    """,
                columnCount: 12,
                row: "(?, ?, ?, ?, ?, ?, ?, coalesce(?, ''), ?, ?, coalesce(?, '{}'), ?)"
            )
            snaps = RowInserter(
                database: database,
                prefix: "INSERT OR IGNORE INTO change_snaps (change_id, snap_name)",
                columnCount: 2
            )
            edges = RowInserter(
                database: database,
                prefix: "INSERT OR IGNORE INTO task_edges (task_id, waits_for)",
                columnCount: 2
            )
            log = RowInserter(
                database: database,
                prefix: "INSERT OR REPLACE INTO task_log (task_id, seq, line)",
                columnCount: 3
            )
        }
    }

    private static let updateChangeRow = """
        UPDATE changes SET status = ?2, ready = ?3, err = ?4, ready_time = ?5, data = ?6, abort_requested = ?7
        WHERE id = ?1
        """
    private static let updateTaskRow = """
        UPDATE tasks SET status = ?2, ready_time = ?3, progress_label = ?4, progress_done = ?5, progress_total = ?6,
               data = ?7, error = ?8
        WHERE id = ?1
        """
}

@available(*, unavailable, message: "a projection belongs to the thread that owns its connection")
extension ChangesProjection: Sendable {}
