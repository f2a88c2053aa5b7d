/// Facts about the daemon that every reply envelope reports, whatever the request was:
/// a pending restart (`maintenance`) and unacknowledged warnings (`warning-count`,
/// `warning-timestamp`).
public struct DaemonNotes: Sendable, Hashable {
    /// A pending `daemon-restart` or `system-restart`, or nil.
    public var maintenance: APIError?
    /// How many warnings the user has not acknowledged.
    public var warningCount: Int
    /// RFC 3339 time of the newest unacknowledged warning; sent with a count above zero.
    public var warningTimestamp: String?

    /// Creates notes; the default says nothing.
    public init(maintenance: APIError? = nil, warningCount: Int = 0, warningTimestamp: String? = nil) {
        self.maintenance = maintenance
        self.warningCount = warningCount
        self.warningTimestamp = warningTimestamp
    }
}
