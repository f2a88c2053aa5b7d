// snap-exec: the last step of a launch, run inside the sandbox as the calling user.
// It reads the program's launch description, builds the environment (the values
// `snap run` saved from the privileged exec, then the snap's and the app's environment,
// expanded in order), and executes the command chain, then the command with its
// arguments. Fully static, so that it runs inside any base, even one with no C library;
// single-threaded, with no Foundation. See docs/snap-run.md.
import SnapPaths
import SnapSandbox

#if canImport(Glibc)
import Glibc
#endif

/// Prints `message` on standard error and exits with status 1.
func fail(_ message: String) -> Never {
    let line = "snap-exec: \(message)\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    exit(1)
}

/// Where the launch description is: under the managed root when that path exists (a
/// classic snap runs on the host, and the daemon's root may be a scratch one), else at
/// the in-sandbox path, where a strict sandbox shows the managed root's `/var/lib/snapd`.
/// Both name the same file wherever both exist.
func descriptionPath(for tag: SecurityTag) -> String {
    let managed = SnapPaths.fromEnvironment().sandboxDirectory + "/" + tag.description
    if access(managed, F_OK) == 0 { return managed }
    return SnapPaths(root: "/").sandboxDirectory + "/" + tag.description
}

/// Checks that `path` is an executable regular file, naming what it is for otherwise.
func requireExecutable(_ path: String, what: String) {
    var status = stat()
    guard stat(path, &status) == 0 else {
        fail("cannot find \(what) \(path): \(String(cString: strerror(errno)))")
    }
    guard (status.st_mode & S_IFMT) == S_IFREG else { fail("\(what) \(path) is not a regular file") }
    guard access(path, X_OK) == 0 else { fail("\(what) \(path) is not executable") }
}

func run() throws(SandboxError) -> Never {
    let request = try ExecRequest(arguments: Array(CommandLine.arguments.dropFirst()))
    let path = descriptionPath(for: request.tag)
    guard access(path, F_OK) == 0 else {
        fail("cannot find the launch description of \(request.tag) at \(path): is the snap installed?")
    }
    let description = try LaunchDescription.read(path: path)
    guard try description.securityTag() == request.tag else {
        fail("\(path) describes \(try description.securityTag()), not \(request.tag)")
    }

    // The environment: what snap run saved, then the snap's entries expanded in order.
    Environment.restoreSaved()
    for entry in description.environment {
        guard let equals = entry.firstIndex(of: "=") else { continue }
        let name = String(entry[..<equals])
        guard !name.isEmpty else { continue }
        Environment.set(name, Environment.expand(String(entry[entry.index(after: equals)...])))
    }
    let snapDirectory = Environment.value("SNAP") ?? "/snap/\(description.snapName)/\(description.revision)"

    var argv = description.commandChain.map { snapDirectory + "/" + $0 }
    if request.shell {
        argv.append("/bin/sh")
        argv += request.arguments
    } else if let hook = request.hook {
        argv.append(snapDirectory + "/meta/hooks/" + hook)
    } else {
        let words = try CommandWords.split(description.command, source: path).map(Environment.expand)
        guard let program = words.first, !program.isEmpty else {
            fail("\(path): \(request.tag) has no command")
        }
        argv.append(program.hasPrefix("/") ? program : snapDirectory + "/" + program)
        argv += words.dropFirst()
        argv += request.arguments
    }
    for (index, program) in argv.enumerated() where index < description.commandChain.count {
        requireExecutable(program, what: "command-chain program")
    }
    if !request.shell {
        requireExecutable(argv[description.commandChain.count], what: request.hook == nil ? "command" : "hook")
    }

    let cArguments = argv.map { strdup($0) } + [nil]
    execv(argv[0], cArguments)
    fail("cannot execute \(argv[0]): \(String(cString: strerror(errno)))")
}

do {
    try run()
} catch {
    fail(error.description)
}
