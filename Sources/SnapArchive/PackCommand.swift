/// `snap pack` as a function: takes parsed options, returns what to print and the exit status.
///
/// The `snap` client's argument parser builds one of these and prints the result; tests call it
/// directly. Texts and exit statuses follow `snap pack` 2.57.6 (see `SnapPackError`).
public struct PackCommand: Equatable, Sendable {
    /// What the command printed and how it ended.
    public struct Result: Equatable, Sendable {
        /// Text for stdout (`built: PATH` and a newline on success).
        public var standardOutput: String
        /// Text for stderr (warnings, logged detail lines, `error: ...`).
        public var standardError: String
        /// The exit status: 0, 1 for refused input, 20 when mksquashfs fails.
        public var exitStatus: Int32
    }

    /// Source, target, file name and compression.
    public var options: SnapPacker.Options
    /// `--check-skeleton`: validate only; the target directory is ignored.
    public var checkSkeleton: Bool

    /// Creates the command from parsed options.
    public init(options: SnapPacker.Options, checkSkeleton: Bool = false) {
        self.options = options
        self.checkSkeleton = checkSkeleton
    }

    /// Runs the command.
    /// - Parameter packer: the packer to use (its validator decides what passes).
    /// - Returns: the text for stdout and stderr, and the exit status.
    public func run(packer: SnapPacker = SnapPacker()) -> Result {
        do {
            if checkSkeleton {
                let metadata = try packer.checkSkeleton(directory: options.sourceDirectory)
                let text = logged(metadata.logLines) + lines(metadata.warnings)
                return Result(standardOutput: "", standardError: text, exitStatus: 0)
            }
            let built = try packer.pack(options)
            return Result(standardOutput: "built: \(built)\n", standardError: "", exitStatus: 0)
        } catch {
            let text = logged(error.details) + "error: \(error.message)\n"
            return Result(standardOutput: "", standardError: text, exitStatus: error.exitCode)
        }
    }

    private func lines(_ lines: [String]) -> String {
        lines.map { "\($0)\n" }.joined()
    }

    /// Lines as snapd's logger writes them: local date and time with microseconds first
    /// (`2026/12/03 17:20:21.376481 in snap "N": ...`). snapd also names its Go source file
    /// and line there; we leave that out.
    private func logged(_ lines: [String]) -> String {
        guard !lines.isEmpty else { return "" }
        let stamp = LogTimestamp.now()
        return lines.map { "\(stamp) \($0)\n" }.joined()
    }
}
