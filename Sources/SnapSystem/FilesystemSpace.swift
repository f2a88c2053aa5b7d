/// The size and free space of a filesystem, in bytes, as statvfs(3) reports them.
public struct FilesystemSpace: Sendable, Equatable {
    /// The filesystem's size.
    public var totalBytes: UInt64
    /// Free space, including the blocks reserved for root.
    public var freeBytes: UInt64
    /// Free space an unprivileged process can use; the figure to check before a copy.
    public var availableBytes: UInt64
}
