import Foundation
import SnapSandbox
import Testing

/// The loader's checks of a `.bin2` file before it loads anything.
@Suite("Reading compiled seccomp profiles")
struct SeccompFilterFileTests {
    /// A well-formed restricted file: one instruction in each filter.
    static func file(
        magic: [UInt8] = [UInt8(ascii: "S"), UInt8(ascii: "C")],
        version: UInt8 = 1,
        flags: UInt8 = 0,
        allow: Int = 8,
        deny: Int = 8,
        extra: Int = 0
    ) -> [UInt8] {
        var bytes = SeccompFilterFile.encoded(
            allow: [UInt8](repeating: 6, count: allow),
            deny: [UInt8](repeating: 6, count: deny),
            unrestricted: false
        )
        bytes.replaceSubrange(0..<2, with: magic)
        bytes[2] = version
        bytes[3] = flags
        return bytes + [UInt8](repeating: 0, count: extra)
    }

    static func lengthField(_ bytes: [UInt8], allow: UInt32) -> [UInt8] {
        var bytes = bytes
        for index in 0..<4 { bytes[8 + index] = UInt8(truncatingIfNeeded: allow >> (8 * index)) }
        return bytes
    }

    @Test(
        "broken headers are refused with the cause",
        arguments: [
            (Array(file().prefix(100)), "truncated: 100 bytes, shorter than the 128-byte header"),
            (file(magic: [UInt8(ascii: "S"), UInt8(ascii: "X")]), "bad magic"),
            (file(version: 2), "unsupported version 2"),
            (file(flags: 4), "unknown header flags 4"),
            (file(allow: 12), "the allow filter's length 12 is not a multiple of 8"),
            (file(deny: 32 * 1024 + 8), "the deny filter's length 32776 is over 32 KiB"),
            (file(extra: 8), "the file has 152 bytes but its header says 144"),
            (Array(file().dropLast(8)), "the file has 136 bytes but its header says 144"),
            (lengthField(file(), allow: 0x1000_0000), "over 32 KiB"),
            (file(flags: 1), "an unrestricted profile carries filters"),
            (file(allow: 0), "a restricted profile lacks its allow or deny filter"),
        ]
    )
    func brokenHeaders(bytes: [UInt8], message: String) {
        #expect {
            _ = try SeccompFilterFile(bytes: bytes, path: "/p/x.bin2")
        } throws: { error in
            String(describing: error).hasPrefix("/p/x.bin2: ") && String(describing: error).contains(message)
        }
    }

    @Test("a good file reads back its filters")
    func goodFile() throws {
        let allow = (0..<16).map { UInt8($0) }
        let deny = (0..<8).map { UInt8(100 + $0) }
        let parsed = try SeccompFilterFile(
            bytes: SeccompFilterFile.encoded(allow: allow, deny: deny, unrestricted: false),
            path: "p"
        )
        #expect(parsed.allowFilter == allow && parsed.denyFilter == deny && !parsed.isUnrestricted)
    }

    @Test(
        "files and directories anyone but root could change are refused",
        .enabled(if: seccompTestsRunAsRoot, "needs root")
    )
    func ownership() throws {
        let scratch = try SeccompScratch()
        let good = try scratch.write(Self.file(), to: "good.bin2")
        #expect(try SeccompFilterFile.read(path: good).allowFilter.count == 8)

        let truncated = try scratch.write(Array(Self.file().prefix(20)), to: "short.bin2")
        #expect(message(reading: truncated).contains("\(truncated): truncated"))

        let writable = try scratch.write(Self.file(), to: "writable.bin2", mode: 0o646)
        #expect(message(reading: writable) == "\(writable) is writable by group or others (mode 646)")

        let foreign = try scratch.write(Self.file(), to: "foreign.bin2")
        chown(foreign, 65534, 65534)
        #expect(message(reading: foreign) == "\(foreign) is owned by uid 65534, not root")

        let open = scratch.path + "/open"
        mkdir(open, 0o755)
        chmod(open, 0o777)
        let below = try scratch.write(Self.file(), to: "open/x.bin2")
        #expect(message(reading: below) == "\(open) is writable by group or others (mode 777)")

        let groupWritable = scratch.path + "/group"
        mkdir(groupWritable, 0o775)
        chmod(groupWritable, 0o775)
        let inGroup = try scratch.write(Self.file(), to: "group/x.bin2")
        #expect(message(reading: inGroup) == "\(groupWritable) is writable by group or others (mode 775)")

        let theirs = scratch.path + "/theirs"
        mkdir(theirs, 0o755)
        let inTheirs = try scratch.write(Self.file(), to: "theirs/x.bin2")
        chown(theirs, 65534, 65534)
        #expect(message(reading: inTheirs) == "\(theirs) is owned by uid 65534, not root")

        let link = scratch.path + "/link"
        symlink(scratch.path, link)
        #expect(
            message(reading: link + "/good.bin2")
                == "\(link) is a symbolic link; a seccomp profile's path may hold none"
        )

        #expect(message(reading: "/tmp/x.bin2") == "/tmp is writable by group or others (mode 1777)")
        #expect(message(reading: scratch.path + "/missing.bin2").hasPrefix("cannot open \(scratch.path)/missing.bin2"))
        #expect(message(reading: "relative.bin2").contains("must be absolute"))
    }

    private func message(reading path: String) -> String {
        do {
            _ = try SeccompFilterFile.read(path: path)
            return "no error"
        } catch {
            return error.description
        }
    }
}
