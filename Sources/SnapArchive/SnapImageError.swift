/// A failure to read a `.snap` image, naming the image, the entry when there is one, and the cause.
///
/// Every message starts with `cannot read snap "<image>"` so a user can tell which file is at
/// fault, then names the entry inside the image (`meta/snap.yaml`) and what is wrong with it.
public struct SnapImageError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What kind of problem the image has.
    public enum Code: Equatable, Sendable {
        /// The image file could not be opened or read (`open(2)`, `pread(2)`, `fstat(2)`).
        case io
        /// The file is not a SquashFS image (wrong magic bytes or too short for a superblock).
        case notSquashFS
        /// A SquashFS version other than 4.0.
        case unsupportedVersion
        /// A compression squashfuse cannot decode.
        case unsupportedCompression
        /// The file ends before the data its superblock or tables point to.
        case truncated
        /// A table, inode or directory holds values that cannot be right.
        case corrupt
        /// The entry does not exist in the image.
        case entryNotFound
        /// The entry exists but is not what the caller asked for (a directory instead of a file...).
        case wrongEntryType
        /// A FIFO, socket or device node where only files, directories and symlinks belong.
        case specialFile
        /// A symlink whose target leaves the image (absolute, or climbing above the root).
        case symlinkOutsideImage
        /// Too many symlinks followed while resolving one path.
        case symlinkLoop
        /// A file larger than the caller's limit.
        case fileTooLarge
    }

    /// What kind of problem the image has.
    public let code: Code
    /// The path of the image file, as given by the caller.
    public let image: String
    /// The path inside the image, when the problem belongs to one entry.
    public let entry: String?
    /// The cause in words.
    public let reason: String

    /// Creates an error for `image` (and `entry`, when given) with the cause in words.
    public init(_ code: Code, image: String, entry: String? = nil, reason: String) {
        self.code = code
        self.image = image
        self.entry = entry
        self.reason = reason
    }

    public var description: String {
        guard let entry else {
            return "cannot read snap \"\(image)\": \(reason)"
        }
        return "cannot read snap \"\(image)\": entry \"\(entry)\": \(reason)"
    }
}
