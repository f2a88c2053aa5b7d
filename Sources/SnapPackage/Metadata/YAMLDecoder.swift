/// Reads YAML nodes into field values the way Go's yaml.v2 fills a struct.
///
/// Any scalar read into a string keeps its text and null gives the empty value.
/// A node of the wrong shape is a type error: like yaml.v2, the decoder records it,
/// carries on with the empty value, and ``finish()`` reports every one together
/// (`yaml: unmarshal errors:` then one `line N: cannot unmarshal ...` per line).
/// Errors from fields with their own parsing (type, confinement, epoch, durations)
/// are thrown at once by the callers instead, which is also what yaml.v2 does.
///
/// Concurrency model: one decoder serves one parse on one thread; it is never shared.
final class YAMLDecoder {
    private var typeErrors: [(line: Int, text: String)] = []

    /// Throws the collected type errors, if any, in document order.
    func finish() throws(SnapYAMLError) {
        guard !typeErrors.isEmpty else { return }
        let lines = typeErrors.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }
        throw SnapYAMLError(
            .decoding,
            "yaml: unmarshal errors:\n  " + lines.map(\.element.text).joined(separator: "\n  ")
        )
    }

    /// Records yaml.v2's type error for a node that does not fit its field.
    func mismatch(_ node: YAMLNode, into goType: String) {
        typeErrors.append((node.line, Self.mismatchLine(node, into: goType)))
    }

    /// A string field: scalar text, or "" for null, absent or mismatched.
    func string(_ node: YAMLNode?) -> String {
        guard let node, !node.isNull else { return "" }
        guard let text = node.scalarText else {
            mismatch(node, into: "string")
            return ""
        }
        return text
    }

    /// An optional string field: nil when absent or null.
    func optionalString(_ node: YAMLNode?) -> String? {
        guard let node, !node.isNull else { return nil }
        return string(node)
    }

    /// A `[]string` field.
    func stringList(_ node: YAMLNode?) -> [String] {
        guard let node, !node.isNull else { return [] }
        guard let items = node.sequence else {
            mismatch(node, into: "[]string")
            return []
        }
        return items.map { string($0) }
    }

    /// A map or structure field: nil when absent, null or mismatched. Every key is
    /// read as a string, so a sequence or mapping used as a key is a type error.
    func mapping(_ node: YAMLNode?, goType: String) -> YAMLMapping? {
        guard let node, !node.isNull else { return nil }
        guard let mapping = node.mapping else {
            mismatch(node, into: goType)
            return nil
        }
        for entry in mapping.entries where entry.key.scalarText == nil {
            mismatch(entry.key, into: "string")
        }
        return mapping
    }

    /// An `environment` map of strings, in file order; snapd refuses a repeated key here.
    func environment(_ node: YAMLNode?) throws(SnapYAMLError) -> [EnvironmentVariable] {
        guard let mapping = mapping(node, goType: "map[string]string") else { return [] }
        var result: [EnvironmentVariable] = []
        for entry in mapping.entries {
            if !entry.shadowed.isEmpty {
                throw SnapYAMLError(.decoding, "found duplicate key \(quoted(entry.name))")
            }
            result.append(EnvironmentVariable(name: entry.name, value: string(entry.value)))
        }
        return result
    }

    /// yaml.v2's line for a type error; scalars show their text, shortened past 10 characters.
    static func mismatchLine(_ node: YAMLNode, into goType: String) -> String {
        var shown = ""
        if let text = node.scalarText {
            shown = text.count > 10 ? " `\(text.prefix(7))...`" : " `\(text)`"
        }
        return "line \(node.line): cannot unmarshal \(node.kindName)\(shown) into \(goType)"
    }

    /// A single type error thrown at once, for callers outside a full decode.
    static func mismatchError(_ node: YAMLNode, into goType: String) -> SnapYAMLError {
        SnapYAMLError(.decoding, "yaml: unmarshal errors:\n  " + mismatchLine(node, into: goType))
    }

    /// Converts a node into an attribute value as snapd normalises YAML values.
    ///
    /// - Parameters:
    ///   - node: The attribute's value.
    ///   - owner: How snapd names the attribute in messages, e.g. `attribute "a" of plug "p"`.
    /// - Returns: The normalised value.
    /// - Throws: ``SnapYAMLError`` for a null or a non-string key anywhere inside.
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
                guard case .string(let key) = YAMLScalarValue(entry.key) else {
                    let shown = entry.key.scalarText ?? goTypeName(entry.key)
                    throw SnapYAMLError(.definition, "\(owner): non-string key: \(shown)")
                }
                values.append(AttributeEntry(key: key, value: try attribute(entry.value, owner: owner)))
            }
            return .map(values)
        case .scalar:
            switch YAMLScalarValue(node) {
            case .null: throw SnapYAMLError(.definition, "\(owner): invalid scalar: <nil>")
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
