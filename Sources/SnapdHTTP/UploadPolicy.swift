/// How a route receives `multipart/form-data` bodies: streamed as they arrive, small fields
/// kept in memory, file parts written straight to files in ``directory``.
///
/// A route that declares a policy (`Route(.post, "/v2/snaps", access: ..., uploads: policy)`)
/// gets multipart bodies parsed by ``MultipartParser`` while libmicrohttpd delivers them, so
/// the daemon's memory does not grow with the size of a file; the handler finds the result
/// in ``Request/form`` and an empty ``Request/body``. Bodies of other types on the same
/// route are read into memory under the route's ordinary body limit.
///
/// The limits bound what one request may cost: ``maximumSize`` bytes of disk for its files,
/// and at most ``maximumParts`` × ``maximumFieldSize`` bytes of memory for its fields.
public struct UploadPolicy: Sendable, Hashable {
    /// Where file parts are written. Created with mode 0700 when missing (its parent must
    /// exist); the files in it get names of the form `upload-XXXXXX`, never the client's.
    public var directory: String
    /// The most bytes the file parts of one request may hold together; beyond it the
    /// request fails with 413.
    public var maximumSize: Int
    /// The most bytes one field (a part without a file name) may hold; beyond it, 400.
    public var maximumFieldSize: Int
    /// The most parts one body may have; beyond it, 400.
    public var maximumParts: Int

    /// The most bytes of header lines one part may have.
    static let maximumPartHeaderSize = 8 << 10

    /// Creates a policy.
    ///
    /// - Parameters:
    ///   - directory: where file parts are written; created with mode 0700 when missing.
    ///   - maximumSize: the most bytes all file parts of one request may hold together.
    ///   - maximumFieldSize: the most bytes of one field; 64 KiB by default.
    ///   - maximumParts: the most parts of one body; 64 by default.
    public init(directory: String, maximumSize: Int, maximumFieldSize: Int = 64 << 10, maximumParts: Int = 64) {
        self.directory = directory
        self.maximumSize = maximumSize
        self.maximumFieldSize = maximumFieldSize
        self.maximumParts = maximumParts
    }

    /// The largest body that can satisfy every limit: the files, then for every part its
    /// field, its header lines and its boundary line. A body announced with a larger
    /// `Content-Length` is refused with 413 before it is read.
    var largestBody: Int {
        let boundaryLine = 80
        let perPart = maximumFieldSize.saturatingAdd(Self.maximumPartHeaderSize).saturatingAdd(boundaryLine)
        return maximumSize.saturatingAdd(perPart.saturatingMultiply(maximumParts + 1))
    }
}

extension Int {
    /// The sum, or `Int.max` when it would overflow.
    fileprivate func saturatingAdd(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }

    /// The product, or `Int.max` when it would overflow.
    fileprivate func saturatingMultiply(_ other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : product
    }
}
