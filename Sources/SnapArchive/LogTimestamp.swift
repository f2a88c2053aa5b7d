import Glibc

/// The timestamp Go's standard logger puts before each line, which snapd's messages carry:
/// local time as `YYYY/MM/DD HH:MM:SS.uuuuuu`.
enum LogTimestamp {
    /// The current time in that format (`clock_gettime(2)`, `localtime_r(3)`).
    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        localtime_r(&seconds, &parts)

        let date = "\(parts.tm_year + 1900)/\(padded(parts.tm_mon + 1, 2))/\(padded(parts.tm_mday, 2))"
        let time = "\(padded(parts.tm_hour, 2)):\(padded(parts.tm_min, 2)):\(padded(parts.tm_sec, 2))"
        return "\(date) \(time).\(padded(Int32(spec.tv_nsec / 1000), 6))"
    }

    private static func padded(_ value: Int32, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
