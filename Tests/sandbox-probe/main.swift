// A child process for the sandbox tests: it confines itself the way snap-confine would,
// then tries things and prints one line per action, `ok` or the errno name.
//
//   sandbox-probe landlock RULES-FILE HOME UID -- ACTION...
//   sandbox-probe cgroup TAG PIDS-MAX|- MEMORY-MAX|- devices|no-devices -- ACTION...
//   sandbox-probe device-filter V2-GROUP -- ACTION...   (the group must exist)
//
// Actions: write PATH, read PATH, list DIR, mkdir PATH, rename FROM TO, bind-tcp PORT,
// connect-tcp PORT, connect-abstract NAME, kill-parent, kill PID, fork COUNT, open PATH
// (open only, no read),
// show-cgroup, hold (prints "holding", waits for end of input), run PROGRAM ARG... (the
// rest of the line; prints "exit STATUS").

import CSnapShim
import SnapSandbox

#if canImport(Glibc)
import Glibc
#endif

func fail(_ message: String) -> Never {
    let bytes = Array("sandbox-probe: \(message)\n".utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

func say(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
}

func outcome(_ result: Int32) -> String {
    guard result < 0 else { return "ok" }
    let error = errno
    guard let name = csnap_errno_name(error) else { return "errno \(error)" }
    return String(cString: name)
}

func writeFile(_ path: String) -> String {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { return outcome(-1) }
    defer { close(descriptor) }
    return outcome(write(descriptor, "x", 1) == 1 ? 0 : -1)
}

func readFile(_ path: String) -> String {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return outcome(-1) }
    defer { close(descriptor) }
    var byte: UInt8 = 0
    return outcome(read(descriptor, &byte, 1) >= 0 ? 0 : -1)
}

func openFile(_ path: String) -> String {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return outcome(-1) }
    close(descriptor)
    return "ok"
}

func list(_ path: String) -> String {
    guard let stream = opendir(path) else { return outcome(-1) }
    closedir(stream)
    return "ok"
}

func tcp(_ port: String, connecting: Bool) -> String {
    guard let number = UInt16(port) else { fail("bad port \(port)") }
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard descriptor >= 0 else { return outcome(-1) }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = number.bigEndian
    address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    let result = withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
            let size = socklen_t(MemoryLayout<sockaddr_in>.size)
            return connecting ? connect(descriptor, generic, size) : bind(descriptor, generic, size)
        }
    }
    return outcome(result)
}

func connectAbstract(_ name: String) -> String {
    let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard descriptor >= 0 else { return outcome(-1) }
    defer { close(descriptor) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = [0] + Array(name.utf8)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        for (index, byte) in bytes.enumerated() where index < raw.count { raw[index] = byte }
    }
    let size = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
    let result = withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, size) }
    }
    return outcome(result)
}

/// Forks up to `count` children that wait to be killed; reports how many started and the
/// first failure, then kills and reaps them.
func forkChildren(_ count: String) -> String {
    guard let count = Int(count) else { fail("bad count \(count)") }
    var children: [pid_t] = []
    var failure = ""
    for _ in 0..<count {
        let child = fork()
        if child == 0 {
            while true { pause() }
        }
        if child < 0 {
            failure = " " + outcome(-1)
            break
        }
        children.append(child)
    }
    for child in children {
        kill(child, SIGKILL)
        var status: Int32 = 0
        waitpid(child, &status, 0)
    }
    return "forked \(children.count)\(failure)"
}

/// Runs `arguments` (a program and its arguments) and reports its exit status.
func run(_ arguments: [String]) -> String {
    guard let program = arguments.first else { fail("run needs a program") }
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
    argv.append(nil)
    // The program's output goes to standard error, so standard output holds only results.
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_adddup2(&actions, 2, 1)
    var child: pid_t = 0
    let spawned = posix_spawn(&child, program, &actions, nil, argv, environ)
    posix_spawn_file_actions_destroy(&actions)
    for pointer in argv { free(pointer) }
    guard spawned == 0 else {
        errno = spawned
        return outcome(-1)
    }
    var status: Int32 = 0
    waitpid(child, &status, 0)
    return "exit \((status >> 8) & 0xff)"
}

func showCgroup() -> String {
    guard let text = try? SandboxFile.readText(path: "/proc/self/cgroup", limit: 1 << 16) else {
        return outcome(-1)
    }
    for line in text.split(separator: "\n") { say("cgroup \(line)") }
    return "ok"
}

func hold() -> String {
    say("holding")
    var byte: UInt8 = 0
    while read(0, &byte, 1) > 0 {}
    return "ok"
}

/// Performs the actions after `--`, one line of output each.
func perform(_ actions: [String]) {
    var index = 0
    func next() -> String {
        guard index < actions.count else { fail("action \(actions[index - 1]) needs an argument") }
        index += 1
        return actions[index - 1]
    }
    while index < actions.count {
        let action = next()
        switch action {
        case "write": say(writeFile(next()))
        case "read": say(readFile(next()))
        case "list": say(list(next()))
        case "mkdir": say(outcome(mkdir(next(), 0o755)))
        case "rename":
            let from = next()
            say(outcome(rename(from, next())))
        case "bind-tcp": say(tcp(next(), connecting: false))
        case "connect-tcp": say(tcp(next(), connecting: true))
        case "connect-abstract": say(connectAbstract(next()))
        case "kill-parent": say(outcome(kill(getppid(), 0)))
        case "kill": say(outcome(kill(pid_t(next()) ?? 0, 0)))
        case "fork": say(forkChildren(next()))
        case "open": say(openFile(next()))
        case "show-cgroup": say(showCgroup())
        case "hold": say(hold())
        case "run":
            say(run(Array(actions[index...])))
            index = actions.count
        default: fail("unknown action \(action)")
        }
    }
}

func landlock(_ arguments: [String]) {
    guard arguments.count >= 3, let uid = UInt32(arguments[2]) else { fail("landlock RULES HOME UID -- ACTION...") }
    do {
        let rules = try LandlockRules.read(path: arguments[0])
        let prepared = try rules.prepare(home: arguments[1], uid: uid)
        guard csnap_set_no_new_privileges() == 0 else { fail("no_new_privs: \(outcome(-1))") }
        try prepared.restrictSelf()
        say("abi \(prepared.abi)")
    } catch {
        fail("\(error)")
    }
}

func cgroup(_ arguments: [String]) {
    guard arguments.count == 4 else { fail("cgroup TAG PIDS-MAX|- MEMORY-MAX|- devices|no-devices -- ACTION...") }
    do {
        let tag = try SecurityTag(parsing: arguments[0])
        let group = try TrackingGroup.join(
            tag: tag,
            pid: getpid(),
            pidsMax: Int(arguments[1]),
            memoryMax: Int(arguments[2]),
            restrictDevices: arguments[3] == "devices"
        )
        for directory in group.directories { say("group \(directory)") }
        if group.restrictsDevices { say("devices restricted") }
    } catch {
        fail("\(error)")
    }
}

func deviceFilter(_ arguments: [String]) {
    guard arguments.count == 1 else { fail("device-filter V2-GROUP -- ACTION...") }
    do {
        try TrackingGroup.restrictDevices(ofGroup: arguments[0])
        try TrackingGroup.write(String(getpid()), to: arguments[0] + "/cgroup.procs")
        say("devices restricted")
    } catch {
        fail("\(error)")
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let separator = arguments.firstIndex(of: "--"), let mode = arguments.first else {
    fail("usage: sandbox-probe landlock|cgroup ... -- ACTION...")
}
let setup = Array(arguments[1..<separator])
switch mode {
case "landlock": landlock(setup)
case "cgroup": cgroup(setup)
case "device-filter": deviceFilter(setup)
case "none": break
default: fail("unknown mode \(mode)")
}
perform(Array(arguments[(separator + 1)...]))
