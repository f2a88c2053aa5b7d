import SnapAPI

/// How a snap is confined, as chosen at install time and kept by later operations.
public struct SnapFlags: Sendable, Hashable {
    /// Violations of the confinement are logged, not denied.
    public var devmode = false
    /// The snap runs unconfined, as its `confinement: classic` asks.
    public var classic = false
    /// A devmode snap is confined strictly all the same.
    public var jailmode = false

    /// Creates flags.
    public init(devmode: Bool = false, classic: Bool = false, jailmode: Bool = false) {
        self.devmode = devmode
        self.classic = classic
        self.jailmode = jailmode
    }

    /// The flags as a JSON object, for events and task data.
    public var json: JSONValue {
        ["devmode": .bool(devmode), "classic": .bool(classic), "jailmode": .bool(jailmode)]
    }

    /// Reads flags from `json`; missing members are false.
    public init(json: JSONValue?) {
        let object = json?.objectValue ?? [:]
        devmode = object["devmode"]?.boolValue ?? false
        classic = object["classic"]?.boolValue ?? false
        jailmode = object["jailmode"]?.boolValue ?? false
    }
}
