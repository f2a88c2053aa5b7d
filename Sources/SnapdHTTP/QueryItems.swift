/// The decoded `name=value` pairs of a request's query string, in order; a name may repeat
/// and a value may be absent (`?flag`).
public struct QueryItems: Sendable, Hashable {
    /// The pairs in the order the client sent them.
    public private(set) var items: [Item]

    /// One `name[=value]` pair.
    public struct Item: Sendable, Hashable {
        /// The decoded name.
        public var name: String
        /// The decoded value, or nil when the pair had no `=`.
        public var value: String?
    }

    /// Creates query items from pairs.
    public init(_ items: [Item] = []) {
        self.items = items
    }

    /// Appends a pair.
    mutating func append(name: String, value: String?) {
        items.append(Item(name: name, value: value))
    }

    /// The first value given for `name`, or nil when absent or value-less.
    public subscript(name: String) -> String? {
        items.first { $0.name == name }?.value
    }

    /// Every value given for `name`, in order.
    public func values(for name: String) -> [String] {
        items.filter { $0.name == name }.compactMap(\.value)
    }

    /// A comma-separated list given for `name` (`snaps=a,b`), split and without empty parts.
    public func list(for name: String) -> [String] {
        values(for: name).flatMap { $0.split(separator: ",").map(String.init) }
    }
}
