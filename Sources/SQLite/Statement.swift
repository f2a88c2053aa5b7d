import CSQLite3

/// SQLite's SQLITE_TRANSIENT destructor: SQLite copies the bound value before the call
/// returns. The C macro is a cast of -1, which Swift cannot import.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// Where `bytes` start, as SQLite takes text: never a null pointer, which SQLite would bind
/// as NULL rather than as empty text.
private func textStart(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafePointer<CChar> {
    UnsafeRawPointer(bytes.baseAddress ?? ("" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self)
}

/// SQLITE_UTF8, as the encoding argument of sqlite3_bind_text64.
private let textEncoding = UInt8(SQLITE_UTF8)

/// A prepared statement, finalized when the last reference goes away.
///
/// Belongs to one ``Connection`` and, like it, must stay on one thread at a time.
public final class Statement {
    /// The SQL text, for error messages.
    public let sql: String
    private let handle: OpaquePointer
    private unowned let connection: Connection

    init(connection: Connection, sql: String) throws {
        var handle: OpaquePointer?
        let code = sqlite3_prepare_v3(connection.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard code == SQLITE_OK, let handle else {
            throw connection.error(code: code, sql: sql)
        }
        self.handle = handle
        self.sql = sql
        self.connection = connection
    }

    deinit {
        sqlite3_finalize(handle)
    }

    // MARK: Binding

    /// Binds an integer to the 1-based parameter `index`.
    public func bind(_ value: Int64, at index: Int32) throws {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    /// Binds a floating-point value to the 1-based parameter `index`.
    public func bind(_ value: Double, at index: Int32) throws {
        try check(sqlite3_bind_double(handle, index, value))
    }

    /// Binds a copy of `value` as UTF-8 text to the 1-based parameter `index`: all of its
    /// bytes, NUL bytes included.
    public func bind(_ value: String, at index: Int32) throws {
        var value = value
        let code = value.withUTF8 { bytes in
            sqlite3_bind_text64(handle, index, textStart(bytes), UInt64(bytes.count), transient, textEncoding)
        }
        try check(code)
    }

    /// Binds `text` (UTF-8) to the 1-based parameter `index` without copying it: SQLite reads
    /// the bytes in place (`SQLITE_STATIC`) whenever the statement is stepped.
    ///
    /// The caller guarantees that the bytes stay valid and unchanged until the parameter is
    /// bound again, ``clearBindings()`` is called or the statement goes away; a statement
    /// stepped after the bytes are gone reads freed memory.
    public func bind(unsafeText text: UnsafeBufferPointer<UInt8>, at index: Int32) throws {
        let code = sqlite3_bind_text64(handle, index, textStart(text), UInt64(text.count), nil, textEncoding)
        try check(code)
    }

    /// Binds a copy of `bytes` as a blob to the 1-based parameter `index`.
    public func bind(bytes: [UInt8], at index: Int32) throws {
        guard !bytes.isEmpty else { return try check(sqlite3_bind_zeroblob(handle, index, 0)) }
        let code = bytes.withUnsafeBytes { buffer in
            sqlite3_bind_blob(handle, index, buffer.baseAddress, Int32(buffer.count), transient)
        }
        try check(code)
    }

    /// Binds NULL to the 1-based parameter `index`.
    public func bindNull(at index: Int32) throws {
        try check(sqlite3_bind_null(handle, index))
    }

    /// Binds column `column` of the current row of `source` to parameter `index`
    /// without converting it, the fast path for copying values between statements.
    public func bind(columnOf source: Statement, _ column: Int32, at index: Int32) throws {
        try check(sqlite3_bind_value(handle, index, sqlite3_column_value(source.handle, column)))
    }

    /// Resets the statement and binds `values` to its parameters in order.
    public func bind(_ values: [any SQLiteBindable]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            try value.bind(to: self, at: Int32(offset + 1))
        }
    }

    /// Sets every parameter to NULL (sqlite3_clear_bindings), releasing what they held.
    public func clearBindings() {
        sqlite3_clear_bindings(handle)
    }

    /// The largest parameter number the statement uses (sqlite3_bind_parameter_count).
    public var parameterCount: Int32 { sqlite3_bind_parameter_count(handle) }

    // MARK: Stepping

    /// Advances to the next row. Returns false once the statement is done.
    @discardableResult
    public func step() throws -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = connection.error(code: code, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Rewinds the statement so it can run again; bindings are kept.
    public func reset() {
        sqlite3_reset(handle)
    }

    /// Binds `values`, runs the statement to completion and resets it.
    public func run(_ values: any SQLiteBindable...) throws {
        try bind(values)
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    /// Binds `values`, then calls `body` once per row; the statement is reset afterwards.
    public func forEachRow(_ values: any SQLiteBindable..., body: (Statement) throws -> Void) throws {
        try bind(values)
        defer { sqlite3_reset(handle) }
        while try step() { try body(self) }
    }

    // MARK: Columns of the current row

    /// The number of columns in a result row.
    public var columnCount: Int32 { sqlite3_column_count(handle) }

    /// The name of column `index`.
    public func columnName(_ index: Int32) -> String {
        guard let name = sqlite3_column_name(handle, index) else { return "" }
        return String(cString: name)
    }

    /// True when column `index` of the current row is NULL.
    public func isNull(_ index: Int32) -> Bool {
        sqlite3_column_type(handle, index) == SQLITE_NULL
    }

    /// Column `index` as an integer (0 for NULL).
    public func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }

    /// Column `index` as an integer, or nil for NULL.
    public func optionalInt64(_ index: Int32) -> Int64? { isNull(index) ? nil : int64(index) }

    /// Column `index` as a floating-point value.
    public func double(_ index: Int32) -> Double { sqlite3_column_double(handle, index) }

    /// Column `index` as text ("" for NULL).
    public func string(_ index: Int32) -> String {
        guard let text = sqlite3_column_text(handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// Column `index` as text, or nil for NULL.
    public func optionalString(_ index: Int32) -> String? { isNull(index) ? nil : string(index) }

    /// Calls `body` with column `index` of the current row as UTF-8 text, read in place
    /// (empty for NULL): no string is built.
    ///
    /// The bytes are valid only inside `body`: stepping or resetting the statement, or reading
    /// the same column as another type, frees them.
    public func withUTF8<Result>(
        column index: Int32,
        _ body: (UnsafeBufferPointer<UInt8>) throws -> Result
    ) rethrows -> Result {
        guard let text = sqlite3_column_text(handle, index) else {
            return try body(UnsafeBufferPointer(start: nil, count: 0))
        }
        return try body(UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, index))))
    }

    /// Calls `body` with column `index` of the current row as a blob, read in place (empty
    /// for NULL or an empty value); text gives its bytes without a terminating NUL.
    ///
    /// The bytes are valid only inside `body`, as with ``withUTF8(column:_:)``.
    public func withUnsafeBytes<Result>(
        column index: Int32,
        _ body: (UnsafeRawBufferPointer) throws -> Result
    ) rethrows -> Result {
        guard let blob = sqlite3_column_blob(handle, index) else {
            return try body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        return try body(UnsafeRawBufferPointer(start: blob, count: Int(sqlite3_column_bytes(handle, index))))
    }

    /// Column `index` as bytes.
    public func bytes(_ index: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, index))
        guard count > 0, let pointer = sqlite3_column_blob(handle, index) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// Column `index` with its own storage class.
    public func value(_ index: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: .integer(int64(index))
        case SQLITE_FLOAT: .real(double(index))
        case SQLITE_TEXT: .text(string(index))
        case SQLITE_BLOB: .blob(bytes(index))
        default: .null
        }
    }

    /// Every column of the current row.
    public func row() -> [SQLiteValue] {
        (0..<columnCount).map { value($0) }
    }

    private func check(_ code: Int32) throws {
        guard code == SQLITE_OK else { throw connection.error(code: code, sql: sql) }
    }
}

@available(*, unavailable, message: "a statement belongs to one thread, like its connection")
extension Statement: Sendable {}
