import SQLite
import StateEngine

#if canImport(Glibc)
import Glibc
#endif

/// A private copy of a state database and its write-ahead log, so that reading it can
/// never change the original (SQLite may write to a database it opens: WAL recovery,
/// checkpoints, migrations).
struct DatabaseCopy {
    let original: String
    let directory: String
    var path: String { directory + "/state.db" }

    /// Copies `original` (and `original-wal` when present) into a new directory under /tmp.
    init(of original: String) throws {
        self.original = original
        // Only a regular file can be a database; a FIFO would block and a device never end.
        var status = stat()
        guard stat(original, &status) == 0 else {
            throw SnapLogError(message: "cannot read \(original): \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw SnapLogError(message: "cannot read \(original): not a regular file")
        }
        var template = Array("/tmp/snap-log.XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap(mkdtemp) }) else {
            throw SnapLogError(message: "cannot create a scratch directory: \(String(cString: strerror(errno)))")
        }
        directory = String(cString: made)
        do {
            try Self.copyFile(original, to: directory + "/state.db")
            if access(original + "-wal", F_OK) == 0 {
                try Self.copyFile(original + "-wal", to: directory + "/state.db-wal")
            }
        } catch {
            remove()
            throw error
        }
    }

    /// Opens the copy, checking it and bringing its schema up to date; errors name the original.
    ///
    /// A file without the engine's schema is refused rather than given one, so an empty file
    /// or another program's database is reported instead of printed as an empty state.
    func open() throws -> Connection {
        do {
            try checkIsStateDatabase()
            return try StateDatabase.open(path: path)
        } catch let error as StateEngineError {
            let message = error.message.replacing(path, with: original)
            throw StateEngineError(error.code, message)
        }
    }

    private func checkIsStateDatabase() throws {
        let version: Int
        do {
            version = try StateDatabase.schemaVersion(try Connection(path: path, mode: .readOnly))
        } catch {
            throw StateDatabase.describe(error, path: path)
        }
        guard version > 0 else {
            throw SnapLogError(message: "\(original): not a snapd state database (it has no schema_migrations table)")
        }
    }

    /// Deletes the copy.
    func remove() {
        for name in ["state.db", "state.db-wal", "state.db-shm", "state.db-journal"] {
            unlink(directory + "/" + name)
        }
        rmdir(directory)
    }

    private static func copyFile(_ source: String, to destination: String) throws {
        let input = Glibc.open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else {
            throw SnapLogError(message: "cannot read \(source): \(String(cString: strerror(errno)))")
        }
        defer { close(input) }
        let output = Glibc.open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard output >= 0 else {
            throw SnapLogError(message: "cannot write \(destination): \(String(cString: strerror(errno)))")
        }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count == 0 { return }
            guard count > 0 else {
                throw SnapLogError(message: "cannot read \(source): \(String(cString: strerror(errno)))")
            }
            let written = buffer.withUnsafeBytes { write(output, $0.baseAddress, count) }
            guard written == count else {
                throw SnapLogError(message: "cannot write \(destination): \(String(cString: strerror(errno)))")
            }
        }
    }
}
