import Foundation
import SnapAPI
import SnapClient
import SnapdHTTP
import Synchronization

/// A directory under /tmp removed with everything in it when the value goes away.
final class ScratchDirectory: Sendable {
    let path: String

    init() throws {
        var template = Array("/tmp/snapd-http-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw HTTPServerError("mkdtemp failed: \(String(cString: strerror(errno)))")
        }
        path = String(cString: created)
        // Unprivileged probes must reach the sockets inside.
        chmod(path, 0o755)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// What the fake service saw, so tests can tell whether a handler ran.
actor FakeSnapService {
    private(set) var actions: [String] = []
    private var arrivals = 0
    private var barrierWaiters: [CheckedContinuation<Int, Never>] = []

    func perform(action: String, on snap: String) -> String {
        actions.append("\(action) \(snap)")
        return "42"
    }

    private var arrivalWatchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

    /// Returns once `count` callers have arrived at the barrier.
    func waitForArrivals(_ count: Int) async {
        if arrivals >= count { return }
        await withCheckedContinuation { arrivalWatchers.append((count, $0)) }
    }

    /// Returns once `count` callers have arrived, with how many were waiting together.
    func meet(count: Int) async -> Int {
        arrivals += 1
        let ready = arrivalWatchers.filter { $0.count <= arrivals }
        arrivalWatchers.removeAll { $0.count <= arrivals }
        for watcher in ready { watcher.continuation.resume() }
        if arrivals >= count {
            let waiters = barrierWaiters
            barrierWaiters.removeAll()
            for waiter in waiters { waiter.resume(returning: arrivals) }
            return arrivals
        }
        return await withCheckedContinuation { barrierWaiters.append($0) }
    }
}

/// The JSON body of `POST /v2/snaps/{name}`.
struct SnapAction: Codable, Sendable {
    var action: String
    var revision: Int?
}

/// Routes over the fake service: they decode, call the service, and encode.
func testRoutes(service: FakeSnapService, bodyLimit: Int = 1024) -> Router {
    Router([
        Route(.get, "/v2/system-info", access: .open) { _ in
            .sync(["series": "16", "version": "0.1-test"])
        },
        Route(.get, "/v2/snaps/{name}", access: .open) { request in
            let name = try request.pathParameter("name")
            guard name == "hello" else {
                throw HTTPError(
                    status: 404,
                    message: "snap not installed",
                    kind: "snap-not-found",
                    value: .string(name)
                )
            }
            return .sync(["name": name], sources: ["local"])
        },
        Route(.post, "/v2/snaps/{name}", access: .authenticated(polkitAction: "io.snapcraft.snapd.manage")) {
            request in
            let action = try request.decodeJSON(SnapAction.self)
            let change = await service.perform(action: action.action, on: try request.pathParameter("name"))
            return .async(change: change)
        },
        Route(.post, "/v2/echo", access: .open, maximumBodySize: bodyLimit) { request in
            .sync(["length": String(request.body.count), "body": String(decoding: request.body, as: UTF8.self)])
        },
        Route(.get, "/v2/whoami", access: .open) { request in
            .sync(["uid": Int(request.peer.uid), "gid": Int(request.peer.gid), "pid": Int(request.peer.pid)])
        },
        Route(.get, "/v2/users", access: .root) { _ in .sync([String]()) },
        Route(.post, "/v2/snapctl", access: .snap) { _ in .sync(["stdout": "bar\n", "stderr": ""]) },
        Route(.get, "/v2/accessories/themes", access: AccessPolicy([.main: .open, .snap: .snap])) { request in
            .sync(["socket": request.socket.rawValue])
        },
        Route(.get, "/v2/barrier", access: .open) { request in
            let count = Int(request.query["count"] ?? "") ?? 1
            return .sync(["together": await service.meet(count: count)])
        },
    ])
}

/// Accepts one fixed macaroon, as a user database would accept a logged-in user's.
struct FixedAuthenticator: RequestAuthenticator {
    static let knownHeader = #"Macaroon root="known-user""#

    func isKnownUser(authorization: String) async -> Bool {
        authorization == Self.knownHeader
    }
}

/// A server on both sockets of a scratch directory, stopped by ``stop()``.
struct RunningServer {
    let directory: ScratchDirectory
    let server: HTTPServer
    let service: FakeSnapService

    var mainSocket: String { directory.path + "/snapd.socket" }
    var snapSocket: String { directory.path + "/snapd-snap.socket" }

    static func start(
        notes: @escaping @Sendable () -> DaemonNotes = { DaemonNotes() },
        bodyLimit: Int = 1024,
        configure: (inout HTTPServer.Configuration) -> Void = { _ in }
    ) throws -> RunningServer {
        let directory = try ScratchDirectory()
        let service = FakeSnapService()
        var configuration = HTTPServer.Configuration()
        configuration.maximumBodySize = bodyLimit
        configure(&configuration)
        let server = HTTPServer(
            router: testRoutes(service: service, bodyLimit: bodyLimit),
            configuration: configuration,
            authenticator: FixedAuthenticator(),
            notes: notes
        )
        let running = RunningServer(directory: directory, server: server, service: service)
        try server.listen(onSocketAt: running.mainSocket, kind: .main)
        try server.listen(onSocketAt: running.snapSocket, kind: .snap)
        return running
    }

    func stop() async {
        await server.stop()
    }
}

/// Decodes a JSON object body for checks on individual members.
func jsonObject(_ bytes: [UInt8]) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(bytes))
    guard let object = value as? [String: Any] else {
        throw HTTPServerError("reply is not a JSON object: \(String(decoding: bytes, as: UTF8.self))")
    }
    return object
}

/// Runs blocking client code on a thread of its own, so that it never holds one of the
/// few cooperative threads the server's handlers need.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.start()
    }
}

/// Sends one request with a fresh client, off the cooperative pool.
func send(_ socket: String, _ method: String, _ path: String, body: [UInt8]? = nil) async throws -> ClientResponse {
    try await offPool {
        let client = HTTPClient(socketPath: socket, timeout: 30)
        return try client.send(ClientRequest(method: method, path: path, body: body.map { .bytes($0) } ?? .none))
    }
}
