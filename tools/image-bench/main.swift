// Prints how reading meta/snap.yaml scales with the size of a .snap (time and peak resident
// memory for a small image and a 200 MB one), and the SHA3-384 digest throughput.
//
// Usage: image-bench [SIZE_MB]          (default 200)
// Images: bench-small (one 64 KiB file), bench-large (one SIZE_MB file), bench-many (SIZE_MB
// files of 1 MiB each), all with the same meta/snap.yaml.
// Each measurement runs in a fresh child process (this program re-executed with --measure), so
// the peak resident memory it reports (VmHWM from /proc/self/status) belongs to that
// measurement alone.
import Glibc
import SnapArchive
import SnapPackage

/// Seconds on the monotonic clock.
func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// A field of /proc/self/status in KiB (`VmHWM`, `VmRSS`).
func status(_ field: String) -> Int {
    guard let file = fopen("/proc/self/status", "r") else { return -1 }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix(field + ":") {
            return Int(text.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? -1
        }
    }
    return -1
}

func fail(_ message: String) -> Never {
    let text = Array("image-bench: \(message)\n".utf8)
    _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(1)
}

func writeFile(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)
    guard descriptor >= 0, bytes.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) == bytes.count else {
        fail("cannot write \(path)")
    }
    close(descriptor)
}

/// Builds a tree with meta/snap.yaml and `files` files of `bytes` incompressible bytes each,
/// then packs it with our packer.
func buildImage(in directory: String, name: String, files: Int, bytes: Int) -> String {
    let tree = "\(directory)/\(name)-tree"
    mkdir(tree, 0o755)
    mkdir(tree + "/meta", 0o755)
    mkdir(tree + "/data", 0o755)
    writeFile(tree + "/meta/snap.yaml", Array("name: \(name)\nversion: '1'\nsummary: benchmark\n".utf8))

    var state = UInt64(files * bytes) &* 0x9E37_79B9_7F4A_7C15
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    for file in 0..<files {
        let path = "\(tree)/data/blob-\(file)"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { fail("cannot create \(path)") }
        var left = bytes
        while left > 0 {
            for index in stride(from: 0, to: chunk.count, by: 8) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                withUnsafeBytes(of: state ^ (state >> 29)) { raw in
                    for offset in 0..<8 { chunk[index + offset] = raw[offset] }
                }
            }
            let count = min(left, chunk.count)
            guard chunk.withUnsafeBytes({ write(descriptor, $0.baseAddress, count) }) == count else {
                fail("cannot write \(path)")
            }
            left -= count
        }
        close(descriptor)
    }

    do {
        let built = try SnapPacker().pack(SnapPacker.Options(sourceDirectory: tree, targetDirectory: directory))
        return built
    } catch {
        fail("\(error)")
    }
}

/// Child side: open the image and read meta/snap.yaml `rounds` times; print seconds per read and VmHWM.
func measureRead(_ image: String, rounds: Int) {
    let start = now()
    var bytes = 0
    for _ in 0..<rounds {
        do {
            bytes += try SnapImage(path: image).snapYAML().count
        } catch {
            fail("\(error)")
        }
    }
    let seconds = (now() - start) / Double(rounds)
    print("\(seconds) \(status("VmHWM")) \(bytes / rounds)")
}

/// Child side: digest the image `rounds` times; print MB/s and VmHWM.
func measureDigest(_ image: String, rounds: Int) {
    var best = Double.infinity
    var size: UInt64 = 0
    for _ in 0..<rounds {
        let start = now()
        do {
            size = try SnapDigest.ofFile(atPath: image).size
        } catch {
            fail("\(error)")
        }
        best = min(best, now() - start)
    }
    print("\(Double(size) / 1e6 / best) \(status("VmHWM"))")
}

/// Runs this program again with `arguments` and returns its stdout fields.
func child(_ arguments: [String]) -> [String] {
    var pipeEnds: [Int32] = [-1, -1]
    guard pipe(&pipeEnds) == 0 else { fail("pipe failed") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
    posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
    let argv = (["/proc/self/exe"] + arguments).map { strdup($0) } + [nil]
    var pid = pid_t()
    guard posix_spawn(&pid, "/proc/self/exe", &actions, nil, argv, environ) == 0 else { fail("spawn failed") }
    close(pipeEnds[1])
    var output: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let got = read(pipeEnds[0], &buffer, buffer.count)
        if got <= 0 { break }
        output += buffer.prefix(got)
    }
    close(pipeEnds[0])
    var code: Int32 = 0
    waitpid(pid, &code, 0)
    return String(decoding: output, as: UTF8.self).split(separator: " ").map { String($0).trimmingCharacters() }
}

extension String {
    func trimmingCharacters() -> String {
        String(self.filter { !$0.isWhitespace })
    }
}

func format(_ value: Double, _ digits: Int = 1) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    return "\(rounded)"
}

// MARK: - Main

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--measure-read", arguments.count == 3 {
    measureRead(arguments[1], rounds: Int(arguments[2]) ?? 1)
    exit(0)
}
if arguments.first == "--measure-digest", arguments.count == 3 {
    measureDigest(arguments[1], rounds: Int(arguments[2]) ?? 1)
    exit(0)
}

let megabytes = arguments.first.flatMap { Int($0) } ?? 200
var template = Array("/tmp/image-bench-XXXXXX".utf8CString)
guard let made = mkdtemp(&template) else { fail("mkdtemp failed") }
let directory = String(cString: made)

print("building images in \(directory) ...")
let packStart = now()
// Same tree shape, different sizes: one data file of 64 KiB or of SIZE_MB; then SIZE_MB spread
// over one file per MiB, which makes the inode table larger too.
let small = buildImage(in: directory, name: "bench-small", files: 1, bytes: 64 << 10)
let large = buildImage(in: directory, name: "bench-large", files: 1, bytes: megabytes << 20)
let many = buildImage(in: directory, name: "bench-many", files: megabytes, bytes: 1 << 20)
print("packed 2 x \(megabytes) MiB of random data in \(format(now() - packStart)) s (our packer, mksquashfs xz)")

var sizes: [String: UInt64] = [:]
for image in [small, large, many] {
    var info = stat()
    stat(image, &info)
    sizes[image] = UInt64(info.st_size)
}

print("")
print("reading meta/snap.yaml (open + check meta/ + read; mean of 200 rounds; fresh process each)")
print("image                              size (bytes)   per read (us)   peak RSS VmHWM (KiB)")
for image in [small, large, many] {
    let fields = child(["--measure-read", image, "200"])
    guard fields.count >= 2, let seconds = Double(fields[0]) else { fail("measurement failed for \(image)") }
    let name = image.split(separator: "/").last.map(String.init) ?? image
    let padded = name.padding(34)
    print("\(padded) \(String(sizes[image] ?? 0).padding(14)) \(format(seconds * 1e6).padding(15)) \(fields[1])")
}

print("")
let digest = child(["--measure-digest", large, "3"])
guard digest.count >= 2, let rate = Double(digest[0]) else { fail("digest measurement failed") }
print("SHA3-384 digest of \(sizes[large] ?? 0) bytes: \(format(rate)) MB/s (best of 3), peak RSS \(digest[1]) KiB")

// Leave nothing behind.
for path in [small, large, many] { unlink(path) }
_ = system("rm -rf '\(directory)'")

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
