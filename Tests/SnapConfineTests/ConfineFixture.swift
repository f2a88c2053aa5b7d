import Foundation
import SnapSandbox
import XCTest

/// What a process printed and how it exited.
struct Output: CustomStringConvertible {
    var standardOutput: String
    var standardError: String
    var status: Int32

    var lines: [String] { standardOutput.split(separator: "\n").map(String.init) }
    var description: String { "status \(status)\nstdout:\n\(standardOutput)\nstderr:\n\(standardError)" }
}

/// A snap installed in the fixture's root: a directory at `$ROOT/snap/NAME/x1`.
struct TestSnap {
    let name: String
    let confinement: String

    func tag(_ app: String = "sh") -> String { "snap.\(name).\(app)" }
}

/// An ordinary user the tests create (and delete): uid, gid and one supplementary group.
struct TestUser {
    let name: String
    let uid: UInt32
    let gid: UInt32
}

/// A scratch root (`SNAPPY_GLOBAL_ROOT`) holding an installed launcher, a busybox base
/// mounted from a squashfs through a loop device, test snaps and their launch files.
final class ConfineFixture: @unchecked Sendable {
    static let packageRoot: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }()

    let root: String
    let baseName: String
    let user: TestUser
    /// `$ROOT/usr/lib/snapd`: snap-confine (setuid root), snap-exec and the probe.
    var libexec: String { root + "/usr/lib/snapd" }
    var launcher: String { libexec + "/snap-confine" }
    var probe: String { libexec + "/snap-confine-probe" }
    /// What launches execute: the real snap-exec once it is built (it runs `$SNAP/bin/sh`
    /// with the arguments, as the probe does), else the probe.
    var snapExec: String { Self.realSnapExecIsBuilt ? libexec + "/snap-exec" : probe }

    /// Whether `.build/debug/snap-exec` is more than the placeholder that says "not built yet".
    static let realSnapExecIsBuilt: Bool = {
        guard let output = try? run([packageRoot + "/.build/debug/snap-exec"], environment: [:]) else { return false }
        return !output.standardError.contains("not built yet")
    }()
    var anchor: String { root + "/tmp/snap-private-tmp" }
    private(set) var snaps: [TestSnap] = []

    static func uniqueName(_ prefix: String) -> String {
        prefix + String((0..<6).map { _ in "abcdefghijklmnopqrstuvwxyz".randomElement() ?? "a" })
    }

    /// Skips unless the tests can do their work: root, and the programs built.
    static func requirements() throws {
        guard geteuid() == 0 else { throw XCTSkip("the launcher's tests need root") }
        for program in ["snap-confine", "snap-exec", "snap-confine-probe"] {
            let path = packageRoot + "/.build/debug/" + program
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw XCTSkip("\(path) is not built (swift build --product \(program))")
            }
        }
    }

    init() throws {
        try Self.requirements()
        // Not under /tmp: the seccomp loader refuses a profile with a world-writable
        // directory (even a sticky one) above it.
        var template = Array("/var/lib/snap-confine-test.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        root = String(cString: made)
        baseName = Self.uniqueName("scbase")
        let userName = Self.uniqueName("scuser")
        do {
            try Self.shell("useradd -M -U -G users -d /nonexistent -s /usr/sbin/nologin \(userName)")
            let ids = try Self.shell("id -u \(userName); id -g \(userName)").lines.compactMap { UInt32($0) }
            guard ids.count == 2 else { throw POSIXError(.EINVAL) }
            user = TestUser(name: userName, uid: ids[0], gid: ids[1])
        } catch {
            try? FileManager.default.removeItem(atPath: root)
            throw error
        }
        do {
            try populate()
        } catch {
            destroy()
            throw error
        }
    }

    /// The directories, the installed programs and the base.
    private func populate() throws {
        let directories = [
            "/usr/lib/snapd", "/snap", "/var/snap", "/var/lib/snapd/sandbox", "/var/lib/snapd/seccomp/bpf",
            "/var/lib/snapd/landlock", "/var/lib/snapd/hostfs", "/run", "/tmp",
        ]
        for directory in directories {
            try FileManager.default.createDirectory(atPath: root + directory, withIntermediateDirectories: true)
        }
        chmod(root, 0o755)
        chmod(root + "/tmp", 0o1777)
        let build = Self.packageRoot + "/.build/debug/"
        try Self.shell(
            """
            set -e
            cp \(build)snap-confine \(build)snap-exec \(build)snap-confine-probe \(libexec)/
            chown root:root \(libexec)/*
            chmod 0755 \(libexec)/snap-exec \(libexec)/snap-confine-probe
            chmod 4755 \(libexec)/snap-confine
            \(Self.packageRoot)/tools/build-base --busybox \(baseName) \(root)/\(baseName).snap >/dev/null
            mkdir -p \(root)/snap/\(baseName)/x1
            mount -o loop,ro \(root)/\(baseName).snap \(root)/snap/\(baseName)/x1
            ln -s x1 \(root)/snap/\(baseName)/current
            """
        )
    }

    /// Installs a snap with an app `sh` (`eval "$1"` under /bin/sh) and its launch files:
    /// description, an unrestricted seccomp profile and `mode off` Landlock rules.
    @discardableResult
    func makeSnap(confinement: String = "strict", base: String? = nil) throws -> TestSnap {
        let snap = TestSnap(name: Self.uniqueName("sct"), confinement: confinement)
        let directory = "\(root)/snap/\(snap.name)/x1"
        try FileManager.default.createDirectory(atPath: directory + "/meta", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/bin", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            atPath: "\(root)/var/snap/\(snap.name)/x1",
            withIntermediateDirectories: true
        )
        let snapBase = base ?? baseName
        try "name: \(snap.name)\nversion: '1'\nbase: \(snapBase)\nconfinement: \(confinement)\n".write(
            toFile: directory + "/meta/snap.yaml",
            atomically: false,
            encoding: .utf8
        )
        try "#!/bin/sh\neval \"$1\"\n".write(toFile: directory + "/bin/sh", atomically: false, encoding: .utf8)
        chmod(directory + "/bin/sh", 0o755)
        try FileManager.default.createSymbolicLink(
            atPath: "\(root)/snap/\(snap.name)/current",
            withDestinationPath: "x1"
        )

        let description = LaunchDescription(
            snapName: snap.name,
            instanceName: snap.name,
            revision: "x1",
            version: "1",
            base: confinement == "classic" ? "" : snapBase,
            confinement: LaunchDescription.Confinement(rawValue: confinement) ?? .strict,
            app: "sh",
            command: "bin/sh"
        )
        try description.rendered().write(
            toFile: "\(root)/var/lib/snapd/sandbox/\(snap.tag())",
            atomically: false,
            encoding: .utf8
        )
        var header = [UInt8](repeating: 0, count: 128)
        header[0] = UInt8(ascii: "S")
        header[1] = UInt8(ascii: "C")
        header[2] = 1
        header[3] = 1
        try Data(header).write(to: URL(fileURLWithPath: "\(root)/var/lib/snapd/seccomp/bpf/\(snap.tag()).bin2"))
        try "mode off\n".write(
            toFile: "\(root)/var/lib/snapd/landlock/\(snap.tag())",
            atomically: false,
            encoding: .utf8
        )
        snaps.append(snap)
        return snap
    }

    /// Runs the app `sh` of `snap` with `script` through the installed launcher.
    func launch(
        _ snap: TestSnap,
        _ script: String,
        asUser: Bool = false,
        classic: Bool? = nil,
        launcher: String? = nil,
        snapExec: String? = nil,
        tag: String? = nil,
        environment: [String: String] = [:],
        directory: String? = nil,
        probeArguments: [String]? = nil,
        options: [String] = [],
        target: String? = nil
    ) throws -> Output {
        var arguments: [String] = []
        if asUser {
            arguments += ["/usr/bin/setpriv", "--reuid=\(user.uid)", "--regid=\(user.gid)", "--init-groups", "--"]
        }
        arguments.append(launcher ?? self.launcher)
        if classic ?? (snap.confinement == "classic") { arguments.append("--classic") }
        arguments += options
        let program = snapExec ?? (probeArguments == nil ? self.snapExec : probe)
        arguments += [tag ?? snap.tag(), program, target ?? "\(snap.name).sh"] + (probeArguments ?? [script])
        let snapDirectory =
            snap.confinement == "classic" ? "\(root)/snap/\(snap.name)/current" : "/snap/\(snap.name)/current"
        var variables = [
            "SNAPPY_GLOBAL_ROOT": root, "SNAP": snapDirectory, "PATH": "/usr/bin:/bin",
        ]
        variables.merge(environment) { _, new in new }
        return try Self.run(arguments, environment: variables, directory: directory ?? root)
    }

    /// `snap-confine --discard-ns NAME`, as root.
    func discard(_ snap: TestSnap) throws {
        let output = try Self.run([launcher, "--discard-ns", snap.name], environment: ["SNAPPY_GLOBAL_ROOT": root])
        guard output.status == 0 else { throw FixtureError("discard failed: \(output)") }
    }

    func namespaceFile(_ snap: TestSnap) -> String { "\(root)/run/snapd/ns/\(snap.name).mnt" }

    /// Unmounts everything under the root (kept namespaces, the base, the namespace
    /// directory), removes the tree and the user.
    func destroy() {
        for snap in snaps { _ = try? discard(snap) }
        for _ in 0..<10 {
            let mounts = ((try? MountInfo.current()) ?? []).map(\.mountPoint).filter { $0.hasPrefix(root + "/") }
            if mounts.isEmpty { break }
            for mountPoint in mounts.sorted(by: { $0.count > $1.count }) {
                _ = umount2(mountPoint, Int32(MNT_DETACH))
            }
        }
        removeCgroups()
        _ = try? Self.shell("rm -rf --one-file-system \(root)")
        _ = try? Self.shell("userdel \(user.name) 2>/dev/null; groupdel \(user.name) 2>/dev/null; true")
    }

    /// Removes the (empty, once the launched processes are gone) cgroups the launches of
    /// this fixture's snaps were tracked in: `snap.NAME` and `snap.NAME.*` anywhere in the
    /// first levels of /sys/fs/cgroup.
    func removeCgroups() {
        let names = snaps.map(\.name)
        func matches(_ entry: String) -> Bool {
            names.contains { entry == "snap.\($0)" || entry.hasPrefix("snap.\($0).") }
        }
        var found: [String] = []
        func walk(_ directory: String, depth: Int) {
            guard depth < 4, let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
                return
            }
            for entry in entries {
                let path = directory + "/" + entry
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue
                else { continue }
                if matches(entry) { found.append(path) }
                walk(path, depth: depth + 1)
            }
        }
        walk("/sys/fs/cgroup", depth: 0)
        for path in found.sorted(by: { $0.count > $1.count }) { _ = rmdir(path) }
    }

    /// Runs a shell command as root; fails on a non-zero status.
    @discardableResult
    static func shell(_ command: String) throws -> Output {
        let output = try run(["/bin/sh", "-c", command], environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
        guard output.status == 0 else { throw FixtureError("\(command) failed: \(output)") }
        return output
    }

    /// Runs `arguments`, capturing output through files (no pipe can fill up).
    static func run(_ arguments: [String], environment: [String: String], directory: String? = nil) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.environment = environment
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let scratch = NSTemporaryDirectory() + "snap-confine-output-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: scratch + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: scratch + ".err", contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: scratch + ".out")
            try? FileManager.default.removeItem(atPath: scratch + ".err")
        }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + ".out"))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + ".err"))
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try? out.close()
        try? err.close()
        return Output(
            standardOutput: (try? String(contentsOfFile: scratch + ".out", encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: scratch + ".err", encoding: .utf8)) ?? "",
            status: process.terminationStatus
        )
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
