#if canImport(Glibc)
import Glibc
#endif

/// Whether the running kernel confines with AppArmor, as the launcher decides it: the
/// module is enabled and its securityfs directory is there to load profiles into and to
/// change profile through. The launch path links no library, so this reads the files
/// libapparmor's `aa_is_enabled()` reads; a test holds the two answers equal.
public enum AppArmorHost {
    public static var isEnabled: Bool {
        guard access("/sys/kernel/security/apparmor", F_OK) == 0 else { return false }
        guard let text = try? SandboxFile.readText(path: "/sys/module/apparmor/parameters/enabled", limit: 16) else {
            return false
        }
        return text.hasPrefix("Y")
    }
}
