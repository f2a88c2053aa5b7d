import Glibc

/// The few file-system reads the metadata code makes, on plain Glibc calls.
enum MetadataFiles {
    /// What `lstat(2)` says about a path.
    struct Status {
        /// The full `st_mode`: type and permission bits.
        var mode: UInt32

        var isDirectory: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFDIR) }
        var isRegular: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFREG) }
        var isSymlink: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFLNK) }
        var permissions: UInt32 { mode & 0o7777 }
    }

    /// The largest metadata file read; snap.yaml files are a few kilobytes.
    static let maximumFileSize = 16 << 20

    /// Reads a whole file with open(2) and read(2).
    ///
    /// - Throws: ``SnapYAMLError`` of kind `.file`, worded like Go's
    ///   `open PATH: no such file or directory`.
    static func readBytes(at path: String) throws(SnapYAMLError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("open", path, errno) }
        defer { close(descriptor) }

        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("read", path, errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > maximumFileSize { throw SnapYAMLError(.file, "read \(path): file too large") }
        }
        return bytes
    }

    /// `lstat(2)` of a path, nil when it does not exist.
    static func status(at path: String) -> Status? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return Status(mode: info.st_mode)
    }

    /// Names in a directory, without `.` and `..`; empty when it cannot be read.
    static func names(inDirectory path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Go's text for an errno: strerror, first letter lower-cased.
    static func failure(_ operation: String, _ path: String, _ code: Int32) -> SnapYAMLError {
        var text = String(cString: strerror(code))
        if let first = text.first { text = first.lowercased() + text.dropFirst() }
        return SnapYAMLError(.file, "\(operation) \(path): \(text)")
    }

    /// Go's `FileMode.String()` for a mode: type and special-bit letters (or `-`), then `rwx` triplets.
    static func modeString(_ mode: UInt32) -> String {
        let type = mode & UInt32(S_IFMT)
        let letters: [(Bool, Character)] = [
            (type == UInt32(S_IFDIR), "d"), (type == UInt32(S_IFLNK), "L"),
            (type == UInt32(S_IFBLK) || type == UInt32(S_IFCHR), "D"), (type == UInt32(S_IFIFO), "p"),
            (type == UInt32(S_IFSOCK), "S"), (mode & 0o4000 != 0, "u"), (mode & 0o2000 != 0, "g"),
            (type == UInt32(S_IFCHR), "c"), (mode & 0o1000 != 0, "t"),
        ]
        var result = String(letters.filter(\.0).map(\.1))
        if result.isEmpty { result = "-" }
        let permissions: [Character] = ["r", "w", "x"]
        for bit in 0..<9 {
            result.append(mode & (1 << (8 - bit)) != 0 ? permissions[bit % 3] : "-")
        }
        return result
    }
}
