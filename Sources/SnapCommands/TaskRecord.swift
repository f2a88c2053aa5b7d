import SnapAPI

/// A task inside a change.
struct TaskRecord {
    let json: JSONValue

    var id: String { json["id"]?.stringValue ?? "" }
    var summary: String { json["summary"]?.stringValue ?? "" }
    var status: String { json["status"]?.stringValue ?? "" }
    var log: [String] { (json["log"]?.arrayValue ?? []).compactMap(\.stringValue) }
    var spawnTime: String { json["spawn-time"]?.stringValue ?? "" }
    var readyTime: String { json["ready-time"]?.stringValue ?? "" }
    var progressLabel: String { json["progress"]?["label"]?.stringValue ?? "" }
    var progressDone: Int64 { json["progress"]?["done"]?.integerValue ?? 0 }
    var progressTotal: Int64 { json["progress"]?["total"]?.integerValue ?? 0 }
}
