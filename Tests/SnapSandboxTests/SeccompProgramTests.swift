import Foundation
import SnapSandbox
import SnapSeccomp
import SnapSecurity
import Testing

/// `snap-seccomp`, the program the daemon runs to compile seccomp profiles.
@Suite("The snap-seccomp program")
struct SeccompProgramTests {
    /// `snap-seccomp`, built beside the tests.
    private let program: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("snap-seccomp").path
    }()

    private func run(_ arguments: [String]) throws -> (status: Int32, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    private func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "snap-seccomp-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test(
        "compile writes the same .bin2 file as the library, for strict, devmode and classic sources",
        arguments: [LaunchDescription.Confinement.strict, .devmode, .classic]
    )
    func compiles(confinement: LaunchDescription.Confinement) throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = SeccompBackend.source(for: try seccompSampleTarget(confinement))
        try source.write(toFile: directory + "/snap.sample.app.src", atomically: true, encoding: .utf8)

        let result = try run(["compile", directory + "/snap.sample.app.src", directory + "/out.bin2"])
        #expect(result.status == 0 && result.errors.isEmpty, "\(result)")
        let written = try Data(contentsOf: URL(fileURLWithPath: directory + "/out.bin2"))
        #expect(Array(written) == (try SeccompProfileCompiler.compile(source: source)))
    }

    @Test("a bad source exits 1 naming the source file and line, and writes no filter")
    func refusesBadSource() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "read\nwrite\nioctl - banana\n".write(
            toFile: directory + "/snap.sample.app.src",
            atomically: true,
            encoding: .utf8
        )

        let result = try run(["compile", directory + "/snap.sample.app.src", directory + "/out.bin2"])
        #expect(result.status == 1)
        let expected = #expect(throws: SandboxError.self) {
            try SeccompProfileCompiler.compile(source: "read\nwrite\nioctl - banana\n", named: "snap.sample.app.src")
        }
        #expect(result.errors == "\(expected.map { "\($0)" } ?? "-")\n")
        #expect(result.errors.hasPrefix("snap.sample.app.src:3: "), "\(result.errors)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/out.bin2"))
    }

    @Test("a missing source and an unwritable output are reported with the path and the reason")
    func fileErrors() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let missing = try run(["compile", directory + "/nothing.src", directory + "/out.bin2"])
        #expect(missing.status == 1)
        #expect(missing.errors == "cannot open \(directory)/nothing.src: No such file or directory\n")

        try "@unrestricted\n".write(toFile: directory + "/a.src", atomically: true, encoding: .utf8)
        let unwritable = try run(["compile", directory + "/a.src", directory + "/no/such/dir/out.bin2"])
        #expect(unwritable.status == 1)
        #expect(unwritable.errors == "cannot create \"\(directory)/no/such/dir/out.bin2\": No such file or directory\n")
    }

    @Test("wrong arguments exit 2 with the usage")
    func usage() throws {
        for arguments in [[], ["compile"], ["compile", "a"], ["build", "a", "b"], ["compile", "a", "b", "c"]] {
            let result = try run(arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.errors == "usage: snap-seccomp compile SOURCE OUTPUT\n")
        }
    }
}
