import SQLite
import SnapAPI
import SnapSystem

/// Mounting the installed revisions again when the daemon starts: mounts do not survive a
/// reboot, and someone may have unmounted a revision by hand.
extension SnapManager {
    /// What happened to one installed revision at start-up.
    public struct RemountResult: Sendable, Hashable {
        public enum Outcome: Sendable, Hashable {
            /// It was mounted already.
            case alreadyMounted
            /// It is mounted now, by the method named.
            case mounted(method: String)
            /// It could not be mounted, for the reason given; it was left alone.
            case failed(reason: String)
        }

        public var name: String
        public var revision: SnapRevision
        public var outcome: Outcome
    }

    /// Mounts every revision of the `snaps` projection that is not mounted, and every
    /// revision a change in progress has mounted (its `mount-snap` task is done) but not
    /// linked yet, with the same code as `mount-snap`; logs each one it mounts or cannot
    /// mount. A revision whose file is missing or broken is logged with the reason and
    /// left alone; nothing here fails the start-up.
    @discardableResult
    public func mountInstalledRevisions() async -> [RemountResult] {
        let revisions: [(name: String, revision: SnapRevision)]
        do {
            revisions = try await readState { database in
                let installed = try InstalledSnap.all(from: database).flatMap { snap in
                    snap.revisions.map { (name: snap.name, revision: $0.revision) }
                }
                let pending = try Self.revisionsMountedByPendingChanges(database).filter { pending in
                    !installed.contains { $0.name == pending.name && $0.revision == pending.revision }
                }
                return installed + pending
            }
        } catch {
            logger.error("cannot read the installed snaps to mount them", metadata: ["error": "\(error)"])
            return []
        }
        var results: [RemountResult] = []
        for (name, revision) in revisions {
            let outcome = await remount(name, revision)
            results.append(RemountResult(name: name, revision: revision, outcome: outcome))
        }
        let mounted = results.filter { if case .mounted = $0.outcome { true } else { false } }.count
        let failed = results.filter { if case .failed = $0.outcome { true } else { false } }.count
        logger.info(
            "checked the mounts of installed snaps",
            metadata: ["revisions": "\(results.count)", "mounted": "\(mounted)", "failed": "\(failed)"]
        )
        return results
    }

    /// The revisions whose `mount-snap` task is done in a change not yet ready.
    private static func revisionsMountedByPendingChanges(
        _ database: Connection
    ) throws -> [(name: String, revision: SnapRevision)] {
        var found: [(name: String, revision: SnapRevision)] = []
        try database.cached(
            """
            SELECT tasks.data FROM tasks JOIN changes ON changes.id = tasks.change_id
            WHERE changes.ready = 0 AND tasks.kind = 'mount-snap' AND tasks.status = 'Done'
            ORDER BY tasks.id
            """
        ).forEachRow { row in
            guard let data = (try? JSONValue(parsing: row.string(0)))?.objectValue,
                let setup = try? SnapSetup(data: data),
                !found.contains(where: { $0.name == setup.name && $0.revision == setup.revision })
            else { return }
            found.append((name: setup.name, revision: setup.revision))
        }
        return found
    }

    private func remount(_ name: String, _ revision: SnapRevision) async -> RemountResult.Outcome {
        let layout = self.layout(name)
        let blob = layout.blob(revision)
        let mountPoint = layout.mountPoint(revision)
        let disk = self.disk
        let metadata = ["snap.name": name, "snap.revision": revision.description, "snap.file": blob]
        let outcome: RemountResult.Outcome
        do {
            outcome = try await Disk.run { try Self.remount(blob, at: mountPoint, disk: disk) }
        } catch {
            outcome = .failed(reason: "\(error)")
        }
        switch outcome {
        case .alreadyMounted:
            logger.debug("snap revision already mounted", metadata: metadata)
        case .mounted(let method):
            logger.notice("mounted snap revision", metadata: metadata.merging(["mount.method": method]) { $1 })
        case .failed(let reason):
            logger.error("cannot mount snap revision", metadata: metadata.merging(["error": reason]) { $1 })
        }
        return outcome
    }

    private static func remount(_ blob: String, at mountPoint: String, disk: Disk) throws -> RemountResult.Outcome {
        if try disk.mounter.isMounted(mountPoint) { return .alreadyMounted }
        guard disk.exists(blob) else {
            return .failed(reason: "the snap file \"\(blob)\" is missing")
        }
        let created = !disk.exists(mountPoint)
        try disk.makeDirectory(mountPoint)
        do {
            return .mounted(method: "\(try disk.mounter.mount(image: blob, at: mountPoint).method)")
        } catch {
            if created { disk.removeEmptyDirectory(mountPoint) }
            throw error
        }
    }
}
