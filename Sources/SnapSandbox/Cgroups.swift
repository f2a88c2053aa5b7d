/// The cgroup a launched app is tracked and limited in.
///
/// On cgroup v2 (and the v2 part of a hybrid host) a tracking group
/// `snap.NAME.APP-<uuid>.scope`; on v1 controllers the `freezer/snap.NAME`,
/// `devices/snap.NAME.APP` and `pids`/`memory` groups, with snapd's names.
public struct TrackingGroup: Sendable {
    /// Every group directory the process was moved into.
    public var directories: [String]

    /// Creates (or reuses) the groups for `tag`, applies the limits where the host allows,
    /// and moves process `pid` into them.
    public static func join(
        tag: SecurityTag,
        pid: Int32,
        pidsMax: Int?,
        memoryMax: Int?,
        restrictDevices: Bool
    ) throws(SandboxError) -> TrackingGroup {
        throw SandboxError("cgroup tracking is not built yet")
    }
}
