import SQLite
import SnapAPI
import SnapPackage
import SnapSecurity

/// One security file as the `security_profiles` table and the profile events hold it.
public struct ProfileRecord: Sendable, Hashable {
    /// The path as on a real system (no root in front).
    public var path: String
    public var securityTag: String
    public var kind: ProfileFile.Kind
    /// The instance name.
    public var snap: String
    public var revision: String
    /// The lower-case hex SHA3-384 digest of ``contents``.
    public var digest: String
    public var contents: [UInt8]

    public init(
        path: String,
        securityTag: String,
        kind: ProfileFile.Kind,
        snap: String,
        revision: String,
        digest: String,
        contents: [UInt8]
    ) {
        self.path = path
        self.securityTag = securityTag
        self.kind = kind
        self.snap = snap
        self.revision = revision
        self.digest = digest
        self.contents = contents
    }

    /// The record as an event payload or task data: text files' contents as a string,
    /// the compiled seccomp filters' in hex.
    var json: JSONValue {
        var object: [String: JSONValue] = [
            "path": .string(path), "security-tag": .string(securityTag), "kind": .string(kind.rawValue),
            "snap": .string(snap), "revision": .string(revision), "sha3-384": .string(digest),
            "size": .integer(Int64(contents.count)),
        ]
        if kind != .seccompBinary, let text = String(validating: contents, as: UTF8.self) {
            object["contents"] = .string(text)
        } else {
            object["contents-hex"] = .string(Hex.encode(contents))
        }
        return .object(object)
    }

    /// Reads a record from ``json``'s form; nil when a member is missing or malformed.
    init?(json: JSONValue) {
        guard let path = json["path"]?.stringValue, let tag = json["security-tag"]?.stringValue,
            let kind = json["kind"]?.stringValue.flatMap(ProfileFile.Kind.init(rawValue:)),
            let snap = json["snap"]?.stringValue, let revision = json["revision"]?.stringValue,
            let digest = json["sha3-384"]?.stringValue
        else { return nil }
        let contents: [UInt8]
        if let text = json["contents"]?.stringValue {
            contents = Array(text.utf8)
        } else if let hex = json["contents-hex"]?.stringValue, let bytes = Hex.decode(hex) {
            contents = bytes
        } else {
            return nil
        }
        self.init(
            path: path,
            securityTag: tag,
            kind: kind,
            snap: snap,
            revision: revision,
            digest: digest,
            contents: contents
        )
    }

    /// The records of one snap instance, by path.
    public static func all(snap: String, from database: Connection) throws -> [ProfileRecord] {
        var records: [ProfileRecord] = []
        let query = try database.cached(
            """
            SELECT path, security_tag, kind, snap, revision, sha3_384, contents FROM security_profiles
            WHERE snap = ?1 ORDER BY path
            """
        )
        try query.forEachRow(snap) { row in
            guard let kind = ProfileFile.Kind(rawValue: row.string(2)) else { return }
            records.append(
                ProfileRecord(
                    path: row.string(0),
                    securityTag: row.string(1),
                    kind: kind,
                    snap: row.string(3),
                    revision: row.string(4),
                    digest: row.string(5),
                    contents: row.bytes(6)
                )
            )
        }
        return records
    }
}
