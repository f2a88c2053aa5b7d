import SnapPaths

#if canImport(Glibc)
import Glibc
#endif

/// A snap's private `/tmp`: `ANCHOR/snap.NAME/tmp`, where ANCHOR is
/// `$ROOT/tmp/snap-private-tmp`, a directory only root may enter.
///
/// Every step after the anchor works from the descriptor of the directory above it
/// (`mkdirat`, `openat` with `O_NOFOLLOW | O_DIRECTORY`) and checks owner and mode of what
/// it opened, so no path is resolved twice and no symlink is ever followed. Directories
/// with the wrong owner or mode are refused, never repaired: whoever made them may still
/// hold them open or have planted content (CVE-2021-44731, CVE-2022-3328, CVE-2026-3888).
public enum PrivateTmp {
    /// The anchor directory under `paths`.
    public static func anchorPath(paths: SnapPaths) -> String { paths.under("/tmp/snap-private-tmp") }

    /// Opens (creating what is missing) the private `/tmp` of `instanceName` and returns its
    /// descriptor (`O_DIRECTORY`, close-on-exec). Needs root.
    public static func open(anchor: String, instanceName: String) throws(SandboxError) -> Int32 {
        let anchorDescriptor = try openAnchor(anchor)
        defer { close(anchorDescriptor) }
        let snapName = "snap.\(instanceName)"
        let snapDescriptor = try openChild(
            of: anchorDescriptor,
            name: snapName,
            mode: 0o700,
            shownAs: "\(anchor)/\(snapName)"
        )
        defer { close(snapDescriptor) }
        return try openChild(of: snapDescriptor, name: "tmp", mode: 0o1777, shownAs: "\(anchor)/\(snapName)/tmp")
    }

    /// Creates the anchor if absent, opens it without following a symlink and checks it
    /// is a root:root 0700 directory.
    static func openAnchor(_ anchor: String) throws(SandboxError) -> Int32 {
        let created = mkdir(anchor, 0o700) == 0
        if !created, errno != EEXIST { throw SandboxError.system("cannot create \(anchor)") }
        let descriptor = Glibc.open(anchor, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            let error = errno
            if error == ELOOP || error == ENOTDIR {
                throw SandboxError("refusing \(anchor): it is not a directory (a symlink or another file)")
            }
            throw SandboxError.system("cannot open \(anchor)", errorNumber: error)
        }
        do throws(SandboxError) {
            if created, fchmod(descriptor, 0o700) != 0 { throw SandboxError.system("cannot set the mode of \(anchor)") }
            try verify(descriptor, mode: 0o700, shownAs: anchor)
        } catch {
            close(descriptor)
            throw error
        }
        return descriptor
    }

    /// Creates `name` under `parent` if absent, opens it without following a symlink and
    /// checks it is a root:root directory of exactly `mode`.
    static func openChild(of parent: Int32, name: String, mode: mode_t, shownAs path: String) throws(SandboxError)
        -> Int32
    {
        let created = mkdirat(parent, name, mode) == 0
        if !created, errno != EEXIST { throw SandboxError.system("cannot create \(path)") }
        let descriptor = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            let error = errno
            if error == ELOOP || error == ENOTDIR {
                throw SandboxError("refusing \(path): it is not a directory (a symlink or another file)")
            }
            throw SandboxError.system("cannot open \(path)", errorNumber: error)
        }
        do throws(SandboxError) {
            // A directory made here may have lost bits to the umask; nobody else can have it.
            if created, fchmod(descriptor, mode) != 0 { throw SandboxError.system("cannot set the mode of \(path)") }
            try verify(descriptor, mode: mode, shownAs: path)
        } catch {
            close(descriptor)
            throw error
        }
        return descriptor
    }

    /// Checks the open directory is owned by root:root with exactly `mode`.
    static func verify(_ descriptor: Int32, mode: mode_t, shownAs path: String) throws(SandboxError) {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw SandboxError.system("cannot inspect \(path)") }
        guard (status.st_mode & S_IFMT) == S_IFDIR else { throw SandboxError("refusing \(path): not a directory") }
        guard status.st_uid == 0, status.st_gid == 0 else {
            throw SandboxError("refusing \(path): owned by \(status.st_uid):\(status.st_gid), not root:root")
        }
        let actual = status.st_mode & 0o7777
        guard actual == mode else {
            throw SandboxError(
                "refusing \(path): mode \(String(actual, radix: 8)), not \(String(mode, radix: 8))"
            )
        }
    }
}
