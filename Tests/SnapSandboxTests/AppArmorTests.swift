import CAppArmor
import Glibc
import SnapPackage
import SnapSandbox
import SnapSecurity
import Testing

/// Whether `apparmor_parser` is installed (the `apparmor` package).
let apparmorParser: String? = ["/usr/sbin/apparmor_parser", "/sbin/apparmor_parser"].first { (path: String) in
    access(path, X_OK) == 0
}

/// Compiles a profile with `apparmor_parser -Q -K` (compile only: no kernel, no cache),
/// returning its exit status and what it printed on standard error.
func parseProfile(_ text: String) throws -> (status: Int32, errors: String) {
    let directory = try ExecScratch()
    let path = directory.path + "/profile"
    try execWriteFile(path, text)
    let run = try execRun(try #require(apparmorParser), ["-Q", "-K", path])
    return (run.status, run.stderr)
}

@Suite("AppArmor profiles")
struct AppArmorTests {
    @Test("the launcher's AppArmor detection agrees with libapparmor's aa_is_enabled")
    func detectionAgreesWithLibrary() {
        errno = 0
        let library = aa_is_enabled() == 1
        let reason = errno
        #expect(AppArmorHost.isEnabled == library, "aa_is_enabled: \(library), errno \(reason)")
    }

    static let yaml = """
        name: hello
        version: '1.0'
        summary: s
        description: d
        apps:
          hello:
            command: bin/hello
        hooks:
          configure: {}
        layout:
          /usr/share/hello data:
            bind: $SNAP/share
          /etc/hello.conf:
            bind-file: $SNAP_DATA/hello.conf
        """

    static func targets(_ confinement: LaunchDescription.Confinement, yaml: String = yaml) throws -> [SecurityTarget] {
        let info = try SnapInfo.parse(yaml: yaml)
        return try SecurityTarget.all(info: info, instanceName: "hello", revision: "x1", confinement: confinement)
    }

    @Test("a strict profile names the program, its variables and its own paths, quoted")
    func strictContent() throws {
        let target = try #require(try Self.targets(.strict).first)
        let profile = try AppArmorBackend.profile(for: target)
        let lines = profile.split(separator: "\n").map(String.init)
        #expect(lines.contains("#include <tunables/global>"))
        #expect(lines.contains("@{SNAP_NAME}=\"hello\""))
        #expect(lines.contains("@{SNAP_INSTANCE_NAME}=\"hello\""))
        #expect(lines.contains("@{SNAP_REVISION}=\"x1\""))
        #expect(lines.contains("@{INSTALL_DIR}=\"/snap\""))
        #expect(lines.contains("profile \"snap.hello.hello\" flags=(attach_disconnected,mediate_deleted) {"))
        #expect(lines.contains("  \"@{INSTALL_DIR}/@{SNAP_NAME}/@{SNAP_REVISION}/**\" mrklix,"))
        #expect(lines.contains("  \"/var/snap/@{SNAP_INSTANCE_NAME}/{@{SNAP_REVISION},common}/**\" mrwklix,"))
        #expect(lines.contains("  signal (send, receive) peer=snap.@{SNAP_INSTANCE_NAME}.*,"))
        #expect(lines.contains("  \"/usr/share/hello data\" mrwklix,"))
        #expect(lines.contains("  deny ptrace (trace),"))
        #expect(
            !lines.contains {
                $0.hasPrefix("  network") || $0.hasPrefix("  capability") || $0.hasPrefix("  mount")
                    || $0.hasPrefix("  ptrace")
            }
        )
    }

    @Test("devmode is the strict profile in complain mode; classic is permissive")
    func modes() throws {
        let devmode = try AppArmorBackend.profile(for: try #require(try Self.targets(.devmode).first))
        #expect(devmode.contains("profile \"snap.hello.hello\" flags=(attach_disconnected,mediate_deleted,complain) {"))
        let classic = try AppArmorBackend.profile(for: try #require(try Self.targets(.classic).first))
        #expect(classic.contains("  capability,\n") && classic.contains("  /{,**} mrwlkix,\n"))
        #expect(!classic.contains("deny"))
    }

    @Test(
        "apparmor_parser compiles the generated profiles of every confinement, apps and hooks",
        .enabled(if: apparmorParser != nil, "needs apparmor_parser (the apparmor package)"),
        arguments: [LaunchDescription.Confinement.strict, .devmode, .classic]
    )
    func parserAccepts(_ confinement: LaunchDescription.Confinement) throws {
        let targets = try Self.targets(confinement)
        #expect(targets.map(\.tag.description) == ["snap.hello.hello", "snap.hello.hook.configure"])
        for target in targets {
            let result = try parseProfile(try AppArmorBackend.profile(for: target))
            #expect(result.status == 0, "\(target.tag): \(result.errors)")
        }
    }

    @Test(
        "apparmor_parser refuses a broken profile, so the check above can fail",
        .enabled(if: apparmorParser != nil, "needs apparmor_parser (the apparmor package)")
    )
    func parserRefuses() throws {
        let target = try #require(try Self.targets(.strict).first)
        let profile = try AppArmorBackend.profile(for: target)
        let broken = profile.execReplacing("deny ptrace (trace),", with: "deny ptrace (trace)")
        #expect(try parseProfile(broken).status != 0)
    }

    @Test(
        "a layout path with a space, a comma and an at sign is accepted and stays literal",
        .enabled(if: apparmorParser != nil, "needs apparmor_parser (the apparmor package)")
    )
    func literalLayout() throws {
        let yaml = """
            name: hello
            version: '1'
            apps:
              hello:
                command: bin/hello
            layout:
              /opt/a b,@c:
                bind: $SNAP/data
            """
        let info = try SnapInfo.parse(yaml: yaml)
        try info.validate()
        let target = try #require(
            try SecurityTarget.all(info: info, instanceName: "hello", revision: "x1", confinement: .strict).first
        )
        let profile = try AppArmorBackend.profile(for: target)
        #expect(profile.contains("  \"/opt/a b,@c\" mrwklix,\n  \"/opt/a b,@c/**\" mrwklix,\n"), "\(profile)")
        let result = try parseProfile(profile)
        #expect(result.status == 0, "\(result.errors)")
    }

    @Test("names and layout paths with pattern characters are refused by the generator itself")
    func refusesPatterns() throws {
        var info = try SnapInfo.parse(yaml: "name: hello\nversion: '1'\napps:\n  hello:\n    command: bin/hello\n")
        info.layout = [LayoutEntry(path: "/opt/x{a,b}", kinds: [.bind("$SNAP/data")])]
        let target = try #require(
            try SecurityTarget.all(info: info, instanceName: "hello", revision: "x1", confinement: .strict).first
        )
        #expect(throws: SandboxError.self) { try AppArmorBackend.profile(for: target) }
        var other = target
        other.revision = "x1\"rw"
        #expect(throws: SandboxError.self) { try AppArmorBackend.profile(for: other) }
    }

    /// Layout paths and source paths with every character that could change a profile.
    static let hostile: [String] = {
        let pieces = ["{", "}", "[", "]", "*", "?", "\"", ",", "@", "\n", "@{HOME}", "\" rw,\n/** rwx,\n\"", "a b"]
        return pieces.flatMap { ["/usr/share/x\($0)y", "/opt/\($0)"] }
    }()

    @Test(
        "hostile layout paths are refused at install or stay literal in a valid profile",
        .enabled(if: apparmorParser != nil, "needs apparmor_parser (the apparmor package)"),
        arguments: hostile
    )
    func hostileLayouts(_ path: String) throws {
        let escaped = path.execReplacing("\\", with: "\\\\").execReplacing("\"", with: "\\\"")
            .execReplacing("\n", with: "\\n")
        let yaml = """
            name: hello
            version: '1'
            summary: s
            description: d
            apps:
              hello:
                command: bin/hello
            layout:
              "\(escaped)":
                bind: $SNAP/data
            """
        let info: SnapInfo
        do {
            info = try SnapInfo.parse(yaml: yaml)
            try info.validate()
        } catch {
            return  // install refuses it
        }
        let target = try #require(
            try SecurityTarget.all(info: info, instanceName: "hello", revision: "x1", confinement: .strict).first
        )
        let profile: String
        do {
            profile = try AppArmorBackend.profile(for: target)
        } catch {
            #expect(error.message.contains("pattern"), "\(error)")
            return
        }
        // Kept: the path appears quoted, once per rule, and the whole profile still compiles.
        #expect(profile.contains("  \"\(path)\" mrwklix,\n"), "\(profile)")
        #expect(!path.contains("\n") && !path.contains("\"") && !path.contains("{"))
        let result = try parseProfile(profile)
        #expect(result.status == 0, "\(path): \(result.errors)")
    }
}
