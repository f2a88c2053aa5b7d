/// One entry of a `.snap` image as the reader lists it: path, type, permissions, size, owner.
public struct ImageEntry: Equatable, Sendable, CustomStringConvertible {
    /// The type of an entry, from its inode.
    public enum Kind: Equatable, Sendable {
        /// A regular file.
        case regular
        /// A directory.
        case directory
        /// A symbolic link; `ImageEntry.symlinkTarget` holds its target.
        case symlink
        /// A block device node.
        case blockDevice
        /// A character device node.
        case characterDevice
        /// A named pipe.
        case fifo
        /// A unix socket.
        case socket

        /// The first character of an `ls -l` mode string.
        var letter: Character {
            switch self {
            case .regular: "-"
            case .directory: "d"
            case .symlink: "l"
            case .blockDevice: "b"
            case .characterDevice: "c"
            case .fifo: "p"
            case .socket: "s"
            }
        }
    }

    /// The path inside the image, without a leading slash (`meta/snap.yaml`).
    public let path: String
    /// The type of the entry.
    public let kind: Kind
    /// The permission bits, setuid, setgid and sticky included (`0o755`).
    public let permissions: UInt16
    /// The size in bytes for a regular file, the target length for a symlink, the stored listing
    /// size for a directory (what `unsquashfs -l` shows), 0 otherwise.
    public let size: UInt64
    /// The target of a symlink, as stored.
    public let symlinkTarget: String?
    /// The owner's user id.
    public let uid: UInt32
    /// The owner's group id.
    public let gid: UInt32
    /// The modification time, seconds since the epoch.
    public let modificationTime: UInt32

    /// Creates an entry; the reader fills these from the image.
    public init(
        path: String,
        kind: Kind,
        permissions: UInt16,
        size: UInt64,
        symlinkTarget: String? = nil,
        uid: UInt32 = 0,
        gid: UInt32 = 0,
        modificationTime: UInt32 = 0
    ) {
        self.path = path
        self.kind = kind
        self.permissions = permissions
        self.size = size
        self.symlinkTarget = symlinkTarget
        self.uid = uid
        self.gid = gid
        self.modificationTime = modificationTime
    }

    /// True for FIFOs, sockets and device nodes.
    public var isSpecialFile: Bool {
        switch kind {
        case .regular, .directory, .symlink: false
        case .blockDevice, .characterDevice, .fifo, .socket: true
        }
    }

    /// The permissions as `ls -l` prints them (`-rwxr-xr-x`, `drwxr-xr-x`).
    public var modeString: String {
        var text = String(kind.letter)
        let letters: [Character] = ["r", "w", "x"]
        for bit in 0..<9 {
            let set = permissions & (0o400 >> UInt16(bit)) != 0
            text.append(set ? letters[bit % 3] : "-")
        }
        return text
    }

    /// One line in the shape of `unsquashfs -lln` without times: mode, owner, size, path.
    public var description: String {
        let shown = symlinkTarget.map { "\(path) -> \($0)" } ?? path
        return "\(modeString) \(uid)/\(gid) \(size) \(shown)"
    }
}
