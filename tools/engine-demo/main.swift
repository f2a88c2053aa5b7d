// Shows the state engine doing its work under a scratch root: a change of real file
// tasks runs to the end; a second one runs out of space on a real, tiny tmpfs, and is
// undone so that nothing it made is left; then snap-log reads the event log back.
//
// Usage: engine-demo --root DIR --snap-log PATH

import Foundation
import SnapAPI
import SnapLogging
import StateEngine

let arguments = CommandLine.arguments
func value(_ flag: String) -> String? {
    arguments.firstIndex(of: flag).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}
guard let root = value("--root"), let snapLog = value("--snap-log") else {
    print("usage: engine-demo --root DIR --snap-log PATH")
    exit(64)
}

/// Writes a line at once, so it keeps its place among the output of child processes.
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// A failure with a message of our own.
struct DemoError: Error, CustomStringConvertible {
    let description: String
}

func run(_ command: String, _ arguments: [String]) throws {
    say("\n$ \(([URL(fileURLWithPath: command).lastPathComponent] + arguments).joined(separator: " "))")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: command)
    process.arguments = arguments
    try process.run()
    process.waitUntilExit()
}

let fileManager = FileManager.default
let stateDirectory = root + "/var/lib/snapd"
let installDirectory = root + "/snap"
try fileManager.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
try fileManager.createDirectory(atPath: installDirectory, withIntermediateDirectories: true)

// A tiny filesystem that really fills up: where the second change will run out of space.
let tinyDisk = root + "/tiny-disk"
try fileManager.createDirectory(atPath: tinyDisk, withIntermediateDirectories: true)
let mounted = mount("tmpfs", tinyDisk, "tmpfs", 0, "size=64k") == 0

enum RawFile {
    /// Writes `bytes` to `path` with write(2), so a full disk fails for real with ENOSPC.
    static func write(_ bytes: [UInt8], to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw DemoError(description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                Glibc.write(descriptor, $0.baseAddress.map { $0 + offset }, bytes.count - offset)
            }
            guard written > 0 else {
                throw DemoError(description: "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}

/// Copies a file; on failure removes what it wrote before reporting the error.
let copyTask = TaskHandler(
    kind: "copy-file",
    perform: { context in
        guard let source = context.data["from"]?.stringValue, let destination = context.data["to"]?.stringValue else {
            throw DemoError(description: "copy-file needs \"from\" and \"to\"")
        }
        try? fileManager.removeItem(atPath: destination)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source)))
        context.setProgress(label: "copy", done: 0, total: Int64(bytes.count))
        do {
            try RawFile.write(bytes, to: destination)
        } catch {
            try? fileManager.removeItem(atPath: destination)
            throw error
        }
        context.setProgress(label: "copy", done: Int64(bytes.count), total: Int64(bytes.count))
        context.log("copied \(bytes.count) bytes to \(destination)")
        return .done
    },
    undo: { context in
        if let destination = context.data["to"]?.stringValue { try? fileManager.removeItem(atPath: destination) }
        return .done
    }
)

let directoryTask = TaskHandler(
    kind: "make-directory",
    perform: { context in
        guard let path = context.data["path"]?.stringValue else { throw DemoError(description: "no path") }
        try fileManager.createDirectory(atPath: path, withIntermediateDirectories: true)
        return .done
    },
    undo: { context in
        if let path = context.data["path"]?.stringValue { try? fileManager.removeItem(atPath: path) }
        return .done
    }
)

let engine = try Engine(
    path: stateDirectory + "/state.db",
    handlers: [copyTask, directoryTask],
    logger: Logger(label: "engine-demo", level: .warning)
)
engine.start()

/// A change that makes a directory and copies a payload of `size` bytes into it.
func installChange(name: String, into directory: String, size: Int) throws -> NewChange {
    let payload = root + "/\(name).payload"
    try Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: URL(fileURLWithPath: payload))
    var change = NewChange(kind: "install-snap", summary: "Install \"\(name)\" snap", snapNames: [name])
    let made = change.addTask(
        kind: "make-directory",
        summary: "Make \(directory)",
        data: ["path": .string(directory)]
    )
    change.addTask(
        kind: "copy-file",
        summary: "Copy \(size) bytes into \(directory)",
        data: ["from": .string(payload), "to": .string(directory + "/payload")],
        waitingFor: [made]
    )
    return change
}

say("demo: state database at \(stateDirectory)/state.db")
say("demo: running a change that makes a directory and copies 4 KiB into it")
let good = try await engine.addChange(try installChange(name: "hello", into: installDirectory + "/hello", size: 4096))
await engine.waitForChange(good)

let target = mounted ? tinyDisk + "/big" : "/proc/cannot-create-here/big"
say(
    mounted
        ? "demo: running a change that copies 1 MiB onto a 64 KiB tmpfs: it will run out of space"
        : "demo: running a change that copies into /proc (tmpfs could not be mounted here): it will fail"
)
let bad = try await engine.addChange(try installChange(name: "big", into: target, size: 1 << 20))
await engine.waitForChange(bad)
await engine.stop()

let leftovers = (try? fileManager.contentsOfDirectory(atPath: tinyDisk)) ?? []
if mounted { umount(tinyDisk) }
say(
    "demo: after the failed change, the tiny disk holds \(leftovers.isEmpty ? "nothing" : leftovers.joined(separator: ", "))"
)
say(
    "demo: \"hello\" is \(fileManager.fileExists(atPath: installDirectory + "/hello/payload") ? "installed" : "missing")"
)

say("demo: reading the event log back offline with snap-log")
let database = stateDirectory + "/state.db"
try run(snapLog, ["changes", database])
try run(snapLog, ["tasks", database, String(bad)])
try run(snapLog, ["events", database, "--change", String(bad)])
say("\ndemo: the same list as the log stood after its 8th event, while \"hello\" was still running:")
try run(snapLog, ["changes", database, "--until", "8"])
