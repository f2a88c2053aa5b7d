import SnapSandbox

/// Compiles seccomp profile sources to the `.bin2` files snap-confine loads, with
/// libseccomp. The daemon does not link libseccomp: it runs `snap-seccomp compile`, which
/// calls this.
public enum SeccompProfileCompiler {
    /// Compiles a profile source to the `.bin2` file's bytes.
    public static func compile(source: String) throws(SandboxError) -> [UInt8] {
        try compile(source: source, named: "seccomp profile")
    }

    /// Compiles a profile source to the `.bin2` file's bytes.
    ///
    /// - Parameters:
    ///   - source: The profile's text (see ``SeccompProfile``).
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
