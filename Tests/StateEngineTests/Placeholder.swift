import Testing

@testable import StateEngine

@Suite struct StateEnginePlaceholderTests {
    @Test func builds() {}
}
