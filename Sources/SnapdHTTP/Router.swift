/// One endpoint method: what it matches, who may call it, and what answers it.
public struct Route: Sendable {
    /// The handler: takes the received request, returns the reply, or throws an
    /// ``HTTPError`` (any other error becomes a 500).
    public typealias Handler = @Sendable (Request) async throws -> Response

    /// The method this route answers.
    public var method: HTTPMethod
    /// The path pattern.
    public var pattern: PathPattern
    /// Who may call it, on each socket.
    public var access: AccessPolicy
    /// The largest body accepted into memory, or nil for the server's default.
    public var maximumBodySize: Int?
    /// How `multipart/form-data` bodies are streamed to disk, or nil to read them into
    /// memory like any other body.
    public var uploads: UploadPolicy?
    /// The handler.
    public var handler: Handler

    /// Creates a route with an access policy per socket.
    ///
    /// - Parameters:
    ///   - method: the method it answers.
    ///   - pattern: the path pattern.
    ///   - access: who may call it, on each socket.
    ///   - maximumBodySize: the largest body read into memory, or nil for the server's default.
    ///   - uploads: where and within which limits `multipart/form-data` bodies are streamed
    ///     (see ``Request/form``), or nil to read them into memory.
    ///   - handler: the handler.
    public init(
        _ method: HTTPMethod,
        _ pattern: PathPattern,
        access: AccessPolicy,
        maximumBodySize: Int? = nil,
        uploads: UploadPolicy? = nil,
        handler: @escaping Handler
    ) {
        self.method = method
        self.pattern = pattern
        self.access = access
        self.maximumBodySize = maximumBodySize
        self.uploads = uploads
        self.handler = handler
    }

    /// Creates a route whose access class applies on its own socket only.
    ///
    /// - Parameters: see ``init(_:_:access:maximumBodySize:uploads:handler:)-(_,_,AccessPolicy,_,_,_)``.
    public init(
        _ method: HTTPMethod,
        _ pattern: PathPattern,
        access: AccessClass,
        maximumBodySize: Int? = nil,
        uploads: UploadPolicy? = nil,
        handler: @escaping Handler
    ) {
        self.init(
            method,
            pattern,
            access: AccessPolicy(access),
            maximumBodySize: maximumBodySize,
            uploads: uploads,
            handler: handler
        )
    }
}

/// Maps a method and a path to a route.
///
/// An unknown path is a 404 with the real daemon's message `not found`; a known path
/// without a route for the method is a 405 `method "X" not allowed`.
public struct Router: Sendable {
    /// The routes, in the order they were added.
    public private(set) var routes: [Route] = []

    /// Creates a router with `routes`.
    public init(_ routes: [Route] = []) {
        self.routes = routes
    }

    /// Adds routes.
    public mutating func add(_ more: [Route]) {
        routes += more
    }

    /// The outcome of looking a request up.
    public enum Match: Sendable {
        /// A route answers it; `parameters` holds the `{name}` captures.
        case found(Route, parameters: [String: String])
        /// The path is known but not with this method.
        case methodNotAllowed
        /// No route has this path.
        case notFound
    }

    /// Finds the route for `method` and `path`, preferring the pattern with the most
    /// literal segments when several match.
    public func match(method: HTTPMethod, path: String) -> Match {
        var best: (route: Route, parameters: [String: String])?
        var pathKnown = false

        for route in routes {
            guard let parameters = route.pattern.match(path) else { continue }
            pathKnown = true
            guard route.method == method else { continue }
            if best == nil || route.pattern.literalCount > (best?.route.pattern.literalCount ?? 0) {
                best = (route, parameters)
            }
        }

        if let best { return .found(best.route, parameters: best.parameters) }
        return pathKnown ? .methodNotAllowed : .notFound
    }
}
