import Foundation
import SnapAPI
import Testing

@Suite(
    "snap remove, enable, disable and revert against the real client",
    .serialized,
    .enabled(if: Clients.bothPresent, "needs tools/setup and a built snap")
)
struct SnapActionTests {
    static func doneChange(_ id: String, data: JSONValue? = nil) -> Rule {
        let log = ["2026-12-03T16:03:24.064506Z INFO doing prerequisites"]
        return Rule(
            "GET",
            "/v2/changes/\(id)",
            Replies.sync(
                Replies.change(
                    id,
                    "Doing",
                    tasks: [Replies.task("1", "Ensure prerequisites are available", "Doing", log: log)]
                )
            ),
            Replies.sync(
                Replies.change(
                    id,
                    "Done",
                    tasks: [Replies.task("1", "Ensure prerequisites are available", "Done", log: log)],
                    data: data
                )
            )
        )
    }

    @Test("remove sends the revision and purge options and prints what went")
    func remove() async throws {
        let rules = [Rule("POST", "/v2/snaps/hello", Replies.async("3")), Self.doneChange("3")]
        try await expectSameBehaviour(["remove", "hello"], rules)
        try await expectSameBehaviour(["remove", "--purge", "--revision=3", "hello"], rules)
        try await expectSameBehaviour(["remove", "--no-wait", "hello"], rules)
    }

    @Test("removing several snaps is one request, and each removed snap gets a line")
    func removeMany() async throws {
        let rules = [
            Rule("POST", "/v2/snaps", Replies.async("7")), Self.doneChange("7", data: ["snap-names": ["a1", "a2"]]),
        ]
        try await expectSameBehaviour(["remove", "a1", "a2"], rules)
        try await expectSameBehaviour(["remove", "--purge", "a1", "a2"], rules)
        try await expectSameBehaviour(["remove", "--revision=2", "a1", "a2"], rules)
    }

    @Test("removing a snap that is not installed is not an error")
    func removeMissing() async throws {
        let rules = [
            Rule(
                "POST",
                "*",
                Replies.error(400, "snap \"nothere\" is not installed", kind: "snap-not-installed", value: "nothere")
            )
        ]
        try await expectSameBehaviour(["remove", "nothere"], rules)
        try await expectSameBehaviour(["remove", "nothere", "other"], rules)
    }

    @Test("enable, disable and revert post their action and print the outcome")
    func actions() async throws {
        let hello = Replies.snap("hello", ["version": "2.9", "revision": "41"])
        let rules = [
            Rule("POST", "/v2/snaps/hello", Replies.async("4")), Self.doneChange("4"),
            Rule("GET", "/v2/snaps?snaps=hello", Replies.sync([hello])),
        ]
        for arguments in [
            ["enable", "hello"], ["disable", "hello"], ["revert", "hello"], ["revert", "--revision=41", "hello"],
            ["revert", "--devmode", "--jailmode", "--classic", "hello"], ["disable", "--no-wait", "hello"],
            ["enable", "hello", "extra"],
        ] {
            try await expectSameBehaviour(arguments, rules)
        }
    }

    @Test("a conflicting change exits 10 for every command")
    func conflict() async throws {
        let value: JSONValue = ["snap-name": "hello", "change-kind": "refresh-snap"]
        let rules = [
            Rule(
                "POST",
                "*",
                Replies.error(
                    409,
                    "snap \"hello\" has \"refresh-snap\" change in progress",
                    kind: "snap-change-conflict",
                    value: value
                )
            )
        ]
        for command in ["enable", "disable", "revert", "remove", "install"] {
            let comparison = try await expectSameBehaviour([command, "hello"], rules)
            #expect(comparison.ours.status == 10)
        }
    }

    @Test("an access refusal adds the login hint for root and the sudo hint otherwise")
    func loginRequired() async throws {
        let rules = [Rule("POST", "*", Replies.error(401, "access denied", kind: "login-required"))]
        try await expectSameBehaviour(["disable", "hello"], rules)
        guard getuid() == 0 else { return }
        let root = try ScratchRoot()
        chmod(root.path, 0o777)
        let daemon = try FakeDaemon(root: root.path, rules: rules)
        var outputs: [ClientOutput] = []
        for binary in [Clients.reference, Clients.ours] {
            let setpriv = ["--reuid=65534", "--regid=65534", "--clear-groups", binary, "disable", "hello"]
            outputs.append(try await offPool { try Clients.run("/usr/bin/setpriv", setpriv, root: root.path) })
        }
        await daemon.stop()
        #expect(outputs[1] == outputs[0])
        #expect(outputs[1].standardError == "error: access denied (try with sudo)\n")
    }
}
