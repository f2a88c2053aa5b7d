import SnapPackage
import Testing

/// snapd's validation rules beyond the corpus cases, each with its message.
@Suite("snap.yaml validation rules")
struct ValidationRulesTests {
    /// Parses and validates; returns the error text or "ok".
    static func verdict(_ text: String) -> String {
        do {
            try SnapInfo.parse(yaml: text).validate()
            return "ok"
        } catch {
            return error.description
        }
    }

    static func snap(_ body: String) -> String {
        "name: t1\nversion: '1'\n" + body
    }

    static let accepted: [String] = [
        snap("apps:\n  A1: {command: a}\n  '1': {command: a}"),
        snap("license: MIT AND (Apache-2.0 OR GPL-3.0+)"),
        snap("license: GPL-2.0-only WITH Classpath-exception-2.0"),
        snap("license: Proprietary"),
        snap("title: Überschrift mit Umlauten"),
        snap("apps:\n  s: {command: s, daemon: simple, timer: '23:00-24:00/2'}"),
        snap("apps:\n  s: {command: s, daemon: simple, timer: 'mon,10:00~12:00'}"),
        snap("apps:\n  s: {command: s, daemon: simple, timer: 'mon1-fri,,9:00,,sun5'}"),
        snap("apps:\n  c: {command: c, refresh-mode: ignore-running}"),
        snap("links:\n  contact: [mailto:me@example.com, me@example.com]\n  website: [http://example.com/x]"),
        snap("provenance: my-store"),
        snap("base: core22"),
        snap("system-usernames: {snap_daemon: shared}"),
        "name: ab\nversion: 1.2.3-4+ubuntu~5:6\n",
        "name: a-1\nversion: 1234567890123456789012345678901A\n",
        snap("layout:\n  $SNAP/usr/lib: {bind: $SNAP/lib}\n  /opt/t: {type: tmpfs, mode: '1777'}"),
    ]

    static let rejected: [(String, String)] = [
        (
            snap("apps:\n  -a: {command: a}"),
            "cannot have \"-a\" as app name - use letters, digits, and dash as separator"
        ),
        (snap("apps:\n  a--b: {command: a}"), "cannot have \"a--b\" as app name"),
        (snap("apps:\n  abc-: {command: a}"), "cannot have \"abc-\" as app name"),
        (snap("license: MIT and GPL-2.0"), "cannot validate license \"MIT and GPL-2.0\": unexpected string: \"and\""),
        (snap("license: LicenseRef-mine"), "unknown license: LicenseRef-mine"),
        (snap("license: Other Open Source"), "unknown license: Other"),
        (snap("license: MIT WITH Nothing"), "unknown license exception: Nothing"),
        (
            snap("apps:\n  s: {command: s, daemon: simple, timer: '25:00'}"),
            "timer has invalid format: cannot parse \"25:00\""
        ),
        (
            snap("apps:\n  c: {command: c, refresh-mode: endure}"),
            "\"refresh-mode\" for app \"c\" can only have value \"ignore-running\""
        ),
        (
            snap("apps:\n  c: {command: c, stop-mode: sigterm}"),
            "\"stop-mode\" cannot be used for \"c\", only for services"
        ),
        (
            snap("apps:\n  c: {command: c, restart-condition: always}"),
            "restart-condition is only applicable to services"
        ),
        (snap("apps:\n  s: {command: s, daemon: simple, stop-timeout: -1s}"), "stop-timeout cannot be negative"),
        (
            snap("apps:\n  a: {command: a, daemon: simple, after: [c]}\n  c: {command: c}"),
            "before/after references a non-service application \"c\""
        ),
        (snap("apps:\n  c: {command: c, before: [d]}"), "must be a service to define before/after ordering"),
        (
            snap(
                "plugs: {nb: network-bind}\napps:\n  s: {command: s, daemon: simple, sockets: {x: {listen-stream: '0'}}}"
            ),
            "invalid definition of socket \"x\": invalid \"listen-stream\" port number \"0\""
        ),
        (
            snap(
                "plugs: {nb: network-bind}\napps:\n  s: {command: s, daemon: simple, sockets: {x: {listen-stream: '80', socket-mode: 01777}}}"
            ),
            "invalid definition of socket \"x\": cannot use mode: 1777"
        ),
        (
            snap("layout:\n  /opt/a: {bind: $SNAP/a}\n  /opt/a/b: {bind: $SNAP/b}"),
            "layout \"/opt/a/b\" underneath prior layout item \"/opt/a\""
        ),
        (snap("layout:\n  /opt/a: {type: ext4}"), "layout \"/opt/a\" uses invalid filesystem \"ext4\""),
        (snap("layout:\n  /opt/a: {bind: $SNAP/a, user: nobody}"), "layout \"/opt/a\" uses invalid user \"nobody\""),
        (snap("layout:\n  /opt/a: {type: tmpfs, mode: '4755'}"), "layout \"/opt/a\" uses invalid mode 04755"),
        (snap("layout:\n  /opt/a: {}"), "layout \"/opt/a\" must define a bind mount, a filesystem mount or a symlink"),
        (
            snap("layout:\n  /opt/a: {bind: $SNAP/a, symlink: $SNAP/b}"),
            "must define a bind mount, a filesystem mount or a symlink"
        ),
        (
            snap("layout:\n  /opt/a: {symlink: /etc/a}"),
            "layout \"/opt/a\" uses invalid symlink old name \"/etc/a\": must start with $SNAP, $SNAP_DATA or $SNAP_COMMON"
        ),
        (snap("layout:\n  /proc/x: {bind: $SNAP/a}"), "layout \"/proc/x\" defines a new top-level directory \"/proc\""),
        (snap("layout:\n  /usr/lib/a*: {bind: $SNAP/a}"), "contains a reserved apparmor char"),
        (snap("links:\n  website: []"), "\"website\" links cannot be specified and empty"),
        (snap("links:\n  9bad: [http://x]"), "links key is invalid: 9bad"),
        (snap("provenance: global-upload"), "provenance cannot be set to default (global-upload) explicitly"),
        (snap("base: core_x"), "base cannot specify a snap instance name"),
        (snap("base: Core"), "invalid base name"),
        (snap("system-usernames: {Bad: shared}"), "invalid system username \"Bad\""),
        (snap("hooks:\n  install: {command-chain: ['a b']}"), "hook command-chain contains illegal \"a b\""),
        ("name: ab\nversion: 1.0-\n", "must end with an ASCII alphanumeric or one of '+' or '~' (and not '-')"),
        ("name: ab\nversion: 1.0\tx\n", "invalid snap version \"1.0\\tx\": must be printable, non-whitespace ASCII"),
        ("name: ab-\nversion: '1'\n", "invalid snap name: \"ab-\""),
        (
            "name: ab\nversion: '1'\ntitle: \(String(repeating: "é", count: 41))\n",
            "title can have up to 40 codepoints, got 41"
        ),
    ]

    @Test("snap.yaml that snapd accepts passes", arguments: accepted)
    func accepts(text: String) {
        #expect(Self.verdict(text) == "ok")
    }

    @Test("each rule rejects with snapd's message", arguments: rejected)
    func rejects(text: String, message: String) {
        #expect(Self.verdict(text).contains(message), "for:\n\(text)")
    }

    @Test("identifier rules match snapd's regular expressions")
    func identifiers() {
        #expect(Identifiers.isValidSnapName("a1") && !Identifiers.isValidSnapName("11"))
        #expect(Identifiers.isValidSnapName(String(repeating: "a", count: 40)))
        #expect(!Identifiers.isValidSnapName(String(repeating: "a", count: 41)))
        #expect(Identifiers.isValidInstanceKey("abc123") && !Identifiers.isValidInstanceKey("ABC"))
        #expect(!Identifiers.isValidInstanceKey("a234567890x"))
        #expect(Identifiers.isValidAlias("my_tool.v2") && !Identifiers.isValidAlias(".hidden"))
        #expect(Identifiers.isValidSnapID(String(repeating: "aB3", count: 10) + "xy"))
        #expect(Identifiers.splitInstanceName("foo_bar") == ("foo", "bar"))
        #expect(throws: Never.self) { try Identifiers.validateInstanceName("foo_bar1") }
        #expect(throws: SnapYAMLError(.definition, "invalid instance key: \"Bar\"")) {
            try Identifiers.validateInstanceName("foo_Bar")
        }
        #expect(throws: SnapYAMLError(.definition, "invalid snap name: \"x\"")) {
            try Identifiers.validateInstanceName("x_key")
        }
        #expect(HookInfo.isSupportedName("connect-plug-foo--bar") && !HookInfo.isSupportedName("connect-plug-"))
    }
}
