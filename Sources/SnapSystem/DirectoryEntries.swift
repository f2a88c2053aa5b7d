import Glibc

/// A name in a directory, kept as the kernel's bytes so a name that is not valid UTF-8 still
/// reaches the *at(2) calls unchanged; `text` is only for messages.
struct EntryName {
    /// The name's bytes with a terminating NUL, ready to pass as a C string.
    let cString: [CChar]
    /// The name as text for messages (invalid UTF-8 replaced).
    var text: String {
        String(decoding: cString.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A path below a tree's root ("" for the root), kept as bytes like ``EntryName``.
struct RelativePath {
    /// The path's bytes with a terminating NUL.
    private(set) var cString: [CChar] = [0]

    /// Whether this is the root itself.
    var isEmpty: Bool { cString.count == 1 }
    /// The path as text for messages.
    var text: String {
        String(decoding: cString.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// This path with one more component.
    func appending(_ name: EntryName) -> RelativePath {
        var result = RelativePath()
        result.cString = isEmpty ? name.cString : cString.dropLast() + [CChar(UInt8(ascii: "/"))] + name.cString
        return result
    }
}

/// Lists the names in a directory open at a descriptor, without `.` and `..`
/// (fdopendir(3), readdir(3)).
enum DirectoryEntries {
    /// The names in the directory open at `descriptor`, read in one pass.
    ///
    /// The descriptor is duplicated (dup(2)) because closedir(3) closes the one it was given;
    /// the caller's stays open, with its offset moved.
    /// - Parameters:
    ///   - descriptor: An open directory.
    ///   - path: Its path, for errors.
    /// - Returns: The names, in directory order.
    /// - Throws: ``SystemError``.
    static func names(in descriptor: Int32, path: String) throws(SystemError) -> [EntryName] {
        let copy = try syscall("dup", path) { fcntl(descriptor, F_DUPFD_CLOEXEC, 0) }
        lseek(copy, 0, SEEK_SET)
        guard let stream = fdopendir(copy) else {
            let code = errno
            close(copy)
            throw failure(code, "fdopendir", path)
        }
        defer { closedir(stream) }

        var names: [EntryName] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                let code = errno
                guard code == 0 else { throw failure(code, "readdir", path) }
                return names
            }
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                raw.prefix { $0 != 0 }.map { CChar(bitPattern: $0) }
            }
            if bytes != [46] && bytes != [46, 46] { names.append(EntryName(cString: bytes + [0])) }
        }
    }
}
