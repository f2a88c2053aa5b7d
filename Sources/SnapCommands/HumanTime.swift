#if canImport(Glibc)
import Glibc
#endif

/// Times as the real client shows them: RFC 3339 text from the daemon, shown relative to
/// today in the local time zone (`today at 16:03 UTC`, `yesterday at ...`,
/// `3 days ago, at ...`, `in 2 days, at ...`), or as a date past 60 days; or absolute.
///
/// Local time comes from the C library (localtime_r(3), strftime(3)), which honours `TZ`
/// without loading Foundation.
struct HumanTime {
    /// Seconds since the epoch.
    let seconds: Int
    /// The text as the daemon sent it, minus fractional seconds, for absolute display.
    let text: String

    /// Parses `2026-12-03T16:03:23.327945Z` or `...+01:00`; nil for anything else.
    init?(rfc3339 text: String) {
        let scalars = Array(text.utf8)
        guard scalars.count >= 20, scalars[4] == UInt8(ascii: "-"), scalars[10] == UInt8(ascii: "T") else {
            return nil
        }
        func number(_ start: Int, _ length: Int) -> Int? {
            guard start + length <= scalars.count else { return nil }
            var value = 0
            for byte in scalars[start..<start + length] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2)
        else { return nil }

        // Skip the fraction, then read the zone.
        var index = 19
        if index < scalars.count, scalars[index] == UInt8(ascii: ".") {
            index += 1
            while index < scalars.count, scalars[index] >= 48, scalars[index] <= 57 { index += 1 }
        }
        guard index < scalars.count else { return nil }
        var offset = 0
        var zone = "Z"
        if scalars[index] == UInt8(ascii: "+") || scalars[index] == UInt8(ascii: "-") {
            guard let hours = number(index + 1, 2), let minutes = number(index + 4, 2) else { return nil }
            offset = (hours * 3600 + minutes * 60) * (scalars[index] == UInt8(ascii: "-") ? -1 : 1)
            zone = String(decoding: scalars[index..<index + 6], as: UTF8.self)
        } else if scalars[index] != UInt8(ascii: "Z") {
            return nil
        }

        var fields = tm()
        fields.tm_year = Int32(year - 1900)
        fields.tm_mon = Int32(month - 1)
        fields.tm_mday = Int32(day)
        fields.tm_hour = Int32(hour)
        fields.tm_min = Int32(minute)
        fields.tm_sec = Int32(second)
        seconds = Int(timegm(&fields)) - offset
        self.text = String(decoding: scalars[0..<19], as: UTF8.self) + zone
    }

    /// `2026-12-03T16:03:23Z`: RFC 3339 in the zone the daemon used, without fractions.
    var absolute: String { text }

    /// Relative to `now`, in local time.
    func relative(to now: Int) -> String {
        let days = Self.localDayNumber(seconds) - Self.localDayNumber(now)
        let clock = Self.format(seconds, "%H:%M %Z")
        switch days {
        case ..<(-60), 61...: return Self.format(seconds, "%Y-%m-%d")
        case ..<(-1): return "\(-days) days ago, at \(clock)"
        case -1: return "yesterday at \(clock)"
        case 0: return "today at \(clock)"
        case 1: return "tomorrow at \(clock)"
        default: return "in \(days) days, at \(clock)"
        }
    }

    /// The current time in seconds since the epoch.
    static func now() -> Int {
        Int(time(nil))
    }

    /// The number of the local calendar day that contains `seconds`.
    private static func localDayNumber(_ seconds: Int) -> Int {
        var clock = time_t(seconds)
        var fields = tm()
        localtime_r(&clock, &fields)
        var midnight = tm()
        midnight.tm_year = fields.tm_year
        midnight.tm_mon = fields.tm_mon
        midnight.tm_mday = fields.tm_mday
        return Int(timegm(&midnight)) / 86_400
    }

    /// `seconds` in local time through strftime(3).
    private static func format(_ seconds: Int, _ pattern: String) -> String {
        var clock = time_t(seconds)
        var fields = tm()
        localtime_r(&clock, &fields)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, pattern, &fields)
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
