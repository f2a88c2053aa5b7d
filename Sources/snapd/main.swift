// The snap daemon: opens the state engine, resumes interrupted changes, and serves the
// REST API on both sockets until SIGTERM or SIGINT.
import Glibc
import SnapLogging
import SnapPaths

let logger = Logger(label: "snapd", level: Daemon.logLevel())
do {
    let daemon = try Daemon(paths: SnapPaths.fromEnvironment(), logger: logger)
    try daemon.start()
    await daemon.waitForStopSignal()
    await daemon.stop()
} catch {
    logger.critical("cannot run: \(error)")
    exit(1)
}
