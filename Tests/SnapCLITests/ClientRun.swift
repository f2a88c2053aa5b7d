import Foundation

/// What a client printed and how it exited.
struct ClientOutput: Sendable, Equatable {
    var standardOutput: String
    var standardError: String
    var status: Int32
}

/// The two clients under comparison and how to run them.
enum Clients {
    /// The package directory, found from this file's path.
    static let packageRoot: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }()

    /// The real snap 2.57.6 client that `tools/setup` extracts.
    static let reference = packageRoot + "/.build/reference/root/usr/bin/snap"

    /// Our client: `SNAP_CLI_BINARY`, else the debug build.
    static let ours: String = {
        if let path = ProcessInfo.processInfo.environment["SNAP_CLI_BINARY"] { return path }
        return packageRoot + "/.build/debug/snap"
    }()

    static let bothPresent =
        FileManager.default.isExecutableFile(atPath: reference) && FileManager.default.isExecutableFile(atPath: ours)

    /// Runs `binary arguments` with `SNAPPY_GLOBAL_ROOT=root`, not on a terminal, with
    /// standard input from /dev/null and output captured in files under `root`.
    static func run(
        _ binary: String,
        _ arguments: [String],
        root: String,
        environment extra: [String: String] = [:],
        directory: String? = nil,
        whileRunning: (Process) -> Void = { _ in }
    ) throws -> ClientOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var environment = [
            "SNAPPY_GLOBAL_ROOT": root, "TZ": "UTC", "PATH": "/usr/bin:/bin", "HOME": root, "LANG": "C.UTF-8",
        ]
        environment.merge(extra) { _, new in new }
        process.environment = environment
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }

        let outPath = root + "/client.out"
        let errPath = root + "/client.err"
        guard FileManager.default.createFile(atPath: outPath, contents: nil),
            FileManager.default.createFile(atPath: errPath, contents: nil)
        else { throw POSIXError(.EIO) }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        defer {
            try? out.close()
            try? err.close()
        }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        whileRunning(process)
        process.waitUntilExit()
        return ClientOutput(
            standardOutput: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
            status: process.terminationStatus
        )
    }
}
