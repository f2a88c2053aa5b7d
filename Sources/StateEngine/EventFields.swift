/// One event as the projections of the engine read it: its numbers, and its time and payload
/// as UTF-8 bytes read in place (from the log's row during a rebuild, or from an ``Event``),
/// so that folding builds strings only for the values it keeps.
///
/// The bytes are valid only during the call the fields are passed to.
struct EventFields {
    var sequence: Int64
    var changeID: Int64?
    var taskID: Int64?
    /// Which of the engine's own types the event has; nil for a domain fact.
    var kind: EngineEventKind?
    var time: UnsafeBufferPointer<UInt8>
    var payload: UnsafeBufferPointer<UInt8>

    /// The time as text, as ``Event/time`` holds it.
    var timeText: String { String(decoding: time, as: UTF8.self) }

    /// The payload as text, as ``Event/payload`` holds it.
    var payloadText: String { String(decoding: payload, as: UTF8.self) }

    /// Calls `body` with the fields of `event`.
    static func with<Result>(_ event: Event, _ body: (EventFields) throws -> Result) rethrows -> Result {
        var time = event.time
        var payload = event.payload
        return try time.withUTF8 { time in
            try payload.withUTF8 { payload in
                try body(
                    EventFields(
                        sequence: event.sequence,
                        changeID: event.changeID,
                        taskID: event.taskID,
                        kind: EngineEventKind(event.type),
                        time: time,
                        payload: payload
                    )
                )
            }
        }
    }
}

/// The engine's own event types (``EventType``), told apart without building a string.
enum EngineEventKind: Int, CaseIterable {
    case changeAdded
    case taskAdded
    case taskStatus
    case taskProgress
    case taskLog
    case taskData
    case changeData
    case changeAbort

    /// The type's name in the log.
    var name: String {
        switch self {
        case .changeAdded: EventType.changeAdded
        case .taskAdded: EventType.taskAdded
        case .taskStatus: EventType.taskStatus
        case .taskProgress: EventType.taskProgress
        case .taskLog: EventType.taskLog
        case .taskData: EventType.taskData
        case .changeData: EventType.changeData
        case .changeAbort: EventType.changeAbort
        }
    }

    init?(_ type: String) {
        var type = type
        guard let kind = type.withUTF8({ Self(utf8: $0) }) else { return nil }
        self = kind
    }

    /// The kind whose name is exactly `bytes`; nil for any other type.
    init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        let candidate: Self
        // The names differ in length or, when as long, in their last letter but one.
        guard bytes.count >= 2 else { return nil }
        switch (bytes.count, bytes[bytes.count - 2]) {
        case (12, UInt8(ascii: "e")): candidate = .changeAdded
        case (10, UInt8(ascii: "e")): candidate = .taskAdded
        case (11, UInt8(ascii: "u")): candidate = .taskStatus
        case (13, UInt8(ascii: "s")): candidate = .taskProgress
        case (8, UInt8(ascii: "o")): candidate = .taskLog
        case (9, UInt8(ascii: "t")): candidate = .taskData
        case (11, UInt8(ascii: "t")): candidate = .changeData
        case (12, UInt8(ascii: "r")): candidate = .changeAbort
        default: return nil
        }
        let matches = Self.names[candidate.rawValue].withUnsafeBufferPointer { name in
            guard name.count == bytes.count else { return false }
            for index in 0..<name.count where name[index] != bytes[index] { return false }
            return true
        }
        guard matches else { return nil }
        self = candidate
    }

    /// Each kind's name as bytes, by raw value.
    private static let names = allCases.map { Array($0.name.utf8) }
}
