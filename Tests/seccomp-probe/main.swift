// Loads a compiled seccomp profile into itself, then attempts system calls and prints one
// line per attempt: `ok`, or the name of the errno the call failed with. The seccomp tests
// run it as root and compare the lines with what the profile should allow and deny.
//
//     seccomp-probe [--no-new-privs] [--no-load] PROFILE.bin2 ACTION...
//
// Actions: getpid, mkdir PATH, chmod-setuid PATH, chown-root PATH, chown-other PATH,
// mknod-fifo PATH, mknod-char PATH, tmpfile-setuid DIRECTORY, unshare, ptrace,
// ioctl-tiocsti, ioctl-tiocsti-high, ioctl-tioclinux, ioctl-tioclinux-high, openat2,
// pipe2-notification, socket-unix, socket-netlink, bind-unix, setpriority N,
// setpriority-high N, seccomp-mode (prints the Seccomp field of /proc/self/status) and
// exec PROGRAM ARGS... (runs PROGRAM with the rest of the line, its output sent to
// stderr, and prints `ok` when it exits with status 0, else `exit N` or `signal N`).
// The `-high` forms set bit 32 of the argument the kernel reads as 32 bits.
//
// Exit status: 0 after the actions ran, 2 on bad arguments, 3 when the profile could not
// be read or loaded.

import CSnapShim
import SnapSandbox

#if canImport(Glibc)
import Glibc
#endif

func fail(_ message: String, status: Int32) -> Never {
    let line = Array("seccomp-probe: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(status)
}

func say(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
}

/// `ok` for a non-negative result, else the errno name of `-result` or of `errno`.
func outcome(_ result: Int, errnoFallback: Bool = false) -> String {
    guard result < 0 else { return "ok" }
    let number = errnoFallback ? errno : Int32(-result)
    guard let name = csnap_errno_name(number) else { return "errno \(number)" }
    return String(cString: name)
}

/// Result of a libc call returning -1 and setting errno.
func libc(_ result: Int32) -> String {
    outcome(Int(result), errnoFallback: true)
}

var arguments = Array(CommandLine.arguments.dropFirst())
var noNewPrivileges = false
var loadProfile = true
while let first = arguments.first, first.hasPrefix("--") {
    arguments.removeFirst()
    switch first {
    case "--no-new-privs": noNewPrivileges = true
    case "--no-load": loadProfile = false
    default: fail("unknown option \(first)", status: 2)
    }
}
guard !arguments.isEmpty else { fail("usage: seccomp-probe [--no-new-privs] PROFILE ACTION...", status: 2) }
let profilePath = arguments.removeFirst()

// The terminal exists before the filter, so that only the ioctls under test run under it.
var leader: Int32 = -1
var follower: Int32 = -1
if arguments.contains(where: { $0.hasPrefix("ioctl-") }) {
    let result = csnap_seccomp_open_pty(&leader, &follower)
    guard result == 0 else { fail("cannot open a pseudo-terminal: \(outcome(Int(result)))", status: 3) }
}

if loadProfile {
    do throws(SandboxError) {
        let profile = try SeccompFilterFile.read(path: profilePath)
        if noNewPrivileges, csnap_set_no_new_privileges() != 0 {
            fail("cannot set no_new_privs: \(libc(-1))", status: 3)
        }
        try profile.load()
    } catch {
        fail(error.description, status: 3)
    }
}

/// The actions still to run.
struct Queue {
    var items: [String]

    mutating func next(for action: String) -> String {
        guard !items.isEmpty else { fail("\(action) needs an argument", status: 2) }
        return items.removeFirst()
    }
}

/// TIOCSTI pushes one space into the terminal's input; TIOCLINUX asks for the shift state
/// (subcode 6), which only a virtual console answers.
func terminalIoctl(_ terminal: Int32, _ request: UInt64, subcode: CChar) -> String {
    var byte = subcode
    return outcome(csnap_seccomp_try_ioctl(terminal, request, &byte))
}

func socketAttempt(domain: Int32, type: Int32, bindAfter: Bool = false) -> String {
    let descriptor = socket(domain, type, 0)
    guard descriptor >= 0 else { return libc(-1) }
    defer { close(descriptor) }
    guard bindAfter else { return "ok" }
    // A name of the family alone asks the kernel to pick an abstract address.
    var address = sockaddr()
    address.sa_family = sa_family_t(AF_UNIX)
    return libc(bind(descriptor, &address, socklen_t(MemoryLayout<sa_family_t>.size)))
}

func seccompMode() -> String {
    guard let file = fopen("/proc/self/status", "r") else { return libc(-1) }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 512)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix("Seccomp:") {
            return String(text.dropFirst("Seccomp:".count).filter { !$0.isWhitespace })
        }
    }
    return "unknown"
}

func run(_ command: [String]) -> String {
    guard let program = command.first else { fail("exec needs a program", status: 2) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, 2, 1)
    var argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, program, &actions, nil, &argv, environ)
    guard result == 0 else { return outcome(Int(-result)) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
        guard errno == EINTR else { return libc(-1) }
    }
    if status & 0x7f == 0 {
        let code = (status >> 8) & 0xff
        return code == 0 ? "ok" : "exit \(code)"
    }
    return "signal \(status & 0x7f)"
}

var queue = Queue(items: arguments)
let highBit: UInt64 = 1 << 32
while !queue.items.isEmpty {
    let action = queue.items.removeFirst()
    switch action {
    case "getpid": say(getpid() > 0 ? "ok" : "bad")
    case "mkdir": say(libc(mkdir(queue.next(for: action), 0o755)))
    case "chmod-setuid": say(libc(chmod(queue.next(for: action), 0o4755)))
    case "chown-root": say(libc(chown(queue.next(for: action), 0, 0)))
    case "chown-other": say(libc(chown(queue.next(for: action), 1, 1)))
    case "mknod-fifo":
        say(outcome(Int(csnap_seccomp_try_mknod(queue.next(for: action), UInt32(S_IFIFO) | 0o644, 0, 0))))
    case "mknod-char":
        say(outcome(Int(csnap_seccomp_try_mknod(queue.next(for: action), UInt32(S_IFCHR) | 0o644, 1, 3))))
    case "tmpfile-setuid": say(outcome(Int(csnap_seccomp_try_open_tmpfile(queue.next(for: action), 0o4755))))
    case "unshare": say(outcome(Int(csnap_seccomp_try_unshare())))
    case "ptrace": say(outcome(csnap_seccomp_try_ptrace()))
    case "ioctl-tiocsti": say(terminalIoctl(follower, csnap_seccomp_tiocsti(), subcode: 0x20))
    case "ioctl-tiocsti-high": say(terminalIoctl(follower, csnap_seccomp_tiocsti() | highBit, subcode: 0x20))
    case "ioctl-tioclinux": say(terminalIoctl(follower, csnap_seccomp_tioclinux(), subcode: 6))
    case "ioctl-tioclinux-high": say(terminalIoctl(follower, csnap_seccomp_tioclinux() | highBit, subcode: 6))
    case "openat2": say(outcome(Int(csnap_seccomp_try_openat2("/"))))
    case "pipe2-notification": say(outcome(Int(csnap_seccomp_try_pipe2(csnap_seccomp_notification_pipe_flag()))))
    case "socket-unix": say(socketAttempt(domain: AF_UNIX, type: Int32(SOCK_STREAM.rawValue)))
    case "socket-netlink": say(socketAttempt(domain: AF_NETLINK, type: Int32(SOCK_RAW.rawValue)))
    case "bind-unix": say(socketAttempt(domain: AF_UNIX, type: Int32(SOCK_DGRAM.rawValue), bindAfter: true))
    case "setpriority", "setpriority-high":
        guard let priority = Int32(queue.next(for: action)) else { fail("\(action) needs a number", status: 2) }
        let which = csnap_seccomp_prio_process() | (action == "setpriority-high" ? highBit : 0)
        say(outcome(Int(csnap_seccomp_try_setpriority(which, priority))))
    case "seccomp-mode": say(seccompMode())
    case "exec":
        say(run(queue.items))
        queue.items = []
    default: fail("unknown action \(action)", status: 2)
    }
}
