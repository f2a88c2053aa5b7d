import Foundation
import SnapAPI
import Testing

@testable import SnapClient

@Suite("HTTP client over a unix socket")
struct HTTPClientTests {
    @Test("a chunked reply with extensions and trailers is decoded whole")
    func chunkedReply() throws {
        let text =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;ext=1\r\n{\"typ\r\n10\r\ne\":\"sync\",\"resul\r\n8\r\nt\":true}\r\n0\r\nX-Trailer: 1\r\n\r\n"
        let server = try ScriptedServer(replies: [.init(bytes: Array(text.utf8))])
        let client = HTTPClient(socketPath: server.path, timeout: 10)
        let reply = try client.sync(Bool.self, ClientRequest(method: "GET", path: "/v2/x"))
        #expect(reply.result == true)
    }

    @Test("two requests share one connection when the server keeps it open")
    func keepAlive() throws {
        let server = try ScriptedServer(replies: [
            jsonReply(#"{"type":"sync","result":1}"#), jsonReply(#"{"type":"sync","result":2}"#),
        ])
        let client = HTTPClient(socketPath: server.path, timeout: 10)
        let first = try client.sync(Int.self, ClientRequest(method: "GET", path: "/a")).result
        let second = try client.sync(Int.self, ClientRequest(method: "GET", path: "/b")).result
        #expect(first == 1)
        #expect(second == 2)
        #expect(server.connections == 1)
    }

    @Test("a connection the server closed is replaced for the next request")
    func reconnect() throws {
        let server = try ScriptedServer(replies: [
            jsonReply(#"{"type":"sync","result":1}"#, close: true), jsonReply(#"{"type":"sync","result":2}"#),
        ])
        let client = HTTPClient(socketPath: server.path, timeout: 10)
        _ = try client.send(ClientRequest(method: "GET", path: "/a"))
        let second = try client.sync(Int.self, ClientRequest(method: "POST", path: "/b", body: .bytes([1])))
        #expect(second.result == 2)
        #expect(server.connections == 2)
    }

    @Test("a reply without framing is read to the end of the stream")
    func unframedReply() throws {
        let text = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"type\":\"sync\",\"result\":\"all\"}"
        let server = try ScriptedServer(replies: [.init(bytes: Array(text.utf8), close: true)])
        let client = HTTPClient(socketPath: server.path, timeout: 10)
        #expect(try client.sync(String.self, ClientRequest(method: "GET", path: "/")).result == "all")
    }

    @Test("the request carries Host, User-Agent and the body's framing")
    func requestHead() throws {
        let server = try ScriptedServer(replies: [jsonReply("{}"), jsonReply("{}")])
        let client = HTTPClient(socketPath: server.path, timeout: 10, userAgent: "snap-test/1")
        _ = try client.send(
            ClientRequest(method: "POST", path: "/v2/snaps", query: [("a", "b c")], body: .bytes(Array("hi".utf8)))
        )
        var sent = false
        _ = try client.send(
            ClientRequest(
                method: "POST",
                path: "/v2/snaps",
                body: .chunked {
                    defer { sent = true }
                    return sent ? nil : Array("abc".utf8)
                }
            )
        )
        let requests = server.requests
        #expect(requests.count == 2)
        #expect(
            requests.first
                == "POST /v2/snaps?a=b+c HTTP/1.1\r\nHost: localhost\r\nUser-Agent: snap-test/1\r\nContent-Length: 2\r\n\r\nhi"
        )
        #expect(requests.last?.hasSuffix("Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n") == true)
    }

    @Test("a silent server makes the request time out")
    func timeout() throws {
        let server = try ScriptedServer(replies: [.init(bytes: [], silent: true)])
        let client = HTTPClient(socketPath: server.path, timeout: 0.2)
        #expect {
            try client.send(ClientRequest(method: "GET", path: "/"))
        } throws: { error in
            guard case .timeout = error as? ClientError else { return false }
            return true
        }
    }

    @Test("a missing socket reads like the real client's error")
    func missingSocket() {
        let client = HTTPClient(socketPath: "/nonexistent/snapd.socket", timeout: 1)
        let expected = ClientError.connection(
            #"Get "http://localhost/v2/snaps": dial unix /nonexistent/snapd.socket: connect: no such file or directory"#
        )
        #expect(throws: expected) { try client.send(ClientRequest(method: "GET", path: "/v2/snaps")) }
        #expect(expected.description.hasPrefix("cannot communicate with server: Get "))
    }
}

@Suite("Envelope decoding")
struct EnvelopeDecodingTests {
    func response(_ status: Int, _ body: String) -> ClientResponse {
        ClientResponse(status: status, headers: [], body: Array(body.utf8))
    }

    @Test("an async reply needs HTTP 202 and a change id")
    func asyncRules() throws {
        let good = try response(202, #"{"type":"async","change":"7","result":{"set-id":3}}"#).decodeAsync()
        #expect(good.change == "7")
        #expect(good.result["set-id"] == .integer(3))
        #expect(throws: ClientError.protocolError("operation not accepted")) {
            try response(200, #"{"type":"async","change":"7"}"#).decodeAsync()
        }
        #expect(throws: ClientError.protocolError("async response without change reference")) {
            try response(202, #"{"type":"async"}"#).decodeAsync()
        }
    }

    @Test("a sync decode refuses another envelope type")
    func syncRules() {
        #expect(throws: ClientError.protocolError(#"expected sync response, got "async""#)) {
            try response(202, #"{"type":"async","change":"1"}"#).decodeSync(JSONValue.self)
        }
    }

    @Test("an error without a message falls back to the HTTP reason")
    func emptyErrorMessage() {
        let expected = ClientError.api(status: 400, error: APIError(message: #"server error: "Bad Request""#))
        #expect(throws: expected) { try response(400, #"{"type":"error","result":{}}"#).decodeSync(JSONValue.self) }
    }

    @Test("maintenance and warnings are read from any successful reply")
    func notes() throws {
        let body = #"""
            {"type":"sync","result":null,"warning-count":2,"warning-timestamp":"2026-12-03T16:03:23Z",
             "maintenance":{"kind":"daemon-restart","message":"daemon is restarting"}}
            """#
        let reply = try response(200, body).decodeSync(JSONValue.self)
        #expect(reply.result == .null)
        #expect(reply.notes.warningCount == 2)
        #expect(reply.notes.maintenance == APIError(message: "daemon is restarting", kind: "daemon-restart"))
    }

    @Test("the maintenance file counts only for restart kinds")
    func maintenanceFile() throws {
        let path = NSTemporaryDirectory() + "maintenance-\(getpid()).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(#"{"kind":"system-restart","message":"system is restarting"}"#.utf8).write(
            to: URL(fileURLWithPath: path)
        )
        #expect(Maintenance.read(fromFileAt: path)?.kind == "system-restart")
        try Data(#"{"kind":"other","message":"x"}"#.utf8).write(to: URL(fileURLWithPath: path))
        #expect(Maintenance.read(fromFileAt: path) == nil)
        #expect(Maintenance.read(fromFileAt: path + ".absent") == nil)
    }
}
