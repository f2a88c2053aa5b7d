import Testing

@testable import SnapPackage

@Suite struct SnapPackagePlaceholderTests {
    @Test func builds() {}
}
