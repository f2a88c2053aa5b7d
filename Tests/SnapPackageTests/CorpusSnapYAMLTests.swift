import Foundation
import SnapPackage
import Testing

/// The shared corpora, found beside the package root (`../shared/corpus`).
enum Corpus {
    /// The corpus root directory.
    static let root: String = {
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus").path
    }()

    /// Case directories of `snap-yaml/valid` or `snap-yaml/invalid`, sorted.
    static func cases(_ group: String) -> [String] {
        let directory = root + "/snap-yaml/" + group
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.sorted().map { directory + "/" + $0 }
    }

    /// Real snap.yaml and snapcraft.yaml files, sorted.
    static func realFiles() -> [String] {
        let directory = root + "/real-snap-yaml"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { directory + "/" + $0 }
    }

    /// Every snap.yaml text in both corpora.
    static func allSnapYAMLTexts() -> [String] {
        let caseFiles = (cases("valid") + cases("invalid")).map { $0 + "/meta/snap.yaml" }
        return (caseFiles + realFiles()).compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }
    }

    /// The `Verdict:` and `Match` lines of a case's EXPECTED.txt, with `<DIR>` filled in.
    static func expectation(of caseDirectory: String) throws -> (accept: Bool, match: String) {
        let text = try String(contentsOfFile: caseDirectory + "/EXPECTED.txt", encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let verdict = lines.first { $0.hasPrefix("Verdict: ") }?.dropFirst("Verdict: ".count) ?? ""
        let matchPrefix = "Match (stable substring of snap pack output): "
        var match = lines.first { $0.hasPrefix(matchPrefix) }.map { String($0.dropFirst(matchPrefix.count)) } ?? ""
        for prefix in ["error: cannot pack \"<DIR>\": ", "error: "] where match.hasPrefix(prefix) {
            match = String(match.dropFirst(prefix.count))
        }
        match = match.replacingOccurrences(of: "<DIR>", with: caseDirectory)
        return (verdict == "ACCEPT", match)
    }
}

@Suite("snap.yaml corpus")
struct CorpusSnapYAMLTests {
    @Test("the corpus is present with all its cases")
    func corpusIsPresent() {
        #expect(Corpus.cases("valid").count == 22)
        #expect(Corpus.cases("invalid").count == 64)
        #expect(Corpus.realFiles().count >= 50)
    }

    @Test("every valid case passes all snap pack checks", arguments: Corpus.cases("valid"))
    func validCaseIsAccepted(caseDirectory: String) throws {
        let expectation = try Corpus.expectation(of: caseDirectory)
        #expect(expectation.accept)
        let info = try SnapDirectory(path: caseDirectory).validate()
        #expect(!info.name.isEmpty)
    }

    @Test("every invalid case is rejected with the reference message", arguments: Corpus.cases("invalid"))
    func invalidCaseIsRejected(caseDirectory: String) throws {
        let expectation = try Corpus.expectation(of: caseDirectory)
        #expect(!expectation.accept)
        #expect(!expectation.match.isEmpty)
        do {
            let info = try SnapDirectory(path: caseDirectory).validate()
            Issue.record("accepted \(info.name), expected: \(expectation.match)")
        } catch {
            #expect(error.description.contains(expectation.match), "got: \(error.description)")
        }
    }

    @Test("bad plugs and slots are dropped and reported, never fatal")
    func badInterfacesAreDropped() throws {
        let valid = Corpus.root + "/snap-yaml/valid/"
        let badName = try SnapDirectory(path: valid + "v20-bad-plug-name-dropped").validate()
        #expect(badName.badInterfaces.map(\.reason) == ["invalid plug name: \"Bad_Plug\""])
        #expect(badName.plugs.isEmpty)
        #expect(
            badName.badInterfacesSummary
                == "snap \"badplugname\" has bad plugs or slots: Bad_Plug (invalid plug name: \"Bad_Plug\")"
        )

        let unknown = try SnapDirectory(path: valid + "v21-unknown-interface-dropped").validate()
        #expect(unknown.badInterfaces.map(\.reason) == ["unknown interface \"Not_Valid\""])
        #expect(unknown.slots.isEmpty)
    }

    @Test("--check-skeleton tolerates missing command files but not bad modes")
    func skeletonCheckToleratesMissingFiles() throws {
        let invalid = Corpus.root + "/snap-yaml/invalid/"
        try SnapDirectory(path: invalid + "i25-command-missing-file").validate(skeletonOnly: true)
        try SnapDirectory(path: invalid + "i65-command-with-dollar-snap").validate(skeletonOnly: true)
        #expect(throws: SnapYAMLError.self) {
            try SnapDirectory(path: invalid + "i26-command-not-executable").validate(skeletonOnly: true)
        }
    }

    @Test("container problems name each path with snapd's log lines")
    func containerProblemsNamePaths() throws {
        let directory = SnapDirectory(path: Corpus.root + "/snap-yaml/invalid/i26-command-not-executable")
        let problems = directory.checkContainer(for: try directory.readInfo())
        #expect(
            problems.badModes == [
                "in snap \"noexec\": \"bin/cli\" should be world-readable and executable, and isn't: -r--r--r--"
            ]
        )

        let missing = SnapDirectory(path: Corpus.root + "/snap-yaml/invalid/i65-command-with-dollar-snap")
        let missingProblems = missing.checkContainer(for: try missing.readInfo())
        #expect(missingProblems.missingLines.contains { $0.hasSuffix("path \"$SNAP/bin/cli\" does not exist") })
    }
}
