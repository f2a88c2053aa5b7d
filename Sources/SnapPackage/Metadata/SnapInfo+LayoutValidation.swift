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

    /// The text snapd appends to messages about AppArmor pattern characters; its list
    /// of reserved characters ends with a NUL, which therefore ends the message too.
    static let reservedAppArmorCharacters = "?*[]{}^\"\u{0}"

    /// Expands `$SNAP`, `$SNAP_DATA` and `$SNAP_COMMON` (also `${...}`) the way Go's
    /// `os.Expand` does for snapd: any other variable expands to nothing.
    ///
    /// The revision reads `unset`, as in snapd's messages for a snap being packed.
    func expandingSnapVariables(_ path: String) -> String {
        expandVariables(path).expanded
    }

    /// The expansion and the names of unknown variables met on the way.
    func expandVariables(_ path: String) -> (expanded: String, unknown: [String]) {
        let values = [
            "SNAP": "/snap/\(name)/unset", "SNAP_DATA": "/var/snap/\(name)/unset",
            "SNAP_COMMON": "/var/snap/\(name)/common",
        ]
        var result = ""
        var unknown: [String] = []
        var rest = Substring(path)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            var after = rest[rest.index(after: dollar)...]
            let name: Substring
            if after.first == "{", let close = after.firstIndex(of: "}") {
                name = after[after.index(after: after.startIndex)..<close]
                after = after[after.index(after: close)...]
            } else {
                name = after.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
                after = after.dropFirst(name.count)
            }
            if let value = values[String(name)] {
                result += value
            } else {
                unknown.append(String(name))
            }
            rest = after
        }
        return (result + rest, unknown)
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
                    let (this, other) = isDirectory ? ("directory", "file") : ("file", "a directory")
                    throw invalid(
                        "layout \(quoted(entry.path)) refers to \(this) \(quoted(path)) but another layout treats it as \(other)"
                    )
                }
                sourceKinds[path] = isDirectory
            }
        }
    }

    private func validate(_ entry: LayoutEntry) throws(SnapYAMLError) {
        let path = entry.path
        if path.isEmpty { throw invalid("layout cannot use an empty path") }
        if PathRules.hasAppArmorPattern(path) {
            throw invalid(
                "invalid layout path: \(quoted(path)) contains a reserved apparmor char from \(Self.reservedAppArmorCharacters)"
            )
        }
        let (point, unknown) = expandVariables(path)
        if !point.hasPrefix("/") { throw invalid("layout \(quoted(path)) is a relative filename") }
        try validateTopLevel(of: entry, at: point)
        if let name = unknown.first {
            throw invalid(
                "layout \(quoted(path)) uses invalid mount point: reference to unknown variable \(quoted("$" + name))"
            )
        }
        if PathRules.clean(point) != point {
            throw invalid("layout \(quoted(path)) uses invalid mount point: must be absolute and clean")
        }
        if Self.layoutOffLimits.contains(where: { PathRules.isWithin(point, $0) }) {
            throw invalid("layout \(quoted(path)) in an off-limits area")
        }
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

    /// The top-level directory, and other snaps' space under `/snap`.
    private func validateTopLevel(of entry: LayoutEntry, at point: String) throws(SnapYAMLError) {
        let top = point.split(separator: "/").first.map(String.init) ?? ""
        if !top.isEmpty && !Self.layoutTopLevelDirectories.contains(top) {
            throw invalid("layout \(quoted(entry.path)) defines a new top-level directory \(quoted("/" + top))")
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
            try validateSource(source, of: entry, role: "bind mount source", patternRole: "mount source")
        case .symlink(let target):
            try validateSource(target, of: entry, role: "symlink old name", patternRole: "symlink")
        case .filesystem(let type):
            if type != "tmpfs" {
                throw invalid("layout \(quoted(entry.path)) uses invalid filesystem \(quoted(type))")
            }
        }
    }

    /// A source must use only the snap's variables, start with one, and expand to a
    /// clean path without AppArmor pattern characters.
    private func validateSource(
        _ source: String,
        of entry: LayoutEntry,
        role: String,
        patternRole: String
    ) throws(SnapYAMLError) {
        let subject = "layout \(quoted(entry.path)) uses invalid \(role)"
        let (expanded, unknown) = expandVariables(source)
        if let name = unknown.first {
            throw invalid("\(subject) \(quoted(source)): reference to unknown variable \(quoted("$" + name))")
        }
        let variables = ["$SNAP", "$SNAP_DATA", "$SNAP_COMMON"]
        guard variables.contains(where: { source == $0 || source.hasPrefix($0 + "/") }) else {
            throw invalid("\(subject) \(quoted(source)): must start with $SNAP, $SNAP_DATA or $SNAP_COMMON")
        }
        if PathRules.hasAppArmorPattern(expanded) {
            throw invalid(
                "layout \(quoted(entry.path)) uses invalid \(patternRole): \(quoted(expanded)) "
                    + "contains a reserved apparmor char from \(Self.reservedAppArmorCharacters)"
            )
        }
        if PathRules.clean(expanded) != expanded {
            throw invalid("\(subject) \(quoted(expanded)): must be absolute and clean")
        }
    }
}
