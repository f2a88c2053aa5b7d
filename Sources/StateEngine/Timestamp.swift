#if canImport(Glibc)
import Glibc
#endif

/// A point in time with microsecond precision, written as RFC 3339 in UTC.
///
/// Event times are stored as text of fixed width (`2026-12-03T16:03:23.327945Z`), so
/// comparing the text compares the times; that is what `--until TIME` relies on.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Microseconds since the Unix epoch.
    public let microseconds: Int64

    public init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    /// The current wall-clock time (clock_gettime(2), CLOCK_REALTIME).
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(microseconds: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.microseconds < rhs.microseconds }

    /// This time plus `duration`.
    public func adding(_ duration: Duration) -> Timestamp {
        let (seconds, attoseconds) = duration.components
        return Timestamp(microseconds: microseconds + seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
    }

    /// RFC 3339 in UTC with six fractional digits.
    public var rfc3339: String {
        var seconds = time_t(microseconds.floorDivided(by: 1_000_000))
        let fraction = Int(microseconds - Int64(seconds) * 1_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return Timestamp.digits(Int(parts.tm_year) + 1900, 4) + "-" + Timestamp.digits(Int(parts.tm_mon) + 1, 2) + "-"
            + Timestamp.digits(Int(parts.tm_mday), 2) + "T" + Timestamp.digits(Int(parts.tm_hour), 2) + ":"
            + Timestamp.digits(Int(parts.tm_min), 2) + ":" + Timestamp.digits(Int(parts.tm_sec), 2) + "."
            + Timestamp.digits(fraction, 6) + "Z"
    }

    /// RFC 3339 in UTC without fractional seconds, as task log lines show it.
    public var rfc3339Seconds: String {
        String(rfc3339.prefix(19)) + "Z"
    }

    public var description: String { rfc3339 }

    /// Parses RFC 3339 text: `YYYY-MM-DDTHH:MM:SS`, optional fraction, then `Z` or `±HH:MM`.
    public init?(rfc3339 text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard bytes[index] >= 48 && bytes[index] <= 57 else { return nil }
                value = value * 10 + Int(bytes[index] - 48)
            }
            return value
        }
        guard bytes[4] == 45, bytes[7] == 45, bytes[10] == 84 || bytes[10] == 116 || bytes[10] == 32,
            bytes[13] == 58, bytes[16] == 58,
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }

        // The fraction, truncated to microseconds.
        var index = 19
        var fraction: Int64 = 0
        if bytes[index] == 46 {
            index += 1
            var scale: Int64 = 100_000
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                fraction += Int64(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }

        // The zone: Z, or an offset to subtract.
        var offsetSeconds = 0
        guard index < bytes.count else { return nil }
        if bytes[index] == 90 || bytes[index] == 122 {
            guard index + 1 == bytes.count else { return nil }
        } else {
            guard bytes.count == index + 6, bytes[index] == 43 || bytes[index] == 45, bytes[index + 3] == 58,
                let hours = number(index + 1..<index + 3), let minutes = number(index + 4..<index + 6)
            else { return nil }
            offsetSeconds = (hours * 3600 + minutes * 60) * (bytes[index] == 43 ? 1 : -1)
        }

        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        var normalized = time_t(timegm(&parts))
        // timegm(3) rolls a day past the month's end into the next month; refuse such dates.
        var check = tm()
        gmtime_r(&normalized, &check)
        guard check.tm_mday == Int32(day), check.tm_mon == Int32(month - 1) else { return nil }
        let seconds = Int64(normalized) - Int64(offsetSeconds)
        self.init(microseconds: seconds * 1_000_000 + fraction)
    }

    private static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
