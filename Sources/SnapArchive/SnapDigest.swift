import CCrypto
import Glibc
import SnapPackage

/// The SHA3-384 digest and size of a `.snap` file, as store assertions carry them
/// (`snap-sha3-384`, `snap-size`).
///
/// The digest covers the whole file, padding included. Assertions write it base64url without
/// padding (64 characters); our store's JSON writes it in lower-case hex.
public struct SnapDigest: Equatable, Hashable, Sendable {
    /// The 48 digest bytes.
    public let bytes: [UInt8]
    /// The file length in bytes.
    public let size: UInt64

    /// Wraps digest bytes and a size computed elsewhere.
    public init(bytes: [UInt8], size: UInt64) {
        self.bytes = bytes
        self.size = size
    }

    /// The digest in base64url without padding, as in `snap-sha3-384` headers.
    public var base64URL: String { Base64URL.encode(bytes) }

    /// The digest in lower-case hexadecimal, as `openssl dgst -sha3-384` prints it.
    public var hex: String { Hex.encode(bytes) }

    /// Hashes the file at `path` in 1 MiB chunks, so memory stays constant whatever its size.
    ///
    /// Calls `open(2)`, `read(2)` and OpenSSL's `EVP_DigestInit_ex`/`Update`/`Final_ex` with
    /// `EVP_sha3_384`.
    /// - Throws: `SnapDigestError` naming the file and the failing call.
    public static func ofFile(atPath path: String) throws(SnapDigestError) -> SnapDigest {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            throw SnapDigestError(path: path, reason: "cannot open: \(systemErrorText(code))")
        }
        defer { close(descriptor) }

        let hasher = try SHA3Hasher(path: path)
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        var size: UInt64 = 0
        while true {
            let got = read(descriptor, buffer, chunk)
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else {
                let code = errno
                throw SnapDigestError(path: path, reason: "cannot read: \(systemErrorText(code))")
            }
            if got == 0 { break }
            try hasher.update(UnsafeRawBufferPointer(start: buffer, count: got))
            size += UInt64(got)
        }
        return SnapDigest(bytes: try hasher.finish(), size: size)
    }

    /// Hashes bytes held in memory.
    /// - Throws: `SnapDigestError` when OpenSSL fails.
    public static func of(_ bytes: [UInt8]) throws(SnapDigestError) -> SnapDigest {
        let hasher = try SHA3Hasher(path: "<memory>")
        var failure: SnapDigestError? = nil
        bytes.withUnsafeBytes { buffer in
            do throws(SnapDigestError) { try hasher.update(buffer) } catch { failure = error }
        }
        if let failure { throw failure }
        return SnapDigest(bytes: try hasher.finish(), size: UInt64(bytes.count))
    }
}

/// A failure to compute a digest, naming the file and the cause.
public struct SnapDigestError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file being hashed.
    public let path: String
    /// The cause in words.
    public let reason: String

    public var description: String { "cannot compute the digest of \"\(path)\": \(reason)" }
}

/// The owner of one OpenSSL digest context; `deinit` frees it.
private final class SHA3Hasher {
    private let context: OpaquePointer
    private let path: String

    init(path: String) throws(SnapDigestError) {
        self.path = path
        guard let context = EVP_MD_CTX_new() else {
            throw SnapDigestError(path: path, reason: "EVP_MD_CTX_new failed")
        }
        self.context = context
        guard EVP_DigestInit_ex(context, EVP_sha3_384(), nil) == 1 else {
            throw SnapDigestError(path: path, reason: "EVP_DigestInit_ex with SHA3-384 failed")
        }
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    func update(_ bytes: UnsafeRawBufferPointer) throws(SnapDigestError) {
        guard EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) == 1 else {
            throw SnapDigestError(path: path, reason: "EVP_DigestUpdate failed")
        }
    }

    func finish() throws(SnapDigestError) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &digest, &length) == 1, length == 48 else {
            throw SnapDigestError(path: path, reason: "EVP_DigestFinal_ex failed")
        }
        return Array(digest.prefix(Int(length)))
    }
}

/// Base64 with the URL-safe alphabet (`-`, `_`) and no `=` padding (RFC 4648 section 5).
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            var group = UInt32(bytes[index]) << 16
            if count > 1 { group |= UInt32(bytes[index + 1]) << 8 }
            if count > 2 { group |= UInt32(bytes[index + 2]) }
            for position in 0...count {
                output.append(alphabet[Int((group >> UInt32(18 - 6 * position)) & 0x3f)])
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
