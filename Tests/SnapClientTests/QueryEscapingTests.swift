import Testing

@testable import SnapClient

@Suite("Request encoding")
struct QueryEscapingTests {
    @Test("query values are escaped as the real client escapes them")
    func escaping() {
        let request = ClientRequest(method: "GET", path: "/v2/snaps", query: [("snaps", "a1,a2"), ("q", "a b/c")])
        #expect(request.target == "/v2/snaps?snaps=a1%2Ca2&q=a+b%2Fc")
    }
}
