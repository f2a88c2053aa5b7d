/// What the container check found: paths snap.yaml names that are missing, and
/// paths whose modes are wrong, each with the log line snapd prints.
public struct ContainerProblems: Sendable, Hashable {
    /// Missing paths, relative to the snap root.
    public var missingPaths: [String] = []
    /// One line per bad mode, e.g.
    /// `in snap "hello": "bin/cli" should be world-readable and executable, and isn't: -r--r--r--`.
    public var badModes: [String] = []
    /// One line per missing path, e.g. `in snap "hello": path "bin/cli" does not exist`.
    public var missingLines: [String] = []

    /// Whether nothing was found.
    public var isEmpty: Bool { missingPaths.isEmpty && badModes.isEmpty }

    /// The error snapd reports, or nil when the snap passes.
    ///
    /// - Parameter skeletonOnly: Ignore missing paths, as `snap pack --check-skeleton` does.
    /// - Returns: `snap is unusable due to missing files` when any are missing, else
    ///   `snap is unusable due to bad permissions` when a mode is wrong, else nil.
    public func error(skeletonOnly: Bool = false) -> SnapYAMLError? {
        // snapd reports missing files first, and --check-skeleton forgives exactly
        // that error, so bad modes then go unreported as an error.
        if !missingPaths.isEmpty {
            if skeletonOnly { return nil }
            return SnapYAMLError(.container, "snap is unusable due to missing files", details: badModes + missingLines)
        }
        if !badModes.isEmpty {
            return SnapYAMLError(.container, "snap is unusable due to bad permissions", details: badModes)
        }
        return nil
    }
}

extension SnapDirectory {
    /// What a referenced path needs.
    private enum Need {
        /// r and x for everyone (`0555`); parents too.
        case program
        /// At least one x bit; parents only walked.
        case serviceProgram
        /// Readable by everyone (`0444`); parents `0555`.
        case readable

        /// The need covering both.
        func combined(with other: Need) -> Need {
            self == other ? self : .program
        }
    }

    /// Checks the files snap.yaml references and everything under `meta/`, as snapd's
    /// container validation does at pack and install time.
    ///
    /// Paths from snap.yaml are cut at the first space, cleaned, stripped of a
    /// leading `/`; paths starting `../` are ignored. Files snap.yaml does not
    /// reference are not looked at. Symbolic links are not followed.
    ///
    /// - Parameter info: The parsed snap.yaml of this directory.
    /// - Returns: Everything found; ``ContainerProblems/error(skeletonOnly:)`` turns it into snapd's error.
    public func checkContainer(for info: SnapInfo) -> ContainerProblems {
        var problems = ContainerProblems()
        checkMode(".", need: 0o555, kind: "world-readable and executable", problems: &problems, snap: info.name)
        checkMode("meta", need: 0o555, kind: "world-readable and executable", problems: &problems, snap: info.name)
        checkMode("meta/snap.yaml", need: 0o444, kind: "world-readable", problems: &problems, snap: info.name)
        checkMetaTree("meta", problems: &problems, snap: info.name)

        // One path may be named several times (a command used by two apps); the
        // strictest need decides, as snapd keeps one need per path.
        var needs: [(path: String, need: Need)] = []
        func add(_ field: String, _ need: Need) {
            guard let relative = Self.normalise(field) else { return }
            if let index = needs.firstIndex(where: { $0.path == relative }) {
                needs[index].need = needs[index].need.combined(with: need)
            } else {
                needs.append((relative, need))
            }
        }
        for app in info.apps {
            add(app.command, app.isService ? .serviceProgram : .program)
            if app.isService {
                for extra in [app.stopCommand, app.reloadCommand, app.postStopCommand] { add(extra, .serviceProgram) }
            }
            add(app.completer, .readable)
        }
        for (path, need) in needs {
            check(path, need: need, problems: &problems, snap: info.name)
        }
        return problems
    }

    /// Every directory under `meta/` needs `0555`, hook files an x bit, other files `0444`.
    private func checkMetaTree(_ relative: String, problems: inout ContainerProblems, snap: String) {
        for name in MetadataFiles.names(inDirectory: path(of: relative)) {
            let child = relative + "/" + name
            guard let status = MetadataFiles.status(at: path(of: child)), child != "meta/snap.yaml" else { continue }
            if status.isDirectory {
                checkMode(child, need: 0o555, kind: "world-readable and executable", problems: &problems, snap: snap)
                checkMetaTree(child, problems: &problems, snap: snap)
            } else if relative == "meta/hooks" {
                if status.permissions & 0o111 == 0 { report(child, status, "executable", &problems, snap: snap) }
            } else {
                checkMode(child, need: 0o444, kind: "world-readable", problems: &problems, snap: snap)
            }
        }
    }

    /// Checks one path from snap.yaml and, for programs and completers, its parents.
    private func check(_ relative: String, need: Need, problems: inout ContainerProblems, snap: String) {
        if let status = MetadataFiles.status(at: path(of: relative)) {
            // A directory needs r and x for everyone whatever the field asked for.
            let required: (UInt32, String) =
                switch need {
                case _ where status.isDirectory: (0o555, "world-readable and executable")
                case .program: (0o555, "world-readable and executable")
                case .readable: (0o444, "world-readable")
                case .serviceProgram: (0o111, "executable")
                }
            let satisfied =
                need == .serviceProgram && !status.isDirectory
                ? status.permissions & 0o111 != 0 || status.isSymlink
                : status.permissions & required.0 == required.0 || status.isSymlink
            if !satisfied { report(relative, status, required.1, &problems, snap: snap) }
        } else {
            addMissing(relative, problems: &problems, snap: snap)
        }
        guard need != .serviceProgram else { return }

        // Parents of programs and completers must exist and be traversable by everyone.
        var parent = PathRules.clean(relative + "/..")
        while parent != "." && !parent.isEmpty {
            checkMode(parent, need: 0o555, kind: "world-readable and executable", problems: &problems, snap: snap)
            parent = PathRules.clean(parent + "/..")
        }
    }

    private func checkMode(
        _ relative: String,
        need: UInt32,
        kind: String,
        problems: inout ContainerProblems,
        snap: String
    ) {
        guard let status = MetadataFiles.status(at: path(of: relative)) else {
            addMissing(relative, problems: &problems, snap: snap)
            return
        }
        if status.permissions & need != need { report(relative, status, kind, &problems, snap: snap) }
    }

    private func report(
        _ relative: String,
        _ status: MetadataFiles.Status,
        _ kind: String,
        _ problems: inout ContainerProblems,
        snap: String
    ) {
        let mode = MetadataFiles.modeString(status.mode)
        let line = "in snap \(quoted(snap)): \(quoted(relative)) should be \(kind), and isn't: \(mode)"
        if !problems.badModes.contains(line) { problems.badModes.append(line) }
    }

    private func addMissing(_ relative: String, problems: inout ContainerProblems, snap: String) {
        guard !problems.missingPaths.contains(relative) else { return }
        problems.missingPaths.append(relative)
        problems.missingLines.append("in snap \(quoted(snap)): path \(quoted(relative)) does not exist")
    }

    /// Turns a snap.yaml path into a path inside the snap, or nil when there is nothing to check.
    static func normalise(_ field: String) -> String? {
        let firstWord = field.prefix { $0 != " " }
        guard !firstWord.isEmpty else { return nil }
        var cleaned = PathRules.clean(String(firstWord))
        while cleaned.hasPrefix("/") { cleaned.removeFirst() }
        if cleaned.isEmpty || cleaned == "." || cleaned == ".." || cleaned.hasPrefix("../") { return nil }
        return cleaned
    }
}
