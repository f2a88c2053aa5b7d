/// One numbered SQL file of `migrations/`, embedded at build time.
public struct Migration: Sendable, Equatable {
    /// The number the file name starts with; migrations apply in increasing order.
    public let version: Int
    /// The file name, for messages and the `schema_migrations` table.
    public let name: String
    /// The statements to run.
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}
