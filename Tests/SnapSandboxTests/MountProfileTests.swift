import SnapPackage
import SnapSandbox
import SnapSeccomp
import SnapSecurity
import Testing

@Suite("Mount profiles, launch descriptions and the files of a revision")
struct MountProfileTests {
    @Test(
        "fstab fields escape whitespace and backslashes",
        arguments: [
            ("/a b", "/a\\040b"), ("/t\tab", "/t\\011ab"), ("/n\nl", "/n\\012l"), ("/back\\slash", "/back\\134slash"),
            ("/plain", "/plain"), ("", "none"),
        ]
    )
    func escaping(_ field: String, _ escaped: String) {
        #expect(MountProfile.escape(field) == escaped)
    }

    @Test("layouts become fstab lines with in-sandbox paths, one field each")
    func layoutLines() throws {
        let info = try SnapInfo.parse(
            yaml: """
                name: laid
                version: '1'
                apps:
                  laid:
                    command: bin/laid
                layout:
                  /usr/share/my app:
                    bind: $SNAP/share
                  /etc/laid.conf:
                    bind-file: $SNAP_DATA/laid.conf
                  /var/lib/laid:
                    type: tmpfs
                    mode: '0700'
                    user: root
                  /usr/lib/laid:
                    symlink: $SNAP_COMMON/lib
                """
        )
        try info.validate()
        let lines = try MountProfile.fstab(info: info, revision: "7").split(separator: "\n").dropFirst()
        #expect(
            Array(lines) == [
                "/snap/laid/7/share /usr/share/my\\040app none rbind,rw,x-snapd.origin=layout 0 0",
                "/var/snap/laid/7/laid.conf /etc/laid.conf none bind,rw,x-snapd.kind=file,x-snapd.origin=layout 0 0",
                "tmpfs /var/lib/laid tmpfs x-snapd.mode=0700,x-snapd.user=root,x-snapd.origin=layout 0 0",
                "none /usr/lib/laid none x-snapd.kind=symlink,x-snapd.symlink=/var/snap/laid/common/lib,"
                    + "x-snapd.origin=layout 0 0",
            ]
        )
        for line in lines {
            #expect(line.split(separator: " ").count == 6, "\(line)")
        }
    }

    @Test("the launch description carries the snap's then the app's environment, unexpanded, and the chain")
    func launchDescription() throws {
        let info = try SnapInfo.parse(
            yaml: """
                name: hello
                version: '2.10'
                environment:
                  LANG: C.UTF-8
                  PATH: $SNAP/bin:$PATH
                apps:
                  hello:
                    command: bin/hello --name "a b"
                    command-chain: [bin/first, bin/second]
                    environment:
                      GREETING: hi $USER
                hooks:
                  configure:
                    command-chain: [bin/hook-chain]
                """
        )
        let targets = try SecurityTarget.all(
            info: info,
            instanceName: "hello_two",
            revision: "x3",
            confinement: .strict
        )
        let app = try #require(targets.first).launchDescription
        #expect(app.snapName == "hello" && app.instanceName == "hello_two" && app.instanceKey == "two")
        #expect(app.revision == "x3" && app.version == "2.10" && app.base == "core" && app.confinement == .strict)
        #expect(app.app == "hello" && app.hook == nil && app.command == "bin/hello --name \"a b\"")
        #expect(app.commandChain == ["bin/first", "bin/second"])
        #expect(app.environment == ["LANG=C.UTF-8", "PATH=$SNAP/bin:$PATH", "GREETING=hi $USER"])
        #expect(try LaunchDescription(parsing: app.rendered(), source: "test") == app)

        let hook = try #require(targets.last).launchDescription
        #expect(hook.hook == "configure" && hook.app == nil && hook.command.isEmpty)
        #expect(hook.commandChain == ["bin/hook-chain"])
        #expect(try hook.securityTag().description == "snap.hello_two.hook.configure")
    }

    @Test("bases: snap.yaml's, core for an app snap naming none, none for classic snaps or bases")
    func bases() throws {
        func base(_ yaml: String, _ confinement: LaunchDescription.Confinement) throws -> String {
            let info = try SnapInfo.parse(yaml: yaml + "apps:\n  a:\n    command: a\n")
            return try #require(
                try SecurityTarget.all(info: info, instanceName: info.name, revision: "1", confinement: confinement)
                    .first
            ).launchDescription.base
        }
        #expect(try base("name: s\nversion: '1'\n", .strict) == "core")
        #expect(try base("name: s\nversion: '1'\nbase: core22\n", .devmode) == "core22")
        #expect(try base("name: s\nversion: '1'\nconfinement: classic\n", .classic) == "")
        #expect(try base("name: s\nversion: '1'\ntype: base\n", .strict) == "")
    }

    @Test("devmode comes from snap.yaml or the install flag; classic from snap.yaml")
    func confinement() throws {
        let strict = try SnapInfo.parse(yaml: "name: s\nversion: '1'\n")
        let classic = try SnapInfo.parse(yaml: "name: s\nversion: '1'\nconfinement: classic\n")
        let devmode = try SnapInfo.parse(yaml: "name: s\nversion: '1'\nconfinement: devmode\n")
        #expect(SecurityTarget.confinement(of: strict, devmode: false) == .strict)
        #expect(SecurityTarget.confinement(of: strict, devmode: true) == .devmode)
        #expect(SecurityTarget.confinement(of: devmode, devmode: false) == .devmode)
        #expect(SecurityTarget.confinement(of: classic, devmode: true) == .classic)
    }

    @Test("a revision's files: five per program and the snap's mount profile; none without programs")
    func fileSet() throws {
        let info = try SnapInfo.parse(yaml: "name: hello\nversion: '1'\napps:\n  hello:\n    command: bin/hello\n")
        let files = try SecurityProfiles.files(
            info: info,
            instanceName: "hello",
            revision: "x1",
            confinement: .strict,
            compileSeccomp: SeccompProfileCompiler.compile(source:named:)
        )
        #expect(
            files.map(\.path) == [
                "/var/lib/snapd/sandbox/snap.hello.hello", "/var/lib/snapd/seccomp/bpf/snap.hello.hello.src",
                "/var/lib/snapd/seccomp/bpf/snap.hello.hello.bin2", "/var/lib/snapd/landlock/snap.hello.hello",
                "/var/lib/snapd/apparmor/profiles/snap.hello.hello", "/var/lib/snapd/mount/snap.hello.fstab",
            ]
        )
        #expect(files.map(\.kind) == [.sandbox, .seccompSource, .seccompBinary, .landlock, .apparmor, .mount])
        let binary = try #require(files.first { $0.kind == .seccompBinary }).contents
        #expect(binary.count >= 128 && Array(binary.prefix(3)) == [UInt8(ascii: "S"), UInt8(ascii: "C"), 1])
        let base = try SnapInfo.parse(yaml: "name: core\nversion: '1'\ntype: os\n")
        #expect(
            try SecurityProfiles.files(
                info: base,
                instanceName: "core",
                revision: "1",
                confinement: .strict,
                compileSeccomp: SeccompProfileCompiler.compile(source:named:)
            ).isEmpty
        )
    }
}
