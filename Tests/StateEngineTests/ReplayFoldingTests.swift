import Foundation
import SQLite
import Testing

@testable import StateEngine

/// A rebuild folds events in memory and writes each change's rows in batches; the
/// statements that read payloads with SQLite's JSON functions define what each event
/// means. Both must give the same tables, for every payload shape.
@Suite("Replay folding")
struct ReplayFoldingTests {
    let scratch = ScratchDirectory()

    /// One raw event of the log.
    struct RawEvent {
        var change: Int64?
        var task: Int64?
        var type: String
        var payload: String
    }

    /// Events the engine writes, spelled in every way JSON allows: escapes, whitespace,
    /// numbers written oddly, explicit statuses, data set and replaced, aborts, and
    /// changes interleaved with each other and with domain facts.
    static let ordinaryEvents: [RawEvent] = [
        RawEvent(
            change: 1,
            type: "change-added",
            payload: #"{"kind":"install-snap","summary":"Install \"h\u00e9llo\" \/ caf\u00e9\n","#
                + #""data":{ "snap-names" : [ "hello" ], "n": 1.50, "e": 1E+2, "z": -0, "s": "a\/b" },"#
                + #""snap-names":["hello","hello","wörld"]}"#
        ),
        RawEvent(
            change: 1,
            task: 1,
            type: "task-added",
            payload: #"{"kind":"download","summary":"Download \"hello\"","data":{},"wait-for":[]}"#
        ),
        RawEvent(
            change: 1,
            task: 2,
            type: "task-added",
            payload:
                #"{ "wait-for" : [ 1 ], "data" : { "a" : [ 1 , { "b" : null } ] }, "kind":"mount","summary":"Mount"}"#
        ),
        RawEvent(
            change: 1,
            task: 3,
            type: "task-added",
            payload: #"{"kind":"link","summary":"Link","status":"Hold","wait-for":[1,2,2],"data":{"x":true}}"#
        ),
        RawEvent(
            change: 2,
            type: "change-added",
            payload: #"{"kind":"done-at-once","summary":"Held","status":"Done"}"#
        ),
        RawEvent(change: 3, type: "change-added", payload: #"{"kind":"odd","summary":"Odd","status":"Bogus"}"#),
        RawEvent(change: 4, type: "change-added", payload: #"{"kind":"nul","summary":"Null status","status":null}"#),
        RawEvent(change: 1, task: 1, type: "task-status", payload: #"{"status":"Doing"}"#),
        RawEvent(
            change: 1,
            task: 1,
            type: "task-progress",
            payload: #"{"label":"Fetch \u00abhello\u00bb","done":512,"total":-2048}"#
        ),
        RawEvent(change: 1, task: 1, type: "task-log", payload: #"{"line":"2026-12-03T00:00:00Z INFO tab\there"}"#),
        RawEvent(change: 1, task: 1, type: "file-created", payload: #"{"name":"x"}"#),
        RawEvent(change: 1, task: 1, type: "task-data", payload: #"{"key":"size","value":{ "bytes" : 12 }}"#),
        RawEvent(change: 1, task: 1, type: "task-data", payload: #"{"key":"dotted.key with space","value":"v"}"#),
        RawEvent(change: 1, task: 1, type: "task-data", payload: #"{"key":"size","value":[1, 2.0]}"#),
        RawEvent(change: 1, task: 1, type: "task-status", payload: #"{"status":"Done"}"#),
        RawEvent(change: 1, type: "change-data", payload: #"{"key":"n","value":2}"#),
        RawEvent(change: 1, type: "change-data", payload: #"{"key":"new","value":"\u00e9"}"#),
        RawEvent(change: 4, type: "change-data", payload: #"{"key":"first","value":{}}"#),
        RawEvent(change: 1, task: 2, type: "task-status", payload: #"{"status":"Doing"}"#),
        RawEvent(change: 1, task: 2, type: "task-status", payload: #"{"status":"Error","error":"disk on fire"}"#),
        RawEvent(change: 1, task: 2, type: "task-status", payload: #"{"status":"Error"}"#),
        RawEvent(change: 1, type: "change-abort", payload: "{}"),
        RawEvent(change: 1, task: 1, type: "task-status", payload: #"{"status":"Undo","error":null}"#),
        RawEvent(change: 1, task: 1, type: "task-status", payload: #"{"status":"Undone"}"#),
        RawEvent(change: 1, task: 3, type: "task-status", payload: #"{"status":"Bogus"}"#),
        RawEvent(type: "task-log", payload: #"{"line":"no change: ignored"}"#),
        // A task added before its change (no foreign keys are checked during a rebuild).
        RawEvent(change: 6, task: 20, type: "task-added", payload: #"{"kind":"early","summary":"Before its change"}"#),
        RawEvent(change: 6, type: "change-added", payload: #"{"kind":"late","summary":"Late"}"#),
        RawEvent(change: 6, task: 20, type: "task-status", payload: #"{"status":"Done"}"#),
    ]

    /// Events the fast path leaves to the statements: a floating-point count, a number where
    /// text is read, an escaped member name, a duplicate member, `\u0000`, escaped surrogates,
    /// a task of another change, a task that does not exist, a key that needs escaping.
    static let unusualEvents: [RawEvent] = [
        RawEvent(change: 5, type: "change-added", payload: #"{"kind":"odd","summary":42,"data":{"k":1}}"#),
        RawEvent(change: 5, task: 10, type: "task-added", payload: #"{"kind":"k","summary":"s","status":7}"#),
        RawEvent(change: 5, task: 11, type: "task-added", payload: #"{"kind":"k","summary":"s","wait-for":["10"]}"#),
        RawEvent(change: 5, task: 10, type: "task-progress", payload: #"{"label":"l","done":1.5,"total":3}"#),
        RawEvent(change: 5, task: 10, type: "task-status", payload: #"{"st\u0061tus":"Done","status":"Doing"}"#),
        RawEvent(change: 5, task: 10, type: "task-status", payload: #"{"status":"Done","status":"Error"}"#),
        RawEvent(change: 5, task: 10, type: "task-log", payload: #"{"line":"cut\u0000here"}"#),
        RawEvent(change: 5, task: 10, type: "task-log", payload: #"{"line":"smile \ud83d\ude00"}"#),
        RawEvent(change: 5, task: 2, type: "task-status", payload: #"{"status":"Done"}"#),
        RawEvent(change: 5, task: 99, type: "task-progress", payload: #"{"label":"none","done":0,"total":1}"#),
        RawEvent(change: 1, task: 3, type: "task-data", payload: #"{"key":"a\\b","value":1}"#),
    ]

    /// A log of `events`, then a second copy of the ordinary events for changes 101 on, so
    /// that changes read back from the tables are folded too.
    func writeLog(_ events: [RawEvent]) throws -> Connection {
        let database = try StateDatabase.open(path: scratch.file("state.db"))
        let insert = try database.prepare(
            "INSERT INTO events (time, change_id, task_id, type, payload) VALUES (?, ?, ?, ?, ?)"
        )
        var clock: Int64 = 1_780_000_000_000_000
        for event in events {
            clock += 1_000
            try insert.run(Timestamp(microseconds: clock).rfc3339, event.change, event.task, event.type, event.payload)
        }
        return database
    }

    func rebuild(_ database: Connection, folding: Bool) throws -> (tables: [String: [[SQLiteValue]]], statements: Int) {
        let replayer = try Replayer(database: database)
        replayer.projector.changes.foldsEvents = folding
        try replayer.rebuild()
        return (try dumpProjections(database), replayer.projector.changes.eventsAppliedWithStatements)
    }

    @Test("folding gives the same tables as the statements, for every payload shape")
    func foldingMatchesStatements() throws {
        let database = try writeLog(Self.ordinaryEvents + Self.unusualEvents + Self.ordinaryEvents.map(Self.shifted))
        let folded = try rebuild(database, folding: true)
        let applied = try rebuild(database, folding: false)

        #expect(folded.tables == applied.tables)
        #expect(folded.tables["changes"]?.count == 11)
        #expect(folded.tables["tasks"]?.count == 10)
        #expect(folded.tables["task_log"]?.count == 4)
        // Only the unusual events went to their statements when folding.
        #expect(folded.statements == Self.unusualEvents.count)
        #expect(applied.statements == 2 * Self.ordinaryEvents.count + Self.unusualEvents.count - 4)
    }

    @Test("a rebuild stopped at any event gives the same tables as the statements")
    func foldingMatchesStatementsAtEveryEvent() throws {
        let events = Self.ordinaryEvents + Self.unusualEvents
        let database = try writeLog(events)
        for sequence in 1...Int64(events.count) {
            let folded = try Replayer(database: database)
            try folded.rebuild(through: sequence)
            let foldedTables = try dumpProjections(database)
            let applied = try Replayer(database: database)
            applied.projector.changes.foldsEvents = false
            try applied.rebuild(through: sequence)
            #expect(try dumpProjections(database) == foldedTables, "after event \(sequence)")
        }
    }

    @Test("a rebuild keeps only the changes still in flight in memory")
    func memoryFollowsChangesInFlight() throws {
        // 3,000 changes of one task each, every one finished except the last.
        var events: [RawEvent] = []
        for change in Int64(1)...3000 {
            events.append(RawEvent(change: change, type: "change-added", payload: #"{"kind":"k","summary":"s"}"#))
            events.append(
                RawEvent(change: change, task: change, type: "task-added", payload: #"{"kind":"k","summary":"t"}"#)
            )
            if change < 3000 {
                events.append(
                    RawEvent(change: change, task: change, type: "task-status", payload: #"{"status":"Done"}"#)
                )
            }
        }
        let database = try writeLog(events)
        let replayer = try Replayer(database: database)
        #expect(try replayer.rebuild() == events.count)
        #expect(replayer.projector.changes.keptImageCount == 1)
        #expect(replayer.projector.changes.eventsAppliedWithStatements == 0)
        let pending = try database.rows("SELECT id, status, ready FROM changes WHERE ready = 0")
        #expect(pending == [[.integer(3000), .text("Do"), .integer(0)]])
    }

    /// `event` for changes and tasks 100 further on.
    static func shifted(_ event: RawEvent) -> RawEvent {
        var moved = event
        moved.change = event.change.map { $0 + 100 }
        moved.task = event.task.map { $0 + 100 }
        if event.type == "task-added" {
            // Wait-for ids move with the tasks.
            moved.payload = event.payload.replacingWaits { $0 + 100 }
        }
        return moved
    }
}

extension String {
    /// The payload with each id of its `wait-for` list mapped.
    fileprivate func replacingWaits(_ transform: (Int) -> Int) -> String {
        guard let start = range(of: "\"wait-for\""), let open = self[start.upperBound...].firstIndex(of: "["),
            let close = self[open...].firstIndex(of: "]")
        else { return self }
        let ids = self[index(after: open)..<close].split(separator: ",")
            .compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        return String(self[..<open]) + "[" + ids.map { String(transform($0)) }.joined(separator: ",") + "]"
            + String(self[index(after: close)...])
    }
}
