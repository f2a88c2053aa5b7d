import SnapAPI

/// A change from `/v2/changes`, read leniently.
struct ChangeRecord {
    let json: JSONValue

    var id: String { json["id"]?.stringValue ?? "" }
    var kind: String { json["kind"]?.stringValue ?? "" }
    var summary: String { json["summary"]?.stringValue ?? "" }
    var status: String { json["status"]?.stringValue ?? "" }
    var ready: Bool { json["ready"]?.boolValue ?? false }
    var error: String { json["err"]?.stringValue ?? "" }
    var spawnTime: String { json["spawn-time"]?.stringValue ?? "" }
    var readyTime: String { json["ready-time"]?.stringValue ?? "" }
    var tasks: [TaskRecord] { (json["tasks"]?.arrayValue ?? []).map(TaskRecord.init) }
    var data: JSONValue { json["data"] ?? .null }
}
