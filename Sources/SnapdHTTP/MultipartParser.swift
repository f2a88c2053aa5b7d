#if canImport(Glibc)
import Glibc
#endif

/// Parses a `multipart/form-data` body (RFC 7578, framed as RFC 2046 section 5.1.1) as it
/// arrives: feed it pieces of any size with ``feed(_:)-([UInt8])``, then call ``finish()``.
///
/// The body is a preamble, then parts, each opened by a boundary line `--BOUNDARY` with
/// optional trailing spaces and CRLF, then the closing line `--BOUNDARY--` and an epilogue;
/// preamble and epilogue are ignored. Each part has header lines, an empty line, then its
/// content, which ends at the CRLF before the next boundary line. A boundary line may be
/// split across any number of pieces. Lines must end in CRLF; a delimiter followed by
/// anything but `--` or optional spaces and CRLF is an error, since RFC 2046 forbids the
/// delimiter inside content.
///
/// A part's `Content-Disposition` must be `form-data` with a `name`. A part with a
/// non-empty `filename` is a file: its content goes straight to a new file in the
/// policy's directory, named by the parser (never after the client's file name). Any other
/// part is a field, held in memory. ``UploadPolicy`` bounds the field size, the number of
/// parts and the total size of the files.
///
/// Errors are ``HTTPError``s: 400 naming the problem for a malformed body or a field or
/// part count over its limit, 413 for files over the size limit, 500 or 507 when a file
/// cannot be written. After an error, or when the parser is dropped before ``finish()``,
/// every file it wrote is removed; after ``finish()`` they belong to the returned form.
///
/// Not thread-safe: one request's pieces are fed from one thread at a time.
public final class MultipartParser {
    private enum Phase {
        /// Before the first boundary line; content is discarded.
        case preamble
        /// Right after a delimiter, reading the rest of its line.
        case delimiterTail(Tail)
        /// Reading a part's header lines.
        case headers
        /// Reading a part's content, up to the next delimiter.
        case content
        /// After the closing boundary line; everything is discarded.
        case epilogue
        /// ``finish()`` returned or an error occurred.
        case done
    }

    /// What follows the delimiter so far: nothing, `-`, spaces, or CR.
    private enum Tail {
        case start
        case dash
        case padding
        case carriageReturn
    }

    /// The head of the part being read.
    private struct PartHead {
        var name: String
        var filename: String?
        var contentType: String?
    }

    private static let carriageReturn = UInt8(ascii: "\r")
    private static let lineFeed = UInt8(ascii: "\n")

    private let policy: UploadPolicy
    /// CRLF, `--` and the boundary: what ends every part's content.
    private let delimiter: [UInt8]
    private var phase = Phase.preamble
    /// How many bytes of ``delimiter`` the input seen so far ends with; they are withheld
    /// until the next bytes tell whether they are content. The body is read as if it began
    /// with CRLF, so that a boundary line at its very start is found like any other.
    private var matched = 2

    private var partCount = 0
    private var headerLine: [UInt8] = []
    private var headerSize = 0
    private var headerFields: [(name: String, value: String)] = []

    private var head: PartHead?
    private var fieldValue: [UInt8] = []
    private var writer: UploadFileWriter?
    private var fileSize = 0
    private var totalFileSize = 0

    private var fields: [MultipartForm.Field] = []
    private var files: [MultipartForm.File] = []
    private var stored: [StoredFile] = []
    private var failure: HTTPError?

    /// Creates a parser for a body of type `contentType`.
    ///
    /// - Parameters:
    ///   - contentType: the request's `Content-Type`: `multipart/form-data` with a
    ///     `boundary` parameter, quoted or not.
    ///   - policy: the directory for file parts and the limits.
    /// - Throws: ``HTTPError`` 400 when the type is not `multipart/form-data` or the
    ///   boundary is missing or invalid.
    public init(contentType: String, policy: UploadPolicy) throws(HTTPError) {
        guard let value = HeaderValue(parsing: contentType) else {
            throw .badRequest("cannot parse Content-Type \"\(contentType)\"")
        }
        guard value.type == "multipart/form-data" else {
            throw .badRequest("Content-Type \"\(value.type)\" is not multipart/form-data")
        }
        guard let boundary = value["boundary"] else {
            throw .badRequest("multipart/form-data Content-Type has no boundary parameter")
        }
        guard Self.isValid(boundary: boundary) else {
            throw .badRequest(
                "multipart boundary \"\(boundary)\" is invalid: RFC 2046 allows 1 to 70 letters, digits, "
                    + "spaces and '()+_,-./:=? characters, not ending in a space"
            )
        }
        self.policy = policy
        self.delimiter = Array("\r\n--\(boundary)".utf8)
    }

    deinit {
        discardFiles()
    }

    /// Parses the next piece of the body.
    ///
    /// - Throws: ``HTTPError`` for a malformed body, a limit exceeded or a file that cannot
    ///   be written; the same error again for every later call.
    public func feed(_ bytes: UnsafeRawBufferPointer) throws(HTTPError) {
        if let failure { throw failure }
        do {
            try consume(bytes)
        } catch {
            fail(error)
            throw error
        }
    }

    /// Parses the next piece of the body.
    ///
    /// - Throws: see ``feed(_:)-(UnsafeRawBufferPointer)``.
    public func feed(_ bytes: [UInt8]) throws(HTTPError) {
        var result = Result<Void, HTTPError>.success(())
        bytes.withUnsafeBytes { buffer in
            result = Result { () throws(HTTPError) in try feed(buffer) }
        }
        try result.get()
    }

    /// Ends the body and returns the form, which from then on owns the files.
    ///
    /// - Throws: ``HTTPError`` 400 when the body held no boundary line or ended before the
    ///   closing one, or the error an earlier ``feed(_:)-([UInt8])`` threw.
    public func finish() throws(HTTPError) -> MultipartForm {
        if let failure { throw failure }
        switch phase {
        case .epilogue:
            phase = .done
            defer { stored = [] }
            return MultipartForm(fields: fields, files: files, stored: stored)
        case .preamble:
            let boundaryLine = String(decoding: delimiter.dropFirst(2), as: UTF8.self)
            fail(.badRequest("multipart body has no boundary line \"\(boundaryLine)\""))
        case .done:
            fail(.internalError("multipart body finished twice"))
        case .delimiterTail, .headers, .content:
            fail(.badRequest("multipart body is truncated: it ends before the final boundary"))
        }
        throw failure ?? .internalError("multipart parser failed without an error")
    }

    /// Dispatches `bytes` to the reader of the current phase until all are consumed.
    private func consume(_ bytes: UnsafeRawBufferPointer) throws(HTTPError) {
        var index = 0
        while index < bytes.count {
            switch phase {
            case .preamble, .content:
                index = try scanContent(bytes, from: index)
            case .delimiterTail(let tail):
                try readDelimiterTail(tail, byte: bytes[index])
                index += 1
            case .headers:
                index = try readHeaders(bytes, from: index)
            case .epilogue:
                return
            case .done:
                throw .internalError("multipart body fed after it was finished")
            }
        }
    }

    /// Passes content on up to the next delimiter, and withholds a delimiter prefix at the
    /// end of `bytes` until more arrives.
    ///
    /// - Returns: the index after the consumed bytes.
    private func scanContent(_ bytes: UnsafeRawBufferPointer, from start: Int) throws(HTTPError) -> Int {
        var position = start

        // A delimiter prefix withheld from the previous piece either completes here or was content.
        if matched > 0 {
            while matched < delimiter.count, position < bytes.count, bytes[position] == delimiter[matched] {
                matched += 1
                position += 1
            }
            if matched == delimiter.count {
                matched = 0
                phase = .delimiterTail(.start)
                return position
            }
            if position == bytes.count { return position }
            // CR starts the delimiter and appears nowhere else in it, so no later byte of the
            // withheld prefix can start another one: it is all content.
            try emitWithheldPrefix()
        }

        // Each CR may start a delimiter; compare what is there.
        let base = bytes.baseAddress.unsafelyUnwrapped
        var searchFrom = position
        while searchFrom < bytes.count {
            guard let found = memchr(base + searchFrom, Int32(Self.carriageReturn), bytes.count - searchFrom) else {
                break
            }
            let candidate = found - UnsafeMutableRawPointer(mutating: base)
            let available = min(delimiter.count, bytes.count - candidate)
            let same = delimiter.withUnsafeBytes { delimiterBytes in
                guard let start = delimiterBytes.baseAddress else { return false }
                return memcmp(base + candidate, start, available) == 0
            }
            guard same else {
                searchFrom = candidate + 1
                continue
            }
            try emit(UnsafeRawBufferPointer(rebasing: bytes[position..<candidate]))
            matched = available
            guard available == delimiter.count else { return bytes.count }
            matched = 0
            phase = .delimiterTail(.start)
            return candidate + available
        }
        try emit(UnsafeRawBufferPointer(rebasing: bytes[position...]))
        return bytes.count
    }

    /// Reads one byte of the line after a delimiter: `--` closes the body, optional spaces
    /// and CRLF open a part.
    private func readDelimiterTail(_ tail: Tail, byte: UInt8) throws(HTTPError) {
        switch (tail, byte) {
        case (.start, UInt8(ascii: "-")):
            phase = .delimiterTail(.dash)
        case (.start, UInt8(ascii: " ")), (.start, UInt8(ascii: "\t")),
            (.padding, UInt8(ascii: " ")), (.padding, UInt8(ascii: "\t")):
            phase = .delimiterTail(.padding)
        case (.start, Self.carriageReturn), (.padding, Self.carriageReturn):
            phase = .delimiterTail(.carriageReturn)
        case (.dash, UInt8(ascii: "-")):
            try endPart()
            phase = .epilogue
        case (.carriageReturn, Self.lineFeed):
            try endPart()
            try beginPart()
        default:
            let boundaryLine = String(decoding: delimiter.dropFirst(2), as: UTF8.self)
            throw .badRequest("multipart boundary line \"\(boundaryLine)\" is not followed by \"--\" or CRLF")
        }
    }

    /// Collects header lines up to the empty line, then opens the part's content.
    ///
    /// - Returns: the index after the consumed bytes.
    private func readHeaders(_ bytes: UnsafeRawBufferPointer, from start: Int) throws(HTTPError) -> Int {
        var position = start
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            headerSize += 1
            guard headerSize <= UploadPolicy.maximumPartHeaderSize else {
                throw .badRequest(
                    "headers of multipart part \(partCount) exceed \(UploadPolicy.maximumPartHeaderSize) bytes"
                )
            }
            guard byte == Self.lineFeed else {
                headerLine.append(byte)
                continue
            }
            guard headerLine.last == Self.carriageReturn else {
                throw .badRequest("multipart part \(partCount) has a header line that does not end in CRLF")
            }
            headerLine.removeLast()
            if headerLine.isEmpty {
                try beginContent()
                return position
            }
            try addHeaderLine()
            headerLine.removeAll(keepingCapacity: true)
        }
        return position
    }

    /// Records one header line; a line starting with a space or tab continues the last one.
    private func addHeaderLine() throws(HTTPError) {
        let line = String(decoding: headerLine, as: UTF8.self)
        if let first = headerLine.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t"),
            let last = headerFields.indices.last
        {
            headerFields[last].value += " " + trimmingSpaces(line[...])
            return
        }
        guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
            throw .badRequest("multipart part \(partCount) has a malformed header line \"\(line)\"")
        }
        headerFields.append(
            (name: trimmingSpaces(line[..<colon]), value: trimmingSpaces(line[line.index(after: colon)...]))
        )
    }

    /// Starts a part after its boundary line.
    private func beginPart() throws(HTTPError) {
        partCount += 1
        guard partCount <= policy.maximumParts else {
            throw .badRequest("multipart body has more than \(policy.maximumParts) parts")
        }
        headerLine.removeAll(keepingCapacity: true)
        headerSize = 0
        headerFields = []
        phase = .headers
    }

    /// Reads the part's name, file name and type from its headers, and opens a file for a
    /// file part.
    private func beginContent() throws(HTTPError) {
        let part = "multipart part \(partCount)"
        guard let raw = headerField("Content-Disposition") else {
            throw .badRequest("\(part) has no Content-Disposition header")
        }
        guard let disposition = HeaderValue(parsing: raw) else {
            throw .badRequest("\(part) has a malformed Content-Disposition header \"\(raw)\"")
        }
        guard disposition.type == "form-data" else {
            throw .badRequest("\(part) has Content-Disposition \"\(disposition.type)\", not form-data")
        }
        guard let name = disposition["name"], !name.isEmpty else {
            throw .badRequest("\(part) has no name in its Content-Disposition header")
        }

        let filename = disposition["filename"].flatMap { $0.isEmpty ? nil : $0 }
        head = PartHead(name: name, filename: filename, contentType: headerField("Content-Type"))
        fieldValue = []
        fileSize = 0
        if filename != nil {
            writer = try UploadFileWriter(inDirectory: policy.directory)
        }
        phase = .content
    }

    /// Closes the part being read, if any, and records it.
    private func endPart() throws(HTTPError) {
        guard let head else { return }
        self.head = nil
        if let writer, let filename = head.filename {
            self.writer = nil
            let file = try writer.finish()
            stored.append(file)
            files.append(
                MultipartForm.File(
                    name: head.name,
                    filename: filename,
                    contentType: head.contentType,
                    path: file.path,
                    size: fileSize
                )
            )
        } else {
            fields.append(MultipartForm.Field(name: head.name, value: fieldValue, contentType: head.contentType))
            fieldValue = []
        }
    }

    /// Passes part content on: to the file, to the field, or nowhere in the preamble.
    private func emit(_ bytes: UnsafeRawBufferPointer) throws(HTTPError) {
        guard !bytes.isEmpty, let head else { return }
        if let writer {
            totalFileSize += bytes.count
            guard totalFileSize <= policy.maximumSize else {
                throw .uploadTooLarge(limit: policy.maximumSize)
            }
            try writer.write(bytes)
            fileSize += bytes.count
        } else {
            guard fieldValue.count + bytes.count <= policy.maximumFieldSize else {
                throw .badRequest("multipart field \"\(head.name)\" is larger than \(policy.maximumFieldSize) bytes")
            }
            fieldValue.append(contentsOf: bytes)
        }
    }

    /// Passes on the delimiter prefix withheld from the previous piece, which was content.
    private func emitWithheldPrefix() throws(HTTPError) {
        let count = matched
        matched = 0
        var result = Result<Void, HTTPError>.success(())
        delimiter.withUnsafeBytes { prefix in
            result = Result { () throws(HTTPError) in try emit(UnsafeRawBufferPointer(rebasing: prefix[..<count])) }
        }
        try result.get()
    }

    /// The value of the current part's first header called `name` (case-insensitive).
    private func headerField(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headerFields.first { $0.name.lowercased() == lowered }?.value
    }

    /// Remembers `error` for later calls and removes every file written.
    private func fail(_ error: HTTPError) {
        failure = error
        phase = .done
        discardFiles()
    }

    private func discardFiles() {
        writer = nil
        for file in stored {
            file.remove()
        }
        stored = []
    }

    /// Whether `boundary` is 1 to 70 of RFC 2046's `bchars`, not ending in a space.
    private static func isValid(boundary: String) -> Bool {
        let allowed = Set("'()+_,-./:=? ".utf8)
        let bytes = Array(boundary.utf8)
        guard (1...70).contains(bytes.count), bytes.last != UInt8(ascii: " ") else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "A")...UInt8(ascii: "Z"):
                true
            default:
                allowed.contains(byte)
            }
        }
    }
}

@available(*, unavailable)
extension MultipartParser: Sendable {}
