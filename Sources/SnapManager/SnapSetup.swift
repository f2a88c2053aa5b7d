import SnapAPI

/// What every task of a snap change needs to know, fixed when the change is created and
/// kept in each task's data under `snap-setup`.
///
/// Fixing it up front keeps handlers idempotent: a task run again after a crash, or undone,
/// sees the same revisions and paths as its first run, whatever the tasks before it changed.
public struct SnapSetup: Sendable, Hashable {
    /// The instance name.
    public var name: String
    /// The revision the task acts on.
    public var revision: SnapRevision
    public var flags: SnapFlags
    /// The uploaded file a new revision comes from (install only).
    public var sourceFile: String?
    /// The revision that was current when the change was created, and whether it was active.
    public var previous: SnapRevision?
    public var previousActive: Bool
    public var previousFlags: SnapFlags
    /// What snap.yaml says of `revision`, when known at creation (revisions already on disk).
    public var info: RevisionInfo?
    /// When `revision` was first installed, for a revision already on disk.
    public var installDate: String?
    /// True when the change brings `revision` onto the disk (install), false when the
    /// revision was already there (revert, enable).
    public var addsRevision: Bool

    /// Creates a setup.
    public init(
        name: String,
        revision: SnapRevision,
        flags: SnapFlags,
        sourceFile: String? = nil,
        previous: SnapRevision? = nil,
        previousActive: Bool = false,
        previousFlags: SnapFlags = SnapFlags(),
        info: RevisionInfo? = nil,
        installDate: String? = nil,
        addsRevision: Bool = false
    ) {
        self.name = name
        self.revision = revision
        self.flags = flags
        self.sourceFile = sourceFile
        self.previous = previous
        self.previousActive = previousActive
        self.previousFlags = previousFlags
        self.info = info
        self.installDate = installDate
        self.addsRevision = addsRevision
    }

    /// The setup as task data.
    var json: JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(name), "revision": .string(revision.description), "flags": flags.json,
            "previous-active": .bool(previousActive), "previous-flags": previousFlags.json,
            "adds-revision": .bool(addsRevision),
        ]
        if let sourceFile { object["source-file"] = .string(sourceFile) }
        if let previous { object["previous"] = .string(previous.description) }
        if let info { object["info"] = info.json }
        if let installDate { object["install-date"] = .string(installDate) }
        return .object(object)
    }

    /// Reads the setup from a task's data.
    init(data: [String: JSONValue]) throws(SnapManagerError) {
        guard let object = data["snap-setup"]?.objectValue, let name = object["name"]?.stringValue,
            let revisionText = object["revision"]?.stringValue, let revision = SnapRevision(revisionText)
        else { throw SnapManagerError(.internalError, "task data lacks a valid snap-setup") }
        self.name = name
        self.revision = revision
        flags = SnapFlags(json: object["flags"])
        sourceFile = object["source-file"]?.stringValue
        previous = object["previous"]?.stringValue.flatMap(SnapRevision.init)
        previousActive = object["previous-active"]?.boolValue ?? false
        previousFlags = SnapFlags(json: object["previous-flags"])
        info = object["info"].flatMap(RevisionInfo.init(json:))
        installDate = object["install-date"]?.stringValue
        addsRevision = object["adds-revision"]?.boolValue ?? false
    }
}
