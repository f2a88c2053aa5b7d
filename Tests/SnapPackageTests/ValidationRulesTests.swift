import SnapPackage
import Testing

/// snapd's validation rules beyond the corpus cases, each with its message as the
/// reference `snap pack --check-skeleton` 2.57.6 printed it.
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

    /// An app `s` that is a simple service with the network-bind plug and one socket `x`.
    static func socket(_ fields: String, scope: String = "system") -> String {
        snap(
            "apps:\n  s: {command: s, daemon: simple, daemon-scope: \(scope), plugs: [network-bind], "
                + "sockets: {x: {\(fields)}}}"
        )
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
        snap("apps:\n  s: {command: s, daemon: simple, timer: '9:00/5'}"),
        snap("apps:\n  s: {command: s, daemon: simple, timer: '24:00'}"),
        snap("apps:\n  s: {command: s, daemon: simple, timer: ''}"),
        snap("apps:\n  c: {command: c, refresh-mode: ignore-running}"),
        snap("links:\n  contact: [mailto:me@example.com, me@example.com]\n  website: [http://example.com/x]"),
        snap("links:\n  website: ['http://', 'http:foo']"),
        snap("provenance: my-store"),
        snap("base: core22"),
        snap("system-usernames: {snap_daemon: shared, other: bogus}"),
        snap("environment:\n  A: 1"),
        "name: ab\nversion: 1.2.3-4+ubuntu~5:6\n",
        "name: a-1\nversion: 1234567890123456789012345678901A\n",
        snap("layout:\n  $SNAP/usr/lib: {bind: $SNAP/lib}\n  /opt/t: {type: tmpfs, mode: '1777'}"),
        snap("layout:\n  /: {bind: $SNAP/a}"),
        snap("layout:\n  /opt: {bind: $SNAP_DATA, mode: 755}"),
        snap(
            "plugs: {network-bind: null}\napps:\n  s: {command: s, daemon: simple, sockets: {x: {listen-stream: '80'}}}"
        ),
        snap("apps:\n  s: {command: s, plugs: [network-bind], sockets: {x: {listen-stream: '80'}}}"),
        snap("apps: {a: {command: a}}\napps: {b: {command: b}}"),
        snap("plugs: {p: {interface: content, target: x, a: 1.5, b: true, c: 0x10}}"),
    ]

    static let rejected: [(String, String)] = [
        // App names and fields.
        (
            snap("apps:\n  -a: {command: a}"),
            "cannot have \"-a\" as app name - use letters, digits, and dash as separator"
        ),
        (snap("apps:\n  a--b: {command: a}"), "cannot have \"a--b\" as app name"),
        (snap("apps:\n  abc-: {command: a}"), "cannot have \"abc-\" as app name"),
        (
            snap("apps:\n  c: {command: c, refresh-mode: endure}"),
            "\"refresh-mode\" for app \"c\" can only have value \"ignore-running\""
        ),
        (
            snap("apps:\n  c: {command: c, refresh-mode: bogus}"),
            "\"refresh-mode\" field contains invalid value \"bogus\""
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
        (
            snap(
                "apps:\n  a: {command: a, daemon: simple, after: [c]}\n  c: {command: c, daemon: simple, daemon-scope: user}"
            ),
            "before/after references service with different daemon-scope \"c\""
        ),
        (snap("apps:\n  c: {command: c, before: [d]}"), "must be a service to define before/after ordering"),
        // Licences.
        (snap("license: MIT and GPL-2.0"), "cannot validate license \"MIT and GPL-2.0\": unexpected string: \"and\""),
        (snap("license: LicenseRef-mine"), "unknown license: LicenseRef-mine"),
        (snap("license: Other Open Source"), "unknown license: Other"),
        (
            snap("license: MIT WITH Nothing"),
            "cannot validate license \"MIT WITH Nothing\": unknown license exception: Nothing"
        ),
        (snap("license: (MIT"), "cannot validate license \"(MIT\": expected \")\" got \"\""),
        (snap("license: MIT AND"), "cannot validate license \"MIT AND\": missing license after AND"),
        // Timers.
        (
            snap("apps:\n  s: {command: s, daemon: simple, timer: '25:00'}"),
            "timer has invalid format: cannot parse \"25:00\": not a valid time"
        ),
        (
            snap("apps:\n  s: {command: s, daemon: simple, timer: '10:00,mon'}"),
            "cannot parse \"mon\": invalid schedule fragment"
        ),
        (
            snap("apps:\n  s: {command: s, daemon: simple, timer: 'mon-'}"),
            "cannot parse \"mon-\": \"\" is not a valid weekday"
        ),
        (
            snap("apps:\n  s: {command: s, daemon: simple, timer: 'mon0'}"),
            "cannot parse \"mon0\": \"mon0\" is not a valid weekday"
        ),
        (
            snap("apps:\n  s: {command: s, daemon: simple, timer: '9:00-10:00/0'}"),
            "cannot parse \"9:00-10:00/0\": not a valid interval"
        ),
        (snap("apps:\n  s: {command: s, daemon: simple, timer: 'mon,,'}"), "cannot parse \"\": not a valid fragment"),
        (snap("apps:\n  s: {command: s, daemon: simple, timer: '24:01'}"), "cannot parse \"24:01\": not a valid time"),
        // Sockets.
        (
            socket("listen-stream: '0'"),
            "invalid definition of socket \"x\": invalid \"listen-stream\" port number \"0\""
        ),
        (socket("listen-stream: '127.0.0.1:99999'"), "invalid \"listen-stream\" port number \"99999\""),
        (
            socket("listen-stream: '80', socket-mode: 01777"),
            "invalid definition of socket \"x\": cannot use mode: 1777"
        ),
        (socket("listen-stream: '@foo'"), "path for \"listen-stream\" must be prefixed with \"@snap.t1.\""),
        (socket(""), "invalid definition of socket \"x\": \"listen-stream\" is not defined"),
        (
            socket("listen-stream: $SNAP_DATA/../x"),
            "invalid \"listen-stream\": \"$SNAP_DATA/../x\" should be written as \"x\""
        ),
        (
            socket("listen-stream: $SNAP_DATA/x", scope: "user"),
            "invalid \"listen-stream\": user daemon sockets must have a prefix of $SNAP_USER_DATA, $SNAP_USER_COMMON, or $XDG_RUNTIME_DIR"
        ),
        (
            snap(
                "apps:\n  s: {command: s, daemon: simple, plugs: [network-bind], sockets: {X_y: {listen-stream: '80'}}}"
            ),
            "invalid definition of socket \"X_y\": invalid socket name: \"X_y\""
        ),
        (
            snap(
                "plugs: {nb: network-bind}\napps:\n  s: {command: s, daemon: simple, plugs: [nb], sockets: {x: {listen-stream: '80'}}}"
            ),
            "\"network-bind\" interface plug is required when sockets are used"
        ),
        // Layouts.
        (
            snap("layout:\n  /opt/a: {bind: $SNAP/a}\n  /opt/a/b: {bind: $SNAP/b}"),
            "layout \"/opt/a/b\" underneath prior layout item \"/opt/a\""
        ),
        (snap("layout:\n  /opt/a: {type: ext4}"), "layout \"/opt/a\" uses invalid filesystem \"ext4\""),
        (snap("layout:\n  /opt/a: {bind: $SNAP/a, user: nobody}"), "layout \"/opt/a\" uses invalid user \"nobody\""),
        (snap("layout:\n  /opt/a: {bind: $SNAP/a, group: nobody}"), "layout \"/opt/a\" uses invalid group \"nobody\""),
        (snap("layout:\n  /opt/a: {type: tmpfs, mode: '4755'}"), "layout \"/opt/a\" uses invalid mode 04755"),
        (snap("layout:\n  /opt/a: {}"), "layout \"/opt/a\" must define a bind mount, a filesystem mount or a symlink"),
        (
            snap("layout:\n  /opt/a: {bind: $SNAP/a, type: tmpfs}"),
            "must define a bind mount, a filesystem mount or a symlink"
        ),
        (
            snap("layout:\n  /opt/a: {symlink: /etc/a}"),
            "layout \"/opt/a\" uses invalid symlink old name \"/etc/a\": must start with $SNAP, $SNAP_DATA or $SNAP_COMMON"
        ),
        (snap("layout:\n  /proc/x: {bind: $SNAP/a}"), "layout \"/proc/x\" defines a new top-level directory \"/proc\""),
        (
            snap("layout:\n  /usr/lib/a*: {bind: $SNAP/a}"),
            "invalid layout path: \"/usr/lib/a*\" contains a reserved apparmor char from ?*[]{}^\"\u{0}"
        ),
        (
            snap("layout:\n  /opt/a: {symlink: $SNAP/a*}"),
            "layout \"/opt/a\" uses invalid symlink: \"/snap/t1/unset/a*\" contains a reserved apparmor char"
        ),
        (
            snap("layout:\n  /opt/a: {bind: $SNAP/a/../b}"),
            "layout \"/opt/a\" uses invalid bind mount source \"/snap/t1/unset/a/../b\": must be absolute and clean"
        ),
        (snap("layout:\n  opt/a: {bind: $SNAP/a}"), "layout \"opt/a\" is a relative filename"),
        (
            snap("layout:\n  /opt/a/../b: {bind: $SNAP/a}"),
            "layout \"/opt/a/../b\" uses invalid mount point: must be absolute and clean"
        ),
        (snap("layout:\n  $FOO/a: {bind: $SNAP/a}"), "layout \"$FOO/a\" defines a new top-level directory \"/a\""),
        (
            snap("layout:\n  /opt/a: {bind: $FOO/a}"),
            "layout \"/opt/a\" uses invalid bind mount source \"$FOO/a\": reference to unknown variable \"$FOO\""
        ),
        (
            snap("layout:\n  /snap/other/a: {bind: $SNAP/a}"),
            "layout \"/snap/other/a\" defines a layout in space belonging to another snap"
        ),
        (snap("layout:\n  $SNAP_DATA/a: {bind: $SNAP/a}"), "layout \"$SNAP_DATA/a\" in an off-limits area"),
        (snap("layout:\n  '': {bind: $SNAP/a}"), "layout cannot use an empty path"),
        (
            snap("layout:\n  /opt/a: {bind: $SNAP/a}\n  /opt/b: {bind-file: $SNAP/a}"),
            "layout \"/opt/b\" refers to file \"$SNAP/a\" but another layout treats it as a directory"
        ),
        (
            snap("layout:\n  /opt/a: {bind-file: $SNAP/a}\n  /opt/b: {bind: $SNAP/a}"),
            "layout \"/opt/b\" refers to directory \"$SNAP/a\" but another layout treats it as file"
        ),
        // Links, provenance, base, users, hooks.
        (snap("links:\n  website: []"), "cannot validate snap \"t1\": \"website\" links cannot be specified and empty"),
        (snap("links:\n  9bad: [http://x]"), "links key is invalid: 9bad"),
        (snap("links:\n  website: [foo]"), "cannot validate snap \"t1\": invalid \"website\" email address \"foo\""),
        (snap("links:\n  contact: [mailto:foo]"), "invalid \"contact\" email address \"mailto:foo\""),
        (snap("links:\n  contact: ['']"), "cannot validate snap \"t1\": empty \"contact\" link"),
        (snap("provenance: global-upload"), "provenance cannot be set to default (global-upload) explicitly"),
        (snap("provenance: bad_one"), "cannot validate snap \"t1\": invalid provenance: \"bad_one\""),
        (snap("base: core_x"), "base cannot specify a snap instance name: \"core_x\""),
        (snap("base: Core"), "invalid base name: invalid snap name: \"Core\""),
        (snap("system-usernames: {Bad: shared}"), "invalid system username \"Bad\""),
        (
            snap("system-usernames: {snap_daemon: [a]}"),
            "system username \"snap_daemon\" has malformed definition (found []interface {})"
        ),
        (
            snap("hooks:\n  install: {command-chain: ['a b']}"),
            "hook command-chain contains illegal \"a b\" (legal: '^[A-Za-z0-9/._#:$-]*$')"
        ),
        // Decoding.
        (snap("epoch: [1]"), "line 3: cannot unmarshal !!seq into snap.structuredEpoch"),
        (snap("environment:\n  A: [1]"), "line 4: cannot unmarshal !!seq into string"),
        (socket("listen-stream: '80', socket-mode: '0644'"), "cannot unmarshal !!str `0644` into fs.FileMode"),
        (
            snap("apps:\n  s: {command: s, daemon: simple, stop-timeout: 3d}"),
            "cannot parse snap.yaml: time: unknown unit \"d\" in duration \"3d\""
        ),
        (snap("plugs:\n  foo:\n    label: 3"), "label of plug \"foo\" is not a string (found int)"),
        (snap("plugs:\n  foo: 3"), "plug \"foo\" has malformed definition (found int)"),
        (snap("system-usernames: {u: null}"), "system username \"u\" does not specify a scope"),
        (snap("system-usernames: {u: 3}"), "system username \"u\" has malformed definition (found int)"),
        (snap("system-usernames: {u: {scope: 3}}"), "scope on system username \"u\" is not a string (found int)"),
        // Attributes, environment and repeated keys.
        (
            snap("plugs: {p: {interface: content, target: x, a: null}}"),
            "attribute \"a\" of plug \"p\": invalid scalar: <nil>"
        ),
        (
            snap("plugs: {p: {interface: content, target: x, a: {1: x}}}"),
            "attribute \"a\" of plug \"p\": non-string key: 1"
        ),
        (snap("environment: {A: 1, A: 2}"), "cannot parse snap.yaml: found duplicate key \"A\""),
        (
            snap("apps: {c: {command: c, environment: {B: 1, B: 2}}}"),
            "cannot parse snap.yaml: found duplicate key \"B\""
        ),
        (
            snap("summary: [a]\ntitle: [b]"),
            "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!seq into string\n  line 4: cannot unmarshal !!seq into string"
        ),
        (snap("version: [1]\nversion: '2'"), "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!seq into string"),
        (snap("apps: x\napps: {b: {command: b}}"), "line 3: cannot unmarshal !!str `x` into map[string]snap.appYaml"),
        (snap("summary: [a]\ntype: bogus"), "cannot parse snap.yaml: invalid snap type: \"bogus\""),
        (snap("confinement: bogus\ntype: bogus"), "cannot parse snap.yaml: invalid confinement type: \"bogus\""),
        (
            snap("epoch: {read: x}"),
            "cannot parse snap.yaml: epoch read/write attributes must be lists of epoch numbers"
        ),
        // More layout and socket orderings.
        (
            snap("layout:\n  /usr/lib/$FOO/x: {bind: $SNAP/a}"),
            "layout \"/usr/lib/$FOO/x\" uses invalid mount point: reference to unknown variable \"$FOO\""
        ),
        (
            snap("layout:\n  /var/lib/snapd/$FOO: {bind: $SNAP/a}"),
            "uses invalid mount point: reference to unknown variable \"$FOO\""
        ),
        (snap("layout:\n  /snap/x/$FOO: {bind: $SNAP/a}"), "defines a layout in space belonging to another snap"),
        (
            snap("apps:\n  s: {command: s, plugs: [network-bind], sockets: {x: {listen-stream: $SNAP_DATA/x}}}"),
            "invalid \"listen-stream\": cannot validate sockets for daemon-scope \"\""
        ),
        // Identity.
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

    @Test("sanitisation drops plugs and slots missing required attributes, with snapd's reasons")
    func sanitisationReasons() throws {
        let info = try SnapInfo.parse(
            yaml: Self.snap(
                "plugs:\n  c: {interface: content}\n  p: {interface: personal-files}\n"
                    + "slots:\n  s: {interface: content}\n  d: {interface: dbus}\n  ok: {interface: dbus, bus: system, name: a.b}"
            )
        )
        try info.validate()
        #expect(
            info.badInterfacesSummary
                == "snap \"t1\" has bad plugs or slots: c (content plug must contain target path); "
                + "p (cannot add personal-files plug: needs valid \"read\" or \"write\" attribute); "
                + "s (read or write path must be set); d (cannot find attribute 'bus')"
        )
        #expect(info.slots.map(\.name) == ["ok"])

        let dbus = try SnapInfo.parse(
            yaml: Self.snap(
                "slots:\n  a: {interface: dbus, bus: sess, name: a.b}\n  b: {interface: dbus, bus: session}\n"
                    + "  c: {interface: dbus, bus: session, name: a}\n  d: {interface: dbus, bus: 3, name: a.b}"
            )
        )
        #expect(
            dbus.badInterfaces.map(\.reason) == [
                "bus 'sess' must be one of 'session' or 'system'", "cannot find attribute 'name'",
                "invalid DBus bus name: \"a\"", "cannot find attribute 'bus'",
            ]
        )
    }

    @Test("a version of one bad character gets only the first-character reason")
    func singleCharacterVersion() {
        #expect(
            Self.verdict("name: ab\nversion: '-'\n")
                == "cannot validate snap \"ab\": invalid snap version \"-\": must start with an ASCII alphanumeric (and not '-')"
        )
    }

    @Test("repeated map keys merge, as yaml.v2 merges them")
    func repeatedMapsMerge() throws {
        let info = try SnapInfo.parse(
            yaml: Self.snap("apps: {a: {command: a}}\napps: {b: {command: b}, a: {command: c}}")
        )
        #expect(info.apps.map(\.name) == ["a", "b"])
        #expect(info.app(named: "a")?.command == "c")
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
