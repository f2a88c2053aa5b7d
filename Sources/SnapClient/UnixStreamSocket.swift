#if canImport(Glibc)
import Glibc
import SnapAPI
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
        // The descriptor is stored only once connected: once every stored property is set,
        // a throwing initializer runs `deinit`, which would close it a second time (and
        // with it whatever descriptor the number had been given to since).
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Self.failure("dial unix", path, errno, call: "socket") }

        if let localPath {
            guard let local = UnixSocketAddress(path: localPath) else {
                close(descriptor)
                throw .connection("socket path \(localPath) is too long")
            }
            guard local.call(Glibc.bind, on: descriptor) == 0 else {
                let code = errno
                close(descriptor)
                throw Self.failure("dial unix", localPath, code, call: "bind")
            }
        }

        guard let remote = UnixSocketAddress(path: path) else {
            close(descriptor)
            throw .connection("socket path \(path) is too long")
        }
        while remote.call(Glibc.connect, on: descriptor) != 0 {
            let code = errno
            if code == EINTR { continue }
            close(descriptor)
            throw Self.failure("dial unix", path, code, call: "connect")
        }
        self.descriptor = descriptor
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
