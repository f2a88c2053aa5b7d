import Foundation
import SQLite
import Synchronization
import Testing

@testable import StateEngine

/// A rebuild reads the log's text in place and builds an ``Event`` only for the domain
/// projections that declare they need its type; each projection still sees its events in
/// log order, exactly as they were written.
@Suite("Projection event types")
struct ProjectionFilterTests {
    let scratch = ScratchDirectory()

    /// Records every event it is given.
    final class Recorder: Projection {
        let name = "recorder"
        let tables: [String] = []
        let eventTypes: Set<String>?
        let seen = Mutex<[Event]>([])

        init(eventTypes: Set<String>?) { self.eventTypes = eventTypes }

        func apply(_ event: Event, to database: Connection) throws {
            seen.withLock { $0.append(event) }
        }
    }

    /// Every event of the log, as written.
    func loggedEvents(_ database: Connection) throws -> [Event] {
        try database.rows("SELECT seq, time, change_id, task_id, type, payload FROM events ORDER BY seq").map { row in
            guard case .integer(let sequence) = row[0], case .text(let time) = row[1], case .text(let type) = row[4],
                case .text(let payload) = row[5]
            else { throw TestFailure(message: "unexpected row \(row)") }
            var changeID: Int64?
            if case .integer(let id) = row[2] { changeID = id }
            var taskID: Int64?
            if case .integer(let id) = row[3] { taskID = id }
            return Event(
                sequence: sequence,
                time: time,
                changeID: changeID,
                taskID: taskID,
                type: type,
                payload: payload
            )
        }
    }

    @Test("each projection gets the events of its types, in order, with every field as written")
    func projectionsGetTheirTypes() throws {
        let database = try StateDatabase.open(path: scratch.file("state.db"))
        let insert = try database.prepare(
            "INSERT INTO events (time, change_id, task_id, type, payload) VALUES (?, ?, ?, ?, ?)"
        )
        let events: [(Int64?, Int64?, String, String)] = [
            (1, nil, "change-added", #"{"kind":"k","summary":"Ünïcode ✓","snap-names":["a"]}"#),
            (nil, nil, "fact-a", #"{"n":1}"#),
            (1, 1, "task-added", #"{"kind":"k","summary":"t"}"#),
            (1, 1, "task-status", #"{"status":"Doing"}"#),
            (nil, nil, "fact-b", #"{}"#),
            (1, 1, "task-log", #"{"line":"l"}"#),
            (2, nil, "fact-a", #"{"s":"caf\u00e9"}"#),
            (1, 1, "task-status", #"{"status":"Done"}"#),
            // Near the engine's names, but not one of them.
            (1, 1, "task-statuz", #"{}"#),
            (1, 1, "Task-status", #"{}"#),
        ]
        var clock: Int64 = 1_780_000_000_000_000
        for (change, task, type, payload) in events {
            clock += 1_000
            try insert.run(Timestamp(microseconds: clock).rfc3339, change, task, type, payload)
        }
        let logged = try loggedEvents(database)

        let some = Recorder(eventTypes: ["fact-a", "task-status"])
        let every = Recorder(eventTypes: nil)
        let none = Recorder(eventTypes: [])
        let replayer = try Replayer(database: database, projections: [some, every, none])
        #expect(try replayer.rebuild() == events.count)

        #expect(every.seen.withLock { $0 } == logged)
        #expect(some.seen.withLock { $0 } == logged.filter { ["fact-a", "task-status"].contains($0.type) })
        #expect(none.seen.withLock { $0 }.isEmpty)
        // The engine's own tables saw the engine's events only.
        #expect(try database.rows("SELECT status FROM tasks") == [[.text("Done")]])
    }

    @Test("only the engine's own type names are told apart as engine events")
    func engineKinds() {
        for kind in EngineEventKind.allCases {
            #expect(EngineEventKind(kind.name) == kind)
            var name = kind.name
            #expect(EngineEventKind(name.uppercased()) == nil)
            #expect(EngineEventKind(String(name.dropLast())) == nil)
            #expect(EngineEventKind(name + "s") == nil)
            // The same length, one byte changed anywhere.
            name.withUTF8 { bytes in
                for index in bytes.indices {
                    var changed = Array(bytes)
                    changed[index] ^= 0x01
                    #expect(EngineEventKind(String(decoding: changed, as: UTF8.self)) == nil)
                }
            }
        }
        #expect(Set(EngineEventKind.allCases.map(\.name)) == EventType.all)
        #expect(EngineEventKind("") == nil)
        #expect(EngineEventKind("snap-linked") == nil)
    }
}
