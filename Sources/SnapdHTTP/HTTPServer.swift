import SnapAPI
import SnapLogging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The daemon's HTTP/1.1 server: serves a ``Router`` on unix sockets through libmicrohttpd.
///
/// Call ``listen(onSocketAt:kind:)`` once per socket (`snapd.socket`, `snapd-snap.socket`),
/// then ``stop()`` before exit. For every request the server reads the caller's identity
/// from `SO_PEERCRED`, finds the route (404 `not found`, 405 `method "X" not allowed`),
/// enforces the body limit (413), streams multipart uploads to disk for routes with an
/// ``UploadPolicy``, checks the route's ``AccessClass`` (401/403 with kind
/// `login-required`), runs the handler and sends its ``Response``, adding the current
/// ``DaemonNotes`` to every envelope.
///
/// Concurrency model: each socket gets one libmicrohttpd daemon with its own pool of
/// `threadsPerSocket` threads, each running an epoll loop over its share of the
/// connections. Those threads only parse HTTP, copy the body (or feed a multipart upload
/// to its files on disk) and send replies; they never run route code. Once a request is complete its connection is suspended
/// (`MHD_suspend_connection`) and the handler runs as a Swift task on the global
/// concurrent executor, so a slow handler holds no HTTP thread. When the task finishes it
/// stores the reply in the request's state and resumes the connection; libmicrohttpd then
/// calls back on a pool thread, which queues the reply. Connections are persistent
/// (HTTP/1.1 keep-alive) and closed after `idleTimeoutSeconds` without traffic.
/// ``stop()`` stops accepting, waits until every request that reached a handler has had
/// its reply sent, then stops the daemons.
public final class HTTPServer: Sendable {
    /// Tunables of the server.
    public struct Configuration: Sendable {
        /// libmicrohttpd threads per socket.
        public var threadsPerSocket: Int = 2
        /// Seconds an idle connection is kept open.
        public var idleTimeoutSeconds: Int = 120
        /// The default body limit in bytes; routes may set their own.
        public var maximumBodySize: Int = 4 << 20
        /// Bytes of header and buffer memory libmicrohttpd gives each connection.
        public var connectionMemory: Int = 64 << 10
        /// Connections one user may hold open at once, on all sockets together; the next
        /// is closed at once. libmicrohttpd serves about a thousand connections in all, so
        /// without this one user holding idle or half-sent requests could lock everyone
        /// else, root included, out until they time out.
        public var connectionsPerUser: Int = 64
        /// Users the limit does not apply to.
        public var unlimitedUsers: Set<UInt32> = [0]

        /// The default configuration.
        public init() {}
    }

    let router: Router
    let configuration: Configuration
    let logger: Logger
    let authenticator: (any RequestAuthenticator)?
    let notes: @Sendable () -> DaemonNotes
    private let state = Mutex(State())

    private struct State {
        var connectionsByUser: [UInt32: Int] = [:]
        var listeners: [Listener] = []
        var running = 0
        var stopping = false
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// Creates a server; it serves nothing until ``listen(onSocketAt:kind:)``.
    ///
    /// - Parameters:
    ///   - router: the routes to serve.
    ///   - configuration: thread, timeout and size settings.
    ///   - authenticator: accepts `Authorization` headers of known users, or nil for none.
    ///   - logger: where request failures are logged.
    ///   - notes: read for every envelope: maintenance and warnings.
    public init(
        router: Router,
        configuration: Configuration = Configuration(),
        authenticator: (any RequestAuthenticator)? = nil,
        logger: Logger = .disabled,
        notes: @escaping @Sendable () -> DaemonNotes = { DaemonNotes() }
    ) {
        self.router = router
        self.configuration = configuration
        self.authenticator = authenticator
        self.logger = logger
        self.notes = notes
    }

    /// Binds a unix socket at `path` (mode 0666, replacing a stale socket file) and serves
    /// the router on it, treating its connections as coming in on `kind`.
    ///
    /// - Throws: ``HTTPServerError`` when the socket cannot be bound or libmicrohttpd
    ///   refuses to start.
    public func listen(onSocketAt path: String, kind: SocketKind) throws(HTTPServerError) {
        let descriptor = try UnixListener.bind(at: path)
        let listener = Listener(server: self, path: path, kind: kind)
        do {
            try listener.start(descriptor: descriptor)
        } catch {
            close(descriptor)
            unlink(path)
            throw error
        }
        state.withLock { $0.listeners.append(listener) }
        logger.debug("listening", metadata: ["socket.path": path, "socket.kind": kind.rawValue])
    }

    /// Serves the router on a listening unix socket someone else bound, such as one systemd
    /// passed through socket activation. `path` names it in logs; the socket file is left
    /// in place when the server stops.
    ///
    /// - Throws: ``HTTPServerError`` when libmicrohttpd refuses to start.
    public func listen(onDescriptor descriptor: Int32, path: String, kind: SocketKind) throws(HTTPServerError) {
        let listener = Listener(server: self, path: path, kind: kind, ownsSocketFile: false)
        try listener.start(descriptor: descriptor)
        state.withLock { $0.listeners.append(listener) }
        logger.debug("listening on a passed socket", metadata: ["socket.path": path, "socket.kind": kind.rawValue])
    }

    /// Stops accepting connections, waits for running handlers to reply, closes every
    /// connection and removes the socket files.
    public func stop() async {
        let listeners = state.withLock { state in
            state.stopping = true
            return state.listeners
        }
        for listener in listeners {
            listener.quiesce()
        }

        await withCheckedContinuation { continuation in
            let idle = state.withLock { state in
                if state.running == 0 { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }

        for listener in listeners {
            listener.stop()
        }
        state.withLock { $0.listeners.removeAll() }
    }

    /// Counts a new connection of `uid`; false when the user already holds as many as
    /// ``Configuration/connectionsPerUser`` allows, and the connection must be closed.
    /// Each call is matched by one ``connectionClosed(uid:)``, admitted or not.
    func connectionOpened(uid: UInt32) -> Bool {
        let admitted = state.withLock { state in
            state.connectionsByUser[uid, default: 0] += 1
            return configuration.unlimitedUsers.contains(uid)
                || state.connectionsByUser[uid, default: 0] <= configuration.connectionsPerUser
        }
        if !admitted {
            logger.warning("too many connections from one user, closing the newest", metadata: ["uid": "\(uid)"])
        }
        return admitted
    }

    /// Counts a connection of `uid` closed.
    func connectionClosed(uid: UInt32) {
        state.withLock { state in
            let left = state.connectionsByUser[uid, default: 1] - 1
            state.connectionsByUser[uid] = left > 0 ? left : nil
        }
    }

    /// Records a handler about to run; false once the server is stopping.
    func beginHandler() -> Bool {
        state.withLock { state in
            guard !state.stopping else { return false }
            state.running += 1
            return true
        }
    }

    /// Records a request whose reply has been sent, waking ``stop()`` after the last one.
    func endHandler() {
        let waiters = state.withLock { state in
            state.running -= 1
            guard state.running == 0 else { return [CheckedContinuation<Void, Never>]() }
            defer { state.idleWaiters.removeAll() }
            return state.idleWaiters
        }
        for waiter in waiters {
            waiter.resume()
        }
    }

    /// How the body of a request to `method` and `path` with `contentType` is received:
    /// streamed to the route's upload directory for `multipart/form-data` on a route with
    /// an ``UploadPolicy``, else into memory under the route's or the server's limit.
    func intake(method: HTTPMethod, path: String, contentType: String?) -> BodyIntake {
        guard case .found(let route, _) = router.match(method: method, path: path) else {
            return .buffered(limit: configuration.maximumBodySize)
        }
        if let policy = route.uploads, let contentType, HeaderValue(parsing: contentType)?.type == "multipart/form-data"
        {
            return .streamed(policy, access: route.access)
        }
        return .buffered(limit: route.maximumBodySize ?? configuration.maximumBodySize)
    }

    /// Routes, checks access and runs the handler for a complete request.
    func respond(to request: Request) async -> Response {
        var request = request
        let route: Route
        switch router.match(method: request.method, path: request.path) {
        case .notFound:
            return .error(.notFound)
        case .methodNotAllowed:
            return .error(.methodNotAllowed(request.method))
        case .found(let found, let parameters):
            route = found
            request.pathParameters = parameters
        }

        switch await route.access.decide(for: request, authenticator: authenticator) {
        case .allowed: break
        case .unauthorized: return .error(.unauthorized)
        case .forbidden: return .error(.forbidden)
        }

        do {
            return try await route.handler(request)
        } catch let error as HTTPError {
            return .error(error)
        } catch {
            logger.error(
                "handler failed",
                metadata: ["request.path": request.path, "error": "\(error)"]
            )
            return .error(.internalError("\(error)"))
        }
    }
}
