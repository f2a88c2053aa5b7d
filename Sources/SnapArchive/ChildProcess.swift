import CSnapShim
import Glibc

/// Runs a program found in `PATH` as a child process and collects its output.
///
/// Uses `posix_spawnp(3)` with file actions (no Swift code runs in the child): stdin from
/// `/dev/null`, stdout and stderr into one pipe, an optional working directory through
/// `posix_spawn_file_actions_addchdir_np` (through the C shim). The environment is inherited, so variables such as
/// `SOURCE_DATE_EPOCH` reach the child.
struct ChildProcess {
    /// How a child ended and what it printed (stdout and stderr interleaved).
    struct Outcome {
        /// The exit status, or 128 + signal number when a signal ended it.
        var status: Int32
        /// Everything the child wrote on stdout and stderr.
        var output: [UInt8]
    }

    /// Why a child could not be started.
    struct SpawnError: Error {
        /// The errno value `posix_spawnp` or `pipe2` returned.
        var code: Int32
    }

    /// The program name, looked up in `PATH`.
    var program: String
    /// The arguments after the program name.
    var arguments: [String]
    /// The directory the child starts in, or nil for ours.
    var workingDirectory: String?

    /// Starts the child, reads its output to the end, and waits for it (`waitpid(2)`).
    /// - Throws: `SpawnError` when the program cannot be started (`ENOENT` when not in `PATH`).
    func run() throws(SpawnError) -> Outcome {
        var pipeEnds: [Int32] = [-1, -1]
        guard csnap_pipe_cloexec(&pipeEnds) == 0 else { throw SpawnError(code: errno) }
        let pid: pid_t
        do {
            pid = try spawn(writingTo: pipeEnds[1])
        } catch {
            close(pipeEnds[0])
            close(pipeEnds[1])
            throw error
        }
        close(pipeEnds[1])

        let output = Self.readAll(pipeEnds[0])
        close(pipeEnds[0])
        return Outcome(status: Self.wait(for: pid), output: output)
    }

    private func spawn(writingTo output: Int32) throws(SpawnError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        if let workingDirectory {
            csnap_spawn_actions_add_chdir(&actions, workingDirectory)
        }

        let argv = ([program] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let status = posix_spawnp(&pid, program, &actions, nil, argv + [nil], environ)
        guard status == 0 else { throw SpawnError(code: status) }
        return pid
    }

    private static func readAll(_ descriptor: Int32) -> [UInt8] {
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let got = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { return output }
            output.append(contentsOf: buffer.prefix(got))
        }
    }

    private static func wait(for pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
