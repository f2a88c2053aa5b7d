// The `snap` entry point: every command is `SnapCLI`'s in SnapCommands, except `snap pack`,
// which runs the `snap-pack` program installed beside this one, so that the libraries
// packing needs are loaded only when packing.
import Glibc
import SnapCommands

/// The directory this program was started from (`/proc/self/exe`), or nil.
func programDirectory() -> String? {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard length > 0 else { return nil }
    let path = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    guard let slash = path.lastIndex(of: "/") else { return nil }
    return String(path[..<slash])
}

/// Replaces this process with `snap-pack ARGS`; returns only when that is impossible.
func runPack(_ arguments: [String]) -> Int32 {
    let directory = programDirectory() ?? "."
    let program = directory + "/snap-pack"
    let argv = (["snap-pack"] + arguments).map { strdup($0) } + [nil]
    execv(program, argv)
    let reason = String(cString: strerror(errno))
    let message = "error: cannot run \(program) for snap pack: \(reason)\n"
    _ = message.withCString { write(2, $0, strlen($0)) }
    return 1
}

let arguments = Array(CommandLine.arguments.dropFirst())
// Under another name (a /snap/bin/NAME or NAME.APP link to this program), run that app.
let invokedName = CommandLine.arguments.first.map { $0.split(separator: "/").last.map(String.init) ?? $0 } ?? "snap"
if invokedName != "snap", !invokedName.isEmpty {
    exit(SnapCLI.runApp(named: invokedName, arguments))
}
exit(arguments.first == "pack" ? runPack(Array(arguments.dropFirst())) : SnapCLI.run(arguments))
