import SnapSandbox

/// The seccomp backend: writes each program's profile source in snapd's syntax and
/// compiles it to the `.bin2` filters snap-confine loads.
///
/// The source is ``SeccompTemplate`` behind a marker line for devmode (`@complain`) or
/// classic (`@unrestricted`); the syntax is described at ``SeccompProfile`` and the
/// compiled layout in docs/confinement.md.
public enum SeccompBackend {
    /// The profile source of `target` (`seccomp/bpf/TAG.src`).
    public static func source(for target: SecurityTarget) -> String {
        switch target.confinement {
        case .classic: return "@unrestricted\n"
        case .devmode: return "@complain\n" + SeccompTemplate.text
        case .strict: return SeccompTemplate.text
        }
    }

    /// Compiles a profile source to the `.bin2` file's bytes.
    public static func compile(source: String) throws(SandboxError) -> [UInt8] {
        try compile(source: source, named: "seccomp profile")
    }

    /// Compiles a profile source to the `.bin2` file's bytes.
    ///
    /// - Parameters:
    ///   - source: The profile's text.
    ///   - name: What messages call the source (its file name).
    /// - Returns: The file's bytes: the header, then the allow and the deny filter.
    /// - Throws: `SandboxError` naming the source and line of a bad token, an unknown
    ///   user or group, or a rule libseccomp refuses.
    public static func compile(source: String, named name: String) throws(SandboxError) -> [UInt8] {
        let profile = try SeccompProfile(parsing: source, source: name)
        guard profile.mode != .unrestricted else {
            return SeccompFilterFile.encoded(allow: [], deny: [], unrestricted: true)
        }
        let (allow, deny) = try SeccompCompiler(profile: profile, source: name).compile()
        return SeccompFilterFile.encoded(allow: allow, deny: deny, unrestricted: false)
    }
}
