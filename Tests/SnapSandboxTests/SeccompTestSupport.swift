import Foundation
import SnapPackage
import SnapSandbox
import SnapSeccomp
import SnapSecurity

/// Whether the tests run as root: the loader insists on root-owned files, and the probe
/// attempts calls (mknod, unshare, TIOCSTI) only root may make without a filter.
let seccompTestsRunAsRoot = getuid() == 0

/// A scratch directory owned by root and closed to others, as the loader requires of every
/// directory above a profile. It sits under /run, not /tmp: /tmp is writable by everyone,
/// and the loader refuses a profile below it.
final class SeccompScratch {
    let path: String

    init() throws {
        var template = Array("/run/seccomp-tests.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw SandboxError.system("cannot create a scratch directory under /run")
        }
        path = String(cString: made)
        chmod(path, 0o755)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `bytes` to `name` (mode 0644) and returns its path.
    @discardableResult
    func write(_ bytes: [UInt8], to name: String, mode: Int = 0o644) throws -> String {
        let file = path + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        chmod(file, mode_t(mode))
        return file
    }
}

/// A program of a small sample snap, under `confinement`.
func seccompSampleTarget(_ confinement: LaunchDescription.Confinement) throws -> SecurityTarget {
    let info = try SnapInfo.parse(yaml: "name: seccomp-sample\nversion: '1'\napps:\n  run:\n    command: bin/run\n")
    let targets = try SecurityTarget.all(
        info: info,
        instanceName: "seccomp-sample",
        revision: "x1",
        confinement: confinement
    )
    guard let target = targets.first else { throw SandboxError("the sample snap has no app") }
    return target
}

/// The compiled default profile of the sample snap under `confinement`.
func compiledSampleProfile(_ confinement: LaunchDescription.Confinement) throws -> [UInt8] {
    try SeccompProfileCompiler.compile(source: SeccompBackend.source(for: try seccompSampleTarget(confinement)))
}

/// What one run of `seccomp-probe` printed.
struct SeccompProbeResult {
    var status: Int32
    var lines: [String]
    var errors: String
}

/// Runs `seccomp-probe` (built beside the tests) on `profile` with `actions`.
func runSeccompProbe(
    profile: String,
    _ actions: [String],
    options: [String] = []
) throws -> SeccompProbeResult {
    let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    let probe = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("seccomp-probe")
    let process = Process()
    process.executableURL = probe
    process.arguments = options + [profile] + actions
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    // The probe's output is small; stderr carries the programs it runs, read after stdout.
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let lines = String(decoding: outputData, as: UTF8.self).split(separator: "\n").map(String.init)
    return SeccompProbeResult(
        status: process.terminationStatus,
        lines: lines,
        errors: String(decoding: errorData, as: UTF8.self)
    )
}
