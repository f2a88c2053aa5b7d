// The snap daemon: opens the state engine, mounts the installed revisions that are not
// mounted, resumes interrupted changes, and serves the REST API on both sockets until
// SIGTERM or SIGINT.
//
// Environment: SNAPPY_GLOBAL_ROOT (the root of every path), SNAPD_DEBUG=1 (debug logs),
// SNAPD_SNAP_PROGRAM (what /snap/bin wrappers point at, /usr/bin/snap by default),
// SNAPD_FORCE_FUSE=1 (mount with squashfuse only), SNAPD_INJECT_FAULTS=KIND,KIND=after,KIND=slow,...
// (task kinds that fail, fail after their work, or wait two seconds first, for fault-injection runs),
// SNAPD_PROGRAM_DIR (where snap-image and snap-seccomp are, which read .snap files and compile
// seccomp profiles so that the daemon need not load squashfuse, libcrypto or libseccomp; the
// directory of this program by default), SNAPD_APP_PIDS_MAX and SNAPD_APP_MEMORY_MAX (the
// tasks and bytes each confined app may use: 8192 tasks and no memory limit by default;
// "none" for no limit).
import Glibc
import SnapLogging
import SnapManager
import SnapPaths
import SnapSystem
import SnapdAPI

/// The value of an environment variable.
func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}

let logger = Logger(label: "snapd", level: environment("SNAPD_DEBUG") == "1" ? .debug : .info)

/// A limit from the environment: a positive number, "none", or the default when unset.
func limit(_ name: String, default value: Int?) -> Int? {
    guard let text = environment(name) else { return value }
    if text == "none" { return nil }
    guard let number = Int(text), number > 0 else {
        logger.critical("\(name) must be a positive number or none, not \"\(text)\"")
        exit(2)
    }
    return number
}

let options = SnapManager.Options(
    snapProgram: environment("SNAPD_SNAP_PROGRAM") ?? "/usr/bin/snap",
    forceFuse: environment("SNAPD_FORCE_FUSE") == "1",
    faults: FaultPlan(parsing: environment("SNAPD_INJECT_FAULTS") ?? ""),
    programs: environment("SNAPD_PROGRAM_DIR").map(SystemPrograms.init(directory:)) ?? .besideExecutable(),
    appPidsMax: limit("SNAPD_APP_PIDS_MAX", default: 8192),
    appMemoryMax: limit("SNAPD_APP_MEMORY_MAX", default: nil)
)
do {
    let daemon = try SnapDaemon(paths: SnapPaths.fromEnvironment(), options: options, logger: logger)
    try await daemon.start()
    await daemon.waitForStopSignal()
    await daemon.stop()
} catch {
    logger.critical("cannot run: \(error)")
    exit(1)
}
