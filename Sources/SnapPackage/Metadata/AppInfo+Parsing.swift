extension SnapInfo {
    /// Decodes `apps`, in file order.
    static func decodeApps(_ node: YAMLNode?) throws(SnapYAMLError) -> [AppInfo] {
        guard let mapping = try FieldReader.mapping(node, goType: "map[string]snap.appYaml") else { return [] }
        var apps: [AppInfo] = []
        for entry in mapping.entries {
            apps.append(try decodeApp(named: entry.name, entry.value))
        }
        return apps
    }

    /// Decodes one app; parse-time checks (restart condition, durations, scope) happen here.
    private static func decodeApp(named name: String, _ node: YAMLNode) throws(SnapYAMLError) -> AppInfo {
        var app = AppInfo(name: name)
        guard let fields = try FieldReader.mapping(node, goType: "snap.appYaml") else { return app }

        app.command = try FieldReader.string(fields["command"])
        app.commandChain = try FieldReader.stringList(fields["command-chain"])
        app.stopCommand = try FieldReader.string(fields["stop-command"])
        app.reloadCommand = try FieldReader.string(fields["reload-command"])
        app.postStopCommand = try FieldReader.string(fields["post-stop-command"])
        app.busName = try FieldReader.string(fields["bus-name"])
        app.commonID = try FieldReader.string(fields["common-id"])
        app.completer = try FieldReader.string(fields["completer"])
        app.autostart = try FieldReader.string(fields["autostart"])
        app.plugs = try FieldReader.stringList(fields["plugs"])
        app.slots = try FieldReader.stringList(fields["slots"])
        app.activatesOn = try FieldReader.stringList(fields["activates-on"])
        app.before = try FieldReader.stringList(fields["before"])
        app.after = try FieldReader.stringList(fields["after"])
        app.aliases = try FieldReader.stringList(fields["aliases"])
        app.environment = try FieldReader.environment(fields["environment"])
        // An empty timer is no timer, as snapd reads it.
        if let timer = try FieldReader.optionalString(fields["timer"]), !timer.isEmpty { app.timer = timer }

        try decodeServiceKinds(fields, into: &app)
        try decodeDurations(fields, into: &app)
        app.sockets = try decodeSockets(fields["sockets"])
        return app
    }

    /// Reads `daemon`, `daemon-scope`, `restart-condition` and the mode fields.
    private static func decodeServiceKinds(_ fields: YAMLMapping, into app: inout AppInfo) throws(SnapYAMLError) {
        if let daemon = try FieldReader.optionalString(fields["daemon"]), !daemon.isEmpty {
            app.daemon = DaemonKind(rawValue: daemon)
        }
        if let scope = try FieldReader.optionalString(fields["daemon-scope"]), !scope.isEmpty {
            guard let parsed = DaemonScope(rawValue: scope) else {
                throw SnapYAMLError(.decoding, "invalid daemon scope: \(quoted(scope))")
            }
            app.daemonScope = parsed
        }
        if let condition = try FieldReader.optionalString(fields["restart-condition"]), !condition.isEmpty {
            guard let parsed = RestartCondition(yamlValue: condition) else {
                throw SnapYAMLError(.decoding, "invalid restart condition")
            }
            app.restartCondition = parsed
        }
        if let mode = try FieldReader.optionalString(fields["stop-mode"]), !mode.isEmpty {
            app.stopMode = StopMode(rawValue: mode)
        }
        if let mode = try FieldReader.optionalString(fields["refresh-mode"]), !mode.isEmpty {
            app.refreshMode = RefreshMode(rawValue: mode)
        }
        if let mode = try FieldReader.optionalString(fields["install-mode"]), !mode.isEmpty {
            app.installMode = InstallMode(rawValue: mode)
        }
    }

    /// Reads the Go-duration fields.
    private static func decodeDurations(_ fields: YAMLMapping, into app: inout AppInfo) throws(SnapYAMLError) {
        func duration(_ key: String) throws(SnapYAMLError) -> GoDuration? {
            guard let text = try FieldReader.optionalString(fields[key]) else { return nil }
            return try GoDuration(parsing: text)
        }
        app.startTimeout = try duration("start-timeout")
        app.stopTimeout = try duration("stop-timeout")
        app.watchdogTimeout = try duration("watchdog-timeout")
        app.restartDelay = try duration("restart-delay")
    }

    /// Decodes `sockets`; `socket-mode` is a YAML integer (octal when written `0660`).
    private static func decodeSockets(_ node: YAMLNode?) throws(SnapYAMLError) -> [SocketInfo] {
        guard let mapping = try FieldReader.mapping(node, goType: "map[string]snap.socketsYaml") else { return [] }
        var sockets: [SocketInfo] = []
        for entry in mapping.entries {
            var socket = SocketInfo(name: entry.name, listenStream: "")
            if let fields = try FieldReader.mapping(entry.value, goType: "snap.socketsYaml") {
                socket.listenStream = try FieldReader.string(fields["listen-stream"])
                if let modeNode = fields["socket-mode"], !modeNode.isNull {
                    guard case .int(let mode) = YAMLScalarValue(modeNode), mode >= 0, mode <= Int64(UInt32.max) else {
                        throw FieldReader.mismatch(modeNode, into: "fs.FileMode")
                    }
                    socket.socketMode = UInt32(mode)
                }
            }
            sockets.append(socket)
        }
        return sockets
    }

    /// Decodes `hooks`, keeping only supported hook names as snapd does.
    static func decodeHooks(_ node: YAMLNode?) throws(SnapYAMLError) -> [HookInfo] {
        guard let mapping = try FieldReader.mapping(node, goType: "map[string]snap.hookYaml") else { return [] }
        var hooks: [HookInfo] = []
        for entry in mapping.entries where HookInfo.isSupportedName(entry.name) {
            var hook = HookInfo(name: entry.name)
            if let fields = try FieldReader.mapping(entry.value, goType: "snap.hookYaml") {
                hook.plugs = try FieldReader.stringList(fields["plugs"])
                hook.slots = try FieldReader.stringList(fields["slots"])
                hook.environment = try FieldReader.environment(fields["environment"])
                hook.commandChain = try FieldReader.stringList(fields["command-chain"])
            }
            hooks.append(hook)
        }
        return hooks
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
