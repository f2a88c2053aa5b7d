import SnapSandbox
import XCTest

/// The mountinfo parser against the kernel's escaping, including crafted mount points
/// (the 2019 audit of a parser that split on any whitespace).
final class MountInfoTests: XCTestCase {
    /// Escapes a field as the kernel does (`show_mountinfo` → `mangle`).
    func escaped(_ text: String) -> String {
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: " "): out += Array("\\040".utf8)
            case UInt8(ascii: "\t"): out += Array("\\011".utf8)
            case UInt8(ascii: "\n"): out += Array("\\012".utf8)
            case UInt8(ascii: "\\"): out += Array("\\134".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    func line(mountPoint: String, root: String = "/", source: String = "/dev/vda", optional: String = "shared:1")
        -> String
    {
        "36 35 98:0 \(escaped(root)) \(escaped(mountPoint)) rw,noatime \(optional) - ext4 \(escaped(source)) rw,errors=continue"
    }

    func testEscapesAreDecoded() throws {
        let text = line(mountPoint: "/mnt/a b\tc\nd\\e", root: "/x y")
        let entries = try MountInfo.parse(text)
        XCTAssertEqual(entries.count, 1)
        XCTAssertEqual(entries[0].mountPoint, "/mnt/a b\tc\nd\\e")
        XCTAssertEqual(entries[0].root, "/x y")
        XCTAssertEqual(entries[0].optionalFields, ["shared:1"])
        XCTAssertTrue(entries[0].isShared)
        XCTAssertEqual(entries[0].filesystemType, "ext4")
        XCTAssertEqual(entries[0].superOptions, "rw,errors=continue")
    }

    func testNonASCIISpacesAndLoneBackslashesStayAsTheyAre() throws {
        let point = "/mnt/no\u{00A0}break\u{2003}em\u{3000}wide"
        let entries = try MountInfo.parse(line(mountPoint: point) + "\n" + "1 2 0:1 / /a\\b\\12x rw - tmpfs t rw")
        XCTAssertEqual(entries.map(\.mountPoint), [point, "/a\\b\\12x"])
    }

    func testOptionalFieldsMayBeAbsentOrMany() throws {
        let none = try MountInfo.parse("1 0 0:1 / / rw - tmpfs tmpfs rw")
        XCTAssertEqual(none[0].optionalFields, [])
        XCTAssertFalse(none[0].isShared)
        let many = try MountInfo.parse("1 0 0:1 / / rw shared:2 master:3 propagate_from:4 - tmpfs tmpfs rw")
        XCTAssertEqual(many[0].optionalFields, ["shared:2", "master:3", "propagate_from:4"])
    }

    func testMalformedLinesAreErrors() {
        let bad = [
            "1 0 0:1 / / rw tmpfs tmpfs rw",  // no separator
            "x 0 0:1 / / rw - tmpfs tmpfs rw",  // id not a number
            "1 0 0:1 / / rw -",  // nothing after the separator
            "1 0 0:1 /  rw - tmpfs tmpfs rw",  // empty mount point (two spaces)
            "1\t0 0:1 / / rw - tmpfs tmpfs rw",  // a literal tab is not a separator
        ]
        for text in bad {
            XCTAssertThrowsError(try MountInfo.parse(text, source: "test"), text) { error in
                XCTAssertTrue("\(error)".hasPrefix("test:1:"), "\(error)")
            }
        }
    }

    func testRandomMountPointsRoundTrip() throws {
        let alphabet: [String] = [
            "a", "Z", "0", " ", "\t", "\n", "\\", "/", "-", "\u{00A0}", "\u{2003}", "é", "0", "4",
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let length = Int.random(in: 1...24, using: &generator)
            let point = "/" + (0..<length).map { _ in alphabet.randomElement(using: &generator) ?? "a" }.joined()
            let root = "/" + (0..<4).map { _ in alphabet.randomElement(using: &generator) ?? "a" }.joined()
            let text = line(mountPoint: point, root: root, source: "src \(point)") + "\n" + line(mountPoint: "/next")
            let entries = try MountInfo.parse(text)
            XCTAssertEqual(entries.count, 2, text)
            XCTAssertEqual(entries.first?.mountPoint, point)
            XCTAssertEqual(entries.first?.root, root)
            XCTAssertEqual(entries.first?.source, "src \(point)")
            XCTAssertEqual(entries.last?.mountPoint, "/next")
        }
    }

    func testTheRealTableParses() throws {
        let entries = try MountInfo.current()
        XCTAssertTrue(entries.contains { $0.mountPoint == "/" })
        XCTAssertTrue(entries.contains { $0.mountPoint == "/proc" && $0.filesystemType == "proc" })
    }
}
