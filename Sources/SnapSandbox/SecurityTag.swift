/// The name a confined process is known by: `snap.NAME[_KEY].APP` for an app,
/// `snap.NAME[_KEY].hook.HOOK` for a hook.
///
/// Profiles, cgroups and the launch description are all keyed by it, so it is
/// validated strictly before any of them is looked up.
public struct SecurityTag: Sendable, Hashable, CustomStringConvertible {
    /// The snap's name, without the instance key.
    public let snapName: String
    /// The parallel-instance key (1 to 10 of `[a-z0-9]`), or empty.
    public let instanceKey: String
    /// The app name, or the hook name when ``isHook`` is true.
    public let program: String
    /// Whether the tag names a hook.
    public let isHook: Bool

    /// `NAME` or `NAME_KEY`.
    public var instanceName: String { instanceKey.isEmpty ? snapName : "\(snapName)_\(instanceKey)" }

    public var description: String {
        isHook ? "snap.\(instanceName).hook.\(program)" : "snap.\(instanceName).\(program)"
    }

    /// The tag with `_` for every `.`, as udev and the device cgroup name it.
    public var underscored: String {
        String(description.map { $0 == "." ? "_" : $0 })
    }

    /// A tag from its parts, validated.
    public init(instanceName: String, app: String) throws(SandboxError) {
        try self.init(parsing: "snap.\(instanceName).\(app)")
    }

    /// A hook's tag from its parts, validated.
    public init(instanceName: String, hook: String) throws(SandboxError) {
        try self.init(parsing: "snap.\(instanceName).hook.\(hook)")
    }

    /// Parses and validates a tag.
    public init(parsing text: String) throws(SandboxError) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 || (parts.count == 4 && parts[2] == "hook"), parts[0] == "snap" else {
            throw SandboxError("security tag \"\(text)\" is not snap.NAME.APP or snap.NAME.hook.HOOK")
        }
        let instance = parts[1].split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        guard instance.count <= 2, Self.isSnapName(instance[0]) else {
            throw SandboxError("security tag \"\(text)\" has an invalid snap name")
        }
        let key = instance.count == 2 ? instance[1] : ""
        if instance.count == 2 {
            guard (1...10).contains(key.utf8.count), key.utf8.allSatisfy({ Self.isLowerAlnum($0) }) else {
                throw SandboxError("security tag \"\(text)\" has an invalid instance key")
            }
        }
        let program = parts[parts.count - 1]
        let valid = parts.count == 4 ? Self.isHookName(program) : Self.isAppName(program)
        guard valid else {
            throw SandboxError("security tag \"\(text)\" has an invalid \(parts.count == 4 ? "hook" : "app") name")
        }
        snapName = instance[0]
        instanceKey = key
        self.program = program
        isHook = parts.count == 4
    }

    /// Snap names: 1 to 40 of lowercase letters, digits and single inner hyphens, with a letter.
    public static func isSnapName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...40).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-")
        else { return false }
        var previousHyphen = false
        var hasLetter = false
        for byte in bytes {
            if byte == UInt8(ascii: "-") {
                if previousHyphen { return false }
                previousHyphen = true
            } else {
                guard isLowerAlnum(byte) else { return false }
                if byte >= UInt8(ascii: "a") { hasLetter = true }
                previousHyphen = false
            }
        }
        return hasLetter
    }

    /// App names: letters, digits and inner hyphens.
    static func isAppName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { byte in
            byte == UInt8(ascii: "-") || isLowerAlnum(byte) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
        }
    }

    /// Hook names: lowercase letters, digits and inner hyphens.
    static func isHookName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { $0 == UInt8(ascii: "-") || isLowerAlnum($0) }
    }

    static func isLowerAlnum(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}
