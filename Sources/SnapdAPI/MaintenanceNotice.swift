import Glibc
import SnapAPI
import Synchronization

/// The notice that the daemon is going away: kept in memory for the `maintenance` field of
/// every reply envelope, and in `maintenance.json` for clients that find no daemon.
final class MaintenanceNotice: Sendable {
    private let current = Mutex<APIError?>(nil)

    /// The notice replies carry now, or nil.
    var notice: APIError? { current.withLock { $0 } }

    /// Makes `notice` the one replies carry and writes it to `path` atomically: a temporary
    /// file beside it, fsync'ed, renamed over it, then the directory fsync'ed. Clients never
    /// read a half-written file.
    ///
    /// - Throws: ``DaemonError`` naming the file and the failed call.
    func announce(_ notice: APIError, writingTo path: String) throws {
        current.withLock { $0 = notice }
        var object: [String: JSONValue] = ["message": .string(notice.message)]
        if let kind = notice.kind { object["kind"] = .string(kind) }
        if let value = notice.value { object["value"] = value }
        try Self.writeAtomically(path, text: JSONValue.object(object).jsonText)
    }

    /// Forgets the notice and removes `path`, as a fresh start does.
    func clear(removing path: String) {
        current.withLock { $0 = nil }
        unlink(path)
    }

    private static func writeAtomically(_ path: String, text: String) throws {
        let temporary = path + ".tmp"
        let file = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard file >= 0 else { throw failure("open", temporary) }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(file, $0.baseAddress.map { $0 + offset }, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                let error = failure("write", temporary)
                close(file)
                unlink(temporary)
                throw error
            }
            offset += written
        }
        guard fsync(file) == 0 else {
            let error = failure("fsync", temporary)
            close(file)
            unlink(temporary)
            throw error
        }
        close(file)
        guard rename(temporary, path) == 0 else {
            let error = failure("rename", temporary)
            unlink(temporary)
            throw error
        }
        let directoryPath = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        let directory = open(directoryPath.isEmpty ? "/" : directoryPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw failure("open", directoryPath) }
        defer { close(directory) }
        guard fsync(directory) == 0 else { throw failure("fsync", directoryPath) }
    }

    private static func failure(_ call: String, _ path: String) -> DaemonError {
        DaemonError("cannot write \"\(path)\": \(call): \(String(cString: strerror(errno)))")
    }

}
