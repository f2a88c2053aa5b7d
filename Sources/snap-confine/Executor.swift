import CSnapShim
import SnapSandbox

#if canImport(Glibc)
import Glibc
#endif

/// Executing snap-exec through the descriptor opened at start.
enum Executor {
    /// The standard `PATH` of a base (no /usr/local from the host).
    static let standardPath = "/usr/sbin:/usr/bin:/sbin:/bin:/usr/games"

    /// The launcher's environment with `PATH` reset and `TMPDIR=/tmp`; the rest is what
    /// snap run set.
    static func sandboxEnvironment() -> [String] {
        var entries = currentEnvironment().filter { !$0.hasPrefix("PATH=") && !$0.hasPrefix("TMPDIR=") }
        entries.append("PATH=\(standardPath)")
        entries.append("TMPDIR=/tmp")
        return entries
    }

    static func currentEnvironment() -> [String] {
        var entries: [String] = []
        var cursor: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = environ
        while let entry = cursor.pointee {
            entries.append(String(cString: entry))
            cursor = cursor.advanced(by: 1)
        }
        return entries
    }

    /// Runs the program open at `descriptor` (execveat with AT_EMPTY_PATH).
    static func execute(
        _ descriptor: Int32,
        arguments: [String],
        environment: [String] = currentEnvironment()
    ) throws(SandboxError) -> Never {
        var argv = arguments.map { strdup($0) }
        argv.append(nil)
        var envp = environment.map { strdup($0) }
        envp.append(nil)
        _ = csnap_execute_descriptor(descriptor, &argv, &envp)
        throw SandboxError.system("cannot execute \(arguments[0])")
    }
}
