#if canImport(Glibc)
import Glibc
#endif

/// Every path the snap system uses, derived from one root directory.
///
/// Programs, tests, demonstrations and benchmarks build one value and take every
/// location from it, so the whole system can run under a scratch root. The root
/// comes from `SNAPPY_GLOBAL_ROOT`, the variable the reference `snap` client also
/// honours, and defaults to `/`.
public struct SnapPaths: Sendable, Equatable {
    /// The root directory every other path lies under, without a trailing slash
    /// (empty for `/`).
    public let root: String

    /// Creates paths under `root`; `/` or an empty string means the real system.
    public init(root: String) {
        var trimmed = root
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.root = trimmed
    }

    /// Paths under `SNAPPY_GLOBAL_ROOT` when set, else under `/`.
    public static func fromEnvironment() -> SnapPaths {
        guard let value = getenv("SNAPPY_GLOBAL_ROOT") else { return SnapPaths(root: "/") }
        return SnapPaths(root: String(cString: value))
    }

    /// Joins `path` (absolute, as on a real system) to the root.
    public func under(_ path: String) -> String { root + path }

    /// Where snaps are mounted: `/snap`.
    public var snapMountDirectory: String { under("/snap") }
    /// Wrappers for snap applications: `/snap/bin`.
    public var snapBinDirectory: String { under("/snap/bin") }
    /// The daemon's own state: `/var/lib/snapd`.
    public var snapdStateDirectory: String { under("/var/lib/snapd") }
    /// The event log and its projections, one SQLite database.
    public var stateDatabase: String { under("/var/lib/snapd/state.db") }
    /// Copies of installed snap files: `/var/lib/snapd/snaps`.
    public var snapBlobDirectory: String { under("/var/lib/snapd/snaps") }
    /// Written while the daemon restarts, read by clients: `/var/lib/snapd/maintenance.json`.
    public var maintenanceFile: String { under("/var/lib/snapd/maintenance.json") }
    /// Per-snap system data: `/var/snap`.
    public var snapDataDirectory: String { under("/var/snap") }
    /// The socket for users and admins.
    public var snapdSocket: String { under("/run/snapd.socket") }
    /// The socket for code inside snaps.
    public var snapSocket: String { under("/run/snapd-snap.socket") }
    /// Runtime state shared with snap-confine: `/run/snapd`.
    public var runDirectory: String { under("/run/snapd") }
    /// Kept per-snap mount namespaces: `/run/snapd/ns`.
    public var namespaceDirectory: String { under("/run/snapd/ns") }
    /// Locks snap-confine takes while it builds or joins a namespace: `/run/snapd/lock`.
    public var lockDirectory: String { under("/run/snapd/lock") }
    /// Seccomp profiles, source (`.src`) and compiled (`.bin2`): `/var/lib/snapd/seccomp/bpf`.
    public var seccompDirectory: String { under("/var/lib/snapd/seccomp/bpf") }
    /// Landlock rule files, one per security tag: `/var/lib/snapd/landlock`.
    public var landlockDirectory: String { under("/var/lib/snapd/landlock") }
    /// AppArmor profile sources, one per security tag: `/var/lib/snapd/apparmor/profiles`.
    public var apparmorProfileDirectory: String { under("/var/lib/snapd/apparmor/profiles") }
    /// Mount profiles (`snap.NAME.fstab`): `/var/lib/snapd/mount`.
    public var mountProfileDirectory: String { under("/var/lib/snapd/mount") }
    /// Per-app sandbox descriptions snap-confine reads: `/var/lib/snapd/sandbox`.
    public var sandboxDirectory: String { under("/var/lib/snapd/sandbox") }
}
