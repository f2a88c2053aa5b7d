extension SnapInfo {
    /// Builds plugs and slots: the top-level definitions, the implicit ones apps and
    /// hooks name, `activates-on` bindings, then binds unclaimed ones to everything.
    mutating func assembleInterfaces(
        plugs plugEntries: [YAMLMapping.Entry],
        slots slotEntries: [YAMLMapping.Entry]
    ) throws(SnapYAMLError) {
        plugs = try Self.decodeEndpoints(plugEntries, kind: "plug")
        slots = try Self.decodeEndpoints(slotEntries, kind: "slot")
        let claimedPlugs = Set(apps.flatMap(\.plugs) + hooks.flatMap(\.plugs))
        var claimedSlots = Set(apps.flatMap(\.slots) + hooks.flatMap(\.slots))

        for app in apps {
            for name in app.plugs { Self.bind(name, app: app.name, hook: nil, in: &plugs) }
            for name in app.slots { Self.bind(name, app: app.name, hook: nil, in: &slots) }
        }
        for hook in hooks {
            for name in hook.plugs { Self.bind(name, app: nil, hook: hook.name, in: &plugs) }
            for name in hook.slots { Self.bind(name, app: nil, hook: hook.name, in: &slots) }
        }

        // An activating slot must be declared under `slots:` or in the app's own
        // `slots` list: snapd resolves it while setting up that app, before other
        // apps' implicit slots are guaranteed to exist. It becomes bound to the app.
        let declaredSlots = Set(slotEntries.map(\.name))
        for app in apps {
            for name in app.activatesOn {
                let visible = declaredSlots.contains(name) || app.slots.contains(name)
                guard visible, let index = slots.firstIndex(where: { $0.name == name }) else {
                    throw SnapYAMLError(
                        .definition,
                        "invalid activates-on value \(quoted(name)) on app \(quoted(app.name)): slot not found"
                    )
                }
                if !slots[index].apps.contains(app.name) { slots[index].apps.append(app.name) }
                claimedSlots.insert(name)
            }
        }

        // A top-level plug or slot nobody names serves every app and hook.
        for index in plugs.indices where !claimedPlugs.contains(plugs[index].name) {
            plugs[index].apps = apps.map(\.name)
            plugs[index].hooks = hooks.map(\.name)
        }
        for index in slots.indices where !claimedSlots.contains(slots[index].name) {
            slots[index].apps = apps.map(\.name)
            slots[index].hooks = hooks.map(\.name)
        }
    }

    /// Adds an app or hook to a plug or slot, creating an implicit one named like its interface.
    private static func bind(_ name: String, app: String?, hook: String?, in endpoints: inout [InterfaceEndpoint]) {
        let index: Int
        if let existing = endpoints.firstIndex(where: { $0.name == name }) {
            index = existing
        } else {
            endpoints.append(InterfaceEndpoint(name: name))
            index = endpoints.count - 1
        }
        if let app, !endpoints[index].apps.contains(app) { endpoints[index].apps.append(app) }
        if let hook, !endpoints[index].hooks.contains(hook) { endpoints[index].hooks.append(hook) }
    }

    /// Decodes top-level `plugs` or `slots` in their three forms.
    private static func decodeEndpoints(
        _ entries: [YAMLMapping.Entry],
        kind: String
    ) throws(SnapYAMLError) -> [InterfaceEndpoint] {
        var result: [InterfaceEndpoint] = []
        for entry in entries {
            result.append(try decodeEndpoint(named: entry.name, entry.value, kind: kind))
        }
        return result
    }

    private static func decodeEndpoint(
        named name: String,
        _ value: YAMLNode,
        kind: String
    ) throws(SnapYAMLError) -> InterfaceEndpoint {
        let owner = "\(kind) \(quoted(name))"
        if value.isNull { return InterfaceEndpoint(name: name) }
        if case .string(let interface) = YAMLScalarValue(value) {
            return InterfaceEndpoint(name: name, interface: interface)
        }
        guard let fields = value.mapping else {
            let found = YAMLDecoder.goTypeName(value)
            throw SnapYAMLError(.definition, "\(owner) has malformed definition (found \(found))")
        }

        var endpoint = InterfaceEndpoint(name: name)
        for field in fields.entries {
            switch field.name {
            case "interface":
                guard case .string(let interface) = YAMLScalarValue(field.value) else {
                    let found = YAMLDecoder.goTypeName(field.value)
                    throw SnapYAMLError(.definition, "interface name on \(owner) is not a string (found \(found))")
                }
                endpoint.interface = interface
            case "label":
                guard case .string(let label) = YAMLScalarValue(field.value) else {
                    let found = YAMLDecoder.goTypeName(field.value)
                    throw SnapYAMLError(.definition, "label of \(owner) is not a string (found \(found))")
                }
                endpoint.label = label
            case "":
                throw SnapYAMLError(.definition, "\(owner) has an empty attribute key")
            case let key where key.hasPrefix("$"):
                throw SnapYAMLError(.definition, "\(owner) uses reserved attribute \(quoted(key))")
            default:
                let attribute = try YAMLDecoder.attribute(
                    field.value,
                    owner: "attribute \(quoted(field.name)) of \(owner)"
                )
                endpoint.attributes.append(AttributeEntry(key: field.name, value: attribute))
            }
        }
        return endpoint
    }

    /// Removes the plugs and slots snapd's sanitisation drops, recording why.
    ///
    /// snapd checks each one against its interface and silently drops it on
    /// failure; `snap pack` still succeeds. The checks here are the name syntax,
    /// whether the interface exists, and the required attributes of `content`,
    /// `dbus` (`bus`), `personal-files` and `system-files` (`read` or `write`);
    /// other attribute rules are not reproduced.
    mutating func sanitiseInterfaces() {
        var dropped: Set<String> = []
        plugs.removeAll { plug in
            guard let reason = Self.sanitisationFailure(plug, kind: "plug") else { return false }
            badInterfaces.append(BadInterface(name: plug.name, isPlug: true, reason: reason))
            dropped.insert("plug:" + plug.name)
            return true
        }
        slots.removeAll { slot in
            guard let reason = Self.sanitisationFailure(slot, kind: "slot") else { return false }
            badInterfaces.append(BadInterface(name: slot.name, isPlug: false, reason: reason))
            dropped.insert("slot:" + slot.name)
            return true
        }
        guard !dropped.isEmpty else { return }
        // A dropped slot no longer activates anything either.
        for index in apps.indices {
            apps[index].plugs.removeAll { dropped.contains("plug:" + $0) }
            apps[index].slots.removeAll { dropped.contains("slot:" + $0) }
            apps[index].activatesOn.removeAll { dropped.contains("slot:" + $0) }
        }
        for index in hooks.indices {
            hooks[index].plugs.removeAll { dropped.contains("plug:" + $0) }
            hooks[index].slots.removeAll { dropped.contains("slot:" + $0) }
        }
    }

    /// The `dbus` interface needs a `bus` of `session` or `system`, and slots a valid bus `name`.
    private static func dbusProblem(_ endpoint: InterfaceEndpoint, kind: String) -> String? {
        guard let bus = endpoint.attribute("bus")?.stringValue else { return "cannot find attribute 'bus'" }
        guard bus == "session" || bus == "system" else { return "bus '\(bus)' must be one of 'session' or 'system'" }
        guard kind == "slot" else { return nil }
        guard let name = endpoint.attribute("name")?.stringValue else { return "cannot find attribute 'name'" }
        return isDBusBusName(name) ? nil : "invalid DBus bus name: \(quoted(name))"
    }

    /// A well-known D-Bus name: two or more dot-separated elements of `[A-Za-z0-9_-]`,
    /// none starting with a digit, at most 255 characters.
    static func isDBusBusName(_ name: String) -> Bool {
        let elements = name.split(separator: ".", omittingEmptySubsequences: false)
        guard name.utf8.count <= 255, elements.count >= 2 else { return false }
        return elements.allSatisfy { element in
            guard let first = element.utf8.first, !Identifiers.isDigit(first) else { return false }
            return element.utf8.allSatisfy { Identifiers.isAlphanumeric($0) || $0 == 0x5F || $0 == 0x2D }
        }
    }

    private static func sanitisationFailure(_ endpoint: InterfaceEndpoint, kind: String) -> String? {
        guard Identifiers.isInterfaceStyleName(endpoint.name) else {
            return "invalid \(kind) name: \(quoted(endpoint.name))"
        }
        guard KnownInterfaces.names.contains(endpoint.interface) else {
            return "unknown interface \(quoted(endpoint.interface))"
        }
        switch (endpoint.interface, kind) {
        case ("content", "slot") where endpoint.attribute("read") == nil && endpoint.attribute("write") == nil:
            return "read or write path must be set"
        case ("content", "plug") where endpoint.attribute("target") == nil:
            return "content plug must contain target path"
        case ("dbus", _):
            return dbusProblem(endpoint, kind: kind)
        case ("personal-files", "plug"), ("system-files", "plug"):
            let read = endpoint.attribute("read")?.stringList
            let write = endpoint.attribute("write")?.stringList
            if (read ?? []).isEmpty && (write ?? []).isEmpty {
                return "cannot add \(endpoint.interface) plug: needs valid \"read\" or \"write\" attribute"
            }
            return nil
        default:
            return nil
        }
    }
}
