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
            ["/usr/bin/python3", "-c", "import threading; t = threading.Thread(target=print); t.start(); t.join()"],
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

    @Test("a filter the kernel rejects fails the load with the file and the error")
    func rejectedFilter() throws {
        // One instruction with an opcode classic BPF does not have.
        let bogus = [UInt8](arrayLiteral: 0xff, 0xff, 0, 0, 0, 0, 0, 0)
        let path = try scratch.write(
            SeccompFilterFile.encoded(allow: bogus, deny: bogus, unrestricted: false),
            to: "bogus.bin2"
        )
        let result = try runSeccompProbe(profile: path, ["getpid"])
        #expect(result.status == 3)
        #expect(result.lines.isEmpty)
        #expect(result.errors.contains("\(path): cannot load the deny seccomp filter: Invalid argument"))
    }

    @Test("a classic profile loads no filter")
    func classicLoadsNothing() throws {
        let result = try runSeccompProbe(profile: classic, ["seccomp-mode", "unshare", "ptrace"])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.lines == ["0", "ok", "ESRCH"])
    }

    /// A 32-bit x86 program with no C library: it makes its calls with `int $0x80`, and its
    /// exit status has one bit per call that did not answer as the profile says.
    static let compatProgram = """
        static long sys(long n, long a, long b, long c, long d) {
            long r;
            __asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a), "c"(b), "d"(c), "S"(d) : "memory");
            return r;
        }
        void _start(void) {
            int status = 0;
            unsigned long long how[3] = {0, 0, 0};
            if (sys(20, 0, 0, 0, 0) <= 0) status |= 1;                        /* getpid works */
            if (sys(310, 0x04000000, 0, 0, 0) != -1) status |= 2;             /* unshare: EPERM */
            if (sys(26, 2, 0x3fffffff, 0, 0) != -1) status |= 4;              /* ptrace: EPERM */
            if (sys(437, -100, (long)"/", (long)how, 24) != -13) status |= 8; /* openat2: EACCES */
            if (sys(359, 16, 3, 0, 0) != -1) status |= 16;                    /* socket(AF_NETLINK): EPERM */
            if (sys(359, 1, 1, 0, 0) < 0) status |= 32;                       /* socket(AF_UNIX) works */
            sys(1, status, 0, 0, 0);
            for (;;) {}
        }
        """

    @Test(
        "a 32-bit program meets the same rules through the compat architecture",
        .enabled(if: isX8664 && FileManager.default.isExecutableFile(atPath: "/usr/bin/gcc"), "needs x86-64 and gcc")
    )
    func compatArchitecture() throws {
        let source = try scratch.write(Array(Self.compatProgram.utf8), to: "compat.c")
        let program = scratch.path + "/compat32"
        let compiler = Process()
        compiler.executableURL = URL(fileURLWithPath: "/usr/bin/gcc")
        compiler.arguments = ["-m32", "-static", "-nostdlib", "-fno-pie", "-no-pie", "-O1", "-o", program, source]
        try compiler.run()
        compiler.waitUntilExit()
        try #require(compiler.terminationStatus == 0, "gcc cannot build a 32-bit program here")

        // Unfiltered, unshare, ptrace (ESRCH), openat2 and netlink all answer otherwise:
        // 2 + 4 + 8 + 16.
        let baseline = try runSeccompProbe(profile: strict, ["exec", program], options: ["--no-load"])
        #expect(baseline.lines == ["exit 30"])
        let confined = try runSeccompProbe(profile: strict, ["exec", program])
        #expect(confined.lines == ["ok"], "\(confined.errors)")
    }
}
