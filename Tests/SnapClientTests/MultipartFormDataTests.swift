import Foundation
import SnapClient
import Testing

@Suite("multipart/form-data bodies")
struct MultipartFormDataTests {
    @Test("fields and files are framed as the real client frames a sideload")
    func framing() throws {
        var form = MultipartFormData(boundary: "b0undary")
        form.addField(name: "action", value: "install")
        form.addField(name: "dangerous", value: "true")
        form.addFile(name: "snap", filename: "local-thing_1.0_amd64.snap", bytes: Array("SQSH".utf8))
        let expected =
            "--b0undary\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\ninstall"
            + "\r\n--b0undary\r\nContent-Disposition: form-data; name=\"dangerous\"\r\n\r\ntrue"
            + "\r\n--b0undary\r\nContent-Disposition: form-data; name=\"snap\"; filename=\"local-thing_1.0_amd64.snap\""
            + "\r\nContent-Type: application/octet-stream\r\n\r\nSQSH\r\n--b0undary--\r\n"
        let body = try form.encoded()
        #expect(String(decoding: body, as: UTF8.self) == expected)
        #expect(form.contentType == "multipart/form-data; boundary=b0undary")
    }

    @Test("a random boundary is 60 hex digits")
    func randomBoundary() {
        let boundary = MultipartFormData().boundary
        #expect(boundary.count == 60)
        #expect(boundary.allSatisfy { $0.isHexDigit })
    }

    @Test("a file part given by path is streamed in pieces and arrives intact")
    func fileFromPath() throws {
        let path = NSTemporaryDirectory() + "multipart-\(getpid()).snap"
        let content = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try Data(content).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }

        var form = MultipartFormData(boundary: "xyz")
        form.addFile(name: "snap", filename: "big.snap", path: path)
        guard case .chunked(let next) = form.chunkedBody() else {
            Issue.record("expected a chunked body")
            return
        }
        var pieces = 0
        var body: [UInt8] = []
        while let piece = try next() {
            pieces += 1
            body += piece
        }
        #expect(pieces > 3)
        #expect(try form.encoded() == body)
        let head = Array("--xyz\r\nContent-Disposition: form-data; name=\"snap\"; filename=\"big.snap\"\r\n".utf8)
        #expect(Array(body.prefix(head.count)) == head)
        #expect(body.firstRange(of: content) != nil)
    }
}
