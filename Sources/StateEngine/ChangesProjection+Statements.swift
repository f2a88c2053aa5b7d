import SQLite

/// The statements that define what each of the engine's events does to the tables.
///
/// Folding (`ChangesProjection+Folding.swift`) reproduces them in memory for the payloads the
/// engine writes; any other event is applied by these statements, which read the payload
/// with SQLite's JSON functions, and its change's derived values are refreshed by queries.
extension ChangesProjection {
    /// Applies `event` with its statement; its change is refreshed at the next flush.
    func applyStatement(_ event: EventFields, _ kind: EngineEventKind, changeID: Int64) throws {
        guard let statement = statements[kind] else { return }
        let payload = event.payloadText
        // Each statement uses the parameters it needs, numbered as below; bind only those.
        let count = statement.parameterCount
        try statement.bind(changeID, at: 1)
        if count >= 2 { try event.taskID.bind(to: statement, at: 2) }
        if count >= 3 { try statement.bind(payload, at: 3) }
        if count >= 4 { try statement.bind(event.timeText, at: 4) }
        if count >= 5 { try statement.bind(event.sequence, at: 5) }
        defer { statement.reset() }
        try statement.step()
        if kind == .changeAdded {
            try database.cached(Self.insertChangeSnaps).run(changeID, payload)
        } else if kind == .taskAdded {
            try database.cached(Self.insertEdges).run(event.taskID, payload)
        }
        refreshedWithSQL.insert(changeID)
    }

    /// Derives a change's status, readiness, ready time and error text from its task rows.
    func refreshWithSQL(_ changeID: Int64) throws {
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

        let err = status == .error ? try errorText(changeID) : nil
        try database.cached(Self.updateChange).run(status.rawValue, status.isReady ? 1 : 0, err, changeID)
    }

    /// The text a failed change reports: one line per failed task with its reason.
    private func errorText(_ changeID: Int64) throws -> String {
        var lines = ["cannot perform the following tasks:"]
        let query = """
            SELECT summary, coalesce(error, 'failed') FROM tasks WHERE change_id = ? AND status = 'Error' ORDER BY id
            """
        try database.cached(query).forEachRow(changeID) { row in
            lines.append("- \(row.string(0)) (\(row.string(1)))")
        }
        return lines.joined(separator: "\n")
    }

    // MARK: Statements

    /// One statement per event type, with parameters ?1 change id, ?2 task id, ?3 payload,
    /// ?4 time, ?5 sequence.
    static let applySQL: [String: String] = [
        EventType.changeAdded: insertChange,
        EventType.taskAdded: insertTask,
        EventType.taskStatus: updateStatus,
        EventType.taskProgress: updateProgress,
        EventType.taskLog: insertLog,
        EventType.taskData: updateTaskData,
        EventType.changeData: updateChangeData,
        EventType.changeAbort: markAbort,
    ]

    private static let insertChange = """
        INSERT INTO changes (id, kind, summary, status, explicit_status, ready, spawn_time, ready_time, data)
        SELECT ?1, p ->> '$.kind', p ->> '$.summary', status, p ->> '$.status', ready, ?4,
               CASE WHEN ready THEN ?4 END, coalesce(p -> '$.data', '{}')
        FROM (SELECT ?3 AS p, coalesce(?3 ->> '$.status', 'Hold') AS status,
                     CASE coalesce(?3 ->> '$.status', 'Hold') WHEN 'Done' THEN 1 WHEN 'Undone' THEN 1
                          WHEN 'Hold' THEN 1 WHEN 'Error' THEN 1 ELSE 0 END AS ready)
        """
    private static let insertChangeSnaps = """
        INSERT OR IGNORE INTO change_snaps (change_id, snap_name) SELECT ?1, value FROM json_each(?2, '$.snap-names')
        """
    private static let insertTask = """
        INSERT INTO tasks (id, change_id, kind, summary, status, spawn_time, data)
        SELECT ?2, ?1, p ->> '$.kind', p ->> '$.summary', coalesce(p ->> '$.status', 'Do'), ?4,
               coalesce(p -> '$.data', '{}')
        FROM (SELECT ?3 AS p)
        """
    private static let insertEdges = """
        INSERT OR IGNORE INTO task_edges (task_id, waits_for) SELECT ?1, value FROM json_each(?2, '$.wait-for')
        """
    private static let updateStatus = """
        UPDATE tasks SET status = ?3 ->> '$.status', error = coalesce(?3 ->> '$.error', error),
               ready_time = CASE ?3 ->> '$.status' WHEN 'Done' THEN ?4 WHEN 'Undone' THEN ?4 WHEN 'Hold' THEN ?4
                                                  WHEN 'Error' THEN ?4 END
        WHERE id = ?2
        """
    private static let updateProgress = """
        UPDATE tasks SET progress_label = ?3 ->> '$.label', progress_done = ?3 ->> '$.done',
               progress_total = ?3 ->> '$.total'
        WHERE id = ?2
        """
    private static let insertLog =
        """
        INSERT OR REPLACE INTO task_log (task_id, seq, line)
        VALUES (?2, ?5, ?3 ->> '$.line')
        """
    private static let updateTaskData = """
        UPDATE tasks SET data = json_set(data, '$."' || (?3 ->> '$.key') || '"', json(?3 -> '$.value'))
        WHERE id = ?2
        """
    private static let updateChangeData = """
        UPDATE changes SET data = json_set(data, '$."' || (?3 ->> '$.key') || '"', json(?3 -> '$.value'))
        WHERE id = ?1
        """
    private static let markAbort = """
        UPDATE changes SET abort_requested = 1 WHERE id = ?1
        """
    private static let updateChange = """
        UPDATE changes
        SET status = ?1, ready = ?2, err = ?3,
            ready_time = CASE WHEN ?2 THEN coalesce(
                (SELECT max(ready_time) FROM tasks WHERE change_id = ?4), spawn_time) END
        WHERE id = ?4
        """
}
