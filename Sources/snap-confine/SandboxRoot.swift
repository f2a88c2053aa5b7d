import CSnapShim
import SnapPaths
import SnapSandbox

#if canImport(Glibc)
import Glibc
#endif

/// Builds a snap's root inside a fresh mount namespace and changes into it: the base snap,
/// the host directories bound over it, a private `/tmp` and `/dev/pts`, then `pivot_root`.
struct SandboxRoot {
    let paths: SnapPaths
    /// The snap's name and, for a parallel instance, its key (`NAME_KEY`).
    let snapName: String
    let instanceKey: String
    let baseName: String
    /// The base's root on the host (`$ROOT/snap/BASE/current`), or nil for `base: bare`.
    let baseDirectory: String?
    /// A detached bind mount of the launcher's own directory, cloned from the descriptor
    /// opened at start (``System/cloneMount(_:name:)``), attached without any path lookup.
    let launcherDirectoryMount: Int32
    /// A detached bind mount of the snap's private `/tmp`, cloned from the descriptor
    /// ``PrivateTmp`` opened and checked.
    let privateTmpMount: Int32

    /// A host directory bound into the sandbox.
    struct Bind {
        let source: String
        let target: String
        let required: Bool
    }

    /// Host directories, in mount order (docs/snap-confine.md lists them).
    var binds: [Bind] {
        let host = ["/dev", "/etc", "/home", "/root", "/proc", "/sys", "/var/tmp", "/run"]
        let optional = [
            "/var/log", "/media", "/mnt", "/lib/modules", "/lib/firmware", "/usr/src", "/var/lib/extrausers",
        ]
        return host.map { Bind(source: $0, target: $0, required: true) }
            + optional.map { Bind(source: $0, target: $0, required: false) }
            + [
                Bind(source: paths.snapMountDirectory, target: "/snap", required: true),
                Bind(source: paths.snapDataDirectory, target: "/var/snap", required: true),
                Bind(source: paths.snapdStateDirectory, target: "/var/lib/snapd", required: true),
            ]
    }

    /// The directories of a `base: bare` root.
    static let bareMountPoints = [
        "/dev", "/etc", "/home", "/root", "/proc", "/sys", "/tmp", "/var/tmp", "/run", "/var/log", "/media", "/mnt",
        "/snap", "/var/snap", "/var/lib/snapd", "/usr/lib/snapd",
    ]

    /// Builds the root and pivots into it. The caller is in its own new mount namespace.
    func enter() throws(SandboxError) {
        // Nothing mounted from here on propagates back to the host.
        try System.mount(nil, on: "/", flags: UInt(MS_REC | MS_SLAVE))

        // A staging tmpfs over the (root-owned) namespace directory, seen only here.
        let staging = paths.namespaceDirectory
        try System.mount(
            "snap-staging",
            on: staging,
            type: "tmpfs",
            flags: UInt(MS_NOSUID | MS_NODEV),
            data: "mode=0700"
        )
        let scratch = staging + "/root"
        guard mkdir(scratch, 0o755) == 0 else { throw SandboxError.system("cannot create \(scratch)") }

        try mountBase(on: scratch)
        try bindHostDirectories(into: scratch)
        try bindBaseConfiguration(into: scratch)
        try mapInstanceDirectories(into: scratch)
        try bindLauncherDirectory(into: scratch)

        // The private /tmp, mounted from the descriptor that was checked.
        try requireMountPoint(scratch, "/tmp", for: "the private /tmp")
        try System.attachMount(privateTmpMount, on: scratch + "/tmp")
        try System.mount(nil, on: scratch + "/tmp", flags: UInt(MS_PRIVATE))

        try mountTerminals(under: scratch)
        try System.mount(nil, on: scratch, flags: UInt(MS_PRIVATE))
        try pivot(into: scratch)
    }

    /// The base (or an empty read-only tmpfs for `bare`) on `scratch`, made unbindable so
    /// that binding a host tree holding it cannot copy it into itself.
    func mountBase(on scratch: String) throws(SandboxError) {
        if let baseDirectory {
            guard let status = System.status(baseDirectory), (status.st_mode & S_IFMT) == S_IFDIR else {
                throw SandboxError("the base snap \"\(baseName)\" is not mounted at \(baseDirectory)")
            }
            try System.mount(baseDirectory, on: scratch, flags: UInt(MS_BIND | MS_REC))
        } else {
            try System.mount("bare", on: scratch, type: "tmpfs", flags: UInt(MS_NOSUID | MS_NODEV), data: "mode=0755")
            for point in Self.bareMountPoints { try System.makeDirectories(scratch + point, mode: 0o755) }
            try System.mount(nil, on: scratch, flags: UInt(MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV))
        }
        try System.mount(nil, on: scratch, flags: UInt(MS_UNBINDABLE))
    }

    /// Each host directory, recursively, as a slave: host mounts appear inside, nothing
    /// goes out.
    func bindHostDirectories(into scratch: String) throws(SandboxError) {
        for bind in binds {
            let target = scratch + bind.target
            guard System.isRealDirectory(target) else {
                if !bind.required { continue }
                throw SandboxError(
                    "the base snap \"\(baseName)\" has no directory \(bind.target) to mount \(bind.source) on"
                )
            }
            guard let status = System.status(bind.source), (status.st_mode & S_IFMT) == S_IFDIR else {
                if !bind.required { continue }
                throw SandboxError("cannot mount \(bind.source) into the sandbox: it is not a directory")
            }
            try System.mount(bind.source, on: target, flags: UInt(MS_BIND | MS_REC))
            try System.mount(nil, on: target, flags: UInt(MS_REC | MS_SLAVE))
        }
    }

    /// The pieces of `/etc` that must match the base's programs rather than the host's:
    /// name-service switch, alternatives, AppArmor files and certificates. The host's
    /// `/etc/ssl` stays on a Debian-like host when the base is a `core` one, whose
    /// certificate store layout it shares.
    static let baseConfiguration = [
        "/etc/alternatives", "/etc/nsswitch.conf", "/etc/apparmor", "/etc/apparmor.d", "/etc/ssl",
    ]

    /// Puts the base's copy of each of ``baseConfiguration`` over the host's `/etc` bound
    /// in the sandbox, where both have it and of the same kind (directory or file).
    /// Mounted inside the slave copy of `/etc`, nothing reaches the host.
    func bindBaseConfiguration(into scratch: String) throws(SandboxError) {
        guard let baseDirectory else { return }
        let keepsHostCertificates = baseName.hasPrefix("core") && System.linkStatus("/etc/debian_version") != nil
        for piece in Self.baseConfiguration {
            if piece == "/etc/ssl" && keepsHostCertificates { continue }
            guard let source = System.linkStatus(baseDirectory + piece),
                let target = System.linkStatus(scratch + piece)
            else { continue }
            let kind = source.st_mode & S_IFMT
            guard kind == target.st_mode & S_IFMT, kind == S_IFDIR || kind == S_IFREG else { continue }
            try System.mount(baseDirectory + piece, on: scratch + piece, flags: UInt(MS_BIND | MS_REC))
        }
    }

    /// For a parallel instance `NAME_KEY`, its trees over `/snap/NAME` and `/var/snap/NAME`,
    /// where its programs and its environment (`SNAP=/snap/NAME/REV`) expect them. The
    /// daemon makes the two (empty) mount points when it installs an instance, and they are
    /// made here when missing (the root is trusted: only root can write in it). Mounted
    /// inside the slave copies of `/snap` and `/var/snap`, they stay in this namespace.
    func mapInstanceDirectories(into scratch: String) throws(SandboxError) {
        guard !instanceKey.isEmpty else { return }
        let instance = "\(snapName)_\(instanceKey)"
        for (host, inside) in [
            (paths.snapMountDirectory, "/snap"), (paths.snapDataDirectory, "/var/snap"),
        ] {
            let source = "\(host)/\(instance)"
            let target = "\(scratch)\(inside)/\(snapName)"
            guard System.isRealDirectory(source) else {
                throw SandboxError("cannot map the instance \(instance): \(source) is not a directory")
            }
            // Removing the snap `NAME` itself takes its directories away: they are made again.
            if System.linkStatus(target) == nil {
                try System.makeDirectories(target, mode: 0o755)
            }
            guard System.isRealDirectory(target) else {
                throw SandboxError(
                    "cannot map the instance \(instance): \(host)/\(snapName) is not a directory to mount it on"
                )
            }
            try System.mount(source, on: target, flags: UInt(MS_BIND | MS_REC))
        }
    }

    /// The launcher's directory (with snap-exec) read-only on `/usr/lib/snapd`, when the
    /// base has that directory.
    func bindLauncherDirectory(into scratch: String) throws(SandboxError) {
        let target = scratch + "/usr/lib/snapd"
        guard System.isRealDirectory(target) else { return }
        try System.attachMount(launcherDirectoryMount, on: target)
        try System.mount(nil, on: target, flags: UInt(MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV))
    }

    /// A new devpts instance on `/dev/pts`, and its `ptmx` on `/dev/ptmx`.
    func mountTerminals(under scratch: String) throws(SandboxError) {
        try requireMountPoint(scratch, "/dev/pts", for: "devpts")
        try System.mount(
            "devpts",
            on: scratch + "/dev/pts",
            type: "devpts",
            flags: UInt(MS_NOSUID | MS_NOEXEC),
            data: "newinstance,ptmxmode=0666,mode=0620,gid=5"
        )
        try System.mount(scratch + "/dev/pts/ptmx", on: scratch + "/dev/ptmx", flags: UInt(MS_BIND))
    }

    /// Makes `scratch` the root; the old root goes under `/var/lib/snapd/hostfs` when that
    /// directory exists (else on top of the new root itself) and is then detached.
    func pivot(into scratch: String) throws(SandboxError) {
        guard chdir(scratch) == 0 else { throw SandboxError.system("cannot enter \(scratch)") }
        let hostfs = "var/lib/snapd/hostfs"
        if System.isRealDirectory(hostfs) {
            guard csnap_pivot_root(".", hostfs) == 0 else {
                throw SandboxError.system("cannot pivot_root into \(scratch)")
            }
            guard chdir("/") == 0 else { throw SandboxError.system("cannot enter the new root") }
            guard umount2("/" + hostfs, Int32(MNT_DETACH)) == 0 else {
                throw SandboxError.system("cannot detach the host's root from /\(hostfs)")
            }
        } else {
            guard csnap_pivot_root(".", ".") == 0 else {
                throw SandboxError.system("cannot pivot_root into \(scratch)")
            }
            guard umount2(".", Int32(MNT_DETACH)) == 0 else {
                throw SandboxError.system("cannot detach the host's root")
            }
            guard chdir("/") == 0 else { throw SandboxError.system("cannot enter the new root") }
        }
    }

    func requireMountPoint(_ scratch: String, _ point: String, for what: String) throws(SandboxError) {
        guard System.isRealDirectory(scratch + point) else {
            throw SandboxError("the base snap \"\(baseName)\" has no directory \(point) for \(what)")
        }
    }
}
