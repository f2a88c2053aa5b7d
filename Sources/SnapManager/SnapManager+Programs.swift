import Glibc
import SnapSandbox
import SnapSystem

/// The work the daemon hands to programs of its own, so that the libraries it needs stay
/// out of the daemon's memory: `snap-image` reads `.snap` files (squashfuse and its
/// compressors), `snap-seccomp` compiles seccomp profiles (libseccomp).
extension SnapManager {
    /// A program that could not be run or did not succeed, with its own message when it
    /// gave one.
    struct ProgramFailure: Error, CustomStringConvertible {
        var description: String
        /// Whether the program refused its input (it exited 1 with a message), rather than
        /// being missing, killed or ending otherwise.
        var refusedInput = false
    }

    /// The bytes of `meta/snap.yaml` in the `.snap` file at `path`, after `snap-image` has
    /// checked the image's tables and its `meta/` directory.
    /// - Throws: ``ProgramFailure`` with the reason (`cannot read snap "PATH": ...`) and
    ///   `refusedInput` set, or saying that snap-image could not be run, or how it ended.
    static func snapYAML(of path: String, programs: SystemPrograms) throws(ProgramFailure) -> [UInt8] {
        let outcome: SystemPrograms.Outcome
        do {
            outcome = try programs.run("snap-image", ["snap-yaml", path])
        } catch {
            throw ProgramFailure(description: "cannot run snap-image: \(error)")
        }
        guard outcome.status == 0 else {
            throw ProgramFailure(
                description: outcome.failure(program: "snap-image"),
                refusedInput: outcome.status == 1 && !outcome.errors.isEmpty
            )
        }
        return outcome.output
    }

    /// The `.bin2` file compiled from a seccomp profile source by `snap-seccomp compile`,
    /// through a private directory that is removed afterwards.
    /// - Parameters:
    ///   - source: The profile's text.
    ///   - name: Its file name (`TAG.src`), which messages name.
    ///   - programs: Where snap-seccomp is.
    ///   - scratch: The directory (the daemon's state directory, under its root) in which
    ///     a private `.seccomp-XXXXXX` directory holds the two files while it runs.
    /// - Returns: The bytes of the `.bin2` file.
    /// - Throws: `SandboxError` with snap-seccomp's message (`TAG.src:LINE: ...`), or saying
    ///   that it could not be run, or how it ended.
    static func compileSeccomp(
        source: String,
        named name: String,
        programs: SystemPrograms,
        scratch: String
    ) throws(SandboxError) -> [UInt8] {
        var template = Array("\(scratch)/.seccomp-XXXXXX".utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap(mkdtemp) }) else {
            throw SandboxError.system("cannot create a temporary directory in \"\(scratch)\" to compile \(name)")
        }
        let directory = String(cString: created)
        let sourcePath = directory + "/" + name
        let outputPath = directory + "/" + name + ".bin2"
        // Whatever a failing run left in the directory goes with it.
        defer { try? FileSystem().removeTree(at: directory) }
        try writeTemporary(sourcePath, Array(source.utf8))
        let outcome: SystemPrograms.Outcome
        do {
            outcome = try programs.run("snap-seccomp", ["compile", sourcePath, outputPath])
        } catch {
            throw SandboxError("cannot run snap-seccomp to compile \(name): \(error)")
        }
        guard outcome.status == 0 else { throw SandboxError(outcome.failure(program: "snap-seccomp")) }
        guard access(outputPath, F_OK) == 0 else { throw SandboxError("snap-seccomp wrote no filter for \(name)") }
        return try SandboxFile.readBytes(path: outputPath, limit: 16 << 20)
    }

    private static func writeTemporary(_ path: String, _ bytes: [UInt8]) throws(SandboxError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SandboxError.system("cannot create \"\(path)\"") }
        defer { close(descriptor) }
        var remaining = bytes[...]
        while !remaining.isEmpty {
            let written = remaining.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw SandboxError.system("cannot write \"\(path)\"") }
            remaining = remaining.dropFirst(written)
        }
    }

}
