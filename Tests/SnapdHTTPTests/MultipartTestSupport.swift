import Foundation
import SnapClient
import SnapdHTTP

/// A small seeded generator (SplitMix64), so random splits are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

/// A 60-hex-digit boundary like the real client's.
let testBoundary = "61f09b6ed1355d42d4260cebde12b7323d8d798e6e4d2f265e89443ae8d9"

/// Bytes that look like a boundary without being one: CRs, `--BOUNDARY` without the CRLF
/// before it, and CRLF `--` with the boundary cut short, between random bytes.
func boundaryLookalikes(boundary: String, randomCount: Int, seed: UInt64) -> [UInt8] {
    var generator = SeededGenerator(seed: seed)
    var bytes = (0..<randomCount).map { _ in UInt8.random(in: 0...255, using: &generator) }
    bytes += Array("\r\r\n\r\n-\r\n--\r\n--".utf8)
    bytes += Array("--\(boundary)".utf8)
    bytes += Array("\r\n--\(boundary.dropLast())".utf8)
    bytes += Array("\r\n--\(boundary.dropLast())x\r\n".utf8)
    bytes += (0..<randomCount).map { _ in UInt8.random(in: 0...255, using: &generator) }
    bytes += Array("\r\n--\(boundary.prefix(10))".utf8)
    return bytes
}

/// What a parsed form holds, with file contents read back, for comparisons.
struct FormContents: Equatable, CustomStringConvertible {
    struct File: Equatable {
        var name: String
        var filename: String
        var contentType: String?
        var size: Int
        var bytes: [UInt8]
    }

    var fields: [MultipartForm.Field]
    var files: [File]

    var description: String {
        "fields: \(fields.map { "\($0.name)=\($0.text)" }), files: \(files.map { "\($0.name):\($0.filename):\($0.size)" })"
    }

    /// Reads `form`, including every file's bytes.
    init(_ form: MultipartForm) throws {
        fields = form.fields
        files = try form.files.map { file in
            let data = try Data(contentsOf: URL(fileURLWithPath: file.path))
            return File(
                name: file.name,
                filename: file.filename,
                contentType: file.contentType,
                size: file.size,
                bytes: Array(data)
            )
        }
    }

    /// The contents a form should have.
    init(fields: [MultipartForm.Field], files: [File]) {
        self.fields = fields
        self.files = files
    }
}

/// Parses `pieces` as one body, feeding them in order.
func parseForm(
    _ pieces: some Sequence<[UInt8]>,
    contentType: String = "multipart/form-data; boundary=\(testBoundary)",
    policy: UploadPolicy
) throws(HTTPError) -> MultipartForm {
    let parser = try MultipartParser(contentType: contentType, policy: policy)
    for piece in pieces {
        try parser.feed(piece)
    }
    return try parser.finish()
}

/// `bytes` cut into pieces of random sizes from 1 to `largest`.
func randomPieces(_ bytes: [UInt8], largest: Int, seed: UInt64) -> [[UInt8]] {
    var generator = SeededGenerator(seed: seed)
    var pieces: [[UInt8]] = []
    var start = 0
    while start < bytes.count {
        let end = min(bytes.count, start + Int.random(in: 1...largest, using: &generator))
        pieces.append(Array(bytes[start..<end]))
        start = end
    }
    return pieces
}

/// The names in `directory`, or none when it does not exist.
func entries(of directory: String) -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
}
