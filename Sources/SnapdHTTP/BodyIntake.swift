/// How the server receives one request's body, decided when its headers arrive.
enum BodyIntake {
    /// Into memory, up to `limit` bytes (413 beyond).
    case buffered(limit: Int)
    /// Through a ``MultipartParser`` under `policy`; `access` lets the server skip storing
    /// the upload of a caller it will refuse anyway.
    case streamed(UploadPolicy, access: AccessPolicy)
}
