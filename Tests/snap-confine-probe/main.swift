// A fully static stand-in for snap-exec in the launcher's tests, until snap-exec lands:
//
//   snap-confine-probe NAME.APP ARGS...    executes $SNAP/bin/APP ARGS...
//   snap-confine-probe NAME.APP --ids      prints "uid euid gid egid"
//   snap-confine-probe NAME.APP --exe      prints where it was executed from (/proc/self/exe)
//   snap-confine-probe NAME.APP --list DIR prints the names in DIR, one a line
//   snap-confine-probe NAME.APP --mount DIR prints "FSTYPE ro|rw" of the mount on top at DIR
#if canImport(Glibc)
import Glibc
#endif

func fail(_ message: String) -> Never {
    let text = "snap-confine-probe: \(message)\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
    exit(1)
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else { fail("usage: snap-confine-probe NAME.APP [ARGS...]") }
let rest = Array(arguments.dropFirst(2))

if rest.first == "--ids" {
    print("\(getuid()) \(geteuid()) \(getgid()) \(getegid())")
    exit(0)
}
if rest.first == "--exe" {
    var buffer = [CChar](repeating: 0, count: 4096)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard count > 0 else { fail("cannot read /proc/self/exe") }
    print(String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self))
    exit(0)
}
if rest.first == "--list", rest.count == 2 {
    guard let directory = opendir(rest[1]) else { fail("cannot list \(rest[1])") }
    var names: [String] = []
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        if name != ".", name != ".." { names.append(name) }
    }
    closedir(directory)
    for name in names.sorted() { print(name) }
    exit(0)
}

if rest.first == "--mount", rest.count == 2 {
    // The filesystem type and ro/rw of the topmost mount at a path, from mountinfo.
    guard let file = fopen("/proc/self/mountinfo", "r") else { fail("cannot read mountinfo") }
    var found = ""
    var line: UnsafeMutablePointer<CChar>?
    var capacity = 0
    while getline(&line, &capacity, file) > 0, let line {
        let fields = String(cString: line).split(separator: " ").map(String.init)
        guard fields.count > 6, fields[4] == rest[1], let dash = fields.firstIndex(of: "-") else { continue }
        let readOnly = fields[5].split(separator: ",").contains("ro") ? "ro" : "rw"
        found = "\(fields[dash + 1]) \(readOnly)"
    }
    print(found)
    exit(0)
}

guard let snap = getenv("SNAP").map({ String(cString: $0) }) else { fail("SNAP is not set") }
guard let dot = arguments[1].firstIndex(of: ".") else { fail("\(arguments[1]) is not NAME.APP") }
let program = "\(snap)/bin/\(arguments[1][arguments[1].index(after: dot)...])"
var argv: [UnsafeMutablePointer<CChar>?] = ([program] + rest).map { strdup($0) }
argv.append(nil)
execv(program, &argv)
fail("cannot execute \(program): \(String(cString: strerror(errno)))")
