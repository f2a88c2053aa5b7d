import CSnapShim
import Glibc

/// Runs a helper program (squashfuse, fusermount3, snap-image, snap-seccomp) found in `PATH`
/// or by path, and collects its output.
///
/// Uses posix_spawnp(3) with file actions, so no Swift code runs in the child: stdin from
/// /dev/null, stdout (and stderr, unless it is kept apart) into one close-on-exec pipe,
/// every other descriptor closed. A program that puts itself in the background (squashfuse
/// does, once the mount is ready) is waited for only until its first process exits and the
/// background one has let go of the pipe.
struct HelperProcess {
    /// How the program ended and what it printed.
    struct Outcome {
        /// The exit status, or 128 + the signal number when a signal ended it.
        var status: Int32
        /// The bytes read from the pipe: stdout, with stderr interleaved unless kept apart.
        var bytes: [UInt8]
        /// stderr, when kept apart, with surrounding white space removed.
        var errors: String = ""

        /// ``bytes`` as text, with surrounding white space removed.
        var output: String { HelperProcess.trimmed(bytes) }
    }

    /// The program name, looked up in `PATH`, or a path.
    var program: String
    /// The arguments after the program name.
    var arguments: [String]
    /// Whether stderr goes to an unnamed temporary file, read after the program ends, so
    /// that stdout carries data alone.
    var separateErrors = false

    /// Starts the program, reads its output to the end and waits for it (waitpid(2)).
    /// - Throws: ``SystemError`` naming the program when it cannot be started (`ENOENT` when
    ///   it is not installed).
    func run() throws(SystemError) -> Outcome {
        var pipeEnds: [Int32] = [-1, -1]
        try syscall("pipe2") { csnap_pipe_cloexec(&pipeEnds) }
        let reader = FileDescriptor(rawValue: pipeEnds[0])
        // An unnamed temporary file (tmpfile(3)) for stderr, when it is kept apart.
        let errorFile = separateErrors ? tmpfile() : nil
        defer { if let errorFile { fclose(errorFile) } }
        if separateErrors && errorFile == nil {
            let code = errno
            _ = FileDescriptor(rawValue: pipeEnds[1])
            throw SystemError(.systemCall(errno: code), call: "tmpfile", paths: [], context: "cannot run \(program)")
        }
        let errors = errorFile.map { fileno($0) }
        // The writing end closes as soon as the child has its copy, so reading ends when the
        // child (and any process it leaves behind) closes stdout and stderr.
        let pid = try spawnClosing(FileDescriptor(rawValue: pipeEnds[1]), errors: errors)

        var outcome = Outcome(status: 0, bytes: readAll(reader.rawValue))
        outcome.status = wait(for: pid)
        if let errors, lseek(errors, 0, SEEK_SET) == 0 {
            outcome.errors = Self.trimmed(readAll(errors))
        }
        return outcome
    }

    private func spawnClosing(_ writer: consuming FileDescriptor, errors: Int32?) throws(SystemError) -> pid_t {
        try spawn(writingTo: writer.rawValue, errors: errors)
    }

    private func spawn(writingTo output: Int32, errors: Int32?) throws(SystemError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, errors ?? output, 2)
        // squashfuse stays in the background for the life of the mount: it must not keep
        // the daemon's sockets or files open.
        let closing = csnap_spawn_actions_add_close_from(&actions, 3)
        guard closing == 0 else { throw failure(closing, "posix_spawn_file_actions_addclosefrom_np", program) }

        let argv = ([program] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let status = posix_spawnp(&pid, program, &actions, nil, argv + [nil], environ)
        guard status == 0 else { throw failure(status, "posix_spawnp", program) }
        return pid
    }

    private func readAll(_ descriptor: Int32) -> [UInt8] {
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            output.append(contentsOf: buffer.prefix(count))
        }
        return output
    }

    fileprivate static func trimmed(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        return String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }

    private func wait(for pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
