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
// directory of this program by default).
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
let options = SnapManager.Options(
    snapProgram: environment("SNAPD_SNAP_PROGRAM") ?? "/usr/bin/snap",
    forceFuse: environment("SNAPD_FORCE_FUSE") == "1",
    faults: FaultPlan(parsing: environment("SNAPD_INJECT_FAULTS") ?? ""),
    programs: environment("SNAPD_PROGRAM_DIR").map(SystemPrograms.init(directory:)) ?? .besideExecutable()
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
