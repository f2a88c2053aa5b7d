import Glibc
import Testing

/// A directory made by mkdtemp(3), removed with everything in it when the value goes.
final class ExecScratch {
    let path: String

    init(prefix: String = "snap-run-test") throws {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw ExecTestError("mkdtemp failed") }
        path = String(cString: made)
    }

    deinit {
        _ = try? execRun("/bin/rm", ["-rf", path])
    }
}

struct ExecTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Writes `text` to `path`, creating or truncating it, with `mode`.
func execWriteFile(_ path: String, _ text: String, mode: mode_t = 0o644) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard descriptor >= 0 else { throw ExecTestError("cannot create \(path): \(String(cString: strerror(errno)))") }
    defer { close(descriptor) }
    let bytes = Array(text.utf8)
    guard bytes.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) == bytes.count else {
        throw ExecTestError("cannot write \(path)")
    }
    fchmod(descriptor, mode)
}

func execMakeDirectories(_ path: String) throws {
    var prefix = ""
    for component in path.split(separator: "/") {
        prefix += "/" + component
        if mkdir(prefix, 0o755) != 0 && errno != EEXIST { throw ExecTestError("cannot create \(prefix)") }
    }
}

/// One finished run of a program.
struct ExecProgramRun: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    var description: String { "status \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
}

/// Runs `program` with `arguments` and exactly `environment` (when given), collecting its
/// output through temporary files; uses posix_spawn(3).
func execRun(_ program: String, _ arguments: [String], environment: [String]? = nil) throws -> ExecProgramRun {
    var outTemplate = Array("/tmp/snap-run-out-XXXXXX".utf8CString)
    var errTemplate = Array("/tmp/snap-run-err-XXXXXX".utf8CString)
    let out = mkstemp(&outTemplate)
    let err = mkstemp(&errTemplate)
    guard out >= 0, err >= 0 else { throw ExecTestError("mkstemp failed") }
    let outPath = execPath(outTemplate)
    let errPath = execPath(errTemplate)
    defer {
        close(out)
        close(err)
        unlink(outPath)
        unlink(errPath)
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, out, 1)
    posix_spawn_file_actions_adddup2(&actions, err, 2)
    let argv = ([program] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid = pid_t()
    let result: Int32
    if let environment {
        let envp = environment.map { strdup($0) } + [nil]
        defer { envp.forEach { free($0) } }
        result = posix_spawn(&pid, program, &actions, nil, argv, envp)
    } else {
        result = posix_spawn(&pid, program, &actions, nil, argv, environ)
    }
    guard result == 0 else { throw ExecTestError("cannot run \(program): \(String(cString: strerror(result)))") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return ExecProgramRun(status: exitStatus, stdout: try execReadWhole(outPath), stderr: try execReadWhole(errPath))
}

func execReadWhole(_ path: String) throws -> String {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw ExecTestError("cannot open \(path)") }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count <= 0 { break }
        bytes += buffer[..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}

extension String {
    func execReplacing(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

/// The path mkstemp(3) wrote into a template.
func execPath(_ template: [CChar]) -> String {
    String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
