import SnapPackage
import StateEngine

/// The steps that make a revision the one users run, or stop it being so: the `current`
/// symlinks, the `/snap/bin` wrappers, and the facts the `snaps` projection follows.
extension SnapManager {
    /// Points `current` at the revision, writes its wrappers and records it as linked.
    func linkSnap(_ setup: SnapSetup, _ context: TaskContext) async throws {
        let info = try await revisionInfo(setup)
        try await Disk.run { try self.writeLinks(name: setup.name, revision: setup.revision, apps: info.apps) }
        context.record(
            SnapEvent.linked,
            SnapEvent.linkedPayload(
                name: setup.name,
                revision: setup.revision,
                flags: setup.flags,
                info: setup.addsRevision ? info : nil
            )
        )
    }

    func undoLinkSnap(_ setup: SnapSetup, _ context: TaskContext) async throws {
        let info = try await revisionInfo(setup)
        try await Disk.run { try self.removeLinks(name: setup.name, apps: info.apps) }
        context.record(SnapEvent.unlinked, SnapEvent.revisionPayload(name: setup.name, revision: setup.revision))
        if setup.addsRevision {
            context.record(
                SnapEvent.revisionRemoved,
                SnapEvent.revisionPayload(name: setup.name, revision: setup.revision)
            )
        }
    }

    /// Takes `current` and the wrappers away from the revision and records it as inactive.
    func unlinkCurrentSnap(_ setup: SnapSetup, _ context: TaskContext) async throws {
        let info = try await revisionInfo(setup)
        try await Disk.run { try self.removeLinks(name: setup.name, apps: info.apps) }
        context.record(SnapEvent.unlinked, SnapEvent.revisionPayload(name: setup.name, revision: setup.revision))
    }

    func undoUnlinkCurrentSnap(_ setup: SnapSetup, _ context: TaskContext) async throws {
        let info = try await revisionInfo(setup)
        try await Disk.run { try self.writeLinks(name: setup.name, revision: setup.revision, apps: info.apps) }
        context.record(
            SnapEvent.linked,
            SnapEvent.linkedPayload(name: setup.name, revision: setup.revision, flags: setup.flags, info: nil)
        )
    }

    /// The revision's metadata: from the setup when the change knew it, else from the
    /// mounted revision's snap.yaml.
    func revisionInfo(_ setup: SnapSetup) async throws -> RevisionInfo {
        if let info = setup.info { return info }
        let layout = self.layout(setup.name)
        let blob = layout.blob(setup.revision)
        let yaml = layout.mountPoint(setup.revision) + "/meta/snap.yaml"
        let disk = self.disk
        return try await Disk.run {
            let bytes = try disk.readFile(yaml)
            let parsed = try SnapInfo.parse(yamlBytes: bytes)
            return RevisionInfo(info: parsed, file: blob, size: disk.fileSize(blob))
        }
    }

    // MARK: Links on disk

    /// Makes the revision current and writes its wrappers. When a step fails, the links and
    /// directories made so far are put back as they were, so a failed link leaves nothing.
    private func writeLinks(name: String, revision: SnapRevision, apps: [RevisionInfo.App]) throws {
        let layout = self.layout(name)
        var made = LinkChanges(disk: disk)
        do {
            try made.makeDirectory(layout.dataBase)
            for mountPoint in layout.instanceMountPoints {
                try made.makeDirectory(mountPoint)
            }
            try made.pointLink(layout.currentMountLink, at: revision.description)
            try made.pointLink(layout.currentDataLink, at: revision.description)
            try made.makeDirectory(paths.snapBinDirectory)
            for app in apps where app.daemon.isEmpty {
                try made.pointLink(layout.wrapper(for: app.name), at: options.snapProgram)
            }
        } catch {
            made.rollBack()
            throw error
        }
    }

    /// Removes the wrappers and `current` links. Only symbolic links are removed: whatever
    /// else is at one of those paths is not ours. Every link is tried; the first failure is
    /// thrown once all were.
    private func removeLinks(name: String, apps: [RevisionInfo.App]) throws {
        let layout = self.layout(name)
        let links = apps.map { layout.wrapper(for: $0.name) } + [layout.currentMountLink, layout.currentDataLink]
        var firstFailure: (any Error)?
        for link in links where disk.isSymlink(link) {
            do { try disk.removeFile(link) } catch { firstFailure = firstFailure ?? error }
        }
        if let firstFailure { throw firstFailure }
    }
}

/// The links and directories one ``SnapManager/writeLinks`` call changed, with what was
/// there before, so that a failure part way can put them back.
private struct LinkChanges {
    private enum Change {
        case createdDirectory(String)
        case pointedLink(String, previousTarget: String?)
    }

    let disk: Disk
    private var changes: [Change] = []

    init(disk: Disk) { self.disk = disk }

    mutating func makeDirectory(_ path: String) throws {
        let existed = disk.exists(path)
        try disk.makeDirectory(path)
        if !existed { changes.append(.createdDirectory(path)) }
    }

    mutating func pointLink(_ path: String, at target: String) throws {
        let previous = disk.symlinkTarget(path)
        try disk.replaceSymlink(path, target: target)
        changes.append(.pointedLink(path, previousTarget: previous))
    }

    /// Undoes the changes, newest first; failures here are not reported over the first one.
    func rollBack() {
        for change in changes.reversed() {
            switch change {
            case .createdDirectory(let path):
                disk.removeEmptyDirectory(path)
            case .pointedLink(let path, let previous?):
                try? disk.replaceSymlink(path, target: previous)
            case .pointedLink(let path, nil):
                try? disk.removeFile(path)
            }
        }
    }
}
