import CMicroHTTPD
import CMicroHTTPDShim
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One libmicrohttpd daemon serving one listening socket for an ``HTTPServer``.
///
/// Owns the `MHD_Daemon` handle. libmicrohttpd calls the C callbacks below with an
/// unretained pointer to this object, which is valid because the server keeps every
/// listener until after `MHD_stop_daemon` has returned.
final class Listener: Sendable {
    let server: HTTPServer
    let path: String
    let kind: SocketKind
    /// Whether stopping removes the socket file (false for a socket systemd passed in).
    let ownsSocketFile: Bool
    private let daemon = Mutex<DaemonHandle?>(nil)

    init(server: HTTPServer, path: String, kind: SocketKind, ownsSocketFile: Bool = true) {
        self.server = server
        self.path = path
        self.kind = kind
        self.ownsSocketFile = ownsSocketFile
    }

    /// Starts libmicrohttpd on the bound socket `descriptor`, which it then owns.
    func start(descriptor: Int32) throws(HTTPServerError) {
        let configuration = server.configuration
        let context = Unmanaged.passUnretained(self).toOpaque()
        let handle = csnap_mhd_start(
            descriptor,
            UInt32(max(1, configuration.threadsPerSocket)),
            UInt32(max(1, configuration.idleTimeoutSeconds)),
            max(8 << 10, configuration.connectionMemory),
            accessHandler,
            context,
            completionHandler,
            context,
            connectionNotifier,
            context
        )
        guard let handle else {
            throw HTTPServerError("libmicrohttpd could not start serving \(path)")
        }
        daemon.withLock { $0 = DaemonHandle(pointer: handle) }
    }

    /// Stops accepting new connections; existing ones are still served.
    func quiesce() {
        daemon.withLock { handle in
            guard let handle else { return }
            // MHD_quiesce_daemon hands the listening socket back, and stop will not close it.
            let descriptor = MHD_quiesce_daemon(handle.pointer)
            if descriptor >= 0 {
                close(descriptor)
            }
        }
    }

    /// Closes every connection, stops the threads and removes the socket file it created.
    func stop() {
        let handle = daemon.withLock { handle in
            defer { handle = nil }
            return handle
        }
        guard let handle else { return }
        MHD_stop_daemon(handle.pointer)
        if ownsSocketFile { unlink(path) }
    }
}

/// A libmicrohttpd pointer that crosses threads.
///
/// `@unchecked Sendable` is safe because libmicrohttpd itself serialises access: a daemon
/// handle is only passed to calls documented as thread-safe (quiesce, stop), and a
/// connection handle is only used by a task while that connection is suspended, when no
/// libmicrohttpd thread touches it, and only to resume it.
struct DaemonHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// See ``DaemonHandle`` for why this may cross threads.
struct ConnectionHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
