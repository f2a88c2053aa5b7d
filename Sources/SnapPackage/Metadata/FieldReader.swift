/// Reads YAML nodes into field values the way Go's yaml.v2 fills a struct field:
/// any scalar into a string keeps its text, null gives the empty value, and a
/// node of the wrong shape fails with yaml.v2's `cannot unmarshal` message.
enum FieldReader {
    /// A string field: scalar text, or "" for null or absent.
    static func string(_ node: YAMLNode?) throws(SnapYAMLError) -> String {
        guard let node, !node.isNull else { return "" }
        guard let text = node.scalarText else { throw mismatch(node, into: "string") }
        return text
    }

    /// An optional string field: nil when absent or null.
    static func optionalString(_ node: YAMLNode?) throws(SnapYAMLError) -> String? {
        guard let node, !node.isNull else { return nil }
        return try string(node)
    }

    /// A `[]string` field.
    static func stringList(_ node: YAMLNode?) throws(SnapYAMLError) -> [String] {
        guard let node, !node.isNull else { return [] }
        guard let items = node.sequence else { throw mismatch(node, into: "[]string") }
        var result: [String] = []
        for item in items {
            result.append(try string(item))
        }
        return result
    }

    /// A map field: nil when absent or null.
    static func mapping(_ node: YAMLNode?, goType: String) throws(SnapYAMLError) -> YAMLMapping? {
        guard let node, !node.isNull else { return nil }
        guard let mapping = node.mapping else { throw mismatch(node, into: goType) }
        return mapping
    }

    /// An ordered string map such as `environment`.
    static func environment(_ node: YAMLNode?) throws(SnapYAMLError) -> [EnvironmentVariable] {
        guard let mapping = try mapping(node, goType: "strutil.OrderedMap") else { return [] }
        var result: [EnvironmentVariable] = []
        for entry in mapping.entries {
            guard let value = entry.value.isNull ? "" : entry.value.scalarText else {
                throw mismatch(entry.value, into: "string")
            }
            result.append(EnvironmentVariable(name: entry.name, value: value))
        }
        return result
    }

    /// yaml.v2's type error for a node that does not fit its field.
    static func mismatch(_ node: YAMLNode, into goType: String) -> SnapYAMLError {
        var shown = ""
        if let text = node.scalarText {
            shown = text.count > 10 ? " `\(text.prefix(7))...`" : " `\(text)`"
        }
        let reason =
            "yaml: unmarshal errors:\n  line \(node.line): cannot unmarshal \(node.kindName)\(shown) into \(goType)"
        return SnapYAMLError(.decoding, reason)
    }

    /// Converts a node into an attribute value as snapd normalises YAML values.
    static func attribute(_ node: YAMLNode, owner: String) throws(SnapYAMLError) -> AttributeValue {
        switch node.content {
        case .sequence(let items):
            var values: [AttributeValue] = []
            for item in items {
                values.append(try attribute(item, owner: owner))
            }
            return .list(values)
        case .mapping(let entries):
            var values: [AttributeEntry] = []
            for entry in entries {
                guard entry.key.scalarText != nil else {
                    throw SnapYAMLError(.definition, "\(owner) has attribute with non-string key")
                }
                values.append(AttributeEntry(key: entry.name, value: try attribute(entry.value, owner: owner)))
            }
            return .map(values)
        case .scalar:
            switch YAMLScalarValue(node) {
            case .null: return .null
            case .bool(let value): return .bool(value)
            case .int(let value): return .int(value)
            case .float(let value): return .float(value)
            case .string(let value): return .string(value)
            }
        }
    }

    /// The Go type name snapd shows for a value of the wrong shape.
    static func goTypeName(_ node: YAMLNode) -> String {
        switch node.content {
        case .sequence: return "[]interface {}"
        case .mapping: return "map[interface {}]interface {}"
        case .scalar:
            switch YAMLScalarValue(node) {
            case .null: return "<nil>"
            case .bool: return "bool"
            case .int: return "int"
            case .float: return "float64"
            case .string: return "string"
            }
        }
    }
}
