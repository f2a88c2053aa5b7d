import Foundation
import Testing

/// Snaps packed by the real `snap pack` from the shared corpus install and remove cleanly.
@Suite(
    "Snaps packed by the real snap pack",
    .enabled(if: referenceSnapPresent && isRoot, "needs root and the reference client from tools/setup")
)
struct CorpusInstallTests {
    static let corpus = repositoryRoot + "/../shared/corpus/snap-yaml/valid"

    @Test("every valid corpus snap installs after its base and removes without a trace")
    func installAndRemove() async throws {
        let cases = try FileManager.default.contentsOfDirectory(atPath: Self.corpus).sorted()
        try #require(cases.count >= 20, "the corpus is at \(Self.corpus)")
        let system = try TestSystem()
        try await system.start()
        let packed = system.root + "/tmp-snaps"
        try FileManager.default.createDirectory(atPath: packed, withIntermediateDirectories: true)
        _ = try await TestSnaps.core(in: packed)
        _ = try await TestSnaps.base("core22", in: packed)
        #expect(try await system.snap("install", "--dangerous", packed + "/core_16_all.snap").status == 0)
        #expect(try await system.snap("install", "--dangerous", packed + "/core22_1_all.snap").status == 0)
        let baseline = system.diskState()

        var names: [String] = []
        for name in cases {
            let output = packed + "/" + name
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            let pack = try await system.snap("pack", Self.corpus + "/" + name, output)
            try #require(pack.status == 0, "\(name): \(pack)")
            let file = try #require(try FileManager.default.contentsOfDirectory(atPath: output).first)
            let yaml = try String(contentsOfFile: Self.corpus + "/" + name + "/meta/snap.yaml", encoding: .utf8)
            let classic = yaml.contains("confinement: classic")
            let install = try await system.snap(
                "install",
                "--dangerous",
                classic ? "--classic" : "--dangerous",
                output + "/" + file
            )
            #expect(install.status == 0, "\(name): \(install)")
            let installedName = String(install.stdout.split(separator: " ").first ?? "")
            names.append(installedName)
        }
        let installed = try await system.installed().map(\.name)
        for name in names { #expect(installed.contains(name), "\(name) is not listed") }

        for name in names {
            let remove = try await system.snap("remove", name)
            #expect(remove.status == 0 && remove.stdout == "\(name) removed\n", "\(remove)")
        }
        #expect(try await system.installed().map(\.name) == ["core", "core22"])
        // Only the packed files are new.
        #expect(
            system.diskState().filter { !$0.contains("tmp-snaps/") } == baseline.filter { !$0.contains("tmp-snaps/") }
        )
        await system.stop()
    }
}
