import SnapSandbox
import SnapSeccomp
import SnapSecurity
import Testing

@Suite("Seccomp profile sources: syntax and the default template")
struct SeccompProfileTests {
    typealias Condition = SeccompProfile.Condition

    @Test(
        "each argument token parses to its condition",
        arguments: [
            ("-", Condition.any),
            ("42", .equal(42)),
            ("!7", .notEqual(7)),
            ("<5", .less(5)),
            ("<=19", .lessOrEqual(19)),
            (">3", .greater(3)),
            (">=1", .greaterOrEqual(1)),
            ("|2048", .maskedEqual(mask: 2048, value: 2048)),
            ("61440|32768", .maskedEqual(mask: 61440, value: 32768)),
            ("S_IFMT|S_IFIFO", .maskedEqual(mask: 0o170000, value: 0o10000)),
            ("4294967295|TIOCSTI", .maskedEqual(mask: 0xffff_ffff, value: 0x5412)),
            ("|S_ISUID", .maskedEqual(mask: 0o4000, value: 0o4000)),
            ("AF_NETLINK", .equal(16)),
            ("PF_INET6", .equal(10)),
            ("SOCK_DGRAM", .equal(2)),
            ("NETLINK_KOBJECT_UEVENT", .equal(15)),
            ("CLONE_NEWUSER", .equal(0x1000_0000)),
            ("PTRACE_ATTACH", .equal(16)),
            ("PRIO_PROCESS", .equal(0)),
            ("TIOCLINUX", .equal(0x541c)),
            ("O_NOTIFICATION_PIPE", .equal(0o200)),
            ("KCMP_FILE", .equal(0)),
            ("-1", .equal(0xffff_ffff)),
            ("!-1", .notEqual(0xffff_ffff)),
            ("u:root", .equal(0)),
            ("g:root", .equal(0)),
            ("18446744073709551615", .equal(UInt64.max)),
        ]
    )
    func token(text: String, expected: Condition) throws {
        #expect(try SeccompProfile.condition(parsing: text) == expected)
    }

    @Test("lines, markers, comments and denials")
    func wholeProfile() throws {
        let text = "# a comment\n\n@complain\nread\n~ioctl - TIOCSTI\n  socket\tAF_UNIX  SOCK_STREAM \n"
        let profile = try SeccompProfile(parsing: text, source: "p.src")
        #expect(profile.mode == .complain)
        #expect(
            profile.rules == [
                .init(syscall: "read", line: 4),
                .init(syscall: "ioctl", isDenial: true, conditions: [.any, .equal(0x5412)], line: 5),
                .init(syscall: "socket", conditions: [.equal(1), .equal(1)], line: 6),
            ]
        )
        #expect(try SeccompProfile(parsing: "@unrestricted\n", source: "p").mode == .unrestricted)
        #expect(try SeccompProfile(parsing: "read\n", source: "p").mode == .enforce)
    }

    @Test(
        "bad lines are refused with the file, the line and the cause",
        arguments: [
            ("read\nioctl - FOO_BAR\n", "p.src:2: argument \"FOO_BAR\" of ioctl: unknown constant \"FOO_BAR\""),
            ("ioctl - 12x\n", "p.src:1: argument \"12x\" of ioctl: \"12x\" is not a decimal number"),
            ("ioctl - 99999999999999999999\n", "is not a decimal number below 2^64"),
            ("chown - u:no-such-user-here\n", "p.src:1: argument \"u:no-such-user-here\" of chown: no user is named"),
            ("chown - - g:no-such-group-here\n", "no group is named \"no-such-group-here\""),
            ("chown - u:\n", "no user is named \"\""),
            ("kill -3000000000\n", "is not a number between -2147483648 and -1"),
            ("kill <-1\n", "\"-1\": a negative number may only be compared for equality"),
            ("kill |\n", "a number or constant is missing"),
            ("kill 1 2 3 4 5 6 7\n", "p.src:1: kill has 7 argument conditions; a syscall has at most 6"),
            ("Read\n", "p.src:1: invalid syscall name \"Read\""),
            ("~\n", "invalid syscall name \"~\""),
            ("read-all\n", "invalid syscall name \"read-all\""),
            ("read\n\n@strict\n", "p.src:3: unknown directive \"@strict\""),
            ("@complain now\n", "p.src:1: @complain takes no arguments"),
        ]
    )
    func refused(text: String, message: String) {
        #expect {
            _ = try SeccompProfile(parsing: text, source: "p.src")
        } throws: { error in
            String(describing: error).contains(message)
        }
    }

    @Test("the source names the confinement on its first line")
    func sourceMarkers() throws {
        let strict = SeccompBackend.source(for: try seccompSampleTarget(.strict))
        let devmode = SeccompBackend.source(for: try seccompSampleTarget(.devmode))
        let classic = SeccompBackend.source(for: try seccompSampleTarget(.classic))
        #expect(devmode.hasPrefix("@complain\n"))
        #expect(classic == "@unrestricted\n")
        #expect(!strict.contains("@"))
        #expect(try SeccompProfile(parsing: strict, source: "strict").mode == .enforce)
        #expect(try SeccompProfile(parsing: devmode, source: "devmode").mode == .complain)
    }

    @Test("the template allows what programs need and leaves out what confinement forbids")
    func templateContents() throws {
        let profile = try SeccompProfile(
            parsing: SeccompBackend.source(for: try seccompSampleTarget(.strict)),
            source: "t"
        )
        let allowed = Set(profile.rules.filter { !$0.isDenial }.map(\.syscall))
        for needed in [
            "execve", "rseq", "clone3", "prlimit64", "statx", "newfstatat", "getrandom", "close_range", "faccessat2",
            "openat", "mmap", "futex", "wait4", "pipe2", "epoll_pwait",
        ] {
            #expect(allowed.contains(needed), "\(needed) is missing")
        }
        for absent in [
            "ptrace", "mount", "umount2", "pivot_root", "unshare", "setns", "bpf", "perf_event_open", "kexec_load",
            "kexec_file_load", "init_module", "finit_module", "delete_module", "add_key", "keyctl", "request_key",
            "name_to_handle_at", "open_by_handle_at", "userfaultfd", "fanotify_init", "quotactl", "bind", "listen",
            "accept", "accept4", "io_uring_setup",
        ] {
            #expect(!allowed.contains(absent), "\(absent) is allowed")
        }
        let sockets = profile.rules.filter { $0.syscall == "socket" }.map(\.conditions)
        #expect(!sockets.contains([.equal(16)]) && sockets.contains([.equal(1)]) && sockets.count == 44)
        let denied = profile.rules.filter(\.isDenial).map(\.syscall)
        for syscall in [
            "ioctl", "chmod", "fchmod", "fchmodat", "fchmodat2", "creat", "mknod", "open", "openat", "openat2", "pipe2",
        ] {
            #expect(denied.contains(syscall), "\(syscall) has no denial")
        }
    }
}
