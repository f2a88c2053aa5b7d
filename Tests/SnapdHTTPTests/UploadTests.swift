import Foundation
import SnapAPI
import SnapdHTTP
import Testing

@testable import SnapClient

/// What the upload route's handler saw of one request.
struct SeenUpload: Sendable {
    struct File: Sendable {
        var file: MultipartForm.File
        var bytes: [UInt8]?
        var existed: Bool
    }

    var fields: [MultipartForm.Field]
    var files: [File]
    var bodyCount: Int
    var hadForm: Bool
}

/// Collects what the handler saw.
actor UploadLog {
    private(set) var seen: [SeenUpload] = []

    func record(_ upload: SeenUpload) {
        seen.append(upload)
    }
}

/// A server with `POST /v2/snaps` streaming uploads to `uploads`, stopped by ``stop()``.
///
/// The handler records what it saw (and the files' bytes when `readsFiles`); a `keep=true`
/// field makes it claim every file, and `replyError` makes it reply a 400 with that message.
/// A JSON body is decoded as a snap action.
struct UploadServer {
    let directory: ScratchDirectory
    let server: HTTPServer
    let log: UploadLog

    var socket: String { directory.path + "/run/snapd.socket" }
    var uploads: String { directory.path + "/uploads" }

    static func start(
        maximumSize: Int = 1 << 20,
        readsFiles: Bool = true,
        replyError: String? = nil
    ) throws -> UploadServer {
        let directory = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: directory.path + "/run", withIntermediateDirectories: true)
        let log = UploadLog()
        let policy = UploadPolicy(directory: directory.path + "/uploads", maximumSize: maximumSize)
        let route = Route(
            .post,
            "/v2/snaps",
            access: .authenticated(polkitAction: "io.snapcraft.snapd.manage"),
            uploads: policy
        ) { request in
            guard let form = request.form else {
                let action = try request.decodeJSON(SnapAction.self)
                await log.record(SeenUpload(fields: [], files: [], bodyCount: request.body.count, hadForm: false))
                return .sync(["action": action.action])
            }
            let files = form.files.map { file in
                let bytes = readsFiles ? FileManager.default.contents(atPath: file.path).map(Array.init) : nil
                return SeenUpload.File(
                    file: file,
                    bytes: bytes,
                    existed: FileManager.default.fileExists(atPath: file.path)
                )
            }
            await log.record(
                SeenUpload(fields: form.fields, files: files, bodyCount: request.body.count, hadForm: true)
            )
            if form.value(of: "keep") == "true" {
                for file in form.files {
                    try form.claim(file)
                }
            }
            if let replyError {
                throw HTTPError.badRequest(replyError)
            }
            return .sync(["files": form.files.count])
        }
        let server = HTTPServer(router: Router([route]), authenticator: FixedAuthenticator())
        let running = UploadServer(directory: directory, server: server, log: log)
        try server.listen(onSocketAt: running.socket, kind: .main)
        return running
    }

    func stop() async {
        await server.stop()
    }
}

/// Sends `form` to `/v2/snaps`, chunked or with `Content-Length`.
func sendForm(_ form: MultipartFormData, to socket: String, chunked: Bool) async throws -> ClientResponse {
    try await offPool {
        let body: ClientRequest.Body = chunked ? form.chunkedBody() : .bytes(try form.encoded())
        let request = ClientRequest(
            method: "POST",
            path: "/v2/snaps",
            headers: [("Content-Type", form.contentType)],
            body: body
        )
        return try HTTPClient(socketPath: socket, timeout: 120).send(request)
    }
}

/// The error message of an error envelope.
func errorMessage(_ response: ClientResponse) throws -> String? {
    (try jsonObject(response.body)["result"] as? [String: Any])?["message"] as? String
}

/// Waits until `condition` holds, checking every 10 ms for at most 30 seconds, and tells
/// whether it did. Only a bound on a wait for a state change; no assertion is about time.
func eventually(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<3000 {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// The head of a chunked multipart request whose body is never finished.
func unfinishedUpload(boundary: String, fileBytes: Int) -> [UInt8] {
    let head =
        "POST /v2/snaps HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
        + "Content-Type: multipart/form-data; boundary=\(boundary)\r\n\r\n"
    var part = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"snap\"; filename=\"x.snap\"\r\n\r\n".utf8)
    part += [UInt8](repeating: 0x5A, count: fileBytes)
    return Array(head.utf8) + Array("\(String(part.count, radix: 16))\r\n".utf8) + part + Array("\r\n".utf8)
}

@Suite("Multipart uploads through the server", .serialized)
struct UploadTests {
    @Test(
        "a multipart body reaches the handler as fields and files, whether chunked or not, and its files go with the reply",
        arguments: [true, false]
    )
    func formReachesHandler(chunked: Bool) async throws {
        let running = try UploadServer.start()
        let sample = SideloadSample()
        let response = try await sendForm(sample.form, to: running.socket, chunked: chunked)
        let seen = await running.log.seen
        let left = entries(of: running.uploads)
        await running.stop()

        #expect(response.status == 200)
        let upload = try #require(seen.first)
        #expect(seen.count == 1)
        #expect(upload.hadForm)
        #expect(upload.bodyCount == 0)
        #expect(upload.fields == sample.expected.fields)
        #expect(upload.files.map(\.file.filename) == sample.expected.files.map(\.filename))
        #expect(upload.files.map(\.file.contentType) == sample.expected.files.map(\.contentType))
        #expect(upload.files.map(\.file.size) == sample.expected.files.map(\.size))
        #expect(upload.files.map(\.bytes) == sample.expected.files.map(\.bytes))
        #expect(upload.files.allSatisfy { $0.existed })
        #expect(left.isEmpty)
    }

    @Test("a JSON body on the same route is read into memory as before")
    func jsonBodyOnUploadRoute() async throws {
        let running = try UploadServer.start()
        let socket = running.socket
        let response = try await offPool {
            let request = ClientRequest(
                method: "POST",
                path: "/v2/snaps",
                headers: [("Content-Type", "application/json")],
                body: .bytes(Array(#"{"action":"refresh"}"#.utf8))
            )
            return try HTTPClient(socketPath: socket).send(request)
        }
        let seen = await running.log.seen
        await running.stop()

        #expect(try response.decodeSync([String: String].self).result["action"] == "refresh")
        #expect(seen.map(\.hadForm) == [false])
        #expect(seen.map(\.bodyCount) == [20])
        #expect(!FileManager.default.fileExists(atPath: running.uploads))
    }

    @Test("a file the handler claims outlives the request")
    func claimedFile() async throws {
        let running = try UploadServer.start()
        var form = MultipartFormData()
        form.addField(name: "keep", value: "true")
        form.addFile(name: "snap", filename: "kept.snap", bytes: Array("kept bytes".utf8))
        let response = try await sendForm(form, to: running.socket, chunked: true)
        let seen = await running.log.seen
        await running.stop()

        #expect(response.status == 200)
        let path = try #require(seen.first?.files.first?.file.path)
        #expect(FileManager.default.contents(atPath: path).map(Array.init) == Array("kept bytes".utf8))
        #expect(entries(of: running.uploads) == [URL(fileURLWithPath: path).lastPathComponent])
    }

    @Test("a malformed multipart body is a 400 naming the problem; no handler runs and no file stays")
    func malformedBody() async throws {
        let running = try UploadServer.start()
        let socket = running.socket
        let body = Array(
            (MultipartParserTests.file + "content without the closing boundary").utf8
        )
        let response = try await offPool {
            var sent = false
            let request = ClientRequest(
                method: "POST",
                path: "/v2/snaps",
                headers: [("Content-Type", "multipart/form-data; boundary=\(testBoundary)")],
                body: .chunked {
                    defer { sent = true }
                    return sent ? nil : body
                }
            )
            return try HTTPClient(socketPath: socket).send(request)
        }
        let seen = await running.log.seen
        await running.stop()

        #expect(response.status == 400)
        #expect(try errorMessage(response) == "multipart body is truncated: it ends before the final boundary")
        #expect(seen.isEmpty)
        #expect(entries(of: running.uploads).isEmpty)
    }

    @Test("files over the upload limit are a 413 whether chunked or announced; no handler runs and no file stays")
    func oversizedUpload() async throws {
        let running = try UploadServer.start(maximumSize: 4096)
        var form = MultipartFormData()
        form.addField(name: "action", value: "install")
        form.addFile(name: "snap", filename: "big.snap", bytes: [UInt8](repeating: 7, count: 3000))
        form.addFile(name: "snap", filename: "big2.snap", bytes: [UInt8](repeating: 8, count: 3000))
        let chunked = try await sendForm(form, to: running.socket, chunked: true)

        var huge = MultipartFormData()
        huge.addFile(name: "snap", filename: "huge.snap", bytes: [UInt8](repeating: 9, count: 4 << 20))
        let announced = try await sendForm(huge, to: running.socket, chunked: false)
        let seen = await running.log.seen
        await running.stop()

        for response in [chunked, announced] {
            #expect(response.status == 413)
            #expect(try errorMessage(response) == "uploaded files exceed the limit of 4096 bytes")
        }
        #expect(seen.isEmpty)
        #expect(entries(of: running.uploads).isEmpty)
    }

    @Test("a client that disconnects in the middle of a file leaves no file behind")
    func disconnectMidUpload() async throws {
        let running = try UploadServer.start()
        let socketPath = running.socket
        let uploads = running.uploads
        let connection = try await offPool {
            let socket = try UnixStreamSocket(connectingTo: socketPath)
            try socket.write(
                unfinishedUpload(boundary: testBoundary, fileBytes: 100_000),
                before: Deadline(secondsFromNow: 30)
            )
            return UncheckedBox(socket)
        }
        let started = await eventually { !entries(of: uploads).isEmpty }
        connection.value = nil
        let cleaned = await eventually { entries(of: uploads).isEmpty }
        let seen = await running.log.seen
        await running.stop()

        #expect(started)
        #expect(cleaned)
        #expect(seen.isEmpty)
    }

    @Test("stopping the server in the middle of an upload leaves no file behind")
    func stopMidUpload() async throws {
        let running = try UploadServer.start()
        let socketPath = running.socket
        let uploads = running.uploads
        let connection = try await offPool {
            let socket = try UnixStreamSocket(connectingTo: socketPath)
            try socket.write(
                unfinishedUpload(boundary: testBoundary, fileBytes: 1000),
                before: Deadline(secondsFromNow: 30)
            )
            return UncheckedBox(socket)
        }
        let started = await eventually { !entries(of: uploads).isEmpty }
        await running.stop()
        let left = entries(of: uploads)
        connection.value = nil

        #expect(started)
        #expect(left.isEmpty)
    }

    @Test(
        "an upload from a caller who will be refused is not stored at all",
        .enabled(if: runningAsRoot, "dropping to uid 65534 needs root")
    )
    func refusedCallerStoresNothing() async throws {
        let running = try UploadServer.start()
        chmod(running.directory.path + "/run", 0o755)
        var form = MultipartFormData(boundary: testBoundary)
        form.addField(name: "action", value: "install")
        form.addFile(name: "snap", filename: "x.snap", bytes: Array("snap bytes".utf8))
        let body = String(decoding: try form.encoded(), as: UTF8.self)
        let result = try await runProbe([
            "--socket", running.socket, "--uid", unprivilegedUID, "--header", "Content-Type:\(form.contentType)",
            "POST", "/v2/snaps", body,
        ])
        let seen = await running.log.seen
        await running.stop()

        #expect(result.status == 401)
        #expect(errorKind(result) == "login-required")
        #expect(seen.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: running.uploads))
    }
}

/// Moves a non-Sendable value out of a blocking helper thread and lets the test drop it
/// at a chosen moment.
///
/// `@unchecked Sendable` is safe because the test touches the value from one task at a
/// time: the helper thread hands it over and never uses it again.
final class UncheckedBox<Value>: @unchecked Sendable {
    var value: Value?

    init(_ value: Value) {
        self.value = value
    }
}

/// Whether the peak resident size of this process can be reset (proc(5), `clear_refs` 5).
let peakMemoryResettable = resetPeakMemory()

/// Resets `VmHWM` to the current resident size; false when the kernel refuses.
@discardableResult
func resetPeakMemory() -> Bool {
    (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
}

/// A figure of /proc/self/status in KiB, such as `VmRSS` or `VmHWM`.
func memoryFigure(_ key: String) throws -> Int {
    let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
    for line in status.split(separator: "\n") where line.hasPrefix(key + ":") {
        if let value = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap({ Int($0) }
        ) {
            return value
        }
    }
    throw HTTPServerError("/proc/self/status has no \(key)")
}

/// Block `index` of a large test file: 1 MiB of random bytes starting with the index,
/// with boundary look-alikes straddling every 64 KiB, where the client cuts its chunks.
func largeFileBlock(_ index: Int, base: [UInt8]) -> [UInt8] {
    var block = base
    withUnsafeBytes(of: UInt64(index).littleEndian) { block.replaceSubrange(0..<8, with: $0) }
    let lookalike = Array("\r\n--\(testBoundary.dropLast())".utf8)
    for offset in stride(from: 64 << 10, to: block.count, by: 64 << 10) {
        let start = offset - lookalike.count / 2
        block.replaceSubrange(start..<(start + lookalike.count), with: lookalike)
    }
    return block
}

/// Whether the files at `first` and `second` hold the same bytes, read 1 MiB at a time.
func sameContents(_ first: String, _ second: String) throws -> Bool {
    let one = try FileHandle(forReadingFrom: URL(fileURLWithPath: first))
    let other = try FileHandle(forReadingFrom: URL(fileURLWithPath: second))
    defer {
        try? one.close()
        try? other.close()
    }
    while true {
        let left = try one.read(upToCount: 1 << 20) ?? Data()
        let right = try other.read(upToCount: 1 << 20) ?? Data()
        guard left == right else { return false }
        if left.isEmpty { return true }
    }
}

@Suite("Large uploads", .serialized)
struct LargeUploadTests {
    @Test(
        "a 64 MiB file streams to disk while the process's peak memory grows by less than 16 MiB",
        .enabled(if: peakMemoryResettable, "resetting the peak resident size needs /proc/self/clear_refs"),
        .enabled(
            if: getenv("SNAPD_TEST_MEMORY_ALONE") != nil,
            "peak memory is per process: tools/test runs this test alone, with SNAPD_TEST_MEMORY_ALONE=1"
        )
    )
    func largeFileKeepsMemoryFlat() async throws {
        let running = try UploadServer.start(maximumSize: 128 << 20, readsFiles: false)
        let source = running.directory.path + "/large.snap"
        let blocks = 64
        var generator = SeededGenerator(seed: 64)
        let base = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        #expect(FileManager.default.createFile(atPath: source, contents: nil))
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: source))
        for index in 0..<blocks {
            try output.write(contentsOf: largeFileBlock(index, base: base))
        }
        try output.close()

        var form = MultipartFormData(boundary: testBoundary)
        form.addField(name: "action", value: "install")
        form.addField(name: "keep", value: "true")
        form.addFile(name: "snap", filename: "large.snap", path: source)

        resetPeakMemory()
        let baseline = try memoryFigure("VmRSS")
        let response = try await sendForm(form, to: running.socket, chunked: true)
        let peak = try memoryFigure("VmHWM")
        let seen = await running.log.seen
        await running.stop()

        #expect(response.status == 200)
        let file = try #require(seen.first?.files.first?.file)
        #expect(file.size == blocks << 20)
        #expect(try sameContents(file.path, source))
        #expect(peak - baseline < 16 << 10, "peak grew by \(peak - baseline) KiB")
    }
}

@Suite("The real snap client sideloading to our server", .enabled(if: referenceSnapPresent, "tools/setup extracts it"))
struct ReferenceSideloadTests {
    @Test("snap install --dangerous ./x.snap sends its fields in order and the file's exact bytes, chunked")
    func sideload() async throws {
        let running = try UploadServer.start(replyError: "cannot install: refused by the test")
        let work = running.directory.path + "/work"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let snapBytes = boundaryLookalikes(boundary: testBoundary, randomCount: 70_000, seed: 11)
        #expect(FileManager.default.createFile(atPath: work + "/x.snap", contents: Data(snapBytes)))

        let result = try await runReferenceSnap(
            root: running.directory.path,
            [referenceSnap, "install", "--dangerous", "./x.snap"],
            in: work
        )
        let seen = await running.log.seen
        await running.stop()

        #expect(result.status == 1)
        #expect(result.output == "error: cannot install: refused by the test\n")
        let upload = try #require(seen.first)
        #expect(
            upload.fields.map { "\($0.name)=\($0.text)" } == [
                "action=install", "snap-path=./x.snap", "dangerous=true", "transaction=per-snap",
            ]
        )
        let file = try #require(upload.files.first)
        #expect(upload.files.count == 1)
        #expect(file.file.name == "snap")
        #expect(file.file.filename == "x.snap")
        #expect(file.file.contentType == "application/octet-stream")
        #expect(file.bytes == snapBytes)
        #expect(entries(of: running.uploads).isEmpty)
    }
}
