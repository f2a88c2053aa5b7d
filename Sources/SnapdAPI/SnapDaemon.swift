import Dispatch
import Glibc
import SnapAPI
import SnapLogging
import SnapManager
import SnapPaths
import SnapdHTTP
import StateEngine
import Synchronization

/// The running daemon: its engine, managers and HTTP server, and how it starts and stops.
///
/// The `snapd` program runs one until SIGTERM; tests run one in their own process.
public final class SnapDaemon: Sendable {
    /// The version `snap version` shows.
    public static let version = "0.1.0"

    public let paths: SnapPaths
    public let engine: Engine
    public let snaps: SnapManager
    let logger: Logger
    let server: HTTPServer
    let services: SnapdServices
    let maintenance = MaintenanceNotice()

    /// Opens the state database and prepares the managers and the routes. Nothing runs yet.
    ///
    /// - Throws: ``StateEngineError`` naming the database file when it cannot be used, or
    ///   an error naming a directory that cannot be created.
    public init(paths: SnapPaths, options: SnapManager.Options, logger: Logger) throws {
        self.paths = paths
        self.logger = logger
        snaps = SnapManager(paths: paths, options: options, logger: logger)
        try Self.makeDirectories(paths)
        engine = try Engine(
            path: paths.stateDatabase,
            handlers: snaps.handlers,
            projections: snaps.projections,
            logger: logger
        )
        snaps.attach(to: engine)
        // The state is the daemon's alone: only root may read it.
        for suffix in ["", "-wal", "-shm"] { chmod(paths.stateDatabase + suffix, 0o600) }
        services = SnapdServices(
            engine: engine,
            snaps: snaps,
            paths: paths,
            logger: logger,
            version: Self.version
        )
        let maintenance = self.maintenance
        server = HTTPServer(
            router: Router(SnapdRoutes.all(services)),
            logger: logger,
            notes: { DaemonNotes(maintenance: maintenance.notice) }
        )
    }

    /// Mounts the installed revisions that are not mounted (after a reboot none are),
    /// resumes interrupted changes, drops uploads no change needs, and starts serving both
    /// sockets.
    public func start() async throws {
        maintenance.clear(removing: paths.maintenanceFile)
        await snaps.mountInstalledRevisions()
        engine.start()
        await services.sweepUploads()
        // Sockets systemd passed in are served as they are; the others are bound here.
        let passed = SocketActivation.passedSockets()
        for (path, kind) in [(paths.snapdSocket, SocketKind.main), (paths.snapSocket, .snap)] {
            if let socket = passed.first(where: { $0.path == path }) {
                try server.listen(onDescriptor: socket.descriptor, path: path, kind: kind)
            } else {
                try server.listen(onSocketAt: path, kind: kind)
            }
        }
        logger.notice("started", metadata: ["version": Self.version, "root": paths.root.isEmpty ? "/" : paths.root])
    }

    /// Returns when SIGTERM or SIGINT arrives.
    public func waitForStopSignal() async {
        let waiter = SignalWaiter()
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { waiter.fire() }
            source.resume()
            sources.append(source)
        }
        await waiter.wait()
        withExtendedLifetime(sources) {}
    }

    /// Tells clients the daemon is going away, stops serving, lets the running tasks finish
    /// their step, and makes the log durable. Changes in progress resume at the next start.
    public func stop() async {
        logger.notice("stopping")
        announceRestart()
        // The engine stops starting tasks at once, and finishes the ones running while the
        // server stops taking requests and lets the ones in progress reply.
        async let engineStopped: Void = engine.stop()
        await server.stop()
        await engineStopped
        logger.notice("stopped")
    }

    /// Makes every reply carry the `daemon-restart` maintenance notice, and writes it to
    /// `maintenance.json` for clients that find the daemon gone. ``stop()`` calls it first.
    public func announceRestart() {
        let notice = APIError(message: "daemon is restarting", kind: ErrorKind.daemonRestart)
        do {
            try maintenance.announce(notice, writingTo: paths.maintenanceFile)
        } catch {
            logger.error("cannot write the maintenance notice", metadata: ["error": "\(error)"])
        }
    }

    private static func makeDirectories(_ paths: SnapPaths) throws {
        for directory in [
            paths.snapdStateDirectory, paths.snapBlobDirectory, paths.snapMountDirectory, paths.snapBinDirectory,
            paths.snapDataDirectory, paths.under("/run"), paths.runDirectory, paths.snapBlobDirectory + "/.upload",
            paths.sandboxDirectory, paths.seccompDirectory, paths.landlockDirectory, paths.apparmorProfileDirectory,
            paths.mountProfileDirectory,
        ] {
            var prefix = ""
            for component in directory.split(separator: "/") {
                prefix += "/" + component
                if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                    throw DaemonError("cannot create directory \"\(prefix)\": \(String(cString: strerror(errno)))")
                }
            }
        }
    }

}

/// A start-up failure with its reason.
struct DaemonError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Lets one task wait until a signal handler fires, however many times it fires.
final class SignalWaiter: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Void, Never>?
        var fired = false
    }

    private let state = Mutex(State())

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let fired = state.withLock { state in
                if !state.fired { state.continuation = continuation }
                return state.fired
            }
            if fired { continuation.resume() }
        }
    }

    func fire() {
        let waiting = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.fired = true
            defer { state.continuation = nil }
            return state.continuation
        }
        waiting?.resume()
    }
}
