/// The contents of a snap's `meta/snap.yaml`, typed, as snapd 2.57 reads it.
///
/// Create one with ``parse(yaml:)``, which decodes the text with snapd's looseness
/// (unknown keys ignored, the last duplicate key wins, scalars keep their source
/// text) and performs the checks snapd makes while decoding. Then call
/// ``validate()`` for snapd's field rules, and ``validateContainer(at:)`` to check
/// the files snap.yaml names in an unpacked snap directory.
///
/// ```swift
/// let info = try SnapInfo.parse(yaml: text)
/// try info.validate()
/// print(info.name, info.version, info.apps.map(\.name))
/// ```
///
/// Collections keep file order. Plugs and slots that snapd would drop while
/// sanitising (bad names, unknown interfaces, bad attributes) are removed and
/// listed in ``badInterfaces``; that never fails, as in snapd.
public struct SnapInfo: Sendable, Hashable {
    /// The snap name (`name`).
    public var name: String
    /// The version text, verbatim (`version`).
    public var version: String
    /// A one-line summary (`summary`); snapd does not check it.
    public var summary: String
    /// The long description (`description`).
    public var description: String
    /// A human title (`title`).
    public var title: String
    /// The snap type (`type`), `app` when absent.
    public var type: SnapType
    /// The base snap (`base`), nil when absent; `none` for a snap without a runtime.
    public var base: String?
    /// The confinement (`confinement`), `strict` when absent.
    public var confinement: Confinement
    /// The grade text (`grade`), which snapd does not read; nil when absent.
    public var grade: String?
    /// Architectures (`architectures`); `["all"]` when absent.
    public var architectures: [String]
    /// The epoch (`epoch`), zero when absent.
    public var epoch: Epoch
    /// Features the snap needs from snapd (`assumes`).
    public var assumes: [String]
    /// The SPDX licence expression (`license`).
    public var license: String
    /// The upload provenance (`provenance`), nil when absent.
    public var provenance: String?
    /// Applications in file order (`apps`).
    public var apps: [AppInfo]
    /// Hooks declared in `hooks:` with supported names, in file order.
    public var hooks: [HookInfo]
    /// Plugs that survived sanitisation, top-level and implicit ones, in file order.
    public var plugs: [InterfaceEndpoint]
    /// Slots that survived sanitisation, top-level and implicit ones, in file order.
    public var slots: [InterfaceEndpoint]
    /// Layout entries (`layout`), in file order.
    public var layout: [LayoutEntry]
    /// Top-level environment (`environment`), in file order.
    public var environment: [EnvironmentVariable]
    /// System users the snap needs (`system-usernames`).
    public var systemUsernames: [SystemUsername]
    /// Links by kind (`links`), in file order.
    public var links: [SnapLink]
    /// Plugs and slots removed by sanitisation, each with snapd's reason.
    public var badInterfaces: [BadInterface]

    /// Creates a snap description with every optional field empty.
    public init(name: String, version: String) {
        self.name = name
        self.version = version
        summary = ""
        description = ""
        title = ""
        type = .app
        base = nil
        confinement = .strict
        grade = nil
        architectures = ["all"]
        epoch = Epoch()
        assumes = []
        license = ""
        provenance = nil
        apps = []
        hooks = []
        plugs = []
        slots = []
        layout = []
        environment = []
        systemUsernames = []
        links = []
        badInterfaces = []
    }

    /// The app with this name, if any.
    public func app(named name: String) -> AppInfo? {
        apps.first { $0.name == name }
    }

    /// The declared hook with this name, if any.
    public func hook(named name: String) -> HookInfo? {
        hooks.first { $0.name == name }
    }

    /// The plug with this name, if any.
    public func plug(named name: String) -> InterfaceEndpoint? {
        plugs.first { $0.name == name }
    }

    /// The slot with this name, if any.
    public func slot(named name: String) -> InterfaceEndpoint? {
        slots.first { $0.name == name }
    }

    /// The apps that are services (have `daemon`).
    public var services: [AppInfo] {
        apps.filter(\.isService)
    }
}

/// The kind of snap (`type`).
public enum SnapType: String, Sendable, Hashable, CaseIterable {
    /// An application (also spelled `application` in snap.yaml).
    case app
    /// A base: the root filesystem apps run in.
    case base
    /// A gadget: board configuration.
    case gadget
    /// A kernel.
    case kernel
    /// The snapd snap.
    case snapd
    /// The legacy `core` snap.
    case os

    /// Reads snap.yaml's spelling; `application` means `app`.
    public init?(yamlValue: String) {
        if yamlValue == "application" {
            self = .app
        } else {
            self.init(rawValue: yamlValue)
        }
    }
}

/// How strictly a snap is confined (`confinement`).
public enum Confinement: String, Sendable, Hashable, CaseIterable {
    /// Full confinement, the default.
    case strict
    /// Violations are logged, not enforced.
    case devmode
    /// No confinement: the snap sees the host.
    case classic
}

/// One `NAME: value` of an `environment` map.
public struct EnvironmentVariable: Sendable, Hashable {
    /// The variable name.
    public var name: String
    /// The value, which may reference `$OTHER` or `${OTHER}`.
    public var value: String

    /// Creates a variable.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// One entry of `system-usernames`.
public struct SystemUsername: Sendable, Hashable {
    /// The user name (`snap_daemon`).
    public var name: String
    /// The scope (`shared`, `private`, `external`).
    public var scope: String
    /// Any further keys of the long form.
    public var attributes: [AttributeEntry]

    /// Creates an entry.
    public init(name: String, scope: String, attributes: [AttributeEntry] = []) {
        self.name = name
        self.scope = scope
        self.attributes = attributes
    }
}

/// One key of `links`: a kind (`website`, `contact`, ...) and its URLs or addresses.
public struct SnapLink: Sendable, Hashable {
    /// The links key.
    public var key: String
    /// The values, in file order.
    public var values: [String]

    /// Creates an entry.
    public init(key: String, values: [String]) {
        self.key = key
        self.values = values
    }
}

/// A plug or slot removed by sanitisation, as `snap pack --check-skeleton` reports it.
public struct BadInterface: Sendable, Hashable {
    /// The plug or slot name.
    public var name: String
    /// Whether it was a plug (else a slot).
    public var isPlug: Bool
    /// snapd's reason, e.g. `unknown interface "x"`.
    public var reason: String

    /// Creates a record.
    public init(name: String, isPlug: Bool, reason: String) {
        self.name = name
        self.isPlug = isPlug
        self.reason = reason
    }
}
