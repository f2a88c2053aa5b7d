/// One application of a snap (`apps.<name>`).
///
/// String-valued kinds (`daemon`, `stop-mode`, ...) are kept as open wrappers around
/// the text snap.yaml gave: snapd reads them as plain strings and only rejects
/// unknown values during validation, so an unknown value parses and fails later in
/// ``SnapInfo/validate()`` with snapd's message.
public struct AppInfo: Sendable, Hashable {
    /// The app name (the key under `apps`).
    public var name: String
    /// The command line, relative to the snap root (`command`); empty when absent.
    public var command: String
    /// Programs run before `command` (`command-chain`).
    public var commandChain: [String]
    /// The service kind (`daemon`), nil for a command-line app.
    public var daemon: DaemonKind?
    /// Whether the service is a system or a user one (`daemon-scope`), nil when absent.
    public var daemonScope: DaemonScope?
    /// The stop program (`stop-command`).
    public var stopCommand: String
    /// The reload program (`reload-command`).
    public var reloadCommand: String
    /// The program run after stopping (`post-stop-command`).
    public var postStopCommand: String
    /// How long systemd waits for a start (`start-timeout`).
    public var startTimeout: GoDuration?
    /// How long systemd waits for a stop (`stop-timeout`).
    public var stopTimeout: GoDuration?
    /// The watchdog period (`watchdog-timeout`).
    public var watchdogTimeout: GoDuration?
    /// When systemd restarts the service (`restart-condition`).
    public var restartCondition: RestartCondition?
    /// The pause before a restart (`restart-delay`).
    public var restartDelay: GoDuration?
    /// The signal used to stop (`stop-mode`).
    public var stopMode: StopMode?
    /// What a refresh does to the app (`refresh-mode`).
    public var refreshMode: RefreshMode?
    /// Whether a new service starts enabled (`install-mode`).
    public var installMode: InstallMode?
    /// The timer schedule text (`timer`).
    public var timer: String?
    /// Socket activation endpoints (`sockets`), in file order.
    public var sockets: [SocketInfo]
    /// Plug names the app uses (`plugs`), as written.
    public var plugs: [String]
    /// Slot names the app uses (`slots`), as written.
    public var slots: [String]
    /// Slots whose activity starts the service (`activates-on`).
    public var activatesOn: [String]
    /// The D-Bus well-known name (`bus-name`).
    public var busName: String
    /// Services this one must start before (`before`).
    public var before: [String]
    /// Services this one must start after (`after`).
    public var after: [String]
    /// The app's environment (`environment`), in file order.
    public var environment: [EnvironmentVariable]
    /// Legacy aliases (`aliases`).
    public var aliases: [String]
    /// The AppStream id (`common-id`).
    public var commonID: String
    /// The bash completion script (`completer`).
    public var completer: String
    /// The desktop file started with the session (`autostart`).
    public var autostart: String

    /// Creates an app with every optional field empty.
    public init(name: String) {
        self.name = name
        command = ""
        commandChain = []
        daemon = nil
        daemonScope = nil
        stopCommand = ""
        reloadCommand = ""
        postStopCommand = ""
        startTimeout = nil
        stopTimeout = nil
        watchdogTimeout = nil
        restartCondition = nil
        restartDelay = nil
        stopMode = nil
        refreshMode = nil
        installMode = nil
        timer = nil
        sockets = []
        plugs = []
        slots = []
        activatesOn = []
        busName = ""
        before = []
        after = []
        environment = []
        aliases = []
        commonID = ""
        completer = ""
        autostart = ""
    }

    /// Whether the app is a service (`daemon` is set).
    public var isService: Bool { daemon != nil }

    /// The daemon scope in force: the written one, else `system` for services.
    public var effectiveDaemonScope: DaemonScope? {
        guard isService else { return nil }
        return daemonScope ?? .system
    }
}

/// A systemd service type (`daemon`).
public struct DaemonKind: RawRepresentable, Sendable, Hashable {
    /// The text as written.
    public var rawValue: String
    /// Wraps a text.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// `Type=simple`.
    public static let simple = DaemonKind(rawValue: "simple")
    /// `Type=forking`.
    public static let forking = DaemonKind(rawValue: "forking")
    /// `Type=oneshot`.
    public static let oneshot = DaemonKind(rawValue: "oneshot")
    /// `Type=notify`.
    public static let notify = DaemonKind(rawValue: "notify")
    /// `Type=dbus`.
    public static let dbus = DaemonKind(rawValue: "dbus")
    /// The kinds snapd accepts.
    public static let known: [DaemonKind] = [.simple, .forking, .oneshot, .notify, .dbus]
}

/// Where a service runs (`daemon-scope`).
public enum DaemonScope: String, Sendable, Hashable, CaseIterable {
    /// A system service, the default.
    case system
    /// A per-user service.
    case user
}

/// When systemd restarts a service (`restart-condition`), decoded as snapd does.
public enum RestartCondition: String, Sendable, Hashable, CaseIterable {
    /// `never`, also written `no`.
    case never
    /// `on-success`.
    case onSuccess = "on-success"
    /// `on-failure`, systemd's default for snaps.
    case onFailure = "on-failure"
    /// `on-abnormal`.
    case onAbnormal = "on-abnormal"
    /// `on-abort`.
    case onAbort = "on-abort"
    /// `on-watchdog`.
    case onWatchdog = "on-watchdog"
    /// `always`.
    case always

    /// Reads snap.yaml's spelling; `no` means `never`.
    public init?(yamlValue: String) {
        if yamlValue == "no" {
            self = .never
        } else {
            self.init(rawValue: yamlValue)
        }
    }
}

/// The signal that stops a service, optionally for all its processes (`stop-mode`).
public struct StopMode: RawRepresentable, Sendable, Hashable {
    /// The text as written.
    public var rawValue: String
    /// Wraps a text.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The values snapd accepts.
    public static let known: [String] = [
        "sigterm", "sigterm-all", "sighup", "sighup-all", "sigusr1", "sigusr1-all",
        "sigusr2", "sigusr2-all", "sigint", "sigint-all",
    ]

    /// Whether every process of the unit gets the signal (`-all`).
    public var killsAll: Bool { rawValue.hasSuffix("-all") }
}

/// What a refresh does to an app (`refresh-mode`).
public struct RefreshMode: RawRepresentable, Sendable, Hashable {
    /// The text as written.
    public var rawValue: String
    /// Wraps a text.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The service keeps running across the refresh.
    public static let endure = RefreshMode(rawValue: "endure")
    /// The service restarts, the default.
    public static let restart = RefreshMode(rawValue: "restart")
    /// A command-line app may keep running while the snap refreshes.
    public static let ignoreRunning = RefreshMode(rawValue: "ignore-running")
}

/// Whether a newly added service starts enabled (`install-mode`).
public struct InstallMode: RawRepresentable, Sendable, Hashable {
    /// The text as written.
    public var rawValue: String
    /// Wraps a text.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Enabled at install, the default.
    public static let enable = InstallMode(rawValue: "enable")
    /// Left disabled until a hook enables it.
    public static let disable = InstallMode(rawValue: "disable")
}

/// One socket of a socket-activated service (`apps.<app>.sockets.<name>`).
public struct SocketInfo: Sendable, Hashable {
    /// The socket name.
    public var name: String
    /// Where it listens (`listen-stream`): a port, `host:port`, a path or `@abstract`.
    public var listenStream: String
    /// The file mode for a path socket (`socket-mode`, octal in snap.yaml), nil when absent.
    public var socketMode: UInt32?

    /// Creates a socket.
    public init(name: String, listenStream: String, socketMode: UInt32? = nil) {
        self.name = name
        self.listenStream = listenStream
        self.socketMode = socketMode
    }
}

/// A hook the snap declares (`hooks.<name>`).
public struct HookInfo: Sendable, Hashable {
    /// The hook name (`install`, `connect-plug-foo`, ...).
    public var name: String
    /// Plug names the hook uses.
    public var plugs: [String]
    /// Slot names the hook uses.
    public var slots: [String]
    /// The hook's environment, in file order.
    public var environment: [EnvironmentVariable]
    /// Programs run before the hook.
    public var commandChain: [String]

    /// Creates a hook with nothing declared.
    public init(name: String) {
        self.name = name
        plugs = []
        slots = []
        environment = []
        commandChain = []
    }
}
