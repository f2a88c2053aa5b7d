extension SnapInfo {
    /// Top-level directories a layout may live under.
    static let layoutTopLevelDirectories: Set<String> = [
        "bin", "etc", "lib", "lib64", "meta", "mnt", "opt", "root", "sbin", "snap", "srv", "usr", "var", "writable",
    ]

    /// Areas no layout may touch (snapd 2.57.6's list).
    static let layoutOffLimits = [
        "/dev", "/proc", "/sys", "/media", "/run", "/tmp", "/var/lib/snapd", "/lib/firmware", "/lib/modules",
        "/var/snap", "/home", "/boot", "/lost+found",
    ]

    /// Replaces `$SNAP`, `$SNAP_DATA` and `$SNAP_COMMON` with where they point for this snap.
    ///
    /// The revision is a placeholder: the rules only care about where a path lies.
    func expandingSnapVariables(_ path: String) -> String {
        let replacements = [
            ("$SNAP_COMMON", "/var/snap/\(name)/common"), ("$SNAP_DATA", "/var/snap/\(name)/x1"),
            ("$SNAP", "/snap/\(name)/x1"),
        ]
        for (variable, value) in replacements where path == variable || path.hasPrefix(variable + "/") {
            return value + path.dropFirst(variable.count)
        }
        return path
    }

    /// Checks every layout entry and that no entry lies under another.
    func validateLayout() throws(SnapYAMLError) {
        let sorted = layout.sorted { $0.path < $1.path }
        var prior: [String] = []
        var sourceKinds: [String: Bool] = [:]
        for entry in sorted {
            try validate(entry)
            let point = expandingSnapVariables(entry.path)
            if let parent = prior.first(where: { PathRules.isWithin(point, expandingSnapVariables($0)) }) {
                throw invalid("layout \(quoted(entry.path)) underneath prior layout item \(quoted(parent))")
            }
            prior.append(entry.path)

            // One source may back a directory or a file, not both.
            let source: (String, Bool)? =
                switch entry.kind {
                case .bind(let source): (source, true)
                case .bindFile(let source): (source, false)
                default: nil
                }
            if let (path, isDirectory) = source {
                if let earlier = sourceKinds[path], earlier != isDirectory {
                    throw invalid(
                        "layout \(quoted(entry.path)) refers to \(quoted(path)) as both a file and a directory"
                    )
                }
                sourceKinds[path] = isDirectory
            }
        }
    }

    private func validate(_ entry: LayoutEntry) throws(SnapYAMLError) {
        let path = entry.path
        if path.isEmpty { throw invalid("layout cannot use an empty path") }
        let point = expandingSnapVariables(path)
        if point.contains("$") { throw invalid("layout \(quoted(path)) uses invalid variable in its path") }
        if !point.hasPrefix("/") || PathRules.clean(point) != point {
            throw invalid("layout \(quoted(path)) must be an absolute and clean path")
        }
        if PathRules.hasAppArmorPattern(path) {
            throw invalid("layout \(quoted(path)) contains a reserved apparmor char from ?*[]{}^\"")
        }
        try validatePlacement(of: entry, at: point)
        try validateKind(of: entry)

        if let user = entry.user, user != "root" {
            throw invalid("layout \(quoted(path)) uses invalid user \(quoted(user))")
        }
        if let group = entry.group, group != "root" {
            throw invalid("layout \(quoted(path)) uses invalid group \(quoted(group))")
        }
        if entry.mode & ~0o1777 != 0 {
            throw invalid("layout \(quoted(path)) uses invalid mode 0\(String(entry.mode, radix: 8))")
        }
    }

    /// The top-level directory, off-limits areas, and other snaps' space under `/snap`.
    private func validatePlacement(of entry: LayoutEntry, at point: String) throws(SnapYAMLError) {
        let top = point.split(separator: "/").first.map(String.init) ?? ""
        if !Self.layoutTopLevelDirectories.contains(top) {
            throw invalid("layout \(quoted(entry.path)) defines a new top-level directory \(quoted("/" + top))")
        }
        if Self.layoutOffLimits.contains(where: { PathRules.isWithin(point, $0) }) {
            throw invalid("layout \(quoted(entry.path)) in an off-limits area")
        }
        if PathRules.isWithin(point, "/snap"), !PathRules.isWithin(point, "/snap/\(name)") {
            throw invalid("layout \(quoted(entry.path)) defines a layout in space belonging to another snap")
        }
    }

    /// Exactly one of bind, bind-file, type (tmpfs only) or symlink, with a source inside the snap.
    private func validateKind(of entry: LayoutEntry) throws(SnapYAMLError) {
        guard let kind = entry.kind else {
            throw invalid("layout \(quoted(entry.path)) must define a bind mount, a filesystem mount or a symlink")
        }
        switch kind {
        case .bind(let source), .bindFile(let source):
            try validateSource(source, of: entry, role: "bind mount source")
        case .symlink(let target):
            try validateSource(target, of: entry, role: "symlink old name")
        case .filesystem(let type):
            if type != "tmpfs" {
                throw invalid("layout \(quoted(entry.path)) uses invalid filesystem \(quoted(type))")
            }
        }
    }

    private func validateSource(_ source: String, of entry: LayoutEntry, role: String) throws(SnapYAMLError) {
        let prefix = "layout \(quoted(entry.path)) uses invalid \(role) \(quoted(source))"
        let variables = ["$SNAP", "$SNAP_DATA", "$SNAP_COMMON"]
        guard variables.contains(where: { source == $0 || source.hasPrefix($0 + "/") }) else {
            throw invalid("\(prefix): must start with $SNAP, $SNAP_DATA or $SNAP_COMMON")
        }
        if PathRules.hasAppArmorPattern(source) {
            throw invalid("\(prefix): contains a reserved apparmor char from ?*[]{}^\"")
        }
        let expanded = expandingSnapVariables(source)
        if PathRules.clean(expanded) != expanded { throw invalid("\(prefix): must be a clean path") }
    }
}
