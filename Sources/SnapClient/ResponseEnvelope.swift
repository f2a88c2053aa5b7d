import FoundationEssentials
import SnapAPI

/// A decoded sync reply.
public struct SyncReply<Result: Decodable & Sendable>: Sendable {
    /// The decoded `result`.
    public var result: Result
    /// `sources`, when sent.
    public var sources: [String]?
    /// `suggested-currency`, when sent.
    public var suggestedCurrency: String?
    /// Maintenance and warnings.
    public var notes: DaemonNotes
}

/// A decoded async reply: the change that carries out the operation.
public struct AsyncReply: Sendable, Hashable {
    /// The change id, never empty.
    public var change: String
    /// The `result`, usually null (`{"set-id": N}` for snapshots).
    public var result: JSONValue
    /// Maintenance and warnings.
    public var notes: DaemonNotes
}

/// The wire envelope; `result` is decoded as an ``APIError`` for error replies and as
/// `Result` otherwise.
struct WireEnvelope<Result: Decodable>: Decodable {
    var type: ResponseType
    var result: Result?
    var error: APIError?
    var change: String?
    var sources: [String]?
    var suggestedCurrency: String?
    var notes: DaemonNotes

    private enum CodingKeys: String, CodingKey {
        case type, result, change, sources, maintenance
        case suggestedCurrency = "suggested-currency"
        case warningCount = "warning-count"
        case warningTimestamp = "warning-timestamp"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(ResponseType.self, forKey: .type)
        if type == .error {
            error = try? container.decodeIfPresent(APIError.self, forKey: .result)
        } else {
            result = try container.decodeIfPresent(Result.self, forKey: .result)
        }
        change = try container.decodeIfPresent(String.self, forKey: .change)
        sources = try container.decodeIfPresent([String].self, forKey: .sources)
        suggestedCurrency = try container.decodeIfPresent(String.self, forKey: .suggestedCurrency)
        notes = DaemonNotes(
            maintenance: try container.decodeIfPresent(APIError.self, forKey: .maintenance),
            warningCount: try container.decodeIfPresent(Int.self, forKey: .warningCount) ?? 0,
            warningTimestamp: try container.decodeIfPresent(String.self, forKey: .warningTimestamp)
        )
    }
}

extension ClientResponse {
    /// Decodes a sync envelope whose `result` is a `Result`.
    ///
    /// - Throws: ``ClientError/api(status:error:)`` for an error envelope (a missing
    ///   message becomes `server error: "<reason>"`, as in the real client), or
    ///   ``ClientError/protocolError(_:)`` when the body is not the expected envelope.
    public func decodeSync<Result: Decodable & Sendable>(_ type: Result.Type) throws(ClientError) -> SyncReply<Result> {
        let envelope = try decodeEnvelope(type)
        guard envelope.type == .sync else {
            throw .protocolError("expected sync response, got \"\(envelope.type.rawValue)\"")
        }
        guard let result = envelope.result else {
            if let null = JSONValue.null as? Result {
                return SyncReply(result: null, sources: envelope.sources, notes: envelope.notes)
            }
            throw .protocolError("sync response without a result")
        }
        return SyncReply(
            result: result,
            sources: envelope.sources,
            suggestedCurrency: envelope.suggestedCurrency,
            notes: envelope.notes
        )
    }

    /// Decodes an async envelope, which must come with HTTP 202 and a change id.
    ///
    /// - Throws: as ``decodeSync(_:)``; `operation not accepted` for another status, and
    ///   `async response without change reference` without a change id.
    public func decodeAsync() throws(ClientError) -> AsyncReply {
        let envelope = try decodeEnvelope(JSONValue.self)
        guard status == 202, envelope.type == .async else {
            throw .protocolError("operation not accepted")
        }
        guard let change = envelope.change, !change.isEmpty else {
            throw .protocolError("async response without change reference")
        }
        return AsyncReply(change: change, result: envelope.result ?? .null, notes: envelope.notes)
    }

    /// Decodes any envelope, turning an error envelope into ``ClientError/api(status:error:)``.
    func decodeEnvelope<Result: Decodable>(_ type: Result.Type) throws(ClientError) -> WireEnvelope<Result> {
        let envelope: WireEnvelope<Result>
        do {
            envelope = try JSONDecoder().decode(WireEnvelope<Result>.self, from: Data(body))
        } catch {
            throw .protocolError("cannot decode reply (HTTP \(status)): \(error)")
        }
        guard envelope.type != .error else {
            var error = envelope.error ?? APIError(message: "")
            if error.message.isEmpty {
                error.message = "server error: \"\(HTTPReason.phrase(for: status))\""
            }
            throw .api(status: status, error: error)
        }
        return envelope
    }
}

extension HTTPClient {
    /// Sends `request` and decodes a sync reply whose `result` is a `Result`.
    public func sync<Result: Decodable & Sendable>(
        _ type: Result.Type,
        _ request: ClientRequest
    ) throws(ClientError) -> SyncReply<Result> {
        try send(request).decodeSync(type)
    }

    /// Sends `request` and decodes an async reply.
    public func async(_ request: ClientRequest) throws(ClientError) -> AsyncReply {
        try send(request).decodeAsync()
    }
}

/// Reason phrases for the fallback error message.
enum HTTPReason {
    static func phrase(for status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 413: "Request Entity Too Large"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "HTTP \(status)"
        }
    }
}
