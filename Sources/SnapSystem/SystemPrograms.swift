import Glibc

/// The programs the daemon runs for work whose libraries it keeps out of its own process
/// (`snap-image` reads `.snap` files with squashfuse, `snap-seccomp` compiles seccomp
/// profiles with libseccomp), all in one directory: by default the directory of the
/// running executable, as they are installed beside `snapd`.
public struct SystemPrograms: Sendable, Equatable {
    /// How a program ended and what it printed.
    public struct Outcome: Sendable {
        /// The exit status, or 128 + the signal number when a signal ended it.
        public var status: Int32
        /// Everything the program wrote to stdout.
        public var output: [UInt8]
        /// What it wrote to stderr, with surrounding white space removed.
        public var errors: String

        /// What went wrong, in words, when the status is not 0: the program's own message
        /// when it exited with status 1 and said something, else how it ended.
        public func failure(program: String) -> String {
            if status == 1, !errors.isEmpty { return errors }
            let ending =
                status > 128
                ? "was killed by signal \(status - 128) (\(String(cString: strsignal(status - 128))))"
                : "exited with status \(status)"
            return errors.isEmpty ? "\(program) \(ending)" : "\(program) \(ending): \(errors)"
        }
    }

    /// The directory that holds the programs.
    public var directory: String

    /// Programs in `directory`.
    public init(directory: String) {
        self.directory = directory
    }

    /// The programs beside the running executable (the directory of `/proc/self/exe`), or
    /// in `/usr/lib/snapd` when that cannot be read.
    public static func besideExecutable() -> SystemPrograms {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let path = length > 0 ? String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        guard let slash = path.lastIndex(of: "/") else { return SystemPrograms(directory: "/usr/lib/snapd") }
        return SystemPrograms(directory: slash == path.startIndex ? "/" : String(path[..<slash]))
    }

    /// The path of the program `name`.
    public func path(of name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// Runs the program `name` with `arguments` (stdin from /dev/null, no other descriptor
    /// inherited) and waits for it.
    /// - Returns: Its status, stdout and stderr, kept apart.
    /// - Throws: ``SystemError`` naming the program when it cannot be started (`ENOENT`
    ///   when it is not there).
    public func run(_ name: String, _ arguments: [String]) throws(SystemError) -> Outcome {
        let outcome = try HelperProcess(program: path(of: name), arguments: arguments, separateErrors: true).run()
        return Outcome(status: outcome.status, output: outcome.bytes, errors: outcome.errors)
    }
}
