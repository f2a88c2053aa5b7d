import Foundation
import Testing

/// `snap run` and the app wrappers, with a stand-in for snap-confine that records its
/// arguments and environment. The stand-in only checks what `snap run` passes on; the run
/// through the real snap-confine and snap-exec is a test of those programs.
@Suite(
    "snap run prepares the environment and the user's directories, then runs snap-confine",
    .enabled(if: FileManager.default.isExecutableFile(atPath: Clients.ours), "needs a built snap")
)
struct SnapRunTests {
    /// A scratch root with snap `demo` (revision x1, apps demo and tool, hook configure),
    /// a home directory and the stand-in launcher.
    final class Fixture {
        let root: String
        let home: String
        let launcher: String
        var record: String { root + "/launcher.record" }

        init(confinement: String = "classic", base: String = "") throws {
            var template = Array("/tmp/snap-run-cli-XXXXXX".utf8CString)
            guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
            root = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            _ = made
            chmod(root, 0o755)
            home = root + "/home/user"
            launcher = root + "/libexec/snap-confine"
            let manager = FileManager.default
            for directory in ["/var/lib/snapd/sandbox", "/snap/demo/x1", "/home/user", "/libexec"] {
                try manager.createDirectory(atPath: root + directory, withIntermediateDirectories: true)
            }
            chmod(root + "/home", 0o755)
            try manager.createSymbolicLink(atPath: root + "/snap/demo/current", withDestinationPath: "x1")
            for (tag, program) in [
                ("snap.demo.demo", "app demo"), ("snap.demo.tool", "app tool"),
                ("snap.demo.hook.configure", "hook configure"),
            ] {
                let text = """
                    snap-name demo
                    instance-name demo
                    instance-key
                    revision x1
                    version 1.5
                    base \(base)
                    confinement \(confinement)
                    \(program)
                    command bin/demo

                    """
                try text.write(toFile: root + "/var/lib/snapd/sandbox/" + tag, atomically: true, encoding: .utf8)
            }
            let script = """
                #!/bin/sh
                {
                  for a in "$@"; do printf 'arg %s\\n' "$a"; done
                  env | grep -E '^(SNAP|HOME=|XDG_RUNTIME_DIR=|TMPDIR=|LD_PRELOAD=)' | sort | sed 's/^/env /'
                } > "\(root)/launcher.record"

                """
            try script.write(toFile: launcher, atomically: true, encoding: .utf8)
            chmod(launcher, 0o755)
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }

        func run(
            _ arguments: [String],
            program: String = Clients.ours,
            extra: [String: String] = [:]
        ) throws -> ClientOutput {
            var environment = ["SNAP_CONFINE": launcher, "HOME": home]
            environment.merge(extra) { _, new in new }
            return try Clients.run(program, arguments, root: root, environment: environment)
        }

        /// What the stand-in recorded: its arguments, and the environment as `NAME=VALUE`.
        func recorded() throws -> (arguments: [String], environment: [String: String]) {
            let lines = try String(contentsOfFile: record, encoding: .utf8).split(separator: "\n")
            let arguments = lines.filter { $0.hasPrefix("arg ") }.map { String($0.dropFirst(4)) }
            var environment: [String: String] = [:]
            for line in lines where line.hasPrefix("env ") {
                let entry = line.dropFirst(4)
                guard let equals = entry.firstIndex(of: "=") else { continue }
                environment[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
            }
            return (arguments, environment)
        }
    }

    @Test("a classic app: --classic, the tag, snap-exec beside snap-confine, then the app's arguments unparsed")
    func classicArguments() throws {
        let fixture = try Fixture()
        let run = try fixture.run(["run", "demo", "--flag", "two words", "-r"])
        #expect(run.status == 0, "\(run)")
        let (arguments, _) = try fixture.recorded()
        #expect(
            arguments == [
                "--classic", "snap.demo.demo", fixture.root + "/libexec/snap-exec", "demo.demo", "--flag", "two words",
                "-r",
            ]
        )
    }

    @Test("a classic app's environment names paths under the managed root; scrubbed variables are saved")
    func classicEnvironment() throws {
        let fixture = try Fixture()
        let run = try fixture.run(
            ["run", "demo.tool"],
            extra: ["TMPDIR": "/tmp/mine", "LD_PRELOAD": "/lib/x.so"]
        )
        #expect(run.status == 0, "\(run)")
        let (arguments, environment) = try fixture.recorded()
        #expect(arguments.last == "demo.tool")
        let uid = String(getuid())
        let expected = [
            "SNAP": fixture.root + "/snap/demo/x1", "SNAP_DATA": fixture.root + "/var/snap/demo/x1",
            "SNAP_COMMON": fixture.root + "/var/snap/demo/common", "SNAP_NAME": "demo", "SNAP_INSTANCE_NAME": "demo",
            "SNAP_INSTANCE_KEY": "", "SNAP_REVISION": "x1", "SNAP_VERSION": "1.5", "SNAP_ARCH": "amd64",
            "SNAP_LIBRARY_PATH": "/var/lib/snapd/lib/gl:/var/lib/snapd/lib/gl32:/var/lib/snapd/void",
            "SNAP_USER_DATA": fixture.home + "/snap/demo/x1", "SNAP_USER_COMMON": fixture.home + "/snap/demo/common",
            "SNAP_REAL_HOME": fixture.home, "SNAP_UID": uid, "SNAP_EUID": String(geteuid()),
            "HOME": fixture.home + "/snap/demo/x1", "XDG_RUNTIME_DIR": "/run/user/\(uid)/snap.demo",
            "SNAP_SAVED_TMPDIR": "/tmp/mine", "SNAP_SAVED_LD_PRELOAD": "/lib/x.so",
        ]
        for (name, value) in expected {
            #expect(environment[name] == value, "\(name)")
        }
    }

    @Test("a strict app names its base and in-sandbox paths")
    func strict() throws {
        let fixture = try Fixture(confinement: "strict", base: "core22")
        let run = try fixture.run(["run", "--shell", "demo"])
        #expect(run.status == 0, "\(run)")
        let (arguments, environment) = try fixture.recorded()
        #expect(
            arguments == [
                "--base", "core22", "snap.demo.demo", fixture.root + "/libexec/snap-exec", "--shell", "demo.demo",
            ]
        )
        #expect(environment["SNAP"] == "/snap/demo/x1")
        #expect(environment["SNAP_DATA"] == "/var/snap/demo/x1")
        #expect(environment["SNAP_COMMON"] == "/var/snap/demo/common")
    }

    @Test("hooks run through snap-exec --hook with the instance name")
    func hook() throws {
        let fixture = try Fixture()
        let run = try fixture.run(["run", "--hook=configure", "-r", "x1", "demo"])
        #expect(run.status == 0, "\(run)")
        let (arguments, _) = try fixture.recorded()
        #expect(
            arguments == [
                "--classic", "snap.demo.hook.configure", fixture.root + "/libexec/snap-exec",
                "--hook=configure", "demo",
            ]
        )
    }

    @Test("a wrapper link named after the app runs it")
    func wrapper() throws {
        let fixture = try Fixture()
        let link = fixture.root + "/demo.tool"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: Clients.ours)
        let run = try fixture.run(["x", "y"], program: link)
        #expect(run.status == 0, "\(run)")
        let (arguments, _) = try fixture.recorded()
        #expect(arguments.suffix(3) == ["demo.tool", "x", "y"])
    }

    @Test(
        "unknown snaps, apps, hooks and revisions are refused with the real client's messages",
        arguments: [
            (
                ["run", "nosuch"],
                "error: cannot find current revision for snap nosuch: readlink @ROOT@/snap/nosuch/current: no such file or directory\n"
            ),
            (["run", "demo.other"], "error: cannot find app \"other\" in \"demo\"\n"),
            (["run", "--hook=install", "demo"], "error: cannot find hook \"install\" in \"demo\"\n"),
            (
                ["run", "-r", "x7", "demo"],
                "error: cannot run revision x7 of snap \"demo\": the current revision is x1\n"
            ),
        ]
    )
    func refusals(_ arguments: [String], _ message: String) throws {
        let fixture = try Fixture()
        let run = try fixture.run(arguments)
        #expect(run.status == 1)
        #expect(run.standardError == message.replacingOccurrences(of: "@ROOT@", with: fixture.root), "\(run)")
        #expect(!FileManager.default.fileExists(atPath: fixture.record))
    }

    @Test(
        "the user's snap directories are created 0700 and owned by the caller, with a current link",
        .enabled(if: getuid() == 0, "needs root to run snap as another user")
    )
    func userDirectories() throws {
        let fixture = try Fixture()
        chown(fixture.home, 65534, 65534)
        // The stand-in, running as that user, records into a file it may write.
        _ = FileManager.default.createFile(atPath: fixture.record, contents: nil)
        chmod(fixture.record, 0o666)
        let run = try Clients.run(
            "/usr/bin/setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", Clients.ours, "run", "demo"],
            root: fixture.root,
            environment: ["SNAP_CONFINE": fixture.launcher, "HOME": fixture.home]
        )
        #expect(run.status == 0, "\(run)")
        for directory in ["/snap", "/snap/demo", "/snap/demo/x1", "/snap/demo/common"] {
            var info = stat()
            #expect(lstat(fixture.home + directory, &info) == 0, "\(directory)")
            #expect(info.st_mode & S_IFMT == S_IFDIR && info.st_mode & 0o7777 == 0o700, "\(directory)")
            #expect(info.st_uid == 65534 && info.st_gid == 65534, "\(directory)")
        }
        let current = try FileManager.default.destinationOfSymbolicLink(atPath: fixture.home + "/snap/demo/current")
        #expect(current == "x1")
        let (_, environment) = try fixture.recorded()
        #expect(environment["SNAP_UID"] == "65534" && environment["XDG_RUNTIME_DIR"] == "/run/user/65534/snap.demo")
    }

    @Test("snap run --help describes the command")
    func help() throws {
        let fixture = try Fixture()
        let run = try fixture.run(["run", "--help"])
        #expect(run.status == 0)
        #expect(run.standardOutput.hasPrefix("Usage:\n  snap run [run-OPTIONS] <snap-app> [<args>...]\n"), "\(run)")
        #expect(run.standardOutput.contains("--hook="))
    }
}
