/// The 96-byte superblock at the start of a SquashFS 4.0 image, decoded and checked.
///
/// squashfuse trusts the superblock: a table offset past the end of the file or a fragment count
/// of four billion makes it allocate or read at random. So the reader decodes the superblock here
/// first, checks every field against the file size, and only then hands the file to squashfuse.
/// All numbers are little-endian on disk (the `hsqs` magic reads `0x73717368`).
public struct SquashFSSuperblock: Equatable, Sendable {
    /// The size of the superblock on disk.
    public static let size = 96
    /// The magic number, the bytes `hsqs` read as a little-endian 32-bit value.
    public static let magic: UInt32 = 0x7371_7368
    /// The value a table offset holds when the table is absent.
    public static let absent = UInt64.max
    /// The size of a metadata block once uncompressed.
    static let metadataBlockSize: UInt64 = 8192

    /// The number of inodes in the image.
    public let inodeCount: UInt32
    /// Creation or last append time, seconds since the epoch (what snapd shows as `build-date`).
    public let modificationTime: UInt32
    /// The data block size in bytes (131072 for snaps).
    public let blockSize: UInt32
    /// The number of fragment blocks (0 for images made with `-no-fragments`).
    public let fragmentCount: UInt32
    /// The compression of data and metadata blocks.
    public let compression: SquashFSCompression
    /// log2 of `blockSize`.
    public let blockLog: UInt16
    /// The superblock flags (`SquashFSFlags`).
    public let flags: SquashFSFlags
    /// The number of entries in the uid/gid table.
    public let idCount: UInt16
    /// The format version, 4.0 for every image this reader accepts.
    public let majorVersion: UInt16
    /// The minor format version.
    public let minorVersion: UInt16
    /// A reference to the root directory inode: metadata block offset << 16 | offset inside it.
    public let rootInode: UInt64
    /// The bytes the filesystem occupies; the file is padded beyond this to a multiple of 4096.
    public let bytesUsed: UInt64
    /// Where the uid/gid lookup table starts.
    public let idTableStart: UInt64
    /// Where the xattr id table starts, or `absent`.
    public let xattrIDTableStart: UInt64
    /// Where the inode table starts.
    public let inodeTableStart: UInt64
    /// Where the directory table starts.
    public let directoryTableStart: UInt64
    /// Where the fragment table starts, or `absent`.
    public let fragmentTableStart: UInt64
    /// Where the NFS export (inode lookup) table starts, or `absent`.
    public let exportTableStart: UInt64

    /// Decodes a superblock from the first bytes of an image.
    ///
    /// Checks only what the superblock says about itself (magic, version, block size); the
    /// offsets are checked against the file by `validateLayout(fileSize:)`.
    /// - Parameter bytes: at least `SquashFSSuperblock.size` bytes from the start of the file.
    /// - Throws: a reason in words when the bytes are not a SquashFS 4.0 superblock.
    public init(bytes: [UInt8]) throws(SquashFSFormatError) {
        guard bytes.count >= Self.size else {
            throw SquashFSFormatError(.notSquashFS, "file is \(bytes.count) bytes, shorter than a SquashFS superblock")
        }
        let reader = LittleEndianReader(bytes)
        guard reader.u32(0) == Self.magic else {
            throw SquashFSFormatError(.notSquashFS, "not a SquashFS image: the first bytes are not \"hsqs\"")
        }

        inodeCount = reader.u32(4)
        modificationTime = reader.u32(8)
        blockSize = reader.u32(12)
        fragmentCount = reader.u32(16)
        let compressionID = reader.u16(20)
        blockLog = reader.u16(22)
        flags = SquashFSFlags(rawValue: reader.u16(24))
        idCount = reader.u16(26)
        majorVersion = reader.u16(28)
        minorVersion = reader.u16(30)
        rootInode = reader.u64(32)
        bytesUsed = reader.u64(40)
        idTableStart = reader.u64(48)
        xattrIDTableStart = reader.u64(56)
        inodeTableStart = reader.u64(64)
        directoryTableStart = reader.u64(72)
        fragmentTableStart = reader.u64(80)
        exportTableStart = reader.u64(88)

        guard majorVersion == 4, minorVersion == 0 else {
            throw SquashFSFormatError(
                .unsupportedVersion,
                "SquashFS version \(majorVersion).\(minorVersion) is not supported (only 4.0 is)"
            )
        }
        guard let compression = SquashFSCompression(rawValue: compressionID) else {
            throw SquashFSFormatError(.unsupportedCompression, "unknown compression id \(compressionID)")
        }
        self.compression = compression
        guard blockSize >= 4096, blockSize <= 1 << 20, blockSize.nonzeroBitCount == 1,
            UInt32(1) << min(blockLog, 31) == blockSize
        else {
            throw SquashFSFormatError(.corrupt, "block size \(blockSize) with log \(blockLog) is not valid")
        }
    }

    /// Checks that every table the superblock points to lies inside a file of `fileSize` bytes.
    ///
    /// - Parameters:
    ///   - fileSize: the length of the image file.
    ///   - xattrIDCount: the number of xattr ids, read from the xattr id table header when
    ///     `xattrIDTableStart` is not `absent`.
    /// - Throws: `truncated` when a table lies past the end of the file, `corrupt` when the
    ///   tables are out of order or a count is impossible.
    public func validateLayout(fileSize: UInt64, xattrIDCount: UInt32 = 0) throws(SquashFSFormatError) {
        guard bytesUsed <= fileSize else {
            throw SquashFSFormatError(
                .truncated,
                "the superblock says \(bytesUsed) bytes are used but the file has only \(fileSize)"
            )
        }
        guard bytesUsed >= UInt64(Self.size), inodeCount > 0, idCount > 0 else {
            throw SquashFSFormatError(.corrupt, "the superblock counts no inodes or no ids")
        }
        guard Self.size <= inodeTableStart, inodeTableStart < directoryTableStart, directoryTableStart < bytesUsed
        else {
            throw SquashFSFormatError(.corrupt, "the inode and directory tables are not inside the image")
        }
        guard (rootInode >> 16) < directoryTableStart - inodeTableStart, rootInode & 0xffff < Self.metadataBlockSize
        else {
            throw SquashFSFormatError(.corrupt, "the root inode reference \(rootInode) points outside the inode table")
        }

        try checkTable("id", start: idTableStart, entries: UInt64(idCount), entrySize: 4)
        if fragmentTableStart == Self.absent {
            guard fragmentCount == 0 else {
                throw SquashFSFormatError(.corrupt, "\(fragmentCount) fragments but no fragment table")
            }
        } else {
            try checkTable("fragment", start: fragmentTableStart, entries: UInt64(fragmentCount), entrySize: 16)
        }
        if exportTableStart != Self.absent {
            try checkTable("export", start: exportTableStart, entries: UInt64(inodeCount), entrySize: 8)
        }
        if xattrIDTableStart != Self.absent {
            try checkTable("xattr id", start: xattrIDTableStart + 16, entries: UInt64(xattrIDCount), entrySize: 16)
        }
    }

    /// Checks that a table's index (one 8-byte pointer per metadata block) ends before `bytesUsed`.
    private func checkTable(
        _ name: String,
        start: UInt64,
        entries: UInt64,
        entrySize: UInt64
    ) throws(SquashFSFormatError) {
        let blocks = (entries * entrySize + Self.metadataBlockSize - 1) / Self.metadataBlockSize
        let (end, overflow) = start.addingReportingOverflow(blocks * 8)
        guard start >= inodeTableStart, !overflow, end <= bytesUsed else {
            throw SquashFSFormatError(
                .corrupt,
                "the \(name) table (\(entries) entries at offset \(start)) lies outside the image"
            )
        }
    }
}

/// The compression of an image's blocks, as numbered in the superblock.
public enum SquashFSCompression: UInt16, Sendable, CustomStringConvertible {
    /// zlib deflate.
    case gzip = 1
    /// Legacy LZMA (not supported by squashfuse).
    case lzma = 2
    /// LZO (`snap pack --compression=lzo`).
    case lzo = 3
    /// XZ, the default for snaps.
    case xz = 4
    /// LZ4.
    case lz4 = 5
    /// Zstandard.
    case zstd = 6

    /// The name `mksquashfs -comp` and `unsquashfs -s` use.
    public var description: String {
        switch self {
        case .gzip: "gzip"
        case .lzma: "lzma"
        case .lzo: "lzo"
        case .xz: "xz"
        case .lz4: "lz4"
        case .zstd: "zstd"
        }
    }
}

/// The superblock flags of a SquashFS 4.0 image.
public struct SquashFSFlags: OptionSet, Equatable, Sendable {
    public let rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// Inodes are stored uncompressed.
    public static let uncompressedInodes = SquashFSFlags(rawValue: 0x0001)
    /// Data blocks are stored uncompressed.
    public static let uncompressedData = SquashFSFlags(rawValue: 0x0002)
    /// Fragments are stored uncompressed.
    public static let uncompressedFragments = SquashFSFlags(rawValue: 0x0008)
    /// No fragments: file tails get their own blocks (`-no-fragments`).
    public static let noFragments = SquashFSFlags(rawValue: 0x0010)
    /// Fragments are used for every file, not only small ones (`-always-use-fragments`).
    public static let alwaysFragments = SquashFSFlags(rawValue: 0x0020)
    /// Identical files were stored once.
    public static let duplicatesRemoved = SquashFSFlags(rawValue: 0x0040)
    /// The export table is present (NFS-exportable).
    public static let exportable = SquashFSFlags(rawValue: 0x0080)
    /// Xattrs are stored uncompressed.
    public static let uncompressedXattrs = SquashFSFlags(rawValue: 0x0100)
    /// No xattrs are stored (`-no-xattrs`).
    public static let noXattrs = SquashFSFlags(rawValue: 0x0200)
    /// Compressor options follow the superblock.
    public static let compressorOptions = SquashFSFlags(rawValue: 0x0400)
    /// The uid/gid table is stored uncompressed.
    public static let uncompressedIDs = SquashFSFlags(rawValue: 0x0800)
}

/// Why bytes are not an acceptable SquashFS superblock; `SnapImage` adds the image path.
public struct SquashFSFormatError: Error, Equatable, Sendable {
    /// The kind of problem, shared with `SnapImageError`.
    public let code: SnapImageError.Code
    /// The cause in words.
    public let reason: String

    init(_ code: SnapImageError.Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }
}

/// Reads little-endian integers from a byte array at offsets the caller has bounds-checked.
struct LittleEndianReader {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    func u16(_ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    func u32(_ offset: Int) -> UInt32 {
        UInt32(u16(offset)) | UInt32(u16(offset + 2)) << 16
    }

    func u64(_ offset: Int) -> UInt64 {
        UInt64(u32(offset)) | UInt64(u32(offset + 4)) << 32
    }
}
