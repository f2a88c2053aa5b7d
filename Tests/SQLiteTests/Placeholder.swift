import Testing

@testable import SQLite

@Suite struct SQLitePlaceholderTests {
    @Test func builds() {}
}
