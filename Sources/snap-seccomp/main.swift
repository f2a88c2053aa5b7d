// `snap-seccomp`: compiles seccomp profiles for the daemon, which does not load libseccomp
// itself. `snap-seccomp compile SOURCE OUTPUT` reads a profile source (the syntax of
// `SeccompProfile` in SnapSeccomp), compiles it and writes the `.bin2` file snap-confine
// loads to OUTPUT. Messages name the source by its file name (`snap.hello.hello.src:12:
// ...`). A bad source exits 1 with the reason on stderr; bad arguments exit 2.
import Glibc
import SnapSandbox
import SnapSeccomp

func fail(_ message: String, status: Int32) -> Never {
    let line = message + "\n"
    _ = line.withCString { Glibc.write(2, $0, strlen($0)) }
    exit(status)
}

/// Writes `bytes` to a new file at `path` (mode 0644), replacing what was there.
func writeFile(_ path: String, _ bytes: [UInt8]) throws(SandboxError) {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw SandboxError.system("cannot create \"\(path)\"") }
    var remaining = bytes[...]
    while !remaining.isEmpty {
        let written = remaining.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else {
            let code = errno
            close(descriptor)
            throw SandboxError.system("cannot write \"\(path)\"", errorNumber: code)
        }
        remaining = remaining.dropFirst(written)
    }
    guard close(descriptor) == 0 else { throw SandboxError.system("cannot write \"\(path)\"") }
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count == 3, arguments[0] == "compile" else {
    fail("usage: snap-seccomp compile SOURCE OUTPUT", status: 2)
}
let (sourcePath, outputPath) = (arguments[1], arguments[2])
do {
    let bytes = try SandboxFile.readBytes(path: sourcePath, limit: 16 << 20)
    guard let source = String(validating: bytes, as: UTF8.self) else {
        throw SandboxError("\(sourcePath): the profile is not UTF-8 text")
    }
    let name = sourcePath.split(separator: "/").last.map(String.init) ?? sourcePath
    try writeFile(outputPath, try SeccompProfileCompiler.compile(source: source, named: name))
    exit(0)
} catch {
    fail("\(error)", status: 1)
}
