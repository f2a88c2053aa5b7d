import CSnapShim

#if canImport(Glibc)
import Glibc
#endif

/// The cgroup a launched app is tracked and limited in.
///
/// On cgroup v2 (and the v2 part of a hybrid host) a tracking group
/// `snap.NAME.APP-<uuid>.scope` under `snap.slice`, which the launcher owns because no
/// systemd makes scopes; on v1 controllers the `freezer/snap.NAME`,
/// `devices/snap.NAME.APP` and `pids`/`memory` groups, with snapd's names. NAME is the
/// instance name (`NAME_KEY` for a parallel install). docs/landlock-and-cgroups.md lists
/// the files written per hierarchy.
public struct TrackingGroup: Sendable {
    /// How the host mounts cgroups.
    public enum Hierarchy: Sendable, Equatable {
        /// cgroup v2 alone at /sys/fs/cgroup.
        case unified
        /// v1 controllers at /sys/fs/cgroup/*, v2 (no controllers) at /sys/fs/cgroup/unified.
        case hybrid
        /// v1 controllers only.
        case legacy
    }

    /// Every group directory the process was moved into.
    public var directories: [String]
    /// The v2 tracking group, or nil on a v1-only host.
    public var scopeDirectory: String?
    /// Whether the device allow list is in force (v1 devices controller). False when it
    /// was not asked for, and on unified v2 hosts, where it would need an eBPF device
    /// program this module does not load: the launcher decides whether to run anyway.
    public var restrictsDevices: Bool

    /// Where cgroup filesystems are mounted.
    public static let mountPoint = "/sys/fs/cgroup"
    /// The parent of the v2 tracking groups, below the v2 root.
    public static let sliceName = "snap.slice"

    /// Detects the hierarchy from the filesystem types at /sys/fs/cgroup and
    /// /sys/fs/cgroup/unified.
    public static func detectHierarchy() throws(SandboxError) -> Hierarchy {
        let rootType = try filesystemType(mountPoint)
        if rootType == cgroup2Magic { return .unified }
        if rootType == tmpfsMagic, (try? filesystemType("\(mountPoint)/unified")) == cgroup2Magic { return .hybrid }
        return .legacy
    }

    /// The v2 root for this host, or nil on a v1-only host.
    public static func unifiedRoot(_ hierarchy: Hierarchy) -> String? {
        switch hierarchy {
        case .unified: mountPoint
        case .hybrid: "\(mountPoint)/unified"
        case .legacy: nil
        }
    }

    /// Creates (or reuses) the groups for `tag`, applies the limits where the host allows,
    /// and moves process `pid` into them.
    ///
    /// Call with the snap's launch lock held: the app's empty scopes are removed first.
    ///
    /// `restrictDevices` applies the default device allow list: on v1 through the devices
    /// controller, on unified v2 as an eBPF device program attached to the scope
    /// (``restrictDevices(ofGroup:)``). Limits a host cannot apply (its
    /// pids or memory controller is not mounted, or not offered to v2 groups) are left out.
    public static func join(
        tag: SecurityTag,
        pid: Int32,
        pidsMax: Int?,
        memoryMax: Int?,
        restrictDevices: Bool
    ) throws(SandboxError) -> TrackingGroup {
        let hierarchy = try detectHierarchy()
        var group = TrackingGroup(directories: [], scopeDirectory: nil, restrictsDevices: false)

        if hierarchy != .unified {
            try group.joinLegacy(
                tag: tag,
                pid: pid,
                pidsMax: pidsMax,
                memoryMax: memoryMax,
                restrictDevices: restrictDevices
            )
        }

        if let root = unifiedRoot(hierarchy) {
            // Earlier launches of the app leave their scopes behind when their processes
            // end, and no systemd reaps them: the empty ones go before a new one is made.
            let slice = "\(root)/\(sliceName)"
            for name in subdirectories(of: slice)
            where name.hasPrefix("\(tag.description)-") && name.hasSuffix(".scope") {
                removeIfEmpty("\(slice)/\(name)")
            }

            // On a hybrid host the v2 tree only tracks: the limits live in the v1 groups.
            let isUnified = hierarchy == .unified
            let scope = try createScope(
                root: root,
                tag: tag,
                pidsMax: isUnified ? pidsMax : nil,
                memoryMax: isUnified ? memoryMax : nil,
                enablesControllers: isUnified
            )
            do {
                if isUnified && restrictDevices {
                    try Self.restrictDevices(ofGroup: scope)
                    group.restrictsDevices = true
                }
                try movePid(pid, into: scope)
            } catch {
                _ = rmdir(scope)
                throw error
            }
            group.scopeDirectory = scope
            group.directories.append(scope)
        }
        return group
    }

    /// Whether any process runs in any of the snap's groups: the v1 freezer group
    /// `snap.NAME`, or a v2 group under `snap.slice` whose name starts with `snap.NAME.`.
    public static func isRunning(snapName: String) -> Bool {
        let freezer = "\(mountPoint)/freezer/snap.\(snapName)"
        if hasProcesses(freezer) { return true }
        guard let hierarchy = try? detectHierarchy(), let root = unifiedRoot(hierarchy) else { return false }
        let slice = "\(root)/\(sliceName)"
        return groupNames(in: slice, of: snapName).contains { hasProcesses("\(slice)/\($0)") }
    }

    /// Removes the snap's groups that hold no process: its v2 scopes, and its v1 freezer,
    /// pids, memory and devices groups. Nothing else reaps them without systemd. Call with
    /// the snap's launch lock held, so no other launcher is between creating a group and
    /// joining it. Groups still in use are left alone.
    public static func removeEmptyGroups(snapName: String) {
        if let hierarchy = try? detectHierarchy(), let root = unifiedRoot(hierarchy) {
            let slice = "\(root)/\(sliceName)"
            for name in groupNames(in: slice, of: snapName) where name.hasSuffix(".scope") {
                removeIfEmpty("\(slice)/\(name)")
            }
        }
        removeIfEmpty("\(mountPoint)/freezer/snap.\(snapName)")
        for controller in ["pids", "memory", "devices"] {
            let directory = "\(mountPoint)/\(controller)"
            for name in groupNames(in: directory, of: snapName) {
                removeIfEmpty("\(directory)/\(name)")
            }
        }
    }

    /// Attaches to the v2 group at `directory` an eBPF device program allowing exactly
    /// ``defaultDeviceRules()``: its processes get EPERM opening any other device node.
    public static func restrictDevices(ofGroup directory: String) throws(SandboxError) {
        var rules: [csnap_device_rule] = []
        for rule in defaultDeviceRules() {
            // "c MAJOR:MINOR rwm", with "*" for any minor.
            let fields = rule.split(separator: " ")
            let numbers = fields.count == 3 ? fields[1].split(separator: ":") : []
            guard numbers.count == 2, let type = fields[0].utf8.first, let major = UInt32(numbers[0]) else {
                throw SandboxError("cannot read the device rule \"\(rule)\"")
            }
            let minor = numbers[1] == "*" ? -1 : Int64(numbers[1]) ?? -2
            guard minor >= -1 else { throw SandboxError("cannot read the device rule \"\(rule)\"") }
            rules.append(csnap_device_rule(type: CChar(bitPattern: type), major: major, minor: minor))
        }
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SandboxError.system("opening the cgroup \(directory)") }
        defer { close(descriptor) }
        guard csnap_cgroup_attach_device_filter(descriptor, rules, rules.count) == 0 else {
            throw SandboxError.system("attaching the device filter to \(directory)")
        }
    }

    // MARK: - v1

    private mutating func joinLegacy(
        tag: SecurityTag,
        pid: Int32,
        pidsMax: Int?,
        memoryMax: Int?,
        restrictDevices: Bool
    ) throws(SandboxError) {
        let app = tag.description
        let v1 = Self.mountPoint

        if restrictDevices {
            guard Self.isMounted("\(v1)/devices") else {
                throw SandboxError("\(app): the devices cgroup controller is not mounted at \(v1)/devices")
            }
            let directory = try Self.makeGroup("\(v1)/devices/\(app)")
            try Self.write("a", to: "\(directory)/devices.deny")
            for rule in Self.defaultDeviceRules() {
                try Self.write(rule, to: "\(directory)/devices.allow")
            }
            try enter(directory, pid: pid)
            restrictsDevices = true
        }
        if let pidsMax, Self.isMounted("\(v1)/pids") {
            let directory = try Self.makeGroup("\(v1)/pids/\(app)")
            try Self.write(String(pidsMax), to: "\(directory)/pids.max")
            try enter(directory, pid: pid)
        }
        if let memoryMax, Self.isMounted("\(v1)/memory") {
            let directory = try Self.makeGroup("\(v1)/memory/\(app)")
            try Self.write(String(memoryMax), to: "\(directory)/memory.limit_in_bytes")
            try enter(directory, pid: pid)
        }
        if Self.isMounted("\(v1)/freezer") {
            try enter(try Self.makeGroup("\(v1)/freezer/snap.\(tag.instanceName)"), pid: pid)
        }
    }

    private mutating func enter(_ directory: String, pid: Int32) throws(SandboxError) {
        try Self.movePid(pid, into: directory)
        directories.append(directory)
    }

    /// The device rules every restricted app gets (c 1:3 null, 1:5 zero, 1:7 full,
    /// 1:8 random, 1:9 urandom, 5:0 tty, 5:1 console, 5:2 ptmx, 136-143 pts), then
    /// /dev/net/tun and /dev/uhid when the host has them.
    static func defaultDeviceRules() -> [String] {
        var rules = ["1:3", "1:5", "1:7", "1:8", "1:9", "5:0", "5:1", "5:2"].map { "c \($0) rwm" }
        rules += (136...143).map { "c \($0):* rwm" }
        for path in ["/dev/net/tun", "/dev/uhid"] {
            var status = stat()
            if stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFCHR {
                rules.append("c \(csnap_major(status.st_rdev)):\(csnap_minor(status.st_rdev)) rwm")
            }
        }
        return rules
    }

    // MARK: - v2

    /// Makes `snap.slice` (on unified hosts enabling pids and memory for its children
    /// where the root offers them) and a new `TAG-<uuid>.scope` in it, with the limits given.
    private static func createScope(
        root: String,
        tag: SecurityTag,
        pidsMax: Int?,
        memoryMax: Int?,
        enablesControllers: Bool
    ) throws(SandboxError) -> String {
        let slice = "\(root)/\(sliceName)"
        _ = try makeGroup(slice)
        if enablesControllers {
            try enableControllers(["pids", "memory"], from: root, in: slice)
        }

        let uuid = try SandboxFile.readText(path: "/proc/sys/kernel/random/uuid", limit: 64)
            .filter { $0 != "\n" }
        let scope = "\(slice)/\(tag.description)-\(uuid).scope"
        guard mkdir(scope, 0o755) == 0 else { throw SandboxError.system("creating the cgroup \(scope)") }

        if let pidsMax, exists("\(scope)/pids.max") {
            try write(String(pidsMax), to: "\(scope)/pids.max")
        }
        if let memoryMax, exists("\(scope)/memory.max") {
            try write(String(memoryMax), to: "\(scope)/memory.max")
        }
        return scope
    }

    /// Turns on, in `slice`'s subtree, the `wanted` controllers the v2 root offers.
    private static func enableControllers(
        _ wanted: [String],
        from root: String,
        in slice: String
    ) throws(SandboxError) {
        let offered = (try? SandboxFile.readText(path: "\(root)/cgroup.controllers", limit: 4096)) ?? ""
        let available = offered.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        let rootControl = "\(root)/cgroup.subtree_control"
        for controller in wanted where available.contains(controller) {
            let enabled = (try? SandboxFile.readText(path: rootControl, limit: 4096)) ?? ""
            if !enabled.split(whereSeparator: { $0 == " " || $0 == "\n" }).contains(Substring(controller)) {
                try write("+\(controller)", to: rootControl)
            }
            try write("+\(controller)", to: "\(slice)/cgroup.subtree_control")
        }
    }

    // MARK: - Files

    static let cgroup2Magic = 0x6367_7270
    static let tmpfsMagic = 0x0102_1994
    static let cgroupMagic = 0x0027_e0eb

    private static func filesystemType(_ path: String) throws(SandboxError) -> Int {
        var type: Int64 = 0
        guard csnap_filesystem_type(path, &type) == 0 else { throw SandboxError.system("statfs \(path)") }
        return Int(type)
    }

    /// Whether a v1 controller hierarchy is mounted at `path`.
    private static func isMounted(_ path: String) -> Bool {
        (try? filesystemType(path)) == cgroupMagic
    }

    private static func makeGroup(_ path: String) throws(SandboxError) -> String {
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw SandboxError.system("creating the cgroup \(path)")
        }
        return path
    }

    private static func movePid(_ pid: Int32, into directory: String) throws(SandboxError) {
        try write(String(pid), to: "\(directory)/cgroup.procs")
    }

    /// Writes `text` to a cgroup file in one write(2), as the kernel wants it.
    public static func write(_ text: String, to path: String) throws(SandboxError) {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SandboxError.system("opening \(path) to write \"\(text)\"") }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw SandboxError.system("writing \"\(text)\" to \(path)") }
    }

    private static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    private static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether the group at `directory` or any group below it holds a process.
    private static func hasProcesses(_ directory: String) -> Bool {
        // A group whose members cannot be read counts as busy: callers only skip work for
        // groups known to be empty.
        guard let procs = try? SandboxFile.readText(path: "\(directory)/cgroup.procs", limit: 1 << 20) else {
            return isDirectory(directory)
        }
        if procs.contains(where: { $0 != "\n" }) { return true }
        return subdirectories(of: directory).contains { hasProcesses("\(directory)/\($0)") }
    }

    /// The groups in `directory` that belong to the snap: `snap.NAME` and `snap.NAME.*`.
    private static func groupNames(in directory: String, of snapName: String) -> [String] {
        subdirectories(of: directory).filter { $0 == "snap.\(snapName)" || $0.hasPrefix("snap.\(snapName).") }
    }

    private static func subdirectories(of directory: String) -> [String] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            guard entry.pointee.d_type == UInt8(DT_DIR) else { continue }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    private static func removeIfEmpty(_ directory: String) {
        guard isDirectory(directory), !hasProcesses(directory) else { return }
        _ = rmdir(directory)
    }
}
