#if canImport(Glibc)
import Glibc
#endif

/// Where a command's text goes: standard output and standard error, written at once
/// with write(2) so that progress lines and results interleave as they happen.
public struct Console: Sendable {
    /// Whether standard output is a terminal (isatty(3)); progress is drawn only then.
    public var outputIsTerminal: Bool
    /// Whether standard input is a terminal; the daemon may then ask for authorisation.
    public var inputIsTerminal: Bool

    /// A console on the process's descriptors.
    public init() {
        outputIsTerminal = isatty(1) == 1
        inputIsTerminal = isatty(0) == 1
    }

    /// Writes `text` to standard output.
    public func out(_ text: String) {
        Self.write(text, to: 1)
    }

    /// Writes `text` to standard error.
    public func err(_ text: String) {
        Self.write(text, to: 2)
    }

    /// Writes all of `text` to `descriptor`, retrying after EINTR.
    static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }
}
