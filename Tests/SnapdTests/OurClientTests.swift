import Foundation
import Testing

/// Our `snap` against our daemon: it changes the system as the real client does, and its
/// output for every read is the real client's, byte for byte.
@Suite(
    "Our snap client against our daemon",
    .serialized,
    .enabled(if: referenceSnapPresent && isRoot, "needs root and the reference client from tools/setup")
)
struct OurClientTests {
    static let ourSnap = repositoryRoot + "/.build/debug/snap"

    /// Runs a read-only command with both clients and expects identical results.
    private func expectSameOutput(_ system: TestSystem, _ arguments: [String]) async throws {
        let ours = try await system.run(Self.ourSnap, arguments)
        let reference = try await system.run(referenceSnap, arguments)
        #expect(ours.status == reference.status, "\(arguments)\nours: \(ours)\nreference: \(reference)")
        #expect(ours.stdout == reference.stdout, "\(arguments)\nours: \(ours)\nreference: \(reference)")
        #expect(ours.stderr == reference.stderr, "\(arguments)\nours: \(ours)\nreference: \(reference)")
    }

    @Test(
        "install, disable, enable, revert and remove with our client; every read matches the real client",
        .enabled(if: FileManager.default.isExecutableFile(atPath: ourSnap), "swift build makes .build/debug/snap")
    )
    func lifeCycle() async throws {
        let system = try TestSystem()
        try await system.start()
        let snaps = system.root + "/tmp-snaps"
        try FileManager.default.createDirectory(atPath: snaps, withIntermediateDirectories: true)
        _ = try await TestSnaps.core(in: snaps)
        _ = try await TestSnaps.hello(in: snaps)
        let reads: [[String]] = [
            ["list"], ["list", "--all"], ["changes"], ["changes", "hello"], ["info", "hello"],
            ["info", "--verbose", "hello"],
            ["tasks", "--last=install"], ["change", "1"], ["info", "nothere"], ["tasks", "99"], ["abort", "1"],
        ]
        try await expectSameOutput(system, ["list"])

        let steps: [([String], String)] = [
            (["install", "--dangerous", "./hello_1.0_all.snap"], ""),
            (["install", "--dangerous", "./core_16_all.snap"], "core 16 installed\n"),
            (["install", "--dangerous", "./hello_1.0_all.snap"], "hello 1.0 installed\n"),
            (["install", "--dangerous", "./hello_1.0_all.snap"], "hello 1.0 installed\n"),
            (["disable", "hello"], "hello disabled\n"),
            (["enable", "hello"], "hello enabled\n"),
            (["revert", "hello"], "hello reverted to 1.0\n"),
            (["remove", "--revision=x2", "hello"], "hello (revision x2) removed\n"),
            (["remove", "hello"], "hello removed\n"),
            (["remove", "hello"], ""),
        ]
        for (arguments, expected) in steps {
            let run = try await system.run(Self.ourSnap, arguments, in: snaps)
            #expect(run.stdout == expected, "\(arguments): \(run)")
            for read in reads { try await expectSameOutput(system, read) }
        }
        #expect(try await system.installed().map(\.name) == ["core"])
        await system.stop()
    }
}
