import Foundation
import SnapAPI
import SnapdHTTP
import Testing

/// The real `snap` 2.57.6 client that `tools/setup` extracts, if it is there.
let referenceSnap: String = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return root.appendingPathComponent(".build/reference/root/usr/bin/snap").path
}()

let referenceSnapPresent = FileManager.default.isExecutableFile(atPath: referenceSnap)

/// What `GET /v2/system-info` reports, in the daemon's key spelling.
struct SystemInfo: Codable, Sendable {
    struct OSRelease: Codable, Sendable {
        var id: String
        var versionID: String

        enum CodingKeys: String, CodingKey {
            case id
            case versionID = "version-id"
        }
    }

    var series: String
    var version: String
    var osRelease: OSRelease
    var onClassic: Bool
    var kernelVersion: String

    enum CodingKeys: String, CodingKey {
        case series, version
        case osRelease = "os-release"
        case onClassic = "on-classic"
        case kernelVersion = "kernel-version"
    }
}

/// The service behind the system-info route.
protocol SystemInfoService: Sendable {
    func systemInfo() async -> SystemInfo
}

struct FakeSystemInfoService: SystemInfoService {
    func systemInfo() async -> SystemInfo {
        SystemInfo(
            series: "16",
            version: "0.1-swift",
            osRelease: .init(id: "debian", versionID: "12"),
            onClassic: true,
            kernelVersion: "6.1.0-test"
        )
    }
}

/// The route layer: no decoding needed, call the service, encode its answer.
func systemInfoRoutes(service: any SystemInfoService) -> [Route] {
    [
        Route(.get, "/v2/system-info", access: .open) { _ in
            .sync(await service.systemInfo())
        },
        Route(.post, "/v2/snaps/{name}", access: .authenticated(polkitAction: "io.snapcraft.snapd.manage")) {
            _ in .async(change: "1")
        },
    ]
}

/// Runs the reference client with `arguments` against the scratch root `root`, in
/// `directory` when given.
func runReferenceSnap(
    root: String,
    _ arguments: [String],
    in directory: String? = nil
) async throws -> (status: Int32, output: String) {
    try await offPool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        if let directory {
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
        }
        process.arguments = Array(arguments.dropFirst())
        process.environment = ["SNAPPY_GLOBAL_ROOT": root, "PATH": "/usr/bin:/bin", "HOME": root]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

@Suite("The real snap client against our server", .enabled(if: referenceSnapPresent, "tools/setup extracts it"))
struct ReferenceClientTests {
    @Test("snap version prints the daemon's version, series, OS and kernel")
    func snapVersion() async throws {
        let directory = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: directory.path + "/run", withIntermediateDirectories: true)
        let server = HTTPServer(router: Router(systemInfoRoutes(service: FakeSystemInfoService())))
        try server.listen(onSocketAt: directory.path + "/run/snapd.socket", kind: .main)
        let result = try await runReferenceSnap(root: directory.path, [referenceSnap, "version"])
        await server.stop()

        #expect(result.status == 0)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("snap ") == true)
        #expect(Array(lines.dropFirst()) == ["snapd   0.1-swift", "series  16", "debian  12", "kernel  6.1.0-test"])
    }

    @Test(
        "an unprivileged snap install is refused with the client's sudo hint",
        .enabled(if: getuid() == 0, "dropping to uid 65534 needs root")
    )
    func unprivilegedInstall() async throws {
        let directory = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: directory.path + "/run", withIntermediateDirectories: true)
        chmod(directory.path + "/run", 0o755)
        let server = HTTPServer(router: Router(systemInfoRoutes(service: FakeSystemInfoService())))
        try server.listen(onSocketAt: directory.path + "/run/snapd.socket", kind: .main)
        let command = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", referenceSnap]
        let result = try await runReferenceSnap(root: directory.path, command + ["install", "hello"])
        await server.stop()

        #expect(result.status == 1)
        #expect(result.output == "error: access denied (try with sudo)\n")
    }
}
