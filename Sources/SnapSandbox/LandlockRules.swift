/// The Landlock rules of one security tag (`landlock/TAG`), as docs/confinement.md gives
/// their syntax.
public struct LandlockRules: Sendable {
    /// Whether a ruleset is applied at all (`mode enforce`); devmode and classic say `off`.
    public var isEnforced: Bool

    /// Parses the rules' text; `source` names the file in errors.
    public init(parsing text: String, source: String) throws(SandboxError) {
        throw SandboxError("\(source): Landlock rules are not built yet")
    }

    /// Reads and parses `path`.
    public static func read(path: String) throws(SandboxError) -> LandlockRules {
        try LandlockRules(parsing: try SandboxFile.readText(path: path, limit: 1 << 20), source: path)
    }

    /// Opens every rule's path (`O_PATH`, after expanding `@{HOME}` and `@{UID}`) and builds
    /// a ruleset for the running kernel's ABI. Call inside the final mount namespace, while
    /// the paths can still be opened.
    public func prepare(home: String, uid: UInt32) throws(SandboxError) -> PreparedLandlock {
        throw SandboxError("Landlock rules are not built yet")
    }
}

/// A Landlock ruleset built and waiting to be applied.
public struct PreparedLandlock: Sendable {
    /// The ruleset's descriptor, or -1 when nothing is enforced.
    public let descriptor: Int32

    /// Restricts the calling thread (and its later children) to the ruleset, then closes it.
    /// Needs no_new_privs or CAP_SYS_ADMIN.
    public func restrictSelf() throws(SandboxError) {
        throw SandboxError("Landlock rules are not built yet")
    }
}
