/// A plug or a slot: a named use of an interface, with attributes.
///
/// snap.yaml writes them in three forms (`name:`, `name: interface`,
/// `name: {interface: ..., label: ..., attrs...}`) at top level, and implicitly
/// when an app or hook lists a name that no top-level entry defines.
public struct InterfaceEndpoint: Sendable, Hashable {
    /// The plug or slot name.
    public var name: String
    /// The interface (defaults to the name).
    public var interface: String
    /// A human label (`label`).
    public var label: String
    /// Every other key, in file order.
    public var attributes: [AttributeEntry]
    /// Apps bound to it.
    public var apps: [String]
    /// Hooks bound to it.
    public var hooks: [String]

    /// Creates an endpoint with the interface named like it.
    public init(name: String, interface: String? = nil) {
        self.name = name
        self.interface = interface ?? name
        label = ""
        attributes = []
        apps = []
        hooks = []
    }

    /// The value of an attribute, if present.
    public func attribute(_ key: String) -> AttributeValue? {
        attributes.first { $0.key == key }?.value
    }
}

/// One key and value of an attribute map.
public struct AttributeEntry: Sendable, Hashable {
    /// The key.
    public var key: String
    /// The value.
    public var value: AttributeValue

    /// Creates an entry.
    public init(key: String, value: AttributeValue) {
        self.key = key
        self.value = value
    }
}

/// A plug, slot or user attribute value, normalised as snapd normalises YAML values.
public indirect enum AttributeValue: Sendable, Hashable {
    /// A string (quoted text, or plain text that is not another type).
    case string(String)
    /// A YAML 1.1 integer.
    case int(Int64)
    /// A YAML 1.1 boolean.
    case bool(Bool)
    /// A floating-point number.
    case float(Double)
    /// A list.
    case list([AttributeValue])
    /// A map with string keys, in file order.
    case map([AttributeEntry])
    /// An explicit null.
    case null

    /// The string, if this is one.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The strings of a list, or nil if this is not a list of strings.
    public var stringList: [String]? {
        guard case .list(let items) = self else { return nil }
        var result: [String] = []
        for item in items {
            guard let text = item.stringValue else { return nil }
            result.append(text)
        }
        return result
    }
}
