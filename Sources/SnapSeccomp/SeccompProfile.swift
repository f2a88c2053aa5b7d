import SnapSandbox

#if canImport(Glibc)
import Glibc
#endif

/// A seccomp profile source (`seccomp/bpf/TAG.src`), parsed.
///
/// The syntax is snapd's: one rule a line, `[~]SYSCALL [ARG0 ... ARG5]`, `#` starts a
/// comment line, and two markers: `@unrestricted` (no filter at all) and `@complain`
/// (log instead of refusing). Each argument token is one of:
///
/// | token | the rule matches when the argument |
/// |---|---|
/// | `-` | is anything |
/// | `N` | equals N |
/// | `!N` | differs from N |
/// | `<N` `<=N` `>N` `>=N` | compares so with N (unsigned) |
/// | `\|N` | has every bit of N set |
/// | `M\|N` | masked with M equals N |
///
/// N and M are decimal numbers or symbolic constants (``SeccompConstants``); `N` and `!N`
/// may also be negative (a 32-bit value such as uid -1) or `u:NAME` / `g:NAME`, a user
/// or group resolved through getpwnam(3) and getgrnam(3). A `~` before the syscall makes
/// the rule an explicit denial. Which syscall names exist is the compiler's business:
/// the parser only checks that a name is made of lower-case letters, digits and `_`.
public struct SeccompProfile: Sendable, Equatable {
    /// What the profile does with a call no rule allows.
    public enum Mode: Sendable, Equatable {
        /// Refuse it (ERRNO(EPERM)); explicit denials answer ERRNO(EACCES).
        case enforce
        /// Let it through and log it (devmode).
        case complain
        /// Load no filter at all (classic confinement).
        case unrestricted
    }

    /// One argument condition of a rule.
    public enum Condition: Sendable, Equatable {
        case any
        case equal(UInt64)
        case notEqual(UInt64)
        case less(UInt64)
        case lessOrEqual(UInt64)
        case greater(UInt64)
        case greaterOrEqual(UInt64)
        /// `argument & mask == value`.
        case maskedEqual(mask: UInt64, value: UInt64)
    }

    /// One line naming a syscall.
    public struct Rule: Sendable, Equatable {
        public var syscall: String
        /// Whether the line began with `~` (an explicit denial).
        public var isDenial: Bool
        /// Conditions on arguments 0 to 5, in order; missing trailing ones are `any`.
        public var conditions: [Condition]
        /// The line number in the source, for messages.
        public var line: Int

        public init(syscall: String, isDenial: Bool = false, conditions: [Condition] = [], line: Int = 0) {
            self.syscall = syscall
            self.isDenial = isDenial
            self.conditions = conditions
            self.line = line
        }
    }

    public var mode: Mode
    public var rules: [Rule]

    /// The most arguments a syscall has, and so the most conditions a rule may carry.
    public static let maximumArguments = 6

    public init(mode: Mode, rules: [Rule]) {
        self.mode = mode
        self.rules = rules
    }

    /// Parses profile source text.
    ///
    /// - Parameters:
    ///   - text: The source.
    ///   - source: The file name (or other origin) messages name.
    /// - Throws: `SandboxError` naming `source`, the line and the bad token.
    public init(parsing text: String, source: String) throws(SandboxError) {
        var mode = Mode.enforce
        var rules: [Rule] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard let first = fields.first, !first.hasPrefix("#") else { continue }
            let location = "\(source):\(lineNumber)"

            if first.hasPrefix("@") {
                guard fields.count == 1 else {
                    throw SandboxError("\(location): \(first) takes no arguments")
                }
                switch first {
                case "@unrestricted": mode = .unrestricted
                case "@complain": if mode != .unrestricted { mode = .complain }
                default: throw SandboxError("\(location): unknown directive \"\(first)\"")
                }
                continue
            }
            rules.append(try Self.rule(fields: fields, line: lineNumber, location: location))
        }
        self.init(mode: mode, rules: rules)
    }

    private static func rule(fields: [String], line: Int, location: String) throws(SandboxError) -> Rule {
        var name = fields[0]
        let isDenial = name.hasPrefix("~")
        if isDenial { name.removeFirst() }
        let validName =
            !name.isEmpty
            && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5f }
        guard validName else {
            throw SandboxError("\(location): invalid syscall name \"\(fields[0])\"")
        }
        let arguments = fields.dropFirst()
        guard arguments.count <= maximumArguments else {
            throw SandboxError(
                "\(location): \(name) has \(arguments.count) argument conditions; a syscall has at most 6"
            )
        }
        var conditions: [Condition] = []
        for token in arguments {
            do throws(SandboxError) {
                conditions.append(try condition(parsing: token))
            } catch {
                throw SandboxError("\(location): argument \"\(token)\" of \(name): \(error.message)")
            }
        }
        return Rule(syscall: name, isDenial: isDenial, conditions: conditions, line: line)
    }

    /// Parses one argument token.
    public static func condition(parsing token: String) throws(SandboxError) -> Condition {
        if token == "-" { return .any }
        for (prefix, make) in orderings where token.hasPrefix(prefix) {
            return make(try unsigned(String(token.dropFirst(prefix.count))))
        }
        if token.hasPrefix("!") {
            return .notEqual(try value(String(token.dropFirst())))
        }
        if let bar = token.firstIndex(of: "|") {
            let maskText = String(token[..<bar])
            let valueText = String(token[token.index(after: bar)...])
            let value = try unsigned(valueText)
            let mask = maskText.isEmpty ? value : try unsigned(maskText)
            return .maskedEqual(mask: mask, value: value)
        }
        return .equal(try value(token))
    }

    /// The comparison prefixes, longest first so `<=` is not read as `<`.
    private static let orderings: [(String, @Sendable (UInt64) -> Condition)] = [
        ("<=", { .lessOrEqual($0) }),
        (">=", { .greaterOrEqual($0) }),
        ("<", { .less($0) }),
        (">", { .greater($0) }),
    ]

    /// A number, a constant, a negative 32-bit number, or a user or group.
    private static func value(_ text: String) throws(SandboxError) -> UInt64 {
        if text.hasPrefix("u:") { return UInt64(try userID(String(text.dropFirst(2)))) }
        if text.hasPrefix("g:") { return UInt64(try groupID(String(text.dropFirst(2)))) }
        if text.hasPrefix("-"), text.count > 1 {
            // A negative number is a 32-bit signed value (uid_t -1 and such), which the
            // kernel sees as its two's complement in the low 32 bits.
            guard let magnitude = UInt64(text.dropFirst()), magnitude <= 1 << 31 else {
                throw SandboxError("\"\(text)\" is not a number between -2147483648 and -1")
            }
            return UInt64(UInt32(truncatingIfNeeded: 0 &- magnitude))
        }
        return try unsigned(text)
    }

    /// A decimal number or a symbolic constant.
    private static func unsigned(_ text: String) throws(SandboxError) -> UInt64 {
        if text.hasPrefix("-") {
            throw SandboxError("\"\(text)\": a negative number may only be compared for equality (N or !N)")
        }
        if let first = text.utf8.first, first >= 0x30 && first <= 0x39 {
            guard let number = UInt64(text) else {
                throw SandboxError("\"\(text)\" is not a decimal number below 2^64")
            }
            return number
        }
        guard !text.isEmpty else { throw SandboxError("a number or constant is missing") }
        guard let constant = SeccompConstants.value(of: text) else {
            throw SandboxError("unknown constant \"\(text)\"")
        }
        return constant
    }

    /// The uid of `name` (getpwnam_r(3): the daemon compiles profiles on several threads,
    /// and getpwnam's static result is not safe there).
    private static func userID(_ name: String) throws(SandboxError) -> uid_t {
        var entry = passwd()
        var found: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        let result = getpwnam_r(name, &entry, &buffer, buffer.count, &found)
        guard !name.isEmpty, result == 0, found != nil else {
            throw SandboxError("no user is named \"\(name)\"", errorNumber: result)
        }
        return entry.pw_uid
    }

    /// The gid of `name` (getgrnam_r(3)).
    private static func groupID(_ name: String) throws(SandboxError) -> gid_t {
        var entry = group()
        var found: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16 * 1024)
        let result = getgrnam_r(name, &entry, &buffer, buffer.count, &found)
        guard !name.isEmpty, result == 0, found != nil else {
            throw SandboxError("no group is named \"\(name)\"", errorNumber: result)
        }
        return entry.gr_gid
    }
}
