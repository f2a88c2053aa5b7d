import Foundation
import SnapPackage
import Testing

/// Decoding snap.yaml into ``SnapInfo``: every form snapd reads.
@Suite("snap.yaml decoding")
struct SnapYAMLDecodingTests {
    static func caseInfo(_ name: String) throws -> SnapInfo {
        try SnapDirectory(path: Corpus.root + "/snap-yaml/valid/" + name).readInfo()
    }

    static func parse(_ text: String) throws -> SnapInfo {
        try SnapInfo.parse(yaml: "name: t\nversion: '1'\n" + text)
    }

    @Test("plugs and slots in all their forms, with bindings")
    func plugAndSlotForms() throws {
        let info = try Self.caseInfo("v10-plug-slot-forms")
        #expect(info.plugs.map(\.name) == ["network", "my-home", "shared-content", "labelled", "x11"])
        #expect(info.plug(named: "network")?.interface == "network")
        #expect(info.plug(named: "my-home")?.interface == "home")
        let content = try #require(info.plug(named: "shared-content"))
        #expect(content.interface == "content")
        #expect(content.attributes.map(\.key) == ["content", "target", "default-provider"])
        #expect(content.attribute("target") == .string("$SNAP/data-dir/themes"))
        #expect(info.plug(named: "labelled")?.label == "Read dotfiles")
        #expect(info.plug(named: "labelled")?.attribute("read") == .list([.string("$HOME/.foorc")]))
        #expect(info.plug(named: "x11")?.apps == ["app"])
        #expect(info.slot(named: "provider")?.attribute("read")?.stringList == ["$SNAP/share"])
        #expect(info.app(named: "app")?.plugs == ["network", "x11"])
    }

    @Test("a plug nobody names is bound to every app and hook")
    func unclaimedPlugsBindEverywhere() throws {
        let info = try Self.parse(
            "plugs:\n  shared: network\n  mine: home\napps:\n  a: {command: a, plugs: [mine]}\n  b: {command: b}\nhooks:\n  install:\n"
        )
        #expect(info.plug(named: "shared")?.apps == ["a", "b"])
        #expect(info.plug(named: "shared")?.hooks == ["install"])
        #expect(info.plug(named: "mine")?.apps == ["a"])
        #expect(info.plug(named: "mine")?.hooks == [])
    }

    @Test("malformed plug definitions and reserved attributes fail like snapd")
    func malformedPlugs() {
        #expect(throws: SnapYAMLError(.definition, "plug \"foo\" has malformed definition (found []interface {})")) {
            try Self.parse("plugs:\n  foo: [a]\n")
        }
        #expect(throws: SnapYAMLError(.definition, "slot \"foo\" uses reserved attribute \"$x\"")) {
            try Self.parse("slots:\n  foo:\n    $x: 1\n")
        }
        #expect(throws: SnapYAMLError(.definition, "interface name on plug \"foo\" is not a string (found int)")) {
            try Self.parse("plugs:\n  foo:\n    interface: 3\n")
        }
    }

    @Test("epochs in short, starred and structured forms")
    func epochs() throws {
        #expect(try Self.caseInfo("v12-epoch-star").epoch == Epoch(read: [1, 2], write: [2]))
        #expect(try Self.parse("epoch: 3").epoch == Epoch(read: [3], write: [3]))
        #expect(try Self.parse("epoch: {read: [1, 2]}").epoch == Epoch(read: [1, 2], write: [2]))
        #expect(try Self.parse("epoch: {write: [4]}").epoch == Epoch(read: [4], write: [4]))
        #expect(Epoch(read: [4, 5], write: [5]).description == "5*")
        #expect(Epoch(read: [4, 5], write: [5]).canRead(Epoch(read: [4], write: [4])))
        let failures = [
            ("epoch: {read: []}", "epoch list cannot be explicitly empty"),
            ("epoch: {read: [2, 1], write: [2]}", "epoch list must be a strictly increasing sequence"),
            ("epoch: {read: [0,1,2,3,4,5,6,7,8,9,10]}", "epoch list must not have more than 10 entries"),
            ("epoch: 4294967296", "epoch numbers must be less than 2³², but got \"4294967296\""),
            ("epoch: -1", "epoch numbers must be base 10 with no zero padding, but got \"-1\""),
        ]
        for (text, message) in failures {
            #expect(throws: SnapYAMLError(.decoding, message)) { try Self.parse(text) }
        }
    }

    @Test("Go durations parse to nanoseconds and fail with Go's messages")
    func durations() throws {
        #expect(try GoDuration(parsing: "1m30s").nanoseconds == 90_000_000_000)
        #expect(try GoDuration(parsing: "1.5h").nanoseconds == 5_400_000_000_000)
        #expect(try GoDuration(parsing: "-250ms").nanoseconds == -250_000_000)
        #expect(try GoDuration(parsing: "0").nanoseconds == 0)
        #expect(throws: SnapYAMLError(.decoding, "time: missing unit in duration \"10\"")) {
            try GoDuration(parsing: "10")
        }
        #expect(throws: SnapYAMLError(.decoding, "time: unknown unit \"d\" in duration \"3d\"")) {
            try GoDuration(parsing: "3d")
        }
        #expect(throws: SnapYAMLError(.decoding, "time: invalid duration \"soon\"")) { try GoDuration(parsing: "soon") }
    }

    @Test("service fields, sockets and their octal modes")
    func serviceFields() throws {
        let info = try Self.parse(
            """
            apps:
              svc:
                command: bin/svc --flag
                daemon: notify
                daemon-scope: user
                stop-mode: sigterm-all
                restart-condition: "no"
                refresh-mode: endure
                install-mode: disable
                stop-timeout: 20s
                before: [other]
                command-chain: [bin/wrap]
                sockets:
                  s: {listen-stream: $SNAP_USER_DATA/s.sock, socket-mode: 0660}
                environment: {B: "2", A: "1"}
            """
        )
        let app = try #require(info.app(named: "svc"))
        #expect(app.daemon == .notify && app.daemonScope == .user)
        #expect(app.stopMode?.killsAll == true)
        #expect(app.restartCondition == .never)
        #expect(app.refreshMode == .endure && app.installMode == .disable)
        #expect(app.stopTimeout?.nanoseconds == 20_000_000_000)
        #expect(app.before == ["other"] && app.commandChain == ["bin/wrap"])
        #expect(app.sockets == [SocketInfo(name: "s", listenStream: "$SNAP_USER_DATA/s.sock", socketMode: 0o660)])
        #expect(app.environment.map(\.name) == ["B", "A"])
    }

    @Test("parse-time refusals: type, confinement, scope, restart condition, layouts, layout mode")
    func parseTimeRefusals() {
        let failures: [(String, SnapYAMLError)] = [
            ("type: core", SnapYAMLError(.decoding, "invalid snap type: \"core\"")),
            ("confinement: loose", SnapYAMLError(.decoding, "invalid confinement type: \"loose\"")),
            ("apps: {a: {daemon-scope: world}}", SnapYAMLError(.decoding, "invalid daemon scope: \"world\"")),
            ("apps: {a: {restart-condition: sometimes}}", SnapYAMLError(.decoding, "invalid restart condition")),
            (
                "layouts: {}",
                SnapYAMLError(.decoding, "typo detected: use singular \"layout\" instead of plural \"layouts\"")
            ),
            (
                "layout: {/opt/x: {type: tmpfs, mode: '8888'}}",
                SnapYAMLError(.definition, "strconv.ParseUint: parsing \"8888\": invalid syntax")
            ),
            (
                "name: [a]",
                SnapYAMLError(.decoding, "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!seq into string")
            ),
        ]
        for (text, error) in failures {
            #expect(throws: error) { try Self.parse(text) }
        }
    }

    @Test("snap types, the snapd name, hooks from files and unsupported hook names")
    func typesAndHooks() throws {
        #expect(try Self.parse("type: application").type == .app)
        #expect(try SnapInfo.parse(yaml: "name: snapd\nversion: '1'\n").type == .snapd)
        let hooks = try Self.caseInfo("v09-hooks")
        #expect(hooks.hook(named: "not-a-real-hook") == nil)
        let fromFiles = try SnapInfo.parse(yaml: "name: t\nversion: '1'\n", hookFiles: ["install", "bogus"])
        #expect(fromFiles.hooks.map(\.name) == ["install"])
    }

    @Test("system usernames in both forms, links and layout entries")
    func otherTopLevelFields() throws {
        let info = try Self.parse(
            """
            system-usernames:
              snap_daemon: shared
              other: {scope: private, note: x}
            links:
              website: [https://example.com]
            layout:
              /opt/a: {bind: $SNAP/a, mode: "0700"}
              /opt/b: {symlink: $SNAP_COMMON/b}
            """
        )
        #expect(info.systemUsernames.map(\.scope) == ["shared", "private"])
        #expect(info.systemUsernames.last?.attributes == [AttributeEntry(key: "note", value: .string("x"))])
        #expect(info.links == [SnapLink(key: "website", values: ["https://example.com"])])
        #expect(info.layout.map(\.kind) == [.bind("$SNAP/a"), .symlink("$SNAP_COMMON/b")])
        #expect(info.layout.first?.mode == 0o700)
        #expect(info.layout.last?.mode == 0o755)
    }
}
