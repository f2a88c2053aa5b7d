/// Checks a service `timer` schedule in snapd's syntax.
///
/// A schedule is events separated by `,,`; an event is comma-separated weekday
/// items (`mon`, `mon1` for the first Monday, `mon-fri`) and time items (`10:00`,
/// spans `10:00-12:00` or `10:00~12:00`, optionally `/N` runs or `/HH:MM` steps).
/// Only the syntax is checked here; turning a schedule into systemd `OnCalendar=`
/// lines belongs to the services code.
public enum TimerSchedule {
    private static let weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// Validates a schedule.
    ///
    /// - Throws: A reason such as `cannot parse "x": "x" is not a valid weekday`.
    public static func validate(_ schedule: String) throws(SnapYAMLError) {
        for event in split(schedule, on: ",,") {
            do throws(SnapYAMLError) {
                try validateEvent(event)
            } catch {
                throw SnapYAMLError(.definition, "cannot parse \(quoted(event)): \(error.reason)")
            }
        }
    }

    private static func validateEvent(_ event: String) throws(SnapYAMLError) {
        let items = split(event, on: ",")
        guard !items.isEmpty, !event.isEmpty else { throw failure("empty schedule") }
        var sawTime = false
        for item in items {
            if item.contains(":") {
                try validateTimeItem(item)
                sawTime = true
            } else {
                if sawTime { throw failure("weekday \(quoted(item)) must come before times") }
                try validateWeekdayItem(item)
            }
        }
    }

    /// `HH:MM`, or a span with `-` or `~`, with an optional `/N` or `/HH:MM` suffix.
    private static func validateTimeItem(_ item: String) throws(SnapYAMLError) {
        var span = Substring(item)
        if let slash = item.firstIndex(of: "/") {
            span = item[..<slash]
            let step = item[item.index(after: slash)...]
            if step.contains(":") {
                guard parseTime(step) != nil else { throw failure("\(quoted(String(step))) is not a valid interval") }
            } else {
                guard let count = Int(step), count > 0 else {
                    throw failure("\(quoted(String(step))) is not a valid number of occurrences")
                }
            }
            guard span.contains("-") || span.contains("~") else {
                throw failure("\(quoted(item)) is not a valid time span: a step needs a span")
            }
        }
        let ends = span.split(separator: "-", omittingEmptySubsequences: false)
            .flatMap { $0.split(separator: "~", omittingEmptySubsequences: false) }
        guard ends.count <= 2 else { throw failure("\(quoted(item)) is not a valid time span") }
        for end in ends where parseTime(end) == nil {
            throw failure("\(quoted(String(end))) is not a valid time")
        }
    }

    /// Minutes since midnight for `H:MM`/`HH:MM` up to `24:00`, else nil.
    private static func parseTime(_ text: Substring) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            let hours = Int(parts[0]), let minutes = Int(parts[1]),
            parts[0].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isASCII),
            (0...24).contains(hours), (0...59).contains(minutes), hours < 24 || minutes == 0
        else { return nil }
        return hours * 60 + minutes
    }

    /// `mon`, `mon1`..`mon5`, or a range `mon-fri`.
    private static func validateWeekdayItem(_ item: String) throws(SnapYAMLError) {
        let ends = item.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count <= 2 else { throw failure("\(quoted(item)) is not a valid weekday") }
        for end in ends where !isWeekday(end) {
            throw failure("\(quoted(ends.count == 1 ? item : String(end))) is not a valid weekday")
        }
    }

    private static func isWeekday(_ text: Substring) -> Bool {
        let name = text.prefix(3)
        let week = text.dropFirst(3)
        guard weekdays.contains(String(name)) else { return false }
        return week.isEmpty || (week.count == 1 && ("1"..."5").contains(week))
    }

    private static func split(_ text: String, on separator: String) -> [String] {
        text.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
    }

    private static func failure(_ reason: String) -> SnapYAMLError {
        SnapYAMLError(.definition, reason)
    }
}
