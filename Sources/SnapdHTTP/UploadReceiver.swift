/// Feeds one request's `multipart/form-data` body to a ``MultipartParser`` as
/// libmicrohttpd delivers it, and keeps the first error until the body has been read.
///
/// Errors are replied only once the whole body has arrived, as for an oversized body read
/// into memory; the rest of the body is read and dropped meanwhile. A receiver created for
/// a caller who will be refused drops the body without storing anything.
///
/// Concurrency model: only libmicrohttpd's callbacks for the request's connection use a
/// receiver, and libmicrohttpd runs them one at a time (on the pool thread owning the
/// connection, or on the thread stopping the daemon once the pool threads have exited).
/// The handler task gets the finished ``MultipartForm``, never the receiver. That
/// serialisation is what makes `@unchecked Sendable` safe.
final class UploadReceiver: @unchecked Sendable {
    private var parser: MultipartParser?
    private var failure: HTTPError?

    /// Creates a receiver parsing under `policy`, or dropping the body when `discarding`.
    init(contentType: String, policy: UploadPolicy, discarding: Bool) {
        guard !discarding else { return }
        do {
            parser = try MultipartParser(contentType: contentType, policy: policy)
        } catch {
            failure = error
        }
    }

    /// Parses the next piece of the body; after an error, drops it.
    func feed(_ bytes: UnsafeRawBufferPointer) {
        guard let parser else { return }
        do {
            try parser.feed(bytes)
        } catch {
            failure = error
            self.parser = nil
        }
    }

    /// Ends the body: the form (nil when the body was dropped unparsed), or the first error.
    func finish() -> Result<MultipartForm?, HTTPError> {
        if let failure { return .failure(failure) }
        guard let parser else { return .success(nil) }
        self.parser = nil
        do {
            return .success(try parser.finish())
        } catch {
            return .failure(error)
        }
    }

    /// Gives up a body that will never be finished, removing any file written so far.
    func discard() {
        parser = nil
    }
}
