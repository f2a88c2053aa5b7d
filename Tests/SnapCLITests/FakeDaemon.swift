import Foundation
import SnapAPI
import SnapdHTTP
import Synchronization

/// One reply of the fake daemon: an HTTP status and the JSON body text.
struct Reply: Sendable {
    var status: Int
    var body: String
}

/// What the fake daemon answers to requests whose method and target match: `target` is
/// the path with its decoded query (`/v2/snaps?snaps=a,b`), or a prefix ending in `*`.
/// Replies are given in turn; the last one repeats.
/// A rule with `after` applies only once a request matching that method and target
/// has arrived.
struct Rule: Sendable {
    var method: String
    var target: String
    var replies: [Reply]
    var after: (method: String, target: String)?

    init(_ method: String, _ target: String, _ replies: Reply..., after: (method: String, target: String)? = nil) {
        self.method = method
        self.target = target
        self.replies = replies
        self.after = after
    }

    func matches(method: String, target: String) -> Bool {
        guard method == self.method else { return false }
        if self.target.hasSuffix("*") {
            return target.hasPrefix(self.target.dropLast())
        }
        return target == self.target
    }
}

/// A request as the fake daemon saw it, with the random multipart boundary replaced by
/// `BOUNDARY` so that two clients' uploads compare equal.
struct RecordedRequest: Sendable, Equatable, CustomStringConvertible {
    var method: String
    var target: String
    var contentType: String?
    var chunked: Bool
    var body: String

    var description: String {
        "\(method) \(target) [\(contentType ?? "-")\(chunked ? ", chunked" : "")] \(body)"
    }
}

/// A scripted snapd: serves the rules on `ROOT/run/snapd.socket` through our daemon's
/// HTTP layer and records every request. Unmatched requests get a 404 error envelope.
final class FakeDaemon: Sendable {
    private let server: HTTPServer
    private let script: Script

    /// The rules and what has been served, shared with the request handlers.
    private final class Script: Sendable {
        let state: Mutex<State>

        init(rules: [Rule]) {
            state = Mutex(State(rules: rules))
        }
    }

    private struct State {
        var rules: [Rule]
        var served: [Int: Int] = [:]
        var requests: [RecordedRequest] = []
    }

    /// Starts serving `rules` under `root`.
    init(root: String, rules: [Rule]) throws {
        let script = Script(rules: rules)
        self.script = script
        let handler: Route.Handler = { request in FakeDaemon.handle(request, script: script) }
        let patterns = [
            "/v2/snaps", "/v2/snaps/{name}", "/v2/changes", "/v2/changes/{id}", "/v2/find", "/v2/system-info",
        ]
        var routes: [Route] = []
        for pattern in patterns {
            routes.append(Route(.get, PathPattern(pattern), access: .open, handler: handler))
            routes.append(Route(.post, PathPattern(pattern), access: .open, handler: handler))
        }
        try FileManager.default.createDirectory(atPath: root + "/run", withIntermediateDirectories: true)
        server = HTTPServer(router: Router(routes))
        try server.listen(onSocketAt: root + "/run/snapd.socket", kind: .main)
    }

    /// Every request so far, in order.
    var requests: [RecordedRequest] { script.state.withLock { $0.requests } }

    /// Stops serving and removes the socket.
    func stop() async {
        await server.stop()
    }

    private static func handle(_ request: Request, script: Script) -> Response {
        let target = targetText(request)
        let recorded = record(request, target: target)
        let reply = script.state.withLock { state -> Reply? in
            state.requests.append(recorded)
            let seen = state.requests
            guard
                let index = state.rules.firstIndex(where: { rule in
                    guard rule.matches(method: recorded.method, target: target) else { return false }
                    guard let after = rule.after else { return true }
                    return seen.dropLast().contains { $0.method == after.method && $0.target == after.target }
                })
            else { return nil }
            let count = state.served[index, default: 0]
            state.served[index] = count + 1
            let replies = state.rules[index].replies
            return replies[min(count, replies.count - 1)]
        }
        let chosen = reply ?? Replies.error(404, "not found")
        return .raw(status: chosen.status, contentType: "application/json", body: Array(chosen.body.utf8))
    }

    private static func targetText(_ request: Request) -> String {
        let query = request.query.items.map { item in item.value.map { "\(item.name)=\($0)" } ?? item.name }
        return query.isEmpty ? request.path : request.path + "?" + query.joined(separator: "&")
    }

    private static func record(_ request: Request, target: String) -> RecordedRequest {
        let contentType = request.headers["content-type"]
        var body = String(decoding: request.body, as: UTF8.self)
        var normalizedType = contentType
        if let contentType, let range = contentType.range(of: "boundary=") {
            let boundary = String(contentType[range.upperBound...])
            body = body.replacingOccurrences(of: boundary, with: "BOUNDARY")
            normalizedType = contentType.replacingOccurrences(of: boundary, with: "BOUNDARY")
        }
        return RecordedRequest(
            method: request.method.rawValue,
            target: target,
            contentType: normalizedType,
            chunked: request.headers["transfer-encoding"]?.lowercased() == "chunked",
            body: body
        )
    }
}
