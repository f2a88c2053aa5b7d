import Foundation
import SQLite
import SnapLogging
import SnapManager
import SnapPackage
import SnapPaths
import SnapSystem
import SnapdAPI
import StateEngine
import Synchronization

/// The repository's root, for finding built programs and the reference client.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// The real `snap` 2.57 client that `tools/setup` extracts.
let referenceSnap = repositoryRoot + "/.build/reference/root/usr/bin/snap"
let referenceSnapPresent = FileManager.default.isExecutableFile(atPath: referenceSnap)
let isRoot = getuid() == 0

/// A scratch root holding a whole snap system, with a daemon running in this process.
///
/// Cleanup unmounts everything mounted below the root (the daemon mounts snaps there)
/// and removes it, so that a failing test leaves nothing behind.
final class TestSystem: @unchecked Sendable {
    let root: String
    let paths: SnapPaths
    private(set) var daemon: SnapDaemon?

    /// A new scratch root in `parent` (the temporary directory by default). snap-confine
    /// trusts only a root no one but root can write to on the way down: tests that launch
    /// apps pass a root-owned parent such as `/var/lib`.
    init(parent: String = NSTemporaryDirectory()) throws {
        let template = (parent.hasSuffix("/") ? parent : parent + "/") + "snapd-test-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let created = mkdtemp(&bytes) else { throw TestFailure("mkdtemp failed") }
        root = String(cString: created)
        chmod(root, 0o755)
        paths = SnapPaths(root: root)
    }

    deinit {
        Self.unmountAll(under: root)
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Starts a daemon over the root's state, with `options`, logging to `logger`.
    func start(_ options: SnapManager.Options = SnapManager.Options(), logger: Logger = .disabled) async throws {
        var options = options
        options.snapProgram = "/usr/bin/snap"
        let daemon = try SnapDaemon(paths: paths, options: options, logger: logger)
        try await daemon.start()
        self.daemon = daemon
    }

    /// Stops the daemon; its changes in progress resume at the next ``start(_:)``.
    func stop() async {
        await daemon?.stop()
        daemon = nil
    }

    /// Runs the reference client against this system, on a thread of its own so that the
    /// daemon in this process keeps its cooperative threads.
    func snap(_ arguments: String..., as user: String? = nil, in directory: String? = nil) async throws -> ClientRun {
        try await run(referenceSnap, arguments, as: user, in: directory)
    }

    func run(_ program: String, _ arguments: [String], as user: String? = nil, in directory: String? = nil) async throws
        -> ClientRun
    {
        let root = self.root
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result { try ClientRun(program, arguments, root: root, directory: directory, user: user) }
                )
            }
        }
    }

    /// Packs core and hello into `tmp-snaps` under the root, installs core and, unless
    /// told not to, hello; returns the directory holding the packed files.
    @discardableResult
    func installCoreAndHello(hello installHello: Bool = true) async throws -> String {
        let snaps = root + "/tmp-snaps"
        try FileManager.default.createDirectory(atPath: snaps, withIntermediateDirectories: true)
        _ = try await TestSnaps.core(in: snaps)
        _ = try await TestSnaps.hello(in: snaps)
        let core = try await snap("install", "--dangerous", "./core_16_all.snap", in: snaps)
        guard core.status == 0 else { throw TestFailure("cannot install core: \(core)") }
        if installHello {
            let hello = try await snap("install", "--dangerous", "./hello_1.0_all.snap", in: snaps)
            guard hello.status == 0 else { throw TestFailure("cannot install hello: \(hello)") }
        }
        return snaps
    }

    // MARK: Looking at the system

    /// Every installed snap as the projection holds it.
    func installed() async throws -> [InstalledSnap] {
        guard let daemon else { throw TestFailure("no daemon running") }
        return try await daemon.engine.withDatabase { try InstalledSnap.all(from: $0) }
    }

    /// The status of change `id`.
    func change(_ id: Int64) async throws -> ChangeRecord? {
        guard let daemon else { throw TestFailure("no daemon running") }
        return try await daemon.engine.withDatabase { try ChangeRecord.load(id, from: $0) }
    }

    /// The newest change.
    func lastChange() async throws -> ChangeRecord? {
        guard let daemon else { throw TestFailure("no daemon running") }
        return try await daemon.engine.withDatabase { try ChangeRecord.list(.all, from: $0).last }
    }

    /// A description of every file, directory and link under the root, except the state
    /// database and the contents of mounted snaps, plus the mounts: what must be the same
    /// after a failed change as before it.
    func diskState() -> [String] {
        let mounts = Self.mountPoints(under: root)
        var lines = mounts.map { "mount \($0.dropFirst(root.count))" }
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let relative = enumerator?.nextObject() as? String {
            let path = root + "/" + relative
            if relative.hasPrefix("var/lib/snapd/state.db") { continue }
            if mounts.contains(where: { path.hasPrefix($0 + "/") }) { continue }
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFLNK:
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
                lines.append("link \(relative) -> \(target)")
            case S_IFDIR:
                lines.append("dir \(relative)")
            default:
                lines.append("file \(relative) \(info.st_size)")
            }
        }
        return lines.sorted()
    }

    /// The mount points below `root`, deepest first.
    /// Read with SnapSystem's reader: Foundation's file reading can stop short on /proc files.
    static func mountPoints(under root: String) -> [String] {
        let table = (try? MountTable.current())?.entries ?? []
        return table.map(\.mountPoint).filter { $0.hasPrefix(root + "/") }.sorted { $0.count > $1.count }
    }

    static func unmountAll(under root: String) {
        for point in mountPoints(under: root) {
            umount2(point, Int32(MNT_DETACH))
        }
    }
}

/// The lines a logger wrote, for tests that check what the daemon logged.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    var logger: Logger {
        Logger(label: "snapd", level: .debug) { line in self.lines.withLock { $0.append(line) } }
    }

    var all: [String] { lines.withLock { $0 } }

    /// The lines holding every one of `parts`.
    func matching(_ parts: String...) -> [String] {
        all.filter { line in parts.allSatisfy(line.contains) }
    }
}

/// Whether anything, even a dangling symlink, is at `path`.
func exists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
}

/// A failure of the test harness itself.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One run of a client program: its exit status and what it printed.
struct ClientRun: CustomStringConvertible {
    let status: Int32
    let stdout: String
    let stderr: String

    init(
        _ program: String,
        _ arguments: [String],
        root: String,
        directory: String?,
        user: String?,
        environment: [String: String] = [:]
    ) throws {
        let process = Process()
        var argv = arguments
        if let user {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            argv = ["--reuid=\(user)", "--regid=\(user)", "--clear-groups", program] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: program)
        }
        process.arguments = argv
        process.environment = ["SNAPPY_GLOBAL_ROOT": root, "PATH": "/usr/bin:/bin", "HOME": root, "TZ": "UTC"]
            .merging(environment) { _, given in given }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        status = process.terminationStatus
        stdout = String(decoding: stdoutData, as: UTF8.self)
        // The client warns when the scratch /snap/bin is not in PATH; that is about the test.
        stderr = Self.withoutPathWarning(String(decoding: stderrData, as: UTF8.self))
    }

    private static func withoutPathWarning(_ text: String) -> String {
        guard let start = text.range(of: "Warning: ") else { return text }
        guard let end = text.range(of: "for more details.\n", range: start.upperBound..<text.endIndex) else {
            return text
        }
        var result = text
        result.removeSubrange(start.lowerBound..<end.upperBound)
        return result
    }

    var description: String { "exit \(status)\nstdout:\n\(stdout)stderr:\n\(stderr)" }
}
