import Foundation
import SnapPackage
import SnapSandbox
import SnapSecurity
import Testing

/// The generated baseline rules, loaded into a real child process by the real kernel.
///
/// The rules name in-sandbox paths; the test moves the trees the sandbox binds in
/// (`/snap`, `/var/snap`, `/var/lib/snapd`, `/tmp`, `/run/user`, `/dev/shm`) into a scratch
/// directory that stands for the sandbox's root, and keeps the host's `/usr`, `/etc`,
/// `/dev/null` and `/proc`, which the probe needs to run at all.
@Suite("Landlock rules enforced on a real process", .enabled(if: LandlockRules.kernelABIVersion() >= 1))
struct LandlockEnforcementTests {
    static let snapName = "landlock-probe"
    static let revision = "x1"

    /// The sandbox stand-in, the rules file written into it and the scratch home.
    struct Sandbox {
        let scratch: ConfinementScratch
        let rulesPath: String
        var home: String { "\(scratch.path)/home" }
        var root: String { scratch.path }
        let uid = getuid()

        var name: String { LandlockEnforcementTests.snapName }
        var revision: String { LandlockEnforcementTests.revision }
        var data: String { "\(root)/var/snap/\(name)/\(revision)" }
        var common: String { "\(root)/var/snap/\(name)/common" }
        var userData: String { "\(home)/snap/\(name)/\(revision)" }
        var userCommon: String { "\(home)/snap/\(name)/common" }
        var revisionFiles: String { "\(root)/snap/\(name)/\(revision)" }
        var runtime: String { "\(root)/run/user/\(uid)/snap.\(name)" }
        var outside: String { "\(root)/outside" }

        func probe(_ actions: [String]) throws -> [String] {
            let lines = try ConfinementProbe.run(["landlock", rulesPath, home, String(uid), "--"] + actions)
            #expect(lines.first?.hasPrefix("abi ") == true)
            return Array(lines.dropFirst())
        }
    }

    /// The rules the daemon writes for a strict app, with the bound-in trees moved under
    /// `root`.
    static func relocatedRules(root: String) throws -> String {
        let target = SecurityTarget(
            info: SnapInfo(name: snapName, version: "1"),
            instanceName: snapName,
            revision: revision,
            confinement: .strict,
            tag: try SecurityTag(instanceName: snapName, app: "app"),
            app: nil,
            hook: nil
        )
        let moved = ["/snap/", "/var/snap/", "/var/lib/snapd/", "/tmp", "/run/user/", "/dev/shm"]
        let lines = LandlockBackend.rules(for: target).split(separator: "\n").map { line -> String in
            let words = line.split(separator: " ", maxSplits: 2).map(String.init)
            guard words.count == 3, words[0] == "fs", moved.contains(where: { words[2].hasPrefix($0) }) else {
                return String(line)
            }
            return "fs \(words[1]) \(root)\(words[2])"
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func makeSandbox() throws -> Sandbox {
        let scratch = try ConfinementScratch("landlock-probe")
        let rulesPath = "\(scratch.path)/rules"
        let sandbox = Sandbox(scratch: scratch, rulesPath: rulesPath)
        for directory in [
            sandbox.data, sandbox.common, sandbox.userData, sandbox.userCommon, sandbox.revisionFiles,
            sandbox.runtime, sandbox.outside, "\(sandbox.root)/tmp", "\(sandbox.root)/dev/shm",
        ] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        try scratch.write("outside/secret", "secret\n")
        try scratch.write("snap/\(snapName)/\(revision)/payload", "payload\n")
        try scratch.write("rules", try relocatedRules(root: scratch.path))
        return sandbox
    }

    @Test("without a ruleset the same actions succeed, so the denials below come from Landlock")
    func controlRunIsUnconfined() throws {
        let sandbox = try Self.makeSandbox()
        defer { sandbox.scratch.remove() }
        let lines = try ConfinementProbe.run([
            "none", "--", "write", "\(sandbox.outside)/new", "list", sandbox.outside, "bind-tcp", "0",
            "kill-parent", "run", "/bin/cat", "\(sandbox.outside)/secret",
        ])
        #expect(lines == ["ok", "ok", "ok", "ok", "exit 0"])
    }

    @Test("files: data directories, /tmp and /dev/null are writable; the rest is not")
    func filesystem() throws {
        let sandbox = try Self.makeSandbox()
        defer { sandbox.scratch.remove() }
        let etcProbe = "/etc/landlock-probe-\(getpid())"
        defer { unlink(etcProbe) }

        let writable = [
            sandbox.data, sandbox.common, sandbox.userData, sandbox.userCommon, "\(sandbox.root)/tmp",
            sandbox.runtime, "\(sandbox.root)/dev/shm",
        ]
        let lines = try sandbox.probe(
            writable.flatMap { ["write", "\($0)/file"] } + [
                "write", "/dev/null",
                "read", "/etc/passwd",
                "read", "/dev/urandom",
                "read", "\(sandbox.revisionFiles)/payload",
                "mkdir", "\(sandbox.data)/made",
                "write", "\(sandbox.outside)/new",
                "write", etcProbe,
                "write", "/dev/urandom",
                "write", "\(sandbox.revisionFiles)/new",
                "read", "\(sandbox.outside)/secret",
                "list", sandbox.outside,
                "list", "\(sandbox.root)/tmp",
                "rename", "\(sandbox.root)/tmp/file", "\(sandbox.outside)/moved",
                "rename", "\(sandbox.data)/file", "\(sandbox.common)/moved",
            ]
        )
        let expected =
            Array(repeating: "ok", count: writable.count) + ["ok", "ok", "ok", "ok", "ok"]
            + ["EACCES", "EACCES", "EACCES", "EACCES", "EACCES", "EACCES", "ok", "EACCES", "ok"]
        #expect(lines == expected)
        #expect(access(etcProbe, F_OK) != 0)

        // The test process itself is not confined.
        #expect(FileManager.default.createFile(atPath: "\(sandbox.outside)/after", contents: Data()))
        #expect(FileManager.default.contents(atPath: "\(sandbox.outside)/secret") == Data("secret\n".utf8))
    }

    @Test("network: TCP bind is denied, connect allowed", .enabled(if: LandlockRules.kernelABIVersion() >= 4))
    func network() throws {
        let sandbox = try Self.makeSandbox()
        defer { sandbox.scratch.remove() }
        let listener = try TCPListener()
        defer { listener.close() }
        let lines = try sandbox.probe([
            "bind-tcp", "0", "bind-tcp", "\(listener.port + 1)", "connect-tcp", "\(listener.port)",
        ])
        #expect(lines == ["EACCES", "EACCES", "ok"])
    }

    @Test(
        "scopes: no signal and no abstract socket outside the sandbox",
        .enabled(if: LandlockRules.kernelABIVersion() >= 6)
    )
    func scopes() throws {
        let sandbox = try Self.makeSandbox()
        defer { sandbox.scratch.remove() }
        let name = "landlock-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let listener = try AbstractListener(name: name)
        defer { listener.close() }

        let unconfined = try ConfinementProbe.run(["none", "--", "connect-abstract", name, "kill-parent"])
        #expect(unconfined == ["ok", "ok"])
        let lines = try sandbox.probe(["connect-abstract", name, "kill-parent", "kill", "1"])
        #expect(lines == ["EPERM", "EPERM", "EPERM"])
    }

    @Test("the restriction survives exec: a child cat reads the revision's files but not the rest")
    func survivesExec() throws {
        let sandbox = try Self.makeSandbox()
        defer { sandbox.scratch.remove() }
        #expect(try sandbox.probe(["run", "/bin/cat", "\(sandbox.revisionFiles)/payload"]) == ["exit 0"])
        #expect(try sandbox.probe(["run", "/bin/cat", "\(sandbox.outside)/secret"]) == ["exit 1"])
        #expect(try sandbox.probe(["run", "/bin/sh", "-c", "echo x >/dev/null"]) == ["exit 0"])
    }
}

/// A TCP socket listening on an ephemeral loopback port.
struct TCPListener {
    let descriptor: Int32
    let port: UInt16

    init() throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        var size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = descriptor
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(fd, generic, size) == 0 && listen(fd, 8) == 0 && getsockname(fd, generic, &size) == 0
            }
        }
        guard descriptor >= 0, bound else { throw ConfinementProbeError(description: "cannot listen on TCP") }
        port = UInt16(bigEndian: address.sin_port)
    }

    func close() { _ = Glibc.close(descriptor) }
}

/// A unix socket listening on an abstract name.
struct AbstractListener {
    let descriptor: Int32

    init(name: String) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = [0] + Array(name.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() where index < raw.count { raw[index] = byte }
        }
        let size = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        let fd = descriptor
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) == 0 && listen(fd, 8) == 0 }
        }
        guard descriptor >= 0, bound else { throw ConfinementProbeError(description: "cannot listen on @\(name)") }
    }

    func close() { _ = Glibc.close(descriptor) }
}
