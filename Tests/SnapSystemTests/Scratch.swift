import Foundation
import Glibc
import SnapSystem
import Testing

/// What the privileged tests need, checked once.
enum Host {
    /// Mounting, loop devices and chown need root.
    static let isRoot = geteuid() == 0
    /// mksquashfs builds the test images (tools/setup installs squashfs-tools).
    static let hasMksquashfs = which("mksquashfs") != nil
    /// squashfuse serves the fallback mounts.
    static let hasSquashfuse = which("squashfuse") != nil
    /// /dev/loop-control exists, so the kernel can hand out loop devices.
    static let hasLoopControl = access("/dev/loop-control", F_OK) == 0

    private static func which(_ program: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(program)" }.first { access($0, X_OK) == 0 }
    }
}

/// A scratch directory for one test. ``withScratch(_:)`` removes it afterwards and, first,
/// detaches every mount left under it, so a failing test leaves no mounts behind.
struct Scratch {
    /// The directory's canonical path.
    let path: String

    /// A path inside the scratch directory.
    func callAsFunction(_ name: String) -> String {
        path + "/" + name
    }

    /// Creates a directory (and parents) inside the scratch directory.
    @discardableResult
    func directory(_ name: String, mode: mode_t = 0o755) throws -> String {
        let full = self(name)
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        chmod(full, mode)
        return full
    }

    /// Writes a file inside the scratch directory.
    @discardableResult
    func file(_ name: String, _ text: String, mode: mode_t = 0o644) throws -> String {
        let full = self(name)
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        chmod(full, mode)
        return full
    }

    /// Builds a SquashFS image of `files` (relative path to content) with mksquashfs.
    func image(_ name: String, files: [String: String]) throws -> String {
        let source = try directory(name + ".source")
        for (relative, content) in files {
            let full = source + "/" + relative
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true
            )
            try Data(content.utf8).write(to: URL(fileURLWithPath: full))
        }
        let image = self(name)
        try run("mksquashfs", source, image, "-noappend", "-quiet", "-no-progress", "-comp", "xz")
        return image
    }

    /// Mounts a tmpfs of `size` bytes at a new directory, for filling up.
    @discardableResult
    func tmpfs(_ name: String, size: Int) throws -> String {
        let target = try directory(name)
        guard Glibc.mount("tmpfs", target, "tmpfs", 0, "size=\(size),mode=0755") == 0 else {
            throw SystemError(.systemCall(errno: errno), call: "mount tmpfs", paths: [target])
        }
        return target
    }
}

/// Runs `body` with a fresh scratch directory, then unmounts everything under it (deepest
/// first, detaching busy mounts) and removes it, whether `body` failed or not.
func withScratch(_ body: (Scratch) throws -> Void) throws {
    var template = Array("/tmp/snapsystem-test.XXXXXX".utf8CString)
    guard let created = mkdtemp(&template) else {
        throw SystemError(.systemCall(errno: errno), call: "mkdtemp", paths: ["/tmp"])
    }
    let scratch = Scratch(path: String(cString: created))
    defer {
        for mount in mounts(under: scratch.path).reversed() {
            if umount2(mount, 0) != 0 { umount2(mount, Int32(MNT_DETACH)) }
        }
        try? FileManager.default.removeItem(atPath: scratch.path)
    }
    try body(scratch)
}

/// The mount points at or under `path`, in mount order.
func mounts(under path: String) -> [String] {
    let table = (try? MountTable.current()) ?? MountTable(entries: [])
    return table.entries.map(\.mountPoint).filter { $0 == path || $0.hasPrefix(path + "/") }
}

/// The loop devices bound to `file`, from /sys/block/loop*/loop/backing_file.
func loopDevices(boundTo file: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: "/sys/block")) ?? []
    return names.filter { $0.hasPrefix("loop") }.filter { name in
        let backing = try? String(contentsOfFile: "/sys/block/\(name)/loop/backing_file", encoding: .utf8)
        return backing?.trimmingCharacters(in: .newlines) == file
    }
}

/// The content of a file as text.
func contents(_ path: String) throws -> String {
    try String(contentsOfFile: path, encoding: .utf8)
}

/// The lstat(2) of a path.
func status(_ path: String) throws -> stat {
    var info = stat()
    guard lstat(path, &info) == 0 else {
        throw SystemError(.systemCall(errno: errno), call: "lstat", paths: [path])
    }
    return info
}

/// Runs a program and fails unless it exits with status 0.
func run(_ program: String, _ arguments: String...) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [program] + arguments
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw SystemError(.programFailed(status: process.terminationStatus), call: program, paths: arguments)
    }
}
