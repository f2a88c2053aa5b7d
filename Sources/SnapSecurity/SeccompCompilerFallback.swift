import SnapSandbox

/// A stand-in for the seccomp compiler while it is not built.
///
/// The compiler's entry point, ``SeccompBackend/compile(source:)``, throws an error saying
/// "not built yet" until it exists. So that snaps still install and launch meanwhile, that
/// one error, and no other, turns into an unrestricted `.bin2` file: the 128-byte header
/// (`"SC"`, version 1, flags 1 = unrestricted, zero filter lengths) of docs/confinement.md.
/// Remove this file, and its single caller in ``SecurityProfiles``, once the compiler exists.
enum SeccompCompilerFallback {
    /// The compiled profile, or the unrestricted file when the compiler is not built yet.
    static func compile(source: String) throws(SandboxError) -> [UInt8] {
        do {
            return try SeccompBackend.compile(source: source)
        } catch let error where error.message.contains("not built yet") {
            return unrestrictedFile
        }
    }

    /// A `.bin2` file holding no filter at all.
    static var unrestrictedFile: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 128)
        bytes[0] = UInt8(ascii: "S")
        bytes[1] = UInt8(ascii: "C")
        bytes[2] = 1
        bytes[3] = 1
        return bytes
    }
}
