/// One SQLite value, for code that handles rows of any shape (table dumps, comparisons).
public enum SQLiteValue: Sendable, Equatable, Hashable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    public var description: String {
        switch self {
        case .null: "NULL"
        case .integer(let value): String(value)
        case .real(let value): String(value)
        case .text(let value): value
        case .blob(let bytes): "<\(bytes.count) bytes>"
        }
    }
}

/// A Swift value that can be bound to a statement parameter.
public protocol SQLiteBindable {
    /// Binds `self` to the parameter at `index` (1-based) of `statement`.
    func bind(to statement: Statement, at index: Int32) throws
}

extension Int64: SQLiteBindable {
    public func bind(to statement: Statement, at index: Int32) throws { try statement.bind(self, at: index) }
}

extension Int: SQLiteBindable {
    public func bind(to statement: Statement, at index: Int32) throws { try statement.bind(Int64(self), at: index) }
}

extension Double: SQLiteBindable {
    public func bind(to statement: Statement, at index: Int32) throws { try statement.bind(self, at: index) }
}

extension String: SQLiteBindable {
    public func bind(to statement: Statement, at index: Int32) throws { try statement.bind(self, at: index) }
}

extension SQLiteValue: SQLiteBindable {
    public func bind(to statement: Statement, at index: Int32) throws {
        switch self {
        case .null: try statement.bindNull(at: index)
        case .integer(let value): try statement.bind(value, at: index)
        case .real(let value): try statement.bind(value, at: index)
        case .text(let value): try statement.bind(value, at: index)
        case .blob(let bytes): try statement.bind(bytes: bytes, at: index)
        }
    }
}

extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    public func bind(to statement: Statement, at index: Int32) throws {
        switch self {
        case .none: try statement.bindNull(at: index)
        case .some(let value): try value.bind(to: statement, at: index)
        }
    }
}
