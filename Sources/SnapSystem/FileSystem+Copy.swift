import CSnapShim
import Glibc

extension FileSystem {
    /// Copies a regular file's content and permission bits to `destination` durably.
    ///
    /// The copy is written under a temporary name in the destination's directory
    /// (copy_file_range(2), falling back to sendfile(2) and then read(2)/write(2) where the
    /// kernel cannot copy between the two filesystems), given the source's mode (chmod after
    /// creation, so the umask does not apply), fsync'ed, renamed over `destination`, and the
    /// directory is fsync'ed. Ownership and timestamps are not copied.
    /// - Parameters:
    ///   - source: The file to copy; a symbolic link is followed.
    ///   - destination: The file to create or replace.
    /// - Throws: ``SystemError`` (``SystemError/isOutOfSpace`` when the destination filesystem
    ///   is full); `EISDIR` or `EINVAL` when the source is not a regular file. On failure
    ///   `destination` is unchanged and nothing is left under the temporary name. (The one
    ///   exception: if fsync of the directory fails after the rename, the new file is in
    ///   place but may not survive a power loss.)
    public func copyFile(at source: String, to destination: String) throws(SystemError) {
        do throws(SystemError) {
            let input = try FileDescriptor(opening: source, flags: O_RDONLY)
            let info = try input.status(path: source)
            guard info.st_mode & S_IFMT == S_IFREG else {
                let code = info.st_mode & S_IFMT == S_IFDIR ? EISDIR : EINVAL
                throw failure(code, "open", source)
            }
            try replaceAtomically(destination, mode: info.st_mode) { (output, temporaryPath) throws(SystemError) in
                try copyData(from: input.rawValue, to: output, paths: (source, temporaryPath))
            }
        } catch {
            throw error.adding(context: "cannot copy \"\(source)\" to \"\(destination)\"")
        }
    }

    /// Copies everything from `input`'s current offset to its end onto `output` at its current
    /// offset: copy_file_range(2) while the kernel accepts it, then sendfile(2), then
    /// read(2)/write(2). Each call advances both offsets, so a fall back continues where the
    /// previous method stopped.
    func copyData(from input: Int32, to output: Int32, paths: (source: String, destination: String)) throws(SystemError)
    {
        var method = CopyMethod.copyFileRange
        while true {
            let copied: Int
            switch method {
            case .copyFileRange:
                copied = csnap_copy_file_range(input, output, 1 << 30)
            case .sendfile:
                copied = sendfile(output, input, nil, 1 << 30)
            case .readWrite:
                try copyByReadingAndWriting(from: input, to: output, paths: paths)
                return
            }
            if copied == 0 { return }
            if copied > 0 { continue }

            let code = errno
            if code == EINTR { continue }
            if method != .readWrite && CopyMethod.meansUnsupported(code) {
                method = method == .copyFileRange ? .sendfile : .readWrite
                continue
            }
            // Blame the side the errno belongs to: a full or read-only disk is the destination's.
            let blamed = [ENOSPC, EDQUOT, EFBIG, EROFS].contains(code) ? paths.destination : paths.source
            throw failure(code, method == .copyFileRange ? "copy_file_range" : "sendfile", blamed)
        }
    }

    private func copyByReadingAndWriting(
        from input: Int32,
        to output: Int32,
        paths: (source: String, destination: String)
    ) throws(SystemError) {
        let size = 1 << 17
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try syscall("read", paths.source) { read(input, buffer, size) }
            if count == 0 { return }
            var written = 0
            while written < count {
                written += try syscall("write", paths.destination) { write(output, buffer + written, count - written) }
            }
        }
    }
}

/// The ways ``FileSystem`` copies file data, best first.
private enum CopyMethod {
    case copyFileRange
    case sendfile
    case readWrite

    /// Whether an errno from copy_file_range(2) or sendfile(2) means the kernel cannot copy
    /// between these two files that way (different filesystem types, a filesystem without
    /// support, an old kernel), rather than that the copy failed.
    static func meansUnsupported(_ code: Int32) -> Bool {
        [EXDEV, EINVAL, ENOSYS, EOPNOTSUPP, ENOTSUP].contains(code)
    }
}
