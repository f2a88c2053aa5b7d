import CSnapShim
import SnapPaths
import SnapSandbox

#if canImport(Glibc)
import Glibc
#endif

/// One launch: checks, then the namespace, cgroup and confinement, then snap-exec.
/// docs/snap-confine.md gives the order of steps and the reasons.
struct Launcher {
    let arguments: LaunchArguments
    let paths: SnapPaths
    let caller: Caller

    var tag: SecurityTag { arguments.tag }

    func run() throws(SandboxError) -> Never {
        guard geteuid() == 0 else {
            throw SandboxError("snap-confine must run with effective uid 0 (installed setuid root)")
        }
        // Files made from here on (anchor, locks, kept-namespace files) belong to root:root.
        // (gid_t.max is -1: the real and saved gids stay the caller's until the switch.)
        guard csnap_setresgid(gid_t.max, 0, gid_t.max) == 0 else { throw SandboxError.system("cannot set gid 0") }
        let savedUmask = umask(0)
        let workingDirectory = Self.currentDirectory()
        try Self.requireTrustedRoot(paths.root)
        let programs = try InstalledPrograms.open(snapExec: arguments.snapExec)
        let description = try readDescription()

        if description.confinement == .classic {
            try caller.become()
            try Capabilities.clearAll()
            umask(savedUmask)
            try Executor.execute(programs.snapExecDescriptor, arguments: [arguments.snapExec] + arguments.program)
        }

        let seccomp = try readSeccomp()
        let landlock = try readLandlock()
        try enterSnapNamespace(description: description, programs: programs)
        let program = programs.descriptorInsideSandbox(snapExec: arguments.snapExec)
        try confine(seccomp: seccomp, landlock: landlock, devmode: description.confinement == .devmode)
        Self.restoreDirectory(workingDirectory)
        umask(savedUmask)
        try Executor.execute(
            program,
            arguments: [arguments.snapExec] + arguments.program,
            environment: Executor.sandboxEnvironment()
        )
    }

    // MARK: - Checks

    /// The launch description of the tag, which must agree with the command line and with
    /// `SNAP_INSTANCE_NAME`.
    func readDescription() throws(SandboxError) -> LaunchDescription {
        let path = "\(paths.sandboxDirectory)/\(tag)"
        let status = System.linkStatus(path)
        if let status, status.st_uid != 0 || status.st_mode & 0o022 != 0 {
            throw SandboxError("\(path) must be owned by root and not writable by group or others")
        }
        let description = try LaunchDescription.read(path: path)
        guard try description.securityTag() == tag else {
            throw SandboxError("\(path) describes \(try description.securityTag()), not \(tag)")
        }
        if let instance = System.environment("SNAP_INSTANCE_NAME"), instance != tag.instanceName {
            throw SandboxError("SNAP_INSTANCE_NAME is \"\(instance)\" but the security tag is \(tag)")
        }
        guard arguments.classic == (description.confinement == .classic) else {
            throw SandboxError(
                "\(tag) has \(description.confinement.rawValue) confinement; --classic "
                    + (arguments.classic ? "is not allowed" : "is required")
            )
        }
        let target = arguments.program[0]
        if !tag.isHook, !target.hasPrefix("-"), target != tag.instanceName, !target.hasPrefix(tag.instanceName + ".") {
            throw SandboxError("\(target) is not an app of \(tag.instanceName) (security tag \(tag))")
        }
        if let base = arguments.base, base != description.base {
            throw SandboxError("--base \(base) does not match the base \"\(description.base)\" in \(path)")
        }
        if description.confinement != .classic, description.base.isEmpty {
            throw SandboxError("\(path): a \(description.confinement.rawValue) snap needs a base")
        }
        return description
    }

    /// Every directory from `/` down to `root` must be root-owned and not a symlink; the
    /// ones above `root` may be writable by others only with the sticky bit (as /tmp is),
    /// `root` itself not at all: an ordinary user must not be able to point the launcher
    /// at a tree they control.
    static func requireTrustedRoot(_ root: String) throws(SandboxError) {
        let components = root.split(separator: "/").map(String.init)
        var prefix = ""
        for (index, component) in ([""] + components).enumerated() {
            if !component.isEmpty { prefix += "/" + component }
            let path = prefix.isEmpty ? "/" : prefix
            guard let status = System.linkStatus(path), (status.st_mode & S_IFMT) == S_IFDIR else {
                throw SandboxError("the root \(root) is not usable: \(path) is not a directory")
            }
            let writable = status.st_mode & 0o022 != 0
            let isRoot = index == components.count
            guard status.st_uid == 0, !writable || (!isRoot && status.st_mode & S_ISVTX != 0) else {
                throw SandboxError(
                    "the root \(root) is not trusted: \(path) is not owned by root or is writable by others"
                )
            }
        }
    }

    func readSeccomp() throws(SandboxError) -> SeccompFilterFile {
        try SeccompFilterFile.read(path: "\(paths.seccompDirectory)/\(tag).bin2")
    }

    func readLandlock() throws(SandboxError) -> LandlockRules {
        try LandlockRules.read(path: "\(paths.landlockDirectory)/\(tag)")
    }

    // MARK: - Namespace

    /// Joins the snap's kept namespace or builds a new one, under the global and per-snap
    /// locks, after joining the tracking cgroup.
    func enterSnapNamespace(description: LaunchDescription, programs: InstalledPrograms) throws(SandboxError) {
        for directory in [paths.under("/run"), paths.runDirectory, paths.namespaceDirectory, paths.lockDirectory] {
            try System.makeDirectories(directory, mode: 0o755)
            try System.requireRootDirectory(directory)
        }
        let globalLock = try SandboxLock.acquire(path: paths.lockDirectory + "/.lock")
        defer { globalLock.release() }
        try makeNamespaceDirectoryPrivate()
        let namespace = MountNamespace(instanceName: tag.instanceName, paths: paths)
        let snapLock = try SandboxLock.acquire(path: namespace.lockFile)
        defer { snapLock.release() }

        try joinTrackingGroup(description)
        // A scratch root may have no /tmp yet (a real system always has one): made as the
        // system's, sticky and writable by all.
        let rootTmp = paths.under("/tmp")
        if mkdir(rootTmp, 0o1777) == 0 { chmod(rootTmp, 0o1777) }
        let privateTmp = try PrivateTmp.open(
            anchor: PrivateTmp.anchorPath(paths: paths),
            instanceName: tag.instanceName
        )
        defer { close(privateTmp) }

        let base = description.base
        let baseDirectory = base == "bare" ? nil : "\(paths.snapMountDirectory)/\(base)/current"
        let info = try Self.describeBase(name: base, directory: baseDirectory)
        if try join(namespace, expecting: info) { return }

        // Detached copies made here, in the outer namespace, are attached in the new one.
        let launcherMount = try System.cloneMount(programs.directoryDescriptor, name: programs.directory)
        defer { close(launcherMount) }
        let tmpMount = try System.cloneMount(privateTmp, name: "the private /tmp of \(tag.instanceName)")
        defer { close(tmpMount) }
        let root = SandboxRoot(
            paths: paths,
            snapName: tag.snapName,
            instanceKey: tag.instanceKey,
            baseName: base,
            baseDirectory: baseDirectory,
            launcherDirectoryMount: launcherMount,
            privateTmpMount: tmpMount
        )
        try build(namespace, info: info, root: root)
    }

    /// `$ROOT/run/snapd/ns` as a private mount of its own, so nsfs mounts in it do not
    /// propagate (and loop) into other namespaces.
    func makeNamespaceDirectoryPrivate() throws(SandboxError) {
        let directory = Self.realPath(paths.namespaceDirectory)
        if let entry = MountInfo.topmost(at: directory, in: try MountInfo.current()) {
            guard entry.isShared || entry.optionalFields.contains(where: { $0.hasPrefix("master:") }) else { return }
        } else {
            try System.mount(directory, on: directory, flags: UInt(MS_BIND))
        }
        try System.mount(nil, on: directory, flags: UInt(MS_PRIVATE))
    }

    func joinTrackingGroup(_ description: LaunchDescription) throws(SandboxError) {
        _ = try TrackingGroup.join(
            tag: tag,
            pid: getpid(),
            pidsMax: description.pidsMax,
            memoryMax: description.memoryMax,
            restrictDevices: description.confinement == .strict
        )
    }

    /// What the namespace is built from now: the base's name and root directory identity.
    static func describeBase(name: String, directory: String?) throws(SandboxError) -> NamespaceInfo {
        guard let directory else { return NamespaceInfo(baseSnapName: name, baseDevice: 0, baseInode: 0) }
        guard let status = System.status(directory), (status.st_mode & S_IFMT) == S_IFDIR else {
            throw SandboxError("the base snap \"\(name)\" is not installed: \(directory) is not a directory")
        }
        return NamespaceInfo(baseSnapName: name, baseDevice: UInt64(status.st_dev), baseInode: UInt64(status.st_ino))
    }

    /// Enters the kept namespace if there is one and it was built from the same base;
    /// discards a stale one. Returns whether it joined.
    func join(_ namespace: MountNamespace, expecting info: NamespaceInfo) throws(SandboxError) -> Bool {
        guard namespace.isKept else { return false }
        let recorded = try? NamespaceInfo(
            parsing: SandboxFile.readText(path: namespace.infoFile, limit: 4096),
            source: namespace.infoFile
        )
        guard recorded == info else {
            try namespace.discardLocked()
            return false
        }
        let outer = try System.open("/proc/self/ns/mnt", flags: O_RDONLY)
        defer { close(outer) }
        let descriptor = try System.open(namespace.namespaceFile, flags: O_RDONLY)
        defer { close(descriptor) }
        guard csnap_setns(descriptor, csnap_clone_newns) == 0 else {
            throw SandboxError.system("cannot join the mount namespace \(namespace.namespaceFile)")
        }

        // Its root must be the base it was recorded with; if not, go back and rebuild.
        if info.baseInode != 0 {
            let status = System.status("/")
            if status.map({ UInt64($0.st_dev) != info.baseDevice || UInt64($0.st_ino) != info.baseInode }) ?? true {
                guard csnap_setns(outer, csnap_clone_newns) == 0 else {
                    throw SandboxError.system("cannot leave the mismatched namespace \(namespace.namespaceFile)")
                }
                try namespace.discardLocked()
                return false
            }
        }
        return true
    }

    /// Builds a new namespace and keeps it at `NAME.mnt` through the capture helper.
    func build(_ namespace: MountNamespace, info: NamespaceInfo, root: SandboxRoot) throws(SandboxError) {
        try System.writeFile(namespace.infoFile, info.rendered())
        let placeholder = try System.open(namespace.namespaceFile, flags: O_RDONLY | O_CREAT | O_NOFOLLOW, mode: 0o600)
        close(placeholder)
        let outerID = try OrderedUnshare.currentNamespaceID()
        let helper = try CaptureHelper.start(target: namespace.namespaceFile)

        let capturable: Bool
        do {
            let entered = try OrderedUnshare.enterNamespace(above: outerID)
            capturable = entered.capturable
            if System.environment("SNAP_CONFINE_DEBUG") == "1" {
                System.printError("snap-confine: debug: new mount namespace after \(entered.attempts) unshare(s)")
            }
            try root.enter()
        } catch {
            helper.finish()
            throw error
        }
        guard capturable else {
            helper.finish()
            System.printError(
                "snap-confine: warning: the mount namespace of \(tag.instanceName) is not kept (id order)"
            )
            return
        }
        let result = helper.capture()
        if result != 0 {
            let reason = String(cString: strerror(result))
            System.printError(
                "snap-confine: warning: cannot keep the mount namespace of \(tag.instanceName): \(reason)"
            )
        }
    }

    // MARK: - Confinement

    /// Landlock, AppArmor or the capability bounding set, the caller's identity, then
    /// seccomp last. In devmode nothing is taken away that the app could be denied for
    /// (the bounding set stays whole, no no_new_privs): its seccomp profile only logs.
    func confine(seccomp: SeccompFilterFile, landlock: LandlockRules, devmode: Bool) throws(SandboxError) {
        let void = "/var/lib/snapd/void"
        if mkdir(void, 0o111) != 0, errno != EEXIST { throw SandboxError.system("cannot create \(void)") }

        let appArmor = AppArmor.isEnabled
        var prepared: PreparedLandlock?
        if landlock.isEnforced {
            if csnap_launcher_landlock_abi() >= 1 {
                prepared = try landlock.prepare(home: caller.home(), uid: caller.uid)
            } else if !appArmor {
                throw SandboxError(
                    "refusing to run \(tag): its Landlock rules are enforced, but this kernel has neither Landlock nor AppArmor"
                )
            }
        }

        if appArmor || devmode {
            // No no_new_privs (it would block the profile change at exec): keep CAP_SYS_ADMIN
            // across the uid change to load Landlock and seccomp, then drop it.
            if appArmor { try AppArmor.changeProfileOnExec(tag.description) }
            guard csnap_set_keep_capabilities(1) == 0 else { throw SandboxError.system("cannot keep capabilities") }
            try caller.become()
            guard csnap_keep_only_capability(Capabilities.systemAdministration) == 0 else {
                throw SandboxError.system("cannot keep CAP_SYS_ADMIN")
            }
            try prepared?.restrictSelf()
            try seccomp.load()
            try Capabilities.clearAll()
        } else {
            try Capabilities.dropBoundingSetAndSetNoNewPrivileges()
            try caller.become()
            try Capabilities.clearAll()
            try prepared?.restrictSelf()
            try seccomp.load()
        }
    }

    // MARK: - Working directory

    static func currentDirectory() -> String? {
        guard let directory = getcwd(nil, 0) else { return nil }
        defer { free(directory) }
        return String(cString: directory)
    }

    /// The caller's directory by path inside the sandbox, else `/var/lib/snapd/void`.
    static func restoreDirectory(_ path: String?) {
        if let path, chdir(path) == 0 { return }
        if chdir("/var/lib/snapd/void") != 0 { _ = chdir("/") }
    }

    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
