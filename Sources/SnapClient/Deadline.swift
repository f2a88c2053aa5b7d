#if canImport(Glibc)
import Glibc
#endif

/// A point on the monotonic clock (clock_gettime(2) `CLOCK_MONOTONIC`) by which an
/// operation must finish.
struct Deadline: Sendable {
    private let nanoseconds: UInt64

    /// The deadline `seconds` from now.
    init(secondsFromNow seconds: Double) {
        nanoseconds = Deadline.now() &+ UInt64(max(0, seconds) * 1_000_000_000)
    }

    /// Milliseconds left, at least 0, for poll(2).
    var remainingMilliseconds: Int32 {
        let now = Deadline.now()
        guard nanoseconds > now else { return 0 }
        return Int32(clamping: (nanoseconds - now) / 1_000_000)
    }

    /// Whether the deadline has passed.
    var hasPassed: Bool { Deadline.now() >= nanoseconds }

    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
