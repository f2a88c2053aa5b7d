// Prints how fast snap.yaml files are parsed and validated: the shared corpora
// (every valid and invalid case and every real file) repeated to 1,000 files.
//
// Usage: yaml-bench [corpus-directory] [file-count]
// Build in release for meaningful figures: swift build -c release --product yaml-bench

import Glibc
import SnapPackage

/// Reads a text file, or nil when it cannot be read.
func readText(_ path: String) -> String? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count == 0 { break }
        bytes.append(contentsOf: buffer[0..<count])
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Names in a directory, sorted.
func listDirectory(_ path: String) -> [String] {
    guard let directory = opendir(path) else { return [] }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if !name.hasPrefix(".") { names.append(name) }
    }
    return names.sorted()
}

/// Monotonic time in nanoseconds.
func now() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// Parses and validates `count` files taken in turn from `texts`, then prints the figures.
func measure(_ label: String, texts: [String], count: Int) {
    // Warm up once so first-use costs (static tables, allocator) are not counted.
    for text in texts { _ = try? SnapInfo.parse(yaml: text).validate() }

    var accepted = 0
    var bytes = 0
    let start = now()
    for index in 0..<count {
        let text = texts[index % texts.count]
        bytes += text.utf8.count
        do {
            try SnapInfo.parse(yaml: text).validate()
            accepted += 1
        } catch {
            continue
        }
    }
    let elapsed = Double(now() - start) / 1e9

    print("\(label): \(texts.count) distinct files, repeated to \(count)")
    print("  accepted/rejected: \(accepted)/\(count - accepted)")
    print("  bytes:             \(bytes) (average \(bytes / count) per file)")
    print("  total time:        \(Int((elapsed * 1e3 * 100).rounded()) / 100) ms")
    print("  per file:          \(Int((elapsed / Double(count) * 1e6 * 10).rounded()) / 10) µs")
    print("  files per second:  \(Int((Double(count) / elapsed).rounded()))")
}

let arguments = CommandLine.arguments
let corpus = arguments.count > 1 ? arguments[1] : "../shared/corpus"
let fileCount = arguments.count > 2 ? Int(arguments[2]) ?? 1000 : 1000

// Gather every text once; reading files is not what is measured.
var caseTexts: [String] = []
for group in ["valid", "invalid"] {
    for name in listDirectory("\(corpus)/snap-yaml/\(group)") {
        if let text = readText("\(corpus)/snap-yaml/\(group)/\(name)/meta/snap.yaml") { caseTexts.append(text) }
    }
}
var realTexts: [String] = []
for name in listDirectory("\(corpus)/real-snap-yaml") where name.hasSuffix(".yaml") {
    if let text = readText("\(corpus)/real-snap-yaml/\(name)") { realTexts.append(text) }
}
guard !caseTexts.isEmpty, !realTexts.isEmpty else {
    print("error: no snap.yaml files found under \(corpus)")
    exit(1)
}

measure("both corpora (snap-yaml cases and real files)", texts: caseTexts + realTexts, count: fileCount)
measure("snap-yaml cases only (small files)", texts: caseTexts, count: fileCount)
measure("real files only (snap.yaml and snapcraft.yaml)", texts: realTexts, count: fileCount)
