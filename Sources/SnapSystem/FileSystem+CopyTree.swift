import CSnapShim
import Glibc

extension FileSystem {
    /// Copies a directory tree, such as a snap's data from one revision to the next, keeping
    /// what `cp -a` keeps except extended attributes: modes, owners, groups, access and
    /// modification times, symbolic links (as links, never followed), hard links within the
    /// tree, empty directories, FIFOs and device nodes.
    ///
    /// The walk never follows a symbolic link: every entry is opened relative to its parent's
    /// descriptor with `O_NOFOLLOW`, so a link, or an entry swapped for a link during the copy,
    /// cannot lead it out of the tree. Data is copied as ``copyFile(at:to:)`` does; each
    /// directory's owner, mode and times are set after its content. At the end the
    /// destination filesystem is committed to disk (syncfs(2)) and the destination's parent
    /// directory fsync'ed. Names are handled as bytes, so names that are not UTF-8 are copied
    /// unchanged. A filesystem mounted inside the source is copied like any directory.
    ///
    /// - Parameters:
    ///   - source: The directory to copy; it must not be a symbolic link.
    ///   - destination: The directory to create; it must not exist.
    /// - Throws: ``SystemError`` (``SystemError/isOutOfSpace`` when the destination filesystem
    ///   is full); `EEXIST` when `destination` exists. On failure the partial copy is left at
    ///   `destination` for the caller to remove (with ``removeTree(at:)``); the source is never
    ///   modified.
    public func copyTree(at source: String, to destination: String) throws(SystemError) {
        do throws(SystemError) {
            let sourceRoot = try FileDescriptor(opening: source, flags: O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
            let info = try sourceRoot.status(path: source)
            try syscall("mkdir", destination) { mkdir(destination, 0o700) }
            let destinationRoot = try FileDescriptor(opening: destination, flags: O_RDONLY | O_DIRECTORY | O_NOFOLLOW)

            var walk = TreeCopy(
                sourceRoot: source,
                destinationRoot: destination,
                rootDescriptor: destinationRoot.rawValue
            )
            try walk.copyContents(of: sourceRoot.rawValue, into: destinationRoot.rawValue, relativePath: RelativePath())
            try walk.applyMetadata(info, to: destinationRoot.rawValue, relativePath: RelativePath())

            try syscall("syncfs", destination) { csnap_syncfs(destinationRoot.rawValue) }
            let parentPath = splitPath(destination).directory
            try FileDescriptor(opening: parentPath, flags: O_RDONLY | O_DIRECTORY).sync(path: parentPath)
        } catch {
            throw error.adding(context: "cannot copy \"\(source)\" to \"\(destination)\"")
        }
    }
}

/// One copy of a tree: the roots, and the hard-linked files already copied.
private struct TreeCopy {
    /// The identity of a file with several links: its device and inode.
    struct FileIdentity: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    let sourceRoot: String
    let destinationRoot: String
    /// The destination root's descriptor, for linkat(2) to earlier copies.
    let rootDescriptor: Int32
    /// Where in the destination (relative to its root) each multiply-linked file was copied.
    var copiedLinks: [FileIdentity: RelativePath] = [:]

    /// Copies every entry of the directory open at `source` into the one open at
    /// `destination`; `relativePath` is their path below the roots ("" for the roots).
    mutating func copyContents(of source: Int32, into destination: Int32, relativePath: RelativePath)
        throws(SystemError)
    {
        for name in try DirectoryEntries.names(in: source, path: sourcePath(relativePath)) {
            let entryPath = relativePath.appending(name)
            var info = stat()
            try syscall("lstat", sourcePath(entryPath)) { fstatat(source, name.cString, &info, AT_SYMLINK_NOFOLLOW) }

            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                try copyDirectory(name, info, from: source, to: destination, relativePath: entryPath)
            case S_IFREG:
                try copyRegularFile(name, info, from: source, to: destination, relativePath: entryPath)
            case S_IFLNK:
                try copySymlink(name, info, from: source, to: destination, relativePath: entryPath)
            default:
                try copyNode(name, info, to: destination, relativePath: entryPath)
            }
        }
    }

    private mutating func copyDirectory(
        _ name: EntryName,
        _ info: stat,
        from source: Int32,
        to destination: Int32,
        relativePath: RelativePath
    ) throws(SystemError) {
        let flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW
        let input = try FileDescriptor(
            opening: name,
            flags: flags,
            relativeTo: source,
            displayPath: sourcePath(relativePath)
        )
        try syscall("mkdir", destinationPath(relativePath)) { mkdirat(destination, name.cString, 0o700) }
        let output = try FileDescriptor(
            opening: name,
            flags: flags,
            relativeTo: destination,
            displayPath: destinationPath(relativePath)
        )
        try copyContents(of: input.rawValue, into: output.rawValue, relativePath: relativePath)
        try applyMetadata(info, to: output.rawValue, relativePath: relativePath)
    }

    private mutating func copyRegularFile(
        _ name: EntryName,
        _ info: stat,
        from source: Int32,
        to destination: Int32,
        relativePath: RelativePath
    ) throws(SystemError) {
        // A second link to a file already copied becomes a second link to the copy.
        let identity = FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        if info.st_nlink > 1, let first = copiedLinks[identity] {
            try syscall("link", destinationPath(first), destinationPath(relativePath)) {
                linkat(rootDescriptor, first.cString, destination, name.cString, 0)
            }
            return
        }

        let input = try FileDescriptor(
            opening: name,
            flags: O_RDONLY | O_NOFOLLOW | O_NOCTTY,
            relativeTo: source,
            displayPath: sourcePath(relativePath)
        )
        let output = try FileDescriptor(
            opening: name,
            flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW,
            mode: 0o600,
            relativeTo: destination,
            displayPath: destinationPath(relativePath)
        )
        let paths = (sourcePath(relativePath), destinationPath(relativePath))
        try FileSystem().copyData(from: input.rawValue, to: output.rawValue, paths: paths)
        try applyMetadata(info, to: output.rawValue, relativePath: relativePath)
        if info.st_nlink > 1 { copiedLinks[identity] = relativePath }
    }

    private func copySymlink(
        _ name: EntryName,
        _ info: stat,
        from source: Int32,
        to destination: Int32,
        relativePath: RelativePath
    ) throws(SystemError) {
        let target = try readLink(name, in: source, relativePath: relativePath, size: Int(info.st_size))
        try syscall("symlink", destinationPath(relativePath)) { symlinkat(target, destination, name.cString) }
        try applyMetadata(info, at: name, in: destination, relativePath: relativePath)
    }

    /// Copies a FIFO, socket or device node by creating the same kind of node (mknod(2)).
    private func copyNode(_ name: EntryName, _ info: stat, to destination: Int32, relativePath: RelativePath)
        throws(SystemError)
    {
        try syscall("mknod", destinationPath(relativePath)) {
            mknodat(destination, name.cString, info.st_mode & S_IFMT | 0o600, info.st_rdev)
        }
        try applyMetadata(info, at: name, in: destination, relativePath: relativePath)
    }

    /// Gives an open copy the source's owner, group, mode and times. Ownership comes first
    /// because chown(2) clears the set-user-ID and set-group-ID bits.
    func applyMetadata(_ info: stat, to descriptor: Int32, relativePath: RelativePath) throws(SystemError) {
        let path = destinationPath(relativePath)
        try syscall("fchown", path) { fchown(descriptor, info.st_uid, info.st_gid) }
        try syscall("fchmod", path) { fchmod(descriptor, info.st_mode & 0o7777) }
        let times = [info.st_atim, info.st_mtim]
        try syscall("futimens", path) { futimens(descriptor, times) }
    }

    /// Gives a copied link or node the source's owner, group, mode (nodes only; a link has
    /// none) and times, without following a link.
    private func applyMetadata(_ info: stat, at name: EntryName, in directory: Int32, relativePath: RelativePath)
        throws(SystemError)
    {
        let path = destinationPath(relativePath)
        try syscall("lchown", path) { fchownat(directory, name.cString, info.st_uid, info.st_gid, AT_SYMLINK_NOFOLLOW) }
        if info.st_mode & S_IFMT != S_IFLNK {
            try syscall("chmod", path) { fchmodat(directory, name.cString, info.st_mode & 0o7777, 0) }
        }
        let times = [info.st_atim, info.st_mtim]
        try syscall("utimensat", path) { utimensat(directory, name.cString, times, AT_SYMLINK_NOFOLLOW) }
    }

    /// The target of the link `name`, as bytes with a terminating NUL.
    private func readLink(
        _ name: EntryName,
        in directory: Int32,
        relativePath: RelativePath,
        size: Int
    ) throws(SystemError) -> [CChar] {
        let capacity = max(size, 255) + 1
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        let count = try syscall("readlink", sourcePath(relativePath)) {
            readlinkat(directory, name.cString, buffer, capacity)
        }
        // A link that grew between lstat and readlink is read again at its new size.
        guard count < capacity else {
            return try readLink(name, in: directory, relativePath: relativePath, size: capacity * 2)
        }
        return Array(UnsafeBufferPointer(start: buffer, count: count)) + [0]
    }

    private func sourcePath(_ relativePath: RelativePath) -> String {
        relativePath.isEmpty ? sourceRoot : joinPath(sourceRoot, relativePath.text)
    }

    private func destinationPath(_ relativePath: RelativePath) -> String {
        relativePath.isEmpty ? destinationRoot : joinPath(destinationRoot, relativePath.text)
    }
}
