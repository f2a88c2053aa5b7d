import Glibc

/// An open file descriptor this module owns; it is closed when the value goes away.
///
/// Errors from close(2) are ignored: every descriptor that holds written data is fsync'ed (and
/// the fsync checked) before it is dropped.
struct FileDescriptor: ~Copyable {
    /// The descriptor number.
    let rawValue: Int32

    /// Takes ownership of an open descriptor.
    init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// Opens a path (open(2), always with `O_CLOEXEC`).
    /// - Parameters:
    ///   - path: The path to open.
    ///   - flags: The open flags.
    ///   - mode: The mode of a file `O_CREAT` creates.
    ///   - directory: The descriptor of the directory `path` is relative to.
    ///   - displayPath: The path to name in an error, when `path` is relative to `directory`.
    /// - Throws: ``SystemError`` naming `open` and the path.
    init(
        opening path: String,
        flags: Int32,
        mode: mode_t = 0,
        relativeTo directory: Int32 = AT_FDCWD,
        displayPath: String? = nil
    ) throws(SystemError) {
        rawValue = try syscall("open", displayPath ?? path) { openat(directory, path, flags | O_CLOEXEC, mode) }
    }

    /// Opens an entry of the directory open at `directory` (openat(2), with `O_CLOEXEC`).
    /// - Parameters:
    ///   - name: The entry's name.
    ///   - flags: The open flags.
    ///   - mode: The mode of a file `O_CREAT` creates.
    ///   - directory: The directory's descriptor.
    ///   - displayPath: The entry's full path, for errors.
    /// - Throws: ``SystemError`` naming `open` and the path.
    init(
        opening name: EntryName,
        flags: Int32,
        mode: mode_t = 0,
        relativeTo directory: Int32,
        displayPath: String
    ) throws(SystemError) {
        rawValue = try syscall("open", displayPath) { openat(directory, name.cString, flags | O_CLOEXEC, mode) }
    }

    deinit {
        close(rawValue)
    }

    /// The file's status (fstat(2)).
    func status(path: String) throws(SystemError) -> stat {
        var info = stat()
        try syscall("fstat", path) { fstat(rawValue, &info) }
        return info
    }

    /// Commits the file's data and metadata to disk (fsync(2)).
    func sync(path: String) throws(SystemError) {
        try syscall("fsync", path) { fsync(rawValue) }
    }
}
