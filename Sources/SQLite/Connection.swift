import CSQLite3

/// An open SQLite database file, closed when the last reference goes away.
///
/// Concurrency model: a connection and its statements are used by one thread at a
/// time; the owner serialises access (the state engine gives its writer connection
/// to one dispatch queue and opens separate connections for readers).
public final class Connection {
    /// How to open the file.
    public enum Mode: Sendable {
        /// Read and write, creating the file when it does not exist.
        case readWriteCreate
        /// Read and write an existing file.
        case readWrite
        /// Read only; SQLite is asked never to write to the file.
        case readOnly
        /// Read only, and the file is taken as one nobody changes: SQLite takes no locks and
        /// opens or creates no journal, `-wal` or `-shm` file (the `immutable` URI parameter).
        /// Only for a database whose `-wal` file is absent or empty.
        case immutable
    }

    /// The database file, as given.
    public let path: String
    let handle: OpaquePointer
    private var cache: [String: Statement] = [:]

    /// Opens `path` (sqlite3_open_v2) with extended result codes on.
    ///
    /// - Throws: ``SQLiteError`` naming the file when it cannot be opened.
    public init(path: String, mode: Mode = .readWriteCreate) throws {
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        switch mode {
        case .readWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .readOnly, .immutable: flags |= SQLITE_OPEN_READONLY
        }
        var name = path
        if mode == .immutable {
            flags |= SQLITE_OPEN_URI
            name = "file:" + Self.uriEscaped(path) + "?immutable=1"
        }
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(name, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open database"
            sqlite3_close_v2(handle)
            throw SQLiteError(code: code, message: message, path: path)
        }
        self.path = path
        self.handle = handle
        sqlite3_busy_timeout(handle, 5000)
    }

    /// `path` with every byte a URI path may not hold as it is percent-encoded.
    private static func uriEscaped(_ path: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows we need (sqlite3_exec).
    public func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        guard code == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_free(message)
            throw SQLiteError(code: code, message: text, path: path, sql: sql)
        }
    }

    /// Prepares a statement owned by the caller.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(connection: self, sql: sql)
    }

    /// Returns a prepared statement for `sql`, reusing one prepared earlier on this connection.
    public func cached(_ sql: String) throws -> Statement {
        if let statement = cache[sql] { return statement }
        let statement = try prepare(sql)
        cache[sql] = statement
        return statement
    }

    /// Runs `body` inside BEGIN IMMEDIATE ... COMMIT, rolling back when it throws.
    public func transaction<Result>(_ body: () throws -> Result) throws -> Result {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// The first column of the first row of `sql`, or nil when there is no row.
    public func scalar(_ sql: String, _ values: any SQLiteBindable...) throws -> SQLiteValue? {
        let statement = try cached(sql)
        try statement.bind(values)
        defer { statement.reset() }
        return try statement.step() ? statement.value(0) : nil
    }

    /// Every row of `sql`, as values; for small results and diagnostics.
    public func rows(_ sql: String, _ values: any SQLiteBindable...) throws -> [[SQLiteValue]] {
        let statement = try prepare(sql)
        try statement.bind(values)
        var rows: [[SQLiteValue]] = []
        while try statement.step() { rows.append(statement.row()) }
        return rows
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// The rowid of the last successful INSERT.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// True while a transaction is open.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Builds an error from the connection's last failure.
    func error(code: Int32, sql: String?) -> SQLiteError {
        let extended = sqlite3_extended_errcode(handle)
        return SQLiteError(
            code: extended == 0 ? code : extended,
            message: String(cString: sqlite3_errmsg(handle)),
            path: path,
            sql: sql
        )
    }
}

@available(*, unavailable, message: "a connection is used by one thread at a time; open one per reader")
extension Connection: Sendable {}
