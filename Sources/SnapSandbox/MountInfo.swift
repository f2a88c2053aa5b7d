#if canImport(Glibc)
import Glibc
#endif

/// One line of `/proc/PID/mountinfo` (proc(5)): a mount as the reading process's namespace
/// sees it.
///
/// The kernel separates fields with single spaces and escapes space, tab, newline and
/// backslash inside a field as `\040`, `\011`, `\012` and `\134`, so the parser splits on
/// the space byte only and decodes those escapes; any other byte (a non-ASCII space, a lone
/// backslash) is kept as it is.
public struct MountInfoEntry: Sendable, Equatable {
    public var mountID: Int
    public var parentID: Int
    /// `major:minor` of the filesystem.
    public var device: String
    /// The directory of the filesystem mounted here (`/` for a whole filesystem).
    public var root: String
    public var mountPoint: String
    /// Per-mount options (`rw,nosuid...`).
    public var mountOptions: String
    /// Tags such as `shared:12`, `master:3`, `propagate_from:2`, `unbindable`.
    public var optionalFields: [String]
    public var filesystemType: String
    public var source: String
    /// Per-superblock options.
    public var superOptions: String

    /// Whether the mount propagates to and from peers (`shared:N`).
    public var isShared: Bool { optionalFields.contains { $0.hasPrefix("shared:") } }
}

/// Parses `/proc/self/mountinfo`.
public enum MountInfo {
    /// Parses every line of `text`; `source` names the file in errors.
    public static func parse(_ text: String, source: String = "mountinfo") throws(SandboxError) -> [MountInfoEntry] {
        var entries: [MountInfoEntry] = []
        var lineNumber = 0
        for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            lineNumber += 1
            guard let entry = parseLine(Array(line)) else {
                throw SandboxError("\(source):\(lineNumber): malformed mountinfo line")
            }
            entries.append(entry)
        }
        return entries
    }

    /// Reads and parses the calling process's mount table.
    public static func current() throws(SandboxError) -> [MountInfoEntry] {
        let path = "/proc/self/mountinfo"
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SandboxError.system("cannot open \(path)") }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw SandboxError.system("cannot read \(path)")
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        return try parse(String(decoding: bytes, as: UTF8.self), source: path)
    }

    /// The last entry (the one on top) mounted at `mountPoint`, if any.
    public static func topmost(at mountPoint: String, in entries: [MountInfoEntry]) -> MountInfoEntry? {
        entries.last { $0.mountPoint == mountPoint }
    }

    /// One line, or nil when it lacks a field.
    static func parseLine(_ line: [UInt8]) -> MountInfoEntry? {
        let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false).map {
            decode(Array($0))
        }
        guard fields.count >= 10, let separator = fields[6...].firstIndex(of: "-"), separator + 3 < fields.count
        else { return nil }
        guard let mountID = Int(fields[0]), let parentID = Int(fields[1]) else { return nil }
        guard !fields[3].isEmpty, !fields[4].isEmpty else { return nil }
        return MountInfoEntry(
            mountID: mountID,
            parentID: parentID,
            device: fields[2],
            root: fields[3],
            mountPoint: fields[4],
            mountOptions: fields[5],
            optionalFields: Array(fields[6..<separator]),
            filesystemType: fields[separator + 1],
            source: fields[separator + 2],
            superOptions: fields[(separator + 3)...].joined(separator: " ")
        )
    }

    /// Decodes the kernel's octal escapes (`\NNN`, three octal digits); other bytes pass.
    static func decode(_ field: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(field.count)
        var index = 0
        while index < field.count {
            let byte = field[index]
            if byte == UInt8(ascii: "\\"), index + 4 <= field.count, let value = octal(field[(index + 1)..<(index + 4)])
            {
                out.append(value)
                index += 4
                continue
            }
            out.append(byte)
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Three octal digits as a byte, or nil.
    static func octal(_ digits: ArraySlice<UInt8>) -> UInt8? {
        guard digits.count == 3 else { return nil }
        var value = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "7") else { return nil }
            value = value * 8 + Int(digit - UInt8(ascii: "0"))
        }
        return value <= 255 ? UInt8(value) : nil
    }
}
