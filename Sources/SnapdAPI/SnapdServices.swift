import SQLite
import SnapLogging
import SnapManager
import SnapPaths
import StateEngine

/// What the routes call: the state engine, the managers, and facts about the daemon.
public struct SnapdServices: Sendable {
    public let engine: Engine
    public let snaps: SnapManager
    public let paths: SnapPaths
    public let logger: Logger
    /// The daemon's version, as `snap version` prints it.
    public let version: String

    /// Read-only connections for the routes' reads.
    let readers: StateReaders

    public init(engine: Engine, snaps: SnapManager, paths: SnapPaths, logger: Logger, version: String) {
        self.engine = engine
        self.readers = StateReaders(path: engine.path)
        self.snaps = snaps
        self.paths = paths
        self.logger = logger
        self.version = version
    }

    /// Where uploaded snap files wait until their install change is done.
    public var uploadDirectory: String { paths.snapBlobDirectory + "/.upload" }

    /// Reads the projections as of the last commit, without waiting for the writer.
    func read<Result: Sendable>(_ body: @Sendable @escaping (Connection) throws -> Result) async throws -> Result {
        try await readers.read(body)
    }
}
