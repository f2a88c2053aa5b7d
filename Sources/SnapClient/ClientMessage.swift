/// A request for ``HTTPClient``.
public struct ClientRequest {
    /// The method, such as `GET`.
    public var method: String
    /// The absolute path, such as `/v2/snaps`.
    public var path: String
    /// Query pairs, percent-encoded and joined in this order.
    public var query: [(name: String, value: String)]
    /// Extra header fields (`Content-Type`, `X-Allow-Interaction`...).
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: Body

    /// A request body.
    public enum Body {
        /// No body.
        case none
        /// A body sent with `Content-Length`.
        case bytes([UInt8])
        /// A body sent with `Transfer-Encoding: chunked`; the closure returns the next
        /// piece, or nil at the end. Such a body is sent once and never retried.
        case chunked(() throws(ClientError) -> [UInt8]?)
    }

    /// Creates a request.
    public init(
        method: String,
        path: String,
        query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [],
        body: Body = .none
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The request target: the path and the percent-encoded query.
    var target: String {
        guard !query.isEmpty else { return path }
        let pairs = query.map { "\(Self.escape($0.name))=\(Self.escape($0.value))" }
        return path + "?" + pairs.joined(separator: "&")
    }

    /// Percent-encodes everything but unreserved characters, and spaces as `+`, as Go's
    /// `url.QueryEscape` does (so `a,b` travels as `a%2Cb`).
    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                out += "+"
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%"
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0xF)]))
            }
        }
        return out
    }
}

/// A reply received by ``HTTPClient``.
public struct ClientResponse: Sendable {
    /// The HTTP status.
    public var status: Int
    /// The header fields, in order.
    public var headers: [(name: String, value: String)]
    /// The body, de-chunked.
    public var body: [UInt8]

    /// Creates a reply.
    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of the header field `name` (case-insensitive), or nil.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }
}
