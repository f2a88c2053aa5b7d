extension AppInfo {
    /// The characters allowed in commands and `bus-name`.
    public static let commandPattern = "^[A-Za-z0-9/. _#:$-]*$"
    /// The characters allowed in each `command-chain` entry (no space).
    public static let commandChainPattern = "^[A-Za-z0-9/._#:$-]*$"

    /// Whether a command field uses only `[A-Za-z0-9/. _#:$-]`.
    public static func isLegalCommand(_ text: String) -> Bool {
        text.utf8.allSatisfy { Identifiers.isAlphanumeric($0) || "/. _#:$-".utf8.contains($0) }
    }

    /// Whether a command-chain entry uses only `[A-Za-z0-9/._#:$-]`.
    public static func isLegalCommandChainEntry(_ text: String) -> Bool {
        text.utf8.allSatisfy { Identifiers.isAlphanumeric($0) || "/._#:$-".utf8.contains($0) }
    }
}

extension SnapInfo {
    /// The rules for one app; the caller adds `invalid definition of application "A": `.
    func validate(_ app: AppInfo) throws(SnapYAMLError) {
        if let daemon = app.daemon, !DaemonKind.known.contains(daemon) {
            throw fault("\"daemon\" field contains invalid value \(quoted(daemon.rawValue))")
        }
        if app.daemonScope != nil && !app.isService { throw fault("\"daemon-scope\" can only be set for daemons") }
        if !Identifiers.isValidAppName(app.name) {
            throw fault("cannot have \(quoted(app.name)) as app name - use letters, digits, and dash as separator")
        }

        try validateCharacters(app)
        try validateServiceOnlyFields(app)
        try validateModes(app)
        try validateSockets(app)
        if let timer = app.timer {
            if !app.isService { throw fault("timer is only applicable to services") }
            do throws(SnapYAMLError) {
                try TimerSchedule.validate(timer)
            } catch {
                throw fault("timer has invalid format: \(error.reason)")
            }
        }
        try validateActivation(app)
        try validateOrderingNames(app)
    }

    private func fault(_ reason: String) -> SnapYAMLError {
        SnapYAMLError(.definition, reason)
    }

    /// The command fields' character sets.
    private func validateCharacters(_ app: AppInfo) throws(SnapYAMLError) {
        let fields = [
            ("command", app.command), ("stop-command", app.stopCommand), ("reload-command", app.reloadCommand),
            ("post-stop-command", app.postStopCommand), ("bus-name", app.busName),
        ]
        for (field, value) in fields where !AppInfo.isLegalCommand(value) {
            throw fault(
                "app description field '\(field)' contains illegal \(quoted(value)) (legal: '\(AppInfo.commandPattern)')"
            )
        }
        for entry in app.commandChain where !AppInfo.isLegalCommandChainEntry(entry) {
            throw fault(
                "app description field 'command-chain' contains illegal \(quoted(entry)) "
                    + "(legal: '\(AppInfo.commandChainPattern)')"
            )
        }
    }

    /// Timeouts, delays and restart conditions apply to services only and are never negative.
    private func validateServiceOnlyFields(_ app: AppInfo) throws(SnapYAMLError) {
        let durations = [
            ("start-timeout", app.startTimeout), ("stop-timeout", app.stopTimeout),
            ("watchdog-timeout", app.watchdogTimeout), ("restart-delay", app.restartDelay),
        ]
        for (field, duration) in durations {
            guard let duration else { continue }
            if !app.isService { throw fault("\(field) is only applicable to services") }
            if duration.isNegative { throw fault("\(field) cannot be negative") }
        }
        if app.restartCondition != nil && !app.isService {
            throw fault("restart-condition is only applicable to services")
        }
    }

    /// `stop-mode`, `refresh-mode` and `install-mode` values and where they may appear.
    private func validateModes(_ app: AppInfo) throws(SnapYAMLError) {
        if let mode = app.stopMode {
            if !StopMode.known.contains(mode.rawValue) {
                throw fault("\"stop-mode\" field contains invalid value \(quoted(mode.rawValue))")
            }
            if !app.isService { throw fault("\"stop-mode\" cannot be used for \(quoted(app.name)), only for services") }
        }
        if let mode = app.refreshMode {
            if ![RefreshMode.endure, .restart, .ignoreRunning].contains(mode) {
                throw fault("\"refresh-mode\" field contains invalid value \(quoted(mode.rawValue))")
            }
            if app.isService && mode == .ignoreRunning {
                throw fault("\"refresh-mode\" cannot be set to \"ignore-running\" for services")
            }
            if !app.isService && mode != .ignoreRunning {
                throw fault("\"refresh-mode\" for app \(quoted(app.name)) can only have value \"ignore-running\"")
            }
        }
        if let mode = app.installMode {
            if ![InstallMode.enable, .disable].contains(mode) {
                throw fault("\"install-mode\" field contains invalid value \(quoted(mode.rawValue))")
            }
            if !app.isService {
                throw fault("\"install-mode\" cannot be used for \(quoted(app.name)), only for services")
            }
        }
    }

    /// Sockets need the `network-bind` plug, and valid names, addresses and modes.
    private func validateSockets(_ app: AppInfo) throws(SnapYAMLError) {
        guard !app.sockets.isEmpty else { return }
        // snapd looks for a plug named network-bind bound to the app, whatever its interface.
        let hasNetworkBind = plugs.contains { $0.name == "network-bind" && $0.apps.contains(app.name) }
        if !hasNetworkBind { throw fault("\"network-bind\" interface plug is required when sockets are used") }

        for socket in app.sockets {
            do throws(SnapYAMLError) {
                try validate(socket, of: app)
            } catch {
                throw fault("invalid definition of socket \(quoted(socket.name)): \(error.reason)")
            }
        }
    }

    private func validate(_ socket: SocketInfo, of app: AppInfo) throws(SnapYAMLError) {
        if !Identifiers.isSocketStyleName(socket.name) { throw fault("invalid socket name: \(quoted(socket.name))") }
        let address = socket.listenStream
        if address.isEmpty { throw fault("\"listen-stream\" is not defined") }
        if let mode = socket.socketMode, mode & ~0o777 != 0 {
            throw fault("cannot use mode: \(String(mode, radix: 8))")
        }

        if address.hasPrefix("/") || address.hasPrefix("$") {
            try validateSocketPath(address, scope: app.effectiveDaemonScope)
        } else if address.hasPrefix("@") {
            if !address.hasPrefix("@snap.\(name).") {
                throw fault("path for \"listen-stream\" must be prefixed with \(quoted("@snap.\(name)."))")
            }
        } else {
            try validateSocketAddress(address)
        }
    }

    private func validateSocketPath(_ path: String, scope: DaemonScope?) throws(SnapYAMLError) {
        if PathRules.clean(path) != path {
            throw fault(
                "invalid \"listen-stream\": \(quoted(path)) should be written as \(quoted(PathRules.clean(path)))"
            )
        }
        guard let scope else {
            throw fault("invalid \"listen-stream\": cannot validate sockets for daemon-scope \"\"")
        }
        let prefixes =
            scope == .system
            ? ["$SNAP_DATA/", "$SNAP_COMMON/", "$XDG_RUNTIME_DIR/"]
            : ["$SNAP_USER_DATA/", "$SNAP_USER_COMMON/", "$XDG_RUNTIME_DIR/"]
        guard prefixes.contains(where: path.hasPrefix) else {
            let names =
                scope == .system
                ? "system daemon sockets must have a prefix of $SNAP_DATA, $SNAP_COMMON or $XDG_RUNTIME_DIR"
                : "user daemon sockets must have a prefix of $SNAP_USER_DATA, $SNAP_USER_COMMON, or $XDG_RUNTIME_DIR"
            throw fault("invalid \"listen-stream\": \(names)")
        }
    }

    /// `PORT` or `HOST:PORT` with HOST one of the loopback or any-address forms.
    private func validateSocketAddress(_ address: String) throws(SnapYAMLError) {
        var port = Substring(address)
        if let colon = address.lastIndex(of: ":") {
            let host = address[..<colon]
            port = address[address.index(after: colon)...]
            guard ["127.0.0.1", "[::1]", "[::]"].contains(host) else {
                throw fault(
                    "invalid \"listen-stream\" address \(quoted(String(host))), must be one of: 127.0.0.1, [::1], [::]"
                )
            }
        }
        guard let number = Int(port), (1...65535).contains(number), port.allSatisfy(\.isASCII) else {
            throw fault("invalid \"listen-stream\" port number \(quoted(String(port)))")
        }
    }

    /// `activates-on` slots must use `dbus` on the bus matching the daemon scope.
    private func validateActivation(_ app: AppInfo) throws(SnapYAMLError) {
        guard !app.activatesOn.isEmpty else { return }
        if !app.isService { throw fault("activates-on is only applicable to services") }
        for slotName in app.activatesOn {
            guard let slot = slot(named: slotName) else {
                throw fault("invalid activates-on value \(quoted(slotName)): slot not found")
            }
            if slot.interface != "dbus" {
                throw fault("invalid activates-on value \(quoted(slotName)): slot does not use dbus interface")
            }
            let scope = app.effectiveDaemonScope ?? .system
            let expectedBus = scope == .system ? "system" : "session"
            let bus = slot.attribute("bus")?.stringValue ?? ""
            if bus != expectedBus {
                throw fault(
                    "invalid activates-on value \(quoted(slotName)): bus \(quoted(bus)) does not match daemon-scope \(quoted(scope.rawValue))"
                )
            }
            let others = apps.filter { $0.name != app.name && $0.activatesOn.contains(slotName) }
            if let other = others.first {
                throw fault(
                    "invalid activates-on value \(quoted(slotName)): slot is also activatable on app \(quoted(other.name))"
                )
            }
        }
    }

    /// `before`/`after` name existing services of the same scope.
    private func validateOrderingNames(_ app: AppInfo) throws(SnapYAMLError) {
        let names = app.before + app.after
        guard !names.isEmpty else { return }
        if !app.isService { throw fault("must be a service to define before/after ordering") }
        for name in names {
            guard let other = self.app(named: name) else {
                throw fault("before/after references a missing application \(quoted(name))")
            }
            if !other.isService { throw fault("before/after references a non-service application \(quoted(name))") }
            if other.effectiveDaemonScope != app.effectiveDaemonScope {
                throw fault("before/after references service with different daemon-scope \(quoted(name))")
            }
        }
    }

    /// No cycle among services' `before`/`after` edges.
    func validateServiceOrderCycles() throws(SnapYAMLError) {
        // Edges point from a service to those that must start before it.
        var predecessors: [String: Set<String>] = [:]
        for app in services {
            predecessors[app.name, default: []].formUnion(app.after)
            for later in app.before { predecessors[later, default: []].insert(app.name) }
        }
        // Repeatedly remove services with no remaining predecessors; what is left is cyclic.
        var remaining = Set(services.map(\.name))
        var progress = true
        while progress {
            progress = false
            for name in remaining where (predecessors[name] ?? []).isDisjoint(with: remaining) {
                remaining.remove(name)
                progress = true
            }
        }
        if !remaining.isEmpty {
            throw invalid(
                "applications are part of a before/after cycle: \(remaining.sorted().joined(separator: ", "))"
            )
        }
    }
}
