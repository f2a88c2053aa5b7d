import CYAML

/// Reads YAML text into a ``YAMLNode`` tree with libyaml's event API.
///
/// Only the first document is read, as Go's yaml.v2 `Unmarshal` does. Aliases are
/// expanded in place; a document whose aliases would expand past
/// ``maximumExpandedNodes`` is refused, which stops alias bombs. Nesting deeper than
/// ``maximumDepth`` is refused too: yaml.v2 allows 10 000 levels, but no snap.yaml
/// needs more than a handful, and a shallow limit keeps every later recursive walk
/// of the tree safe on small thread stacks. Merge keys (`<<`) are ordinary keys here.
///
/// Errors read like yaml.v2's: `yaml: line N: <libyaml problem>`.
public enum YAMLParser {
    /// The deepest nesting of sequences and mappings accepted.
    public static let maximumDepth = 256
    /// The most nodes a document may hold once aliases are expanded.
    public static let maximumExpandedNodes = 200_000

    /// Parses the first document of `text`.
    ///
    /// - Parameter text: YAML source, UTF-8.
    /// - Returns: The document's root node, or nil for an empty stream.
    /// - Throws: ``SnapYAMLError`` of kind `.syntax` naming the line and libyaml's problem.
    public static func parse(_ text: String) throws(SnapYAMLError) -> YAMLNode? {
        try parse(bytes: Array(text.utf8))
    }

    /// Parses the first document of raw bytes, which libyaml checks for valid UTF-8
    /// (or UTF-16 with a byte-order mark), as yaml.v2 does.
    ///
    /// - Parameter bytes: YAML source as read from a file.
    /// - Returns: The document's root node, or nil for an empty stream.
    /// - Throws: ``SnapYAMLError`` of kind `.syntax`.
    public static func parse(bytes: [UInt8]) throws(SnapYAMLError) -> YAMLNode? {
        var bytes = bytes
        if bytes.isEmpty { return nil }
        let count = bytes.count
        return try bytes.withUnsafeMutableBufferPointer { (buffer) throws(SnapYAMLError) -> YAMLNode? in
            var builder = TreeBuilder()
            return try builder.run(input: buffer.baseAddress, count: count)
        }
    }
}

/// Drives libyaml and assembles nodes from its events on an explicit stack.
private struct TreeBuilder {
    /// A collection being filled; mutated in place on the stack so its arrays stay uniquely owned.
    private struct Frame {
        var isMapping: Bool
        var anchor: String?
        var tag: String?
        var line: Int
        var nodeCount = 1
        var items: [YAMLNode] = []
        var entries: [YAMLMapping.Entry] = []
        var index: [String: Int] = [:]
        var pendingKey: YAMLNode?

        init(isMapping: Bool, anchor: String?, tag: String?, line: Int) {
            self.isMapping = isMapping
            self.anchor = anchor
            self.tag = tag
            self.line = line
        }

        /// Makes `value` the entry's value, keeping the replaced one as shadowed.
        mutating func replaceValue(at position: Int, with value: YAMLNode) {
            entries[position].shadowed.append(entries[position].value)
            entries[position].value = value
        }

        /// Adds an entry; a key seen before keeps its position and takes the new value.
        ///
        /// Small mappings are searched directly; an index is built once a mapping grows.
        mutating func insert(_ entry: YAMLMapping.Entry) {
            guard let name = entry.key.scalarText else {
                entries.append(entry)
                return
            }
            if entries.count < 16 {
                if let position = entries.firstIndex(where: { $0.key.scalarText == name }) {
                    replaceValue(at: position, with: entry.value)
                } else {
                    entries.append(entry)
                }
                return
            }
            if index.isEmpty {
                for (position, existing) in entries.enumerated() {
                    if let key = existing.key.scalarText, index[key] == nil { index[key] = position }
                }
            }
            if let position = index[name] {
                replaceValue(at: position, with: entry.value)
            } else {
                index[name] = entries.count
                entries.append(entry)
            }
        }
    }

    private var stack: [Frame] = []
    /// Set once nesting passes the limit. A few more events are then scanned (not
    /// built), so that a syntax error close behind, typical of unterminated nesting,
    /// is reported as yaml.v2 reports it. The scan is bounded because libyaml's
    /// scanner does work proportional to the nesting depth for every token.
    private var tooDeep = false
    private var eventsScannedTooDeep = 0
    private static let scanBudgetTooDeep = 4000
    private var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    private var expandedNodes = 0
    private var root: YAMLNode?

    mutating func run(input: UnsafeMutablePointer<UInt8>?, count: Int) throws(SnapYAMLError) -> YAMLNode? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw SnapYAMLError(.syntax, "yaml: cannot initialise the YAML parser")
        }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_string(&parser, input, count)

        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else {
                throw Self.syntaxError(parser)
            }
            defer { yaml_event_delete(&event) }
            let finished = try handle(event)
            if finished { return root }
        }
    }

    /// Consumes one event; returns true when the first document is complete.
    private mutating func handle(_ event: yaml_event_t) throws(SnapYAMLError) -> Bool {
        let line = Int(event.start_mark.line) + 1
        if tooDeep {
            eventsScannedTooDeep += 1
            let ended = event.type == YAML_STREAM_END_EVENT || event.type == YAML_DOCUMENT_END_EVENT
            guard ended || eventsScannedTooDeep > Self.scanBudgetTooDeep else { return false }
            throw SnapYAMLError(.syntax, "yaml: exceeded max depth of \(YAMLParser.maximumDepth)")
        }
        switch event.type {
        case YAML_STREAM_END_EVENT, YAML_DOCUMENT_END_EVENT:
            return true
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = Self.string(scalar.value, length: scalar.length)
            let node = YAMLNode(
                .scalar(text, style: Self.style(scalar.style)),
                tag: Self.optionalString(scalar.tag),
                line: line
            )
            try add(node, size: 1, anchor: Self.optionalString(scalar.anchor))
        case YAML_ALIAS_EVENT:
            let name = Self.optionalString(event.data.alias.anchor) ?? ""
            guard let anchored = anchors[name] else {
                throw SnapYAMLError(.syntax, "yaml: unknown anchor '\(name)' referenced")
            }
            try add(anchored.node, size: anchored.size, anchor: nil)
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            try push(
                Frame(
                    isMapping: false,
                    anchor: Self.optionalString(start.anchor),
                    tag: Self.optionalString(start.tag),
                    line: line
                )
            )
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            try push(
                Frame(
                    isMapping: true,
                    anchor: Self.optionalString(start.anchor),
                    tag: Self.optionalString(start.tag),
                    line: line
                )
            )
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            try pop()
        default:
            break
        }
        return false
    }

    private mutating func push(_ frame: Frame) throws(SnapYAMLError) {
        guard stack.count < YAMLParser.maximumDepth else {
            tooDeep = true
            stack.removeAll()
            return
        }
        stack.append(frame)
    }

    private mutating func pop() throws(SnapYAMLError) {
        guard let frame = stack.popLast() else { return }
        let content: YAMLNode.Content = frame.isMapping ? .mapping(frame.entries) : .sequence(frame.items)
        try add(YAMLNode(content, tag: frame.tag, line: frame.line), size: frame.nodeCount, anchor: frame.anchor)
    }

    /// Places a finished node into the collection on top of the stack, or makes it the root.
    private mutating func add(_ node: YAMLNode, size: Int, anchor: String?) throws(SnapYAMLError) {
        expandedNodes += size
        guard expandedNodes <= YAMLParser.maximumExpandedNodes else {
            throw SnapYAMLError(.syntax, "yaml: document contains excessive aliasing")
        }
        if let anchor { anchors[anchor] = (node, size) }

        let top = stack.count - 1
        guard top >= 0 else {
            root = node
            return
        }
        stack[top].nodeCount += size
        if !stack[top].isMapping {
            stack[top].items.append(node)
        } else if let key = stack[top].pendingKey {
            stack[top].pendingKey = nil
            stack[top].insert(YAMLMapping.Entry(key: key, value: node))
        } else {
            stack[top].pendingKey = node
        }
    }

    /// Builds yaml.v2's message: the line of the problem (or of its context) and libyaml's text.
    private static func syntaxError(_ parser: yaml_parser_t) -> SnapYAMLError {
        var line = 0
        if parser.problem_mark.line != 0 {
            line = Int(parser.problem_mark.line)
            // The scanner stops before moving past the offending line.
            if parser.error == YAML_SCANNER_ERROR { line += 1 }
        } else if parser.context_mark.line != 0 {
            line = Int(parser.context_mark.line)
        }
        let location = line != 0 ? "line \(line): " : ""
        let problem = optionalString(parser.problem) ?? "unknown problem parsing YAML content"
        return SnapYAMLError(.syntax, "yaml: \(location)\(problem)")
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLNode.ScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: return .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: return .literal
        case YAML_FOLDED_SCALAR_STYLE: return .folded
        default: return .plain
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int) -> String {
        guard let pointer else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    private static func optionalString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    private static func optionalString(_ pointer: UnsafePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}
