import SQLite
import SnapAPI

/// A change as the projections show it, with its tasks: what the REST API returns for
/// `/v2/changes/{id}` and what `snap-log` prints.
public struct ChangeRecord: Sendable, Equatable {
    public var id: Int64
    public var kind: String
    public var summary: String
    public var status: TaskStatus
    public var isReady: Bool
    public var err: String?
    public var spawnTime: String
    public var readyTime: String?
    public var data: JSONValue
    public var snapNames: [String]
    public var tasks: [TaskRecord]

    /// The JSON object of the REST API: ids as strings, `ready-time` and `err` only when set,
    /// `data` only when not empty.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(String(id)), "kind": .string(kind), "summary": .string(summary),
            "status": .string(status.rawValue), "ready": .bool(isReady), "spawn-time": .string(spawnTime),
            "tasks": .array(tasks.map(\.json)),
        ]
        if let err { object["err"] = .string(err) }
        if let readyTime { object["ready-time"] = .string(readyTime) }
        if let members = data.objectValue, !members.isEmpty { object["data"] = data }
        return .object(object)
    }
}

/// A task as the projections show it.
public struct TaskRecord: Sendable, Equatable {
    public var id: Int64
    public var kind: String
    public var summary: String
    public var status: TaskStatus
    public var log: [String]
    public var progressLabel: String
    public var progressDone: Int64
    public var progressTotal: Int64
    public var spawnTime: String
    public var readyTime: String?
    public var data: JSONValue
    public var waitsFor: [Int64]

    /// The JSON object of the REST API.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(String(id)), "kind": .string(kind), "summary": .string(summary),
            "status": .string(status.rawValue), "spawn-time": .string(spawnTime),
            "progress": [
                "label": .string(progressLabel), "done": .integer(progressDone), "total": .integer(progressTotal),
            ],
        ]
        if !log.isEmpty { object["log"] = .array(log.map { .string($0) }) }
        if let readyTime { object["ready-time"] = .string(readyTime) }
        return .object(object)
    }
}

extension ChangeRecord {
    /// Which changes to list.
    public enum Selection: Sendable {
        case all
        case inProgress
        case ready
    }

    /// Reads one change with its tasks, or nil.
    public static func load(_ id: Int64, from database: Connection) throws -> ChangeRecord? {
        try list(where: "c.id = ?", id, from: database).first
    }

    /// Reads changes, oldest first, optionally only those acting on `snapName`.
    public static func list(_ selection: Selection, snapName: String? = nil, from database: Connection) throws
        -> [ChangeRecord]
    {
        var conditions: [String] = []
        switch selection {
        case .all: break
        case .inProgress: conditions.append("c.ready = 0")
        case .ready: conditions.append("c.ready = 1")
        }
        if snapName != nil {
            conditions.append("c.id IN (SELECT change_id FROM change_snaps WHERE snap_name = ?)")
        }
        let clause = conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")
        if let snapName { return try list(where: clause, snapName, from: database) }
        return try list(where: clause, from: database)
    }

    private static func list(where clause: String, _ values: any SQLiteBindable..., from database: Connection) throws
        -> [ChangeRecord]
    {
        let query = try database.prepare(
            """
            SELECT c.id, c.kind, c.summary, c.status, c.ready, c.err, c.spawn_time, c.ready_time, c.data,
                   (SELECT json_group_array(snap_name) FROM change_snaps WHERE change_id = c.id)
            FROM changes c WHERE \(clause) ORDER BY c.id
            """
        )
        try query.bind(values)
        var changes: [ChangeRecord] = []
        while try query.step() {
            let snapNames = (try? JSONValue(parsing: query.string(9)))?.arrayValue?.compactMap(\.stringValue) ?? []
            changes.append(
                ChangeRecord(
                    id: query.int64(0),
                    kind: query.string(1),
                    summary: query.string(2),
                    status: TaskStatus(rawValue: query.string(3)) ?? .error,
                    isReady: query.int64(4) != 0,
                    err: query.optionalString(5),
                    spawnTime: query.string(6),
                    readyTime: query.optionalString(7),
                    data: (try? JSONValue(parsing: query.string(8))) ?? [:],
                    snapNames: snapNames,
                    tasks: try TaskRecord.load(change: query.int64(0), from: database)
                )
            )
        }
        return changes
    }
}

extension TaskRecord {
    /// Reads the tasks of a change, in id order.
    static func load(change changeID: Int64, from database: Connection) throws -> [TaskRecord] {
        var tasks: [TaskRecord] = []
        let query = """
            SELECT t.id, t.kind, t.summary, t.status, t.progress_label, t.progress_done, t.progress_total,
                   t.spawn_time, t.ready_time, t.data,
                   (SELECT json_group_array(line) FROM (SELECT line FROM task_log WHERE task_id = t.id ORDER BY seq)),
                   (SELECT json_group_array(waits_for) FROM task_edges WHERE task_id = t.id)
            FROM tasks t WHERE t.change_id = ? ORDER BY t.id
            """
        try database.cached(query).forEachRow(changeID) { row in
            let log = (try? JSONValue(parsing: row.string(10)))?.arrayValue?.compactMap(\.stringValue) ?? []
            let waits = (try? JSONValue(parsing: row.string(11)))?.arrayValue?.compactMap(\.integerValue) ?? []
            tasks.append(
                TaskRecord(
                    id: row.int64(0),
                    kind: row.string(1),
                    summary: row.string(2),
                    status: TaskStatus(rawValue: row.string(3)) ?? .error,
                    log: log,
                    progressLabel: row.string(4),
                    progressDone: row.int64(5),
                    progressTotal: row.int64(6),
                    spawnTime: row.string(7),
                    readyTime: row.optionalString(8),
                    data: (try? JSONValue(parsing: row.string(9))) ?? [:],
                    waitsFor: waits.sorted()
                )
            )
        }
        return tasks
    }
}
