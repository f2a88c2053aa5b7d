/// Failures and delays to inject into task handlers, to prove that a failure at any step
/// is undone and that a daemon stopped in the middle of a step resumes.
///
/// A handler whose kind is in ``failing`` fails before doing anything; one in
/// ``failingAfterWork`` does its work, cleans it up again through its undo (as a step
/// that fails at its very end must leave nothing behind) and then fails; one in ``slow``
/// waits two seconds first. Failures in the middle of a step are real ones (a full disk
/// during a copy) and are tested as such.
public struct FaultPlan: Sendable {
    /// The task kinds that fail before their work.
    public var failing: Set<String>
    /// The task kinds that fail after their work, undoing it first.
    public var failingAfterWork: Set<String>
    /// The task kinds that wait before doing their work.
    public var slow: Set<String>

    public init(failing: Set<String> = [], failingAfterWork: Set<String> = [], slow: Set<String> = []) {
        self.failing = failing
        self.failingAfterWork = failingAfterWork
        self.slow = slow
    }

    /// Reads a comma-separated list such as `mount-snap,link-snap=after,copy-snap-data=slow`:
    /// a bare kind fails, `KIND=after` fails after its work, `KIND=slow` waits (the daemon
    /// takes it from `SNAPD_INJECT_FAULTS`).
    public init(parsing text: String) {
        self.init()
        for item in text.split(separator: ",") {
            if item.hasSuffix("=slow") {
                slow.insert(String(item.dropLast("=slow".count)))
            } else if item.hasSuffix("=after") {
                failingAfterWork.insert(String(item.dropLast("=after".count)))
            } else {
                failing.insert(String(item))
            }
        }
    }
}

/// The error an injected fault throws.
struct InjectedFault: Error, CustomStringConvertible {
    let kind: String
    var afterWork = false
    var description: String { afterWork ? "injected failure in \(kind) after its work" : "injected failure in \(kind)" }
}
