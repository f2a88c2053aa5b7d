/// Reads HTTP/1.1 replies from a socket: status line, header fields, and a body framed by
/// `Content-Length`, by chunked transfer coding, or by the end of the stream.
struct HTTPResponseReader {
    /// The largest reply accepted, so a broken peer cannot exhaust memory.
    static let maximumSize = 1 << 30

    private let socket: UnixStreamSocket
    private var buffer: [UInt8] = []
    private var position = 0

    init(socket: UnixStreamSocket) {
        self.socket = socket
    }

    /// Reads one reply to a request made with `method`.
    ///
    /// - Returns: the reply, and whether the connection may carry another request.
    mutating func readResponse(
        method: String,
        before deadline: Deadline
    ) throws(ClientError) -> (response: ClientResponse, reusable: Bool) {
        let (status, version) = try readStatusLine(before: deadline)
        let headers = try readFields(before: deadline)
        let response = ClientResponse(status: status, headers: headers, body: [])
        let closing = response.header("Connection")?.lowercased() == "close" || version == "HTTP/1.0"

        var body: [UInt8] = []
        var reusable = !closing
        if method == "HEAD" || status == 204 || status == 304 || (100..<200).contains(status) {
            body = []
        } else if response.header("Transfer-Encoding")?.lowercased().contains("chunked") == true {
            body = try readChunkedBody(before: deadline)
        } else if let lengthText = response.header("Content-Length") {
            guard let length = Int(lengthText), length >= 0, length <= Self.maximumSize else {
                throw .protocolError("invalid Content-Length \"\(lengthText)\" in reply from \(socket.path)")
            }
            body = try readExactly(length, before: deadline)
        } else {
            body = try readToEnd(before: deadline)
            reusable = false
        }
        return (ClientResponse(status: status, headers: headers, body: body), reusable)
    }

    private mutating func readStatusLine(before deadline: Deadline) throws(ClientError) -> (Int, String) {
        let line = try readLine(before: deadline)
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw .protocolError("malformed HTTP status line \"\(line)\" from \(socket.path)")
        }
        return (status, String(parts[0]))
    }

    private mutating func readFields(before deadline: Deadline) throws(ClientError) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        while true {
            let line = try readLine(before: deadline)
            if line.isEmpty { return fields }
            guard let colon = line.firstIndex(of: ":") else {
                throw .protocolError("malformed HTTP header line \"\(line)\" from \(socket.path)")
            }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingSpaces()
            fields.append((name: name, value: value))
        }
    }

    private mutating func readChunkedBody(before deadline: Deadline) throws(ClientError) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let line = try readLine(before: deadline)
            let sizeText = line.split(separator: ";", maxSplits: 1).first.map { $0.trimmingSpaces() } ?? ""
            guard let size = Int(sizeText, radix: 16), size >= 0, body.count + size <= Self.maximumSize else {
                throw .protocolError("malformed chunk size \"\(line)\" in reply from \(socket.path)")
            }
            if size == 0 {
                _ = try readFields(before: deadline)
                return body
            }
            body += try readExactly(size, before: deadline)
            guard try readLine(before: deadline).isEmpty else {
                throw .protocolError("chunk without its line end in reply from \(socket.path)")
            }
        }
    }

    private mutating func readLine(before deadline: Deadline) throws(ClientError) -> String {
        while true {
            if let newline = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > position, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = String(decoding: buffer[position..<end], as: UTF8.self)
                position = newline + 1
                return line
            }
            guard buffer.count - position < 64 << 10 else {
                throw .protocolError("header line too long in reply from \(socket.path)")
            }
            try fill(before: deadline, required: true)
        }
    }

    private mutating func readExactly(_ count: Int, before deadline: Deadline) throws(ClientError) -> [UInt8] {
        while buffer.count - position < count {
            try fill(before: deadline, required: true)
        }
        let bytes = Array(buffer[position..<position + count])
        position += count
        return bytes
    }

    private mutating func readToEnd(before deadline: Deadline) throws(ClientError) -> [UInt8] {
        while try fill(before: deadline, required: false) {}
        defer { position = buffer.count }
        return Array(buffer[position...])
    }

    /// Reads more bytes into the buffer; false at end of stream when `required` is false.
    @discardableResult
    private mutating func fill(before deadline: Deadline, required: Bool) throws(ClientError) -> Bool {
        if position > 0 {
            buffer.removeSubrange(..<position)
            position = 0
        }
        let bytes = try socket.read(upTo: 64 << 10, before: deadline)
        if bytes.isEmpty {
            if required { throw .connection("\(socket.path): connection closed before the reply was complete") }
            return false
        }
        guard buffer.count + bytes.count <= Self.maximumSize else {
            throw .protocolError("reply from \(socket.path) exceeds \(Self.maximumSize) bytes")
        }
        buffer += bytes
        return true
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs.
    fileprivate func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

extension String {
    /// The text without leading and trailing spaces and tabs.
    fileprivate func trimmingSpaces() -> String {
        self[...].trimmingSpaces()
    }
}
