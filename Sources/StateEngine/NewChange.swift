import SnapAPI

/// A change to create: its kind, summary, the snaps it acts on, and its tasks with their
/// wait-for edges.
public struct NewChange: Sendable {
    /// Refers to a task added to this change.
    public struct TaskReference: Sendable, Hashable {
        let index: Int
    }

    struct Task: Sendable {
        var kind: String
        var summary: String
        var data: [String: JSONValue]
        var waitsFor: [Int]
    }

    /// The change kind, such as `install-snap`.
    public var kind: String
    /// A human summary, such as `Install "hello" snap`.
    public var summary: String
    /// Snaps the change acts on: another change in progress on one of them is a conflict.
    public var snapNames: [String]
    /// The change's API data (`snap-name`, `snap-names`...).
    public var data: [String: JSONValue]
    private(set) var tasks: [Task] = []

    public init(kind: String, summary: String, snapNames: [String] = [], data: [String: JSONValue] = [:]) {
        self.kind = kind
        self.summary = summary
        self.snapNames = snapNames
        self.data = data
    }

    /// Adds a task that runs once every task in `waitingFor` is done.
    @discardableResult
    public mutating func addTask(
        kind: String,
        summary: String,
        data: [String: JSONValue] = [:],
        waitingFor: [TaskReference] = []
    ) -> TaskReference {
        tasks.append(Task(kind: kind, summary: summary, data: data, waitsFor: waitingFor.map(\.index)))
        return TaskReference(index: tasks.count - 1)
    }

    /// Makes `task` wait for `other` as well.
    public mutating func addWait(_ task: TaskReference, for other: TaskReference) {
        tasks[task.index].waitsFor.append(other.index)
    }

    /// Checks that every edge names a task of this change and that the edges form no cycle.
    func validate() throws {
        for (index, task) in tasks.enumerated() {
            for target in task.waitsFor where !tasks.indices.contains(target) || target == index {
                throw StateEngineError(.invalidChange, "task \(index + 1) of \"\(summary)\" waits for an invalid task")
            }
        }

        // Kahn's algorithm: whatever cannot be ordered lies on a cycle.
        var remaining = tasks.map { Set($0.waitsFor).count }
        var dependents = Array(repeating: [Int](), count: tasks.count)
        for (index, task) in tasks.enumerated() {
            for target in Set(task.waitsFor) { dependents[target].append(index) }
        }
        var ready = remaining.indices.filter { remaining[$0] == 0 }
        var ordered = 0
        while let next = ready.popLast() {
            ordered += 1
            for dependent in dependents[next] {
                remaining[dependent] -= 1
                if remaining[dependent] == 0 { ready.append(dependent) }
            }
        }
        guard ordered == tasks.count else {
            throw StateEngineError(.invalidChange, "the tasks of \"\(summary)\" wait for each other in a cycle")
        }
    }
}

extension NewChange {
    /// Adds the tasks of `other` with their edges, after this change's own; they wait for
    /// none of this change's tasks. Kind, summary, snap names and data stay this change's.
    public mutating func append(_ other: NewChange) {
        let offset = tasks.count
        for task in other.tasks {
            var moved = task
            moved.waitsFor = task.waitsFor.map { $0 + offset }
            tasks.append(moved)
        }
    }
}
