/// Failures to inject into task handlers, to prove that a failure at any step is undone.
///
/// A handler whose kind is in ``failing`` fails before doing anything. Failures in the
/// middle of a step are real ones (a full disk during a copy) and are tested as such.
public struct FaultPlan: Sendable {
    /// The task kinds that fail.
    public var failing: Set<String>

    public init(failing: Set<String> = []) {
        self.failing = failing
    }

    /// Reads a comma-separated list of task kinds, such as `mount-snap,link-snap` (the daemon
    /// takes it from `SNAPD_INJECT_FAULTS` for fault-injection runs).
    public init(parsing text: String) {
        self.init(failing: Set(text.split(separator: ",").map(String.init)))
    }
}

/// The error an injected fault throws.
struct InjectedFault: Error, CustomStringConvertible {
    let kind: String
    var description: String { "injected failure in \(kind)" }
}
