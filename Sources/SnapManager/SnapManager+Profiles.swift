import Glibc
import SnapAPI
import SnapPackage
import SnapSandbox
import SnapSecurity
import SnapSystem
import StateEngine

/// The security files of a snap's programs (launch descriptions, seccomp, Landlock,
/// AppArmor and mount profiles), written by setup-profiles and removed by remove-profiles.
///
/// The `security_profiles` projection is the record of what is on disk: each handler reads
/// it as it was when the task started (the facts of a task commit only when it finishes),
/// so a run again after a crash starts from the same place and ends in the same files.
/// What a task replaced or removed is kept in its data (`previous-profiles`, with the
/// contents), and its undo puts exactly those files back.
extension SnapManager {
    /// Writes the files of the setup's revision, replacing those of any other revision of
    /// the snap and removing the files of programs the revision does not have.
    func setupProfiles(_ setup: SnapSetup, _ context: TaskContext) async throws {
        let name = setup.name
        let before = try await readState { try ProfileRecord.all(snap: name, from: $0) }
        let info = try await snapInfo(setup)
        let confinement = SecurityTarget.confinement(of: info, devmode: setup.flags.devmode)
        let files: [ProfileFile]
        let programs = options.programs
        let scratch = paths.snapdStateDirectory
        let limits = (pidsMax: options.appPidsMax, memoryMax: options.appMemoryMax)
        do {
            // Compiling the seccomp profiles runs snap-seccomp: not on a cooperative thread.
            files = try await Disk.run {
                try SecurityProfiles.files(
                    info: info,
                    instanceName: name,
                    revision: setup.revision.description,
                    confinement: confinement,
                    limits: limits
                ) { (source, file) throws(SandboxError) in
                    try Self.compileSeccomp(source: source, named: file, programs: programs, scratch: scratch)
                }
            }
        } catch {
            throw SnapManagerError(
                .internalError,
                "cannot generate the security profiles of snap \"\(name)\": \(error)"
            )
        }
        let records = files.map { record(of: $0, snap: name, revision: setup.revision.description) }
        try await Disk.run { try self.replaceProfiles(before, with: records) }

        context.setData("previous-profiles", .array(before.map(\.json)))
        recordReplacement(of: before, with: records, in: context)
        try await discardNamespace(of: name)
    }

    /// Puts back the files the task replaced, and removes those the previous revision lacked.
    func undoSetupProfiles(_ setup: SnapSetup, _ context: TaskContext) async throws {
        try await restorePrevious(setup, context)
        try await discardNamespace(of: setup.name)
    }

    /// Removes every security file of the snap, when they belong to the setup's revision;
    /// for another revision (one that is not current) there is nothing to do.
    func removeProfiles(_ setup: SnapSetup, _ context: TaskContext) async throws {
        let name = setup.name
        let before = try await readState { try ProfileRecord.all(snap: name, from: $0) }
        let revision = setup.revision.description
        // Nothing of the snap may run now, whatever files it has (a revision of type base
        // has none): its kept mount namespace and its empty cgroups go.
        try await discardNamespace(of: name)
        guard before.contains(where: { $0.revision == revision }) else {
            context.setData("previous-profiles", .array([]))
            return
        }
        try await Disk.run { try self.replaceProfiles(before, with: []) }
        context.setData("previous-profiles", .array(before.map(\.json)))
        recordReplacement(of: before, with: [], in: context)
    }

    /// Discards the snap's kept mount namespace and removes its empty cgroups; the next
    /// launch builds them again. A kept namespace holds the mounts of the revision and base
    /// it was built with, and this host's mounts need not propagate into it, so a namespace
    /// kept across a change of revision would show the old revision's mount, or none.
    func discardNamespace(of name: String) async throws {
        let paths = self.paths
        try await Disk.run {
            do {
                try MountNamespace(instanceName: name, paths: paths).discard()
            } catch {
                throw SnapManagerError(.internalError, "cannot discard the mount namespace of \"\(name)\": \(error)")
            }
            TrackingGroup.removeEmptyGroups(snapName: name)
        }
    }

    /// Writes back the files the removal took away.
    func undoRemoveProfiles(_ setup: SnapSetup, _ context: TaskContext) async throws {
        try await restorePrevious(setup, context)
    }

    // MARK: Steps

    /// Makes the disk and the projection hold the task's `previous-profiles` again.
    private func restorePrevious(_ setup: SnapSetup, _ context: TaskContext) async throws {
        let name = setup.name
        // What the do run stored: in this run's data when an injected failure undoes it at
        // once, else in the task's data as the engine hands it to the undo.
        let entries = context.currentData("previous-profiles")?.arrayValue ?? []
        let previous = entries.compactMap(ProfileRecord.init(json:))
        guard previous.count == entries.count else {
            throw SnapManagerError(.internalError, "the task's previous-profiles data of snap \"\(name)\" is damaged")
        }
        let current = try await readState { try ProfileRecord.all(snap: name, from: $0) }
        try await Disk.run {
            try self.replaceProfiles(current, with: previous)
            // Files no record names were written by a run whose facts never committed (it
            // failed, or the daemon died): they go too.
            let known = Set(previous.map(\.path))
            for stray in self.profileFiles(snap: name) where !known.contains(stray) {
                try self.disk.files.removeFile(at: self.paths.under(stray))
            }
        }
        recordReplacement(of: current, with: previous, in: context)
    }

    /// The security files of the snap's programs on disk, as paths under the root.
    private func profileFiles(snap name: String) -> [String] {
        let directories = [
            paths.sandboxDirectory, paths.seccompDirectory, paths.landlockDirectory, paths.apparmorProfileDirectory,
            paths.mountProfileDirectory,
        ]
        return directories.flatMap { directory in
            Self.hookFiles(in: directory).filter { $0.hasPrefix("snap.\(name).") }.map {
                String((directory + "/" + $0).dropFirst(paths.root.count))
            }
        }
    }

    /// The facts for going from `before` to `after`: each file written, then each file of
    /// `before` that `after` lacks removed.
    private func recordReplacement(of before: [ProfileRecord], with after: [ProfileRecord], in context: TaskContext) {
        let kept = Set(after.map(\.path))
        for record in after { context.record(ProfileEvent.written, record.json) }
        for record in before where !kept.contains(record.path) {
            context.record(ProfileEvent.removed, ProfileEvent.removedPayload(record))
        }
    }

    private func record(of file: ProfileFile, snap: String, revision: String) -> ProfileRecord {
        ProfileRecord(
            path: file.path,
            securityTag: file.securityTag,
            kind: file.kind,
            snap: snap,
            revision: revision,
            digest: SHA3.sha384Hex(file.contents),
            contents: file.contents
        )
    }

    /// Writes every file of `after` (atomically: temporary file, fsync, rename, fsync of the
    /// directory; root-owned, mode 0644, directories 0755), then removes the files of
    /// `before` that `after` lacks. On failure it puts `before` back as well as it can, so
    /// that a failed task leaves the files it found.
    private func replaceProfiles(_ before: [ProfileRecord], with after: [ProfileRecord]) throws {
        let parser = appArmorParser()
        do {
            // Profiles that go are taken out of the kernel while their files still say
            // which they are; the new and changed ones are loaded once written.
            try changeAppArmor(parser, "-R", records: Self.appArmor(before, notIn: after))
            try writeAndPrune(before, after)
            try changeAppArmor(parser, "-r", records: Self.appArmor(after, notIn: before))
        } catch {
            try? writeAndPrune(after, before)
            try? changeAppArmor(parser, "-r", records: Self.appArmor(before, notIn: []))
            throw error
        }
    }

    /// The AppArmor profiles of `records` that `others` does not hold with the same contents.
    private static func appArmor(_ records: [ProfileRecord], notIn others: [ProfileRecord]) -> [ProfileRecord] {
        let same = Set(others.filter { $0.kind == .apparmor }.map { "\($0.path)\u{0}\($0.digest)" })
        return records.filter { $0.kind == .apparmor && !same.contains("\($0.path)\u{0}\($0.digest)") }
    }

    /// The program that loads profiles into the kernel, when it has AppArmor.
    private func appArmorParser() -> String? {
        if let parser = options.appArmorParser { return parser }
        guard AppArmorHost.isEnabled else { return nil }
        return ["/sbin/apparmor_parser", "/usr/sbin/apparmor_parser"].first { access($0, X_OK) == 0 }
    }

    /// Runs `parser ACTION FILE` (`-r` replaces or loads, `-R` removes) for each record.
    private func changeAppArmor(_ parser: String?, _ action: String, records: [ProfileRecord]) throws {
        guard let parser, let slash = parser.lastIndex(of: "/") else { return }
        let program = SystemPrograms(directory: String(parser[..<slash]))
        let name = String(parser[parser.index(after: slash)...])
        for record in records {
            let file = paths.under(record.path)
            let outcome = try program.run(name, [action, file])
            guard outcome.status == 0 else {
                let verb = action == "-R" ? "remove" : "load"
                throw SnapManagerError(
                    .internalError,
                    "cannot \(verb) the AppArmor profile \(file): \(outcome.failure(program: name))"
                )
            }
        }
    }

    private func writeAndPrune(_ before: [ProfileRecord], _ after: [ProfileRecord]) throws {
        let files = disk.files
        for record in after {
            let path = paths.under(record.path)
            if let slash = path.lastIndex(of: "/") {
                try files.createDirectory(at: String(path[..<slash]), mode: 0o755)
            }
            try files.writeFile(at: path, contents: record.contents, mode: 0o644)
            // The daemon runs as root, so its files are root's; say so when it does not.
            if geteuid() == 0 { chown(path, 0, 0) }
        }
        let kept = Set(after.map(\.path))
        for record in before where !kept.contains(record.path) {
            try files.removeFile(at: paths.under(record.path))
        }
    }

    /// The full snap.yaml of the setup's revision, read from its mounted image, with the
    /// hooks its `meta/hooks` directory holds (a hook need not be declared in snap.yaml).
    private func snapInfo(_ setup: SnapSetup) async throws -> SnapInfo {
        let meta = layout(setup.name).mountPoint(setup.revision) + "/meta"
        let disk = self.disk
        return try await Disk.run {
            let yaml = try disk.readFile(meta + "/snap.yaml")
            return try SnapInfo.parse(yamlBytes: yaml, hookFiles: Self.hookFiles(in: meta + "/hooks"))
        }
    }

    /// The names of the files in a directory (a snap's `meta/hooks`, a profile directory).
    private static func hookFiles(in directory: String) -> [String] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            // FUSE mounts may report DT_UNKNOWN; only directories are certainly not hooks.
            if name != ".", name != "..", entry.pointee.d_type != UInt8(DT_DIR) { names.append(name) }
        }
        return names.sorted()
    }
}
