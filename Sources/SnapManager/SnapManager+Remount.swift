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

    /// Mounts every revision of the `snaps` projection that is not mounted, with the same
    /// code as `mount-snap`, and logs each one it mounts or cannot mount. A revision whose
    /// file is missing or broken is logged with the reason and left alone; nothing here
    /// fails the start-up.
    @discardableResult
    public func mountInstalledRevisions() async -> [RemountResult] {
        let installed: [InstalledSnap]
        do {
            installed = try await readState { try InstalledSnap.all(from: $0) }
        } catch {
            logger.error("cannot read the installed snaps to mount them", metadata: ["error": "\(error)"])
            return []
        }
        var results: [RemountResult] = []
        for snap in installed {
            for revision in snap.revisions.map(\.revision) {
                let outcome = await remount(snap.name, revision)
                results.append(RemountResult(name: snap.name, revision: revision, outcome: outcome))
            }
        }
        let mounted = results.filter { if case .mounted = $0.outcome { true } else { false } }.count
        let failed = results.filter { if case .failed = $0.outcome { true } else { false } }.count
        logger.info(
            "checked the mounts of installed snaps",
            metadata: ["revisions": "\(results.count)", "mounted": "\(mounted)", "failed": "\(failed)"]
        )
        return results
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
