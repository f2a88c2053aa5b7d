import Foundation
import Testing

@Suite(
    "snap usage errors and help against the real client",
    .serialized,
    .enabled(if: Clients.bothPresent, "needs tools/setup and a built snap")
)
struct UsageTests {
    static let commands = [
        "install", "remove", "list", "info", "enable", "disable", "revert", "changes", "tasks", "change", "watch",
        "abort", "version",
    ]

    @Test(
        "mistakes on the command line give the same message and exit status",
        arguments: [
            ["frob"], ["install", "--frob", "x"], ["install"], ["install", "-x", "a"], ["install", "--revision"],
            ["install", "--color=red", "a"], ["list", "--all=x"], ["changes", "--abs-time=1"], ["tasks", "--last"],
            ["remove"], ["remove", "--"], ["enable"], ["info"], ["version", "x"], ["changes", "a", "b"],
            ["watch", "1", "2"],
            ["revert", "a", "b"], ["install", "--devmode", "--jailmode", "a"],
            ["revert", "--devmode", "--jailmode", "a"],
            ["install", "--name=x", "a", "b"], ["install", "--name=x", "a"], ["install", "--dangerous", "a"],
            ["install", "--classic", "a", "b"], ["install", "--ignore-validation", "a", "b"],
            ["remove", "--purge", "a", "b"],
        ]
    )
    func usageErrors(arguments: [String]) async throws {
        try await expectSameBehaviour(arguments, [])
    }

    /// The structure of a help text: the usage line, the section headings, each option's
    /// spelling and the column its help starts at. The sentences themselves are ours.
    static func structure(_ help: String) -> [String] {
        help.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line -> String? in
            if line.hasPrefix("Usage:") || line.hasPrefix("  snap ") || line.hasPrefix("[") { return String(line) }
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix("-") || trimmed.hasPrefix("<") else { return nil }
            let label = trimmed.prefix { $0 != " " }
            let indent = line.count - trimmed.count
            let rest = trimmed.dropFirst(label.count)
            let column = indent + label.count + (rest.count - rest.drop { $0 == " " }.count)
            return "\(indent) \(label) @\(column)"
        }
    }

    @Test("--help has the real client's layout and option set for every command", arguments: commands)
    func help(command: String) throws {
        let root = try ScratchRoot()
        let reference = try Clients.run(Clients.reference, [command, "--help"], root: root.path)
        let ours = try Clients.run(Clients.ours, [command, "--help"], root: root.path)
        #expect(ours.status == reference.status)
        #expect(Self.structure(ours.standardOutput) == Self.structure(reference.standardOutput))
        #expect(ours.standardOutput != reference.standardOutput, "the help sentences are our own")
    }

    @Test("snap alone and snap --help show the overview in the real client's layout")
    func overview() throws {
        let root = try ScratchRoot()
        for arguments in [[], ["--help"], ["-h"]] {
            let reference = try Clients.run(Clients.reference, arguments, root: root.path)
            let ours = try Clients.run(Clients.ours, arguments, root: root.path)
            #expect(ours.status == reference.status)
            let shape = { (text: String) in
                text.split(separator: "\n").filter { $0.contains(":") || $0.hasPrefix("Usage") }
            }
            #expect(shape(ours.standardOutput) == shape(reference.standardOutput))
        }
    }
}
