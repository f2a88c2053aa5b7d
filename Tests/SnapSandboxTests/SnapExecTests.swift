import Glibc
import SnapSandbox
import Testing

/// The repository's root, for the built programs.
let execRepositoryRoot: String = {
    var path = #filePath
    for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]) }
    return path
}()

/// The static snap-exec this build made, or nil before `swift build --product snap-exec`.
let snapExecProgram: String? = {
    let path = execRepositoryRoot + "/.build/debug/snap-exec"
    return access(path, X_OK) == 0 ? path : nil
}()

/// A scratch root holding one classic-style snap, `demo` revision x1, whose programs print
/// their arguments and a few variables.
struct ExecFixture {
    let scratch: ExecScratch
    var root: String { scratch.path + "/root" }
    var snap: String { root + "/snap/demo/x1" }

    init(description: String) throws {
        scratch = try ExecScratch()
        try execMakeDirectories(scratch.path + "/root/var/lib/snapd/sandbox")
        try execMakeDirectories(scratch.path + "/root/snap/demo/x1/bin")
        try execMakeDirectories(scratch.path + "/root/snap/demo/x1/meta/hooks")
        try execWriteFile(root + "/var/lib/snapd/sandbox/snap.demo.demo", description)
        let show =
            "#!/bin/sh\necho \"$0\"; for a in \"$@\"; do echo \"[$a]\"; done\n"
            + "echo \"GREETING=$GREETING ALSO=$ALSO TMPDIR=$TMPDIR LD_X=$LD_X SAVED=$SNAP_SAVED_TMPDIR\"\n"
        try execWriteFile(snap + "/bin/show", show, mode: 0o755)
        try execWriteFile(snap + "/bin/chain1", "#!/bin/sh\necho chain1\nexec \"$@\"\n", mode: 0o755)
        try execWriteFile(snap + "/bin/chain2", "#!/bin/sh\necho chain2\nexec \"$@\"\n", mode: 0o755)
        try execWriteFile(snap + "/meta/hooks/configure", "#!/bin/sh\necho \"hook $0 $#\"\n", mode: 0o755)
        try execWriteFile(snap + "/bin/plain", "not executable\n", mode: 0o644)
    }

    func run(_ arguments: [String], extra: [String] = []) throws -> ExecProgramRun {
        let environment =
            [
                "PATH=/usr/bin:/bin", "SNAPPY_GLOBAL_ROOT=\(root)", "SNAP=\(snap)", "SNAP_NAME=demo",
            ] + extra
        return try execRun(try #require(snapExecProgram), arguments, environment: environment)
    }

    static func description(command: String, chain: [String] = [], environment: [String] = []) -> String {
        var lines = [
            "snap-name demo", "instance-name demo", "instance-key", "revision x1", "version 1", "base",
            "confinement classic", "app demo", "command \(command)",
        ]
        lines += chain.map { "command-chain \($0)" }
        lines += environment.map { "environment \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }
}

@Suite(
    "snap-exec runs the command chain and the command with the snap's environment",
    .enabled(if: snapExecProgram != nil, "needs .build/debug/snap-exec (swift build --product snap-exec)")
)
struct SnapExecTests {
    @Test("the environment is expanded in order, saved variables come back, and arguments follow the command's")
    func environmentAndArguments() throws {
        let fixture = try ExecFixture(
            description: ExecFixture.description(
                command: "bin/show 'single quoted' \"double $SNAP_NAME\" $GREETING plain\\ word",
                environment: ["GREETING=hi-$SNAP_NAME", "ALSO=${GREETING}/$UNSET/x"]
            )
        )
        let run = try fixture.run(
            ["demo.demo", "one", "two words", "$NOT_EXPANDED"],
            extra: ["SNAP_SAVED_TMPDIR=/tmp/saved", "SNAP_SAVED_LD_X=ld"]
        )
        #expect(run.status == 0, "\(run)")
        #expect(
            run.stdout == """
                \(fixture.snap)/bin/show
                [single quoted]
                [double demo]
                [hi-demo]
                [plain word]
                [one]
                [two words]
                [$NOT_EXPANDED]
                GREETING=hi-demo ALSO=hi-demo//x TMPDIR=/tmp/saved LD_X=ld SAVED=

                """,
            "\(run)"
        )
    }

    @Test("the command chain runs first, in order")
    func chain() throws {
        let fixture = try ExecFixture(
            description: ExecFixture.description(command: "bin/show", chain: ["bin/chain1", "bin/chain2"])
        )
        let run = try fixture.run(["demo.demo", "arg"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.hasPrefix("chain1\nchain2\n\(fixture.snap)/bin/show\n[arg]\n"), "\(run)")
    }

    @Test("--shell runs /bin/sh after the chain, with the arguments")
    func shell() throws {
        let fixture = try ExecFixture(
            description: ExecFixture.description(command: "bin/show", chain: ["bin/chain1"], environment: ["A=b"])
        )
        let run = try fixture.run(["--shell", "demo.demo", "-c", "echo shell $A $SNAP_NAME"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout == "chain1\nshell b demo\n", "\(run)")
    }

    @Test("--hook runs meta/hooks/HOOK after the chain")
    func hook() throws {
        let fixture = try ExecFixture(description: "")
        try execWriteFile(
            fixture.root + "/var/lib/snapd/sandbox/snap.demo.hook.configure",
            "snap-name demo\ninstance-name demo\nrevision x1\nconfinement classic\nhook configure\n"
                + "command-chain bin/chain1\n"
        )
        let run = try fixture.run(["--hook=configure", "demo"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout == "chain1\nhook \(fixture.snap)/meta/hooks/configure 0\n", "\(run)")
    }

    @Test(
        "missing descriptions and bad commands fail with a clear message",
        arguments: [
            (["demo.other"], "cannot find the launch description of snap.demo.other"),
            (["demo.demo"], "cannot find command \(ExecFixture.missingMarker)"),
            (["--bogus", "demo.demo"], "unknown option \"--bogus\""),
            ([String](), "usage: snap-exec"),
        ]
    )
    func errors(_ arguments: [String], _ message: String) throws {
        let fixture = try ExecFixture(description: ExecFixture.description(command: "bin/missing"))
        let run = try fixture.run(arguments)
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains(message.execReplacing(ExecFixture.missingMarker, with: fixture.snap)), "\(run)")
    }

    @Test("a command that is not executable is refused")
    func notExecutable() throws {
        let fixture = try ExecFixture(description: ExecFixture.description(command: "bin/plain"))
        let run = try fixture.run(["demo.demo"])
        #expect(run.status == 1)
        #expect(run.stderr == "snap-exec: command \(fixture.snap)/bin/plain is not executable\n", "\(run)")
    }

    @Test("snap-exec is a static executable, so it runs in a base with no C library")
    func isStatic() throws {
        let run = try execRun("/usr/bin/file", ["-L", try #require(snapExecProgram)])
        #expect(run.stdout.contains("statically linked"), "\(run)")
    }
}

@Suite(
    "snap-exec in a root with no C library",
    .enabled(if: snapExecProgram != nil && getuid() == 0, "needs root (chroot) and .build/debug/snap-exec")
)
struct SnapExecStaticTests {
    @Test("snap-exec runs and executes the command in a root holding nothing but static programs")
    func emptyRoot() throws {
        let scratch = try ExecScratch()
        let root = scratch.path
        let program = try #require(snapExecProgram)
        try execMakeDirectories(root + "/usr/lib/snapd")
        try execMakeDirectories(root + "/var/lib/snapd/sandbox")
        try execMakeDirectories(root + "/snap/demo/x1/bin")
        #expect(try execRun("/bin/cp", [program, root + "/usr/lib/snapd/snap-exec"]).status == 0)
        // The app is snap-exec again: run with only `--bogus`, it names the option it refuses.
        #expect(try execRun("/bin/cp", [program, root + "/snap/demo/x1/bin/app"]).status == 0)
        try execWriteFile(
            root + "/var/lib/snapd/sandbox/snap.demo.demo",
            ExecFixture.description(command: "bin/app --$WORD")
                .execReplacing("confinement classic", with: "confinement strict"),
        )
        // The Swift runtime reads /proc at start-up, as it would in a sandbox, which always has
        // /proc; the mount lives in a mount namespace of its own, gone when the command ends.
        try execMakeDirectories(root + "/proc")
        let script = "mount -t proc proc \"$0/proc\" && exec /usr/sbin/chroot \"$0\" /usr/lib/snapd/snap-exec demo.demo"
        let run = try execRun(
            "/usr/bin/unshare",
            ["--mount", "--propagation", "private", "/bin/sh", "-c", script, root],
            environment: ["SNAP=/snap/demo/x1", "WORD=bogus", "PATH=/usr/bin:/bin"]
        )
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.hasPrefix("snap-exec: unknown option \"--bogus\""), "\(run)")
    }
}

extension ExecFixture {
    /// Stands for the snap directory in expected messages, which depend on the scratch root.
    static let missingMarker = "@SNAP@/bin/missing"
}
