import CSnapShim

#if canImport(Glibc)
import Glibc
#endif

/// A compiled seccomp profile (`seccomp/bpf/TAG.bin2`), checked and ready to load.
///
/// The layout (a 128-byte header, then an allow and a deny filter) is in
/// docs/confinement.md. The launcher trusts the filters only as far as it trusts their
/// file, so ``read(path:)`` refuses a file that anyone but root could have written.
public struct SeccompFilterFile: Sendable, Equatable {
    /// Whether the profile loads no filter at all (classic confinement).
    public var isUnrestricted: Bool
    /// The allow filter: `struct sock_filter` instructions, 8 bytes each.
    public var allowFilter: [UInt8]
    /// The deny filter.
    public var denyFilter: [UInt8]
    /// The file the filters came from, for messages.
    public var path: String

    /// The header's size.
    public static let headerSize = 128
    /// The largest filter a file may carry (4096 instructions, the kernel's limit).
    public static let maximumFilterSize = 32 * 1024
    /// The format version this code reads and writes.
    public static let version: UInt8 = 1
    /// Header flag bit 0: no filter at all.
    static let unrestrictedFlag: UInt8 = 1

    /// Reads and checks `path`: header, sizes, and that the file and every directory above
    /// it are owned by root and not writable by group or others.
    ///
    /// The walk opens each directory from `/` down relative to the previous one, with
    /// O_NOFOLLOW (openat(2)), and checks the descriptor it got (fstat(2)): a symbolic link
    /// on the way is refused, and nothing can be swapped between the check and the read.
    ///
    /// - Throws: `SandboxError` naming the offending path and what is wrong with it.
    public static func read(path: String) throws(SandboxError) -> SeccompFilterFile {
        guard path.hasPrefix("/") else {
            throw SandboxError("\(path): a seccomp profile path must be absolute")
        }
        var components = path.split(separator: "/").map(String.init)
        guard let leaf = components.popLast() else {
            throw SandboxError("\(path): not a seccomp profile file")
        }

        var directory = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw SandboxError.system("cannot open /") }
        defer { close(directory) }
        try checkOwnership(of: directory, path: "/", expectDirectory: true)
        var walked = ""
        for component in components {
            walked += "/" + component
            let next = try openBelow(directory, component, path: walked, flags: O_RDONLY | O_DIRECTORY)
            close(directory)
            directory = next
            try checkOwnership(of: directory, path: walked, expectDirectory: true)
        }

        let file = try openBelow(directory, leaf, path: path, flags: O_RDONLY)
        defer { close(file) }
        let size = try checkOwnership(of: file, path: path, expectDirectory: false)
        let limit = headerSize + 2 * maximumFilterSize
        guard size <= limit else {
            throw SandboxError("\(path): \(size) bytes is more than a seccomp profile may hold (\(limit))")
        }
        return try SeccompFilterFile(bytes: try readAll(file, size: size, path: path), path: path)
    }

    /// Checks the header and sizes of a file's bytes.
    ///
    /// - Parameters:
    ///   - bytes: The whole file.
    ///   - path: The file's name, for messages.
    /// - Throws: `SandboxError` naming `path` and the first thing wrong.
    public init(bytes: [UInt8], path: String) throws(SandboxError) {
        guard bytes.count >= Self.headerSize else {
            throw SandboxError("\(path): truncated: \(bytes.count) bytes, shorter than the 128-byte header")
        }
        guard bytes[0] == UInt8(ascii: "S"), bytes[1] == UInt8(ascii: "C") else {
            throw SandboxError("\(path): bad magic: not a compiled seccomp profile")
        }
        guard bytes[2] == Self.version else {
            throw SandboxError("\(path): unsupported version \(bytes[2]) (this launcher reads version 1)")
        }
        let flags = bytes[3]
        guard flags & ~Self.unrestrictedFlag == 0 else {
            throw SandboxError("\(path): unknown header flags \(flags)")
        }
        let allowLength = Self.littleEndian32(bytes, at: 8)
        let denyLength = Self.littleEndian32(bytes, at: 12)
        for (name, length) in [("allow", allowLength), ("deny", denyLength)] {
            guard length % 8 == 0 else {
                throw SandboxError("\(path): the \(name) filter's length \(length) is not a multiple of 8")
            }
            guard length <= Self.maximumFilterSize else {
                throw SandboxError("\(path): the \(name) filter's length \(length) is over 32 KiB")
            }
        }
        let expected = Self.headerSize + allowLength + denyLength
        guard bytes.count == expected else {
            throw SandboxError(
                "\(path): the file has \(bytes.count) bytes but its header says \(expected) "
                    + "(128 + allow \(allowLength) + deny \(denyLength))"
            )
        }
        let isUnrestricted = flags & Self.unrestrictedFlag != 0
        if isUnrestricted {
            guard allowLength == 0, denyLength == 0 else {
                throw SandboxError("\(path): an unrestricted profile carries filters")
            }
        } else {
            guard allowLength > 0, denyLength > 0 else {
                throw SandboxError("\(path): a restricted profile lacks its allow or deny filter")
            }
        }
        self.isUnrestricted = isUnrestricted
        self.allowFilter = Array(bytes[Self.headerSize..<Self.headerSize + allowLength])
        self.denyFilter = Array(bytes[Self.headerSize + allowLength..<expected])
        self.path = path
    }

    /// The bytes of a `.bin2` file holding `allow` and `deny` (empty for `unrestricted`).
    public static func encoded(allow: [UInt8], deny: [UInt8], unrestricted: Bool) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: headerSize)
        header[0] = UInt8(ascii: "S")
        header[1] = UInt8(ascii: "C")
        header[2] = version
        header[3] = unrestricted ? unrestrictedFlag : 0
        for (offset, value) in [(8, allow.count), (12, deny.count)] {
            for index in 0..<4 { header[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
        }
        return header + allow + deny
    }

    /// Loads the deny filter, then the allow filter, into the calling thread (and so its
    /// later children), with `SECCOMP_FILTER_FLAG_LOG`. The caller must hold CAP_SYS_ADMIN
    /// or have set no_new_privs. An unrestricted profile loads nothing.
    ///
    /// The order matters: when both filters answer with an errno, the kernel keeps the
    /// answer of the filter loaded last, so the allow filter's rules must let a call
    /// through for the deny filter's EACCES to show.
    ///
    /// - Throws: `SandboxError` naming the file and the seccomp(2) error.
    public func load() throws(SandboxError) {
        guard !isUnrestricted else { return }
        for (name, program) in [("deny", denyFilter), ("allow", allowFilter)] {
            let result = program.withUnsafeBytes { buffer in
                csnap_seccomp_load_filter(buffer.baseAddress, buffer.count, csnap_seccomp_flag_log())
            }
            guard result == 0 else {
                throw SandboxError.system("\(path): cannot load the \(name) seccomp filter")
            }
        }
    }

    private static func littleEndian32(_ bytes: [UInt8], at offset: Int) -> Int {
        (0..<4).reduce(0) { value, index in value | Int(bytes[offset + index]) << (8 * index) }
    }

    /// Opens `name` in `directory` without following a symbolic link.
    private static func openBelow(
        _ directory: Int32,
        _ name: String,
        path: String,
        flags: Int32
    ) throws(SandboxError) -> Int32 {
        let descriptor = openat(directory, name, flags | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            let error = errno
            if error == ELOOP || (error == ENOTDIR && flags & O_DIRECTORY != 0) {
                var status = stat()
                if fstatat(directory, name, &status, AT_SYMLINK_NOFOLLOW) == 0,
                    status.st_mode & S_IFMT == S_IFLNK
                {
                    throw SandboxError("\(path) is a symbolic link; a seccomp profile's path may hold none")
                }
            }
            throw SandboxError.system("cannot open \(path)", errorNumber: error)
        }
        return descriptor
    }

    /// Checks that the object at `descriptor` is owned by root, writable by nobody else,
    /// and of the expected kind. Returns its size.
    @discardableResult
    private static func checkOwnership(
        of descriptor: Int32,
        path: String,
        expectDirectory: Bool
    ) throws(SandboxError) -> Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw SandboxError.system("cannot inspect \(path)") }
        let kind = status.st_mode & S_IFMT
        guard kind == (expectDirectory ? S_IFDIR : S_IFREG) else {
            throw SandboxError("\(path) is not a \(expectDirectory ? "directory" : "regular file")")
        }
        guard status.st_uid == 0 else {
            throw SandboxError("\(path) is owned by uid \(status.st_uid), not root")
        }
        guard status.st_mode & 0o022 == 0 else {
            let mode = String(status.st_mode & 0o7777, radix: 8)
            throw SandboxError("\(path) is writable by group or others (mode \(mode))")
        }
        return Int(status.st_size)
    }

    private static func readAll(_ descriptor: Int32, size: Int, path: String) throws(SandboxError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let count = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(descriptor, buffer.baseAddress.map { $0 + filled }, size - filled)
            }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw SandboxError.system("cannot read \(path)") }
            guard count > 0 else { throw SandboxError("\(path): the file shrank while it was read") }
            filled += count
        }
        return bytes
    }
}
