/// A snap's epoch: which data formats a revision can read and write.
///
/// snap.yaml writes it as `N`, `N*` (reads `N-1` and `N`, writes `N`), or
/// `{read: [...], write: [...]}`. A revision may replace an installed one only when
/// its ``read`` list shares a value with the installed one's ``write`` list.
public struct Epoch: Sendable, Hashable, CustomStringConvertible {
    /// Formats this revision reads, strictly increasing.
    public var read: [UInt32]
    /// Formats this revision writes, strictly increasing.
    public var write: [UInt32]

    /// The zero epoch, `[0]` both ways.
    public init() {
        read = [0]
        write = [0]
    }

    /// Creates an epoch from its lists.
    public init(read: [UInt32], write: [UInt32]) {
        self.read = read
        self.write = write
    }

    /// Whether a revision with this epoch can read data written by one with `other`.
    public func canRead(_ other: Epoch) -> Bool {
        read.contains { other.write.contains($0) }
    }

    /// The short form when one exists (`0`, `5`, `5*`), else `{read: [...], write: [...]}`.
    public var description: String {
        if read == write, read.count == 1, let only = read.first {
            return String(only)
        }
        if write.count == 1, let last = write.first, last > 0, read == [last - 1, last] {
            return "\(last)*"
        }
        let readText = read.map(String.init).joined(separator: ", ")
        let writeText = write.map(String.init).joined(separator: ", ")
        return "{read: [\(readText)], write: [\(writeText)]}"
    }
}
