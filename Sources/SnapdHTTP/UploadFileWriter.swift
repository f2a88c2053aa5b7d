#if canImport(Glibc)
import Glibc
#endif

/// A file an upload was stored in, recognised by device and inode as well as by path, so
/// that removing it never removes another file that later took the same name.
struct StoredFile: Sendable, Hashable {
    var path: String
    var device: UInt64
    var inode: UInt64

    /// Removes the file when the path still names the file that was stored (lstat(2),
    /// unlink(2)); a file moved away or replaced is left alone.
    func remove() {
        var status = stat()
        guard lstat(path, &status) == 0, UInt64(status.st_dev) == device, UInt64(status.st_ino) == inode else {
            return
        }
        unlink(path)
    }
}

/// Writes one uploaded file part to a new file with a name of our choosing, through a
/// 64 KiB buffer so that small deliveries do not each cost a write(2).
///
/// Owns its descriptor: ``finish()`` closes it and hands the file over; a writer dropped
/// before that closes the descriptor and removes the partial file.
final class UploadFileWriter {
    /// The file's path.
    let path: String
    private var descriptor: Int32
    private let identity: StoredFile
    private var buffer: [UInt8] = []
    private static let bufferSize = 64 << 10

    /// Creates `directory/upload-` followed by 12 random letters and digits, mode 0600
    /// (open(2) with `O_CREAT | O_EXCL | O_NOFOLLOW`, so an existing file or a planted
    /// symlink is never opened), creating `directory` with mode 0700 first when it is
    /// missing (mkdir(2)).
    ///
    /// - Throws: ``HTTPError`` 500 or 507 naming the call, the path and the cause.
    init(inDirectory directory: String) throws(HTTPError) {
        if mkdir(directory, 0o700) != 0, errno != EEXIST {
            throw Self.failure("mkdir", directory, errno: errno)
        }

        var path = ""
        var descriptor: Int32 = -1
        for _ in 0..<100 {
            path = "\(directory)/upload-\(Self.randomName())"
            descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if descriptor >= 0 || errno != EEXIST { break }
        }
        guard descriptor >= 0 else { throw Self.failure("open", path, errno: errno) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let error = Self.failure("fstat", path, errno: errno)
            close(descriptor)
            unlink(path)
            throw error
        }
        self.path = path
        self.descriptor = descriptor
        self.identity = StoredFile(path: path, device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
        buffer.reserveCapacity(Self.bufferSize)
    }

    deinit {
        guard descriptor >= 0 else { return }
        close(descriptor)
        identity.remove()
    }

    /// Appends `bytes` to the file.
    ///
    /// - Throws: ``HTTPError`` 507 when the disk is full, 500 for other write failures.
    func write(_ bytes: UnsafeRawBufferPointer) throws(HTTPError) {
        if buffer.count + bytes.count > Self.bufferSize {
            try flush()
        }
        if bytes.count >= Self.bufferSize {
            try writeAll(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    /// Writes what is buffered, closes the file and hands it over.
    ///
    /// - Throws: ``HTTPError`` when the last write or close(2) fails; the file is then removed.
    func finish() throws(HTTPError) -> StoredFile {
        try flush()
        let result = close(descriptor)
        let code = errno
        descriptor = -1
        guard result == 0 else {
            identity.remove()
            throw Self.failure("close", path, errno: code)
        }
        return identity
    }

    private func flush() throws(HTTPError) {
        guard !buffer.isEmpty else { return }
        var result = Result<Void, HTTPError>.success(())
        buffer.withUnsafeBytes { bytes in
            result = Result { () throws(HTTPError) in try writeAll(bytes) }
        }
        try result.get()
        buffer.removeAll(keepingCapacity: true)
    }

    /// write(2) until every byte is written, retrying EINTR.
    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(HTTPError) {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw Self.failure("write", path, errno: errno)
            }
            offset += written
        }
    }

    /// 12 random letters and digits.
    private static func randomName() -> String {
        let characters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
        var generator = SystemRandomNumberGenerator()
        let picked = (0..<12).map { _ in characters[Int(generator.next(upperBound: UInt(characters.count)))] }
        return String(decoding: picked, as: UTF8.self)
    }

    /// 507 when the file system is full or over quota, 500 otherwise; both name the call.
    private static func failure(_ call: String, _ path: String, errno code: Int32) -> HTTPError {
        let text = String(cString: strerror(code))
        let message = "cannot store uploaded file: \(call) \(path): \(text)"
        if code == ENOSPC || code == EDQUOT {
            return HTTPError(status: 507, message: message)
        }
        return HTTPError(status: 500, message: message)
    }
}

@available(*, unavailable)
extension UploadFileWriter: Sendable {}
