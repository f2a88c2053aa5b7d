import CSnapShim
import SnapSandbox

#if canImport(Glibc)
import Glibc
#endif

/// Who called the launcher, remembered at start, and how it becomes that caller again.
struct Caller {
    let uid: uid_t
    let gid: gid_t
    /// The caller's supplementary groups, read before anything changes them.
    let groups: [gid_t]

    static func current() throws(SandboxError) -> Caller {
        let count = getgroups(0, nil)
        guard count >= 0 else { throw SandboxError.system("cannot read the caller's groups") }
        var groups = [gid_t](repeating: 0, count: Int(count))
        let read = getgroups(count, &groups)
        guard read >= 0 else { throw SandboxError.system("cannot read the caller's groups") }
        return Caller(uid: getuid(), gid: getgid(), groups: Array(groups[0..<Int(read)]))
    }

    /// The caller's home directory: `SNAP_REAL_HOME` (set by snap run), else the password
    /// database, else `HOME`.
    func home() -> String {
        if let home = System.environment("SNAP_REAL_HOME"), home.hasPrefix("/") { return home }
        if let entry = getpwuid(uid), let directory = entry.pointee.pw_dir { return String(cString: directory) }
        return System.environment("HOME") ?? "/"
    }

    /// Sets groups, then gids, then uids to the caller's (all three of each), so no saved
    /// id is left to return to.
    func become() throws(SandboxError) {
        let result = groups.withUnsafeBufferPointer { csnap_setgroups($0.count, $0.baseAddress) }
        guard result == 0 else { throw SandboxError.system("cannot set the caller's groups") }
        guard csnap_setresgid(gid, gid, gid) == 0 else { throw SandboxError.system("cannot set gid \(gid)") }
        guard csnap_setresuid(uid, uid, uid) == 0 else { throw SandboxError.system("cannot set uid \(uid)") }
        guard getuid() == uid, geteuid() == uid, getgid() == gid, getegid() == gid else {
            throw SandboxError("the caller's uid and gid did not take effect")
        }
    }
}

/// Capability and no_new_privs calls.
enum Capabilities {
    /// CAP_SYS_ADMIN (capability.h).
    static let systemAdministration: Int32 = 21

    /// The highest capability number the kernel knows (`/proc/sys/kernel/cap_last_cap`).
    static func lastCapability() -> Int32 {
        // One read with room to spare: sysctl files report size 0 and end after a short read.
        let descriptor = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return 63 }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return 63 }
        let text = String(decoding: buffer[0..<count], as: UTF8.self).filter { $0.isNumber }
        return Int32(text) ?? 63
    }

    /// Empties the bounding set, so nothing executed later can gain a capability (not
    /// even a setuid-root program or a root caller), and sets no_new_privs.
    static func dropBoundingSetAndSetNoNewPrivileges() throws(SandboxError) {
        guard csnap_drop_bounding_set(lastCapability()) == 0 else {
            throw SandboxError.system("cannot drop the capability bounding set")
        }
        guard csnap_set_no_new_privileges() == 0 else { throw SandboxError.system("cannot set no_new_privs") }
    }

    /// Empties the effective, permitted, inheritable and ambient sets.
    static func clearAll() throws(SandboxError) {
        guard csnap_clear_capabilities() == 0 else { throw SandboxError.system("cannot clear capabilities") }
    }
}

/// The AppArmor side of the launch, when the kernel has AppArmor.
enum AppArmor {
    static var isEnabled: Bool { AppArmorHost.isEnabled }

    /// Asks for `profile` to confine the next program executed.
    static func changeProfileOnExec(_ profile: String) throws(SandboxError) {
        let request = "exec \(profile)"
        for path in ["/proc/self/attr/apparmor/exec", "/proc/self/attr/exec"] {
            let descriptor = open(path, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            defer { close(descriptor) }
            let written = request.withCString { write(descriptor, $0, strlen($0)) }
            guard written == request.utf8.count else {
                throw SandboxError.system("cannot ask AppArmor for the profile \(profile) (\(path))")
            }
            return
        }
        throw SandboxError.system("cannot ask AppArmor for the profile \(profile): no exec attribute")
    }
}
