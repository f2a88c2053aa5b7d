import SnapAPI

/// One HTTP request as a route handler sees it: fully received, with the caller's
/// identity and the socket it came in on.
public struct Request: Sendable {
    /// The request method.
    public var method: HTTPMethod
    /// The decoded path, without the query string (`/v2/snaps/hello`).
    public var path: String
    /// The decoded query string.
    public var query: QueryItems
    /// The request header fields.
    public var headers: HTTPHeaders
    /// The body, de-chunked; empty when it was streamed into ``form``.
    public var body: [UInt8]
    /// The `multipart/form-data` body, parsed while it arrived, when the route has an
    /// ``UploadPolicy``; nil otherwise. Its files are deleted when the handler returns,
    /// except those it claims (``MultipartForm/claim(_:)``).
    public var form: MultipartForm?
    /// The caller, from `SO_PEERCRED`.
    public var peer: PeerCredentials
    /// The socket the request came in on.
    public var socket: SocketKind
    /// Values captured by the route's `{name}` segments.
    public var pathParameters: [String: String]

    /// Creates a request (the server builds them; tests may too).
    public init(
        method: HTTPMethod,
        path: String,
        query: QueryItems = QueryItems(),
        headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [],
        form: MultipartForm? = nil,
        peer: PeerCredentials,
        socket: SocketKind,
        pathParameters: [String: String] = [:]
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.form = form
        self.peer = peer
        self.socket = socket
        self.pathParameters = pathParameters
    }

    /// The value captured by the `{name}` segment called `name`.
    ///
    /// - Throws: ``HTTPError`` 500 when the route has no such segment, a programming error
    ///   the client should see as a bug report rather than a crash.
    public func pathParameter(_ name: String) throws(HTTPError) -> String {
        guard let value = pathParameters[name] else {
            throw HTTPError.internalError("route for \(path) has no path parameter \"\(name)\"")
        }
        return value
    }

    /// Decodes the JSON body as `type`.
    ///
    /// - Throws: ``HTTPError`` 400 naming the field and the cause when the body is not
    ///   JSON, lacks a field, or has a field of the wrong type.
    public func decodeJSON<Value: Decodable>(_ type: Value.Type) throws(HTTPError) -> Value {
        do {
            return try JSONTextDecoder().decode(type, from: body)
        } catch let error as DecodingError {
            throw HTTPError.badRequest("cannot decode request body: \(Self.explain(error))")
        } catch {
            throw HTTPError.badRequest("cannot decode request body: \(error)")
        }
    }

    /// What JSON value a Swift type is read from, for messages: "a string", "an object"...
    private static func jsonKind(of type: Any.Type) -> String {
        let name = String(describing: type)
        if name.hasPrefix("Dictionary<") { return "a JSON object" }
        if name.hasPrefix("Array<") { return "a JSON array" }
        switch name {
        case "String": return "a string"
        case "Bool": return "true or false"
        case "Int", "Int64", "Int32", "UInt", "UInt64", "UInt32": return "an integer"
        case "Double", "Float": return "a number"
        default: return "of type \(name)"
        }
    }

    /// One sentence for a decoding failure, naming the field path.
    private static func explain(_ error: DecodingError) -> String {
        func field(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        func subject(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "the body" : "field \"\(field(path))\""
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(subject(context.codingPath)) must be \(jsonKind(of: type))"
        case .valueNotFound(let type, let context):
            return "\(subject(context.codingPath)) must be \(jsonKind(of: type)), not null"
        case .keyNotFound(let key, let context):
            return "missing field \"\(field(context.codingPath + [key]))\""
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return "body is not valid JSON"
        case .dataCorrupted(let context):
            return "field \"\(field(context.codingPath))\" is invalid: \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
