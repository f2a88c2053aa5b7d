/// What a task kind does and how it is undone.
///
/// Handlers must be idempotent: after a crash a task can run again from the start, and
/// an undo can run on work that was only partly done.
public struct TaskHandler: Sendable {
    /// What recovery does with a task of this kind found running after a crash.
    public enum Interruption: Sendable {
        /// Run the task again from the start.
        case rerun
        /// Undo what the task may have done, and undo the rest of its change.
        case undo
    }

    /// The function run to do or to undo a task.
    public typealias Body = @Sendable (TaskContext) async throws -> TaskOutcome

    /// The task kind this handler serves, such as `mount-snap`.
    public let kind: String
    /// What recovery does when a task of this kind was left running.
    public let onInterruption: Interruption
    let perform: Body
    let undo: Body?

    /// Creates a handler.
    ///
    /// - Parameters:
    ///   - kind: The task kind.
    ///   - onInterruption: Recovery policy; `.rerun` unless running twice is unsafe.
    ///   - perform: Does the task. Throwing fails the task and undoes its change.
    ///   - undo: Reverts the task; nil when there is nothing to revert.
    public init(
        kind: String,
        onInterruption: Interruption = .rerun,
        perform: @escaping Body,
        undo: Body? = nil
    ) {
        self.kind = kind
        self.onInterruption = onInterruption
        self.perform = perform
        self.undo = undo
    }
}

/// How a handler finished without failing.
public enum TaskOutcome: Sendable, Equatable {
    /// The work is complete.
    case done
    /// The work could not proceed now; run the handler again after `after`.
    case retry(after: Duration, reason: String)
    /// The work is complete but waits for something outside the engine (a restart, say);
    /// ``Engine/resume(task:)`` finishes it.
    case wait(reason: String)
}
