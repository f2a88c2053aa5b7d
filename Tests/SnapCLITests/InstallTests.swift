import Foundation
import SnapAPI
import Testing

@Suite(
    "snap install against the real client",
    .serialized,
    .enabled(if: Clients.bothPresent, "needs tools/setup and a built snap")
)
struct InstallTests {
    static let prerequisitesLog = "2026-12-03T16:03:22.587085Z INFO doing prerequisites"

    /// Polls that go Doing (with a log line) → Doing with a download bar → Done.
    static func progressingChange(_ id: String, data: JSONValue? = nil) -> Rule {
        let first = Replies.task(id + "1", "Ensure prerequisites are available", "Doing", log: [prerequisitesLog])
        let firstDone = Replies.task(id + "1", "Ensure prerequisites are available", "Done", log: [prerequisitesLog])
        let download = Replies.task(id + "2", "Download snap \"bar\"", "Doing", done: 500, total: 1000)
        let downloaded = Replies.task(
            id + "2",
            "Download snap \"bar\"",
            "Done",
            log: ["2026-12-03T16:03:23Z INFO later"]
        )
        return Rule(
            "GET",
            "/v2/changes/\(id)",
            Replies.sync(Replies.change(id, "Doing", tasks: [first])),
            Replies.sync(Replies.change(id, "Doing", tasks: [firstDone, download])),
            Replies.sync(Replies.change(id, "Done", tasks: [firstDone, downloaded], data: data))
        )
    }

    static let bar = Replies.snap(
        "bar",
        ["version": "3.1-dev", "revision": "3", "channel": "edge", "tracking-channel": "latest/edge"]
    )

    @Test("a store install posts the options, waits with log lines, and prints the result line")
    func storeInstall() async throws {
        for options in [
            [], ["--channel=edge"], ["--classic", "--revision=5", "--cohort=abc"], ["--beta", "--devmode"],
            ["--jailmode", "--unaliased", "--ignore-validation"], ["--transaction=all-snaps"],
            ["--color=always", "--unicode=always"], ["--color=always"],
        ] {
            try await expectSameBehaviour(
                ["install"] + options + ["bar"],
                [
                    Rule("POST", "/v2/snaps/bar", Replies.async("5")), Self.progressingChange("5"),
                    Rule("GET", "/v2/snaps?snaps=bar", Replies.sync([Self.bar])),
                ]
            )
        }
    }

    @Test("the $PATH advice is left out when the snap command directory is on $PATH")
    func pathWarning() async throws {
        let rules = [
            Rule("POST", "/v2/snaps/bar", Replies.async("5")), Self.progressingChange("5"),
            Rule("GET", "/v2/snaps?snaps=bar", Replies.sync([Self.bar])),
        ]
        let without = try await expectSameBehaviour(["install", "bar"], rules)
        #expect(without.ours.standardError.hasPrefix("Warning: "))
        let root = try ScratchRoot()
        let environment = ["PATH": "/usr/bin:\(root.path)/snap/bin:/bin"]
        let with = try await expectSameBehaviour(["install", "bar"], rules, environment: environment, root: root)
        #expect(with.ours.standardError.isEmpty)
    }

    @Test("result lines show channels, publishers and closed channels as the real client does")
    func resultLines() async throws {
        let unproven: JSONValue = ["id": "q", "username": "carl", "display-name": "Carl", "validation": "unproven"]
        let colored = Rule(
            "GET",
            "/v2/snaps?snaps=x",
            Replies.sync([
                Replies.snap("x"), Replies.snap("y", ["publisher": unproven]), Replies.snap("z", ["publisher": .null]),
            ])
        )
        let starred: JSONValue = ["id": "p", "username": "u", "display-name": "U", "validation": "starred"]
        let variants: [[String: JSONValue]] = [
            ["channel": "latest/beta", "tracking-channel": "latest/beta"],
            ["channel": "2.0/stable", "tracking-channel": "2.0/stable", "publisher": starred],
            ["channel": "beta", "tracking-channel": "latest/edge"],
            ["channel": "", "tracking-channel": "latest/edge"],
            ["channel": "edge", "tracking-channel": ""],
            ["channel": "stable", "tracking-channel": "latest/stable/fix"],
            ["channel": "latest/stable/fix", "tracking-channel": "latest/stable/fix", "publisher": .null],
            ["publisher": ["id": "", "username": "", "display-name": ""]],
            ["trymode": true, "mounted-from": "/srv/work/trydir"],
        ]
        for variant in variants {
            try await expectSameBehaviour(
                ["install", "x"],
                [
                    Rule("POST", "/v2/snaps/x", Replies.async("8")),
                    Rule(
                        "GET",
                        "/v2/changes/8",
                        Replies.sync(Replies.change("8", "Done", tasks: [Replies.task("81", "x", "Done")]))
                    ),
                    Rule("GET", "/v2/snaps?snaps=x", Replies.sync([Replies.snap("x", variant)])),
                ]
            )
        }
        for options in [["--color=always", "--unicode=always"], ["--color=always"], ["--unicode=always"]] {
            try await expectSameBehaviour(
                ["install"] + options + ["x"],
                [
                    Rule("POST", "/v2/snaps/x", Replies.async("8")),
                    Rule("GET", "/v2/changes/8", Replies.sync(Replies.change("8", "Done", tasks: []))), colored,
                ]
            )
        }
    }

    @Test("several store snaps go in one request and print one line each")
    func manyFromStore() async throws {
        let rules = [
            Rule("POST", "/v2/snaps", Replies.async("9")),
            Rule(
                "GET",
                "/v2/changes/9",
                Replies.sync(
                    Replies.change(
                        "9",
                        "Done",
                        tasks: [Replies.task("91", "x", "Done")],
                        data: ["snap-names": ["a1", "a2"]]
                    )
                )
            ),
            Rule(
                "GET",
                "/v2/snaps?snaps=a1,a2",
                Replies.sync([
                    Replies.snap("a1"), Replies.snap("a2", ["channel": "beta", "tracking-channel": "latest/beta"]),
                ])
            ),
        ]
        try await expectSameBehaviour(["install", "a1", "a2"], rules)
        try await expectSameBehaviour(["install", "--no-wait", "a1", "a2"], rules)
        try await expectSameBehaviour(["install", "--channel=edge", "a1", "a2"], rules)
        try await expectSameBehaviour(["install", "--devmode", "a1", "a2"], rules)
        try await expectSameBehaviour(["install", "--revision=3", "--cohort=c", "a1", "a2"], rules)
        try await expectSameBehaviour(["install", "--unaliased", "--dangerous", "a1", "a2"], rules)
        try await expectSameBehaviour(["install", "--edge", "--beta", "a1"], rules)
    }

    @Test("local files go as a chunked multipart form with the fields in the real client's order")
    func sideload() async throws {
        let local = Replies.snap(
            "local-thing",
            ["publisher": .null, "revision": "x1", "version": "0.1", "tracking-channel": "", "channel": ""]
        )
        let prepare: (String) throws -> Void = { root in
            try Data(repeating: 7, count: 70_000).write(to: URL(fileURLWithPath: root + "/local-thing_1.0_amd64.snap"))
            try Data("second".utf8).write(to: URL(fileURLWithPath: root + "/other_2.snap"))
        }
        let single = [
            Rule("POST", "/v2/snaps", Replies.async("9")),
            Rule(
                "GET",
                "/v2/changes/9",
                Replies.sync(
                    Replies.change(
                        "9",
                        "Done",
                        tasks: [Replies.task("91", "x", "Done")],
                        data: ["snap-name": "local-thing"]
                    )
                )
            ),
            Rule("GET", "/v2/snaps?snaps=local-thing", Replies.sync([local])),
        ]
        for options in [
            ["--dangerous"], ["--devmode", "--name=renamed"], ["--classic", "--jailmode", "--unaliased"],
            ["--channel=edge", "--dangerous"], ["--no-wait", "--dangerous"],
        ] {
            let comparison = try await expectSameBehaviour(
                ["install"] + options + ["./local-thing_1.0_amd64.snap"],
                single,
                prepare: prepare
            )
            #expect(comparison.ourRequests.first?.chunked == true)
        }

        let many = [
            Rule("POST", "/v2/snaps", Replies.async("9")),
            Rule(
                "GET",
                "/v2/changes/9",
                Replies.sync(Replies.change("9", "Done", tasks: [], data: ["snap-names": ["local-thing", "other"]]))
            ),
            Rule("GET", "/v2/snaps?snaps=local-thing,other", Replies.sync([local, Replies.snap("other")])),
        ]
        try await expectSameBehaviour(
            ["install", "--dangerous", "local-thing_1.0_amd64.snap", "./other_2.snap"],
            many,
            prepare: prepare
        )
        try await expectSameBehaviour(["install", "./missing.snap"], many)
        try await expectSameBehaviour(["install", "./other_2.snap", "bar"], many, prepare: prepare)
    }

    @Test(
        "error replies print the real client's texts and exit codes",
        arguments: [
            ("snap-already-installed", 400), ("snap-not-installed", 400), ("snap-not-found", 404),
            ("snap-change-conflict", 409),
            ("snap-needs-classic", 400), ("snap-needs-devmode", 400), ("snap-not-classic", 400), ("snap-local", 400),
            ("snap-revision-not-available", 404), ("snap-not-a-snap", 400), ("network-timeout", 400),
            ("dns-failure", 400),
            ("snap-no-update-available", 400), ("login-required", 401), ("", 400), ("", 500),
        ]
    )
    func errorKinds(kind: String, status: Int) async throws {
        let message =
            "the daemon's own words for \(kind.isEmpty ? "an unkinded" : kind) failure, long enough to be wrapped on the terminal"
        let value: JSONValue =
            kind == "snap-change-conflict" ? ["snap-name": "bar", "change-kind": "install-snap"] : "bar"
        let rules = [Rule("POST", "*", Replies.error(status, message, kind: kind.isEmpty ? nil : kind, value: value))]
        try await expectSameBehaviour(["install", "bar"], rules)
        try await expectSameBehaviour(["install", "--dangerous", "./x.snap"], rules) { root in
            try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/x.snap"))
        }
        try await expectSameBehaviour(["remove", "bar"], rules)
    }

    @Test("a change that fails, is undone, or whose poll fails ends the command with its error")
    func failingChanges() async throws {
        let err = "cannot perform the following tasks:\n- Download snap \"bar\" (boom)"
        let ends: [Reply] = [
            Replies.sync(
                Replies.change("6", "Error", tasks: [Replies.task("61", "Download snap \"bar\"", "Error")], err: err)
            ),
            Replies.sync(Replies.change("6", "Undone", tasks: [Replies.task("61", "x", "Undone")])),
            Replies.error(404, "cannot find change with id \"6\""),
            Replies.sync(
                Replies.change("6", "Doing", tasks: [Replies.task("61", "x", "Doing")]),
                extra: [
                    "maintenance": [
                        "kind": "system-restart", "message": "system is restarting", "value": ["op": "reboot"],
                    ]
                ]
            ),
        ]
        for end in ends {
            try await expectSameBehaviour(
                ["install", "bar"],
                [Rule("POST", "/v2/snaps/bar", Replies.async("6")), Rule("GET", "/v2/changes/6", end)]
            )
        }
    }

    @Test("warnings reported by the daemon are announced after the output unless already seen")
    func warnings() async throws {
        let change = Replies.change("8", "Done", tasks: [Replies.task("81", "x", "Done")])
        for count in [1, 3] {
            let warned: [String: JSONValue] = [
                "warning-count": .integer(Int64(count)), "warning-timestamp": .string(Replies.time()),
            ]
            let rules = [
                Rule("POST", "/v2/snaps/bar", Replies.async("8")),
                Rule(
                    "GET",
                    "/v2/changes/8",
                    Replies.sync(change, extra: ["warning-count": 2, "warning-timestamp": .string(Replies.time())])
                ),
                Rule("GET", "/v2/snaps?snaps=bar", Replies.sync([Self.bar], extra: warned)),
            ]
            try await expectSameBehaviour(["install", "bar"], rules)
            for (seen, announced) in [(Replies.time(hours: 1), false), (Replies.time(hours: -1), true)] {
                // The real client reads the file under the root, in the home directory the
                // password database gives.
                let comparison = try await expectSameBehaviour(["install", "bar"], rules) { root in
                    let home = root + String(cString: getpwuid(getuid()).pointee.pw_dir)
                    try FileManager.default.createDirectory(atPath: home + "/.snap", withIntermediateDirectories: true)
                    try Data("{\"timestamp\":\"\(seen)\"}".utf8).write(
                        to: URL(fileURLWithPath: home + "/.snap/warnings.json")
                    )
                }
                #expect(comparison.ours.standardError.contains("WARNING: ") == announced)
            }
        }
        let listRules = [
            Rule(
                "GET",
                "/v2/snaps",
                Replies.sync([Self.bar], extra: ["warning-count": 1, "warning-timestamp": .string(Replies.time())])
            )
        ]
        try await expectSameBehaviour(["list"], listRules)
    }

    @Test("without a daemon, the error names the socket")
    func noDaemon() async throws {
        let root = try ScratchRoot()
        let reference = try Clients.run(Clients.reference, ["install", "bar"], root: root.path)
        let ours = try Clients.run(Clients.ours, ["install", "bar"], root: root.path)
        #expect(ours == reference)
    }
}
