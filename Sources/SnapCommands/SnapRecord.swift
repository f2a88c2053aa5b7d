import SnapAPI

/// A snap object from `/v2/snaps` or `/v2/find`, read leniently: a missing or mistyped
/// key reads as empty, as the real client's zero values do.
struct SnapRecord {
    /// The decoded object.
    let json: JSONValue

    func string(_ key: String) -> String { json[key]?.stringValue ?? "" }
    func flag(_ key: String) -> Bool { json[key]?.boolValue ?? false }

    var name: String { string("name") }
    var version: String { string("version") }
    var summary: String { string("summary") }
    var type: String { string("type") }
    var status: String { string("status") }
    var confinement: String { string("confinement") }
    var channel: String { string("channel") }
    var trackingChannel: String { string("tracking-channel") }
    var mountedFrom: String { string("mounted-from") }

    /// The revision, sent as a string but accepted as a number.
    var revision: String {
        if let number = json["revision"]?.integerValue { return String(number) }
        return string("revision")
    }

    /// The publisher object, or nil when the daemon left it out.
    var publisher: Publisher? {
        guard let object = json["publisher"], object.objectValue != nil else { return nil }
        return Publisher(
            username: object["username"]?.stringValue ?? "",
            displayName: object["display-name"]?.stringValue ?? "",
            validation: object["validation"]?.stringValue ?? ""
        )
    }

    /// Who published a snap, as `snap list` and `snap info` show it.
    struct Publisher {
        var username: String
        var displayName: String
        var validation: String
    }
}
