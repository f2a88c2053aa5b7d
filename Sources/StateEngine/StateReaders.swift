import Dispatch
import SQLite
import Synchronization

/// Read-only connections to the state database for the REST API's reads, so that a poll
/// never waits behind the engine's commits (WAL lets readers and the writer run at once).
///
/// Each read runs in one read transaction on a connection of its own, on a dispatch queue
/// rather than the cooperative threads, and sees every change committed before it began.
/// Connections are opened on demand and kept for reuse.
public final class StateReaders: Sendable {
    /// The database file.
    public let path: String
    private let idle = Mutex<[ReaderConnection]>([])
    private let queue = DispatchQueue(label: "snapd.state-readers", attributes: .concurrent)

    /// Creates readers of the database at `path`; nothing is opened until the first read.
    public init(path: String) {
        self.path = path
    }

    /// Runs `body` in a read transaction and returns its result.
    ///
    /// - Throws: what `body` throws, or ``StateEngineError`` naming the file when it cannot
    ///   be opened.
    public func read<Result: Sendable>(_ body: @Sendable @escaping (Connection) throws -> Result) async throws
        -> Result
    {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Swift.Result { try self.readNow(body) })
            }
        }
    }

    private func readNow<Result>(_ body: (Connection) throws -> Result) throws -> Result {
        let reader = try idle.withLock { $0.popLast() } ?? ReaderConnection(StateDatabase.openReader(path: path))
        defer { idle.withLock { $0.append(reader) } }
        // A deferred transaction takes no write lock: its first read fixes the snapshot.
        try reader.connection.execute("BEGIN")
        defer { try? reader.connection.execute("COMMIT") }
        return try body(reader.connection)
    }
}

/// A connection used by one thread at a time: taken from the pool, used, put back.
private struct ReaderConnection: @unchecked Sendable {
    let connection: Connection
    init(_ connection: Connection) { self.connection = connection }
}
