import Foundation
import Testing

@Suite(
    "The snap binary",
    .enabled(if: FileManager.default.isExecutableFile(atPath: Clients.ours), "needs a built snap")
)
struct BinaryTests {
    static func output(of tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test("is a static executable: no dynamic loader, no shared library at start")
    func staticExecutable() throws {
        let headers = try Self.output(of: "/usr/bin/readelf", ["--program-headers", "--wide", Clients.ours])
        #expect(headers.contains("LOAD"), "\(headers)")
        #expect(!headers.contains("INTERP"), "\(headers)")
        #expect(!headers.contains("DYNAMIC"), "\(headers)")
    }

    @Test("contains FoundationEssentials but not Foundation or its ICU-backed layer")
    func noFoundation() throws {
        let symbols = try Self.output(of: "/usr/bin/nm", ["--just-symbols", Clients.ours])
        #expect(symbols.contains("20FoundationEssentials"))
        #expect(!symbols.contains("$s10Foundation"))
        #expect(!symbols.contains("31FoundationInternationalization"))
    }
}
