import Foundation
import SnapClient
import Testing

@testable import SnapdHTTP

/// A form shaped like the real client's sideload: the fields it sends, a snap whose bytes
/// look like boundaries, an empty field, and an empty file with a hostile file name.
struct SideloadSample {
    let boundary: String
    let snapBytes: [UInt8]
    let form: MultipartFormData
    let expected: FormContents

    init(boundary: String = testBoundary, snapBytes: [UInt8]? = nil) {
        let snapBytes = snapBytes ?? boundaryLookalikes(boundary: boundary, randomCount: 300, seed: 7)
        let fields = [
            ("action", "install"), ("snap-path", "./local-thing_1.0_amd64.snap"), ("dangerous", "true"),
            ("transaction", "per-snap"),
        ]
        var form = MultipartFormData(boundary: boundary)
        for (name, value) in fields {
            form.addField(name: name, value: value)
        }
        form.addFile(name: "snap", filename: "local-thing_1.0_amd64.snap", bytes: snapBytes)
        form.addField(name: "empty", value: "")
        form.addFile(name: "snap", filename: "../../etc/\"quoted\" name.snap", contentType: "text/plain", bytes: [])

        self.boundary = boundary
        self.snapBytes = snapBytes
        self.form = form
        expected = FormContents(
            fields: (fields + [("empty", "")]).map { MultipartForm.Field(name: $0.0, value: Array($0.1.utf8)) },
            files: [
                .init(
                    name: "snap",
                    filename: "local-thing_1.0_amd64.snap",
                    contentType: "application/octet-stream",
                    size: snapBytes.count,
                    bytes: snapBytes
                ),
                .init(
                    name: "snap",
                    filename: "../../etc/\"quoted\" name.snap",
                    contentType: "text/plain",
                    size: 0,
                    bytes: []
                ),
            ]
        )
    }
}

@Suite("Streaming multipart/form-data parser")
struct MultipartParserTests {
    @Test("a sideload form yields its fields in order and its files on disk under names of ours")
    func sideloadForm() throws {
        let scratch = try ScratchDirectory()
        let directory = scratch.path + "/uploads"
        let sample = SideloadSample()
        let form = try parseForm(
            [try sample.form.encoded()],
            policy: UploadPolicy(directory: directory, maximumSize: 1 << 20)
        )

        #expect(try FormContents(form) == sample.expected)
        #expect(form.value(of: "action") == "install")
        #expect(form.values(of: "transaction") == ["per-snap"])
        #expect(form.value(of: "missing") == nil)
        #expect(form.files(named: "snap").count == 2)
        for file in form.files {
            #expect(file.path.hasPrefix(directory + "/upload-"))
            #expect(!file.path.dropFirst(directory.count + 1).contains("/"))
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: directory)
        #expect(attributes[.posixPermissions] as? Int == 0o700)
    }

    @Test("every way of cutting the body into pieces yields the same form")
    func everySplit() throws {
        let scratch = try ScratchDirectory()
        let policy = UploadPolicy(directory: scratch.path + "/uploads", maximumSize: 1 << 20)
        let sample = SideloadSample()
        let body = try sample.form.encoded()

        let oneByteAtATime = try FormContents(parseForm(body.map { [$0] }, policy: policy))
        #expect(oneByteAtATime == sample.expected)

        for seed in UInt64(1)...20 {
            let pieces = randomPieces(body, largest: 1 + Int(seed) * 7, seed: seed)
            #expect(try FormContents(parseForm(pieces, policy: policy)) == sample.expected, "seed \(seed)")
        }

        // Cutting once at each position puts the cut inside every boundary line and header.
        for cut in 0...body.count {
            let pieces = [Array(body[..<cut]), Array(body[cut...])]
            #expect(try FormContents(parseForm(pieces, policy: policy)) == sample.expected, "cut at \(cut)")
        }
        #expect(entries(of: policy.directory).isEmpty)
    }

    @Test("a quoted boundary, preamble, epilogue, padding after boundaries and folded headers are understood")
    func lenientFraming() throws {
        let scratch = try ScratchDirectory()
        let policy = UploadPolicy(directory: scratch.path + "/uploads", maximumSize: 1 << 20)
        let body = [
            "This preamble is ignored.\r\n--b:o?u=n+d(a)r,y. \t\r\n",
            "content-disposition: FORM-DATA;\r\n\tname=\"greeting\"\r\n",
            "CONTENT-TYPE: text/plain; charset=utf-8\r\n\r\n",
            "hello\r\nworld\r\n",
            "--b:o?u=n+d(a)r,y.\r\n",
            "Content-Disposition: form-data; name=note; filename=\"\"\r\n\r\n",
            "not a file\r\n",
            "--b:o?u=n+d(a)r,y.--\r\nThis epilogue is ignored, even --b:o?u=n+d(a)r,y.\r\n",
        ].joined()
        let form = try parseForm(
            [Array(body.utf8)],
            contentType: #"Multipart/Form-Data; charset=utf-8; BOUNDARY="b:o?u=n+d(a)r,y.""#,
            policy: policy
        )

        #expect(form.fields.map(\.name) == ["greeting", "note"])
        #expect(form.fields.map(\.text) == ["hello\r\nworld", "not a file"])
        #expect(form.fields.first?.contentType == "text/plain; charset=utf-8")
        #expect(form.files.isEmpty)
        #expect(entries(of: policy.directory).isEmpty)
    }

    @Test("a body with only the closing boundary is an empty form")
    func emptyForm() throws {
        let scratch = try ScratchDirectory()
        let form = try parseForm(
            [Array("--\(testBoundary)--".utf8)],
            policy: UploadPolicy(directory: scratch.path, maximumSize: 0)
        )
        #expect(form.fields.isEmpty)
        #expect(form.files.isEmpty)
    }

    @Test("files exactly at the size limit are accepted")
    func filesAtTheLimit() throws {
        let scratch = try ScratchDirectory()
        var form = MultipartFormData(boundary: testBoundary)
        form.addFile(name: "a", filename: "a", bytes: Array(repeating: 1, count: 10))
        form.addFile(name: "b", filename: "b", bytes: Array(repeating: 2, count: 6))
        form.addField(name: "c", value: "12345678")
        let policy = UploadPolicy(directory: scratch.path + "/u", maximumSize: 16, maximumFieldSize: 8)
        let parsed = try parseForm([try form.encoded()], policy: policy)
        #expect(parsed.files.map(\.size) == [10, 6])
        #expect(parsed.value(of: "c") == "12345678")
    }

    @Test("dropping a form removes its files, except the claimed ones")
    func formOwnsItsFiles() throws {
        let scratch = try ScratchDirectory()
        let policy = UploadPolicy(directory: scratch.path + "/uploads", maximumSize: 1 << 20)
        var claimed: [String] = []
        do {
            let form = try parseForm([try SideloadSample().form.encoded()], policy: policy)
            #expect(entries(of: policy.directory).count == 2)
            let first = try #require(form.files.first)
            claimed.append(try form.claim(first))
            claimed.append(try form.claim(first))
        }
        #expect(Set(claimed).count == 1)
        #expect(entries(of: policy.directory) == [URL(fileURLWithPath: claimed[0]).lastPathComponent])
    }

    @Test("after the server removed a form's files, claiming one is an internal error")
    func lateClaim() throws {
        let scratch = try ScratchDirectory()
        let policy = UploadPolicy(directory: scratch.path + "/uploads", maximumSize: 1 << 20)
        let form = try parseForm([try SideloadSample().form.encoded()], policy: policy)
        let file = try #require(form.files.first)
        form.removeUnclaimedFiles()

        #expect(entries(of: policy.directory).isEmpty)
        #expect(throws: HTTPError.self) { try form.claim(file) }
    }

    @Test("a file moved away by the handler is not removed, nor a new file given its name")
    func movedFile() throws {
        let scratch = try ScratchDirectory()
        let policy = UploadPolicy(directory: scratch.path + "/uploads", maximumSize: 1 << 20)
        let form = try parseForm([try SideloadSample().form.encoded()], policy: policy)
        let file = try #require(form.files.first)
        try FileManager.default.moveItem(atPath: file.path, toPath: scratch.path + "/moved")
        try Data("another file".utf8).write(to: URL(fileURLWithPath: file.path))
        form.removeUnclaimedFiles()

        #expect(FileManager.default.fileExists(atPath: scratch.path + "/moved"))
        #expect(FileManager.default.fileExists(atPath: file.path))
        #expect(entries(of: policy.directory).count == 1)
    }

    @Test("a parser dropped before the end of the body removes what it wrote")
    func abandonedParser() throws {
        let scratch = try ScratchDirectory()
        let policy = UploadPolicy(directory: scratch.path + "/uploads", maximumSize: 1 << 20)
        let body = try SideloadSample().form.encoded()
        do {
            let parser = try MultipartParser(
                contentType: "multipart/form-data; boundary=\(testBoundary)",
                policy: policy
            )
            try parser.feed(Array(body.prefix(body.count - 10)))
            #expect(entries(of: policy.directory).count == 2)
        }
        #expect(entries(of: policy.directory).isEmpty)
    }

    /// A malformed body and the error it must produce.
    struct Malformed: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var contentType = "multipart/form-data; boundary=\(testBoundary)"
        var body: String
        var maximumSize = 1 << 20
        var maximumFieldSize = 64
        var maximumParts = 8
        var status = 400
        var message: String
    }

    static let file = "--\(testBoundary)\r\nContent-Disposition: form-data; name=\"snap\"; filename=\"x\"\r\n\r\n"
    static let field = "--\(testBoundary)\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\ninstall\r\n"
    static let end = "\r\n--\(testBoundary)--\r\n"

    static let malformedBodies: [Malformed] = [
        Malformed(
            testDescription: "no boundary parameter",
            contentType: "multipart/form-data",
            body: field,
            message: "multipart/form-data Content-Type has no boundary parameter"
        ),
        Malformed(
            testDescription: "an empty boundary",
            contentType: "multipart/form-data; boundary=\"\"",
            body: field,
            message: "multipart boundary \"\" is invalid"
        ),
        Malformed(
            testDescription: "a boundary of 71 characters",
            contentType: "multipart/form-data; boundary=\(String(repeating: "a", count: 71))",
            body: field,
            message: "multipart boundary \"\(String(repeating: "a", count: 71))\" is invalid"
        ),
        Malformed(
            testDescription: "a boundary with a forbidden character",
            contentType: "multipart/form-data; boundary=a@b",
            body: field,
            message: "multipart boundary \"a@b\" is invalid"
        ),
        Malformed(
            testDescription: "an unterminated quoted boundary",
            contentType: "multipart/form-data; boundary=\"abc",
            body: field,
            message: "cannot parse Content-Type"
        ),
        Malformed(
            testDescription: "another multipart type",
            contentType: "multipart/mixed; boundary=\(testBoundary)",
            body: field,
            message: "Content-Type \"multipart/mixed\" is not multipart/form-data"
        ),
        Malformed(
            testDescription: "an empty body",
            body: "",
            message: "multipart body has no boundary line \"--\(testBoundary)\""
        ),
        Malformed(
            testDescription: "a body that ends in a file part",
            body: file + "partial content",
            message: "multipart body is truncated: it ends before the final boundary"
        ),
        Malformed(
            testDescription: "a body that ends in part headers",
            body: field + "--\(testBoundary)\r\nContent-Disposition: form",
            message: "multipart body is truncated: it ends before the final boundary"
        ),
        Malformed(
            testDescription: "a body that ends after a boundary line",
            body: field + "--\(testBoundary)",
            message: "multipart body is truncated: it ends before the final boundary"
        ),
        Malformed(
            testDescription: "a part without a name",
            body: "--\(testBoundary)\r\nContent-Disposition: form-data; filename=\"x.snap\"\r\n\r\nx" + end,
            message: "multipart part 1 has no name in its Content-Disposition header"
        ),
        Malformed(
            testDescription: "a part with an empty name",
            body: field + "--\(testBoundary)\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nx" + end,
            message: "multipart part 2 has no name in its Content-Disposition header"
        ),
        Malformed(
            testDescription: "a part without Content-Disposition",
            body: "--\(testBoundary)\r\nContent-Type: text/plain\r\n\r\nx" + end,
            message: "multipart part 1 has no Content-Disposition header"
        ),
        Malformed(
            testDescription: "a part that is not form-data",
            body: "--\(testBoundary)\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx" + end,
            message: "multipart part 1 has Content-Disposition \"attachment\", not form-data"
        ),
        Malformed(
            testDescription: "a header line without a colon",
            body: "--\(testBoundary)\r\nContent-Disposition form-data\r\n\r\nx" + end,
            message: "multipart part 1 has a malformed header line \"Content-Disposition form-data\""
        ),
        Malformed(
            testDescription: "a header line ended by LF alone",
            body: "--\(testBoundary)\r\nContent-Disposition: form-data; name=\"a\"\n\r\nx" + end,
            message: "multipart part 1 has a header line that does not end in CRLF"
        ),
        Malformed(
            testDescription: "headers over 8 KiB",
            body: "--\(testBoundary)\r\nX-Padding: \(String(repeating: "p", count: 8 << 10))\r\n\r\nx" + end,
            message: "headers of multipart part 1 exceed 8192 bytes"
        ),
        Malformed(
            testDescription: "a delimiter inside content",
            body: file + "abc\r\n--\(testBoundary)xyz" + end,
            message: "multipart boundary line \"--\(testBoundary)\" is not followed by \"--\" or CRLF"
        ),
        Malformed(
            testDescription: "more parts than allowed",
            body: String(repeating: field, count: 3) + "--\(testBoundary)--",
            maximumParts: 2,
            message: "multipart body has more than 2 parts"
        ),
        Malformed(
            testDescription: "a field over its limit",
            body: "--\(testBoundary)\r\nContent-Disposition: form-data; name=\"big\"\r\n\r\n123456789" + end,
            maximumFieldSize: 8,
            message: "multipart field \"big\" is larger than 8 bytes"
        ),
        Malformed(
            testDescription: "files over the size limit together",
            body: file + "0123456789\r\n" + file + "0123456789" + end,
            maximumSize: 16,
            status: 413,
            message: "uploaded files exceed the limit of 16 bytes"
        ),
    ]

    @Test(
        "a malformed body is refused with a message naming the problem, and leaves no file",
        arguments: malformedBodies
    )
    func malformedBody(_ malformed: Malformed) throws {
        let scratch = try ScratchDirectory()
        let policy = UploadPolicy(
            directory: scratch.path + "/uploads",
            maximumSize: malformed.maximumSize,
            maximumFieldSize: malformed.maximumFieldSize,
            maximumParts: malformed.maximumParts
        )
        let body = Array(malformed.body.utf8)

        for pieces in [[body], body.map { [$0] }] {
            let error = #expect(throws: HTTPError.self) {
                try parseForm(pieces, contentType: malformed.contentType, policy: policy)
            }
            #expect(error?.status == malformed.status)
            let message = error?.body.message ?? ""
            #expect(message.hasPrefix(malformed.message), "\(message)")
            #expect(entries(of: policy.directory).isEmpty)
        }
    }

    @Test("after an error, every later call reports the same error")
    func stickyError() throws {
        let scratch = try ScratchDirectory()
        let policy = UploadPolicy(directory: scratch.path, maximumSize: 4)
        let parser = try MultipartParser(contentType: "multipart/form-data; boundary=\(testBoundary)", policy: policy)
        #expect(throws: HTTPError.uploadTooLarge(limit: 4)) { try parser.feed(Array((Self.file + "12345").utf8)) }
        #expect(throws: HTTPError.uploadTooLarge(limit: 4)) { try parser.feed(Array(Self.end.utf8)) }
        #expect(throws: HTTPError.uploadTooLarge(limit: 4)) { try parser.finish() }
    }
}
