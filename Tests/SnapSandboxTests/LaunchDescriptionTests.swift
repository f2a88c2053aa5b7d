import SnapSandbox
import Testing

@Suite("Launch descriptions and security tags")
struct LaunchDescriptionTests {
    @Test("a description survives rendering and parsing")
    func roundTrip() throws {
        let description = LaunchDescription(
            snapName: "hello",
            instanceName: "hello_two",
            instanceKey: "two",
            revision: "x1",
            version: "2.10",
            base: "core",
            confinement: .devmode,
            app: "hello",
            command: "bin/hello --greeting=\"hi there\"",
            commandChain: ["bin/launcher", "bin/other"],
            environment: ["LANG=C.UTF-8", "PATH=$SNAP/bin:$PATH"],
            pidsMax: 64,
            memoryMax: 1 << 29
        )
        let parsed = try LaunchDescription(parsing: description.rendered(), source: "test")
        #expect(parsed == description)
        #expect(try parsed.securityTag().description == "snap.hello_two.hello")
    }

    @Test(
        "broken descriptions are refused with the reason",
        arguments: [
            ("snap-name hello\n", "\"instance-name\" is missing"),
            (
                "snap-name hello\ninstance-name hello\nrevision x1\nconfinement strict\napp a\nhook b\n",
                "exactly one of app and hook"
            ),
            ("snap-name hello\ninstance-name hello\nrevision x1\nconfinement loose\napp a\n", "unknown confinement"),
            ("snap-name hello\nsnap-name hello\n", "repeated"),
            ("bogus 1\n", "unknown key \"bogus\""),
            ("snap-name hello\ninstance-name hello\nrevision x1\nconfinement strict\napp a\npids-max -3\n", "pids-max"),
            ("snap-name hello\ninstance-name hello\nrevision x1\nconfinement strict\napp a/b\n", "invalid app"),
        ]
    )
    func refused(text: String, reason: String) {
        #expect {
            _ = try LaunchDescription(parsing: text, source: "f")
        } throws: { error in
            String(describing: error).contains(reason)
        }
    }

    @Test("tags parse into their parts and bad ones are refused")
    func tags() throws {
        let hook = try SecurityTag(parsing: "snap.foo-bar_k1.hook.configure")
        #expect(hook.snapName == "foo-bar" && hook.instanceKey == "k1" && hook.isHook && hook.program == "configure")
        #expect(hook.underscored == "snap_foo-bar_k1_hook_configure")
        for bad in [
            "snap.Foo.app", "snap..app", "snap.foo", "snap.foo.hook.", "snap.foo_.app", "snap.foo_12345678901.app",
            "snip.foo.app", "snap.foo--bar.app", "snap.foo.a.b", "snap.-foo.app", "snap.123.app",
        ] {
            #expect(throws: SandboxError.self) { try SecurityTag(parsing: bad) }
        }
    }

    @Test("files of /proc that report no size are read whole")
    func procFiles() throws {
        let text = String(
            decoding: try SandboxFile.readBytes(path: "/proc/sys/kernel/cap_last_cap", limit: 64),
            as: UTF8.self
        )
        let last = Int(text.split(separator: "\n").first ?? "")
        #expect(last.map { $0 >= 30 } == true, "read \"\(text)\"")
    }
}
