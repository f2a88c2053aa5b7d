import Foundation
import Synchronization

/// A unix-socket server that answers each request with the next scripted reply, written
/// byte for byte, and records what it received. It lets the client tests send the replies
/// a real daemon might (chunked, unframed, closing) without a real daemon.
final class ScriptedServer: Sendable {
    /// One scripted reply.
    struct Reply: Sendable {
        var bytes: [UInt8]
        /// Close the connection after writing.
        var close = false
        /// Never answer; keep the connection open until the server goes away.
        var silent = false
    }

    let path: String
    private let listener: Int32
    private let shared: Shared

    private struct State {
        var replies: [Reply]
        var requests: [String] = []
        var connections = 0
        var open: [Int32] = []
    }

    /// What the server threads share. They hold this, never the server itself, so the
    /// server goes away when the test drops it and its deinit can stop the threads.
    private final class Shared: Sendable {
        let state: Mutex<State>
        init(_ state: State) { self.state = Mutex(state) }
    }

    init(replies: [Reply]) throws {
        path = "/tmp/snap-client-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).socket"
        shared = Shared(State(replies: replies))
        // Close-on-exec, so that programs other tests start at the same time do not keep
        // a copy of the socket open after the server closes it.
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path.utf8) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, listen(listener, 8) == 0 else {
            throw CocoaError(.fileWriteUnknown)
        }
        let thread = Thread { [listener, shared] in Self.acceptLoop(listener, shared) }
        thread.start()
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        // Under the lock, so that no descriptor number is shut down after its connection
        // closed it and something else reused the number.
        shared.state.withLock { state in
            for descriptor in state.open {
                shutdown(descriptor, Int32(SHUT_RDWR))
            }
        }
        unlink(path)
    }

    /// The requests received, as text (head and body).
    var requests: [String] { shared.state.withLock { $0.requests } }
    /// How many connections were accepted.
    var connections: Int { shared.state.withLock { $0.connections } }

    private static func acceptLoop(_ listener: Int32, _ shared: Shared) {
        while true {
            let descriptor = accept(listener, nil, nil)
            guard descriptor >= 0 else { return }
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            shared.state.withLock {
                $0.connections += 1
                $0.open.append(descriptor)
            }
            let thread = Thread { [shared] in serve(descriptor, shared) }
            thread.start()
        }
    }

    private static func serve(_ descriptor: Int32, _ shared: Shared) {
        var buffer: [UInt8] = []
        while let request = readRequest(descriptor, buffer: &buffer) {
            let reply: Reply? = shared.state.withLock { state in
                state.requests.append(request)
                return state.replies.isEmpty ? nil : state.replies.removeFirst()
            }
            guard let reply, !reply.silent else { return }
            _ = reply.bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if reply.close { break }
        }
        shared.state.withLock { state in
            state.open.removeAll { $0 == descriptor }
            close(descriptor)
        }
    }

    /// Reads one request: the head, then a Content-Length or chunked body.
    private static func readRequest(_ descriptor: Int32, buffer: inout [UInt8]) -> String? {
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = buffer.firstRange(of: separator)?.upperBound
            if headEnd == nil, !fill(descriptor, &buffer) { return nil }
        }
        guard let end = headEnd else { return nil }
        let head = String(decoding: buffer[..<end], as: UTF8.self)
        var total = end
        if let line = head.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") }),
            let length = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces))
        {
            total += length
            while buffer.count < total { guard fill(descriptor, &buffer) else { return nil } }
        } else if head.lowercased().contains("transfer-encoding: chunked") {
            let terminator = Array("0\r\n\r\n".utf8)
            while buffer[end...].firstRange(of: terminator) == nil {
                guard fill(descriptor, &buffer) else { return nil }
            }
            total = buffer[end...].firstRange(of: terminator)?.upperBound ?? buffer.count
        }
        let request = String(decoding: buffer[..<total], as: UTF8.self)
        buffer.removeSubrange(..<total)
        return request
    }

    private static func fill(_ descriptor: Int32, _ buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return false }
        buffer += chunk[..<count]
        return true
    }
}

/// A reply with a JSON body and a Content-Length.
func jsonReply(status: String = "200 OK", _ body: String, close: Bool = false) -> ScriptedServer.Reply {
    let text =
        "HTTP/1.1 \(status)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    return ScriptedServer.Reply(bytes: Array(text.utf8), close: close)
}
