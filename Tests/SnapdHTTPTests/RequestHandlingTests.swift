import Foundation
import SnapAPI
import SnapdHTTP
import Testing

@testable import SnapClient

@Suite("Routing, bodies and connections")
struct RequestHandlingTests {
    @Test("an unknown path is 404 `not found`; a known path with another method is 405")
    func unknownPathAndMethod() async throws {
        let running = try RunningServer.start()
        let missing = try await send(running.mainSocket, "GET", "/v2/no-such-thing")
        let wrongMethod = try await send(running.mainSocket, "DELETE", "/v2/system-info")
        await running.stop()

        #expect(missing.status == 404)
        #expect(throws: ClientError.api(status: 404, error: APIError(message: "not found"))) {
            try missing.decodeSync(JSONValue.self)
        }
        #expect(wrongMethod.status == 405)
        #expect(throws: ClientError.api(status: 405, error: APIError(message: #"method "DELETE" not allowed"#))) {
            try wrongMethod.decodeSync(JSONValue.self)
        }
    }

    @Test(
        "a malformed or mistyped JSON body is a 400 naming the cause, and the service is not called",
        arguments: [
            (#"{"action": "install""#, "cannot decode request body: body is not valid JSON"),
            (#"{"action": "install", "revision": "x1"}"#, #"field "revision" must be an integer"#),
            (#"{"revision": 3}"#, #"cannot decode request body: missing field "action""#),
        ]
    )
    func badJSON(body: String, expected: String) async throws {
        let running = try RunningServer.start()
        let response = try await send(running.mainSocket, "POST", "/v2/snaps/hello", body: Array(body.utf8))
        let actions = await running.service.actions
        await running.stop()

        #expect(response.status == 400)
        let object = try jsonObject(response.body)
        let message = try #require((object["result"] as? [String: Any])?["message"] as? String)
        #expect(message.contains(expected))
        #expect(actions.isEmpty)
    }

    @Test("a chunked request body arrives whole")
    func chunkedBody() async throws {
        let running = try RunningServer.start()
        let socket = running.mainSocket
        let reply = try await offPool {
            var pieces: [[UInt8]] = [Array("hello, ".utf8), Array("chunked ".utf8), Array("world".utf8)]
            let request = ClientRequest(
                method: "POST",
                path: "/v2/echo",
                body: .chunked { pieces.isEmpty ? nil : pieces.removeFirst() }
            )
            return try HTTPClient(socketPath: socket).send(request).decodeSync([String: String].self)
        }
        await running.stop()

        #expect(reply.result["body"] == "hello, chunked world")
        #expect(reply.result["length"] == "20")
    }

    @Test("a body over the limit is 413 whether announced by Content-Length or chunked, and nothing runs")
    func oversizedBody() async throws {
        let running = try RunningServer.start(bodyLimit: 1024)
        let socket = running.mainSocket
        let large = [UInt8](repeating: UInt8(ascii: "a"), count: 4096)

        let announced = try await send(socket, "POST", "/v2/snaps/hello", body: large)
        let chunked = try await offPool {
            var sent = false
            let request = ClientRequest(
                method: "POST",
                path: "/v2/snaps/hello",
                body: .chunked {
                    defer { sent = true }
                    return sent ? nil : large
                }
            )
            return try HTTPClient(socketPath: socket).send(request)
        }
        let actions = await running.service.actions
        await running.stop()

        for response in [announced, chunked] {
            #expect(response.status == 413)
            #expect(try jsonObject(response.body)["type"] as? String == "error")
        }
        #expect(actions.isEmpty)
    }

    @Test("two requests travel on one kept-alive connection")
    func keepAlive() async throws {
        let running = try RunningServer.start()
        let path = running.mainSocket
        let replies = try await offPool {
            let socket = try UnixStreamSocket(connectingTo: path)
            var reader = HTTPResponseReader(socket: socket)
            let deadline = Deadline(secondsFromNow: 30)
            var replies: [ClientResponse] = []
            for target in ["/v2/system-info", "/v2/snaps/hello"] {
                try socket.write(Array("GET \(target) HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8), before: deadline)
                let (response, reusable) = try reader.readResponse(method: "GET", before: deadline)
                guard reusable else { throw ClientError.protocolError("server closed the connection") }
                replies.append(response)
            }
            return replies
        }
        await running.stop()

        #expect(replies.map(\.status) == [200, 200])
        #expect(try replies[1].decodeSync([String: String].self).result["name"] == "hello")
    }

    @Test("raw malformed HTTP gets a 400 reply without reaching a handler")
    func malformedHTTP() async throws {
        let running = try RunningServer.start()
        let path = running.mainSocket
        let response = try await offPool {
            let socket = try UnixStreamSocket(connectingTo: path)
            var reader = HTTPResponseReader(socket: socket)
            let deadline = Deadline(secondsFromNow: 30)
            try socket.write(Array("POST /v2/echo HTTP/1.1\r\nContent-Length: nope\r\n\r\n".utf8), before: deadline)
            return try reader.readResponse(method: "POST", before: deadline).response
        }
        await running.stop()

        #expect(response.status == 400)
    }

    @Test("a user over the connection limit has the newest connection closed, and is served again once under it")
    func connectionsPerUser() async throws {
        // The test runs as root, so root is made a limited user here.
        let running = try RunningServer.start(configure: { configuration in
            configuration.connectionsPerUser = 3
            configuration.unlimitedUsers = []
        })
        let path = running.mainSocket
        let outcome = try await offPool { () throws -> (over: [UInt8], afterwards: Int) in
            let deadline = Deadline(secondsFromNow: 30)
            // Three requests left half-sent hold three connections.
            var held: [UnixStreamSocket] = []
            for _ in 0..<3 {
                let socket = try UnixStreamSocket(connectingTo: path)
                try socket.write(Array("GET /v2/system-info HTTP/1.1\r\nHost: x\r\n".utf8), before: deadline)
                held.append(socket)
            }
            // The fourth is closed by the server before it says anything.
            let fourth = try UnixStreamSocket(connectingTo: path)
            try? fourth.write(Array("GET /v2/system-info HTTP/1.1\r\nHost: x\r\n\r\n".utf8), before: deadline)
            let over = (try? fourth.read(upTo: 4096, before: deadline)) ?? []

            // One held connection goes; the next request is served.
            held.removeFirst()
            var status = 0
            for _ in 0..<50 where status != 200 {
                let client = HTTPClient(socketPath: path, timeout: 30)
                status = (try? client.send(ClientRequest(method: "GET", path: "/v2/system-info")).status) ?? 0
                if status != 200 { usleep(20_000) }
            }
            _ = held
            return (over, status)
        }
        await running.stop()

        #expect(outcome.over.isEmpty, "\(String(decoding: outcome.over, as: UTF8.self))")
        #expect(outcome.afterwards == 200)
    }

    @Test("several clients are served at the same time")
    func concurrentClients() async throws {
        let running = try RunningServer.start()
        let socket = running.mainSocket
        let together = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await offPool {
                        let client = HTTPClient(socketPath: socket, timeout: 30)
                        let request = ClientRequest(method: "GET", path: "/v2/barrier", query: [("count", "4")])
                        return try client.sync([String: Int].self, request).result["together"] ?? 0
                    }
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        await running.stop()

        // Every handler returned only once all four were waiting at the barrier.
        #expect(together.count == 4)
        #expect(together.allSatisfy { $0 >= 4 })
    }

    @Test("stopping lets a running handler reply, and then refuses connections")
    func stopWaitsForHandlers() async throws {
        let running = try RunningServer.start()
        let socket = running.mainSocket
        async let pending = send(socket, "GET", "/v2/barrier?count=2")
        await running.service.waitForArrivals(1)

        let stopping = Task { await running.stop() }
        while (try? await send(socket, "GET", "/v2/system-info")) != nil {
            await Task.yield()
        }
        _ = await running.service.meet(count: 2)
        let reply = try await pending
        await stopping.value

        #expect(reply.status == 200)
        #expect(!FileManager.default.fileExists(atPath: socket))
    }
}
