import SnapAPI
import SnapPackage
import SnapSystem
import StateEngine

/// A sideloaded snap to install: the uploaded file and what the request asked for.
public struct InstallRequest: Sendable {
    /// The uploaded file; the change removes it when it is done.
    public var file: String
    /// The path the user typed, for the change's summary.
    public var displayPath: String
    /// The file's parsed snap.yaml.
    public var info: SnapInfo
    /// `name` or `name_key`; the snap's own name when nil.
    public var instanceName: String?
    public var flags: SnapFlags

    public init(file: String, displayPath: String, info: SnapInfo, instanceName: String? = nil, flags: SnapFlags) {
        self.file = file
        self.displayPath = displayPath
        self.info = info
        self.instanceName = instanceName
        self.flags = flags
    }
}

/// Planning changes: each operation becomes a chain of tasks whose setups are fixed from
/// the installed state at the moment the change is created.
extension SnapManager {
    /// Reads and validates the snap.yaml of an uploaded file (read by `snap-image`).
    ///
    /// - Throws: ``SnapManagerError`` `invalidSnap` naming the file and the problem.
    public func inspect(upload path: String, displayPath: String) async throws -> SnapInfo {
        let programs = options.programs
        return try await Disk.run { try Self.inspectNow(upload: path, displayPath: displayPath, programs: programs) }
    }

    private static func inspectNow(upload path: String, displayPath: String, programs: SystemPrograms) throws
        -> SnapInfo
    {
        do {
            let info = try SnapInfo.parse(yamlBytes: try snapYAML(of: path, programs: programs))
            try info.validate()
            return info
        } catch let failure as ProgramFailure where !failure.refusedInput {
            // Not the file's fault: the system cannot read snap files.
            throw SnapManagerError(.system, "cannot read snap file \"\(displayPath)\": \(failure)")
        } catch {
            throw SnapManagerError(.invalidSnap, "cannot read snap file \"\(displayPath)\": \(error)")
        }
    }

    /// Plans the install of an uploaded snap as a new local revision.
    public func installChange(_ request: InstallRequest, installed: InstalledSnap?) throws -> NewChange {
        let info = request.info
        let name = try Self.instanceName(request.instanceName, snapName: info.name)
        let flags = try Self.checkConfinement(info, requested: request.flags)
        let revision = installed?.nextLocalRevision ?? SnapRevision(1, isLocal: true)
        let layout = self.layout(name)
        let setup = SnapSetup(
            name: name,
            revision: revision,
            flags: flags,
            sourceFile: request.file,
            previous: installed?.current,
            previousActive: installed?.isActive ?? false,
            previousFlags: installed?.flags ?? SnapFlags(),
            info: RevisionInfo(info: info, file: layout.blob(revision), size: Int64(disk.fileSize(request.file))),
            addsRevision: true
        )

        var plan = ChangePlan(
            kind: "install-snap",
            summary: "Install \"\(name)\" snap from file \"\(request.displayPath)\"",
            name: name,
            data: ["snap-name": .string(name)]
        )
        plan.add("prerequisites", "Ensure prerequisites for \"\(name)\" are available", setup)
        plan.add("prepare-snap", "Prepare snap \"\(request.displayPath)\" (\(revision))", setup)
        plan.add("mount-snap", "Mount snap \"\(name)\" (\(revision))", setup)
        plan.add("copy-snap-data", "Copy snap \"\(name)\" data", setup)
        if let installed, let current = installed.currentRevision, installed.isActive {
            let old = existingSetup(installed, current)
            plan.add("stop-snap-services", "Stop snap \"\(name)\" (\(current.revision)) services", old)
            plan.add("unlink-current-snap", "Make current revision for snap \"\(name)\" unavailable", old)
        }
        plan.add("setup-profiles", "Setup snap \"\(name)\" (\(revision)) security profiles", setup)
        plan.add("link-snap", "Make snap \"\(name)\" (\(revision)) available to the system", setup)
        plan.add("start-snap-services", "Start snap \"\(name)\" (\(revision)) services", setup)

        // Keep at most `retainedRevisions`, counting the new one; the oldest go first.
        var removed: [String] = [request.file]
        let kept = (installed?.revisions ?? []).filter { $0.revision != installed?.current }
        let excess = max(0, (installed?.revisions.count ?? 0) + 1 - max(options.retainedRevisions, 2))
        for old in kept.prefix(excess) {
            let oldSetup = existingSetup(try unwrap(installed), old)
            plan.add("clear-snap", "Remove data for snap \"\(name)\" (\(old.revision))", oldSetup)
            plan.add("discard-snap", "Remove snap \"\(name)\" (\(old.revision)) from the system", oldSetup)
            removed += revisionLeftovers(layout, old.revision)
        }
        plan.add(
            "cleanup",
            "Clean up \"\(name)\" (\(revision)) install",
            setup,
            extra: ["remove": .array(removed.map { .string($0) })]
        )
        return plan.change
    }

    /// Plans the removal of a snap, or of one revision that is not the current one.
    public func removeChange(_ snap: InstalledSnap, revision: SnapRevision? = nil) throws -> NewChange {
        let name = snap.name
        let layout = self.layout(name)
        if let revision, snap.revisions.count > 1 {
            guard let entry = snap.revision(revision) else {
                throw SnapManagerError(
                    .revisionNotInstalled,
                    "revision \(revision) of snap \"\(name)\" is not installed"
                )
            }
            guard revision != snap.current else {
                throw SnapManagerError(
                    .badRequest,
                    "cannot remove active revision \(revision) of snap \"\(name)\" (revert first?)"
                )
            }
            var plan = ChangePlan(kind: "remove-snap", summary: "Remove \"\(name)\" snap", name: name)
            let setup = existingSetup(snap, entry)
            plan.add("clear-snap", "Remove data for snap \"\(name)\" (\(revision))", setup)
            plan.add("discard-snap", "Remove snap \"\(name)\" (\(revision)) from the system", setup)
            plan.add(
                "cleanup",
                "Clean up \"\(name)\" (\(revision)) removal",
                setup,
                extra: ["remove": .array(revisionLeftovers(layout, revision).map { .string($0) })]
            )
            return plan.change
        }
        if let revision, snap.revision(revision) == nil {
            throw SnapManagerError(.revisionNotInstalled, "revision \(revision) of snap \"\(name)\" is not installed")
        }

        var plan = ChangePlan(kind: "remove-snap", summary: "Remove \"\(name)\" snap", name: name)
        let currentEntry = try unwrap(snap.currentRevision ?? snap.revisions.last)
        let currentSetup = existingSetup(snap, currentEntry)
        if snap.isActive {
            plan.add("stop-snap-services", "Stop snap \"\(name)\" services", currentSetup)
            plan.add("unlink-current-snap", "Make current revision for snap \"\(name)\" unavailable", currentSetup)
        }
        plan.add(
            "remove-profiles",
            "Remove security profile for snap \"\(name)\" (\(currentEntry.revision))",
            currentSetup
        )
        plan.add("clear-snap", "Remove data for snap \"\(name)\"", currentSetup, extra: ["all": true])
        var removed =
            [Self.removedPath(layout.dataBase)]
            + disk.homes(under: paths.root).map { Self.removedPath(layout.userDataBase(home: $0)) }
        let ordered = snap.revisions.filter { $0.revision != currentEntry.revision } + [currentEntry]
        for entry in ordered {
            plan.add(
                "discard-snap",
                "Remove snap \"\(name)\" (\(entry.revision)) from the system",
                existingSetup(snap, entry)
            )
            removed.append(layout.blob(entry.revision))
        }
        plan.add(
            "cleanup",
            "Clean up \"\(name)\" removal",
            currentSetup,
            extra: [
                "remove": .array(removed.map { .string($0) }),
                "remove-if-empty": [.string(layout.mountBase)],
                "instance-mount-points": .array(layout.instanceMountPoints.map { .string($0) }),
            ]
        )
        return plan.change
    }

    /// Plans making a disabled snap's current revision active again.
    public func enableChange(_ snap: InstalledSnap) throws -> NewChange {
        guard !snap.isActive else { throw SnapManagerError(.badRequest, "snap \"\(snap.name)\" already enabled") }
        let entry = try unwrap(snap.currentRevision)
        let setup = existingSetup(snap, entry)
        var plan = ChangePlan(kind: "enable-snap", summary: "Enable \"\(snap.name)\" snap", name: snap.name)
        plan.add("setup-profiles", "Setup snap \"\(snap.name)\" (\(entry.revision)) security profiles", setup)
        plan.add("link-snap", "Make snap \"\(snap.name)\" (\(entry.revision)) available to the system", setup)
        plan.add("start-snap-services", "Start snap \"\(snap.name)\" (\(entry.revision)) services", setup)
        return plan.change
    }

    /// Plans disabling a snap: its current revision stays on disk but nobody can run it.
    public func disableChange(_ snap: InstalledSnap) throws -> NewChange {
        guard snap.isActive else { throw SnapManagerError(.badRequest, "snap \"\(snap.name)\" already disabled") }
        let entry = try unwrap(snap.currentRevision)
        let setup = existingSetup(snap, entry)
        var plan = ChangePlan(kind: "disable-snap", summary: "Disable \"\(snap.name)\" snap", name: snap.name)
        plan.add("stop-snap-services", "Stop snap \"\(snap.name)\" (\(entry.revision)) services", setup)
        plan.add("unlink-current-snap", "Make current revision for snap \"\(snap.name)\" unavailable", setup)
        plan.add("remove-profiles", "Remove security profile for snap \"\(snap.name)\" (\(entry.revision))", setup)
        return plan.change
    }

    /// Plans going back to `revision`, or to the revision before the current one. Each
    /// revision keeps its own data, so nothing is copied.
    public func revertChange(_ snap: InstalledSnap, to revision: SnapRevision? = nil, flags: SnapFlags? = nil) throws
        -> NewChange
    {
        let name = snap.name
        let current = try unwrap(snap.currentRevision)
        let target: InstalledSnap.Revision
        if let revision {
            guard let entry = snap.revision(revision) else {
                throw SnapManagerError(
                    .revisionNotInstalled,
                    "revision \(revision) of snap \"\(name)\" is not installed"
                )
            }
            guard revision != current.revision else {
                throw SnapManagerError(.badRequest, "already on requested revision")
            }
            target = entry
        } else {
            guard let index = snap.revisions.firstIndex(where: { $0.revision == current.revision }), index > 0 else {
                throw SnapManagerError(.badRequest, "no revision to revert to")
            }
            target = snap.revisions[index - 1]
        }

        let old = existingSetup(snap, current)
        var setup = existingSetup(snap, target)
        setup.flags = flags ?? snap.flags
        var plan = ChangePlan(kind: "revert-snap", summary: "Revert \"\(name)\" snap", name: name)
        if snap.isActive {
            plan.add("stop-snap-services", "Stop snap \"\(name)\" (\(current.revision)) services", old)
            plan.add("unlink-current-snap", "Make current revision for snap \"\(name)\" unavailable", old)
        }
        plan.add("setup-profiles", "Setup snap \"\(name)\" (\(target.revision)) security profiles", setup)
        plan.add("link-snap", "Make snap \"\(name)\" (\(target.revision)) available to the system", setup)
        plan.add("start-snap-services", "Start snap \"\(name)\" (\(target.revision)) services", setup)
        return plan.change
    }

    /// Plans removing several snaps in one change; each snap's tasks form their own chain.
    public func removeChange(_ snaps: [InstalledSnap]) throws -> NewChange {
        let names = snaps.map(\.name)
        let quoted = names.map { "\"\($0)\"" }.joined(separator: ", ")
        var plan = ChangePlan(
            kind: "remove-snap",
            summary: "Remove snaps \(quoted)",
            names: [],
            data: ["snap-names": .array(names.map { .string($0) })]
        )
        for snap in snaps { plan.merge(try removeChange(snap)) }
        return plan.change
    }

    // MARK: Helpers

    /// The setup of a task acting on a revision already on disk.
    private func existingSetup(_ snap: InstalledSnap, _ entry: InstalledSnap.Revision) -> SnapSetup {
        SnapSetup(
            name: snap.name,
            revision: entry.revision,
            flags: snap.flags,
            previous: snap.current,
            previousActive: snap.isActive,
            previousFlags: snap.flags,
            info: entry.info,
            installDate: entry.installDate
        )
    }

    /// What a discarded revision leaves for cleanup: its file and its data set aside.
    private func revisionLeftovers(_ layout: SnapLayout, _ revision: SnapRevision) -> [String] {
        [layout.blob(revision), layout.removedDataDirectory(revision)]
            + disk.homes(under: paths.root).map { "\(layout.userDataBase(home: $0))/.removed-\(revision)" }
    }

    private func unwrap<Value>(_ value: Value?) throws -> Value {
        guard let value else { throw SnapManagerError(.internalError, "the installed state has no current revision") }
        return value
    }

    /// Checks `--name`: it may only add an instance key to the snap's own name.
    static func instanceName(_ requested: String?, snapName: String) throws -> String {
        guard let requested, requested != snapName else { return snapName }
        let prefix = snapName + "_"
        let key = requested.hasPrefix(prefix) ? requested.dropFirst(prefix.count) : ""
        let valid = !key.isEmpty && key.count <= 10 && key.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) }
        guard valid else {
            throw SnapManagerError(
                .badRequest,
                "instance name \"\(requested)\" does not match snap name \"\(snapName)\""
            )
        }
        return requested
    }

    /// Checks the confinement the snap declares against the flags given, and returns the
    /// flags to keep.
    static func checkConfinement(_ info: SnapInfo, requested: SnapFlags) throws -> SnapFlags {
        var flags = requested
        switch info.confinement {
        case .classic:
            guard requested.classic || requested.devmode else {
                throw SnapManagerError(.needsClassic, "snap \"\(info.name)\" requires classic confinement")
            }
        case .devmode:
            guard requested.devmode else {
                throw SnapManagerError(
                    .needsDevmode,
                    "snap \"\(info.name)\" requires devmode or confinement override"
                )
            }
            flags.classic = false
        default:
            flags.classic = false
        }
        return flags
    }
}

/// A change being planned: tasks added in order, each waiting for the one before.
struct ChangePlan {
    private(set) var change: NewChange
    private var last: NewChange.TaskReference?

    init(kind: String, summary: String, name: String, data: [String: JSONValue] = [:]) {
        self.init(kind: kind, summary: summary, names: [name], data: data)
    }

    init(kind: String, summary: String, names: [String], data: [String: JSONValue] = [:]) {
        change = NewChange(kind: kind, summary: summary, snapNames: names, data: data)
    }

    /// Appends the tasks of `other` as a chain of their own, independent of this plan's.
    mutating func merge(_ other: NewChange) {
        change.append(other)
        change.snapNames += other.snapNames
        last = nil
    }

    mutating func add(_ kind: String, _ summary: String, _ setup: SnapSetup, extra: [String: JSONValue] = [:]) {
        var data = extra
        data["snap-setup"] = setup.json
        last = change.addTask(kind: kind, summary: summary, data: data, waitingFor: last.map { [$0] } ?? [])
    }
}

extension SnapManager {
    /// The snaps that run on `base`: installed ones whose current revision needs it, and
    /// ones a change in progress is installing, except those in `ignoring` (being removed
    /// with it). A base in use cannot be removed.
    public static func snapsUsing(
        base: String,
        installed: [InstalledSnap],
        pending: [ChangeRecord],
        ignoring: Set<String> = []
    ) -> [String] {
        var users = Set<String>()
        for snap in installed where snap.currentRevision?.info.requiredBase == base {
            users.insert(snap.name)
        }
        for change in pending {
            for task in change.tasks where task.kind == "prerequisites" {
                let setup = task.data["snap-setup"]
                let info = setup?["info"].flatMap(RevisionInfo.init(json:))
                if info?.requiredBase == base, let name = setup?["name"]?.stringValue { users.insert(name) }
            }
        }
        return users.subtracting(ignoring).subtracting([base]).sorted()
    }

    /// Refuses to plan the removal of a base other snaps run on.
    public static func checkRemovable(_ name: String, users: [String]) throws {
        guard !users.isEmpty else { return }
        let list = users.joined(separator: ", ")
        throw SnapManagerError(
            .badRequest,
            "snap \"\(name)\" is not removable: snap is being used by snap\(users.count > 1 ? "s" : "") \(list)"
        )
    }
}
