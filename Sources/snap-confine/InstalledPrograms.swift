import CSnapShim
import SnapSandbox

#if canImport(Glibc)
import Glibc
#endif

/// The launcher's own directory and the program it will run, opened and checked before
/// anything privileged happens (CVE-2021-44730: a hardlink of the setuid launcher in a
/// user's directory must not make it trust that user's files).
///
/// The running binary (`/proc/self/exe`), the directory holding it, `snap-exec` beside it,
/// and SNAP-EXEC with its directory must all be owned by root and not writable by group or
/// others. Everything is opened once (`O_PATH`) and used through those descriptors later.
struct InstalledPrograms {
    /// The launcher's directory (bound read-only onto `/usr/lib/snapd` in the sandbox).
    let directory: String
    let directoryDescriptor: Int32
    /// The program to execute, SNAP-EXEC.
    let snapExecDescriptor: Int32
    let snapExecStatus: stat

    static func open(snapExec: String) throws(SandboxError) -> InstalledPrograms {
        let executable = try System.readLink("/proc/self/exe")
        guard executable.hasPrefix("/"), !executable.hasSuffix(" (deleted)") else {
            throw SandboxError("refusing to run: the launcher's own path \"\(executable)\" cannot be trusted")
        }
        let running = try openTrusted("/proc/self/exe", expectDirectory: false, shownAs: executable)
        defer { close(running.descriptor) }

        let directory = System.directory(of: executable)
        let own = try openTrusted(directory, expectDirectory: true, shownAs: directory)
        do throws(SandboxError) {
            // The directory must really hold the running binary under its name.
            let inside = try openTrusted(
                System.baseName(of: executable),
                in: own.descriptor,
                expectDirectory: false,
                shownAs: executable
            )
            close(inside.descriptor)
            guard inside.status.st_dev == running.status.st_dev, inside.status.st_ino == running.status.st_ino else {
                throw SandboxError("refusing to run: \(executable) is not the running launcher")
            }
            let helper = try openTrusted(
                "snap-exec",
                in: own.descriptor,
                expectDirectory: false,
                shownAs: directory + "/snap-exec"
            )
            close(helper.descriptor)

            let program = try openProgram(snapExec)
            return InstalledPrograms(
                directory: directory,
                directoryDescriptor: own.descriptor,
                snapExecDescriptor: program.descriptor,
                snapExecStatus: program.status
            )
        } catch {
            close(own.descriptor)
            throw error
        }
    }

    /// The descriptor to execute SNAP-EXEC through, inside the sandbox: when SNAP-EXEC lies
    /// in the launcher's directory, the same file opened again under `/usr/lib/snapd` (the
    /// read-only bind of that directory) if it is the same inode, so Landlock sees a path
    /// inside the sandbox; otherwise the descriptor opened at start.
    func descriptorInsideSandbox(snapExec: String) -> Int32 {
        guard System.directory(of: snapExec) == directory else { return snapExecDescriptor }
        let inside = "/usr/lib/snapd/" + System.baseName(of: snapExec)
        let descriptor = Glibc.open(inside, csnap_o_path | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return snapExecDescriptor }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_dev == snapExecStatus.st_dev,
            status.st_ino == snapExecStatus.st_ino
        else {
            close(descriptor)
            return snapExecDescriptor
        }
        return descriptor
    }

    /// Opens SNAP-EXEC through its (checked) directory.
    static func openProgram(_ path: String) throws(SandboxError) -> (descriptor: Int32, status: stat) {
        let parent = try openTrusted(
            System.directory(of: path),
            expectDirectory: true,
            shownAs: System.directory(of: path)
        )
        defer { close(parent.descriptor) }
        let program = try openTrusted(
            System.baseName(of: path),
            in: parent.descriptor,
            expectDirectory: false,
            shownAs: path
        )
        guard program.status.st_mode & 0o111 != 0 else {
            close(program.descriptor)
            throw SandboxError("\(path) is not executable")
        }
        return program
    }

    /// Opens `path` (relative to `directory` when given) with `O_PATH`, not following a
    /// final symlink, and checks type, owner and mode.
    static func openTrusted(
        _ path: String,
        in directory: Int32 = AT_FDCWD,
        expectDirectory: Bool,
        shownAs name: String
    ) throws(SandboxError) -> (descriptor: Int32, status: stat) {
        let noFollow = path == "/proc/self/exe" ? 0 : O_NOFOLLOW
        let flags = csnap_o_path | O_CLOEXEC | noFollow | (expectDirectory ? O_DIRECTORY : 0)
        let descriptor = openat(directory, path, flags)
        guard descriptor >= 0 else { throw SandboxError.system("refusing to run: cannot open \(name)") }
        do throws(SandboxError) {
            let status = try System.status(descriptor: descriptor, name: name)
            let type = status.st_mode & S_IFMT
            guard type == (expectDirectory ? S_IFDIR : S_IFREG) else {
                throw SandboxError(
                    "refusing to run: \(name) is not a \(expectDirectory ? "directory" : "regular file")"
                )
            }
            guard status.st_uid == 0 else {
                throw SandboxError("refusing to run: \(name) is owned by uid \(status.st_uid), not root")
            }
            guard status.st_mode & 0o022 == 0 else {
                throw SandboxError("refusing to run: \(name) is writable by group or others")
            }
            return (descriptor, status)
        } catch {
            close(descriptor)
            throw error
        }
    }
}
