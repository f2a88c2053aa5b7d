import CSQLite3

/// A failure reported by SQLite, naming the database file and the cause.
public struct SQLiteError: Error, CustomStringConvertible, Equatable {
    /// The primary SQLite result code (`SQLITE_CORRUPT`, `SQLITE_FULL`...).
    public let code: Int32
    /// SQLite's own explanation, or ours when the failure is not SQLite's.
    public let message: String
    /// The database file involved.
    public let path: String
    /// The statement that failed, when there was one.
    public let sql: String?

    public init(code: Int32, message: String, path: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.sql = sql
    }

    /// The symbolic name of `code`, as in SQLite's documentation (`SQLITE_BUSY`).
    public var codeName: String {
        switch code & 0xff {
        case SQLITE_ERROR: "SQLITE_ERROR"
        case SQLITE_PERM: "SQLITE_PERM"
        case SQLITE_BUSY: "SQLITE_BUSY"
        case SQLITE_LOCKED: "SQLITE_LOCKED"
        case SQLITE_NOMEM: "SQLITE_NOMEM"
        case SQLITE_READONLY: "SQLITE_READONLY"
        case SQLITE_IOERR: "SQLITE_IOERR"
        case SQLITE_CORRUPT: "SQLITE_CORRUPT"
        case SQLITE_FULL: "SQLITE_FULL"
        case SQLITE_CANTOPEN: "SQLITE_CANTOPEN"
        case SQLITE_CONSTRAINT: "SQLITE_CONSTRAINT"
        case SQLITE_MISMATCH: "SQLITE_MISMATCH"
        case SQLITE_NOTADB: "SQLITE_NOTADB"
        case SQLITE_RANGE: "SQLITE_RANGE"
        default: "SQLite error \(code)"
        }
    }

    /// True when the file is damaged or not a database at all.
    public var isCorruption: Bool {
        let primary = code & 0xff
        return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB
    }

    public var description: String {
        var text = "\(path): \(message) (\(codeName))"
        if let sql { text += " in: \(sql.prefix(200))" }
        return text
    }
}
