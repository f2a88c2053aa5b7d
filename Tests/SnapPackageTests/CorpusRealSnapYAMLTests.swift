import Foundation
import SnapPackage
import Testing

/// Real snap.yaml and snapcraft.yaml files from public repositories.
///
/// Every `meta/snap.yaml` (and snapcraft's expected snap.yaml outputs) must pass,
/// except the ones the corpus README marks negative. snapcraft.yaml files are not
/// snap.yaml: snapd would read them with the same rules, so the ones using
/// snapcraft-only forms are pinned below with the reason snapd would give.
@Suite("real snap.yaml files")
struct CorpusRealSnapYAMLTests {
    /// Files refused, each with a stable part of the message.
    static let expectedRejections: [String: String] = [
        "canonical__snapd__tests__regression__lp-1949368__bad-layout__meta__snap.yaml":
            "layout \"/var/lib/foo\" uses invalid mount source: \"/var/snap/bad-layout/unset/var/*\" contains a reserved apparmor char",
        // snapcraft-only forms: `architectures` as build-on/run-on maps, `adopt-info` instead of a version,
        // build-time variables in layout paths.
        "canonical__k8s-snap__snap__snapcraft.yaml": "cannot unmarshal !!map into string",
        "canonical__pi-gadget__snapcraft.yaml": "cannot unmarshal !!map into string",
        "snapcrafters__obs-studio__snap__snapcraft.yaml": "cannot unmarshal !!map into string",
        "nextcloud-snap__nextcloud-snap__snap__snapcraft.yaml": "cannot unmarshal !!map into string",
        "canonical__snapcraft__snap__snapcraft.yaml": "invalid snap version: cannot be empty",
        "canonical__snapd__build-aux__snap__snapcraft.yaml": "invalid snap version: cannot be empty",
        "canonical__ubuntu-frame__snap__snapcraft.yaml": "invalid snap version: cannot be empty",
        "canonical__firefox-snap__snapcraft.yaml": "layout \"/usr/lib/$CRAFT_ARCH_TRIPLET_BUILD_FOR/",
    ]

    @Test("every real file gets the expected verdict", arguments: Corpus.realFiles())
    func verdict(path: String) throws {
        let file = (path as NSString).lastPathComponent
        let text = try String(contentsOfFile: path, encoding: .utf8)
        do {
            let info = try SnapInfo.parse(yaml: text)
            try info.validate()
            #expect(Self.expectedRejections[file] == nil, "accepted, expected a rejection")
            #expect(!info.name.isEmpty)
        } catch {
            let expected = try #require(Self.expectedRejections[file], "rejected: \(error.description)")
            #expect(error.description.contains(expected), "got: \(error.description)")
        }
    }

    @Test("plugs and slots of unknown interfaces are dropped with a reason")
    func unknownInterfacesAreDropped() throws {
        let path =
            Corpus.root
            + "/real-snap-yaml/canonical__snapd__tests__regression__lp-1732555__test-snapd-unknown-interfaces__meta__snap.yaml"
        let info = try SnapInfo.parse(yaml: try String(contentsOfFile: path, encoding: .utf8))
        try info.validate()
        #expect(!info.badInterfaces.isEmpty)
        #expect(info.badInterfaces.allSatisfy { $0.reason.hasPrefix("unknown interface ") })
    }

    @Test("unquoted versions keep their text and octal socket modes are octal")
    func scalarsKeepTheirMeaning() throws {
        let directory = Corpus.root + "/real-snap-yaml/"
        let layout = try SnapInfo.parse(
            yaml: try String(
                contentsOfFile: directory
                    + "canonical__snapd__tests__regression__lp-1949368__bad-layout__meta__snap.yaml",
                encoding: .utf8
            )
        )
        #expect(layout.version == "1.0")

        let sockets = try SnapInfo.parse(
            yaml: try String(
                contentsOfFile: directory + "canonical__snapd__tests__lib__snaps__socket-activation__meta__snap.yaml",
                encoding: .utf8
            )
        )
        let modes = sockets.apps.flatMap(\.sockets).compactMap(\.socketMode)
        #expect(modes == [0o640, 0o640, 0o640, 0o640])
    }
}
