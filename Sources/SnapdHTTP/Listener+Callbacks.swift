import CMicroHTTPD
import CMicroHTTPDShim
import Synchronization

/// What the server knows about one request between libmicrohttpd's callbacks: the body
/// received so far (in memory, or through an ``UploadReceiver``) and, once the handler has
/// run, the reply to send.
///
/// Retained once into libmicrohttpd's per-request pointer and released in the completion
/// callback. Its state sits in a mutex because the handler task writes the reply on
/// another thread than the pool thread that reads it.
final class RequestState: Sendable {
    private struct State {
        var body: [UInt8] = []
        var overflowed = false
        var dispatched = false
        var handlerStarted = false
        var reply: Response?
    }

    /// The largest body announced by `Content-Length` that is read at all.
    let limit: Int
    /// The multipart parser's feeder when the body is streamed, else nil.
    let upload: UploadReceiver?
    private let state = Mutex(State())

    init(limit: Int, upload: UploadReceiver? = nil) {
        self.limit = limit
        self.upload = upload
    }

    /// Appends body bytes; past the limit, drops them and remembers the overflow.
    func append(_ bytes: UnsafeRawBufferPointer) {
        state.withLock { state in
            guard !state.overflowed else { return }
            guard state.body.count + bytes.count <= limit else {
                state.overflowed = true
                state.body = []
                return
            }
            state.body.append(contentsOf: bytes)
        }
    }

    /// Marks the request as handed to its handler; false when it already was.
    func markDispatched() -> Bool {
        state.withLock { state in
            defer { state.dispatched = true }
            return !state.dispatched
        }
    }

    /// Whether a handler ran for this request, so the server counts it until completion.
    var handlerStarted: Bool {
        get { state.withLock { $0.handlerStarted } }
        set { state.withLock { $0.handlerStarted = newValue } }
    }

    var overflowed: Bool { state.withLock { $0.overflowed } }
    var body: [UInt8] { state.withLock { $0.body } }

    /// The handler's reply, once there is one.
    var reply: Response? {
        get { state.withLock { $0.reply } }
        set { state.withLock { $0.reply = newValue } }
    }
}

/// libmicrohttpd's access handler: called when the headers are in, for every piece of body,
/// once when the request is complete, and once more after a suspended connection resumes.
let accessHandler: MHD_AccessHandlerCallback = { context, connection, url, method, _, upload, uploadSize, slot in
    guard let context, let connection, let url, let method, let uploadSize, let slot else { return MHD_Result.NO }
    let listener = Unmanaged<Listener>.fromOpaque(context).takeUnretainedValue()
    let httpMethod = HTTPMethod(rawValue: String(cString: method))
    let path = String(cString: url)

    // First call: headers only. Refuse a declared oversized body before reading it.
    guard let existing = slot.pointee else {
        let (state, tooLarge) = makeRequestState(
            method: httpMethod,
            path: path,
            connection: connection,
            listener: listener
        )
        slot.pointee = Unmanaged.passRetained(state).toOpaque()
        if let length = headerValue("Content-Length", of: connection).flatMap(Int.init), length > state.limit {
            _ = state.markDispatched()
            state.upload?.discard()
            return queue(.error(tooLarge), on: connection, listener: listener)
        }
        return MHD_Result.YES
    }
    let state = Unmanaged<RequestState>.fromOpaque(existing).takeUnretainedValue()

    // Body pieces, de-chunked by libmicrohttpd: to the multipart parser or into memory.
    if uploadSize.pointee > 0 {
        if let upload {
            let bytes = UnsafeRawBufferPointer(start: upload, count: uploadSize.pointee)
            if let receiver = state.upload {
                receiver.feed(bytes)
            } else {
                state.append(bytes)
            }
        }
        uploadSize.pointee = 0
        return MHD_Result.YES
    }

    // After the handler task resumed the connection: send its reply.
    if let reply = state.reply {
        return queue(reply, on: connection, listener: listener)
    }
    guard state.markDispatched() else { return MHD_Result.YES }

    if state.overflowed {
        return queue(.error(.bodyTooLarge(limit: state.limit)), on: connection, listener: listener)
    }
    var form: MultipartForm?
    if let receiver = state.upload {
        switch receiver.finish() {
        case .success(let parsed): form = parsed
        case .failure(let error): return queue(.error(error), on: connection, listener: listener)
        }
    }
    return dispatch(
        method: httpMethod,
        path: path,
        form: form,
        state: state,
        connection: connection,
        listener: listener
    )
}

/// The state of a request whose headers just arrived, and the 413 to reply when its
/// `Content-Length` exceeds the state's limit.
private func makeRequestState(
    method: HTTPMethod,
    path: String,
    connection: OpaquePointer,
    listener: Listener
) -> (RequestState, tooLarge: HTTPError) {
    let contentType = headerValue("Content-Type", of: connection)
    switch listener.server.intake(method: method, path: path, contentType: contentType) {
    case .buffered(let limit):
        return (RequestState(limit: limit), .bodyTooLarge(limit: limit))
    case .streamed(let policy, let access):
        let peer = PeerCredentials.ofPeer(connectedTo: csnap_mhd_connection_fd(connection))
        let refused = access.refusesBeforeBody(
            socket: listener.kind,
            peer: peer,
            hasAuthorization: headerValue("Authorization", of: connection) != nil
        )
        let receiver = UploadReceiver(contentType: contentType ?? "", policy: policy, discarding: refused)
        return (RequestState(limit: policy.largestBody, upload: receiver), .uploadTooLarge(limit: policy.maximumSize))
    }
}

/// libmicrohttpd's completion callback, called once the reply is sent or the connection
/// failed: removes the files of an upload cut off mid-body, releases the request state, and ends the server's count of running requests
/// only now, so that ``HTTPServer/stop()`` never cuts off a reply being sent.
let completionHandler: MHD_RequestCompletedCallback = { context, _, slot, _ in
    guard let context, let slot, let existing = slot.pointee else { return }
    let state = Unmanaged<RequestState>.fromOpaque(existing).takeRetainedValue()
    slot.pointee = nil
    state.upload?.discard()
    if state.handlerStarted {
        Unmanaged<Listener>.fromOpaque(context).takeUnretainedValue().server.endHandler()
    }
}

/// libmicrohttpd's connection notifier: counts each connection against its user's limit as
/// it opens, shutting down one over the limit (libmicrohttpd then sees it end and closes
/// it), and uncounts it as it closes. The user is kept in the connection's socket-context
/// slot, as uid + 1, so that 0 means "not counted".
let connectionNotifier: MHD_NotifyConnectionCallback = { context, connection, slot, event in
    guard let context, let connection, let slot else { return }
    let server = Unmanaged<Listener>.fromOpaque(context).takeUnretainedValue().server
    // MHD_CONNECTION_NOTIFY_STARTED (0) and MHD_CONNECTION_NOTIFY_CLOSED (1): the header's
    // enum reaches Swift without its member names.
    switch event.rawValue {
    case 0:
        let descriptor = csnap_mhd_connection_fd(connection)
        guard let peer = PeerCredentials.ofPeer(connectedTo: descriptor) else { return }
        slot.pointee = UnsafeMutableRawPointer(bitPattern: UInt(peer.uid) + 1)
        if !server.connectionOpened(uid: peer.uid) {
            shutdown(descriptor, Int32(SHUT_RDWR))
        }
    case 1:
        guard let counted = slot.pointee else { return }
        slot.pointee = nil
        server.connectionClosed(uid: UInt32(UInt(bitPattern: counted) - 1))
    default:
        break
    }
}

/// Builds the request, suspends the connection and runs the handler as a task that
/// resumes the connection when the reply is ready. The form's unclaimed files are removed
/// once the handler returned, before its reply goes out.
private func dispatch(
    method: HTTPMethod,
    path: String,
    form: MultipartForm?,
    state: RequestState,
    connection: OpaquePointer,
    listener: Listener
) -> MHD_Result {
    let descriptor = csnap_mhd_connection_fd(connection)
    guard let peer = PeerCredentials.ofPeer(connectedTo: descriptor) else {
        // Without a kernel-reported identity nothing may run on the caller's behalf.
        form?.removeUnclaimedFiles()
        return queue(.error(.forbidden), on: connection, listener: listener)
    }
    guard listener.server.beginHandler() else {
        let unavailable = HTTPError(status: 503, message: "daemon is stopping")
        form?.removeUnclaimedFiles()
        return queue(.error(unavailable), on: connection, listener: listener)
    }

    let request = Request(
        method: method,
        path: path,
        query: queryItems(of: connection),
        headers: headers(of: connection),
        body: state.body,
        form: form,
        peer: peer,
        socket: listener.kind
    )
    state.handlerStarted = true
    let handle = ConnectionHandle(pointer: connection)
    MHD_suspend_connection(connection)
    Task.detached {
        let reply = await listener.server.respond(to: request)
        form?.removeUnclaimedFiles()
        state.reply = reply
        MHD_resume_connection(handle.pointer)
    }
    return MHD_Result.YES
}

/// Serialises `response` and queues it on `connection`.
private func queue(_ response: Response, on connection: OpaquePointer, listener: Listener) -> MHD_Result {
    let bytes: [UInt8]
    let contentType: String
    switch response.content {
    case .envelope(let envelope):
        bytes = envelope.serialized(status: response.status, notes: listener.server.notes())
        contentType = "application/json"
    case .raw(let raw, let type):
        bytes = raw
        contentType = type
    }

    let reply = bytes.withUnsafeBytes { buffer in
        MHD_create_response_from_buffer(
            buffer.count,
            UnsafeMutableRawPointer(mutating: buffer.baseAddress),
            MHD_ResponseMemoryMode.RESPMEM_MUST_COPY
        )
    }
    guard let reply else { return MHD_Result.NO }
    defer { MHD_destroy_response(reply) }

    MHD_add_response_header(reply, "Content-Type", contentType)
    for field in response.headers {
        MHD_add_response_header(reply, field.name, field.value)
    }
    return MHD_queue_response(connection, UInt32(response.status), reply)
}

/// The request's header fields, in order.
private func headers(of connection: OpaquePointer) -> HTTPHeaders {
    var fields = HTTPHeaders()
    withUnsafeMutablePointer(to: &fields) { pointer in
        _ = MHD_get_connection_values(
            connection,
            MHD_ValueKind.HEADER_KIND,
            { context, _, key, value in
                guard let context, let key else { return MHD_Result.YES }
                let fields = context.assumingMemoryBound(to: HTTPHeaders.self)
                fields.pointee.add(name: String(cString: key), value: value.map { String(cString: $0) } ?? "")
                return MHD_Result.YES
            },
            pointer
        )
    }
    return fields
}

/// The decoded query string, in order.
private func queryItems(of connection: OpaquePointer) -> QueryItems {
    var items = QueryItems()
    withUnsafeMutablePointer(to: &items) { pointer in
        _ = MHD_get_connection_values(
            connection,
            MHD_ValueKind.GET_ARGUMENT_KIND,
            { context, _, key, value in
                guard let context, let key else { return MHD_Result.YES }
                let items = context.assumingMemoryBound(to: QueryItems.self)
                items.pointee.append(name: String(cString: key), value: value.map { String(cString: $0) })
                return MHD_Result.YES
            },
            pointer
        )
    }
    return items
}

/// One header value of the request being received, or nil.
private func headerValue(_ name: String, of connection: OpaquePointer) -> String? {
    MHD_lookup_connection_value(connection, MHD_ValueKind.HEADER_KIND, name).map { String(cString: $0) }
}
