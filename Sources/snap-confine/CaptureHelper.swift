import SnapSandbox

#if canImport(Glibc)
import Glibc
#endif

/// A child process forked before `unshare`, so it stays in the outer mount namespace, that
/// later bind-mounts the launcher's new namespace (`/proc/PID/ns/mnt`) onto `NAME.mnt`.
///
/// The two talk over a socket pair: the launcher sends its pid (4 bytes) when the namespace
/// is ready, the helper answers with the mount's errno (4 bytes, 0 for success) and exits.
/// Closing the launcher's end without sending makes the helper exit without mounting.
struct CaptureHelper {
    let pid: pid_t
    let socket: Int32

    /// Forks the helper; `target` is the file to mount the namespace on.
    static func start(target: String) throws(SandboxError) -> CaptureHelper {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw SandboxError.system("cannot create the namespace capture socket")
        }
        let child = fork()
        guard child >= 0 else {
            close(pair[0])
            close(pair[1])
            throw SandboxError.system("cannot fork the namespace capture helper")
        }
        if child == 0 {
            close(pair[0])
            serve(socket: pair[1], target: target)
        }
        close(pair[1])
        return CaptureHelper(pid: child, socket: pair[0])
    }

    /// The helper's side: waits for a pid, mounts, answers, exits.
    static func serve(socket: Int32, target: String) -> Never {
        var pid: Int32 = 0
        let count = withUnsafeMutableBytes(of: &pid) { read(socket, $0.baseAddress, 4) }
        guard count == 4 else { _exit(0) }
        var result: Int32 = 0
        if Glibc.mount("/proc/\(pid)/ns/mnt", target, nil, UInt(MS_BIND), nil) != 0 { result = errno }
        _ = withUnsafeBytes(of: &result) { write(socket, $0.baseAddress, 4) }
        _exit(0)
    }

    /// Asks the helper to capture the calling process's namespace; returns the mount's errno
    /// (0 on success).
    func capture() -> Int32 {
        var pid = getpid()
        let sent = withUnsafeBytes(of: &pid) { write(socket, $0.baseAddress, 4) }
        var result: Int32 = EPIPE
        if sent == 4 {
            let count = withUnsafeMutableBytes(of: &result) { read(socket, $0.baseAddress, 4) }
            if count != 4 { result = EPIPE }
        }
        finish()
        return result
    }

    /// Lets the helper go (without capturing if `capture()` was not called) and reaps it.
    func finish() {
        close(socket)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
    }
}
