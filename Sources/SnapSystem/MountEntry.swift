/// One mount, as a line of /proc/self/mountinfo describes it (proc_pid_mountinfo(5)).
///
/// Paths and the source are unescaped: the kernel writes space, tab, newline and backslash
/// as octal escapes (`\040`, `\011`, `\012`, `\134`).
public struct MountEntry: Sendable, Equatable {
    /// The mount's unique ID.
    public var mountID: Int
    /// The ID of the mount this one sits on.
    public var parentID: Int
    /// The `major:minor` device number of the filesystem, such as `7:3`.
    public var device: String
    /// The directory of the filesystem that is mounted (`/` for a whole filesystem).
    public var root: String
    /// Where it is mounted, as an absolute canonical path.
    public var mountPoint: String
    /// Per-mount options, such as `ro`, `nodev`, `relatime`.
    public var mountOptions: [String]
    /// The filesystem type, such as `squashfs` or `fuse.squashfuse`.
    public var filesystemType: String
    /// The mount source, such as `/dev/loop3` or the image path squashfuse was given.
    public var source: String
    /// Per-filesystem options.
    public var superOptions: [String]

    /// Whether the mount is read-only.
    public var isReadOnly: Bool { mountOptions.contains("ro") }

    /// Parses one line of mountinfo.
    /// - Parameter line: The line, without its newline.
    ///   Fails when the line does not have the mountinfo shape.
    public init?(mountInfoLine line: Substring) {
        let fields = line.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count >= 10, let separator = fields[6...].firstIndex(of: "-"), separator + 3 < fields.count,
            let mountID = Int(fields[0]), let parentID = Int(fields[1])
        else { return nil }

        self.mountID = mountID
        self.parentID = parentID
        device = String(fields[2])
        root = Self.unescape(fields[3])
        mountPoint = Self.unescape(fields[4])
        mountOptions = fields[5].split(separator: ",").map(String.init)
        filesystemType = Self.unescape(fields[separator + 1])
        source = Self.unescape(fields[separator + 2])
        superOptions = fields[separator + 3].split(separator: ",").map(String.init)
    }

    /// Replaces the kernel's `\ooo` octal escapes with the bytes they stand for.
    static func unescape(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var bytes: [UInt8] = []
        let utf8 = Array(field.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "\\"), index + 3 < utf8.count,
                let value = octal(utf8[(index + 1)...(index + 3)])
            {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func octal(_ digits: ArraySlice<UInt8>) -> UInt8? {
        var value: UInt32 = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "7") else { return nil }
            value = value * 8 + UInt32(digit - UInt8(ascii: "0"))
        }
        return value <= 255 ? UInt8(value) : nil
    }
}
