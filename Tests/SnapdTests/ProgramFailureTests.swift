import Foundation
import SnapManager
import SnapSystem
import StateEngine
import Testing

/// The daemon reads `.snap` files through `snap-image` and compiles seccomp profiles through
/// `snap-seccomp`. A bad file, or one of those programs missing, crashing or refusing its
/// input, fails the request or the change with a message naming what is wrong, and leaves
/// the system as it was.
@Suite(
    "Bad snap files and failing snap-image and snap-seccomp runs",
    .serialized,
    .enabled(if: referenceSnapPresent && isRoot, "needs root and the reference client from tools/setup")
)
struct ProgramFailureTests {
    /// A directory holding links to the built `snap-image` and `snap-seccomp`, with `scripts`
    /// (program name to shell script) put in their place, and `missing` left out.
    private func programs(
        in system: TestSystem,
        missing: String? = nil,
        _ scripts: [String: String] = [:]
    ) throws -> SystemPrograms {
        // Each call starts from an empty directory: the previous case's programs go.
        let directory = system.root + "/programs"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let built = SystemPrograms.besideExecutable()
        for name in ["snap-image", "snap-seccomp"] {
            let path = directory + "/" + name
            if name == missing { continue }
            if let script = scripts[name] {
                try ("#!/bin/sh\n" + script + "\n").write(toFile: path, atomically: true, encoding: .utf8)
                chmod(path, 0o755)
            } else {
                try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: built.path(of: name))
            }
        }
        return SystemPrograms(directory: directory)
    }

    /// Restarts the daemon with `programs`, installs `file`, and checks the install fails
    /// with every one of `messages` and changes nothing.
    private func expectRefused(
        _ system: TestSystem,
        _ file: String,
        in directory: String,
        programs: SystemPrograms? = nil,
        failingTask: String? = nil,
        _ messages: String...
    ) async throws {
        try await expectRefused(
            system,
            file,
            in: directory,
            programs: programs,
            failingTask: failingTask,
            messages: messages
        )
    }

    private func expectRefused(
        _ system: TestSystem,
        _ file: String,
        in directory: String,
        programs: SystemPrograms? = nil,
        failingTask: String? = nil,
        messages: [String]
    ) async throws {
        await system.stop()
        var options = SnapManager.Options()
        if let programs { options.programs = programs }
        try await system.start(options)
        let disk = system.diskState()
        let installed = try await system.installed()
        let changes = try await system.lastChange()?.id

        let run = try await system.snap("install", "--dangerous", file, in: directory)
        #expect(run.status == 1, "\(run)")
        // The client wraps long messages: compare with white space runs made single spaces.
        let stderr = run.stderr.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for message in messages { #expect(stderr.contains(message), "\(run)") }
        if let failingTask {
            let change = try #require(try await system.lastChange())
            #expect(change.status == .error)
            #expect(change.tasks.filter { $0.status == .error }.map(\.kind) == [failingTask])
        } else {
            #expect(try await system.lastChange()?.id == changes, "no change is made for a refused file")
        }
        try await Task.sleep(for: .milliseconds(50))
        #expect(system.diskState() == disk)
        #expect(try await system.installed() == installed)
    }

    @Test("a truncated .snap and a file that is no SquashFS image are refused, naming the problem")
    func badFiles() async throws {
        let system = try TestSystem()
        try await system.start()
        let snaps = try await system.installCoreAndHello(hello: false)
        let hello = try Data(contentsOf: URL(fileURLWithPath: snaps + "/hello_1.0_all.snap"))
        try hello.prefix(200).write(to: URL(fileURLWithPath: snaps + "/half.snap"))
        try Data("not a snap\n".utf8).write(to: URL(fileURLWithPath: snaps + "/text.snap"))

        try await expectRefused(
            system,
            "./half.snap",
            in: snaps,
            "cannot read snap file \"./half.snap\"",
            "bytes are used but the file has only 200"
        )
        try await expectRefused(
            system,
            "./text.snap",
            in: snaps,
            "cannot read snap file \"./text.snap\"",
            "file is 11 bytes, shorter than a SquashFS superblock"
        )
        await system.stop()
    }

    @Test("snap-image missing, crashing or printing nothing useful is reported, and nothing is installed")
    func failingImageReader() async throws {
        let system = try TestSystem()
        try await system.start()
        let snaps = try await system.installCoreAndHello(hello: false)
        let file = "./hello_1.0_all.snap"

        let cases: [(missing: String?, scripts: [String: String], messages: [String])] = [
            ("snap-image", [:], ["cannot run snap-image", "No such file or directory"]),
            (nil, ["snap-image": "kill -SEGV $$"], ["snap-image was killed by signal 11"]),
            (nil, ["snap-image": "echo 'partial output'; exit 3"], ["snap-image exited with status 3"]),
        ]
        for (missing, scripts, messages) in cases {
            let programs = try programs(in: system, missing: missing, scripts)
            try await expectRefused(system, file, in: snaps, programs: programs, messages: messages)
        }
        await system.stop()
    }

    @Test("snap-seccomp missing or refusing a profile fails setup-profiles, and the install is undone")
    func failingSeccompCompiler() async throws {
        let system = try TestSystem()
        try await system.start()
        let snaps = try await system.installCoreAndHello(hello: false)
        let file = "./hello_1.0_all.snap"

        try await expectRefused(
            system,
            file,
            in: snaps,
            programs: try programs(in: system, missing: "snap-seccomp"),
            failingTask: "setup-profiles",
            "cannot generate the security profiles of snap \"hello\"",
            "cannot run snap-seccomp to compile snap.hello.hello.src"
        )
        try await expectRefused(
            system,
            file,
            in: snaps,
            programs: try programs(
                in: system,
                ["snap-seccomp": "echo \"$(basename \"$2\"):7: unknown syscall argument token\" >&2; exit 1"]
            ),
            failingTask: "setup-profiles",
            "snap.hello.hello.src:7: unknown syscall argument token"
        )
        // No temporary source or filter is left behind either.
        let state = system.root + "/var/lib/snapd"
        func scratch() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: state).filter { $0.hasPrefix(".seccomp-") }
        }
        #expect(try scratch().isEmpty)
        try await expectRefused(
            system,
            file,
            in: snaps,
            programs: try programs(in: system, ["snap-seccomp": "touch \"$3.partial\"; kill -KILL $$"]),
            failingTask: "setup-profiles",
            "snap-seccomp was killed by signal 9"
        )
        #expect(try scratch().isEmpty)
        await system.stop()
    }
}
