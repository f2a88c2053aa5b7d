import CSnapShim
import Foundation
import SnapPackage
import SnapSecurity
import Testing

@testable import SnapSandbox

@Suite("Landlock rules: syntax, generation and ruleset building")
struct LandlockRulesTests {
    @Test("every directive is read")
    func directives() throws {
        let text = """
            # a comment line
            mode enforce     # trailing comment
            fs r /etc
            fs rx /usr
            fs rwxd @{HOME}/snap/hello/x1
            fs rwd /run/user/@{UID}/snap.hello
            net bind deny
            net connect allow

            scope abstract-unix
            scope signal
            """
        let rules = try LandlockRules(parsing: text, source: "landlock/snap.hello.hello")
        #expect(rules.isEnforced)
        #expect(
            rules.pathRules.map(\.path) == ["/etc", "/usr", "@{HOME}/snap/hello/x1", "/run/user/@{UID}/snap.hello"]
        )
        #expect(rules.pathRules.map(\.rights.letters) == ["r", "rx", "rwxd", "rwd"])
        #expect(rules.pathRules.map(\.line) == [3, 4, 5, 6])
        #expect(rules.deniesTCPBind)
        #expect(!rules.deniesTCPConnect)
        #expect(rules.scopesAbstractUnixSockets && rules.scopesSignals)

        let flipped = try LandlockRules(parsing: "mode off\nnet bind allow\nnet connect deny\n", source: "f")
        #expect(!flipped.isEnforced && !flipped.deniesTCPBind && flipped.deniesTCPConnect)
        #expect(!flipped.scopesSignals && !flipped.scopesAbstractUnixSockets)
    }

    @Test("a path is the rest of its line, blanks inside included")
    func pathWithBlanks() throws {
        let rules = try LandlockRules(parsing: "mode enforce\nfs r /srv/my files/a#b\n", source: "f")
        #expect(rules.pathRules.first?.path == "/srv/my files/a#b")
    }

    @Test(
        "broken rules are refused with file, line and cause",
        arguments: [
            ("mode enforce\nallow /etc\n", "f:2: unknown directive \"allow\""),
            ("mode enforce\nfs rq /etc\n", "f:2: unknown right \"q\""),
            ("mode enforce\nfs r etc\n", "f:2: the path \"etc\" is relative"),
            ("mode enforce\nfs r\n", "f:2: expected \"fs RIGHTS PATH\""),
            ("mode enforce\nfs r @{USER}/x\n", "f:2: unknown variable \"@{USER}\""),
            ("mode strict\n", "f:1: unknown mode \"strict\""),
            ("mode enforce\nmode off\n", "f:2: \"mode\" is repeated"),
            ("fs r /etc\n", "f: \"mode\" is missing"),
            ("mode enforce\nnet listen deny\n", "f:2: unknown net right \"listen\""),
            ("mode enforce\nnet bind maybe\n", "f:2: net bind: unknown action \"maybe\""),
            ("mode enforce\nscope ptrace\n", "f:2: unknown scope \"ptrace\""),
        ]
    )
    func errors(text: String, message: String) {
        #expect {
            _ = try LandlockRules(parsing: text, source: "f")
        } throws: { error in
            (error as? SandboxError)?.message.hasPrefix(message) == true
        }
    }

    @Test("a strict app's rules hold the baseline with in-sandbox paths and the instance name")
    func baselineRendering() throws {
        let text = LandlockBackend.rules(for: try Self.target(instance: "hello_two", confinement: .strict))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "mode enforce")
        for expected in [
            "fs rx /usr", "fs rx /lib64", "fs r /etc", "fs rx /snap/hello_two/x3", "fs rx /usr/lib/snapd",
            "fs r /var/lib/snapd/sandbox", "fs rw /var/snap/hello_two/x3", "fs rw /var/snap/hello_two/common",
            "fs rw @{HOME}/snap/hello_two/x3", "fs rw @{HOME}/snap/hello_two/common", "fs rw /tmp",
            "fs rw /run/user/@{UID}/snap.hello_two", "fs rw /dev/shm", "fs rw /dev/null", "fs r /dev/urandom",
            "fs rwd /dev/pts", "fs rwd /dev/ptmx", "fs r /proc", "fs r /sys/devices/system/cpu",
            "net bind deny", "net connect allow", "scope abstract-unix", "scope signal",
        ] {
            #expect(lines.contains(expected), "missing \(expected)")
        }
        #expect(!lines.contains { $0.hasPrefix("fs") && $0.contains("/var/snap/hello/") })

        // What the daemon writes, the launcher reads back.
        let parsed = try LandlockRules(parsing: text, source: "rendered")
        #expect(parsed.isEnforced && parsed.deniesTCPBind && !parsed.deniesTCPConnect)
        #expect(parsed.pathRules.count == lines.filter { $0.hasPrefix("fs ") }.count)
    }

    @Test("devmode and classic programs get no ruleset", arguments: [LaunchDescription.Confinement.devmode, .classic])
    func unconfinedModes(confinement: LaunchDescription.Confinement) throws {
        #expect(
            LandlockBackend.rules(for: try Self.target(instance: "hello", confinement: confinement)) == "mode off\n"
        )
    }

    @Test("an interface layer can flip the network settings, and bad paths are refused")
    func profileEditing() throws {
        var profile = LandlockProfile.baseline(for: try Self.target(instance: "hello", confinement: .strict))
        profile.allowsTCPBind = true
        profile.scopesSignals = false
        let text = try profile.rendered()
        #expect(text.contains("net bind allow\n") && !text.contains("scope signal"))

        for bad in ["/a\nfs rwx /", "relative", "/trailing ", "/x #y"] {
            profile.paths.append(LandlockRules.PathRule(rights: .read, path: bad))
            #expect(throws: SandboxError.self) { try profile.rendered() }
            profile.paths.removeLast()
        }
    }

    @Test("the kernel accepts exactly the filesystem rights the reported ABI knows")
    func abiVersion() throws {
        let lsms = (try? String(contentsOfFile: "/sys/kernel/security/lsm", encoding: .utf8)) ?? ""
        let abi = LandlockRules.kernelABIVersion()
        if !lsms.isEmpty {
            #expect((abi >= 1) == lsms.split(whereSeparator: { $0 == "," || $0 == "\n" }).contains("landlock"))
        }
        guard abi >= 1 else { return }
        let known = LandlockAccess.filesystemRights(abi: abi)
        let accepted = csnap_landlock_create_ruleset(known, 0, 0)
        #expect(accepted >= 0)
        close(accepted)
        let nextBit: UInt64 = 1 << (64 - known.leadingZeroBitCount)
        #expect(csnap_landlock_create_ruleset(known | nextBit, 0, 0) == -1 && errno == EINVAL)
    }

    @Test("preparing: missing paths are skipped, files get file rights only, mode off builds nothing")
    func prepare() throws {
        let scratch = try ConfinementScratch("landlock-prepare")
        defer { scratch.remove() }
        try scratch.make("home/data")
        let text = """
            mode enforce
            fs rwxd @{HOME}/data
            fs rwxd /dev/null
            fs rw @{HOME}/missing/@{UID}
            fs r /proc/self/exe/below
            net bind deny
            net connect deny
            scope signal
            """
        let prepared = try LandlockRules(parsing: text, source: "t").prepare(home: "\(scratch.path)/home/", uid: 7)
        defer { prepared.discard() }
        #expect(prepared.isEnforced)
        if LandlockRules.kernelABIVersion() >= 1 {
            #expect(prepared.descriptor >= 0 && prepared.isSupported)
            #expect(prepared.skippedPaths == ["\(scratch.path)/home/missing/7", "/proc/self/exe/below"])
        } else {
            #expect(prepared.descriptor == -1 && !prepared.isSupported)
            #expect(throws: SandboxError.self) { try prepared.restrictSelf() }
        }

        let off = try LandlockRules(parsing: "mode off\nfs r /etc\n", source: "t").prepare(home: "/root", uid: 0)
        #expect(off.descriptor == -1 && !off.isEnforced)
        try off.restrictSelf()

        #expect(throws: SandboxError.self) {
            _ = try LandlockRules(parsing: "mode enforce\n", source: "t").prepare(home: "relative", uid: 0)
        }
    }

    @Test("a rule path that cannot be opened for another reason than absence fails, naming file and line")
    func unopenablePath() throws {
        guard LandlockRules.kernelABIVersion() >= 1 else { return }
        let scratch = try ConfinementScratch("landlock-loop")
        defer { scratch.remove() }
        try FileManager.default.createSymbolicLink(atPath: "\(scratch.path)/loop", withDestinationPath: "loop")
        let rules = try LandlockRules(parsing: "mode enforce\n\nfs r \(scratch.path)/loop\n", source: "rules-file")
        #expect {
            _ = try rules.prepare(home: "/root", uid: 0)
        } throws: { error in
            let error = error as? SandboxError
            return error?.message.hasPrefix("rules-file:3: \(scratch.path)/loop") == true && error?.errorNumber == ELOOP
        }
    }

    static func target(instance: String, confinement: LaunchDescription.Confinement) throws -> SecurityTarget {
        SecurityTarget(
            info: SnapInfo(name: "hello", version: "1"),
            instanceName: instance,
            revision: "x3",
            confinement: confinement,
            tag: try SecurityTag(instanceName: instance, app: "hello"),
            app: nil,
            hook: nil
        )
    }
}
