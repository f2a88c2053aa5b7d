import SQLite

#if canImport(Glibc)
import Glibc
#endif

/// Opens the state database: checks the file, refuses one from a newer version, sets the
/// durability options and applies pending migrations.
public enum StateDatabase {
    /// Opens `path` for the engine, creating it when it does not exist.
    ///
    /// Every check that can fail runs before anything is written, and all pending
    /// migrations apply in one transaction, so a damaged file, a newer schema or a
    /// failing migration leaves the file exactly as it was (and a file this call
    /// created is removed again).
    ///
    /// - Parameters:
    ///   - path: The database file.
    ///   - migrations: The schema steps, in any order; defaults to `migrations/*.sql`.
    /// - Returns: The open connection, in WAL mode with full synchronous commits.
    /// - Throws: ``StateEngineError`` naming the file and the cause.
    public static func open(path: String, migrations: [Migration] = Migration.embedded) throws -> Connection {
        let existed = access(path, F_OK) == 0
        let known = migrations.map(\.version).max() ?? 0
        do {
            // A read-write connection may recover the WAL, and checkpoint it and delete it
            // at close: the checks run on a connection that cannot, before any is opened.
            if existed { try inspect(path, known: known) }
            let connection = try Connection(path: path, mode: existed ? .readWrite : .readWriteCreate)
            let current = try schemaVersion(connection)
            try checkVersion(current, known: known, path: path)
            try configure(connection, writable: true)
            try migrate(connection, from: current, with: migrations)
            return connection
        } catch {
            if !existed { removeDatabaseFiles(path) }
            throw describe(error, path: path)
        }
    }

    /// Refuses a schema newer than the migrations know.
    static func checkVersion(_ current: Int, known: Int, path: String) throws {
        guard current <= known else {
            throw StateEngineError(
                .newerSchema,
                "\(path): database schema version \(current) is newer than this program knows (\(known))"
            )
        }
    }

    /// Opens `path` without ever writing to it, for reading projections next to a running writer.
    public static func openReader(path: String) throws -> Connection {
        do {
            let connection = try Connection(path: path, mode: .readOnly)
            try connection.execute("PRAGMA query_only = ON")
            return connection
        } catch {
            throw describe(error, path: path)
        }
    }

    /// The highest migration recorded in the database, 0 for a new one.
    public static func schemaVersion(_ connection: Connection) throws -> Int {
        let table = try connection.scalar(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        )
        guard table != nil else { return 0 }
        guard case .integer(let version)? = try connection.scalar("SELECT max(version) FROM schema_migrations") else {
            return 0
        }
        return Int(version)
    }

    /// Fails when SQLite finds the file damaged (PRAGMA quick_check), reading only.
    static func checkIntegrity(_ connection: Connection) throws {
        let rows = try connection.rows("PRAGMA quick_check")
        let findings = rows.compactMap { $0.first?.description }.filter { $0 != "ok" }
            .map { $0.split(whereSeparator: \.isNewline).joined(separator: " ") }
        guard findings.isEmpty else {
            throw StateEngineError(
                .corruptDatabase,
                "\(connection.path): database is damaged: \(findings.prefix(3).joined(separator: "; "))"
            )
        }
    }

    /// WAL journal, full fsync at every commit, foreign keys enforced.
    static func configure(_ connection: Connection, writable: Bool) throws {
        if writable {
            try connection.execute("PRAGMA journal_mode = WAL")
        }
        try connection.execute("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON")
    }

    /// Applies the migrations newer than `current`, in order, in one transaction.
    static func migrate(_ connection: Connection, from current: Int, with migrations: [Migration]) throws {
        let pending = migrations.filter { $0.version > current }.sorted { $0.version < $1.version }
        guard !pending.isEmpty else { return }
        try connection.transaction {
            for migration in pending {
                do {
                    try connection.execute(migration.sql)
                    try connection.cached(
                        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"
                    ).run(migration.version, migration.name, Timestamp.now().rfc3339)
                } catch {
                    throw StateEngineError(
                        .migrationFailed,
                        "\(connection.path): migration \(migration.name) failed, nothing was changed: \(cause(of: error))"
                    )
                }
            }
        }
    }

    /// Turns an SQLite error into the engine's error, naming the file; other errors pass through.
    public static func describe(_ error: any Error, path: String) -> any Error {
        guard let sqlite = error as? SQLiteError else { return error }
        if sqlite.isCorruption {
            return StateEngineError(.corruptDatabase, "\(path): not a usable database: \(sqlite.message)")
        }
        return StateEngineError(.storage, "\(path): \(sqlite.message) (\(sqlite.codeName))")
    }

    private static func cause(of error: any Error) -> String {
        (error as? SQLiteError)?.message ?? String(describing: error)
    }

    private static func removeDatabaseFiles(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
    }
}
