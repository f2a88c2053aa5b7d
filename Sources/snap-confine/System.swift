import CSnapShim
import SnapSandbox

#if canImport(Glibc)
import Glibc
#endif

/// Thin throwing wrappers over the system calls the launcher makes, each error naming the
/// path and the call.
enum System {
    /// mount(2).
    static func mount(
        _ source: String?,
        on target: String,
        type: String? = nil,
        flags: UInt,
        data: String? = nil
    ) throws(SandboxError) {
        let result = withOptionalCString(source) { source in
            withOptionalCString(type) { type in
                withOptionalCString(data) { data in Glibc.mount(source, target, type, flags, data) }
            }
        }
        guard result == 0 else {
            let what = source.map { "\($0) on \(target)" } ?? target
            throw SandboxError.system("cannot mount \(what) (flags \(String(flags, radix: 16)))")
        }
    }

    /// A detached bind mount of the directory open at `descriptor`, made in the current
    /// namespace and attachable in one created later.
    static func cloneMount(_ descriptor: Int32, name: String) throws(SandboxError) -> Int32 {
        let mount = csnap_clone_mount(descriptor)
        guard mount >= 0 else { throw SandboxError.system("cannot clone the mount of \(name)") }
        return mount
    }

    /// Attaches a detached mount on `target`.
    static func attachMount(_ mount: Int32, on target: String) throws(SandboxError) {
        guard csnap_attach_mount(mount, target) == 0 else { throw SandboxError.system("cannot mount onto \(target)") }
    }

    /// Calls `body` with a C string, or nil.
    static func withOptionalCString<R>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
        guard let text else { return body(nil) }
        return text.withCString { body($0) }
    }

    /// The status of `path` without following a final symlink, or nil when it does not exist.
    static func linkStatus(_ path: String) -> stat? {
        var status = stat()
        return lstat(path, &status) == 0 ? status : nil
    }

    /// The status of `path`, following symlinks, or nil.
    static func status(_ path: String) -> stat? {
        var status = stat()
        return stat(path, &status) == 0 ? status : nil
    }

    /// The status of an open descriptor.
    static func status(descriptor: Int32, name: String) throws(SandboxError) -> stat {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw SandboxError.system("cannot inspect \(name)") }
        return status
    }

    /// Whether `path` is a directory and not a symlink.
    static func isRealDirectory(_ path: String) -> Bool {
        guard let status = linkStatus(path) else { return false }
        return (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// Creates `path` and any missing parents with `mode` (root-owned when run as root).
    static func makeDirectories(_ path: String, mode: mode_t) throws(SandboxError) {
        var prefix = ""
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, mode) != 0, errno != EEXIST { throw SandboxError.system("cannot create \(prefix)") }
        }
    }

    /// Checks the directory at `path` is root-owned, not a symlink, and not writable by group
    /// or others: the launcher keeps its state there.
    static func requireRootDirectory(_ path: String) throws(SandboxError) {
        guard let status = linkStatus(path) else { throw SandboxError.system("cannot inspect \(path)") }
        guard (status.st_mode & S_IFMT) == S_IFDIR else { throw SandboxError("\(path) is not a directory") }
        guard status.st_uid == 0, status.st_mode & 0o022 == 0 else {
            throw SandboxError("\(path) must be owned by root and not writable by group or others")
        }
    }

    /// open(2), throwing.
    static func open(_ path: String, flags: Int32, mode: mode_t = 0) throws(SandboxError) -> Int32 {
        let descriptor = Glibc.open(path, flags | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw SandboxError.system("cannot open \(path)") }
        return descriptor
    }

    /// Writes all of `text` to a new file at `path` (replacing it), mode 0644.
    static func writeFile(_ path: String, _ text: String) throws(SandboxError) {
        let descriptor = try open(path, flags: O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, mode: 0o644)
        defer { close(descriptor) }
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let start = buffer.baseAddress else { return 0 }
                return write(descriptor, start + written, buffer.count - written)
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw SandboxError.system("cannot write \(path)") }
            written += count
        }
    }

    /// The target of a symlink, such as `/proc/self/exe`.
    static func readLink(_ path: String) throws(SandboxError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { throw SandboxError.system("cannot read the link \(path)") }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The directory part of an absolute path.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    /// The last component of a path.
    static func baseName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// An environment variable, or nil.
    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// Writes a line to standard error.
    static func printError(_ line: String) {
        let text = line + "\n"
        _ = text.withCString { write(2, $0, strlen($0)) }
    }
}
