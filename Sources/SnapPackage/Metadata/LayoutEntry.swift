/// One entry of `layout`: what appears at a path inside the snap's mount namespace.
public struct LayoutEntry: Sendable, Hashable {
    /// What the path becomes.
    public enum Kind: Sendable, Hashable {
        /// A bind mount of a directory (`bind`).
        case bind(String)
        /// A bind mount of a file (`bind-file`).
        case bindFile(String)
        /// A symbolic link (`symlink`).
        case symlink(String)
        /// A filesystem of this type (`type`; only `tmpfs` is valid).
        case filesystem(String)
    }

    /// The path, possibly starting with `$SNAP`, `$SNAP_DATA` or `$SNAP_COMMON`.
    public var path: String
    /// Every kind the entry defines; a valid entry defines exactly one.
    public var kinds: [Kind]
    /// The owner (`user`), nil when absent.
    public var user: String?
    /// The group (`group`), nil when absent.
    public var group: String?
    /// The mode (`mode`, octal text in snap.yaml), 0o755 when absent.
    public var mode: UInt32

    /// Creates an entry.
    public init(path: String, kinds: [Kind], user: String? = nil, group: String? = nil, mode: UInt32 = 0o755) {
        self.path = path
        self.kinds = kinds
        self.user = user
        self.group = group
        self.mode = mode
    }

    /// The single kind of a valid entry, nil when none or several are given.
    public var kind: Kind? {
        kinds.count == 1 ? kinds.first : nil
    }
}
