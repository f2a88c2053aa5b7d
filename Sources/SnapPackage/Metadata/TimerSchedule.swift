/// Checks a service `timer` schedule in snapd 2.57's syntax.
///
/// A schedule is events separated by `,,`; an event is comma-separated fragments:
/// weekdays first (`mon`, `mon1` for the first Monday, `mon5` for the last, ranges
/// `mon-fri`), then times (`10:00`, spans `10:00-12:00` or `10:00~12:00`, each
/// optionally followed by `/N` for N evenly spaced runs). Only the syntax is checked
/// here; turning a schedule into systemd `OnCalendar=` lines belongs to the
/// services code. Messages are snapd's: `cannot parse "<fragment>": <reason>`.
public enum TimerSchedule {
    private static let weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// Validates a schedule.
    ///
    /// - Throws: A reason such as `cannot parse "x": "x" is not a valid weekday`.
    public static func validate(_ schedule: String) throws(SnapYAMLError) {
        for event in schedule.split(separator: ",,", omittingEmptySubsequences: false) {
            var sawTime = false
            for fragment in event.split(separator: ",", omittingEmptySubsequences: false) {
                if let reason = problem(in: fragment, afterTime: sawTime) {
                    throw SnapYAMLError(.definition, "cannot parse \(quoted(String(fragment))): \(reason)")
                }
                sawTime = sawTime || fragment.contains(":")
            }
        }
    }

    /// The reason a fragment is refused, or nil.
    private static func problem(in fragment: Substring, afterTime: Bool) -> String? {
        if fragment.isEmpty { return "not a valid fragment" }
        if fragment.contains(":") { return timeProblem(fragment) }
        if afterTime { return "invalid schedule fragment" }
        return weekdayProblem(fragment)
    }

    /// A time or span, optionally with `/N`.
    private static func timeProblem(_ fragment: Substring) -> String? {
        var span = fragment
        if let slash = fragment.firstIndex(of: "/") {
            span = fragment[..<slash]
            let count = fragment[fragment.index(after: slash)...]
            guard let number = Int(count), number > 0, count.allSatisfy(\.isASCII) else {
                return "not a valid interval"
            }
        }
        let ends = span.split(omittingEmptySubsequences: false) { $0 == "-" || $0 == "~" }
        guard ends.count <= 2, ends.allSatisfy({ minutes($0) != nil }) else { return "not a valid time" }
        return nil
    }

    /// Minutes since midnight for `H:MM` or `HH:MM` up to `24:00`, else nil.
    private static func minutes(_ text: Substring) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy { ("0"..."9").contains($0) } }),
            let hours = Int(parts[0]), let minutes = Int(parts[1]),
            minutes < 60, hours < 24 || (hours == 24 && minutes == 0)
        else { return nil }
        return hours * 60 + minutes
    }

    /// `mon`, `mon1`..`mon5`, or a range `mon-fri`.
    private static func weekdayProblem(_ fragment: Substring) -> String? {
        let ends = fragment.split(separator: "-", omittingEmptySubsequences: false)
        if ends.count > 2 { return "\(quoted(String(fragment))) is not a valid weekday" }
        for end in ends where !isWeekday(end) {
            return "\(quoted(ends.count == 1 ? String(fragment) : String(end))) is not a valid weekday"
        }
        return nil
    }

    private static func isWeekday(_ text: Substring) -> Bool {
        let week = text.dropFirst(3)
        guard weekdays.contains(String(text.prefix(3))) else { return false }
        return week.isEmpty || (week.count == 1 && ("1"..."5").contains(week))
    }
}
