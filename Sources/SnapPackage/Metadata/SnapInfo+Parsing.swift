extension SnapInfo {
    /// Parses snap.yaml text the way snapd 2.57 reads `meta/snap.yaml`.
    ///
    /// This performs every check snapd makes before its validation step: the YAML
    /// syntax, field types, `type`, `confinement`, `epoch`, restart conditions and
    /// durations, plug and slot definitions, aliases, `activates-on`, layout modes
    /// and `system-usernames`. Unknown keys are ignored and the last duplicate key
    /// wins. Plugs and slots snapd would drop are removed and listed in
    /// ``badInterfaces``. Call ``validate()`` afterwards for the remaining rules.
    ///
    /// - Parameters:
    ///   - yaml: The snap.yaml text.
    ///   - hookFiles: Names of the files in the snap's `meta/hooks/`; those with a
    ///     supported hook name become hooks even without a `hooks:` entry.
    /// - Returns: The decoded snap.
    /// - Throws: ``SnapYAMLError`` worded like snapd's message.
    public static func parse(yaml: String, hookFiles: [String] = []) throws(SnapYAMLError) -> SnapInfo {
        try parse(root: try YAMLParser.parse(yaml), hookFiles: hookFiles)
    }

    /// Parses snap.yaml from the bytes of a file; invalid UTF-8 is a syntax error,
    /// as in snapd, where ``parse(yaml:hookFiles:)`` would never see it.
    ///
    /// - Parameters:
    ///   - yamlBytes: The contents of `meta/snap.yaml`.
    ///   - hookFiles: Names of the files in the snap's `meta/hooks/`.
    /// - Returns: The decoded snap.
    /// - Throws: ``SnapYAMLError`` worded like snapd's message.
    public static func parse(yamlBytes: [UInt8], hookFiles: [String] = []) throws(SnapYAMLError) -> SnapInfo {
        try parse(root: try YAMLParser.parse(bytes: yamlBytes), hookFiles: hookFiles)
    }

    private static func parse(root: YAMLNode?, hookFiles: [String]) throws(SnapYAMLError) -> SnapInfo {
        var top = YAMLMapping(entries: [])
        if let root, !root.isNull {
            guard let mapping = root.mapping else { throw FieldReader.mismatch(root, into: "snap.snapYaml") }
            top = mapping
        }
        if top["layouts"] != nil {
            throw SnapYAMLError(.decoding, "typo detected: use singular \"layout\" instead of plural \"layouts\"")
        }

        var info = try decodeTopLevel(top)
        info.apps = try decodeApps(top["apps"])
        info.hooks = try decodeHooks(top["hooks"])
        for file in hookFiles where HookInfo.isSupportedName(file) && info.hook(named: file) == nil {
            info.hooks.append(HookInfo(name: file))
        }
        try info.assembleInterfaces(plugs: top["plugs"], slots: top["slots"])
        try info.checkAliases()
        info.layout = try decodeLayout(top["layout"])
        info.sanitiseInterfaces()
        info.systemUsernames = try decodeSystemUsernames(top["system-usernames"])
        info.links = try decodeLinks(top["links"])
        return info
    }

    /// A summary of the plugs and slots sanitisation dropped, worded as
    /// `snap pack --check-skeleton` prints it, or nil when none were dropped:
    /// `snap "N" has bad plugs or slots: P (reason); Q (reason)`.
    public var badInterfacesSummary: String? {
        guard !badInterfaces.isEmpty else { return nil }
        let items = badInterfaces.map { "\($0.name) (\($0.reason))" }.joined(separator: "; ")
        return "snap \(quoted(name)) has bad plugs or slots: \(items)"
    }

    /// Decodes the scalar and list fields of the top level.
    private static func decodeTopLevel(_ top: YAMLMapping) throws(SnapYAMLError) -> SnapInfo {
        var info = SnapInfo(name: try FieldReader.string(top["name"]), version: try FieldReader.string(top["version"]))
        info.summary = try FieldReader.string(top["summary"])
        info.description = try FieldReader.string(top["description"])
        info.title = try FieldReader.string(top["title"])
        info.license = try FieldReader.string(top["license"])
        info.grade = try FieldReader.optionalString(top["grade"])
        info.provenance = try FieldReader.optionalString(top["provenance"])
        info.base = try FieldReader.optionalString(top["base"])
        info.assumes = try FieldReader.stringList(top["assumes"])
        if top["architectures"] != nil {
            info.architectures = try FieldReader.stringList(top["architectures"])
        }
        info.environment = try FieldReader.environment(top["environment"])

        let typeText = try FieldReader.string(top["type"])
        if !typeText.isEmpty {
            guard let type = SnapType(yamlValue: typeText) else {
                throw SnapYAMLError(.decoding, "invalid snap type: \(quoted(typeText))")
            }
            info.type = type
        }
        // snapd treats the snap named snapd as the snapd type whatever the file says.
        if info.name == "snapd" { info.type = .snapd }

        let confinementText = try FieldReader.string(top["confinement"])
        if !confinementText.isEmpty {
            guard let confinement = Confinement(rawValue: confinementText) else {
                throw SnapYAMLError(.decoding, "invalid confinement type: \(quoted(confinementText))")
            }
            info.confinement = confinement
        }
        if let epoch = top["epoch"], !epoch.isNull {
            info.epoch = try Epoch(yaml: epoch)
        }
        return info
    }

    /// Decodes `layout`, reading each `mode` as octal text.
    private static func decodeLayout(_ node: YAMLNode?) throws(SnapYAMLError) -> [LayoutEntry] {
        guard let mapping = try FieldReader.mapping(node, goType: "map[string]snap.layoutYaml") else { return [] }
        var result: [LayoutEntry] = []
        for entry in mapping.entries {
            var layout = LayoutEntry(path: entry.name, kinds: [])
            guard let fields = try FieldReader.mapping(entry.value, goType: "snap.layoutYaml") else {
                result.append(layout)
                continue
            }
            if let bind = try FieldReader.optionalString(fields["bind"]), !bind.isEmpty {
                layout.kinds.append(.bind(bind))
            }
            if let file = try FieldReader.optionalString(fields["bind-file"]), !file.isEmpty {
                layout.kinds.append(.bindFile(file))
            }
            if let type = try FieldReader.optionalString(fields["type"]), !type.isEmpty {
                layout.kinds.append(.filesystem(type))
            }
            if let link = try FieldReader.optionalString(fields["symlink"]), !link.isEmpty {
                layout.kinds.append(.symlink(link))
            }
            layout.user = try FieldReader.optionalString(fields["user"])
            layout.group = try FieldReader.optionalString(fields["group"])
            if let modeText = try FieldReader.optionalString(fields["mode"]), !modeText.isEmpty {
                guard let mode = UInt32(modeText, radix: 8), !modeText.hasPrefix("+"), !modeText.hasPrefix("-") else {
                    throw SnapYAMLError(.definition, "strconv.ParseUint: parsing \(quoted(modeText)): invalid syntax")
                }
                layout.mode = mode
            }
            result.append(layout)
        }
        return result
    }

    /// Decodes `system-usernames`: a scope string or a map with `scope`.
    private static func decodeSystemUsernames(_ node: YAMLNode?) throws(SnapYAMLError) -> [SystemUsername] {
        guard let mapping = try FieldReader.mapping(node, goType: "map[string]interface {}") else { return [] }
        var result: [SystemUsername] = []
        for entry in mapping.entries {
            let value = entry.value
            if let scope = value.scalarText, !value.isNull {
                result.append(SystemUsername(name: entry.name, scope: scope))
                continue
            }
            guard let fields = value.mapping else {
                let found = FieldReader.goTypeName(value)
                throw SnapYAMLError(
                    .definition,
                    "system username \(quoted(entry.name)) has malformed definition (found \(found))"
                )
            }
            guard let scopeNode = fields["scope"], let scope = scopeNode.scalarText, !scopeNode.isNull else {
                throw SnapYAMLError(.definition, "system username \(quoted(entry.name)) does not specify a scope")
            }
            var attributes: [AttributeEntry] = []
            for field in fields.entries where field.name != "scope" {
                let owner = "system username \(quoted(entry.name))"
                attributes.append(
                    AttributeEntry(key: field.name, value: try FieldReader.attribute(field.value, owner: owner))
                )
            }
            result.append(SystemUsername(name: entry.name, scope: scope, attributes: attributes))
        }
        return result
    }

    /// Decodes `links`: each key holds a list of strings.
    private static func decodeLinks(_ node: YAMLNode?) throws(SnapYAMLError) -> [SnapLink] {
        guard let mapping = try FieldReader.mapping(node, goType: "map[string][]string") else { return [] }
        var result: [SnapLink] = []
        for entry in mapping.entries {
            // snapd checks the keys while reading the links, before validation.
            if !Identifiers.isValidLinksKey(entry.name) {
                throw SnapYAMLError(.definition, "links key is invalid: \(entry.name)")
            }
            result.append(SnapLink(key: entry.name, values: try FieldReader.stringList(entry.value)))
        }
        return result
    }

    /// Checks legacy aliases while apps are assembled: one alias may name one app only.
    private func checkAliases() throws(SnapYAMLError) {
        var owners: [String: String] = [:]
        for app in apps.sorted(by: { $0.name < $1.name }) {
            for alias in app.aliases {
                if let other = owners[alias] {
                    throw SnapYAMLError(
                        .definition,
                        "cannot set \(quoted(alias)) as alias for both \(quoted(other)) and \(quoted(app.name))"
                    )
                }
                owners[alias] = app.name
            }
        }
    }
}
