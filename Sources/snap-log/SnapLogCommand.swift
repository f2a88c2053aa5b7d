import SQLite
import SnapManager
import StateEngine

#if canImport(Glibc)
import Glibc
#endif

/// One parsed `snap-log` invocation.
struct SnapLogCommand {
    /// A mistake in the command line; printed with the usage text, exit status 64.
    struct UsageError: Error {
        let message: String
    }

    enum Action {
        case changes
        case tasks(changeID: Int64)
        case events(changeID: Int64?)
        case state
    }

    /// Where to stop replaying.
    enum Limit {
        case sequence(Int64)
        case time(Timestamp)
    }

    let action: Action
    let databasePath: String
    let limit: Limit?

    init(arguments: [String]) throws {
        var positionals: [String] = []
        var options: [String: String] = [:]
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            if !optionsEnded && (argument == "-h" || argument == "--help") {
                print(usage)
                exit(0)
            }
            if argument == "--" && !optionsEnded {
                optionsEnded = true
            } else if argument.hasPrefix("--") && !optionsEnded {
                let parts = argument.dropFirst(2).split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    .map(String.init)
                guard parts[0] == "until" || parts[0] == "change" else {
                    throw UsageError(message: "unknown option \(argument)")
                }
                guard options[parts[0]] == nil else { throw UsageError(message: "--\(parts[0]) given twice") }
                if parts.count == 2 {
                    options[parts[0]] = parts[1]
                } else {
                    index += 1
                    guard index < arguments.count else { throw UsageError(message: "\(argument) needs a value") }
                    options[parts[0]] = arguments[index]
                }
            } else {
                positionals.append(argument)
            }
            index += 1
        }

        guard positionals.count >= 2 else { throw UsageError(message: "a command and a database are required") }
        databasePath = positionals[1]
        switch (positionals[0], positionals.count) {
        case ("changes", 2): action = .changes
        case ("state", 2): action = .state
        case ("events", 2): action = .events(changeID: try options["change"].map { try Self.changeID($0) })
        case ("tasks", 3): action = .tasks(changeID: try Self.changeID(positionals[2]))
        case ("changes", _), ("state", _), ("events", _), ("tasks", _):
            throw UsageError(message: "wrong number of arguments for \(positionals[0])")
        default:
            throw UsageError(message: "unknown command \"\(positionals[0])\"")
        }
        limit = try options["until"].map(Self.limit)
    }

    private static func changeID(_ text: String) throws -> Int64 {
        guard let id = Int64(text), id > 0 else { throw UsageError(message: "invalid change id \"\(text)\"") }
        return id
    }

    private static func limit(_ text: String) throws -> Limit {
        if let sequence = Int64(text), sequence >= 0 { return .sequence(sequence) }
        if let time = Timestamp(rfc3339: text) { return .time(time) }
        throw UsageError(message: "--until takes an event number or an RFC 3339 time, not \"\(text)\"")
    }

    /// The managers' projections, replayed beside the engine's changes and tasks.
    static let projections: [any Projection] = [SnapsProjection(), ProfilesProjection()]

    /// Copies the database, replays it when a limit is given, and prints.
    func run() throws {
        let copy = try DatabaseCopy(of: databasePath)
        defer { copy.remove() }
        let database = try copy.open()

        var through: Int64?
        switch limit {
        case .sequence(let sequence)?: through = sequence
        case .time(let time)?: through = try Replayer.lastSequence(atOrBefore: time, in: database)
        case nil: through = nil
        }
        if let through, case .events = action {
            try printEvents(database, through: through)
            return
        }
        if through != nil {
            try Replayer(database: database, projections: Self.projections).rebuild(through: through)
        }

        switch action {
        case .changes: try printChanges(database)
        case .tasks(let changeID): try printTasks(database, changeID: changeID)
        case .events: try printEvents(database, through: nil)
        case .state: try printState(database)
        }
    }

    private func printChanges(_ database: Connection) throws {
        let changes = try ChangeRecord.list(.all, from: database)
        var table = [["ID", "Status", "Spawn", "Ready", "Summary"]]
        for change in changes {
            table.append([
                String(change.id), change.status.rawValue, change.spawnTime, change.readyTime ?? "-", change.summary,
            ])
        }
        printTable(table)
    }

    private func printTasks(_ database: Connection, changeID: Int64) throws {
        guard let change = try ChangeRecord.load(changeID, from: database) else {
            throw SnapLogError(message: "\(databasePath): no change with id \(changeID)")
        }
        var table = [["Status", "Spawn", "Ready", "Summary"]]
        for task in change.tasks {
            table.append([task.status.rawValue, task.spawnTime, task.readyTime ?? "-", task.summary])
        }
        printTable(table)
        for task in change.tasks where !task.log.isEmpty {
            print("\n......................................................................")
            print(task.summary)
            print()
            for line in task.log { print(line) }
        }
        if let err = change.err { print("\n" + err) }
    }

    private func printEvents(_ database: Connection, through: Int64?) throws {
        var sql = "SELECT seq, time, change_id, task_id, type, payload FROM events WHERE seq <= ?"
        var values: [any SQLiteBindable] = [through ?? Int64.max]
        if case .events(let changeID?) = action {
            sql += " AND change_id = ?"
            values.append(changeID)
        }
        let query = try database.prepare(sql + " ORDER BY seq")
        try query.bind(values)
        while try query.step() {
            let change = query.optionalInt64(2).map { "change=\($0)" } ?? "-"
            let task = query.optionalInt64(3).map { "task=\($0)" } ?? "-"
            print("\(query.int64(0))\t\(query.string(1))\t\(change)\t\(task)\t\(query.string(4))\t\(query.string(5))")
        }
    }

    private func printState(_ database: Connection) throws {
        let replayer = try Replayer(database: database, projections: Self.projections)
        for table in replayer.tables.reversed() {
            let dump = try Replayer.dump(table, in: database)
            print("== \(table) (\(dump.rows.count) rows)")
            print(dump.columns.joined(separator: "\t"))
            for row in dump.rows { print(row.map(\.description).joined(separator: "\t")) }
            print()
        }
    }

    private func printTable(_ rows: [[String]]) {
        guard let columns = rows.first?.count else { return }
        let widths = (0..<columns).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            let cells = row.enumerated().map { column, cell in
                column == columns - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }
            print(cells.joined(separator: "  "))
        }
    }
}

/// A failure that is not a usage mistake.
struct SnapLogError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
