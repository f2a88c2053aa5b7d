#if canImport(Glibc)
import Glibc
#endif

/// A connected unix stream socket with deadline-bounded reads and writes.
///
/// Owns its descriptor and closes it in `deinit`. Not for sharing between threads: one
/// request at a time uses it.
final class UnixStreamSocket {
    let path: String
    private let descriptor: Int32

    /// Connects to the socket at `path` (socket(2), connect(2)), optionally binding the
    /// client end to `localPath` first (bind(2)).
    ///
    /// - Throws: ``ClientError/connection(_:)`` naming the call, `path` and the cause.
    init(connectingTo path: String, boundTo localPath: String? = nil) throws(ClientError) {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Self.failure("dial unix", path, errno, call: "socket") }

        if let localPath {
            guard let local = Self.address(localPath) else {
                close(descriptor)
                throw .connection("socket path \(localPath) is too long")
            }
            guard Self.call(descriptor, local, Glibc.bind) == 0 else {
                let code = errno
                close(descriptor)
                throw Self.failure("dial unix", localPath, code, call: "bind")
            }
        }

        guard let remote = Self.address(path) else {
            close(descriptor)
            throw .connection("socket path \(path) is too long")
        }
        while Self.call(descriptor, remote, Glibc.connect) != 0 {
            let code = errno
            if code == EINTR { continue }
            close(descriptor)
            throw Self.failure("dial unix", path, code, call: "connect")
        }
    }

    deinit {
        close(descriptor)
    }

    /// Writes all of `bytes` (write(2)), waiting for the socket to drain as needed.
    func write(_ bytes: [UInt8], before deadline: Deadline) throws(ClientError) {
        var offset = 0
        while offset < bytes.count {
            try wait(for: Int16(POLLOUT), before: deadline)
            let written = bytes.withUnsafeBytes { buffer in
                send(descriptor, buffer.baseAddress.map { $0 + offset }, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                let code = errno
                if code == EINTR || code == EAGAIN { continue }
                throw Self.failure("write unix", path, code, call: "write")
            }
            offset += written
        }
    }

    /// Reads what is available, up to `capacity` bytes (read(2)); an empty result is end of stream.
    func read(upTo capacity: Int, before deadline: Deadline) throws(ClientError) -> [UInt8] {
        while true {
            try wait(for: Int16(POLLIN), before: deadline)
            var buffer = [UInt8](repeating: 0, count: capacity)
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, capacity) }
            if count < 0 {
                let code = errno
                if code == EINTR || code == EAGAIN { continue }
                throw Self.failure("read unix", path, code, call: "read")
            }
            buffer.removeSubrange(count...)
            return buffer
        }
    }

    /// Whether the peer has closed or sent unexpected bytes while the socket sat idle.
    var isStale: Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) != 0
    }

    /// Waits until `events` are ready (poll(2)), or throws when the deadline passes first.
    private func wait(for events: Int16, before deadline: Deadline) throws(ClientError) {
        while true {
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, deadline.remainingMilliseconds)
            if ready > 0 { return }
            if ready == 0 { throw .timeout("no reply from \(path)") }
            let code = errno
            if code != EINTR { throw Self.failure("poll unix", path, code, call: "poll") }
        }
    }

    /// A socket address for `path`, or nil when it does not fit.
    private static func address(_ path: String) -> sockaddr_un? {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        guard path.utf8.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: path.utf8)
            buffer[path.utf8.count] = 0
        }
        return address
    }

    /// Calls bind(2) or connect(2) with `address`.
    private static func call(
        _ descriptor: Int32,
        _ address: sockaddr_un,
        _ function: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Int32
    ) -> Int32 {
        withUnsafePointer(to: address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                function(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
    }

    /// `operation path: call: text`, in Go's wording as the real client prints it
    /// (`dial unix /run/snapd.socket: connect: no such file or directory`).
    private static func failure(_ operation: String, _ path: String, _ code: Int32, call: String) -> ClientError {
        var text = String(cString: strerror(code))
        if let first = text.first {
            text = first.lowercased() + text.dropFirst()
        }
        return .connection("\(operation) \(path): \(call): \(text)")
    }
}

@available(*, unavailable)
extension UnixStreamSocket: Sendable {}
