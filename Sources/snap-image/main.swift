// `snap-image`: reads a `.snap` file without mounting it, for the daemon, which does not
// load squashfuse and its compressors itself (they would stay in its memory for its whole
// life). `snap-image snap-yaml IMAGE` checks the image's tables and its `meta/` directory,
// then writes the bytes of `meta/snap.yaml` to stdout. A bad image exits 1 with the
// reason on stderr (`cannot read snap "IMAGE": ...`); bad arguments exit 2.
import Glibc
import SnapArchive

func write(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
    var remaining = bytes[...]
    while !remaining.isEmpty {
        let written = remaining.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { return false }
        remaining = remaining.dropFirst(written)
    }
    return true
}

func fail(_ message: String, status: Int32) -> Never {
    _ = write(Array((message + "\n").utf8), to: 2)
    exit(status)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count == 2, arguments[0] == "snap-yaml" else {
    fail("usage: snap-image snap-yaml IMAGE", status: 2)
}
do {
    let yaml = try SnapImage(path: arguments[1]).snapYAML()
    guard write(yaml, to: 1) else {
        fail("cannot write the snap.yaml of \"\(arguments[1])\": \(String(cString: strerror(errno)))", status: 1)
    }
    exit(0)
} catch {
    fail("\(error)", status: 1)
}
