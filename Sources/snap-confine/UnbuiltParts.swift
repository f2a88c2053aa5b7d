import SnapSandbox

#if canImport(Glibc)
import Glibc
#endif

/// The one place where the launcher tolerates confinement parts that are still stubs on
/// this branch (seccomp loading, Landlock, cgroup tracking), so its own tests can run.
///
/// Only when `SNAP_CONFINE_TEST_SKIP_UNBUILT=1` is set AND the part failed with its stub's
/// "not built yet" error is the failure ignored; a real implementation's errors always stop
/// the launch. This file is deleted when the real parts are merged.
enum UnbuiltParts {
    static let variable = "SNAP_CONFINE_TEST_SKIP_UNBUILT"

    /// Whether `error` from `part` may be ignored.
    static func tolerates(_ error: SandboxError) -> Bool {
        guard System.environment(variable) == "1" else { return false }
        return error.message.contains("not built yet")
    }
}
