import SQLite

#if canImport(Glibc)
import Glibc
#endif

/// Checking an existing database file before the engine opens it for writing, without
/// changing a byte of it or of its `-wal` and `-shm` files.
extension StateDatabase {
    /// Checks the integrity and the schema version of the database at `path`.
    ///
    /// SQLite writes to the `-shm` file even on a read-only connection when a `-wal` file
    /// holds frames, so such a database is checked on a private copy of the file and its
    /// `-wal` (next to it, removed again). Without frames, the file alone is the database
    /// and is read as immutable: no lock taken, no file created.
    ///
    /// - Throws: ``StateEngineError`` for a damaged file or a newer schema.
    static func inspect(_ path: String, known: Int) throws {
        var info = stat()
        let hasFrames = stat(path + "-wal", &info) == 0 && info.st_size > 0
        guard hasFrames else {
            try inspect(try Connection(path: path, mode: .immutable), known: known, reportedAs: path)
            return
        }
        let directory = try makeScratchDirectory(beside: path)
        defer { removeScratchDirectory(directory) }
        let copy = directory + "/state.db"
        try copyFile(path, to: copy)
        try copyFile(path + "-wal", to: copy + "-wal")
        try inspect(try Connection(path: copy, mode: .readWrite), known: known, reportedAs: path)
    }

    private static func inspect(_ connection: Connection, known: Int, reportedAs path: String) throws {
        do {
            try checkIntegrity(connection)
        } catch let error as StateEngineError where error.code == .corruptDatabase {
            // The copy's name means nothing to the user.
            throw StateEngineError(.corruptDatabase, error.message.replacingPrefix(connection.path, with: path))
        }
        try checkVersion(try schemaVersion(connection), known: known, path: path)
    }

    private static func makeScratchDirectory(beside path: String) throws -> String {
        var template = Array((path + ".check-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap { mkdtemp($0) }.map { String(cString: $0) }
        }
        guard let made else {
            throw StateEngineError(.storage, "\(path): cannot create a directory to check a copy in: \(errorText())")
        }
        return made
    }

    private static func removeScratchDirectory(_ directory: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(directory + "/state.db" + suffix) }
        rmdir(directory)
    }

    /// Copies `source` to a new file `destination`.
    private static func copyFile(_ source: String, to destination: String) throws {
        let input = Glibc.open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw StateEngineError(.storage, "\(source): cannot open: \(errorText())") }
        defer { close(input) }
        let output = Glibc.open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw StateEngineError(.storage, "\(destination): cannot create: \(errorText())") }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw StateEngineError(.storage, "\(source): cannot read: \(errorText())") }
            if count == 0 { return }
            var offset = 0
            while offset < count {
                let written = buffer.withUnsafeBytes {
                    write(output, $0.baseAddress.map { $0 + offset }, count - offset)
                }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else {
                    throw StateEngineError(.storage, "\(destination): cannot write: \(errorText())")
                }
                offset += written
            }
        }
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}

extension String {
    fileprivate func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
