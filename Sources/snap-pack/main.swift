// `snap pack`, as a program of its own: `snap` runs it for `snap pack ARGS` (as
// `snap-pack ARGS`), so that the client's other commands do not load the libraries packing
// needs (libyaml, squashfuse and the compressors), which cost milliseconds at every start.
// The options are parsed here with the real client's syntax and error texts; the work is
// done by `PackCommand` in SnapPackage.
import Glibc
import SnapArchive
import SnapPackage

/// A command-line usage problem: the real client prints it and exits 64.
struct UsageError: Error {
    var message: String
}

/// Parses `pack [--check-skeleton] [--filename=F] [--compression=C] [<snap-dir>] [<target-dir>]`.
func parsePack(_ arguments: ArraySlice<String>) throws(UsageError) -> PackCommand? {
    var command = PackCommand(options: SnapPacker.Options())
    var positional: [String] = []
    var remaining = arguments
    while let argument = remaining.popFirst() {
        guard argument.hasPrefix("-"), argument != "-", !positional.isEmpty || argument != "--" else {
            positional.append(argument)
            continue
        }
        if argument == "--" {
            positional += remaining
            break
        }
        let (flag, inlineValue) = split(argument)
        switch flag {
        case "--check-skeleton":
            guard inlineValue == nil else {
                throw UsageError(message: "bool flag `--check-skeleton' cannot have an argument")
            }
            command.checkSkeleton = true
        case "--filename", "--compression":
            guard let value = inlineValue ?? remaining.popFirst() else {
                throw UsageError(message: "expected argument for flag `\(flag)'")
            }
            if flag == "--filename" { command.options.filename = value } else { command.options.compression = value }
        case "-h", "--help":
            return nil
        default:
            let name = flag.drop { $0 == "-" }
            throw UsageError(message: "unknown flag `\(flag.hasPrefix("--") ? String(name) : String(name.prefix(1)))'")
        }
    }
    if let source = positional.first { command.options.sourceDirectory = source }
    if positional.count > 1 { command.options.targetDirectory = positional[1] }
    return command
}

func split(_ argument: String) -> (String, String?) {
    guard let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
    return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
}

func write(_ text: String, to descriptor: Int32) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { return }
        bytes = bytes.dropFirst(written)
    }
}

let packUsage = """
    Usage:
      snap pack [pack-OPTIONS] [<snap-dir>] [<target-dir>]

    [pack command options]
              --check-skeleton  Validate snap-dir metadata only
              --filename=       Output to this filename (default:
                                <name>_<version>_<architecture>.snap)
              --compression=    Compression to use (e.g. xz or lzo)

    """

let arguments = CommandLine.arguments.dropFirst()
do {
    guard let command = try parsePack(arguments) else {
        write(packUsage, to: 1)
        exit(0)
    }
    let result = command.run()
    write(result.standardOutput, to: 1)
    write(result.standardError, to: 2)
    exit(result.exitStatus)
} catch {
    write("error: \(error.message)\n", to: 2)
    exit(64)
}
