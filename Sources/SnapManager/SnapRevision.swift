/// A snap revision: a number the store assigned (`42`), or a local one given to an
/// unasserted sideload (`x1`). Revisions are text on the wire.
public struct SnapRevision: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The revision number, positive.
    public let number: Int
    /// True for a revision given locally to a sideloaded snap (`x1`, `x2`...).
    public let isLocal: Bool

    /// Creates a revision.
    public init(_ number: Int, isLocal: Bool) {
        self.number = number
        self.isLocal = isLocal
    }

    /// Parses `42` or `x3`; nil for anything else (zero, negative, junk).
    public init?(_ text: String) {
        let local = text.hasPrefix("x")
        guard let number = Int(local ? String(text.dropFirst()) : text), number > 0 else { return nil }
        self.init(number, isLocal: local)
    }

    /// `42` or `x3`.
    public var description: String { isLocal ? "x\(number)" : "\(number)" }

    /// Local revisions sort after store ones; within a kind, by number.
    public static func < (lhs: SnapRevision, rhs: SnapRevision) -> Bool {
        if lhs.isLocal != rhs.isLocal { return !lhs.isLocal }
        return lhs.number < rhs.number
    }
}
