import Foundation
import SnapAPI
import Testing

@Suite(
    "snap list, info and version against the real client",
    .serialized,
    .enabled(if: Clients.bothPresent, "needs tools/setup and a built snap")
)
struct ListInfoTests {
    /// Snaps covering every note, publisher form and column width.
    static let manySnaps: [JSONValue] = [
        Replies.snap("core22", ["type": "base", "version": "20240101", "revision": "1033"]),
        Replies.snap("snapd", ["type": "snapd", "version": "2.57.6", "revision": "17950"]),
        Replies.snap("core", ["type": "os"]),
        Replies.snap("pc-kernel", ["type": "kernel", "devmode": true, "trymode": true]),
        Replies.snap("pc", ["type": "gadget"]), Replies.snap("hello", ["version": "2.10"]),
        Replies.snap("hello", ["version": "2.9", "revision": "41", "status": "installed"]),
        Replies.snap("base-off", ["type": "base", "status": "installed"]),
        Replies.snap("dev", ["devmode": true, "confinement": "devmode"]),
        Replies.snap("conf-dev", ["confinement": "devmode"]),
        Replies.snap("cls", ["confinement": "classic", "devmode": true]),
        Replies.snap(
            "everything",
            ["private": true, "broken": "x", "ignore-validation": true, "cohort-key": "k", "jailmode": true]
        ),
        Replies.snap("local", ["publisher": .null, "revision": "x1", "tracking-channel": ""]),
        Replies.snap("empty-publisher", ["publisher": ["id": "", "username": "", "display-name": ""]]),
        Replies.snap(
            "starred",
            ["publisher": ["id": "q", "username": "bob", "display-name": "Bob", "validation": "starred"]]
        ),
        Replies.snap(
            "unproven",
            ["publisher": ["id": "q", "username": "carl", "display-name": "Carl", "validation": "unproven"]]
        ),
        Replies.snap(
            "a-rather-long-snap-name-indeed",
            ["version": "1.2.3-really-long-version-string", "tracking-channel": "2.0/candidate/hotfix"]
        ),
        Replies.snap("no-status", ["status": "", "type": ""]),
    ]

    @Test("the table lists every snap with its notes, sorted by name")
    func table() async throws {
        let rules = [Rule("GET", "/v2/snaps*", Replies.sync(.array(Self.manySnaps)))]
        try await expectSameBehaviour(["list"], rules)
        try await expectSameBehaviour(["list", "--all"], rules)
        try await expectSameBehaviour(["list", "hello", "core"], rules)
        try await expectSameBehaviour(["list", "--unicode=always"], rules)
        try await expectSameBehaviour(["list", "--unicode=never", "--color=never"], rules)
        try await expectSameBehaviour(["list", "--unicode=always", "--color=always"], rules)
        try await expectSameBehaviour(["list", "--color=always"], rules)
    }

    @Test("with nothing installed, list gives a hint, or an error when names were given")
    func empty() async throws {
        let rules = [Rule("GET", "/v2/snaps*", Replies.sync([]))]
        try await expectSameBehaviour(["list"], rules)
        try await expectSameBehaviour(["list", "--all"], rules)
        try await expectSameBehaviour(["list", "foo", "bar"], rules)
    }

    @Test("list reports error replies")
    func listError() async throws {
        try await expectSameBehaviour(["list"], [Rule("GET", "*", Replies.error(500, "cannot read state"))])
    }

    static let hello = Replies.snap(
        "hello",
        [
            "version": "2.10",
            "description": """
            A toy hello snap.
            This second line of the description is long enough that it must be wrapped at least once.
            1234567890 1234567890 1234567890 1234567890 1234567890 1234567890 12345 xyz
            1234567890 1234567890 1234567890 1234567890 1234567890 1234567890 123456 xyz

            A new paragraph.
            """,
            "apps": [
                ["snap": "hello", "name": "hello"], ["snap": "hello", "name": "other"],
                [
                    "snap": "hello", "name": "svc", "daemon": "simple", "daemon-scope": "system", "enabled": true,
                    "active": true,
                ],
                ["snap": "hello", "name": "job", "daemon": "oneshot", "enabled": false, "active": false],
            ],
        ]
    )
    static let local = Replies.snap(
        "local-thing",
        [
            "publisher": .null, "id": .null, "tracking-channel": .null, "install-date": .null, "contact": .null,
            "license": .null, "summary": "", "description": "", "revision": "x1", "version": "0.1", "devmode": true,
            "confinement": "devmode", "installed-size": 4096,
        ]
    )

    static let infoRules = [
        Rule("GET", "/v2/find*", Replies.error(404, "not found")),
        Rule("GET", "/v2/snaps/hello", Replies.sync(hello)),
        Rule("GET", "/v2/snaps/local-thing", Replies.sync(local)),
        Rule(
            "GET",
            "/v2/snaps/off",
            Replies.sync(Replies.snap("off", ["status": "installed", "installed-size": 12_345_678]))
        ),
        Rule("GET", "/v2/snaps/*", Replies.error(404, "snap not installed", kind: "snap-not-found", value: "x")),
    ]

    @Test("info describes installed snaps when the store lookup fails")
    func info() async throws {
        for arguments in [
            ["info", "hello"], ["info", "local-thing"], ["info", "off"], ["info", "hello", "local-thing"],
            ["info", "--verbose", "hello"], ["info", "--verbose", "local-thing"], ["info", "--abs-time", "hello"],
        ] {
            try await expectSameBehaviour(arguments, Self.infoRules)
        }
    }

    @Test("info of unknown snaps is an error alone and a warning among others")
    func infoMissing() async throws {
        try await expectSameBehaviour(["info", "nosuch"], Self.infoRules)
        try await expectSameBehaviour(["info", "hello", "nosuch"], Self.infoRules)
        try await expectSameBehaviour(["info", "nosuch", "other"], Self.infoRules)
    }

    @Test("version prints the daemon's versions; the client's own version is ours")
    func version() async throws {
        let rules = [Rule("GET", "/v2/system-info", Replies.sync(Replies.systemInfo))]
        let comparison = try await compareIgnoringFirstLine(["version"], rules)
        // The first line names each client's own version, which differ by design.
        #expect(comparison.ours.standardOutput.hasPrefix("snap    0.1-swift\n"))
        try await compareIgnoringFirstLine(["version"], [Rule("GET", "*", Replies.error(500, "broken"))])
    }

    /// Like ``expectSameBehaviour`` but leaves out the first line of standard output.
    @discardableResult
    private func compareIgnoringFirstLine(_ arguments: [String], _ rules: [Rule]) async throws -> Comparison {
        let root = try ScratchRoot()
        var outputs: [ClientOutput] = []
        var requests: [[RecordedRequest]] = []
        for binary in [Clients.reference, Clients.ours] {
            let daemon = try FakeDaemon(root: root.path, rules: rules)
            outputs.append(try await offPool { try Clients.run(binary, arguments, root: root.path) })
            await daemon.stop()
            requests.append(daemon.requests)
        }
        let tails = outputs.map {
            $0.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).dropFirst()
        }
        #expect(tails[1] == tails[0])
        #expect(outputs[1].standardError == outputs[0].standardError)
        #expect(outputs[1].status == outputs[0].status)
        #expect(requests[1] == requests[0])
        return Comparison(
            reference: outputs[0],
            ours: outputs[1],
            referenceRequests: requests[0],
            ourRequests: requests[1]
        )
    }
}
