/// The status of a task, and of a change (derived from its tasks).
///
/// The strings are the ones the REST API and the `snap` client use.
public enum TaskStatus: String, Sendable, CaseIterable, Codable {
    case `default` = "Default"
    case hold = "Hold"
    case `do` = "Do"
    case doing = "Doing"
    case done = "Done"
    case abort = "Abort"
    case undo = "Undo"
    case undoing = "Undoing"
    case undone = "Undone"
    case error = "Error"
    case wait = "Wait"

    /// True for final statuses: nothing more will happen to a task in them.
    public var isReady: Bool {
        switch self {
        case .done, .undone, .hold, .error: true
        default: false
        }
    }

    /// The order in which task statuses decide a change's status: the first one present
    /// among the change's tasks wins.
    static let changePrecedence: [TaskStatus] = [
        .abort, .undoing, .undo, .doing, .do, .wait, .error, .undone, .done, .hold,
    ]

    /// The status of a change whose tasks have `statuses`; a change without tasks is on Hold.
    public static func derived<Statuses: Sequence>(from statuses: Statuses) -> TaskStatus
    where Statuses.Element == TaskStatus {
        var present = Set<TaskStatus>()
        for status in statuses { present.insert(status) }
        return changePrecedence.first { present.contains($0) } ?? .hold
    }
}
