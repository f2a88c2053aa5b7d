import SnapAPI
import SnapPackage

/// What the daemon keeps of one revision's snap.yaml and file: enough to answer the REST
/// API without reading the image again.
public struct RevisionInfo: Sendable, Hashable {
    /// One application of the revision, as `/v2/apps` and `snap info` show it.
    public struct App: Sendable, Hashable {
        /// The app's name.
        public var name: String
        /// The daemon kind (`simple`, `forking`...), empty for a plain command.
        public var daemon: String
        /// `system` or `user` for daemons, empty otherwise.
        public var daemonScope: String
        /// The app's common id, empty when none.
        public var commonID: String

        /// Creates an app entry.
        public init(name: String, daemon: String = "", daemonScope: String = "", commonID: String = "") {
            self.name = name
            self.daemon = daemon
            self.daemonScope = daemonScope
            self.commonID = commonID
        }
    }

    /// The name in snap.yaml, without an instance key.
    public var snapName: String
    public var version: String
    /// `app`, `base`, `os`, `kernel`, `gadget` or `snapd`.
    public var type: String
    /// The base named in snap.yaml, nil when none is named.
    public var base: String?
    /// `strict`, `classic` or `devmode`, as snap.yaml declares.
    public var confinement: String
    public var summary: String
    public var description: String
    public var title: String
    public var license: String
    public var apps: [App]
    /// The `.snap` file the revision is mounted from.
    public var file: String
    /// The size of that file in bytes.
    public var size: Int64

    /// Creates the info from its parts.
    public init(
        snapName: String,
        version: String,
        type: String,
        base: String?,
        confinement: String,
        summary: String,
        description: String,
        title: String,
        license: String,
        apps: [App],
        file: String,
        size: Int64
    ) {
        self.snapName = snapName
        self.version = version
        self.type = type
        self.base = base
        self.confinement = confinement
        self.summary = summary
        self.description = description
        self.title = title
        self.license = license
        self.apps = apps
        self.file = file
        self.size = size
    }

    /// Takes the fields the daemon keeps from a parsed snap.yaml.
    public init(info: SnapInfo, file: String, size: Int64) {
        snapName = info.name
        version = info.version
        type = info.type.rawValue
        base = info.base
        confinement = info.confinement.rawValue
        summary = info.summary
        description = info.description
        title = info.title
        license = info.license
        apps = info.apps.map { app in
            App(
                name: app.name,
                daemon: app.daemon?.rawValue ?? "",
                daemonScope: app.effectiveDaemonScope?.rawValue ?? "",
                commonID: app.commonID
            )
        }
        self.file = file
        self.size = size
    }

    /// The base the revision needs mounted to run: its `base`, else `core` for apps.
    /// Bases, the `os` snap, `snapd`, kernels and gadgets need none; `base: none` and
    /// `bare` need nothing installed.
    public var requiredBase: String? {
        guard type == "app" || type == "gadget" else { return nil }
        guard let base else { return type == "app" ? "core" : nil }
        return base == "none" || base == "bare" ? nil : base
    }
}

// MARK: - JSON

extension RevisionInfo {
    /// The info as the JSON object the `snap-linked` event carries.
    var json: JSONValue {
        var object: [String: JSONValue] = [
            "snap-name": .string(snapName), "version": .string(version), "type": .string(type),
            "confinement": .string(confinement), "summary": .string(summary),
            "description": .string(description), "title": .string(title), "license": .string(license),
            "apps": .array(apps.map(\.json)), "file": .string(file), "size": .integer(size),
        ]
        if let base { object["base"] = .string(base) }
        return .object(object)
    }

    /// Reads the info back from an event payload; nil when a required member is missing.
    init?(json: JSONValue) {
        guard let object = json.objectValue, let snapName = object["snap-name"]?.stringValue,
            let version = object["version"]?.stringValue, let file = object["file"]?.stringValue
        else { return nil }
        self.snapName = snapName
        self.version = version
        self.file = file
        type = object["type"]?.stringValue ?? "app"
        base = object["base"]?.stringValue
        confinement = object["confinement"]?.stringValue ?? "strict"
        summary = object["summary"]?.stringValue ?? ""
        description = object["description"]?.stringValue ?? ""
        title = object["title"]?.stringValue ?? ""
        license = object["license"]?.stringValue ?? ""
        size = object["size"]?.integerValue ?? 0
        apps = (object["apps"]?.arrayValue ?? []).compactMap(App.init(json:))
    }
}

extension RevisionInfo.App {
    var json: JSONValue {
        var object: [String: JSONValue] = ["name": .string(name)]
        if !daemon.isEmpty { object["daemon"] = .string(daemon) }
        if !daemonScope.isEmpty { object["daemon-scope"] = .string(daemonScope) }
        if !commonID.isEmpty { object["common-id"] = .string(commonID) }
        return .object(object)
    }

    init?(json: JSONValue) {
        guard let name = json["name"]?.stringValue else { return nil }
        self.init(
            name: name,
            daemon: json["daemon"]?.stringValue ?? "",
            daemonScope: json["daemon-scope"]?.stringValue ?? "",
            commonID: json["common-id"]?.stringValue ?? ""
        )
    }
}
