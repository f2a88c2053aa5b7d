#if canImport(Glibc)
import Glibc
#endif

extension ArgumentParser {
    /// Parses the process's arguments for a program's `main`: prints help to standard
    /// output and exits 0, or prints a usage error to standard error and exits with its
    /// status (64 for most mistakes); otherwise returns what to run.
    ///
    /// - Parameters:
    ///   - arguments: the arguments without the program name; the process's by default.
    ///   - showingUsage: whether a usage error also prints the usage. The real `snap`
    ///     prints the message alone, so programs that imitate it pass false.
    /// - Returns: the parsed arguments of the command to run.
    public func parseOrExit(
        _ arguments: [String] = Array(CommandLine.arguments.dropFirst()),
        showingUsage: Bool = false
    ) -> ParsedArguments {
        do {
            switch try parse(arguments) {
            case .run(let parsed):
                return parsed
            case .help(let text):
                Self.write(text, to: 1)
                exit(0)
            }
        } catch {
            Self.write(error.rendered(showingUsage: showingUsage), to: 2)
            exit(error.exitStatus)
        }
    }

    /// Writes all of `text` to `descriptor` (write(2)).
    private static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }
}
