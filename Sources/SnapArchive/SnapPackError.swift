/// A failure of `snap pack`, carrying the text the real client prints after `error: ` and its
/// exit status.
///
/// The texts and statuses were read from `snap pack` 2.57.6: usage-level problems and invalid
/// metadata exit 1; a failed or missing `mksquashfs` exits 20.
public struct SnapPackError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong.
    public enum Code: Equatable, Sendable {
        /// Conflicting options (an absolute `--filename` with a target directory).
        case usage
        /// `--compression` other than xz or lzo.
        case unsupportedCompression
        /// `meta/snap.yaml` cannot be read, parsed or validated, or a file it names is wrong.
        case invalidMetadata
        /// Files or directories in the source tree that cannot be opened.
        case unreadableSource
        /// The target directory cannot be created, or the output cannot be written.
        case output
        /// `mksquashfs` could not be started or failed.
        case mksquashfs
    }

    /// What went wrong.
    public let code: Code
    /// The line printed after `error: `, prefixes included (`cannot pack "dir": ...`).
    public let message: String

    /// Lines printed on stderr before the error (one per missing or badly permitted file).
    public let details: [String]

    /// Creates an error with the full message as printed after `error: `.
    public init(_ code: Code, message: String, details: [String] = []) {
        self.code = code
        self.message = message
        self.details = details
    }

    /// The exit status the real client uses for this failure.
    public var exitCode: Int32 {
        switch code {
        case .mksquashfs: 20
        case .usage, .unsupportedCompression, .invalidMetadata, .unreadableSource, .output: 1
        }
    }

    public var description: String { message }
}
