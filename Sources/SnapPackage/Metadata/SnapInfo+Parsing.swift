extension SnapInfo {
    /// Parses snap.yaml text the way snapd 2.57 reads `meta/snap.yaml`.
    ///
    /// This performs every check snapd makes before its validation step: the YAML
    /// syntax, field types, `type`, `confinement`, `epoch`, restart conditions and
    /// durations, plug and slot definitions, aliases, `activates-on`, layout modes,
    /// `system-usernames` and `links` keys. Unknown keys are ignored; a repeated key
    /// takes its last value, except that maps merge and every occurrence's type
    /// errors count, as with Go's yaml.v2. Plugs and slots snapd would drop are
    /// removed and listed in ``badInterfaces``. Call ``validate()`` afterwards.
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

    /// A summary of the plugs and slots sanitisation dropped, worded as
    /// `snap pack --check-skeleton` prints it, or nil when none were dropped:
    /// `snap "N" has bad plugs or slots: P (reason); Q (reason)`.
    public var badInterfacesSummary: String? {
        guard !badInterfaces.isEmpty else { return nil }
        let items = badInterfaces.map { "\($0.name) (\($0.reason))" }.joined(separator: "; ")
        return "snap \(quoted(name)) has bad plugs or slots: \(items)"
    }

    /// The two stages snapd runs: the YAML decode, then assembling the snap from it.
    private static func parse(root: YAMLNode?, hookFiles: [String]) throws(SnapYAMLError) -> SnapInfo {
        let decoder = YAMLDecoder()
        var decoded = try DecodedSnapYAML(root: root, decoder: decoder)
        try decoder.finish()

        if decoded.mentionsLayouts {
            throw SnapYAMLError(.decoding, "typo detected: use singular \"layout\" instead of plural \"layouts\"")
        }
        for file in hookFiles where HookInfo.isSupportedName(file) && decoded.info.hook(named: file) == nil {
            decoded.info.hooks.append(HookInfo(name: file))
        }

        var info = decoded.info
        try info.assembleInterfaces(plugs: decoded.plugs, slots: decoded.slots)
        try info.checkAliases()
        info.layout = try decoded.layout.map { raw throws(SnapYAMLError) in try raw.entry() }
        info.sanitiseInterfaces()
        info.systemUsernames = try decoded.systemUsernames.map { entry throws(SnapYAMLError) in
            try SystemUsername(entry)
        }
        for link in info.links where !Identifiers.isValidLinksKey(link.key) {
            throw SnapYAMLError(.definition, "links key is invalid: \(link.key)")
        }
        return info
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

extension SystemUsername {
    /// Reads one `system-usernames` entry: a scope string or a map with `scope`.
    init(_ entry: YAMLMapping.Entry) throws(SnapYAMLError) {
        let value = entry.value
        let owner = "system username \(quoted(entry.name))"
        if case .string(let scope) = YAMLScalarValue(value) {
            self.init(name: entry.name, scope: scope)
            return
        }
        if value.isNull { throw SnapYAMLError(.definition, "\(owner) does not specify a scope") }
        guard let fields = value.mapping else {
            let found = YAMLDecoder.goTypeName(value)
            throw SnapYAMLError(.definition, "\(owner) has malformed definition (found \(found))")
        }
        guard let scopeNode = fields["scope"], !scopeNode.isNull else {
            throw SnapYAMLError(.definition, "\(owner) does not specify a scope")
        }
        guard case .string(let scope) = YAMLScalarValue(scopeNode) else {
            let found = YAMLDecoder.goTypeName(scopeNode)
            throw SnapYAMLError(.definition, "scope on \(owner) is not a string (found \(found))")
        }
        var attributes: [AttributeEntry] = []
        for field in fields.entries where field.name != "scope" {
            let owner = "attribute \(quoted(field.name)) of system username \(quoted(entry.name))"
            attributes.append(
                AttributeEntry(key: field.name, value: try YAMLDecoder.attribute(field.value, owner: owner))
            )
        }
        self.init(name: entry.name, scope: scope, attributes: attributes)
    }
}
