extension AppInfo {
    /// Decodes one app as yaml.v2 fills snapd's app structure: each key in file
    /// order, every occurrence of a repeated key in turn. Restart conditions,
    /// daemon scopes and durations fail at once; type errors go to the decoder.
    init(named name: String, _ node: YAMLNode, decoder: YAMLDecoder) throws(SnapYAMLError) {
        self.init(name: name)
        guard let fields = decoder.mapping(node, goType: "snap.appYaml") else { return }
        for field in fields.entries {
            for value in field.allValues {
                try decode(field.name, value, decoder: decoder)
            }
        }
    }

    private mutating func decode(_ key: String, _ value: YAMLNode, decoder: YAMLDecoder) throws(SnapYAMLError) {
        switch key {
        case "command": command = decoder.string(value)
        case "command-chain": commandChain = decoder.stringList(value)
        case "stop-command": stopCommand = decoder.string(value)
        case "reload-command": reloadCommand = decoder.string(value)
        case "post-stop-command": postStopCommand = decoder.string(value)
        case "bus-name": busName = decoder.string(value)
        case "common-id": commonID = decoder.string(value)
        case "completer": completer = decoder.string(value)
        case "autostart": autostart = decoder.string(value)
        case "plugs": plugs = decoder.stringList(value)
        case "slots": slots = decoder.stringList(value)
        case "activates-on": activatesOn = decoder.stringList(value)
        case "before": before = decoder.stringList(value)
        case "after": after = decoder.stringList(value)
        case "aliases": aliases = decoder.stringList(value)
        case "environment": environment = try decoder.environment(value)
        case "timer":
            // An empty timer is no timer, as snapd reads it.
            let text = decoder.string(value)
            timer = text.isEmpty ? nil : text
        case "daemon": daemon = Self.nonEmpty(decoder.string(value)).map(DaemonKind.init(rawValue:))
        case "stop-mode": stopMode = Self.nonEmpty(decoder.string(value)).map(StopMode.init(rawValue:))
        case "refresh-mode": refreshMode = Self.nonEmpty(decoder.string(value)).map(RefreshMode.init(rawValue:))
        case "install-mode": installMode = Self.nonEmpty(decoder.string(value)).map(InstallMode.init(rawValue:))
        case "daemon-scope": try decodeScope(decoder.string(value))
        case "restart-condition": try decodeRestartCondition(decoder.string(value))
        case "start-timeout": startTimeout = try Self.duration(value, decoder: decoder)
        case "stop-timeout": stopTimeout = try Self.duration(value, decoder: decoder)
        case "watchdog-timeout": watchdogTimeout = try Self.duration(value, decoder: decoder)
        case "restart-delay": restartDelay = try Self.duration(value, decoder: decoder)
        case "sockets": decodeSockets(value, decoder: decoder)
        default: break
        }
    }

    private static func nonEmpty(_ text: String) -> String? {
        text.isEmpty ? nil : text
    }

    private mutating func decodeScope(_ text: String) throws(SnapYAMLError) {
        guard !text.isEmpty else { return }
        guard let scope = DaemonScope(rawValue: text) else {
            throw SnapYAMLError(.decoding, "invalid daemon scope: \(quoted(text))")
        }
        daemonScope = scope
    }

    private mutating func decodeRestartCondition(_ text: String) throws(SnapYAMLError) {
        guard !text.isEmpty else { return }
        guard let condition = RestartCondition(yamlValue: text) else {
            throw SnapYAMLError(.decoding, "invalid restart condition")
        }
        restartCondition = condition
    }

    private static func duration(_ value: YAMLNode, decoder: YAMLDecoder) throws(SnapYAMLError) -> GoDuration? {
        guard let text = decoder.optionalString(value) else { return nil }
        return try GoDuration(parsing: text)
    }

    /// Merges `sockets`; `socket-mode` is a YAML integer (octal when written `0660`).
    private mutating func decodeSockets(_ node: YAMLNode, decoder: YAMLDecoder) {
        guard let mapping = decoder.mapping(node, goType: "map[string]snap.socketsYaml") else { return }
        for entry in mapping.entries {
            for occurrence in entry.allValues {
                let socket = Self.socket(named: entry.name, occurrence, decoder: decoder)
                if let index = sockets.firstIndex(where: { $0.name == socket.name }) {
                    sockets[index] = socket
                } else {
                    sockets.append(socket)
                }
            }
        }
    }

    private static func socket(named name: String, _ node: YAMLNode, decoder: YAMLDecoder) -> SocketInfo {
        var socket = SocketInfo(name: name, listenStream: "")
        guard let fields = decoder.mapping(node, goType: "snap.socketsYaml") else { return socket }
        for field in fields.entries {
            for value in field.allValues {
                switch field.name {
                case "listen-stream":
                    socket.listenStream = decoder.string(value)
                case "socket-mode":
                    guard !value.isNull else { continue }
                    guard case .int(let mode) = YAMLScalarValue(value), mode >= 0, mode <= Int64(UInt32.max) else {
                        decoder.mismatch(value, into: "fs.FileMode")
                        continue
                    }
                    socket.socketMode = UInt32(mode)
                default:
                    break
                }
            }
        }
        return socket
    }
}

extension HookInfo {
    /// Decodes one `hooks` entry: plugs, slots, environment and command chain.
    init(named name: String, _ node: YAMLNode, decoder: YAMLDecoder) throws(SnapYAMLError) {
        self.init(name: name)
        guard let fields = decoder.mapping(node, goType: "snap.hookYaml") else { return }
        for field in fields.entries {
            for value in field.allValues {
                switch field.name {
                case "plugs": plugs = decoder.stringList(value)
                case "slots": slots = decoder.stringList(value)
                case "environment": environment = try decoder.environment(value)
                case "command-chain": commandChain = decoder.stringList(value)
                default: break
                }
            }
        }
    }
}

extension HookInfo {
    /// Hooks snapd knows by exact name.
    public static let fixedNames: Set<String> = [
        "install", "configure", "pre-refresh", "post-refresh", "remove", "check-health",
        "prepare-device", "install-device", "fde-setup", "gate-auto-refresh",
    ]

    /// Prefixes of the interface hooks; the rest of the name is a plug or slot name.
    public static let interfacePrefixes: [String] = [
        "prepare-plug-", "prepare-slot-", "unprepare-plug-", "unprepare-slot-",
        "connect-plug-", "connect-slot-", "disconnect-plug-", "disconnect-slot-",
    ]

    /// Whether snapd supports a hook of this name (the supported pattern, before the
    /// name syntax check): a fixed name, or an interface prefix followed by `[-a-z0-9]+`.
    public static func isSupportedName(_ name: String) -> Bool {
        if fixedNames.contains(name) { return true }
        for prefix in interfacePrefixes where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            return !rest.isEmpty
                && rest.allSatisfy { $0 == "-" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        }
        return false
    }
}
