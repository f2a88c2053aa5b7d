import SQLite

/// One change's rows of the `changes` and `tasks` tables, held in memory while events are
/// folded into them, and whether each row is already in the database and how it differs.
///
/// Every column is kept as the value SQLite stores, so writing a row back gives the same
/// bytes. An image is complete: it holds every task row whose `change_id` is the change's,
/// which is what deriving the change's status needs.
final class ChangeImage {
    /// A row of `changes`.
    struct Change {
        var kind: String
        var summary: String
        var status: String
        var explicitStatus: String?
        var ready: Int64
        var err: String?
        var spawnTime: String
        var readyTime: String?
        var data: String
        var abortRequested: Int64
    }

    /// A row of `tasks`.
    struct Task {
        var id: Int64
        var kind: String
        var summary: String
        var status: String
        var spawnTime: String
        var readyTime: String?
        var progressLabel: String
        var progressDone: Int64
        var progressTotal: Int64
        var data: String
        var error: String?
        /// The row is in the database (as of the last flush).
        var isStored: Bool
        /// The row differs from the database.
        var isModified: Bool
    }

    let id: Int64
    /// The change's row; nil while no `change-added` event was applied for it.
    var change: Change?
    var isChangeStored = false
    var isChangeModified = false
    private(set) var tasks: [Task] = []
    /// Touched since the last flush: its derived values must be settled.
    var isTouched = false

    init(id: Int64) {
        self.id = id
    }

    /// The position of task `taskID` in ``tasks``.
    func index(ofTask taskID: Int64) -> Int? {
        // Changes have few tasks, and the one asked for is usually among the last.
        var index = tasks.count - 1
        while index >= 0 {
            if tasks[index].id == taskID { return index }
            index -= 1
        }
        return nil
    }

    func append(_ task: Task) {
        tasks.append(task)
    }

    func withTask<Result>(at index: Int, _ body: (borrowing Task) throws -> Result) rethrows -> Result {
        try body(tasks[index])
    }

    func modifyTask(at index: Int, _ body: (inout Task) -> Void) {
        body(&tasks[index])
        tasks[index].isModified = true
    }

    /// Marks every row as written.
    func markStored() {
        if change != nil {
            isChangeStored = true
            isChangeModified = false
        }
        for index in tasks.indices {
            tasks[index].isStored = true
            tasks[index].isModified = false
        }
        isTouched = false
    }

    // MARK: Derived values

    /// Recomputes the change's status, readiness, error text and ready time from its tasks,
    /// as the statements of ``ChangesProjection`` define them; marks the row modified when
    /// they changed.
    func settle() {
        guard var change else { return }
        var present: UInt32 = 0
        for task in tasks { present |= 1 << Self.statusBit(task.status) }
        var status = Self.precedence.first { present & $0.bit != 0 }?.status ?? .hold
        if tasks.isEmpty, let explicit = change.explicitStatus, let explicitStatus = TaskStatus(rawValue: explicit) {
            status = explicitStatus
        }

        let ready: Int64 = status.isReady ? 1 : 0
        let err = status == .error ? errorText() : nil
        let readyTime = status.isReady ? latestTaskReadyTime() ?? change.spawnTime : nil
        guard
            change.status != status.rawValue || change.ready != ready || change.err != err
                || change.readyTime != readyTime
        else { return }
        change.status = status.rawValue
        change.ready = ready
        change.err = err
        change.readyTime = readyTime
        self.change = change
        isChangeModified = true
    }

    /// `TaskStatus.changePrecedence` with the bit of each status.
    private static let precedence = TaskStatus.changePrecedence.map {
        (status: $0, bit: UInt32(1) << statusBit($0.rawValue))
    }

    /// A bit per status for ``settle()``; text that names no status counts as Error, as
    /// `TaskStatus.derived` takes it.
    private static func statusBit(_ text: String) -> UInt32 {
        switch text {
        case "Done": 0
        case "Do": 1
        case "Doing": 2
        case "Undo": 3
        case "Undoing": 4
        case "Undone": 5
        case "Hold": 6
        case "Abort": 7
        case "Wait": 8
        case "Default": 9
        default: 10
        }
    }

    /// One line per task in Error, in id order.
    private func errorText() -> String {
        var lines = ["cannot perform the following tasks:"]
        for task in tasks.sorted(by: { $0.id < $1.id }) where task.status == TaskStatus.error.rawValue {
            lines.append("- \(task.summary) (\(task.error ?? "failed"))")
        }
        return lines.joined(separator: "\n")
    }

    /// The greatest task ready time, compared byte by byte as SQLite's `max` does.
    private func latestTaskReadyTime() -> String? {
        var latest: String?
        for task in tasks {
            guard let time = task.readyTime else { continue }
            if let current = latest, !Self.precedesBytewise(current, time) { continue }
            latest = time
        }
        return latest
    }

    private static func precedesBytewise(_ first: String, _ second: String) -> Bool {
        var first = first
        var second = second
        return first.withUTF8 { left in
            second.withUTF8 { right in
                for index in 0..<min(left.count, right.count) where left[index] != right[index] {
                    return left[index] < right[index]
                }
                return left.count < right.count
            }
        }
    }

    // MARK: Loading

    /// Reads change `id` and its tasks; nil when a column holds a value of another type than
    /// events written by the fast path give (then the caller applies events with SQL).
    static func load(_ id: Int64, from database: Connection) throws -> ChangeImage? {
        let image = ChangeImage(id: id)
        let changeQuery = try database.cached(
            """
            SELECT kind, summary, status, explicit_status, ready, err, spawn_time, ready_time, data, abort_requested
            FROM changes WHERE id = ?
            """
        )
        try changeQuery.bind([id])
        defer { changeQuery.reset() }
        if try changeQuery.step() {
            let values = (0..<10).map { changeQuery.value(Int32($0)) }
            guard case .text(let kind) = values[0], case .text(let summary) = values[1],
                case .text(let status) = values[2], let explicitStatus = optionalText(values[3]),
                case .integer(let ready) = values[4], let err = optionalText(values[5]),
                case .text(let spawnTime) = values[6], let readyTime = optionalText(values[7]),
                case .text(let data) = values[8], case .integer(let abortRequested) = values[9]
            else { return nil }
            image.change = Change(
                kind: kind,
                summary: summary,
                status: status,
                explicitStatus: explicitStatus,
                ready: ready,
                err: err,
                spawnTime: spawnTime,
                readyTime: readyTime,
                data: data,
                abortRequested: abortRequested
            )
            image.isChangeStored = true
        }
        return try loadTasks(into: image, from: database) ? image : nil
    }

    private static func loadTasks(into image: ChangeImage, from database: Connection) throws -> Bool {
        let query = try database.cached(
            """
            SELECT id, kind, summary, status, spawn_time, ready_time, progress_label, progress_done, progress_total,
                   data, error
            FROM tasks WHERE change_id = ? ORDER BY id
            """
        )
        try query.bind([image.id])
        defer { query.reset() }
        while try query.step() {
            let values = (0..<11).map { query.value(Int32($0)) }
            guard case .integer(let id) = values[0], case .text(let kind) = values[1],
                case .text(let summary) = values[2], case .text(let status) = values[3],
                case .text(let spawnTime) = values[4], let readyTime = optionalText(values[5]),
                case .text(let progressLabel) = values[6], case .integer(let progressDone) = values[7],
                case .integer(let progressTotal) = values[8], case .text(let data) = values[9],
                let error = optionalText(values[10])
            else { return false }
            image.tasks.append(
                Task(
                    id: id,
                    kind: kind,
                    summary: summary,
                    status: status,
                    spawnTime: spawnTime,
                    readyTime: readyTime,
                    progressLabel: progressLabel,
                    progressDone: progressDone,
                    progressTotal: progressTotal,
                    data: data,
                    error: error,
                    isStored: true,
                    isModified: false
                )
            )
        }
        return true
    }

    /// `.some(nil)` for NULL, `.some(text)` for text, nil for any other value.
    private static func optionalText(_ value: SQLiteValue) -> String?? {
        switch value {
        case .null: .some(nil)
        case .text(let text): .some(text)
        default: nil
        }
    }
}
