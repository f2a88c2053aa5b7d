import SnapAPI

/// What a route handler returns: a status, extra header fields, and either a response
/// envelope or raw bytes (assertion streams, downloads, icons).
///
/// Build envelopes with ``sync(_:sources:suggestedCurrency:)``, ``async(change:result:)``
/// and ``error(_:)``; the server adds the `maintenance` and warning fields that apply at
/// the moment it sends the reply.
public struct Response: Sendable {
    /// The HTTP status.
    public var status: Int
    /// Header fields besides `Content-Type` and `Content-Length`.
    public var headers: HTTPHeaders
    /// The body.
    public var content: Content

    /// A response body.
    public enum Content: Sendable {
        /// A JSON envelope.
        case envelope(Envelope)
        /// Bytes sent as they are, with their media type.
        case raw(bytes: [UInt8], contentType: String)
    }

    /// Creates a response.
    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), content: Content) {
        self.status = status
        self.headers = headers
        self.content = content
    }

    /// A sync envelope (HTTP 200) whose `result` is `result` encoded as JSON.
    ///
    /// A result that cannot be encoded yields a 500 error envelope instead, since that
    /// is a bug in the daemon, not in the request.
    public static func sync(
        _ result: some Encodable,
        sources: [String]? = nil,
        suggestedCurrency: String? = nil
    ) -> Response {
        do {
            var envelope = Envelope(type: .sync, result: try Envelope.encode(result))
            envelope.sources = sources
            envelope.suggestedCurrency = suggestedCurrency
            return Response(status: 200, content: .envelope(envelope))
        } catch {
            return .error(.internalError("cannot encode result: \(error)"))
        }
    }

    /// An async envelope (HTTP 202) naming the change that carries out the operation.
    public static func async(change: String, result: JSONValue = .null) -> Response {
        let encoded = (try? Envelope.encode(result)) ?? Array("null".utf8)
        var envelope = Envelope(type: .async, result: encoded)
        envelope.change = change
        return Response(status: 202, content: .envelope(envelope))
    }

    /// An error envelope with the error's status.
    public static func error(_ error: HTTPError) -> Response {
        let encoded = (try? Envelope.encode(error.body)) ?? Array("{\"message\":\"\"}".utf8)
        return Response(status: error.status, content: .envelope(Envelope(type: .error, result: encoded)))
    }

    /// Bytes sent as they are.
    public static func raw(status: Int = 200, contentType: String, body: [UInt8]) -> Response {
        Response(status: status, content: .raw(bytes: body, contentType: contentType))
    }
}

/// The JSON object every API reply is, before the server adds the fields that describe
/// the daemon rather than the request (`maintenance`, `warning-count`, `warning-timestamp`).
public struct Envelope: Sendable {
    /// `sync`, `async` or `error`.
    public var type: ResponseType
    /// The `result` member, already encoded as JSON text.
    public var result: [UInt8]
    /// The change id of an async reply.
    public var change: String?
    /// `sources`, such as `["local"]` or `["store"]`.
    public var sources: [String]?
    /// `suggested-currency` on store searches.
    public var suggestedCurrency: String?

    /// Creates an envelope around an encoded result.
    public init(type: ResponseType, result: [UInt8]) {
        self.type = type
        self.result = result
    }

    /// Encodes `value` as compact JSON (see ``JSONTextEncoder``).
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        try JSONTextEncoder().encode(value)
    }

    /// The complete JSON text for an HTTP `status`, with the daemon-wide `notes` applied.
    func serialized(status: Int, notes: DaemonNotes) -> [UInt8] {
        var out = Array("{\"type\":".utf8)
        append(string: type.rawValue, to: &out)
        out += Array(",\"status-code\":\(status),\"status\":".utf8)
        append(string: HTTPStatus.reasonPhrase(for: status), to: &out)
        out += Array(",\"result\":".utf8)
        out += result.isEmpty ? Array("null".utf8) : result

        if let change {
            out += Array(",\"change\":".utf8)
            append(string: change, to: &out)
        }
        if let sources, let encoded = try? Envelope.encode(sources) {
            out += Array(",\"sources\":".utf8) + encoded
        }
        if let suggestedCurrency {
            out += Array(",\"suggested-currency\":".utf8)
            append(string: suggestedCurrency, to: &out)
        }

        // Warnings accompany successful replies only; maintenance accompanies every reply.
        if type != .error, notes.warningCount > 0, let timestamp = notes.warningTimestamp {
            out += Array(",\"warning-count\":\(notes.warningCount),\"warning-timestamp\":".utf8)
            append(string: timestamp, to: &out)
        }
        if let maintenance = notes.maintenance, let encoded = try? Envelope.encode(maintenance) {
            out += Array(",\"maintenance\":".utf8) + encoded
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    private func append(string: String, to out: inout [UInt8]) {
        out += (try? Envelope.encode(string)) ?? Array("\"\"".utf8)
    }
}
