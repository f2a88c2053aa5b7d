import Foundation
import Testing

/// Runs `sandbox-probe` (built beside the tests) as a child process: the Landlock and
/// cgroup tests confine it, never the test process itself.
final class ConfinementProbe {
    let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    private let input = Pipe()
    private var buffered = Data()

    /// Starts the probe with `arguments`; its standard input stays open until ``finish()``.
    init(_ arguments: [String]) throws {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        process.executableURL = directory.appendingPathComponent("sandbox-probe")
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
    }

    /// Reads lines until one equals `marker` (included), or the probe closes its output.
    func lines(through marker: String) -> [String] {
        var lines: [String] = []
        while true {
            while let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffered[buffered.startIndex..<newline], as: UTF8.self)
                buffered = Data(buffered[(newline + 1)...])
                lines.append(line)
                if line == marker { return lines }
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { return lines }
            buffered.append(chunk)
        }
    }

    /// Closes the probe's input, waits for it, and returns the rest of its output and its
    /// exit status; a failed setup's message is on standard error.
    func finish() -> (lines: [String], status: Int32, errors: String) {
        try? input.fileHandleForWriting.close()
        let rest = lines(through: "\u{0}")
        process.waitUntilExit()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (rest, process.terminationStatus, errorText)
    }

    /// Kills the probe if it still runs (cleanup after a failed expectation).
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Runs the probe to its end and returns its output lines.
    static func run(_ arguments: [String]) throws -> [String] {
        let probe = try ConfinementProbe(arguments)
        let result = probe.finish()
        guard result.status == 0 else {
            throw ConfinementProbeError(description: "sandbox-probe exited with \(result.status): \(result.errors)")
        }
        return result.lines
    }
}

struct ConfinementProbeError: Error, CustomStringConvertible {
    var description: String
}

/// A scratch directory from mkdtemp, removed by ``remove()``.
struct ConfinementScratch {
    let path: String

    init(_ prefix: String) throws {
        var template = Array("/tmp/\(prefix).XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw ConfinementProbeError(description: "mkdtemp failed") }
        path = String(cString: made)
    }

    func make(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: "\(path)/\(relative)", withIntermediateDirectories: true)
    }

    func write(_ relative: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: "\(path)/\(relative)"))
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Whether the tests run as root, which cgroups and some checks need.
let confinementTestsRunAsRoot = getuid() == 0
