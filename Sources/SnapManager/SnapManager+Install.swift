import SnapPackage
import SnapSystem
import StateEngine

/// The steps that bring a new revision onto the disk: checking its base, copying the file,
/// mounting it and preparing its data directories.
extension SnapManager {
    /// Fails when the base the snap runs on is not installed. An app cannot be its own base:
    /// naming itself is refused as a missing base, as the base must be installed first.
    func checkPrerequisites(_ setup: SnapSetup, _ context: TaskContext) async throws {
        guard let base = setup.info?.requiredBase else { return }
        let installed = try await readState { try InstalledSnap.load(base, from: $0) }
        guard installed?.current != nil else {
            throw SnapManagerError(
                .missingBase,
                "snap \"\(setup.name)\" needs its base snap \"\(base)\", which is not installed"
            )
        }
    }

    /// Checks the uploaded file and puts it in place as the revision's `.snap` file: a hard
    /// link when the upload is on the same filesystem (no second copy of a large snap), a
    /// durable copy otherwise.
    func prepareSnap(_ setup: SnapSetup, _ context: TaskContext) async throws {
        let blob = layout(setup.name).blob(setup.revision)
        guard let source = setup.sourceFile else { return }
        let disk = self.disk
        let programs = options.programs
        try await Disk.run {
            // A run after a crash may find the copy made and the upload already gone.
            if disk.exists(blob) && !disk.exists(source) { return }
            try Self.checkSnapFile(source, expectedName: setup.info?.snapName, programs: programs)
            try disk.makeDirectory(self.paths.snapBlobDirectory)
            try disk.linkOrCopyFile(source, to: blob)
        }
        context.log("Placed \(source) at \(blob)")
    }

    func undoPrepareSnap(_ setup: SnapSetup, _ context: TaskContext) async throws {
        guard setup.sourceFile != nil else { return }
        let blob = layout(setup.name).blob(setup.revision)
        let disk = self.disk
        try await Disk.run { try disk.removeFile(blob) }
    }

    /// Opens the file as a snap (with `snap-image`) and validates its snap.yaml.
    static func checkSnapFile(_ path: String, expectedName: String?, programs: SystemPrograms) throws {
        let info: SnapInfo
        do {
            info = try SnapInfo.parse(yamlBytes: try snapYAML(of: path, programs: programs))
            try info.validate()
        } catch let failure as ProgramFailure where !failure.refusedInput {
            throw SnapManagerError(.system, "cannot use \"\(path)\" as a snap: \(failure)")
        } catch {
            throw SnapManagerError(.invalidSnap, "cannot use \"\(path)\" as a snap: \(error)")
        }
        if let expectedName, info.name != expectedName {
            throw SnapManagerError(
                .invalidSnap,
                "snap file \"\(path)\" holds snap \"\(info.name)\", not \"\(expectedName)\""
            )
        }
    }

    /// Mounts the revision's file at `/snap/NAME/REV`, read-only.
    func mountSnap(_ setup: SnapSetup, _ context: TaskContext) async throws {
        let layout = self.layout(setup.name)
        let disk = self.disk
        try await Disk.run {
            let mountPoint = layout.mountPoint(setup.revision)
            try disk.makeDirectory(mountPoint)
            do {
                try disk.mount(layout.blob(setup.revision), at: mountPoint)
            } catch {
                disk.removeEmptyDirectory(mountPoint)
                disk.removeEmptyDirectory(layout.mountBase)
                throw error
            }
        }
    }

    func undoMountSnap(_ setup: SnapSetup, _ context: TaskContext) async throws {
        let layout = self.layout(setup.name)
        let disk = self.disk
        try await Disk.run {
            try disk.unmount(layout.mountPoint(setup.revision))
            disk.removeEmptyDirectory(layout.mountPoint(setup.revision))
            disk.removeEmptyDirectory(layout.mountBase)
        }
    }

    /// Creates the revision's data directories, copying the previous revision's data when
    /// there is one: `/var/snap/NAME/REV` and `common`, and `~/snap/NAME/REV` for each user
    /// who has data of the previous revision.
    func copySnapData(_ setup: SnapSetup, _ context: TaskContext) async throws {
        let layout = self.layout(setup.name)
        let disk = self.disk
        let homes = disk.homes(under: paths.root)
        try await Disk.run {
            // What this run creates, it removes again when it fails: a failed task gets no undo.
            let created = [layout.dataBase, layout.commonDataDirectory].filter { !disk.exists($0) }
            do {
                try disk.makeDirectory(layout.commonDataDirectory)
                try Self.copyData(
                    from: setup.previous.map(layout.dataDirectory),
                    to: layout.dataDirectory(setup.revision),
                    disk: disk
                )
                for home in homes {
                    let base = layout.userDataBase(home: home)
                    guard let previous = setup.previous, disk.isDirectory("\(base)/\(previous)") else { continue }
                    try Self.copyData(from: "\(base)/\(previous)", to: "\(base)/\(setup.revision)", disk: disk)
                }
            } catch {
                try? disk.removeTree(layout.dataDirectory(setup.revision))
                for home in homes { try? disk.removeTree("\(layout.userDataBase(home: home))/\(setup.revision)") }
                for directory in created.reversed() { disk.removeEmptyDirectory(directory) }
                throw error
            }
        }
    }

    /// Copies `source` to `destination` through a temporary directory renamed into place,
    /// so `destination` exists only once complete; with no source, creates it empty. A
    /// failed copy leaves nothing behind.
    private static func copyData(from source: String?, to destination: String, disk: Disk) throws {
        if disk.exists(destination) { return }
        guard let source, disk.isDirectory(source) else {
            try disk.makeDirectory(destination)
            return
        }
        let partial = destination + ".partial"
        try disk.removeTree(partial)
        do {
            try disk.copyTree(source, to: partial)
            try disk.moveIfPresent(partial, to: destination)
        } catch {
            try? disk.removeTree(partial)
            throw error
        }
    }

    func undoCopySnapData(_ setup: SnapSetup, _ context: TaskContext) async throws {
        let layout = self.layout(setup.name)
        let disk = self.disk
        let homes = disk.homes(under: paths.root)
        try await Disk.run {
            try disk.removeTree(layout.dataDirectory(setup.revision) + ".partial")
            try disk.removeTree(layout.dataDirectory(setup.revision))
            for home in homes {
                let base = layout.userDataBase(home: home)
                try disk.removeTree("\(base)/\(setup.revision).partial")
                try disk.removeTree("\(base)/\(setup.revision)")
            }
            // A snap installed for the first time had no data before this change.
            if setup.previous == nil && setup.addsRevision {
                try disk.removeTree(layout.commonDataDirectory)
                disk.removeEmptyDirectory(layout.dataBase)
            }
        }
    }
}
