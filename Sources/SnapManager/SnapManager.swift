import SQLite
import SnapLogging
import SnapPaths
import SnapSystem
import StateEngine
import Synchronization

/// The snaps manager: owns the task kinds that install, remove, enable, disable and revert
/// snaps, and the `snaps` projection they feed.
///
/// The REST API asks it for a change (``installChange(_:)`` and its siblings), which it
/// plans from the installed state and returns as a ``NewChange``; the engine then runs the
/// change's tasks through the handlers in ``handlers``. Every handler is idempotent and has
/// an undo, so a failed or aborted change leaves the disk as it was.
public final class SnapManager: Sendable {
    /// Settings and test hooks.
    public struct Options: Sendable {
        /// What the `/snap/bin` wrappers point at: the `snap` program, which runs the app
        /// named by the wrapper's file name.
        public var snapProgram: String
        /// How many revisions of a snap are kept on disk (`refresh.retain`).
        public var retainedRevisions: Int
        /// Mount through squashfuse even where the kernel could loop-mount.
        public var forceFuse: Bool
        /// Failures to inject, for tests.
        public var faults: FaultPlan
        /// Where `snap-image` and `snap-seccomp` are, which read `.snap` files and compile
        /// seccomp profiles for the daemon: beside the running executable by default.
        public var programs: SystemPrograms
        /// The most tasks (processes and threads) one confined app may have at once, across
        /// all its running copies: a fork bomb stops there. Nil for no limit.
        public var appPidsMax: Int?
        /// The most memory, in bytes, one confined app may use. Nil for no limit.
        public var appMemoryMax: Int?
        /// The program that loads AppArmor profiles into the kernel and takes them out
        /// (`apparmor_parser -r FILE`, `-R FILE`). Nil to decide at each use: the system's
        /// `apparmor_parser` when the kernel has AppArmor enabled, else none, and profiles
        /// are only written.
        public var appArmorParser: String?

        public init(
            snapProgram: String = "/usr/bin/snap",
            retainedRevisions: Int = 2,
            forceFuse: Bool = false,
            faults: FaultPlan = FaultPlan(),
            programs: SystemPrograms = .besideExecutable(),
            appPidsMax: Int? = 8192,
            appMemoryMax: Int? = nil,
            appArmorParser: String? = nil
        ) {
            self.snapProgram = snapProgram
            self.retainedRevisions = retainedRevisions
            self.forceFuse = forceFuse
            self.faults = faults
            self.programs = programs
            self.appPidsMax = appPidsMax
            self.appMemoryMax = appMemoryMax
            self.appArmorParser = appArmorParser
        }
    }

    public let paths: SnapPaths
    public let options: Options
    let disk: Disk
    let logger: Logger
    private let engine = Mutex<Engine?>(nil)

    /// Creates the manager for the system under `paths`.
    public init(paths: SnapPaths, options: Options = Options(), logger: Logger = .disabled) {
        self.paths = paths
        self.options = options
        self.disk = Disk(forceFuse: options.forceFuse)
        self.logger = logger
    }

    /// The projection of installed snaps (see ``projections`` for all of them).
    public var projection: any Projection { SnapsProjection() }

    /// Every projection the engine must keep for this manager: installed snaps and the
    /// security files written for them.
    public var projections: [any Projection] { [SnapsProjection(), ProfilesProjection()] }

    /// Gives the manager the engine whose log its handlers read.
    public func attach(to engine: Engine) {
        self.engine.withLock { $0 = engine }
    }

    /// Reads the installed state through the engine's connection, so that a handler sees
    /// every fact committed before it started.
    func readState<Result: Sendable>(_ body: @Sendable @escaping (Connection) throws -> Result) async throws -> Result {
        guard let engine = engine.withLock({ $0 }) else {
            throw SnapManagerError(.internalError, "the snaps manager is not attached to a state engine")
        }
        return try await engine.withDatabase(body)
    }

    func layout(_ name: String) -> SnapLayout { SnapLayout(paths: paths, name: name) }

    /// Every task kind this manager runs.
    public var handlers: [TaskHandler] {
        [
            handler("prerequisites", perform: checkPrerequisites),
            handler("prepare-snap", perform: prepareSnap, undo: undoPrepareSnap),
            handler("mount-snap", perform: mountSnap, undo: undoMountSnap),
            handler("copy-snap-data", perform: copySnapData, undo: undoCopySnapData),
            handler("setup-profiles", perform: setupProfiles, undo: undoSetupProfiles),
            handler("remove-profiles", perform: removeProfiles, undo: undoRemoveProfiles),
            // Services belong to a manager of their own; until it exists these steps have
            // nothing to do, but they keep their place in the changes.
            handler("stop-snap-services", perform: nothingToDo),
            handler("start-snap-services", perform: nothingToDo),
            handler("unlink-current-snap", perform: unlinkCurrentSnap, undo: undoUnlinkCurrentSnap),
            handler("link-snap", perform: linkSnap, undo: undoLinkSnap),
            handler("clear-snap", perform: clearSnap, undo: undoClearSnap),
            handler("discard-snap", perform: discardSnap, undo: undoDiscardSnap),
            handler("cleanup", perform: cleanUp),
        ]
    }

    private func nothingToDo(_ setup: SnapSetup, _ context: TaskContext) async throws {}

    /// The body of a do or undo handler: the task's setup, and the context to report through.
    typealias Step = @Sendable (SnapSetup, TaskContext) async throws -> Void

    /// Wraps a step as a task handler: decodes the setup, injects planned faults.
    private func handler(_ kind: String, perform: @escaping Step, undo: Step? = nil) -> TaskHandler {
        let faults = options.faults
        var wrappedUndo: TaskHandler.Body?
        if let undo {
            wrappedUndo = { @Sendable (context: TaskContext) async throws -> TaskOutcome in
                try await undo(try SnapSetup(data: context.data), context)
                return .done
            }
        }
        return TaskHandler(
            kind: kind,
            perform: { @Sendable (context: TaskContext) async throws -> TaskOutcome in
                if faults.failing.contains(kind) { throw InjectedFault(kind: kind) }
                if faults.slow.contains(kind) { try? await Task.sleep(for: .seconds(2)) }
                let setup = try SnapSetup(data: context.data)
                try await perform(setup, context)
                if faults.failingAfterWork.contains(kind) {
                    try await undo?(setup, context)
                    throw InjectedFault(kind: kind, afterWork: true)
                }
                return .done
            },
            undo: wrappedUndo
        )
    }
}
