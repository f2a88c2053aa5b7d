import Foundation
import SnapSandbox
import SnapSecurity
import Testing

/// The compiled default profile, loaded into a real process on the running kernel.
@Suite("Seccomp profiles enforced on real processes", .enabled(if: seccompTestsRunAsRoot, "needs root"))
struct SeccompEnforcementTests {
    let scratch: SeccompScratch
    let strict: String
    let devmode: String
    let classic: String

    init() throws {
        scratch = try SeccompScratch()
        strict = try scratch.write(try compiledSampleProfile(.strict), to: "strict.bin2")
        devmode = try scratch.write(try compiledSampleProfile(.devmode), to: "devmode.bin2")
        classic = try scratch.write(try compiledSampleProfile(.classic), to: "classic.bin2")
    }

    @Test("ordinary calls work under the strict profile, with or without no_new_privs", arguments: [false, true])
    func ordinaryCalls(noNewPrivileges: Bool) throws {
        let directory = scratch.path + "/made-\(noNewPrivileges)"
        let fifo = scratch.path + "/fifo-\(noNewPrivileges)"
        let result = try runSeccompProbe(
            profile: strict,
            [
                "seccomp-mode", "getpid", "mkdir", directory, "mknod-fifo", fifo, "chown-root", directory,
                "socket-unix", "setpriority", "10", "setpriority-high", "11",
            ],
            options: noNewPrivileges ? ["--no-new-privs"] : []
        )
        #expect(result.status == 0, "\(result.errors)")
        // The kernel reads setpriority's `which` as 32 bits, and so does the rule: a high bit
        // changes neither.
        #expect(result.lines == ["2", "ok", "ok", "ok", "ok", "ok", "ok", "ok"])
        #expect(FileManager.default.fileExists(atPath: directory))
    }

    @Test(
        "programs run to success under the strict profile",
        arguments: [
            ["/bin/true"],
            ["/bin/busybox", "sh", "-c", "echo hello | busybox tr a-z A-Z | busybox grep -q HELLO"],
            ["/bin/sh", "-c", "ls / | wc -l >/dev/null && cat /etc/hostname >/dev/null"],
            ["/bin/sh", "-c", "echo '{\"a\":[1,2]}' | jq -e '.a | length == 2'"],
            ["/usr/bin/env", "sort", "--version"],
            ["/bin/sh", "-c", "d=$(mktemp -d /run/seccomp-tests-sh.XXXXXX) && cp /etc/hostname $d/x && rm -r $d"],
        ]
    )
    func programsRun(command: [String]) throws {
        let result = try runSeccompProbe(profile: strict, ["exec"] + command)
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.lines == ["ok"], "\(command): \(result.errors)")
    }

    @Test("calls the template leaves out fail with EPERM")
    func absentCalls() throws {
        let device = scratch.path + "/null"
        let other = try scratch.write([], to: "other")
        let result = try runSeccompProbe(
            profile: strict,
            [
                "unshare", "ptrace", "mknod-char", device, "chown-other", other, "socket-netlink", "bind-unix",
                "setpriority", "-5", "setpriority-high", "-5",
            ]
        )
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.lines == ["EPERM", "EPERM", "EPERM", "EPERM", "EPERM", "EPERM", "EPERM", "EPERM"])
        #expect(!FileManager.default.fileExists(atPath: device))
    }

    @Test("the explicit denials answer EACCES, terminal injection included with bit 32 set")
    func explicitDenials() throws {
        let file = try scratch.write([], to: "setuid-target")
        let result = try runSeccompProbe(
            profile: strict,
            [
                "ioctl-tiocsti", "ioctl-tiocsti-high", "ioctl-tioclinux", "ioctl-tioclinux-high", "chmod-setuid",
                file, "tmpfile-setuid", scratch.path, "openat2", "pipe2-notification",
            ]
        )
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.lines == Array(repeating: "EACCES", count: 8))
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o644)
    }

    /// Without a filter the same calls succeed or fail for other reasons: what the tests
    /// above see is the filter's doing.
    @Test("without a filter the denied calls reach the kernel")
    func unfilteredBaseline() throws {
        let file = try scratch.write([], to: "baseline")
        let result = try runSeccompProbe(
            profile: strict,
            [
                "seccomp-mode", "ioctl-tiocsti", "ioctl-tiocsti-high", "ioctl-tioclinux", "ptrace", "chmod-setuid",
                file,
                "openat2", "unshare",
            ],
            options: ["--no-load"]
        )
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.lines == ["0", "ok", "ok", "ENOTTY", "ESRCH", "ok", "ok", "ok"])
    }

    @Test("devmode logs instead of refusing")
    func devmodeLetsCallsThrough() throws {
        let file = try scratch.write([], to: "devmode-target")
        let result = try runSeccompProbe(
            profile: devmode,
            [
                "seccomp-mode", "unshare", "ptrace", "ioctl-tiocsti-high", "chmod-setuid", file, "openat2",
                "exec", "/bin/true",
            ]
        )
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.lines == ["2", "ok", "ESRCH", "ok", "ok", "ok", "ok"])
    }

    @Test("a classic profile loads no filter")
    func classicLoadsNothing() throws {
        let result = try runSeccompProbe(profile: classic, ["seccomp-mode", "unshare", "ptrace"])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.lines == ["0", "ok", "ESRCH"])
    }
}
