import Foundation
import SQLite
import SnapAPI
import SnapClient
import SnapManager
import StateEngine
import Testing

/// The REST API answers what the client reads, and bad requests get clear errors that
/// change nothing.
@Suite(
    "The daemon's REST API",
    .serialized,
    .enabled(if: isRoot, "mounting snaps needs root")
)
struct APITests {
    /// Sends one request on a thread of its own and returns the status and decoded JSON.
    private func send(
        _ system: TestSystem,
        _ method: String,
        _ path: String,
        query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil
    ) async throws -> (status: Int, json: JSONValue) {
        let socket = system.paths.snapdSocket
        let request = UncheckedRequest(
            ClientRequest(
                method: method,
                path: path,
                query: query,
                headers: headers,
                body: body.map { .bytes($0) } ?? .none
            )
        )
        let reply = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result {
                        let response = try HTTPClient(socketPath: socket).send(request.request)
                        return (response.status, response.body)
                    }
                )
            }
        }
        return (reply.0, try JSONValue(parsing: String(decoding: reply.1, as: UTF8.self)))
    }

    private func installed(_ system: TestSystem) async throws -> String {
        try await system.installCoreAndHello()
    }

    @Test(
        "snaps, one snap and apps read the installed-snaps projection",
        .enabled(if: referenceSnapPresent, "installs with the reference client")
    )
    func readEndpoints() async throws {
        let system = try TestSystem()
        try await system.start()
        _ = try await installed(system)

        let list = try await send(system, "GET", "/v2/snaps")
        #expect(list.status == 200)
        #expect(list.json["sources"] == ["local"])
        let snaps = try #require(list.json["result"]?.arrayValue)
        #expect(snaps.compactMap { $0["name"]?.stringValue } == ["core", "hello"])
        let hello = try #require(snaps.last)
        #expect(hello["revision"] == "x1")
        #expect(hello["status"] == "active")
        #expect(hello["type"] == "app")
        #expect(hello["version"] == "1.0")
        #expect(hello["confinement"] == "strict")
        #expect(hello["publisher"] == nil)
        #expect(hello["mounted-from"]?.stringValue == system.root + "/var/lib/snapd/snaps/hello_x1.snap")
        #expect(hello["apps"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["hello", "other"])

        let one = try await send(system, "GET", "/v2/snaps/hello")
        #expect(one.json["result"] == hello)
        let missing = try await send(system, "GET", "/v2/snaps/nothere")
        #expect(missing.status == 404)
        #expect(missing.json["result"]?["kind"] == "snap-not-found")

        let filtered = try await send(system, "GET", "/v2/snaps", query: [("snaps", "hello,nothere")])
        #expect(filtered.json["result"]?.arrayValue?.count == 1)

        let apps = try await send(system, "GET", "/v2/apps", query: [("names", "hello.other")])
        #expect(apps.json["result"] == [["snap": "hello", "name": "other"]])
        let services = try await send(system, "GET", "/v2/apps", query: [("select", "service")])
        #expect(services.json["result"] == [])
        let noSnap = try await send(system, "GET", "/v2/apps", query: [("names", "nothere")])
        #expect(noSnap.status == 404 && noSnap.json["result"]?["kind"] == "snap-not-found")

        let info = try await send(system, "GET", "/v2/system-info")
        #expect(info.json["result"]?["series"] == "16")
        #expect(info.json["result"]?["refresh"]?["timer"] != nil)
        await system.stop()
    }

    @Test(
        "malformed, mistyped, oversized and unknown requests are refused and change nothing",
        .enabled(if: referenceSnapPresent, "installs with the reference client")
    )
    func badRequests() async throws {
        let system = try TestSystem()
        try await system.start()
        _ = try await installed(system)
        let disk = system.diskState()
        let snaps = try await system.installed()
        let changes = try await system.lastChange()?.id

        let json = [("Content-Type", "application/json")]
        let cases: [(String, String, [(name: String, value: String)], [UInt8]?, Int, String)] = [
            ("POST", "/v2/snaps/hello", [], Array("{not json".utf8), 400, "body is not valid JSON"),
            ("POST", "/v2/snaps/hello", [], Array(#"{"action": 7}"#.utf8), 400, "field \"action\" must be a string"),
            ("POST", "/v2/snaps/hello", [], Array("[]".utf8), 400, "the body must be a JSON object"),
            ("POST", "/v2/snaps/hello", [], Array(#"{"revision": "x1"}"#.utf8), 400, "missing field \"action\""),
            ("POST", "/v2/snaps/hello", [], Array(#"{"action": "explode"}"#.utf8), 400, "unknown action explode"),
            (
                "POST", "/v2/snaps/hello", [], Array(#"{"action": "remove", "revision": "banana"}"#.utf8), 400,
                "invalid snap revision"
            ),
            ("POST", "/v2/snaps/nothere", [], Array(#"{"action": "remove"}"#.utf8), 400, "is not installed"),
            // An escaped NUL is not decoded, so it cannot cut the name short at "hello".
            ("POST", "/v2/snaps/hello%00junk", [], Array(#"{"action": "disable"}"#.utf8), 400, "is not installed"),
            ("GET", "/v2/snaps/hello%00", [], nil, 404, "is not installed"),
            (
                "POST", "/v2/snaps", json, Array(#"{"action": "remove", "snaps": "hello"}"#.utf8), 400,
                "field \"snaps\" must be a JSON array"
            ),
            (
                "POST", "/v2/snaps", json, Array(#"{"action": "remove", "snaps": ["hello"], "revision": "x1"}"#.utf8),
                400, "unsupported option"
            ),
            ("POST", "/v2/snaps", [("Content-Type", "text/plain")], Array("x".utf8), 400, "unknown content type"),
            (
                "POST", "/v2/snaps", [("Content-Type", "multipart/form-data; boundary=b")], Array("--b\r\n".utf8), 400,
                "truncated"
            ),
            ("POST", "/v2/snaps/hello", [], [UInt8](repeating: 32, count: 5 << 20), 413, "exceeds the limit"),
            ("POST", "/v2/changes/1", [], Array(#"{"action": "abort"}"#.utf8), 400, "nothing pending"),
            ("POST", "/v2/changes/999", [], Array(#"{"action": "abort"}"#.utf8), 404, "cannot find change"),
            ("GET", "/v2/changes/banana", [], nil, 404, "cannot find change"),
            ("GET", "/v2/nothing", [], nil, 404, "not found"),
            ("GET", "/v2/snaps?select=bogus", [], nil, 400, "invalid select parameter"),
            ("GET", "/v2/snaps/nothere/conf", [], nil, 404, "is not installed"),
            ("DELETE", "/v2/snaps", [], nil, 405, "method \"DELETE\" not allowed"),
        ]
        for (method, path, headers, body, status, message) in cases {
            let reply = try await send(system, method, path, headers: headers, body: body)
            #expect(reply.status == status, "\(method) \(path): \(reply.json)")
            #expect(reply.json["type"] == "error", "\(method) \(path)")
            let text = reply.json["result"]?["message"]?.stringValue ?? ""
            #expect(text.contains(message), "\(method) \(path): \(text)")
        }

        #expect(system.diskState() == disk)
        #expect(try await system.installed() == snaps)
        #expect(try await system.lastChange()?.id == changes)
        await system.stop()
    }

    @Test(
        "the tables the snaps manager keeps equal a rebuild from the event log",
        .enabled(if: referenceSnapPresent, "installs with the reference client")
    )
    func projectionsRebuild() async throws {
        let system = try TestSystem()
        try await system.start()
        let snaps = try await installed(system)
        for arguments in [
            ["install", "--dangerous", "./hello_1.0_all.snap"], ["disable", "hello"], ["enable", "hello"],
            ["revert", "hello"], ["remove", "--revision=x2", "hello"],
            ["install", "--dangerous", "./hello_1.0_all.snap"],
            ["install", "--dangerous", "./hello_1.0_all.snap"], ["disable", "hello"],
        ] {
            #expect(try await system.run(referenceSnap, arguments, in: snaps).status == 0, "\(arguments)")
        }
        await system.stop()

        let database = try StateDatabase.open(path: system.paths.stateDatabase)
        let tables = ["snaps", "snap_revisions"]
        let before = try tables.map { try Replayer.dump($0, in: database).rows.map(\.description) }
        #expect(before[0].count == 2 && before[1].count == 3, "\(before)")
        try Replayer(database: database, projections: [SnapsProjection()]).rebuild()
        let after = try tables.map { try Replayer.dump($0, in: database).rows.map(\.description) }
        #expect(before == after)
    }
}

/// A request handed to another thread; it is used by one thread at a time.
struct UncheckedRequest: @unchecked Sendable {
    let request: ClientRequest
    init(_ request: ClientRequest) { self.request = request }
}
