/// snap.yaml as Go's yaml.v2 decodes it into snapd's structure, before snapd
/// assembles plugs, slots, layouts and users from it.
///
/// Keys are handled in file order, each occurrence of a repeated key in turn:
/// scalars and lists take the last value, maps merge (a repeated map key replaces
/// the earlier entry), and fields with their own parsing fail at the first bad
/// occurrence, as yaml.v2 does.
struct DecodedSnapYAML {
    /// The fields decoded straight into the snap.
    var info = SnapInfo(name: "", version: "")
    /// Raw top-level plugs, merged by name, in first-seen order.
    var plugs: [YAMLMapping.Entry] = []
    /// Raw top-level slots, merged by name.
    var slots: [YAMLMapping.Entry] = []
    /// Layout entries with their mode still as text.
    var layout: [RawLayout] = []
    /// Raw `system-usernames` entries.
    var systemUsernames: [YAMLMapping.Entry] = []
    /// Whether the plural `layouts` key is present (snapd calls it a typo).
    var mentionsLayouts = false

    init(root: YAMLNode?, decoder: YAMLDecoder) throws(SnapYAMLError) {
        guard let root, !root.isNull else { return }
        guard let top = decoder.mapping(root, goType: "snap.snapYaml") else { return }
        var architectures: [String]?
        for entry in top.entries {
            for value in entry.allValues {
                try decode(entry.name, value, decoder: decoder, architectures: &architectures)
            }
        }
        if let architectures { info.architectures = architectures }
        // snapd treats the snap named snapd as the snapd type whatever the file says.
        if info.name == "snapd" { info.type = .snapd }
    }

    /// Decodes one occurrence of a top-level key.
    private mutating func decode(
        _ key: String,
        _ value: YAMLNode,
        decoder: YAMLDecoder,
        architectures: inout [String]?
    ) throws(SnapYAMLError) {
        switch key {
        case "name": info.name = decoder.string(value)
        case "version": info.version = decoder.string(value)
        case "summary": info.summary = decoder.string(value)
        case "description": info.description = decoder.string(value)
        case "title": info.title = decoder.string(value)
        case "license": info.license = decoder.string(value)
        case "grade": info.grade = decoder.optionalString(value)
        case "provenance": info.provenance = decoder.optionalString(value)
        case "base": info.base = decoder.optionalString(value)
        case "assumes": info.assumes = decoder.stringList(value)
        case "architectures": architectures = value.isNull ? nil : decoder.stringList(value)
        case "environment": info.environment = try decoder.environment(value)
        case "type": try decodeType(value, decoder: decoder)
        case "confinement": try decodeConfinement(value, decoder: decoder)
        case "epoch": if !value.isNull { info.epoch = try Epoch(yaml: value, decoder: decoder) }
        case "apps": try decodeApps(value, decoder: decoder)
        case "hooks": try decodeHooks(value, decoder: decoder)
        case "plugs": Self.merge(decoder.mapping(value, goType: "map[string]interface {}"), into: &plugs)
        case "slots": Self.merge(decoder.mapping(value, goType: "map[string]interface {}"), into: &slots)
        case "system-usernames":
            Self.merge(decoder.mapping(value, goType: "map[string]interface {}"), into: &systemUsernames)
        case "layout": decodeLayout(value, decoder: decoder)
        case "links": decodeLinks(value, decoder: decoder)
        case "layouts": mentionsLayouts = true
        default: break
        }
    }

    private mutating func decodeType(_ value: YAMLNode, decoder: YAMLDecoder) throws(SnapYAMLError) {
        let text = decoder.string(value)
        guard !text.isEmpty else { return }
        guard let type = SnapType(yamlValue: text) else {
            throw SnapYAMLError(.decoding, "invalid snap type: \(quoted(text))")
        }
        info.type = type
    }

    private mutating func decodeConfinement(_ value: YAMLNode, decoder: YAMLDecoder) throws(SnapYAMLError) {
        let text = decoder.string(value)
        guard !text.isEmpty else { return }
        guard let confinement = Confinement(rawValue: text) else {
            throw SnapYAMLError(.decoding, "invalid confinement type: \(quoted(text))")
        }
        info.confinement = confinement
    }

    /// Merges `apps`: a repeated app name replaces the earlier app in its position.
    private mutating func decodeApps(_ value: YAMLNode, decoder: YAMLDecoder) throws(SnapYAMLError) {
        guard let mapping = decoder.mapping(value, goType: "map[string]snap.appYaml") else { return }
        for entry in mapping.entries {
            for occurrence in entry.allValues {
                let app = try AppInfo(named: entry.name, occurrence, decoder: decoder)
                if let index = info.apps.firstIndex(where: { $0.name == app.name }) {
                    info.apps[index] = app
                } else {
                    info.apps.append(app)
                }
            }
        }
    }

    /// Merges `hooks`, keeping only supported hook names as snapd does.
    private mutating func decodeHooks(_ value: YAMLNode, decoder: YAMLDecoder) throws(SnapYAMLError) {
        guard let mapping = decoder.mapping(value, goType: "map[string]snap.hookYaml") else { return }
        for entry in mapping.entries {
            for occurrence in entry.allValues {
                let hook = try HookInfo(named: entry.name, occurrence, decoder: decoder)
                guard HookInfo.isSupportedName(entry.name) else { continue }
                if let index = info.hooks.firstIndex(where: { $0.name == hook.name }) {
                    info.hooks[index] = hook
                } else {
                    info.hooks.append(hook)
                }
            }
        }
    }

    private mutating func decodeLayout(_ value: YAMLNode, decoder: YAMLDecoder) {
        guard let mapping = decoder.mapping(value, goType: "map[string]snap.layoutYaml") else { return }
        for entry in mapping.entries {
            for occurrence in entry.allValues {
                let raw = RawLayout(path: entry.name, occurrence, decoder: decoder)
                if let index = layout.firstIndex(where: { $0.path == raw.path }) {
                    layout[index] = raw
                } else {
                    layout.append(raw)
                }
            }
        }
    }

    private mutating func decodeLinks(_ value: YAMLNode, decoder: YAMLDecoder) {
        guard let mapping = decoder.mapping(value, goType: "map[string][]string") else { return }
        for entry in mapping.entries {
            for occurrence in entry.allValues {
                let link = SnapLink(key: entry.name, values: decoder.stringList(occurrence))
                if let index = info.links.firstIndex(where: { $0.key == link.key }) {
                    info.links[index] = link
                } else {
                    info.links.append(link)
                }
            }
        }
    }

    /// Adds a map's entries, a repeated key replacing the earlier one in place.
    private static func merge(_ mapping: YAMLMapping?, into list: inout [YAMLMapping.Entry]) {
        guard let mapping else { return }
        for entry in mapping.entries {
            if let index = list.firstIndex(where: { $0.name == entry.name }) {
                list[index] = entry
            } else {
                list.append(entry)
            }
        }
    }
}

/// One `layout` entry as decoded, with its mode still text (snapd parses it later).
struct RawLayout {
    var path: String
    var bind: String = ""
    var bindFile: String = ""
    var type: String = ""
    var symlink: String = ""
    var user: String?
    var group: String?
    var mode: String = ""

    init(path: String, _ node: YAMLNode, decoder: YAMLDecoder) {
        self.path = path
        guard let fields = decoder.mapping(node, goType: "snap.layoutYaml") else { return }
        for field in fields.entries {
            for value in field.allValues {
                switch field.name {
                case "bind": bind = decoder.string(value)
                case "bind-file": bindFile = decoder.string(value)
                case "type": type = decoder.string(value)
                case "symlink": symlink = decoder.string(value)
                case "user": user = decoder.optionalString(value)
                case "group": group = decoder.optionalString(value)
                case "mode": mode = decoder.string(value)
                default: break
                }
            }
        }
    }

    /// The typed entry; a mode that is not octal fails with Go's `strconv` message.
    func entry() throws(SnapYAMLError) -> LayoutEntry {
        var kinds: [LayoutEntry.Kind] = []
        if !bind.isEmpty { kinds.append(.bind(bind)) }
        if !bindFile.isEmpty { kinds.append(.bindFile(bindFile)) }
        if !type.isEmpty { kinds.append(.filesystem(type)) }
        if !symlink.isEmpty { kinds.append(.symlink(symlink)) }
        var result = LayoutEntry(path: path, kinds: kinds, user: user, group: group)
        if !mode.isEmpty {
            guard let value = UInt32(mode, radix: 8), !mode.hasPrefix("+"), !mode.hasPrefix("-") else {
                throw SnapYAMLError(.definition, "strconv.ParseUint: parsing \(quoted(mode)): invalid syntax")
            }
            result.mode = value
        }
        return result
    }
}
