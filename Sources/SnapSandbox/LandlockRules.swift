import CSnapShim

#if canImport(Glibc)
import Glibc
#endif

/// The Landlock rules of one security tag (`landlock/TAG`), as docs/confinement.md gives
/// their syntax; docs/landlock-and-cgroups.md says how they become a ruleset.
public struct LandlockRules: Sendable, Equatable {
    /// The rights one `fs` line grants, by letter.
    public struct Rights: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// `r`: read files, list directories.
        public static let read = Rights(rawValue: 1 << 0)
        /// `w`: write and truncate files; create, remove and rename entries.
        public static let write = Rights(rawValue: 1 << 1)
        /// `x`: execute files.
        public static let execute = Rights(rawValue: 1 << 2)
        /// `d`: ioctl on device files.
        public static let deviceIoctl = Rights(rawValue: 1 << 3)

        /// The letters in canonical order (`rwxd`).
        public var letters: String {
            var text = ""
            if contains(.read) { text += "r" }
            if contains(.write) { text += "w" }
            if contains(.execute) { text += "x" }
            if contains(.deviceIoctl) { text += "d" }
            return text
        }
    }

    /// One `fs RIGHTS PATH` line.
    public struct PathRule: Sendable, Equatable {
        public var rights: Rights
        /// The path as written, with `@{HOME}` and `@{UID}` not yet expanded.
        public var path: String
        /// The line it came from (1-based), for errors.
        public var line: Int

        public init(rights: Rights, path: String, line: Int = 0) {
            self.rights = rights
            self.path = path
            self.line = line
        }
    }

    /// Whether a ruleset is applied at all (`mode enforce`); devmode and classic say `off`.
    public var isEnforced: Bool
    /// The `fs` lines, in order.
    public var pathRules: [PathRule]
    /// `net bind deny`: binding TCP ports is handled and nothing is allowed.
    public var deniesTCPBind: Bool
    /// `net connect deny`: connecting TCP sockets is handled and nothing is allowed.
    public var deniesTCPConnect: Bool
    /// `scope abstract-unix`: abstract unix sockets outside the sandbox are out of reach.
    public var scopesAbstractUnixSockets: Bool
    /// `scope signal`: signals to processes outside the sandbox are refused.
    public var scopesSignals: Bool
    /// The file the rules came from, for errors.
    public var source: String

    /// Parses the rules' text; `source` names the file in errors.
    ///
    /// One directive a line. `#` starts a comment at the start of a line or after a blank,
    /// so a path cannot hold a blank followed by `#`; otherwise a path is the rest of its line.
    public init(parsing text: String, source: String) throws(SandboxError) {
        isEnforced = false
        pathRules = []
        deniesTCPBind = false
        deniesTCPConnect = false
        scopesAbstractUnixSockets = false
        scopesSignals = false
        self.source = source

        var sawMode = false
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = Self.strippingComment(String(rawLine))
            guard !line.isEmpty else { continue }
            func fail(_ reason: String) -> SandboxError { SandboxError("\(source):\(number): \(reason)") }

            let (directive, rest) = Self.splitFirstWord(line)
            switch directive {
            case "mode":
                guard !sawMode else { throw fail("\"mode\" is repeated") }
                sawMode = true
                switch rest {
                case "enforce": isEnforced = true
                case "off": isEnforced = false
                default: throw fail("unknown mode \"\(rest)\" (expected enforce or off)")
                }
            case "fs":
                pathRules.append(try Self.parsePathRule(rest, line: number, fail: fail))
            case "net":
                let (right, action) = Self.splitFirstWord(rest)
                guard action == "deny" || action == "allow" else {
                    throw fail("net \(right): unknown action \"\(action)\" (expected deny or allow)")
                }
                switch right {
                case "bind": deniesTCPBind = action == "deny"
                case "connect": deniesTCPConnect = action == "deny"
                default: throw fail("unknown net right \"\(right)\" (expected bind or connect)")
                }
            case "scope":
                switch rest {
                case "abstract-unix": scopesAbstractUnixSockets = true
                case "signal": scopesSignals = true
                default: throw fail("unknown scope \"\(rest)\" (expected abstract-unix or signal)")
                }
            default:
                throw fail("unknown directive \"\(directive)\"")
            }
        }
        guard sawMode else { throw SandboxError("\(source): \"mode\" is missing (enforce or off)") }
    }

    /// Reads and parses `path`.
    public static func read(path: String) throws(SandboxError) -> LandlockRules {
        try LandlockRules(parsing: try SandboxFile.readText(path: path, limit: 1 << 20), source: path)
    }

    /// The Landlock ABI version of the running kernel, or 0 when it has no Landlock (not
    /// built in, or disabled at boot).
    public static func kernelABIVersion() -> Int {
        let version = csnap_landlock_abi_version()
        return version < 0 ? 0 : Int(version)
    }

    /// Opens every rule's path (`O_PATH`, after expanding `@{HOME}` and `@{UID}`) and builds
    /// a ruleset for the running kernel's ABI. Call inside the final mount namespace, while
    /// the paths can still be opened.
    ///
    /// When the rules are enforced but the kernel has no Landlock, nothing is built and the
    /// result says so (``PreparedLandlock/isSupported`` is false): the launcher decides
    /// whether another backend stands in. A path that does not exist is skipped.
    public func prepare(home: String, uid: UInt32) throws(SandboxError) -> PreparedLandlock {
        let abi = Self.kernelABIVersion()
        guard isEnforced else { return PreparedLandlock(descriptor: -1, isEnforced: false, abi: abi) }
        guard abi >= 1 else { return PreparedLandlock(descriptor: -1, isEnforced: true, abi: 0) }
        guard home.hasPrefix("/"), !home.contains("\n") else {
            throw SandboxError("\(source): the home directory \"\(home)\" is not an absolute path")
        }

        let handled = LandlockAccess.handled(abi: abi, rules: self)
        let descriptor = csnap_landlock_create_ruleset(handled.filesystem, handled.network, handled.scopes)
        guard descriptor >= 0 else {
            throw SandboxError.system("\(source): creating a Landlock ruleset (ABI \(abi))")
        }
        var prepared = PreparedLandlock(descriptor: descriptor, isEnforced: true, abi: abi)
        do {
            for rule in pathRules {
                let path = Self.expand(rule.path, home: home, uid: uid)
                if try !addRule(rule, path: path, ruleset: descriptor, handled: handled.filesystem) {
                    prepared.skippedPaths.append(path)
                }
            }
        } catch {
            close(descriptor)
            throw error
        }
        return prepared
    }

    /// Adds one path-beneath rule; returns false when the path does not exist.
    private func addRule(_ rule: PathRule, path: String, ruleset: Int32, handled: UInt64) throws(SandboxError) -> Bool {
        let location = "\(source):\(rule.line): \(path)"
        let object = csnap_landlock_open_path(path)
        guard object >= 0 else {
            let error = errno
            if error == ENOENT || error == ENOTDIR { return false }
            throw SandboxError.system("\(location): opening the rule's path", errorNumber: error)
        }
        defer { close(object) }

        var status = stat()
        guard fstat(object, &status) == 0 else { throw SandboxError.system("\(location): fstat") }
        let isDirectory = (status.st_mode & S_IFMT) == S_IFDIR
        var allowed = LandlockAccess.filesystem(for: rule.rights) & handled
        if !isDirectory { allowed &= LandlockAccess.fileOnly }
        // Nothing to grant (say, `d` on a directory the ABI cannot mediate ioctls for).
        guard allowed != 0 else { return true }

        guard csnap_landlock_add_path_rule(ruleset, object, allowed) == 0 else {
            throw SandboxError.system("\(location): adding a Landlock rule")
        }
        return true
    }

    /// `path` with `@{HOME}` and `@{UID}` replaced.
    static func expand(_ path: String, home: String, uid: UInt32) -> String {
        var home = home
        while home.count > 1, home.hasSuffix("/") { home.removeLast() }
        return replacing(replacing(path, "@{HOME}", with: home), "@{UID}", with: String(uid))
    }

    /// `text` with every occurrence of `pattern` replaced (stdlib only).
    static func replacing(_ text: String, _ pattern: String, with replacement: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let range = rest.firstRange(of: pattern) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }

    private static func parsePathRule(
        _ text: String,
        line: Int,
        fail: (String) -> SandboxError
    ) throws(SandboxError) -> PathRule {
        let (letters, path) = splitFirstWord(text)
        guard !letters.isEmpty, !path.isEmpty else { throw fail("expected \"fs RIGHTS PATH\"") }
        var rights: Rights = []
        for letter in letters {
            switch letter {
            case "r": rights.insert(.read)
            case "w": rights.insert(.write)
            case "x": rights.insert(.execute)
            case "d": rights.insert(.deviceIoctl)
            default: throw fail("unknown right \"\(letter)\" in \"\(letters)\" (rights are r, w, x, d)")
            }
        }
        // Every variable must be known, and the path absolute once they are expanded.
        let probe = expand(path, home: "/home", uid: 0)
        if let start = probe.firstRange(of: "@{") {
            let name = probe[start.lowerBound...].prefix { $0 != "}" }
            throw fail("unknown variable \"\(name)}\" in \"\(path)\" (known: @{HOME}, @{UID})")
        }
        guard probe.hasPrefix("/") else { throw fail("the path \"\(path)\" is relative") }
        return PathRule(rights: rights, path: path, line: line)
    }

    /// The line without its comment and surrounding blanks.
    private static func strippingComment(_ line: String) -> String {
        var previousIsBlank = true
        var kept = ""
        for character in line {
            if character == "#", previousIsBlank { break }
            previousIsBlank = character == " " || character == "\t"
            kept.append(character)
        }
        return trimmed(kept)
    }

    /// The first blank-separated word, and the trimmed rest.
    private static func splitFirstWord(_ text: String) -> (String, String) {
        guard let blank = text.firstIndex(where: { $0 == " " || $0 == "\t" }) else { return (text, "") }
        return (String(text[..<blank]), trimmed(String(text[blank...])))
    }

    private static func trimmed(_ text: String) -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = text.firstIndex(where: { !isBlank($0) }), let last = text.lastIndex(where: { !isBlank($0) })
        else { return "" }
        return String(text[first...last])
    }
}

/// A Landlock ruleset built and waiting to be applied.
public struct PreparedLandlock: Sendable {
    /// The ruleset's descriptor, or -1 when nothing is enforced (or Landlock is absent).
    public let descriptor: Int32
    /// Whether the rules asked for enforcement (`mode enforce`).
    public let isEnforced: Bool
    /// The running kernel's Landlock ABI version; 0 when it has no Landlock.
    public let abi: Int
    /// Rule paths that did not exist, after expansion, and were left out.
    public var skippedPaths: [String] = []

    init(descriptor: Int32, isEnforced: Bool, abi: Int) {
        self.descriptor = descriptor
        self.isEnforced = isEnforced
        self.abi = abi
    }

    /// Whether the kernel has Landlock at all (ABI 1 or later).
    public var isSupported: Bool { abi >= 1 }

    /// Whether the kernel mediates TCP bind and connect (ABI 4 or later).
    public var coversTCP: Bool { abi >= 4 }

    /// Whether the kernel mediates ioctl on devices (ABI 5 or later).
    public var coversDeviceIoctl: Bool { abi >= 5 }

    /// Whether the kernel limits abstract unix sockets and signals to the sandbox (ABI 6).
    public var coversScopes: Bool { abi >= 6 }

    /// Restricts the calling thread (and its later children) to the ruleset, then closes it.
    /// Needs no_new_privs or CAP_SYS_ADMIN.
    ///
    /// Does nothing when the rules are not enforced. Throws when they are but the kernel has
    /// no Landlock: a launcher that accepts another backend instead checks ``isSupported``
    /// and does not call this.
    public func restrictSelf() throws(SandboxError) {
        guard isEnforced else { return }
        guard descriptor >= 0 else {
            throw SandboxError("the kernel has no Landlock, so the Landlock rules cannot be enforced")
        }
        let result = csnap_landlock_restrict_self(descriptor, 0)
        let error = errno
        close(descriptor)
        guard result == 0 else {
            throw SandboxError.system("restricting the process with its Landlock ruleset", errorNumber: error)
        }
    }

    /// Closes the ruleset without applying it.
    public func discard() {
        if descriptor >= 0 { close(descriptor) }
    }
}

/// The kernel's Landlock access bits (linux/landlock.h), and which of them each ABI knows.
enum LandlockAccess {
    static let execute: UInt64 = 1 << 0
    static let writeFile: UInt64 = 1 << 1
    static let readFile: UInt64 = 1 << 2
    static let readDirectory: UInt64 = 1 << 3
    static let removeDirectory: UInt64 = 1 << 4
    static let removeFile: UInt64 = 1 << 5
    static let makeCharacterDevice: UInt64 = 1 << 6
    static let makeDirectory: UInt64 = 1 << 7
    static let makeRegular: UInt64 = 1 << 8
    static let makeSocket: UInt64 = 1 << 9
    static let makeFIFO: UInt64 = 1 << 10
    static let makeBlockDevice: UInt64 = 1 << 11
    static let makeSymlink: UInt64 = 1 << 12
    /// ABI 2: link or rename into another directory.
    static let refer: UInt64 = 1 << 13
    /// ABI 3: truncate(2), ftruncate(2), open with O_TRUNC.
    static let truncate: UInt64 = 1 << 14
    /// ABI 5: ioctl(2) on character and block devices.
    static let ioctlDevice: UInt64 = 1 << 15

    /// ABI 4: bind(2) and connect(2) on TCP sockets.
    static let bindTCP: UInt64 = 1 << 0
    static let connectTCP: UInt64 = 1 << 1

    /// ABI 6: abstract unix sockets and signals limited to the domain.
    static let scopeAbstractUnixSocket: UInt64 = 1 << 0
    static let scopeSignal: UInt64 = 1 << 1

    /// The rights that apply to a file that is not a directory.
    static let fileOnly: UInt64 = execute | writeFile | readFile | truncate | ioctlDevice

    /// Every filesystem right ABI `abi` knows.
    static func filesystemRights(abi: Int) -> UInt64 {
        var rights: UInt64 = (1 << 13) - 1
        if abi >= 2 { rights |= refer }
        if abi >= 3 { rights |= truncate }
        if abi >= 5 { rights |= ioctlDevice }
        return rights
    }

    /// The kernel bits for a rule's letters (later masked to what the ruleset handles).
    static func filesystem(for rights: LandlockRules.Rights) -> UInt64 {
        var bits: UInt64 = 0
        if rights.contains(.read) { bits |= readFile | readDirectory }
        if rights.contains(.write) {
            bits |= writeFile | removeDirectory | removeFile | makeCharacterDevice | makeDirectory | makeRegular
            bits |= makeSocket | makeFIFO | makeBlockDevice | makeSymlink | refer | truncate
        }
        if rights.contains(.execute) { bits |= execute }
        if rights.contains(.deviceIoctl) { bits |= ioctlDevice }
        return bits
    }

    /// What a ruleset for `rules` handles on ABI `abi`: every filesystem right, the denied
    /// TCP rights (ABI 4+) and the asked-for scopes (ABI 6+).
    static func handled(abi: Int, rules: LandlockRules) -> (filesystem: UInt64, network: UInt64, scopes: UInt64) {
        var network: UInt64 = 0
        if abi >= 4 {
            if rules.deniesTCPBind { network |= bindTCP }
            if rules.deniesTCPConnect { network |= connectTCP }
        }
        var scopes: UInt64 = 0
        if abi >= 6 {
            if rules.scopesAbstractUnixSockets { scopes |= scopeAbstractUnixSocket }
            if rules.scopesSignals { scopes |= scopeSignal }
        }
        return (filesystemRights(abi: abi), network, scopes)
    }
}
