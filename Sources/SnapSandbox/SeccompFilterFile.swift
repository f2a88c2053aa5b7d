/// A compiled seccomp profile (`seccomp/bpf/TAG.bin2`), checked and ready to load.
///
/// The layout (a 128-byte header, then an allow and a deny filter) is in
/// docs/confinement.md.
public struct SeccompFilterFile: Sendable {
    /// Whether the profile loads no filter at all (classic confinement).
    public var isUnrestricted: Bool

    /// Reads and checks `path`: header, sizes, and that the file and every directory above
    /// it are owned by root and not writable by others.
    public static func read(path: String) throws(SandboxError) -> SeccompFilterFile {
        throw SandboxError("\(path): loading seccomp profiles is not built yet")
    }

    /// Loads the deny filter, then the allow filter, into the calling thread (and so its
    /// later children), with `SECCOMP_FILTER_FLAG_LOG`. The caller must hold CAP_SYS_ADMIN
    /// or have set no_new_privs.
    public func load() throws(SandboxError) {
        throw SandboxError("loading seccomp profiles is not built yet")
    }
}
