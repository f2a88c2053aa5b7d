import Foundation
import Testing

/// The package directory, found from this file's path.
private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// The programs the demo runs: `DEMO_BIN`, else the debug build that `swift build --build-tests` made.
private let binaries = ProcessInfo.processInfo.environment["DEMO_BIN"] ?? packageRoot + "/.build/debug"

private let programs = [
    "snapd", "snap-image", "snap-seccomp", "snap", "snap-pack", "snap-log", "snap-confine", "snap-exec",
]

private let programsBuilt = programs.allSatisfy { FileManager.default.isExecutableFile(atPath: binaries + "/" + $0) }

/// `tools/demo` runs from start to end: the README's first command keeps working.
@Suite(
    "The demo",
    .enabled(if: getuid() == 0, "needs root: the demo mounts filesystems and installs snap-confine setuid"),
    .enabled(if: programsBuilt, "needs every program the demo runs built: \(programs.joined(separator: ", "))")
)
struct DemoTests {
    @Test(
        "tools/demo installs, runs, fails and undoes, replays and removes, and leaves nothing behind",
        .timeLimit(.minutes(15))
    )
    func demoRunsAndCleansUp() throws {
        let parent = try DemoRun.makeScratchParent()
        defer { DemoRun.removeScratchParent(parent) }
        let hostBefore = HostState.capture()

        let run = try DemoRun.run(scratchParent: parent)
        #expect(run.status == 0, "tools/demo exited with \(run.status); its output:\n\(run.output)")

        checkSteps(of: run.output)
        try checkNothingLeft(under: parent, output: run.output)
        #expect(HostState.capture() == hostBefore, "the host's snap directories or home changed")
    }

    /// Every step printed what shows it worked.
    private func checkSteps(of output: String) {
        let expected = [
            "==> Building a Debian 12 base snap from Debian's packages (cached after the first run)",
            "==> Building snaps of GNU hello and jq from Debian's packages, packed with our snap pack",
            "==> Packing a shell-script snap with the real snap pack",
            "needs its base snap \"debian12\", which is not installed",
            "built: $ROOT/snaps/greeter_1.0_all.snap",
            "greeter 1.0 installed",
            "notes of x1",
            "greeter reverted to 1.0",
            "No space left on device",
            "    $ROOT/var/snap/hello/x2: absent",
            "undone: nothing left behind",
            "== snaps (3 rows)",
            "{\"status\":\"Undone\"}",
            "debian12 removed",
            "No snaps are installed yet.",
            "snapd: stopped",
        ]
        for text in expected { #expect(output.contains(text), "the output lacks \(text):\n\(output)") }
        let lines = output.split(separator: "\n").map(String.init)
        for name in ["debian12", "hello", "jq"] {
            let installed = lines.contains { $0.hasPrefix(name + " ") && $0.hasSuffix(" installed") }
            #expect(installed, "no line says \(name) was installed")
        }
        #expect(lines.contains { $0.hasPrefix("Error ") && $0.hasSuffix("Copy snap \"hello\" data") })
        #expect(lines.contains { $0.hasPrefix("Undone ") && $0.hasSuffix("Mount snap \"hello\" (x2)") })
        let failedChange = lines.contains { line in
            line.first?.isNumber == true && line.contains(" Error ") && line.contains("Install \"hello\" snap")
        }
        #expect(failedChange, "snap changes shows no failed install of hello")

        // Each app ran confined and printed its line.
        let greetings = ["Hello, world!", "hello + jq + greeter", "greetings from greeter"]
        let ran = greetings.allSatisfy { text in lines.contains { $0.hasPrefix(text) } }
        #expect(ran, "the apps did not print their greetings:\n\(output)")
    }

    /// No mount, loop device, process or directory of the demo's remains.
    private func checkNothingLeft(under parent: String, output: String) throws {
        let root = try #require(DemoRun.scratchRoot(in: output), "the demo did not name its scratch root")
        #expect(root.hasPrefix(parent + "/"), "the scratch root \(root) is not under DEMO_SCRATCH \(parent)")
        #expect(!FileManager.default.fileExists(atPath: root), "\(root) is left behind")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: parent)) == [], "\(parent) is not empty")
        #expect(HostState.mountPoints(under: parent) == [], "mounts are left under \(parent)")
        #expect(HostState.loopBackingFiles(under: parent) == [], "loop devices are left attached")
        let running = HostState.processes(withEnvironment: "SNAPPY_GLOBAL_ROOT=" + root + "\0")
        #expect(running.map(\.command) == [], "processes of the demo are still running: \(running)")
    }
}

/// One run of `tools/demo`, and what it prints.
private enum DemoRun {
    static func makeScratchParent() throws -> String {
        var template = Array("/var/lib/demo-tests.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        return String(cString: made)
    }

    /// Stops, unmounts and detaches whatever the demo left (the test has already failed
    /// then), and removes the directory.
    static func removeScratchParent(_ parent: String) {
        for process in HostState.processes(withEnvironment: "SNAPPY_GLOBAL_ROOT=" + parent + "/") {
            kill(process.pid, SIGKILL)
        }
        for point in HostState.mountPoints(under: parent).sorted().reversed() {
            umount2(point, Int32(MNT_DETACH))
        }
        for device in HostState.loopBackingFiles(under: parent) {
            let name = String(device.prefix { $0 != ":" })
            _ = try? spawnAndWait(["/sbin/losetup", "-d", "/dev/" + name], environment: [], outputPath: "/dev/null")
        }
        // Nothing mounted is crossed.
        guard HostState.mountPoints(under: parent).isEmpty else { return }
        try? FileManager.default.removeItem(atPath: parent)
    }

    /// Runs the demo with its output in a file, and waits for the demo alone: a process it
    /// left running, holding a descriptor it inherited, cannot hold the test up.
    static func run(scratchParent parent: String) throws -> (status: Int32, output: String) {
        let outputPath = parent + ".output"
        defer { unlink(outputPath) }

        var environment = ProcessInfo.processInfo.environment
        environment["DEMO_BIN"] = binaries
        environment["DEMO_SCRATCH"] = parent
        environment["SNAPPY_GLOBAL_ROOT"] = nil
        let arguments = ["/usr/bin/timeout", "--kill-after=30", "600", packageRoot + "/tools/demo"]
        let status = try spawnAndWait(
            arguments,
            environment: environment.map { "\($0.key)=\($0.value)" },
            outputPath: outputPath
        )
        let text = try String(contentsOfFile: outputPath, encoding: .utf8)
        return (status, text)
    }

    /// posix_spawn(3) with standard input from /dev/null and standard output and error to
    /// a file, then waitpid(2). Returns the exit status, or 128 plus the signal that ended it.
    static func spawnAndWait(_ arguments: [String], environment: [String], outputPath: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO)
        }

        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// The scratch root from the line `==> Starting snapd under a scratch root, SNAPPY_GLOBAL_ROOT=PATH (shown as $ROOT)`.
    static func scratchRoot(in output: String) -> String? {
        for line in output.split(separator: "\n") {
            guard let start = line.range(of: "SNAPPY_GLOBAL_ROOT=") else { continue }
            return line[start.upperBound...].split(separator: " ").first.map(String.init)
        }
        return nil
    }
}

/// What the demo must leave as it found it.
private struct HostState: Equatable {
    var entries: [String: [String]]

    /// The host's snap directories and the caller's snap data, listed.
    static func capture() -> HostState {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
        var entries: [String: [String]] = [:]
        for path in ["/snap", "/var/lib/snapd", "/run/snapd", "/usr/lib/snapd", home + "/snap"] {
            entries[path] = (try? FileManager.default.subpathsOfDirectory(atPath: path).sorted()) ?? ["(absent)"]
        }
        return HostState(entries: entries)
    }

    /// Mount points under a directory, from /proc/self/mountinfo (the fifth field).
    static func mountPoints(under directory: String) -> [String] {
        let table = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        return table.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count > 4, fields[4].hasPrefix(directory + "/") else { return nil }
            return String(fields[4])
        }
    }

    /// Loop devices whose backing file is under a directory.
    static func loopBackingFiles(under directory: String) -> [String] {
        let devices = (try? FileManager.default.contentsOfDirectory(atPath: "/sys/block")) ?? []
        return devices.filter { $0.hasPrefix("loop") }.compactMap { device in
            let file = "/sys/block/\(device)/loop/backing_file"
            guard let backing = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
            return backing.hasPrefix(directory + "/") ? "\(device): \(backing)" : nil
        }
    }

    /// Processes whose environment holds the text: the demo's snapd and anything it started
    /// name its root there.
    static func processes(withEnvironment text: String) -> [(pid: pid_t, command: String)] {
        let marker = Data(text.utf8)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = pid_t(entry), pid > 0,
                let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ"),
                environment.range(of: marker) != nil
            else { return nil }
            let command = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? "?"
            return (pid, "\(pid) \(command.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }
}
