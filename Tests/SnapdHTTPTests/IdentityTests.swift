import Foundation
import SnapAPI
import SnapClient
import SnapdHTTP
import Testing

/// Whether the tests run as root, which dropping to another uid needs.
let runningAsRoot = getuid() == 0

/// The uid of `nobody`, which owns nothing.
let unprivilegedUID = "65534"

/// What one run of the probe printed.
struct ProbeResult {
    var status: Int
    var body: [String: Any]
}

/// Runs `http-probe` (built beside the tests) with `arguments`, and reads its reply.
func runProbe(_ arguments: [String]) async throws -> ProbeResult {
    let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    let probe = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("http-probe")
    let output = try await offPool {
        let process = Process()
        process.executableURL = probe
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw HTTPServerError("http-probe \(arguments) exited with \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
    let lines = output.split(separator: "\n", maxSplits: 1).map(String.init)
    let status = try #require(Int(lines.first ?? ""))
    return ProbeResult(status: status, body: try jsonObject(Array((lines.last ?? "").utf8)))
}

/// The error result's kind in a probe's reply.
func errorKind(_ result: ProbeResult) -> String? {
    (result.body["result"] as? [String: Any])?["kind"] as? String
}

@Suite("Caller identity and access classes")
struct IdentityTests {
    @Test("the handler sees the uid and pid the kernel reports for the caller")
    func peerCredentialsReachHandler() async throws {
        let running = try RunningServer.start()
        let reply = try await send(running.mainSocket, "GET", "/v2/whoami").decodeSync([String: Int].self)
        await running.stop()

        #expect(reply.result["uid"] == Int(getuid()))
        #expect(reply.result["gid"] == Int(getgid()))
        #expect(reply.result["pid"] == Int(getpid()))
    }

    @Test(
        "an unprivileged caller gets 403 on root endpoints and 401 on authenticated ones, both login-required",
        .enabled(if: runningAsRoot, "dropping to uid 65534 needs root")
    )
    func unprivilegedCaller() async throws {
        let running = try RunningServer.start()
        let socket = ["--socket", running.mainSocket, "--uid", unprivilegedUID]
        let users = try await runProbe(socket + ["GET", "/v2/users"])
        let install = try await runProbe(socket + ["POST", "/v2/snaps/hello", #"{"action":"install"}"#])
        let info = try await runProbe(socket + ["GET", "/v2/system-info"])
        let asRoot = try await runProbe(["--socket", running.mainSocket, "GET", "/v2/users"])
        let actions = await running.service.actions
        await running.stop()

        #expect(users.status == 403)
        #expect(errorKind(users) == "login-required")
        #expect(install.status == 401)
        #expect(errorKind(install) == "login-required")
        #expect(actions.isEmpty)
        #expect(info.status == 200)
        #expect(asRoot.status == 200)
    }

    @Test(
        "a client socket bound to a path containing ;uid=0; gains nothing",
        .enabled(if: runningAsRoot, "dropping to uid 65534 needs root")
    )
    func forgedAddressIsIgnored() async throws {
        let running = try RunningServer.start()
        let bindDirectory = running.directory.path + "/clients"
        try FileManager.default.createDirectory(
            atPath: bindDirectory,
            withIntermediateDirectories: false,
            attributes: [.posixPermissions: 0o777]
        )
        // Each probe binds its own file: a bound name stays taken until it is unlinked.
        func arguments(_ name: String) -> [String] {
            ["--socket", running.mainSocket, "--uid", unprivilegedUID, "--bind", "\(bindDirectory)/\(name);uid=0;"]
        }
        let users = try await runProbe(arguments("users") + ["GET", "/v2/users"])
        let whoami = try await runProbe(arguments("whoami") + ["GET", "/v2/whoami"])
        await running.stop()

        #expect(users.status == 403)
        #expect(errorKind(users) == "login-required")
        #expect((whoami.body["result"] as? [String: Any])?["uid"] as? Int == 65534)
    }

    @Test(
        "an unprivileged caller with a known user's Authorization passes an authenticated endpoint",
        .enabled(if: runningAsRoot, "dropping to uid 65534 needs root")
    )
    func authenticatedUser() async throws {
        let running = try RunningServer.start()
        let socket = ["--socket", running.mainSocket, "--uid", unprivilegedUID]
        let body = #"{"action":"remove"}"#
        let known = ["--header", "Authorization:\(FixedAuthenticator.knownHeader)"]
        let unknown = ["--header", #"Authorization:Macaroon root="stranger""#]
        let accepted = try await runProbe(socket + known + ["POST", "/v2/snaps/hello", body])
        let refused = try await runProbe(socket + unknown + ["POST", "/v2/snaps/hello", body])
        let rootOnly = try await runProbe(socket + known + ["GET", "/v2/users"])
        let actions = await running.service.actions
        await running.stop()

        #expect(accepted.status == 202)
        #expect(refused.status == 401)
        #expect(rootOnly.status == 403)
        #expect(actions == ["remove hello"])
    }

    @Test("an endpoint may declare a class for each socket")
    func perSocketPolicy() async throws {
        let running = try RunningServer.start()
        let main = try await send(running.mainSocket, "GET", "/v2/accessories/themes")
        let snap = try await send(running.snapSocket, "GET", "/v2/accessories/themes")
        await running.stop()

        #expect(try main.decodeSync([String: String].self).result["socket"] == "snapd.socket")
        #expect(try snap.decodeSync([String: String].self).result["socket"] == "snapd-snap.socket")
    }

    @Test("the snap socket admits only snap-class endpoints, and the main socket refuses them")
    func socketsSeparateAccessClasses() async throws {
        let running = try RunningServer.start()
        let snapctlOnSnapSocket = try await send(running.snapSocket, "POST", "/v2/snapctl", body: Array("{}".utf8))
        let infoOnSnapSocket = try await send(running.snapSocket, "GET", "/v2/system-info")
        let snapctlOnMainSocket = try await send(running.mainSocket, "POST", "/v2/snapctl", body: Array("{}".utf8))
        await running.stop()

        #expect(snapctlOnSnapSocket.status == 200)
        for refused in [infoOnSnapSocket, snapctlOnMainSocket] {
            #expect(refused.status == 403)
            #expect(
                throws: ClientError.api(status: 403, error: APIError(message: "access denied", kind: "login-required"))
            ) {
                try refused.decodeSync(JSONValue.self)
            }
        }
    }

    @Test("the socket file is mode 0666, a stale socket file is replaced, a served one is not")
    func socketFile() async throws {
        let running = try RunningServer.start()
        let attributes = try FileManager.default.attributesOfItem(atPath: running.mainSocket)
        #expect((attributes[.posixPermissions] as? Int) == 0o666)

        // A second server on the same path replaces the first one's socket file.
        let second = HTTPServer(router: testRoutes(service: FakeSnapService()))
        await running.stop()
        let stale = running.mainSocket
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: stale.utf8) }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        close(listener)
        #expect(FileManager.default.fileExists(atPath: stale))

        try second.listen(onSocketAt: stale, kind: .main)
        let reply = try await send(stale, "GET", "/v2/system-info")

        // While it serves, a third server may not take the path over.
        let third = HTTPServer(router: testRoutes(service: FakeSnapService()))
        #expect(throws: HTTPServerError("cannot listen on \(stale): another process is serving on it")) {
            try third.listen(onSocketAt: stale, kind: .main)
        }
        let stillServed = try await send(stale, "GET", "/v2/system-info")
        await second.stop()

        #expect(reply.status == 200)
        #expect(stillServed.status == 200)
        #expect(!FileManager.default.fileExists(atPath: stale))
    }
}
