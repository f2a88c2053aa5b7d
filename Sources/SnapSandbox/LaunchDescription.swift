#if canImport(Glibc)
import Glibc
#endif

/// How one app or hook of a snap is launched: the file `sandbox/TAG` the daemon writes
/// in the install change, and `snap run`, `snap-confine` and `snap-exec` read.
///
/// Text, one `key value` pair a line (the first space separates the key), `#` starts a
/// comment line. `command-chain` and `environment` may repeat; every other key appears
/// at most once. The layout is in docs/confinement.md.
public struct LaunchDescription: Sendable, Equatable {
    /// How much the sandbox holds the app in.
    public enum Confinement: String, Sendable {
        case strict, devmode, classic
    }

    public var snapName: String
    public var instanceName: String
    public var instanceKey: String
    public var revision: String
    public var version: String
    /// The base snap's name, `bare` for `base: bare`, empty for a classic snap with none.
    public var base: String
    public var confinement: Confinement
    /// The app's name, or nil for a hook.
    public var app: String?
    /// The hook's name, or nil for an app.
    public var hook: String?
    /// The command line, relative to `$SNAP`; empty for hooks (they run `meta/hooks/HOOK`).
    public var command: String
    /// Programs run before the command, relative to `$SNAP`.
    public var commandChain: [String]
    /// The snap's then the app's environment, in order, unexpanded (`NAME=VALUE`).
    public var environment: [String]
    /// The cgroup `pids.max` limit, if any.
    public var pidsMax: Int?
    /// The cgroup `memory.max` limit in bytes, if any.
    public var memoryMax: Int?

    public init(
        snapName: String,
        instanceName: String,
        instanceKey: String = "",
        revision: String,
        version: String,
        base: String,
        confinement: Confinement,
        app: String?,
        hook: String? = nil,
        command: String,
        commandChain: [String] = [],
        environment: [String] = [],
        pidsMax: Int? = nil,
        memoryMax: Int? = nil
    ) {
        self.snapName = snapName
        self.instanceName = instanceName
        self.instanceKey = instanceKey
        self.revision = revision
        self.version = version
        self.base = base
        self.confinement = confinement
        self.app = app
        self.hook = hook
        self.command = command
        self.commandChain = commandChain
        self.environment = environment
        self.pidsMax = pidsMax
        self.memoryMax = memoryMax
    }

    /// The security tag this description is for.
    public func securityTag() throws(SandboxError) -> SecurityTag {
        if let hook { return try SecurityTag(instanceName: instanceName, hook: hook) }
        return try SecurityTag(instanceName: instanceName, app: app ?? "")
    }

    /// The file's text.
    public func rendered() -> String {
        var lines = [
            "# Written by snapd: how snap run, snap-confine and snap-exec launch this program.",
            "snap-name \(snapName)",
            "instance-name \(instanceName)",
            "instance-key \(instanceKey)",
            "revision \(revision)",
            "version \(version)",
            "base \(base)",
            "confinement \(confinement.rawValue)",
        ]
        if let app { lines.append("app \(app)") }
        if let hook { lines.append("hook \(hook)") }
        if !command.isEmpty { lines.append("command \(command)") }
        lines += commandChain.map { "command-chain \($0)" }
        lines += environment.map { "environment \($0)" }
        if let pidsMax { lines.append("pids-max \(pidsMax)") }
        if let memoryMax { lines.append("memory-max \(memoryMax)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Parses the file's text; `source` names it in errors.
    public init(parsing text: String, source: String) throws(SandboxError) {
        var values: [String: String] = [:]
        var chain: [String] = []
        var environment: [String] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = String(rawLine)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let key: String
            let value: String
            if let space = line.firstIndex(of: " ") {
                key = String(line[..<space])
                value = String(line[line.index(after: space)...])
            } else {
                key = line
                value = ""
            }
            guard !value.contains("\0") else { throw SandboxError("\(source):\(lineNumber): NUL byte in value") }
            switch key {
            case "command-chain": chain.append(value)
            case "environment":
                guard value.contains("=") else {
                    throw SandboxError("\(source):\(lineNumber): environment entry \"\(value)\" has no \"=\"")
                }
                environment.append(value)
            case "snap-name", "instance-name", "instance-key", "revision", "version", "base", "confinement", "app",
                "hook", "command", "pids-max", "memory-max":
                guard values[key] == nil else { throw SandboxError("\(source):\(lineNumber): \"\(key)\" repeated") }
                values[key] = value
            default:
                throw SandboxError("\(source):\(lineNumber): unknown key \"\(key)\"")
            }
        }
        func required(_ key: String) throws(SandboxError) -> String {
            guard let value = values[key], !value.isEmpty else {
                throw SandboxError("\(source): \"\(key)\" is missing")
            }
            return value
        }
        func limit(_ key: String) throws(SandboxError) -> Int? {
            guard let text = values[key] else { return nil }
            guard let number = Int(text), number > 0 else {
                throw SandboxError("\(source): \"\(key)\" is not a positive number: \"\(text)\"")
            }
            return number
        }
        snapName = try required("snap-name")
        instanceName = try required("instance-name")
        instanceKey = values["instance-key"] ?? ""
        revision = try required("revision")
        version = values["version"] ?? ""
        base = values["base"] ?? ""
        let confinementText = try required("confinement")
        guard let confinement = Confinement(rawValue: confinementText) else {
            throw SandboxError("\(source): unknown confinement \"\(confinementText)\"")
        }
        self.confinement = confinement
        app = values["app"]
        hook = values["hook"]
        guard (app == nil) != (hook == nil) else {
            throw SandboxError("\(source): exactly one of app and hook is needed")
        }
        command = values["command"] ?? ""
        commandChain = chain
        self.environment = environment
        pidsMax = try limit("pids-max")
        memoryMax = try limit("memory-max")
        guard SecurityTag.isSnapName(snapName) else {
            throw SandboxError("\(source): invalid snap name \"\(snapName)\"")
        }
        _ = try securityTag()
    }

    /// Reads and parses `path`.
    public static func read(path: String) throws(SandboxError) -> LaunchDescription {
        try LaunchDescription(parsing: try SandboxFile.readText(path: path, limit: 1 << 20), source: path)
    }
}

/// Small whole-file reads for the launch path, with no Foundation.
public enum SandboxFile {
    /// Reads the whole regular file at `path`, refusing files larger than `limit` bytes.
    public static func readBytes(path: String, limit: Int) throws(SandboxError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else { throw SandboxError.system("cannot open \(path)") }
        defer { close(descriptor) }
        return try readBytes(descriptor: descriptor, name: path, limit: limit)
    }

    /// Reads everything left in an open descriptor, which must be a regular file.
    public static func readBytes(descriptor: Int32, name: String, limit: Int) throws(SandboxError) -> [UInt8] {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw SandboxError.system("cannot inspect \(name)") }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw SandboxError("\(name) is not a regular file") }
        guard Int(status.st_size) <= limit else {
            throw SandboxError("\(name) is \(status.st_size) bytes, more than the \(limit) allowed")
        }
        // Files of /proc report a size of 0, and some (sysctl values) answer only a read
        // from offset 0: the first read asks for a page at least.
        var bytes = [UInt8](repeating: 0, count: min(max(Int(status.st_size) + 1, 4096), limit + 1))
        var filled = 0
        while true {
            if filled == bytes.count {
                guard bytes.count <= limit else { throw SandboxError("\(name) grew past \(limit) bytes while read") }
                bytes += [UInt8](repeating: 0, count: 4096)
            }
            let count = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let start = buffer.baseAddress else { return 0 }
                return read(descriptor, start + filled, buffer.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw SandboxError.system("cannot read \(name)")
            }
            if count == 0 { break }
            filled += count
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    /// Reads a UTF-8 text file.
    public static func readText(path: String, limit: Int) throws(SandboxError) -> String {
        let bytes = try readBytes(path: path, limit: limit)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw SandboxError("\(path) is not valid UTF-8")
        }
        return text
    }
}
