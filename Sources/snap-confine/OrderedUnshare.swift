import CSnapShim
import SnapSandbox

#if canImport(Glibc)
import Glibc
#endif

/// `unshare(CLONE_NEWNS)` with the Linux 6.18 workaround.
///
/// On 6.18 a namespace may only be bind-mounted (captured) into a namespace whose id is
/// lower than its own, and new ids come from per-CPU batches: a namespace made on one CPU
/// can get an id below the capture helper's, and the capture then fails with EINVAL. So
/// after unsharing, the launcher compares `NS_GET_ID` of its new namespace with the
/// helper's (the namespace it started in); while it is not greater, it moves to each
/// allowed CPU in turn and unshares again, then restores its CPU mask.
enum OrderedUnshare {
    /// The id of the calling process's mount namespace.
    static func currentNamespaceID() throws(SandboxError) -> UInt64 {
        let descriptor = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SandboxError.system("cannot open /proc/self/ns/mnt") }
        defer { close(descriptor) }
        var id: UInt64 = 0
        guard csnap_namespace_id(descriptor, &id) == 0 else {
            throw SandboxError.system("cannot read the id of the mount namespace")
        }
        return id
    }

    /// Enters a new mount namespace. Returns true when its id is above `outerID` (it can be
    /// captured), false when no attempt got there (the namespace is then used un-kept).
    static func enterNamespace(above outerID: UInt64) throws(SandboxError) -> (capturable: Bool, attempts: Int) {
        try unshareOnce()
        if try currentNamespaceID() > outerID { return (true, 1) }

        let size = Int(csnap_cpu_set_size())
        var original = [UInt8](repeating: 0, count: size)
        guard csnap_get_affinity(&original, Int32(size)) == 0 else { return (false, 1) }
        defer { _ = csnap_set_affinity(original, Int32(size)) }

        var attempts = 1
        for cpu in 0..<size where original[cpu] != 0 {
            var only = [UInt8](repeating: 0, count: size)
            only[cpu] = 1
            guard csnap_set_affinity(only, Int32(size)) == 0 else { continue }
            // Two tries per CPU: the first may still take an id from the old CPU's batch.
            for _ in 0..<2 {
                attempts += 1
                try unshareOnce()
                if try currentNamespaceID() > outerID { return (true, attempts) }
            }
        }
        return (false, attempts)
    }

    static func unshareOnce() throws(SandboxError) {
        guard csnap_unshare(csnap_clone_newns) == 0 else {
            throw SandboxError.system("cannot create a mount namespace")
        }
    }
}
