import Foundation
import SnapAPI
import Testing

/// The progress display on a terminal. The real client draws its own bar with cursor
/// control sequences and a transfer rate that depends on timing, so our drawing cannot
/// match it byte for byte; these tests pin ours instead, under a pseudo-terminal made by
/// script(1).
@Suite(
    "snap progress on a terminal",
    .serialized,
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1) for a terminal"),
    .enabled(if: FileManager.default.isExecutableFile(atPath: Clients.ours), "needs a built snap")
)
struct ProgressTests {
    @Test("a spinner shows the Doing task's summary, a bar shows the percentage, and log lines stay")
    func spinnerAndBar() async throws {
        let log = "2026-12-03T16:03:22.587085Z INFO doing prerequisites"
        let polls = Rule(
            "GET",
            "/v2/changes/5",
            Replies.sync(Replies.change("5", "Doing", tasks: [Replies.task("1", "Ensure prerequisites", "Doing")])),
            Replies.sync(
                Replies.change("5", "Doing", tasks: [Replies.task("1", "Ensure prerequisites", "Doing", log: [log])])
            ),
            Replies.sync(
                Replies.change(
                    "5",
                    "Doing",
                    tasks: [Replies.task("2", "Download snap \"bar\"", "Doing", done: 250, total: 1000)]
                )
            ),
            Replies.sync(Replies.change("5", "Done", tasks: [Replies.task("2", "Download snap \"bar\"", "Done")]))
        )
        let rules = [
            Rule("POST", "/v2/snaps/bar", Replies.async("5")), polls,
            Rule("GET", "/v2/snaps?snaps=bar", Replies.sync([Replies.snap("bar")])),
        ]
        let root = try ScratchRoot()
        let daemon = try FakeDaemon(root: root.path, rules: rules)
        let command = "\(Clients.ours) install --color=never --unicode=never bar"
        let output = try await offPool {
            try Clients.run("/usr/bin/script", ["-qec", command, "/dev/null"], root: root.path)
        }
        await daemon.stop()

        let text = output.standardOutput
        #expect(output.status == 0)
        #expect(text.contains("\r\u{1B}[KEnsure prerequisites |") || text.contains("\r\u{1B}[KEnsure prerequisites /"))
        #expect(text.contains("\r\u{1B}[K\(log)\r\n"))
        #expect(text.contains("Download snap \"bar\" [=======                       ] 25%"))
        #expect(text.hasSuffix("bar 1.0 from Acme Inc (acme**) installed\r\n"))
    }

    @Test("without a terminal only log lines are printed")
    func quietWithoutTerminal() async throws {
        let log = "2026-12-03T16:03:22.587085Z INFO doing prerequisites"
        let rules = [
            Rule("POST", "/v2/snaps/bar", Replies.async("5")),
            Rule(
                "GET",
                "/v2/changes/5",
                Replies.sync(Replies.change("5", "Doing", tasks: [Replies.task("1", "Prepare", "Doing", log: [log])])),
                Replies.sync(Replies.change("5", "Done", tasks: [Replies.task("1", "Prepare", "Done", log: [log])]))
            ),
            Rule("GET", "/v2/snaps?snaps=bar", Replies.sync([Replies.snap("bar")])),
        ]
        let root = try ScratchRoot()
        let daemon = try FakeDaemon(root: root.path, rules: rules)
        let output = try await offPool { try Clients.run(Clients.ours, ["install", "bar"], root: root.path) }
        await daemon.stop()
        #expect(output.standardOutput == "\(log)\nbar 1.0 from Acme Inc (acme**) installed\n")
    }
}
