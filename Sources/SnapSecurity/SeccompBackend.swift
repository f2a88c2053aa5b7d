import SnapSandbox

/// The seccomp backend: writes each program's profile source in snapd's syntax and
/// compiles it to the `.bin2` filters snap-confine loads.
public enum SeccompBackend {
    /// The profile source of `target` (`seccomp/bpf/TAG.src`).
    public static func source(for target: SecurityTarget) -> String {
        "@unrestricted\n"
    }

    /// Compiles a profile source to the `.bin2` file's bytes.
    public static func compile(source: String) throws(SandboxError) -> [UInt8] {
        throw SandboxError("compiling seccomp profiles is not built yet")
    }
}
