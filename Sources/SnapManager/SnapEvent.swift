import SnapAPI

/// The domain facts the snaps manager records, and their payloads.
///
/// - `snap-linked`: a revision became the snap's current one. Payload: `name` (the
///   instance name), `revision`, `flags`, optional `active` (default true), and `info`
///   when the revision joins the snap's sequence.
/// - `snap-unlinked`: the current revision stopped being active (disable, or before
///   another revision is linked). Payload: `name`, `revision`.
/// - `snap-revision-removed`: a revision left the sequence and the disk. Payload: `name`,
///   `revision`. When it was the last, the snap is gone.
/// - `snap-revision-restored`: a removed revision came back, not current (undoing a
///   removal). Payload: `name`, `revision`, `flags`, `info`, `install-date`.
public enum SnapEvent {
    public static let linked = "snap-linked"
    public static let unlinked = "snap-unlinked"
    public static let revisionRemoved = "snap-revision-removed"
    public static let revisionRestored = "snap-revision-restored"

    static func linkedPayload(
        name: String,
        revision: SnapRevision,
        flags: SnapFlags,
        active: Bool = true,
        info: RevisionInfo?
    ) -> JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(name), "revision": .string(revision.description), "flags": flags.json,
            "active": .bool(active),
        ]
        if let info { object["info"] = info.json }
        return .object(object)
    }

    static func revisionPayload(name: String, revision: SnapRevision) -> JSONValue {
        ["name": .string(name), "revision": .string(revision.description)]
    }

    static func restoredPayload(
        name: String,
        revision: SnapRevision,
        flags: SnapFlags,
        info: RevisionInfo,
        installDate: String?
    ) -> JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(name), "revision": .string(revision.description), "flags": flags.json,
            "info": info.json,
        ]
        if let installDate { object["install-date"] = .string(installDate) }
        return .object(object)
    }
}
