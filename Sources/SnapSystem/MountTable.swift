import Glibc

/// The mounts this process sees, read from /proc/self/mountinfo.
public struct MountTable: Sendable, Equatable {
    /// The mounts, in the kernel's order (a mount comes after the one it sits on).
    public var entries: [MountEntry]

    /// Creates a table from parsed entries.
    /// - Parameter entries: The mounts.
    public init(entries: [MountEntry]) {
        self.entries = entries
    }

    /// Parses mountinfo text; lines that do not have the mountinfo shape are skipped.
    /// - Parameter text: The content of a mountinfo file.
    public init(mountInfo text: String) {
        entries = text.split(separator: "\n").compactMap { MountEntry(mountInfoLine: $0) }
    }

    /// Reads the current process's mount table.
    /// - Parameter path: The mountinfo file to read.
    /// - Returns: The table.
    /// - Throws: ``SystemError`` when the file cannot be read.
    public static func current(from path: String = "/proc/self/mountinfo") throws(SystemError) -> MountTable {
        MountTable(mountInfo: try readSmallFile(path))
    }

    /// The mount visible at `mountPoint`: the last one mounted there, since it hides the others.
    /// - Parameter mountPoint: An absolute canonical path.
    /// - Returns: The entry, or nil when nothing is mounted there.
    public func entry(at mountPoint: String) -> MountEntry? {
        entries.last { $0.mountPoint == mountPoint }
    }
}

/// Reads a whole file whose size stat(2) may not report, such as a /proc or /sys file.
/// - Parameter path: The file.
/// - Returns: Its content as text.
/// - Throws: ``SystemError``.
func readSmallFile(_ path: String) throws(SystemError) -> String {
    let file = try FileDescriptor(opening: path, flags: O_RDONLY)
    var content: [UInt8] = []
    let size = 65_536
    let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
    defer { buffer.deallocate() }
    while true {
        let count = try syscall("read", path) { read(file.rawValue, buffer, size) }
        if count == 0 { return String(decoding: content, as: UTF8.self) }
        content.append(contentsOf: UnsafeBufferPointer(start: buffer, count: count))
    }
}
