import SnapPackage
import SnapPaths
import SnapSandbox

/// One file the daemon writes for a revision's programs.
public struct ProfileFile: Sendable, Hashable {
    /// What the file is, as the `security_profiles` table names it.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case sandbox
        case seccompSource = "seccomp-source"
        case seccompBinary = "seccomp-binary"
        case landlock
        case apparmor
        case mount
    }

    /// The path as on a real system (`/var/lib/snapd/sandbox/snap.hello.hello`); the
    /// daemon puts its root in front.
    public var path: String
    public var kind: Kind
    /// The security tag, or `snap.NAME` for the per-snap mount profile.
    public var securityTag: String
    public var contents: [UInt8]

    public init(path: String, kind: Kind, securityTag: String, contents: [UInt8]) {
        self.path = path
        self.kind = kind
        self.securityTag = securityTag
        self.contents = contents
    }
}

/// Every security file of a revision: per program, the launch description, the seccomp
/// source and compiled filters, the Landlock rules and the AppArmor profile; per snap,
/// the mount profile.
public enum SecurityProfiles {
    /// The files of a revision, in a fixed order (program by program, then the mount profile).
    /// A revision with no apps and no hooks (a base, the OS snap) has none.
    /// - Parameters:
    ///   - info: The revision's snap.yaml.
    ///   - instanceName: `NAME` or `NAME_KEY`.
    ///   - revision: The revision (`x1`, `42`).
    ///   - confinement: What the programs run under (``SecurityTarget/confinement(of:devmode:)``).
    ///   - limits: The pids and memory limits each program's tracking group gets (written
    ///     into its launch description; nil for none).
    ///   - compileSeccomp: Compiles a seccomp profile source (its text and its file name,
    ///     `TAG.src`) to the `.bin2` file's bytes; the daemon runs `snap-seccomp compile`.
    ///     It is called once per distinct source.
    /// - Returns: The files, with paths as on a real system.
    /// - Throws: ``SandboxError`` naming the program and the problem: an invalid name, a path
    ///   AppArmor would read as a pattern, a seccomp profile that does not compile.
    public static func files(
        info: SnapInfo,
        instanceName: String,
        revision: String,
        confinement: LaunchDescription.Confinement,
        limits: (pidsMax: Int?, memoryMax: Int?) = (nil, nil),
        compileSeccomp: (_ source: String, _ name: String) throws(SandboxError) -> [UInt8]
    ) throws(SandboxError) -> [ProfileFile] {
        let targets = try SecurityTarget.all(
            info: info,
            instanceName: instanceName,
            revision: revision,
            confinement: confinement
        )
        guard !targets.isEmpty else { return [] }
        let paths = SnapPaths(root: "/")
        var files: [ProfileFile] = []
        // Programs of one confinement share a source, so one compilation serves them all.
        var compiled: [String: [UInt8]] = [:]
        for target in targets {
            let tag = target.tag.description
            func file(_ directory: String, _ name: String, _ kind: ProfileFile.Kind, _ bytes: [UInt8]) -> ProfileFile {
                ProfileFile(path: directory + "/" + name, kind: kind, securityTag: tag, contents: bytes)
            }
            let seccompSource = SeccompBackend.source(for: target)
            let seccompBinary: [UInt8]
            if let known = compiled[seccompSource] {
                seccompBinary = known
            } else {
                seccompBinary = try compileSeccomp(seccompSource, tag + ".src")
                compiled[seccompSource] = seccompBinary
            }
            var description = target.launchDescription
            if confinement != .classic {
                (description.pidsMax, description.memoryMax) = limits
            }
            files += [
                file(paths.sandboxDirectory, tag, .sandbox, Array(description.rendered().utf8)),
                file(paths.seccompDirectory, tag + ".src", .seccompSource, Array(seccompSource.utf8)),
                file(paths.seccompDirectory, tag + ".bin2", .seccompBinary, seccompBinary),
                file(paths.landlockDirectory, tag, .landlock, Array(LandlockBackend.rules(for: target).utf8)),
                file(
                    paths.apparmorProfileDirectory,
                    tag,
                    .apparmor,
                    Array(try AppArmorBackend.profile(for: target).utf8)
                ),
            ]
        }
        let fstab = try MountProfile.fstab(info: info, revision: revision)
        files.append(
            ProfileFile(
                path: paths.mountProfileDirectory + "/" + MountProfile.fileName(instanceName: instanceName),
                kind: .mount,
                securityTag: "snap.\(instanceName)",
                contents: Array(fstab.utf8)
            )
        )
        return files
    }
}
