import Foundation
import SnapAPI
import Testing

@Suite(
    "snap changes, tasks, watch and abort against the real client",
    .serialized,
    .enabled(if: Clients.bothPresent, "needs tools/setup and a built snap")
)
struct ChangeTests {
    static let tasks: [JSONValue] = [
        Replies.task(
            "1",
            "Ensure prerequisites are available",
            "Done",
            log: [
                "2026-12-03T16:03:22.587085Z INFO doing prerequisites", "2026-12-03T16:03:22.587085Z INFO second line",
            ],
            spawn: -30,
            ready: -29
        ),
        Replies.task("2", "Download snap \"bar\"", "Doing", done: 250, total: 1000, spawn: -1),
        Replies.task("3", "Copy snap data", "Doing", done: 1, total: 3, spawn: -1),
        Replies.task("4", "Mount snap", "Do", log: ["2026-12-03T16:03:22Z ERROR failed here"], spawn: -1),
        Replies.task("5", "Long ago", "Error", spawn: -24 * 70, ready: -24 * 3),
        Replies.task("6", "Soon", "Hold", spawn: 30, ready: 50),
    ]

    static let changes: [JSONValue] = [
        Replies.change("10", "Done", kind: "remove-snap", summary: "Remove \"bar\" snap", spawn: -30, ready: -29),
        Replies.change("2", "Doing", summary: "Install \"bar\" snap", spawn: -1),
        Replies.change("3", "Error", kind: "refresh-snap", summary: "Refresh \"hello\" snap", spawn: -48, ready: -47),
        Replies.change("4", "Done", summary: "Long ago", spawn: -24 * 70, ready: -24 * 65),
        Replies.change("5", "Done", kind: "auto-refresh", summary: "Auto-refresh", spawn: -20, ready: -1),
        Replies.change("6", "Hold", summary: "In the future", spawn: 24),
        Replies.change("7", "Undone", kind: "connect-snap", summary: "Connect", spawn: -24 * 5, ready: 24 * 3),
    ]

    static let rules = [
        Rule("GET", "/v2/changes?select=all*", Replies.sync(.array(changes))),
        Rule("GET", "/v2/changes/2", Replies.sync(Replies.change("2", "Doing", tasks: tasks, spawn: -1))),
        Rule(
            "GET",
            "/v2/changes/10",
            Replies.sync(Replies.change("10", "Done", tasks: [Replies.task("1", "No log", "Done")]))
        ),
        Rule("POST", "/v2/changes/2", Replies.sync(Replies.change("2", "Abort", tasks: tasks, spawn: -1))),
        Rule("POST", "/v2/changes/3", Replies.error(400, "cannot abort change 3 with nothing pending")),
        Rule(
            "GET",
            "/v2/changes/6",
            Replies.sync(Replies.change("6", "Done", tasks: [Replies.task("61", "x", "Done")]))
        ),
        Rule("GET", "/v2/changes/*", Replies.error(404, "cannot find change with id \"9999\"")),
    ]

    @Test("changes lists changes oldest first with relative times, in UTC and in another zone")
    func changesTable() async throws {
        try await expectSameBehaviour(["changes"], Self.rules)
        try await expectSameBehaviour(["changes", "--abs-time"], Self.rules)
        try await expectSameBehaviour(["changes", "bar"], Self.rules)
        try await expectSameBehaviour(["changes"], Self.rules, environment: ["TZ": "Asia/Tokyo"])
        try await expectSameBehaviour(["changes", "--abs-time"], Self.rules, environment: ["TZ": "America/New_York"])
        try await expectSameBehaviour(["changes"], [Rule("GET", "/v2/changes*", Replies.sync([]))])
    }

    @Test("tasks shows the table, progress percentages and every task's log")
    func tasksTable() async throws {
        try await expectSameBehaviour(["tasks", "2"], Self.rules)
        try await expectSameBehaviour(["change", "2"], Self.rules)
        try await expectSameBehaviour(["tasks", "--abs-time", "2"], Self.rules)
        try await expectSameBehaviour(["tasks", "10"], Self.rules)
        try await expectSameBehaviour(["tasks", "2"], Self.rules, environment: ["TZ": "Europe/Paris"])
        try await expectSameBehaviour(["tasks", "9999"], Self.rules)
        try await expectSameBehaviour(["tasks", "2", "extra"], Self.rules)
    }

    @Test("--last picks the newest change of a kind, with the real client's errors")
    func last() async throws {
        for arguments in [
            ["tasks", "--last=install"], ["tasks", "--last=remove"], ["tasks", "--last=refresh"],
            ["tasks", "--last=auto-refresh"], ["tasks", "--last=switch"], ["tasks", "--last=switch?"],
            ["tasks", "--last=install", "2"], ["tasks"], ["watch", "--last=install"], ["abort", "--last=refresh"],
            ["abort"], ["watch"],
        ] {
            try await expectSameBehaviour(arguments, Self.rules)
        }
    }

    @Test("watch follows a change to its end, printing new log lines")
    func watch() async throws {
        let log1 = "2026-12-03T16:03:45.323846Z INFO doing prerequisites"
        let log2 = "2026-12-03T16:03:45.423846Z INFO still going"
        let polls = Rule(
            "GET",
            "/v2/changes/108",
            Replies.sync(Replies.change("108", "Do", tasks: [Replies.task("1", "Prepare", "Do")])),
            Replies.sync(Replies.change("108", "Doing", tasks: [Replies.task("1", "Prepare", "Doing", log: [log1])])),
            Replies.sync(Replies.change("108", "Doing", tasks: [Replies.task("1", "Prepare", "Doing", log: [log1])])),
            Replies.sync(
                Replies.change("108", "Doing", tasks: [Replies.task("1", "Prepare", "Doing", log: [log1, log2])])
            ),
            Replies.sync(
                Replies.change(
                    "108",
                    "Doing",
                    tasks: [
                        Replies.task("1", "Prepare", "Done", log: [log1, log2]),
                        Replies.task("2", "Fetch", "Doing", done: 10, total: 100),
                    ]
                )
            ),
            Replies.sync(
                Replies.change(
                    "108",
                    "Error",
                    tasks: [Replies.task("1", "Prepare", "Done")],
                    err: "cannot finish: gone"
                )
            )
        )
        try await expectSameBehaviour(["watch", "108"], [polls])
        try await expectSameBehaviour(["watch", "6"], Self.rules)
        try await expectSameBehaviour(["watch", "9999"], Self.rules)
    }

    @Test("abort posts the action and prints nothing, or the daemon's error")
    func abort() async throws {
        try await expectSameBehaviour(["abort", "2"], Self.rules)
        try await expectSameBehaviour(["abort", "3"], Self.rules)
        try await expectSameBehaviour(["abort", "9999"], Self.rules)
        try await expectSameBehaviour(["abort", "2", "3"], Self.rules)
    }

    @Test("Ctrl-C while waiting asks once for an abort, then waits for the change to end")
    func interrupt() async throws {
        let rules = [
            Rule(
                "GET",
                "/v2/changes/5",
                Replies.sync(Replies.change("5", "Undone", tasks: [Replies.task("1", "Download", "Undone")])),
                after: (method: "POST", target: "/v2/changes/5")
            ),
            Rule("POST", "/v2/snaps/bar", Replies.async("5")),
            Rule(
                "GET",
                "/v2/changes/5",
                Replies.sync(Replies.change("5", "Doing", tasks: [Replies.task("1", "Download", "Doing")]))
            ),
            Rule(
                "POST",
                "/v2/changes/5",
                Replies.sync(Replies.change("5", "Abort", tasks: [Replies.task("1", "Download", "Abort")]))
            ),
        ]
        let root = try ScratchRoot()
        var outputs: [ClientOutput] = []
        var requests: [[RecordedRequest]] = []
        for binary in [Clients.reference, Clients.ours] {
            let daemon = try FakeDaemon(root: root.path, rules: rules)
            let output = try await offPool {
                try Clients.run(binary, ["install", "bar"], root: root.path) { process in
                    // Interrupt once the client is polling the change.
                    while daemon.requests.filter({ $0.method == "GET" }).count < 2 { usleep(10_000) }
                    process.interrupt()
                }
            }
            await daemon.stop()
            outputs.append(output)
            requests.append(daemon.requests.filter { $0.method == "POST" })
        }
        #expect(outputs[1] == outputs[0])
        #expect(requests[1] == requests[0])
        #expect(requests[1].last?.body == "{\"action\":\"abort\"}\n")
    }
}
