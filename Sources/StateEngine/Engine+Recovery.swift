import SQLite
import SnapAPI

/// Resuming after a crash or a stop.
extension Engine {
    /// Moves tasks left mid-flight by a crash to where they can run again: a task left
    /// Doing is run again or undone as its kind declares, and interrupted undos run again.
    /// Every move is an event, so the log shows the recovery.
    func recover() {
        state.withLock { state in
            var events: [PendingEvent] = []
            for changeID in state.changes.keys.sorted() {
                guard let change = state.changes[changeID] else { continue }
                var mustUndoChange = false
                for taskID in change.taskIDs {
                    guard let task = state.tasks[taskID] else { continue }
                    switch task.status {
                    case .doing where handlers[task.kind]?.onInterruption == .undo:
                        appendLog(task, "interrupted while doing; undoing", events: &events)
                        setStatus(taskID, .undo, in: &state, events: &events)
                        mustUndoChange = true
                    case .doing:
                        appendLog(task, "interrupted while doing; running again", events: &events)
                        setStatus(taskID, .do, in: &state, events: &events)
                    case .abort, .undoing:
                        appendLog(
                            task,
                            "interrupted while \(task.status == .abort ? "aborting" : "undoing")",
                            events: &events
                        )
                        setStatus(taskID, .undo, in: &state, events: &events)
                    default:
                        continue
                    }
                }
                if mustUndoChange && !change.aborting {
                    abortTasks(of: changeID, in: &state, events: &events)
                }
            }
            state.schedulable.formUnion(state.changes.keys)
            commit(events, in: &state, checking: Set(state.changes.keys))
        }
    }
}

extension EngineState {
    /// Reads the changes in progress, their tasks and edges, and the next free ids.
    static func load(from database: Connection) throws -> EngineState {
        var state = EngineState()
        state.nextChangeID = try nextID("SELECT max(id) FROM changes", database)
        state.nextTaskID = try nextID("SELECT max(id) FROM tasks", database)

        let changes = "SELECT id, kind, summary, data, abort_requested FROM changes WHERE ready = 0 ORDER BY id"
        try database.prepare(changes).forEachRow { row in
            let id = row.int64(0)
            state.changes[id] = EngineChange(
                id: id,
                kind: row.string(1),
                summary: row.string(2),
                snapNames: [],
                data: (try? JSONValue(parsing: row.string(3)))?.objectValue ?? [:],
                taskIDs: [],
                isCommitted: true,
                aborting: row.int64(4) != 0
            )
        }

        let tasks = """
            SELECT t.id, t.change_id, t.kind, t.summary, t.status, t.data FROM tasks t
            JOIN changes c ON c.id = t.change_id WHERE c.ready = 0 ORDER BY t.id
            """
        try database.prepare(tasks).forEachRow { row in
            let task = EngineTask(
                id: row.int64(0),
                changeID: row.int64(1),
                kind: row.string(2),
                summary: row.string(3),
                status: TaskStatus(rawValue: row.string(4)) ?? .error,
                waitsFor: [],
                data: (try? JSONValue(parsing: row.string(5)))?.objectValue ?? [:]
            )
            state.tasks[task.id] = task
            state.changes[task.changeID]?.taskIDs.append(task.id)
            if [.error, .undo, .undoing, .undone, .abort].contains(task.status) {
                state.changes[task.changeID]?.aborting = true
            }
        }

        let edges = """
            SELECT e.task_id, e.waits_for FROM task_edges e JOIN tasks t ON t.id = e.task_id
            JOIN changes c ON c.id = t.change_id WHERE c.ready = 0
            """
        try database.prepare(edges).forEachRow { row in
            state.tasks[row.int64(0)]?.waitsFor.append(row.int64(1))
            state.tasks[row.int64(1)]?.dependents.append(row.int64(0))
        }

        let snaps = """
            SELECT s.change_id, s.snap_name FROM change_snaps s JOIN changes c ON c.id = s.change_id
            WHERE c.ready = 0 ORDER BY s.snap_name
            """
        var snapNames: [Int64: [String]] = [:]
        try database.prepare(snaps).forEachRow { row in snapNames[row.int64(0), default: []].append(row.string(1)) }
        for (id, names) in snapNames {
            guard let change = state.changes[id] else { continue }
            state.changes[id] = EngineChange(
                id: id,
                kind: change.kind,
                summary: change.summary,
                snapNames: names,
                data: change.data,
                taskIDs: change.taskIDs,
                isCommitted: true,
                aborting: change.aborting
            )
        }
        return state
    }

    private static func nextID(_ sql: String, _ database: Connection) throws -> Int64 {
        guard case .integer(let max)? = try database.scalar(sql) else { return 1 }
        return max + 1
    }
}
