import SnapPaths
import SnapSandbox

#if canImport(Glibc)
import Glibc
#endif

/// The environment `snap run` gives a snap program, and the user directories it needs.
///
/// Strict and devmode programs see in-sandbox paths (`SNAP=/snap/NAME/REV`,
/// `SNAP_DATA=/var/snap/NAME/REV`): inside the sandbox those trees are the managed root's,
/// and a parallel instance's `NAME_KEY` trees appear under `NAME`. Classic programs run on
/// the host, so theirs are under the managed root and named by the instance. User data is
/// in the caller's real home, `$HOME/snap/INSTANCE/REV`, in both cases.
///
/// Variables a privileged exec scrubs (glibc drops `LD_*`, `TMPDIR` and a few others from
/// the environment of a setuid or file-capability program) are also saved under
/// `SNAP_SAVED_NAME`, for snap-exec to put back inside the sandbox.
struct RunEnvironment {
    let description: LaunchDescription
    /// The caller's home directory.
    let realHome: String
    let uid: uid_t
    let euid: uid_t
    /// Every variable to set, in order.
    let values: [(String, String)]

    /// Variables glibc removes for a secure-execution program, besides every `LD_*` one.
    static let scrubbed = [
        "GCONV_PATH", "GETCONF_DIR", "GLIBC_TUNABLES", "HOSTALIASES", "LOCALDOMAIN", "LOCPATH", "MALLOC_ARENA_MAX",
        "MALLOC_ARENA_TEST", "MALLOC_CHECK_", "MALLOC_TRACE", "NIS_PATH", "NLSPATH", "RESOLV_HOST_CONF",
        "RES_OPTIONS", "TMPDIR", "TZDIR",
    ]

    init(description: LaunchDescription, paths: SnapPaths) {
        self.description = description
        uid = getuid()
        euid = geteuid()
        realHome = Self.home(uid: uid)

        let instance = description.instanceName
        let revision = description.revision
        let snapDirectory: String
        let dataBase: String
        if description.confinement == .classic {
            snapDirectory = paths.snapMountDirectory + "/\(instance)/\(revision)"
            dataBase = paths.snapDataDirectory + "/\(instance)"
        } else {
            snapDirectory = "/snap/\(description.snapName)/\(revision)"
            dataBase = "/var/snap/\(description.snapName)"
        }
        let userData = "\(realHome)/snap/\(instance)/\(revision)"
        var values: [(String, String)] = [
            ("SNAP", snapDirectory),
            ("SNAP_COMMON", dataBase + "/common"),
            ("SNAP_DATA", dataBase + "/\(revision)"),
            ("SNAP_NAME", description.snapName),
            ("SNAP_INSTANCE_NAME", instance),
            ("SNAP_INSTANCE_KEY", description.instanceKey),
            ("SNAP_REVISION", revision),
            ("SNAP_VERSION", description.version),
            ("SNAP_ARCH", Self.architecture()),
            ("SNAP_LIBRARY_PATH", "/var/lib/snapd/lib/gl:/var/lib/snapd/lib/gl32:/var/lib/snapd/void"),
            ("SNAP_USER_DATA", userData),
            ("SNAP_USER_COMMON", "\(realHome)/snap/\(instance)/common"),
            ("SNAP_REAL_HOME", realHome),
            ("SNAP_UID", String(uid)),
            ("SNAP_EUID", String(euid)),
            ("HOME", userData),
            ("XDG_RUNTIME_DIR", "/run/user/\(uid)/snap.\(instance)"),
        ]
        for (name, value) in Self.currentEnvironment() where name.hasPrefix("LD_") || Self.scrubbed.contains(name) {
            values.append(("SNAP_SAVED_" + name, value))
        }
        self.values = values
    }

    /// Sets every variable in this process, for the exec that follows.
    func export() {
        for (name, value) in values { setenv(name, value, 1) }
    }

    /// Creates `~/snap`, `~/snap/INSTANCE`, its revision and `common` directories (mode 0700:
    /// another user must not read a snap's user data, CVE-2021-3155), and points
    /// `~/snap/INSTANCE/current` at the revision. Runs as the caller, so they own them.
    func createUserDirectories() throws(SandboxError) {
        let base = "\(realHome)/snap"
        let instanceDirectory = base + "/" + description.instanceName
        for directory in [
            base, instanceDirectory, instanceDirectory + "/" + description.revision,
            instanceDirectory + "/common",
        ] {
            guard mkdir(directory, 0o700) != 0 else {
                // mkdir(2) applies the umask; the mode must be exactly 0700.
                chmod(directory, 0o700)
                continue
            }
            guard errno == EEXIST else { throw SandboxError.system("cannot create \(directory)") }
        }
        let current = instanceDirectory + "/current"
        var buffer = [CChar](repeating: 0, count: 256)
        let length = readlink(current, &buffer, buffer.count - 1)
        let existing =
            length > 0 ? String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
        if existing != description.revision {
            let temporary = current + ".new-\(getpid())"
            unlink(temporary)
            guard symlink(description.revision, temporary) == 0 else {
                throw SandboxError.system("cannot create \(temporary)")
            }
            guard rename(temporary, current) == 0 else {
                let error = SandboxError.system("cannot replace \(current)")
                unlink(temporary)
                throw error
            }
        }
        // The per-snap runtime directory, where the user's runtime directory exists.
        let runtime = "/run/user/\(uid)"
        if access(runtime, W_OK) == 0 { _ = mkdir(runtime + "/snap.\(description.instanceName)", 0o700) }
    }

    /// `$HOME` when it is an absolute path, else the password database's home.
    static func home(uid: uid_t) -> String {
        if let value = getenv("HOME").map({ String(cString: $0) }), value.hasPrefix("/") { return value }
        if let entry = getpwuid(uid), let directory = entry.pointee.pw_dir { return String(cString: directory) }
        return "/"
    }

    /// The Debian name of the machine's architecture, as snaps name it.
    static func architecture() -> String {
        var names = utsname()
        uname(&names)
        let machine = withUnsafeBytes(of: &names.machine) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        switch machine {
        case "x86_64": return "amd64"
        case "aarch64": return "arm64"
        case "i386", "i486", "i586", "i686": return "i386"
        case "ppc64le": return "ppc64el"
        case "ppc": return "powerpc"
        default: return machine.hasPrefix("armv7") || machine.hasPrefix("armv6") ? "armhf" : machine
        }
    }

    static func currentEnvironment() -> [(String, String)] {
        var result: [(String, String)] = []
        var pointer = environ
        guard Int(bitPattern: pointer) != 0 else { return result }
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result.append((String(text[..<equals]), String(text[text.index(after: equals)...])))
            }
            pointer += 1
        }
        return result
    }
}
