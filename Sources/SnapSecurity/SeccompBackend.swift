import SnapSandbox

/// The seccomp backend: writes each program's profile source in snapd's syntax.
///
/// The source is ``SeccompTemplate`` behind a marker line for devmode (`@complain`) or
/// classic (`@unrestricted`). Compiling it to the `.bin2` filters snap-confine loads needs
/// libseccomp, which the daemon does not load: `snap-seccomp compile` does it (module
/// SnapSeccomp, where the syntax is described at `SeccompProfile`); the compiled layout is
/// in docs/confinement.md.
public enum SeccompBackend {
    /// The profile source of `target` (`seccomp/bpf/TAG.src`).
    public static func source(for target: SecurityTarget) -> String {
        switch target.confinement {
        case .classic: return "@unrestricted\n"
        case .devmode: return "@complain\n" + SeccompTemplate.text
        case .strict: return SeccompTemplate.text
        }
    }
}
