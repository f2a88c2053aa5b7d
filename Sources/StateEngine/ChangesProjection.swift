import SQLite

/// The engine's own projection: the `changes`, `change_snaps`, `tasks`, `task_edges`
/// and `task_log` tables.
///
/// Payload fields are read by SQLite's JSON functions inside the statements, which keeps
/// replay fast. A change's status, readiness, error text and ready time are derived
/// from its tasks once per batch, for the changes the batch touched.
struct ChangesProjection: Projection {
    var name: String { "changes" }
    var tables: [String] { ["task_log", "task_edges", "tasks", "change_snaps", "changes"] }

    /// Creates the per-connection table that lists the changes a batch touched.
    static func prepare(_ database: Connection) throws {
        try database.execute("CREATE TEMP TABLE IF NOT EXISTS dirty_changes (id INTEGER PRIMARY KEY)")
    }

    func apply(_ event: Event, to database: Connection) throws {
        guard EventType.all.contains(event.type), let changeID = event.changeID else { return }
        switch event.type {
        case EventType.changeAdded:
            try database.cached(Self.insertChange).run(changeID, event.payload, event.time)
            try database.cached(Self.insertChangeSnaps).run(changeID, event.payload)
        case EventType.taskAdded:
            try database.cached(Self.insertTask).run(event.taskID, changeID, event.payload, event.time)
            try database.cached(Self.insertEdges).run(event.taskID, event.payload)
        case EventType.taskStatus:
            try database.cached(Self.updateStatus).run(event.payload, event.time, event.taskID)
        case EventType.taskProgress:
            try database.cached(Self.updateProgress).run(event.payload, event.taskID)
        case EventType.taskLog:
            try database.cached(Self.insertLog).run(event.taskID, event.sequence, event.payload)
        case EventType.taskData:
            try database.cached(Self.updateTaskData).run(event.payload, event.taskID)
        case EventType.changeData:
            try database.cached(Self.updateChangeData).run(event.payload, changeID)
        case EventType.changeAbort:
            try database.cached(Self.markAbort).run(changeID)
        default:
            return
        }
        try database.cached(Self.markDirty).run(changeID)
    }

    func finishBatch(in database: Connection) throws {
        var dirty: [Int64] = []
        try database.cached("SELECT id FROM temp.dirty_changes").forEachRow { dirty.append($0.int64(0)) }
        for changeID in dirty {
            try refresh(changeID, in: database)
        }
        try database.execute("DELETE FROM temp.dirty_changes")
    }

    /// Derives a change's status, readiness, ready time and error text from its tasks.
    private func refresh(_ changeID: Int64, in database: Connection) throws {
        var statuses: [TaskStatus] = []
        try database.cached("SELECT DISTINCT status FROM tasks WHERE change_id = ?").forEachRow(changeID) { row in
            statuses.append(TaskStatus(rawValue: row.string(0)) ?? .error)
        }

        var status = TaskStatus.derived(from: statuses)
        if statuses.isEmpty,
            case .text(let explicit)? = try database.scalar(
                "SELECT explicit_status FROM changes WHERE id = ?",
                changeID
            ), let explicitStatus = TaskStatus(rawValue: explicit)
        {
            status = explicitStatus
        }

        let err = status == .error ? try errorText(changeID, in: database) : nil
        try database.cached(Self.updateChange).run(status.rawValue, status.isReady ? 1 : 0, err, changeID)
    }

    /// The text a failed change reports: one line per failed task with its reason.
    private func errorText(_ changeID: Int64, in database: Connection) throws -> String {
        var lines = ["cannot perform the following tasks:"]
        let query =
            "SELECT summary, coalesce(error, 'failed') FROM tasks WHERE change_id = ? AND status = 'Error' ORDER BY id"
        try database.cached(query).forEachRow(changeID) { row in
            lines.append("- \(row.string(0)) (\(row.string(1)))")
        }
        return lines.joined(separator: "\n")
    }

    // MARK: Statements

    private static let insertChange = """
        INSERT INTO changes (id, kind, summary, status, explicit_status, ready, spawn_time, ready_time, data)
        SELECT ?1, p ->> '$.kind', p ->> '$.summary', coalesce(p ->> '$.status', 'Hold'), p ->> '$.status',
               coalesce(p ->> '$.status', 'Hold') IN ('Done', 'Undone', 'Hold', 'Error'), ?3,
               CASE WHEN coalesce(p ->> '$.status', 'Hold') IN ('Done', 'Undone', 'Hold', 'Error') THEN ?3 END,
               coalesce(p -> '$.data', '{}')
        FROM (SELECT ?2 AS p)
        """
    private static let insertChangeSnaps = """
        INSERT OR IGNORE INTO change_snaps (change_id, snap_name) SELECT ?1, value FROM json_each(?2, '$.snap-names')
        """
    private static let insertTask = """
        INSERT INTO tasks (id, change_id, kind, summary, status, spawn_time, data)
        SELECT ?1, ?2, p ->> '$.kind', p ->> '$.summary', coalesce(p ->> '$.status', 'Do'), ?4,
               coalesce(p -> '$.data', '{}')
        FROM (SELECT ?3 AS p)
        """
    private static let insertEdges = """
        INSERT OR IGNORE INTO task_edges (task_id, waits_for) SELECT ?1, value FROM json_each(?2, '$.wait-for')
        """
    private static let updateStatus = """
        UPDATE tasks SET status = ?1 ->> '$.status', error = coalesce(?1 ->> '$.error', error),
               ready_time = CASE WHEN ?1 ->> '$.status' IN ('Done', 'Undone', 'Hold', 'Error') THEN ?2 END
        WHERE id = ?3
        """
    private static let updateProgress = """
        UPDATE tasks SET progress_label = ?1 ->> '$.label', progress_done = ?1 ->> '$.done',
               progress_total = ?1 ->> '$.total'
        WHERE id = ?2
        """
    private static let insertLog =
        "INSERT OR REPLACE INTO task_log (task_id, seq, line) VALUES (?1, ?2, ?3 ->> '$.line')"
    private static let updateTaskData = """
        UPDATE tasks SET data = json_set(data, '$."' || (?1 ->> '$.key') || '"', json(?1 -> '$.value')) WHERE id = ?2
        """
    private static let updateChangeData = """
        UPDATE changes SET data = json_set(data, '$."' || (?1 ->> '$.key') || '"', json(?1 -> '$.value')) WHERE id = ?2
        """
    private static let markAbort = "UPDATE changes SET abort_requested = 1 WHERE id = ?1"
    private static let markDirty = "INSERT OR IGNORE INTO temp.dirty_changes (id) VALUES (?1)"
    private static let updateChange = """
        UPDATE changes
        SET status = ?1, ready = ?2, err = ?3,
            ready_time = CASE WHEN ?2 THEN coalesce(
                (SELECT max(ready_time) FROM tasks WHERE change_id = ?4), spawn_time) END
        WHERE id = ?4
        """
}
