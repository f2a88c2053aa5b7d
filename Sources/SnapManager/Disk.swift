import Dispatch
import Glibc
import SnapSystem

/// The file and mount operations the handlers use, in the words the handlers need, over
/// ``SnapSystem``. Every call is synchronous; handlers run them through ``Disk/run(_:)``
/// so that a long copy or mount never holds one of the few cooperative threads.
struct Disk: Sendable {
    let files = FileSystem()
    let mounter: SnapMounter

    init(forceFuse: Bool) {
        mounter = SnapMounter(policy: forceFuse ? .squashfuseOnly : .automatic)
    }

    private static let queue = DispatchQueue(label: "snapd.disk", attributes: .concurrent)

    /// Runs blocking work on a thread of its own and returns its result.
    static func run<Result: Sendable>(_ body: @Sendable @escaping () throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Swift.Result { try body() }) }
        }
    }

    // MARK: Queries

    func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    func isSymlink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    /// Where the symbolic link at `path` points, or nil when nothing or no link is there.
    func symlinkTarget(_ path: String) -> String? {
        guard isSymlink(path) else { return nil }
        return try? files.readSymlink(at: path)
    }

    func fileSize(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : 0
    }

    /// The home directories under the root whose users may hold snap data: `/root` and
    /// each directory in `/home`.
    func homes(under root: String) -> [String] {
        var homes = [root + "/root"]
        if let directory = opendir(root + "/home") {
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard name != ".", name != ".." else { continue }
                homes.append(root + "/home/" + name)
            }
        }
        return homes.filter(isDirectory).sorted()
    }

    // MARK: Changes

    func makeDirectory(_ path: String, mode: mode_t = 0o755) throws {
        try files.createDirectory(at: path, mode: mode)
    }

    /// Removes an empty directory; a missing or non-empty one is left alone.
    func removeEmptyDirectory(_ path: String) {
        _ = rmdir(path)
    }

    func removeFile(_ path: String) throws {
        _ = try files.removeFile(at: path)
    }

    func removeTree(_ path: String) throws {
        guard exists(path) else { return }
        try files.removeTree(at: path)
    }

    func copyFile(_ source: String, to destination: String) throws {
        try files.copyFile(at: source, to: destination)
    }

    /// Makes `destination` a hard link to `source` (link(2), then fsync(2) of the
    /// directory), or a durable copy when they are on different filesystems.
    func linkOrCopyFile(_ source: String, to destination: String) throws {
        if exists(destination) { try removeFile(destination) }
        guard link(source, destination) == 0 else {
            let code = errno
            guard code == EXDEV || code == EPERM || code == EMLINK else {
                throw SnapManagerError(
                    .system,
                    "cannot link \"\(source)\" to \"\(destination)\": \(String(cString: strerror(code)))"
                )
            }
            return try copyFile(source, to: destination)
        }
        let directory = String(destination[..<(destination.lastIndex(of: "/") ?? destination.startIndex)])
        let descriptor = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor >= 0 {
            defer { close(descriptor) }
            guard fsync(descriptor) == 0 else {
                let code = errno
                try? removeFile(destination)
                throw SnapManagerError(.system, "cannot sync \"\(directory)\": \(String(cString: strerror(code)))")
            }
        }
    }

    func copyTree(_ source: String, to destination: String) throws {
        try files.copyTree(at: source, to: destination)
    }

    func replaceSymlink(_ path: String, target: String) throws {
        try files.replaceSymlink(at: path, pointingTo: target)
    }

    /// Renames `source` to `destination` when `source` exists; a no-op otherwise, so that
    /// running it twice is harmless.
    func moveIfPresent(_ source: String, to destination: String) throws {
        guard exists(source) else { return }
        guard rename(source, destination) == 0 else {
            let code = errno
            throw SnapManagerError(
                .system,
                "cannot move \"\(source)\" to \"\(destination)\": \(String(cString: strerror(code)))"
            )
        }
    }

    /// Mounts `image` at `mountPoint` unless it is mounted there already.
    func mount(_ image: String, at mountPoint: String) throws {
        if try mounter.isMounted(mountPoint) { return }
        _ = try mounter.mount(image: image, at: mountPoint)
    }

    /// Unmounts `mountPoint`; nothing mounted there is a success.
    func unmount(_ mountPoint: String) throws {
        _ = try mounter.unmount(at: mountPoint, detachIfBusy: true)
    }
}

extension Disk {
    /// The whole content of a small file.
    func readFile(_ path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            throw SnapManagerError(.system, "cannot read \"\(path)\": \(String(cString: strerror(code)))")
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                guard count == 0 else {
                    let code = errno
                    throw SnapManagerError(.system, "cannot read \"\(path)\": \(String(cString: strerror(code)))")
                }
                return bytes
            }
            bytes += buffer[..<count]
        }
    }
}
