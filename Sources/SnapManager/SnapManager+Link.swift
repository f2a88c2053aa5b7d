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

    private func writeLinks(name: String, revision: SnapRevision, apps: [RevisionInfo.App]) throws {
        let layout = self.layout(name)
        try disk.makeDirectory(layout.dataBase)
        try disk.replaceSymlink(layout.currentMountLink, target: revision.description)
        try disk.replaceSymlink(layout.currentDataLink, target: revision.description)
        try disk.makeDirectory(paths.snapBinDirectory)
        for app in apps where app.daemon.isEmpty {
            try disk.replaceSymlink(layout.wrapper(for: app.name), target: options.snapProgram)
        }
    }

    private func removeLinks(name: String, apps: [RevisionInfo.App]) throws {
        let layout = self.layout(name)
        for app in apps {
            try disk.removeFile(layout.wrapper(for: app.name))
        }
        try disk.removeFile(layout.currentMountLink)
        try disk.removeFile(layout.currentDataLink)
    }
}
