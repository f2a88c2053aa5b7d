// snap-confine: the privileged launcher (docs/snap-confine.md).
import SnapPaths
import SnapSandbox

#if canImport(Glibc)
import Glibc
#endif

/// The program's version, printed by `--version`.
let version = "0.1"

do throws(SandboxError) {
    switch try Invocation.parse(Array(CommandLine.arguments.dropFirst())) {
    case .version:
        print("snap-confine \(version)")
    case .discardNamespace(let instanceName):
        guard geteuid() == 0 else { throw SandboxError("snap-confine --discard-ns must run as root") }
        try MountNamespace(instanceName: instanceName, paths: .fromEnvironment()).discard()
    case .launch(let arguments):
        let launcher = Launcher(arguments: arguments, paths: .fromEnvironment(), caller: try Caller.current())
        try launcher.run()
    }
} catch {
    System.printError("snap-confine: \(error)")
    exit(1)
}
