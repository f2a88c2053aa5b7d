import SnapSandbox

/// The Landlock rules of one program, before they are written as `landlock/TAG`.
///
/// ``baseline(for:)`` gives what every strict app or hook gets; an interface layer adds
/// path rules or flips the network and scope settings before ``rendered()``.
public struct LandlockProfile: Sendable, Equatable {
    /// Whether a ruleset is applied at all.
    public var isEnforced: Bool
    /// Path rules, in order: rights and an in-sandbox path, which may use `@{HOME}` and
    /// `@{UID}`.
    public var paths: [LandlockRules.PathRule]
    /// Whether binding TCP ports is allowed (`net bind allow`); the baseline denies it.
    public var allowsTCPBind: Bool
    /// Whether connecting TCP sockets is allowed (`net connect allow`).
    public var allowsTCPConnect: Bool
    /// Whether abstract unix sockets are limited to the sandbox (`scope abstract-unix`).
    public var scopesAbstractUnixSockets: Bool
    /// Whether signals are limited to the sandbox (`scope signal`).
    public var scopesSignals: Bool

    public init(
        isEnforced: Bool,
        paths: [LandlockRules.PathRule] = [],
        allowsTCPBind: Bool = false,
        allowsTCPConnect: Bool = true,
        scopesAbstractUnixSockets: Bool = true,
        scopesSignals: Bool = true
    ) {
        self.isEnforced = isEnforced
        self.paths = paths
        self.allowsTCPBind = allowsTCPBind
        self.allowsTCPConnect = allowsTCPConnect
        self.scopesAbstractUnixSockets = scopesAbstractUnixSockets
        self.scopesSignals = scopesSignals
    }

    /// The base snap's directories that hold programs and libraries.
    static let systemDirectories = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]

    /// What an app or hook gets with no interfaces connected: the base's programs, its own
    /// revision, its data directories, a few devices, and outgoing TCP. Devmode and classic
    /// programs get no ruleset. Data directories use the instance name.
    public static func baseline(for target: SecurityTarget) -> LandlockProfile {
        guard target.confinement == .strict else { return LandlockProfile(isEnforced: false) }
        let name = target.instanceName
        let revision = target.revision

        let read: LandlockRules.Rights = .read
        let readExecute: LandlockRules.Rights = [.read, .execute]
        let readWrite: LandlockRules.Rights = [.read, .write]
        let terminal: LandlockRules.Rights = [.read, .write, .deviceIoctl]
        func grant(_ rights: LandlockRules.Rights, _ paths: [String]) -> [LandlockRules.PathRule] {
            paths.map { LandlockRules.PathRule(rights: rights, path: $0) }
        }

        var paths = grant(readExecute, systemDirectories)
        paths += grant(read, ["/etc"])
        paths += grant(readExecute, ["/snap/\(name)/\(revision)", "/usr/lib/snapd"])
        paths += grant(read, ["/var/lib/snapd/sandbox"])
        // Data: $SNAP_DATA, $SNAP_COMMON, $SNAP_USER_DATA, $SNAP_USER_COMMON, then the
        // private /tmp, the snap's runtime directory and shared memory.
        paths += grant(
            readWrite,
            [
                "/var/snap/\(name)/\(revision)", "/var/snap/\(name)/common",
                "@{HOME}/snap/\(name)/\(revision)", "@{HOME}/snap/\(name)/common",
                "/tmp", "/run/user/@{UID}/snap.\(name)", "/dev/shm",
            ]
        )
        paths += grant(readWrite, ["/dev/null", "/dev/zero", "/dev/full"])
        paths += grant(read, ["/dev/random", "/dev/urandom"])
        paths += grant(terminal, ["/dev/tty", "/dev/ptmx", "/dev/pts"])
        paths += grant(read, ["/proc", "/sys/devices/system/cpu"])
        return LandlockProfile(isEnforced: true, paths: paths)
    }

    /// The file's text (docs/confinement.md, "Landlock rules"). Refuses a path that the
    /// syntax cannot carry: relative, or holding a newline, a blank followed by `#`, or
    /// blanks at either end.
    public func rendered() throws(SandboxError) -> String {
        guard isEnforced else { return "mode off\n" }
        var lines = ["mode enforce"]
        for rule in paths {
            try Self.check(rule)
            lines.append("fs \(rule.rights.letters) \(rule.path)")
        }
        lines.append("net bind \(allowsTCPBind ? "allow" : "deny")")
        lines.append("net connect \(allowsTCPConnect ? "allow" : "deny")")
        if scopesAbstractUnixSockets { lines.append("scope abstract-unix") }
        if scopesSignals { lines.append("scope signal") }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func check(_ rule: LandlockRules.PathRule) throws(SandboxError) {
        let path = rule.path
        guard !rule.rights.isEmpty else { throw SandboxError("Landlock rule for \"\(path)\" grants no right") }
        guard path.hasPrefix("/") || path.hasPrefix("@{HOME}") else {
            throw SandboxError("Landlock rule path \"\(path)\" is not absolute")
        }
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard !path.contains(where: { $0 == "\n" }), path.last.map(isBlank) != true else {
            throw SandboxError("Landlock rule path \"\(path)\" holds a newline or ends in a blank")
        }
        guard !path.contains(" #"), !path.contains("\t#") else {
            throw SandboxError("Landlock rule path \"\(path)\" holds a blank followed by \"#\"")
        }
    }
}
