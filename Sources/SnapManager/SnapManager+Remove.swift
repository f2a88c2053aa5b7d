import SnapAPI
import StateEngine

/// The steps that take revisions off the disk. Nothing is deleted before the change is
/// done: data is moved aside and the `.snap` file stays until the last task, `cleanup`,
/// so that undoing a failed removal puts everything back.
extension SnapManager {
    /// Moves the revision's data aside (or, with `all` in the task's data, the snap's whole
    /// data directory and each user's).
    func clearSnap(_ setup: SnapSetup, _ context: TaskContext) async throws {
        let moves = dataMoves(setup, all: context.data["all"]?.boolValue ?? false)
        let disk = self.disk
        try await Disk.run {
            for (source, destination) in moves where !disk.exists(destination) {
                try disk.moveIfPresent(source, to: destination)
            }
        }
    }

    func undoClearSnap(_ setup: SnapSetup, _ context: TaskContext) async throws {
        let moves = dataMoves(setup, all: context.data["all"]?.boolValue ?? false)
        let disk = self.disk
        try await Disk.run {
            for (source, destination) in moves.reversed() where !disk.exists(source) {
                try disk.moveIfPresent(destination, to: source)
            }
        }
    }

    /// The data directories a clear-snap task moves, each with where it waits for cleanup.
    func dataMoves(_ setup: SnapSetup, all: Bool) -> [(String, String)] {
        let layout = self.layout(setup.name)
        let homes = disk.homes(under: paths.root)
        if all {
            return [(layout.dataBase, Self.removedPath(layout.dataBase))]
                + homes.map { home in
                    let base = layout.userDataBase(home: home)
                    return (base, Self.removedPath(base))
                }
        }
        let revision = setup.revision.description
        return [(layout.dataDirectory(setup.revision), layout.removedDataDirectory(setup.revision))]
            + homes.map { home in
                let base = layout.userDataBase(home: home)
                return ("\(base)/\(revision)", "\(base)/.removed-\(revision)")
            }
    }

    /// `DIR/.removed-NAME` for `DIR/NAME`.
    static func removedPath(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return ".removed-" + path }
        return path[...slash] + ".removed-" + path[path.index(after: slash)...]
    }

    /// Unmounts the revision and records that it left the snap's sequence.
    func discardSnap(_ setup: SnapSetup, _ context: TaskContext) async throws {
        let layout = self.layout(setup.name)
        let disk = self.disk
        try await Disk.run {
            try disk.unmount(layout.mountPoint(setup.revision))
            disk.removeEmptyDirectory(layout.mountPoint(setup.revision))
        }
        context.record(
            SnapEvent.revisionRemoved,
            SnapEvent.revisionPayload(name: setup.name, revision: setup.revision)
        )
    }

    func undoDiscardSnap(_ setup: SnapSetup, _ context: TaskContext) async throws {
        guard let info = setup.info else {
            throw SnapManagerError(.internalError, "cannot restore \(setup.name) \(setup.revision): no revision info")
        }
        let layout = self.layout(setup.name)
        let disk = self.disk
        try await Disk.run {
            try disk.makeDirectory(layout.mountPoint(setup.revision))
            try disk.mount(layout.blob(setup.revision), at: layout.mountPoint(setup.revision))
        }
        context.record(
            SnapEvent.revisionRestored,
            SnapEvent.restoredPayload(
                name: setup.name,
                revision: setup.revision,
                flags: setup.flags,
                info: info,
                installDate: setup.installDate
            )
        )
    }

    /// Deletes what the change set aside (`remove` in the task's data) and the directories
    /// that became empty (`remove-if-empty`). It runs last and does not fail: what cannot be
    /// deleted is logged and left.
    ///
    /// A removed parallel instance's mount points (`instance-mount-points`) go too, unless
    /// another instance of the snap is still installed: in its sandboxes they are mount
    /// points, and removing them on the host would unmount them there.
    func cleanUp(_ setup: SnapSetup, _ context: TaskContext) async throws {
        let removals = (context.data["remove"]?.arrayValue ?? []).compactMap(\.stringValue)
        var emptied = (context.data["remove-if-empty"]?.arrayValue ?? []).compactMap(\.stringValue)
        let mountPoints = (context.data["instance-mount-points"]?.arrayValue ?? []).compactMap(\.stringValue)
        let snapName = layout(setup.name).snapName
        let others = try await readState { database in
            try InstalledSnap.all(from: database).filter {
                $0.name != setup.name && self.layout($0.name).snapName == snapName
            }
        }
        if others.isEmpty {
            emptied += mountPoints
        } else {
            // `/snap/NAME` is a mount point of the instances still installed, and the
            // namespaces they keep may hold the trees this removal takes away: the next
            // launch of each builds its namespace again.
            emptied.removeAll { $0 == "\(paths.snapMountDirectory)/\(snapName)" }
            for other in others { try await discardNamespace(of: other.name) }
        }
        let disk = self.disk
        let emptiedPaths = emptied
        let failures = try await Disk.run {
            var failures: [String] = []
            for path in removals {
                do { try disk.removeTree(path) } catch { failures.append("\(error)") }
            }
            for path in emptiedPaths { disk.removeEmptyDirectory(path) }
            return failures
        }
        for failure in failures {
            context.log("cannot clean up: \(failure)", level: "WARNING")
        }
    }
}
