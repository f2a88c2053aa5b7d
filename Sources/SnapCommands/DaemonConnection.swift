import SnapAPI
import SnapClient
import SnapPaths

#if canImport(Glibc)
import Glibc
#endif

/// The client's side of one command's conversation with the daemon: requests as the
/// real client sends them, replies decoded, and the warnings the daemon reports.
///
/// Not thread-safe: a command uses it from one thread.
final class DaemonConnection {
    private let client: HTTPClient
    private let allowsInteraction: Bool
    /// The warning count and time from the latest successful reply.
    private(set) var warningCount = 0
    private(set) var warningTimestamp: String?

    /// A connection to the socket under `paths`.
    init(paths: SnapPaths, console: Console) {
        client = HTTPClient(socketPath: paths.snapdSocket, userAgent: "snapd-swift snap")
        client.retriesReadsUntilDeadline = true
        allowsInteraction = console.inputIsTerminal
    }

    /// `GET path?query` and the sync `result`, within `timeout` seconds (120 unless told).
    func get(
        _ path: String,
        query: [(String, String)] = [],
        timeout: Double = 120
    ) throws(ClientError) -> SyncReply<JSONValue> {
        client.timeout = timeout
        defer { client.timeout = 120 }
        let reply = try client.sync(JSONValue.self, request("GET", path, query: query))
        note(reply.notes)
        return reply
    }

    /// `POST path` with a JSON body, and the async reply.
    func postAsync(_ path: String, json body: GoJSON) throws(ClientError) -> AsyncReply {
        let headers = [("Content-Type", "application/json")]
        let reply = try client.async(request("POST", path, headers: headers, body: .bytes(Array(body.text.utf8))))
        note(reply.notes)
        return reply
    }

    /// `POST path` with a multipart form sent chunked, and the async reply.
    func postAsync(_ path: String, form: MultipartFormData) throws(ClientError) -> AsyncReply {
        let headers = [("Content-Type", form.contentType)]
        let reply = try client.async(request("POST", path, headers: headers, body: form.chunkedBody()))
        note(reply.notes)
        return reply
    }

    /// `POST path` with raw body text and no content type, and the sync `result`.
    func postSync(_ path: String, text: String) throws(ClientError) -> SyncReply<JSONValue> {
        let reply = try client.sync(JSONValue.self, request("POST", path, body: .bytes(Array(text.utf8))))
        note(reply.notes)
        return reply
    }

    /// The request with the query sorted by key, as Go's `url.Values` encodes it.
    private func request(
        _ method: String,
        _ path: String,
        query: [(String, String)] = [],
        headers: [(String, String)] = [],
        body: ClientRequest.Body = .none
    ) -> ClientRequest {
        var fields = headers.map { (name: $0.0, value: $0.1) }
        if allowsInteraction {
            fields.append((name: "X-Allow-Interaction", value: "true"))
        }
        let sorted = query.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }
        return ClientRequest(
            method: method,
            path: path,
            query: sorted.map { (name: $0.element.0, value: $0.element.1) },
            headers: fields,
            body: body
        )
    }

    private func note(_ notes: DaemonNotes) {
        warningCount = notes.warningCount
        warningTimestamp = notes.warningTimestamp
    }
}
