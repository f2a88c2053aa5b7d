import SnapPackage
import SnapSandbox

/// The mount profile of a snap (`mount/snap.NAME.fstab`): the mounts snap-confine adds to
/// the snap's namespace, one fstab(5) line each.
///
/// Today the lines come from the snap's layouts. Each is `SOURCE TARGET TYPE OPTIONS 0 0`,
/// with snapd's own options: `x-snapd.origin=layout` on every layout line,
/// `x-snapd.kind=file` for a file bind mount, `x-snapd.kind=symlink` with
/// `x-snapd.symlink=TARGET` for a symbolic link, and `x-snapd.mode`, `x-snapd.user`,
/// `x-snapd.group` for what layouts may set. `$SNAP`, `$SNAP_DATA` and `$SNAP_COMMON` are
/// expanded to the paths inside the sandbox, and every field is escaped as fstab(5) wants
/// (space `\040`, tab `\011`, newline `\012`, backslash `\134`), so no value can split a line
/// or a field.
public enum MountProfile {
    /// The file's name for a snap instance: `snap.NAME.fstab`.
    public static func fileName(instanceName: String) -> String { "snap.\(instanceName).fstab" }

    /// The profile of a revision.
    /// - Throws: ``SandboxError`` naming the layout entry that has no single kind.
    public static func fstab(info: SnapInfo, revision: String) throws(SandboxError) -> String {
        var lines = ["# Written by snapd: the mounts of snap \(info.name)'s layouts, in fstab(5) syntax."]
        for entry in info.layout {
            lines.append(try line(for: entry, info: info, revision: revision))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One layout entry as an fstab line.
    static func line(for entry: LayoutEntry, info: SnapInfo, revision: String) throws(SandboxError) -> String {
        let target = expand(entry.path, info: info, revision: revision)
        var options: [String] = []
        let source: String
        let type: String
        switch entry.kind {
        case .bind(let path)?:
            (source, type) = (expand(path, info: info, revision: revision), "none")
            options = ["rbind", "rw"]
        case .bindFile(let path)?:
            (source, type) = (expand(path, info: info, revision: revision), "none")
            options = ["bind", "rw", "x-snapd.kind=file"]
        case .filesystem(let kind)?:
            (source, type) = (kind, kind)
            if entry.mode != 0o755 { options.append("x-snapd.mode=0\(String(entry.mode, radix: 8))") }
        case .symlink(let path)?:
            (source, type) = ("none", "none")
            options = ["x-snapd.kind=symlink", "x-snapd.symlink=" + expand(path, info: info, revision: revision)]
        case nil:
            throw SandboxError("layout \"\(entry.path)\" of snap \(info.name) does not name exactly one kind")
        }
        if let user = entry.user { options.append("x-snapd.user=\(user)") }
        if let group = entry.group { options.append("x-snapd.group=\(group)") }
        options.append("x-snapd.origin=layout")
        let fields = [source, target, type, options.joined(separator: ",")].map(escape)
        return fields.joined(separator: " ") + " 0 0"
    }

    /// Replaces a leading `$SNAP`, `$SNAP_DATA` or `$SNAP_COMMON` (also written `${...}`)
    /// with the path inside the sandbox.
    public static func expand(_ path: String, info: SnapInfo, revision: String) -> String {
        let values = [
            "SNAP_COMMON": "/var/snap/\(info.name)/common",
            "SNAP_DATA": "/var/snap/\(info.name)/\(revision)",
            "SNAP": "/snap/\(info.name)/\(revision)",
        ]
        for name in ["SNAP_COMMON", "SNAP_DATA", "SNAP"] {
            guard let value = values[name] else { continue }
            for spelling in ["${\(name)}", "$\(name)"] where path.hasPrefix(spelling) {
                let rest = path.dropFirst(spelling.count)
                if rest.isEmpty || rest.hasPrefix("/") { return value + rest }
            }
        }
        return path
    }

    /// Escapes one fstab field: whitespace and backslashes become octal escapes.
    public static func escape(_ field: String) -> String {
        var escaped = ""
        for scalar in field.unicodeScalars {
            switch scalar {
            case " ": escaped += "\\040"
            case "\t": escaped += "\\011"
            case "\n": escaped += "\\012"
            case "\\": escaped += "\\134"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped.isEmpty ? "none" : escaped
    }
}
