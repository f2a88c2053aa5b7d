#if canImport(Glibc)
import Glibc
#endif

/// Builds a `multipart/form-data` body (RFC 7578), as the real client sends for
/// `snap install ./file.snap` and `snap try DIR`.
///
/// Fields and files appear in the order added. File contents can be given as bytes or
/// as a path that is read piece by piece while the body is sent chunked, so a large snap
/// never sits in memory whole.
///
/// ```swift
/// var form = MultipartFormData()
/// form.addField(name: "action", value: "install")
/// form.addFile(name: "snap", filename: "hello_1.0_amd64.snap", path: "./hello_1.0_amd64.snap")
/// let request = ClientRequest(method: "POST", path: "/v2/snaps",
///                             headers: [("Content-Type", form.contentType)], body: form.chunkedBody())
/// ```
public struct MultipartFormData: Sendable {
    /// The boundary: 60 random hex digits unless given.
    public let boundary: String
    private var parts: [Part] = []

    private struct Part: Sendable {
        var head: [UInt8]
        var content: Content
    }

    private enum Content: Sendable {
        case bytes([UInt8])
        case file(path: String)
    }

    /// Creates an empty form with `boundary`, or a random one.
    public init(boundary: String? = nil) {
        if let boundary {
            self.boundary = boundary
        } else {
            var generator = SystemRandomNumberGenerator()
            let digits = Array("0123456789abcdef")
            self.boundary = String((0..<60).map { _ in digits[Int(generator.next() % 16)] })
        }
    }

    /// The `Content-Type` header value naming the boundary.
    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// Adds a text field.
    public mutating func addField(name: String, value: String) {
        let head = "Content-Disposition: form-data; name=\"\(Self.quote(name))\"\r\n\r\n"
        parts.append(Part(head: Array(head.utf8), content: .bytes(Array(value.utf8))))
    }

    /// Adds a file part whose contents are `bytes`.
    public mutating func addFile(
        name: String,
        filename: String,
        contentType: String = "application/octet-stream",
        bytes: [UInt8]
    ) {
        parts.append(Part(head: fileHead(name, filename, contentType), content: .bytes(bytes)))
    }

    /// Adds a file part whose contents are read from `path` while the body is produced.
    public mutating func addFile(
        name: String,
        filename: String,
        contentType: String = "application/octet-stream",
        path: String
    ) {
        parts.append(Part(head: fileHead(name, filename, contentType), content: .file(path: path)))
    }

    /// The whole body in memory, for `Content-Length` requests.
    ///
    /// - Throws: ``ClientError/connection(_:)`` when a file part cannot be read.
    public func encoded() throws(ClientError) -> [UInt8] {
        let next = chunkedBodyReader()
        var body: [UInt8] = []
        while let piece = try next() {
            body += piece
        }
        return body
    }

    /// The body as a chunked request body, reading file parts as it goes.
    public func chunkedBody() -> ClientRequest.Body {
        .chunked(chunkedBodyReader())
    }

    /// A closure returning the body piece by piece, then nil.
    private func chunkedBodyReader() -> () throws(ClientError) -> [UInt8]? {
        let producer = BodyProducer(pieces: pieces())
        return { () throws(ClientError) -> [UInt8]? in try producer.next() }
    }

    /// Boundaries and heads as bytes, file contents as paths, in body order.
    private func pieces() -> [Content] {
        var pieces: [Content] = []
        for (index, part) in parts.enumerated() {
            let opening = (index == 0 ? "" : "\r\n") + "--\(boundary)\r\n"
            pieces.append(.bytes(Array(opening.utf8) + part.head))
            pieces.append(part.content)
        }
        pieces.append(.bytes(Array("\r\n--\(boundary)--\r\n".utf8)))
        return pieces
    }

    private func fileHead(_ name: String, _ filename: String, _ contentType: String) -> [UInt8] {
        let disposition = "form-data; name=\"\(Self.quote(name))\"; filename=\"\(Self.quote(filename))\""
        return Array("Content-Disposition: \(disposition)\r\nContent-Type: \(contentType)\r\n\r\n".utf8)
    }

    /// Escapes quotes and backslashes in a quoted parameter, as Go's multipart writer does.
    private static func quote(_ text: String) -> String {
        text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
    }

    /// Hands out the pieces one by one, reading files in 64 KiB pieces.
    private final class BodyProducer {
        private var pieces: [Content]
        private var index = 0
        private var descriptor: Int32 = -1

        init(pieces: [Content]) {
            self.pieces = pieces
        }

        deinit {
            if descriptor >= 0 { close(descriptor) }
        }

        func next() throws(ClientError) -> [UInt8]? {
            while index < pieces.count {
                switch pieces[index] {
                case .bytes(let bytes):
                    index += 1
                    return bytes
                case .file(let path):
                    if let piece = try read(path) { return piece }
                    index += 1
                }
            }
            return nil
        }

        /// The next piece of the file at `path`, or nil at its end.
        private func read(_ path: String) throws(ClientError) -> [UInt8]? {
            if descriptor < 0 {
                descriptor = open(path, O_RDONLY | O_CLOEXEC)
                guard descriptor >= 0 else {
                    throw .connection("cannot open \(path): \(String(cString: strerror(errno)))")
                }
            }
            var buffer = [UInt8](repeating: 0, count: 64 << 10)
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            guard count >= 0 else {
                throw .connection("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            guard count > 0 else {
                close(descriptor)
                descriptor = -1
                return nil
            }
            buffer.removeSubrange(count...)
            return buffer
        }
    }
}
