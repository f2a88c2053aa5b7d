#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 client for the daemon's unix socket.
///
/// Keeps one connection open between requests (keep-alive) and opens a new one when the
/// daemon has closed it. Every request has an overall deadline. Like the real client it
/// sends `Host: localhost` and absolute paths.
///
/// ```swift
/// let client = HTTPClient(socketPath: "/run/snapd.socket")
/// let info = try client.sync(SystemInfo.self, ClientRequest(method: "GET", path: "/v2/system-info"))
/// ```
///
/// Not thread-safe: a command uses one client from one thread.
public final class HTTPClient {
    /// The socket the client connects to.
    public let socketPath: String
    /// Seconds each request may take in total.
    public var timeout: Double
    /// The `User-Agent` sent, or nil for none.
    public var userAgent: String?
    /// A path the client binds its own end of the socket to before connecting, or nil.
    /// The daemon must ignore it; tests use it to prove that.
    public var localSocketPath: String?
    /// Whether a `GET` that cannot connect is retried every 250 ms until the deadline, as
    /// the real client does so that commands survive a daemon restart. Off by default.
    public var retriesReadsUntilDeadline = false

    private var connection: (socket: UnixStreamSocket, reader: HTTPResponseReader)?

    /// Creates a client; it connects on the first request.
    public init(socketPath: String, timeout: Double = 120, userAgent: String? = nil) {
        self.socketPath = socketPath
        self.timeout = timeout
        self.userAgent = userAgent
    }

    /// Sends `request` and reads the whole reply.
    ///
    /// A request with a replayable body that fails on a reused connection before any reply
    /// arrives is sent once more on a fresh connection. With ``retriesReadsUntilDeadline``,
    /// a `GET` that cannot connect is tried again every 250 ms until the deadline.
    ///
    /// - Throws: ``ClientError/connection(_:)`` (worded like the real client's
    ///   `Get "http://localhost/v2/snaps": dial unix ...`), ``ClientError/timeout(_:)`` or
    ///   ``ClientError/protocolError(_:)``. An error envelope is not thrown here.
    public func send(_ request: ClientRequest) throws(ClientError) -> ClientResponse {
        let deadline = Deadline(secondsFromNow: timeout)
        while true {
            do {
                return try sendOnce(request, before: deadline)
            } catch .connection(let text) {
                let retry = retriesReadsUntilDeadline && request.method == "GET" && !deadline.hasPassed
                guard retry else {
                    throw .connection("\(Self.goMethod(request.method)) \"http://localhost\(request.target)\": \(text)")
                }
                var pause = timespec(tv_sec: 0, tv_nsec: 250_000_000)
                nanosleep(&pause, nil)
            }
        }
    }

    /// One attempt, with one replay on a fresh connection when a kept one turns out dead.
    private func sendOnce(_ request: ClientRequest, before deadline: Deadline) throws(ClientError) -> ClientResponse {
        let reused = connection != nil
        do {
            return try exchange(request, before: deadline)
        } catch {
            connection = nil
            guard reused, case .connection = error, !isChunked(request) else { throw error }
            return try exchange(request, before: deadline)
        }
    }

    /// `Get`, `Post`...: how Go's HTTP client names methods in its errors.
    private static func goMethod(_ method: String) -> String {
        guard let first = method.first else { return method }
        return String(first) + method.dropFirst().lowercased()
    }

    /// Closes the kept connection, if any.
    public func closeConnection() {
        connection = nil
    }

    /// Writes the request and reads the reply on the kept or a new connection.
    private func exchange(_ request: ClientRequest, before deadline: Deadline) throws(ClientError) -> ClientResponse {
        var (socket, reader) = try openConnection()
        connection = nil

        do {
            try write(request, to: socket, before: deadline)
        } catch {
            // A daemon may answer before reading the whole body (a 413 for an announced
            // oversized body) and close; its answer is then still waiting to be read.
            guard let early = try? reader.readResponse(method: request.method, before: deadline) else { throw error }
            return early.response
        }

        let (response, reusable) = try reader.readResponse(method: request.method, before: deadline)
        if reusable {
            connection = (socket, reader)
        }
        return response
    }

    /// Writes the head and the body with its framing.
    private func write(
        _ request: ClientRequest,
        to socket: UnixStreamSocket,
        before deadline: Deadline
    ) throws(ClientError) {
        try socket.write(head(of: request), before: deadline)
        switch request.body {
        case .none:
            break
        case .bytes(let bytes):
            try socket.write(bytes, before: deadline)
        case .chunked(let next):
            while let piece = try next() {
                guard !piece.isEmpty else { continue }
                let size = Array(String(piece.count, radix: 16).utf8) + [13, 10]
                try socket.write(size + piece + [13, 10], before: deadline)
            }
            try socket.write(Array("0\r\n\r\n".utf8), before: deadline)
        }
    }

    /// The kept connection when the daemon has not closed it, else a new one.
    private func openConnection() throws(ClientError) -> (UnixStreamSocket, HTTPResponseReader) {
        if let connection, !connection.socket.isStale {
            return connection
        }
        let socket = try UnixStreamSocket(connectingTo: socketPath, boundTo: localSocketPath)
        return (socket, HTTPResponseReader(socket: socket))
    }

    /// The request line and header fields, with the framing the body needs.
    private func head(of request: ClientRequest) -> [UInt8] {
        var text = "\(request.method) \(request.target) HTTP/1.1\r\nHost: localhost\r\n"
        if let userAgent {
            text += "User-Agent: \(userAgent)\r\n"
        }
        for field in request.headers {
            text += "\(field.name): \(field.value)\r\n"
        }
        switch request.body {
        case .none where request.method != "GET" && request.method != "HEAD":
            text += "Content-Length: 0\r\n"
        case .none:
            break
        case .bytes(let bytes):
            text += "Content-Length: \(bytes.count)\r\n"
        case .chunked:
            text += "Transfer-Encoding: chunked\r\n"
        }
        return Array((text + "\r\n").utf8)
    }

    private func isChunked(_ request: ClientRequest) -> Bool {
        if case .chunked = request.body { return true }
        return false
    }
}
