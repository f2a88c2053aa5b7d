/// A `multipart/form-data` body as a route handler sees it: the fields in memory and the
/// file parts on disk, each list in body order.
///
/// File ownership: the server deletes every file of the form once the handler returns,
/// before the reply is sent, except the files the handler claimed with ``claim(_:)``. A
/// claimed file belongs to the handler (or whatever it hands the path to), which must move
/// or delete it. A handler that moves a file without claiming it is safe too: the server
/// only removes the file it created (same device and inode), never what later takes its
/// name. The files are also deleted when the form is dropped, so a form built outside the
/// server (tests, tools) leaves nothing behind either.
///
/// ```swift
/// Route(.post, "/v2/snaps", access: .authenticated, uploads: policy) { request in
///     guard let form = request.form, let snap = form.files(named: "snap").first else { ... }
///     let dangerous = form.value(of: "dangerous") == "true"
///     let path = try form.claim(snap)  // ours now: the install task removes it when done
///     ...
/// }
/// ```
public struct MultipartForm: Sendable {
    /// A part without a file name, held in memory.
    public struct Field: Sendable, Hashable {
        /// The `name` parameter of its `Content-Disposition`.
        public var name: String
        /// The content, as sent.
        public var value: [UInt8]
        /// Its `Content-Type`, or nil when the part had none.
        public var contentType: String?

        /// The content decoded as UTF-8, invalid sequences replaced.
        public var text: String { String(decoding: value, as: UTF8.self) }
    }

    /// A part with a file name, stored in the upload directory.
    public struct File: Sendable, Hashable {
        /// The `name` parameter of its `Content-Disposition` (`snap`).
        public var name: String
        /// The `filename` parameter as the client sent it. Never use it as a path: it is
        /// only what the client calls the file (`hello_1.0_amd64.snap`).
        public var filename: String
        /// Its `Content-Type`, or nil when the part had none.
        public var contentType: String?
        /// Where the content is stored, a name the server chose in the upload directory.
        public var path: String
        /// The content's size in bytes.
        public var size: Int
    }

    /// The fields, in body order.
    public let fields: [Field]
    /// The file parts, in body order.
    public let files: [File]
    let custody: UploadCustody

    init(fields: [Field], files: [File], stored: [StoredFile]) {
        self.fields = fields
        self.files = files
        self.custody = UploadCustody(stored)
    }

    /// The text of the first field called `name`, or nil.
    public func value(of name: String) -> String? {
        fields.first { $0.name == name }?.text
    }

    /// The texts of every field called `name`, in body order.
    public func values(of name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.text)
    }

    /// The file parts called `name`, in body order.
    public func files(named name: String) -> [File] {
        files.filter { $0.name == name }
    }

    /// Takes ownership of `file`: the server will not delete it, and the caller must move
    /// or delete it when done.
    ///
    /// - Returns: the file's path.
    /// - Throws: ``HTTPError`` 500 when `file` is not one of this form's files or was
    ///   already deleted because the handler had returned: both are bugs in the caller.
    @discardableResult
    public func claim(_ file: File) throws(HTTPError) -> String {
        try custody.claim(file.path)
        return file.path
    }

    /// Deletes every file not claimed; later claims fail. The server calls it when the
    /// handler returns.
    func removeUnclaimedFiles() {
        custody.removeUnclaimed()
    }
}
