import CSquashFuse
import Glibc

/// A `.snap` file opened for reading without mounting it: its superblock, its file list, and the
/// bytes of the files snapd reads before install (`meta/snap.yaml`, `meta/hooks/*`).
///
/// Opening checks that the file is SquashFS 4.0 and that every table the superblock points to
/// lies inside the file; reading checks each inode, directory and fragment before squashfuse
/// touches it (see `SquashFSReader`). Paths inside the image are written without a leading slash.
/// Symlinks are followed only inside the image: an absolute target, or one climbing above the
/// root, is refused, since once mounted it would point into the host.
///
/// ```swift
/// let image = try SnapImage(path: "hello_1.0_amd64.snap")
/// let yaml = try image.snapYAML()          // bytes of meta/snap.yaml, meta/ checked first
/// for entry in try image.entries() { print(entry) }
/// ```
///
/// Concurrency model: an image belongs to one thread at a time (squashfuse caches are plain
/// memory); open one per task when reading in parallel.
public final class SnapImage {
    /// The path of the image file, as given.
    public let path: String
    private let reader: SquashFSReader

    /// The most entries `entries()` lists before deciding the image is corrupt.
    public static let defaultEntryLimit = 1_000_000
    /// The largest file `contentsOfFile(at:)` reads unless told otherwise.
    public static let defaultFileLimit = 64 << 20
    /// The most symlinks followed while resolving one path, as Linux allows (`ELOOP`).
    static let maximumSymlinkHops = 40

    /// Opens a `.snap` file and checks its superblock and table layout.
    ///
    /// Calls `open(2)`, `fstat(2)`, `pread(2)` for the superblock, then squashfuse's `sqfs_init`.
    /// - Throws: `SnapImageError` when the file cannot be read, is not SquashFS 4.0, is truncated
    ///   or has tables outside the file.
    public init(path: String) throws(SnapImageError) {
        self.path = path
        reader = try SquashFSReader(path: path)
    }

    /// The decoded superblock (compression, block size, flags, creation time).
    public var superblock: SquashFSSuperblock { reader.superblock }

    /// The size of the image file in bytes, padding included.
    public var fileSize: UInt64 { reader.fileSize }

    // MARK: - Listing

    /// Every entry below the root, depth first, each directory's entries in stored (sorted) order.
    ///
    /// - Parameter limit: the most entries to accept before refusing the image as corrupt.
    /// - Returns: the entries, paths relative to the root.
    /// - Throws: `SnapImageError` for a corrupt inode or directory, or a directory that contains
    ///   itself.
    public func entries(limit: Int = SnapImage.defaultEntryLimit) throws(SnapImageError) -> [ImageEntry] {
        var root = try reader.rootInode()
        return try walk(from: &root, reference: superblock.rootInode, at: "", limit: limit)
    }

    /// Lists everything below a directory, depth first, without recursion: a crafted image can
    /// nest directories deeper than any thread's stack.
    func walk(
        from directory: inout sqfs_inode,
        reference: UInt64?,
        at prefix: String,
        limit: Int
    ) throws(SnapImageError) -> [ImageEntry] {
        typealias Frame = (listing: [(name: String, reference: UInt64)], next: Int, prefix: String)
        let top = try reader.directoryEntries(of: &directory, entry: prefix.isEmpty ? "." : prefix, limit: limit)
        var stack: [Frame] = [(top, 0, prefix)]
        var visited = Set(reference.map { [$0] } ?? [])
        var result: [ImageEntry] = []

        while var frame = stack.popLast() {
            guard frame.next < frame.listing.count else { continue }
            let (name, childReference) = frame.listing[frame.next]
            frame.next += 1
            stack.append(frame)

            let path = frame.prefix.isEmpty ? name : "\(frame.prefix)/\(name)"
            var inode = try reader.inode(childReference, entry: path)
            let entry = try makeEntry(&inode, path: path)
            result.append(entry)
            guard result.count <= limit else {
                throw SnapImageError(.corrupt, image: self.path, reason: "the image lists more than \(limit) entries")
            }
            guard entry.kind == .directory else { continue }

            // A corrupt directory table can make a directory contain itself or an ancestor.
            guard visited.insert(childReference).inserted else {
                let reason = "directory appears twice in the tree"
                throw SnapImageError(.corrupt, image: self.path, entry: path, reason: reason)
            }
            stack.append((try reader.directoryEntries(of: &inode, entry: path, limit: limit), 0, path))
        }
        return result
    }

    /// The entry at `path`, without following a final symlink (like `lstat(2)`).
    /// - Throws: `entryNotFound` when nothing is there, or any error met on the way.
    public func entry(at path: String) throws(SnapImageError) -> ImageEntry {
        var resolved = try resolve(path, followingFinalSymlink: false)
        return try makeEntry(&resolved.inode, path: resolved.path)
    }

    // MARK: - Reading files

    /// The bytes of the regular file at `path`, following symlinks inside the image.
    ///
    /// - Parameters:
    ///   - path: the path inside the image (`meta/hooks/install`).
    ///   - limit: the largest size accepted.
    /// - Returns: the file's bytes.
    /// - Throws: `entryNotFound`, `wrongEntryType` for a directory, `specialFile` for a FIFO,
    ///   socket or device, `symlinkOutsideImage`, `fileTooLarge`, or a corruption error.
    public func contentsOfFile(
        at path: String,
        limit: Int = SnapImage.defaultFileLimit
    ) throws(SnapImageError) -> [UInt8] {
        var resolved = try resolve(path, followingFinalSymlink: true)
        let kind = Self.kind(of: resolved.inode)
        guard kind == .regular else {
            let code: SnapImageError.Code =
                ImageEntry(path: path, kind: kind, permissions: 0, size: 0).isSpecialFile
                ? .specialFile : .wrongEntryType
            throw SnapImageError(
                code,
                image: self.path,
                entry: path,
                reason: "is a \(Self.name(of: kind)), not a regular file"
            )
        }
        return try reader.contents(of: &resolved.inode, entry: path, limit: limit)
    }

    /// The bytes of `meta/snap.yaml`, read after `checkMetaDirectory()` passes.
    /// - Throws: what `checkMetaDirectory()` and `contentsOfFile(at:limit:)` throw.
    public func snapYAML() throws(SnapImageError) -> [UInt8] {
        try checkMetaDirectory()
        return try contentsOfFile(at: "meta/snap.yaml")
    }

    // MARK: - Building entries

    private func makeEntry(_ inode: inout sqfs_inode, path: String) throws(SnapImageError) -> ImageEntry {
        let kind = Self.kind(of: inode)
        var size: UInt64 = 0
        var target: String? = nil
        switch kind {
        case .regular:
            size = inode.xtra.reg.file_size
        case .symlink:
            target = try reader.symlinkTarget(of: &inode, entry: path)
            size = UInt64(inode.xtra.symlink_size)
        case .directory:
            size = UInt64(inode.xtra.dir.dir_size)
        default:
            break
        }
        return ImageEntry(
            path: path,
            kind: kind,
            permissions: inode.base.mode & 0o7777,
            size: size,
            symlinkTarget: target,
            uid: try reader.owner(index: inode.base.uid, entry: path),
            gid: try reader.owner(index: inode.base.guid, entry: path),
            modificationTime: inode.base.mtime
        )
    }

    static func kind(of inode: sqfs_inode) -> ImageEntry.Kind {
        switch mode_t(inode.base.mode) & S_IFMT {
        case S_IFDIR: .directory
        case S_IFLNK: .symlink
        case S_IFBLK: .blockDevice
        case S_IFCHR: .characterDevice
        case S_IFIFO: .fifo
        case S_IFSOCK: .socket
        default: .regular
        }
    }

    static func name(of kind: ImageEntry.Kind) -> String {
        switch kind {
        case .regular: "regular file"
        case .directory: "directory"
        case .symlink: "symlink"
        case .blockDevice: "block device"
        case .characterDevice: "character device"
        case .fifo: "FIFO"
        case .socket: "socket"
        }
    }

    var squashFSReader: SquashFSReader { reader }
}

@available(*, unavailable)
extension SnapImage: Sendable {}
