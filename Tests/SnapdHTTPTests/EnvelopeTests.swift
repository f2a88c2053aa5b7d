import SnapAPI
import SnapClient
import SnapdHTTP
import Testing

@Suite("Response envelopes over a real unix socket")
struct EnvelopeTests {
    @Test("a sync reply is HTTP 200 with type, status-code, status and result")
    func syncEnvelope() async throws {
        let running = try RunningServer.start()
        let response = try await send(running.mainSocket, "GET", "/v2/system-info")
        await running.stop()

        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json")
        let object = try jsonObject(response.body)
        #expect(object["type"] as? String == "sync")
        #expect(object["status-code"] as? Int == 200)
        #expect(object["status"] as? String == "OK")
        #expect((object["result"] as? [String: Any])?["version"] as? String == "0.1-test")
        #expect(object["change"] == nil)
        #expect(object["warning-count"] == nil)
        #expect(object["maintenance"] == nil)

        let reply = try response.decodeSync([String: String].self)
        #expect(reply.result["series"] == "16")
    }

    @Test("an async reply is HTTP 202 with the change id, after the service ran")
    func asyncEnvelope() async throws {
        let running = try RunningServer.start()
        let response = try await send(
            running.mainSocket,
            "POST",
            "/v2/snaps/hello",
            body: Array(#"{"action":"install"}"#.utf8)
        )
        let actions = await running.service.actions
        await running.stop()

        #expect(response.status == 202)
        let object = try jsonObject(response.body)
        #expect(object["type"] as? String == "async")
        #expect(object["status"] as? String == "Accepted")
        #expect(object["change"] as? String == "42")
        #expect(try response.decodeAsync().change == "42")
        #expect(actions == ["install hello"])
    }

    @Test("an error reply carries message, kind and value, and decodes to ClientError.api")
    func errorEnvelope() async throws {
        let running = try RunningServer.start()
        let response = try await send(running.mainSocket, "GET", "/v2/snaps/missing")
        await running.stop()

        #expect(response.status == 404)
        let object = try jsonObject(response.body)
        #expect(object["type"] as? String == "error")
        #expect(object["status-code"] as? Int == 404)
        let result = try #require(object["result"] as? [String: Any])
        #expect(result["message"] as? String == "snap not installed")
        #expect(result["kind"] as? String == "snap-not-found")
        #expect(result["value"] as? String == "missing")

        #expect(
            throws: ClientError.api(
                status: 404,
                error: APIError(
                    message: "snap not installed",
                    kind: "snap-not-found",
                    value: .string("missing")
                )
            )
        ) {
            try response.decodeSync([String: String].self)
        }
    }

    @Test("maintenance goes on every reply, warnings only on successful ones")
    func maintenanceAndWarnings() async throws {
        let restart = APIError(
            message: "system is restarting",
            kind: "system-restart",
            value: .object(["op": .string("reboot")])
        )
        let running = try RunningServer.start(notes: {
            DaemonNotes(maintenance: restart, warningCount: 2, warningTimestamp: "2026-12-03T16:03:23Z")
        })
        let success = try await send(running.mainSocket, "GET", "/v2/system-info")
        let failure = try await send(running.mainSocket, "GET", "/v2/snaps/missing")
        await running.stop()

        let reply = try success.decodeSync([String: String].self)
        #expect(reply.notes.maintenance == restart)
        #expect(reply.notes.warningCount == 2)
        #expect(reply.notes.warningTimestamp == "2026-12-03T16:03:23Z")

        let errorObject = try jsonObject(failure.body)
        #expect(errorObject["maintenance"] != nil)
        #expect(errorObject["warning-count"] == nil)
        #expect(errorObject["warning-timestamp"] == nil)
    }
}
