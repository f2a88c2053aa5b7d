import SQLite
import SnapAPI
import StateEngine

/// An installed snap as the `snaps` projection holds it: its revisions in sequence order,
/// which one is current, whether it is active, and its confinement flags.
public struct InstalledSnap: Sendable, Hashable {
    /// One revision kept on disk.
    public struct Revision: Sendable, Hashable {
        public var revision: SnapRevision
        public var info: RevisionInfo
        /// When the revision was first linked, RFC 3339.
        public var installDate: String
    }

    /// The instance name (`name` or `name_key`).
    public var name: String
    /// The revision `current` points at, nil while none is linked.
    public var current: SnapRevision?
    /// False when the snap is disabled.
    public var isActive: Bool
    public var flags: SnapFlags
    /// The revisions kept, in revision order (store revisions before local ones).
    public var revisions: [Revision]

    /// The current revision's entry.
    public var currentRevision: Revision? {
        revisions.first { $0.revision == current }
    }

    /// The entry of `revision`.
    public func revision(_ revision: SnapRevision) -> Revision? {
        revisions.first { $0.revision == revision }
    }

    /// The revision after the highest local revision kept (`x1` when there is none).
    public var nextLocalRevision: SnapRevision {
        let highest = revisions.map(\.revision).filter(\.isLocal).map(\.number).max() ?? 0
        return SnapRevision(highest + 1, isLocal: true)
    }
}

// MARK: - Reading the projection

extension InstalledSnap {
    /// Reads one snap, or nil when it is not installed.
    public static func load(_ name: String, from database: Connection) throws -> InstalledSnap? {
        try all(from: database, names: [name]).first
    }

    /// Reads every installed snap, ordered by name; only `names` when given.
    public static func all(from database: Connection, names: [String]? = nil) throws -> [InstalledSnap] {
        var snaps: [InstalledSnap] = []
        var index: [String: Int] = [:]
        let wanted = names.map(Set.init)
        try database.cached("SELECT name, current, active, devmode, classic, jailmode FROM snaps ORDER BY name")
            .forEachRow { row in
                let name = row.string(0)
                guard wanted?.contains(name) ?? true else { return }
                index[name] = snaps.count
                snaps.append(
                    InstalledSnap(
                        name: name,
                        current: row.optionalString(1).flatMap(SnapRevision.init),
                        isActive: row.int64(2) != 0,
                        flags: SnapFlags(
                            devmode: row.int64(3) != 0,
                            classic: row.int64(4) != 0,
                            jailmode: row.int64(5) != 0
                        ),
                        revisions: []
                    )
                )
            }
        guard !snaps.isEmpty else { return [] }

        try database.cached(
            """
            SELECT name, revision, snap_name, version, type, base, confinement, summary, description, title,
                   license, apps, file, size, install_date
            FROM snap_revisions ORDER BY name, position
            """
        ).forEachRow { row in
            guard let position = index[row.string(0)], let revision = SnapRevision(row.string(1)) else { return }
            snaps[position].revisions.append(
                Revision(revision: revision, info: revisionInfo(row), installDate: row.string(14))
            )
        }
        for position in snaps.indices {
            snaps[position].revisions.sort { $0.revision < $1.revision }
        }
        return snaps
    }

    private static func revisionInfo(_ row: Statement) -> RevisionInfo {
        let apps = (try? JSONValue(parsing: row.string(11)))?.arrayValue ?? []
        return RevisionInfo(
            snapName: row.string(2),
            version: row.string(3),
            type: row.string(4),
            base: row.optionalString(5),
            confinement: row.string(6),
            summary: row.string(7),
            description: row.string(8),
            title: row.string(9),
            license: row.string(10),
            apps: apps.compactMap(RevisionInfo.App.init(json:)),
            file: row.string(12),
            size: row.int64(13)
        )
    }
}
