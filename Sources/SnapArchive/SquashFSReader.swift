import CSquashFuse
import Glibc

/// The owner of one image's squashfuse handles: the file descriptor, the `sqfs` state and its
/// caches, and the name buffer directory reads fill. `deinit` releases them all.
///
/// squashfuse (0.1.105) trusts the image: an inode reference whose offset lies past the end of
/// its metadata block, a directory entry name longer than 256 bytes, a fragment index past the
/// fragment table, a uid index past the id table, or a block at position 0 (its caches' empty-slot
/// mark) make it read or write outside its buffers.
/// Every call below checks those values first, using squashfuse's own metadata cache to learn how
/// long a block really is, so a corrupt image ends in a `SnapImageError` and never in a crash.
///
/// Concurrency model: none. squashfuse's caches are plain mutable memory, so a reader belongs to
/// one thread at a time; it is not `Sendable`.
final class SquashFSReader {
    /// The image path, for messages.
    let path: String
    /// The decoded and checked superblock.
    let superblock: SquashFSSuperblock
    /// The length of the image file.
    let fileSize: UInt64

    private let descriptor: Int32
    private let filesystem: UnsafeMutablePointer<sqfs>
    /// Large enough for any name a directory entry can claim (a 16-bit length plus one), so a
    /// corrupt length cannot overflow it; names longer than 256 bytes are then refused.
    private let nameBuffer: UnsafeMutablePointer<CChar>
    private static let nameBufferSize = 65_538
    private static let maximumNameLength = 256
    private static let maximumSymlinkLength = 4096

    /// Opens `path`, checks its superblock and tables against the file size, then starts squashfuse.
    /// - Throws: `SnapImageError` naming the image when it cannot be opened or is not acceptable.
    init(path: String) throws(SnapImageError) {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            throw SnapImageError(.io, image: path, reason: "cannot open: \(systemErrorText(code))")
        }

        do {
            (superblock, fileSize) = try Self.readSuperblock(descriptor: descriptor, path: path)
        } catch {
            close(descriptor)
            throw error
        }

        filesystem = .allocate(capacity: 1)
        let status = sqfs_init(filesystem, descriptor, 0)
        guard status == SQFS_OK else {
            filesystem.deallocate()
            close(descriptor)
            throw SnapImageError(.corrupt, image: path, reason: "squashfuse cannot open the image (error \(status))")
        }
        self.descriptor = descriptor
        nameBuffer = .allocate(capacity: Self.nameBufferSize)
    }

    deinit {
        sqfs_destroy(filesystem)
        filesystem.deallocate()
        nameBuffer.deallocate()
        close(descriptor)
    }

    /// Reads and checks the superblock and, when present, the xattr id table header.
    private static func readSuperblock(
        descriptor: Int32,
        path: String
    ) throws(SnapImageError) -> (SquashFSSuperblock, UInt64) {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            throw SnapImageError(.io, image: path, reason: "cannot stat: \(systemErrorText(code))")
        }
        let fileSize = UInt64(max(status.st_size, 0))

        do throws(SquashFSFormatError) {
            let superblock = try SquashFSSuperblock(bytes: try readBytes(descriptor, at: 0, count: 96, path: path))
            var xattrIDCount: UInt32 = 0
            if superblock.xattrIDTableStart != SquashFSSuperblock.absent {
                guard superblock.xattrIDTableStart <= fileSize - min(fileSize, 16) else {
                    throw SquashFSFormatError(.truncated, "the xattr id table lies past the end of the file")
                }
                let header = try readBytes(descriptor, at: superblock.xattrIDTableStart, count: 16, path: path)
                xattrIDCount = LittleEndianReader(header).u32(8)
            }
            try superblock.validateLayout(fileSize: fileSize, xattrIDCount: xattrIDCount)
            return (superblock, fileSize)
        } catch {
            throw SnapImageError(error.code, image: path, reason: error.reason)
        }
    }

    /// Reads up to `count` bytes at `offset` with `pread(2)`; fewer when the file is shorter.
    private static func readBytes(
        _ descriptor: Int32,
        at offset: UInt64,
        count: Int,
        path: String
    ) throws(SquashFSFormatError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(offset)) }
        guard got >= 0 else {
            let code = errno
            throw SquashFSFormatError(.io, "cannot read: \(systemErrorText(code))")
        }
        return Array(bytes.prefix(got))
    }

    // MARK: - Inodes

    /// The root directory's inode.
    func rootInode() throws(SnapImageError) -> sqfs_inode {
        try inode(superblock.rootInode, entry: ".")
    }

    /// Loads the inode that `reference` points to, after checking that its offset lies inside
    /// the metadata block it names (squashfuse would read past the block otherwise).
    func inode(_ reference: UInt64, entry: String) throws(SnapImageError) -> sqfs_inode {
        let block = superblock.inodeTableStart + (reference >> 16)
        guard block < superblock.directoryTableStart,
            let length = metadataBlockLength(at: block), reference & 0xffff < length
        else {
            throw corrupt(entry, "its inode reference \(reference) points outside the inode table")
        }

        var inode = sqfs_inode()
        guard sqfs_inode_get(filesystem, &inode, sqfs_inode_id(reference)) == SQFS_OK else {
            throw corrupt(entry, "its inode cannot be decoded")
        }
        if inode.base.mode & UInt16(S_IFMT) == UInt16(S_IFLNK), inode.xtra.symlink_size > Self.maximumSymlinkLength {
            throw corrupt(entry, "its symlink target claims \(inode.xtra.symlink_size) bytes")
        }
        return inode
    }

    /// The length of the uncompressed metadata block at `position`, read through squashfuse's cache.
    ///
    /// Position 0 is refused: squashfuse's caches use index 0 for an empty slot, so a lookup at 0
    /// "finds" a slot without a block.
    private func metadataBlockLength(at position: UInt64) -> UInt64? {
        guard position >= UInt64(SquashFSSuperblock.size), position < superblock.bytesUsed else { return nil }
        var cursor = sqfs_off_t(position)
        var block: UnsafeMutablePointer<sqfs_block>? = nil
        guard sqfs_md_cache(filesystem, &cursor, &block) == SQFS_OK, let block else { return nil }
        return UInt64(block.pointee.size)
    }

    /// The uid or gid stored at `index` of the id table.
    func owner(index: UInt16, entry: String) throws(SnapImageError) -> UInt32 {
        let position = Int(index) * 4
        guard index < superblock.idCount, let table = filesystem.pointee.id_table.blocks,
            let length = metadataBlockLength(at: table[position / 8192]), position % 8192 + 4 <= length
        else {
            throw corrupt(entry, "its owner index \(index) is outside the id table")
        }
        var id = sqfs_id_t()
        guard sqfs_id_get(filesystem, index, &id) == SQFS_OK else {
            throw corrupt(entry, "its owner cannot be read from the id table")
        }
        return UInt32(id)
    }

    // MARK: - Directories, symlinks, files

    /// The entries of a directory inode as (name, inode reference) pairs, in stored order.
    ///
    /// - Parameters:
    ///   - inode: a directory inode.
    ///   - entry: the directory's path, for messages.
    ///   - limit: the most entries to accept; a corrupt header could claim billions.
    /// - Returns: the names and inode references, checked before any inode is loaded.
    /// - Throws: `SnapImageError` when the listing lies outside its table or holds an impossible entry.
    func directoryEntries(
        of inode: inout sqfs_inode,
        entry: String,
        limit: Int
    ) throws(SnapImageError) -> [(name: String, reference: UInt64)] {
        let block = superblock.directoryTableStart + UInt64(inode.xtra.dir.start_block)
        guard let length = metadataBlockLength(at: block), UInt64(inode.xtra.dir.offset) < length else {
            throw corrupt(entry, "its directory listing points outside the directory table")
        }

        var directory = sqfs_dir()
        guard sqfs_dir_open(filesystem, &inode, &directory, 0) == SQFS_OK else {
            throw corrupt(entry, "its directory listing cannot be opened")
        }
        var dentry = sqfs_dir_entry()
        sqfs_dentry_init(&dentry, nameBuffer)
        var entries: [(name: String, reference: UInt64)] = []
        var status = SQFS_OK
        while sqfs_dir_next(filesystem, &directory, &dentry, &status) {
            entries.append(try checkedEntry(dentry, directory: directory, entry: entry))
            guard entries.count <= limit else {
                throw corrupt(entry, "its directory listing has more than \(limit) entries")
            }
        }
        guard status == SQFS_OK else {
            throw corrupt(entry, "its directory listing cannot be read")
        }
        return entries
    }

    /// Checks one entry squashfuse decoded: sane header count, position and name.
    private func checkedEntry(
        _ dentry: sqfs_dir_entry,
        directory: sqfs_dir,
        entry: String
    ) throws(SnapImageError) -> (name: String, reference: UInt64) {
        guard directory.header.count <= 256, directory.offset <= directory.total,
            dentry.name_size <= Self.maximumNameLength
        else {
            throw corrupt(entry, "its directory listing has an impossible entry")
        }
        let bytes = UnsafeRawBufferPointer(start: nameBuffer, count: dentry.name_size)
        let name = String(decoding: bytes, as: UTF8.self)
        guard !name.isEmpty, name != ".", name != "..", !bytes.contains(0), !bytes.contains(UInt8(ascii: "/")) else {
            throw corrupt(entry, "its directory listing holds an invalid name \"\(name)\"")
        }
        return (name, UInt64(dentry.inode))
    }

    /// The target of a symlink inode.
    func symlinkTarget(of inode: inout sqfs_inode, entry: String) throws(SnapImageError) -> String {
        var size = Self.maximumSymlinkLength + 1
        var buffer = [CChar](repeating: 0, count: size)
        guard sqfs_readlink(filesystem, &inode, &buffer, &size) == SQFS_OK else {
            throw corrupt(entry, "its symlink target cannot be read")
        }
        let length = min(Int(inode.xtra.symlink_size), Self.maximumSymlinkLength)
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The whole content of a regular-file inode, refused when larger than `limit` bytes.
    func contents(of inode: inout sqfs_inode, entry: String, limit: Int) throws(SnapImageError) -> [UInt8] {
        let size = inode.xtra.reg.file_size
        guard size <= UInt64(min(limit, Self.maximumFileLimit)) else {
            throw SnapImageError(
                .fileTooLarge,
                image: path,
                entry: entry,
                reason: "file is \(size) bytes, over the limit of \(limit)"
            )
        }
        guard size > 0 else { return [] }
        try checkDataBlocks(of: inode, entry: entry)
        try checkFragment(of: &inode, entry: entry)

        var bytes = [UInt8](repeating: 0, count: Int(size))
        var got = sqfs_off_t(size)
        let status = bytes.withUnsafeMutableBytes { sqfs_read_range(filesystem, &inode, 0, &got, $0.baseAddress) }
        guard status == SQFS_OK, got == sqfs_off_t(size) else {
            throw corrupt(entry, "its data blocks cannot be read")
        }
        return bytes
    }

    /// The largest file `contents(of:entry:limit:)` reads whatever the caller asks (1 TiB), so the
    /// sum of block positions squashfuse computes cannot wrap around.
    private static let maximumFileLimit = 1 << 40

    /// Checks where a file's data blocks start. squashfuse caches blocks by position and uses
    /// position 0 to mean an empty cache slot, so a block claimed at 0 would be read from a null
    /// pointer; every block must also start inside the image.
    private func checkDataBlocks(of inode: sqfs_inode, entry: String) throws(SnapImageError) {
        let size = inode.xtra.reg.file_size
        let blockSize = UInt64(superblock.blockSize)
        let hasFragment = inode.xtra.reg.frag_idx != UInt32.max
        let blocks = hasFragment ? size / blockSize : (size + blockSize - 1) / blockSize
        let start = inode.xtra.reg.start_block
        guard blocks == 0 || (UInt64(SquashFSSuperblock.size) <= start && start < superblock.bytesUsed) else {
            throw corrupt(entry, "its data blocks start at \(start), outside the image")
        }
    }

    /// Checks a file's tail fragment: its index, its table entry and its place in the fragment block.
    private func checkFragment(of inode: inout sqfs_inode, entry: String) throws(SnapImageError) {
        // Checked even when the size is a whole number of blocks: should a block decode short,
        // squashfuse moves on to the fragment to find the missing bytes.
        let index = inode.xtra.reg.frag_idx
        guard index != UInt32.max else { return }

        let position = Int(index) * 16
        guard index < superblock.fragmentCount, let table = filesystem.pointee.frag_table.blocks,
            let length = metadataBlockLength(at: table[position / 8192]), position % 8192 + 16 <= length
        else {
            throw corrupt(entry, "its fragment index \(index) is outside the fragment table")
        }
        var fragment = squashfs_fragment_entry()
        guard sqfs_frag_entry(filesystem, &fragment, index) == SQFS_OK,
            UInt64(SquashFSSuperblock.size) <= fragment.start_block, fragment.start_block < superblock.bytesUsed
        else {
            throw corrupt(entry, "its fragment block lies outside the image")
        }

        var offset = 0
        var size = 0
        var block: UnsafeMutablePointer<sqfs_block>? = nil
        guard sqfs_frag_block(filesystem, &inode, &offset, &size, &block) == SQFS_OK, let block,
            offset + size <= block.pointee.size
        else {
            throw corrupt(entry, "its fragment lies outside the fragment block")
        }
    }

    private func corrupt(_ entry: String, _ reason: String) -> SnapImageError {
        SnapImageError(.corrupt, image: path, entry: entry, reason: reason)
    }
}

/// `strerror(3)` text for an errno value, with the errno number.
func systemErrorText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return "\(String(cString: text)) (errno \(code))"
}

@available(*, unavailable)
extension SquashFSReader: Sendable {}
