import Foundation
import Testing

@testable import SnapArchive
@testable import SnapPackage

@Suite("SHA3-384 digests of snap files")
struct DigestTests {
    @Test("the digest of the empty input is the FIPS 202 SHA3-384 value")
    func emptyInput() throws {
        let digest = try SnapDigest.of([])
        #expect(
            digest.hex
                == "0c63a75b845e4f7d01107d852e4c2485c51a50aaaa94fc61995e71bbee983a2ac3713831264adb47fb6bd1e058d5f004"
        )
        #expect(digest.size == 0)
    }

    @Test(
        "hex, base64url and size match openssl for files around the 1 MiB read size",
        arguments: [0, 1, 47, 48, 4096, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 12_345]
    )
    func matchesOpenSSL(size: Int) throws {
        let root = try Fixture.scratch()
        defer { Fixture.remove(root) }
        try Fixture.write(Fixture.randomBytes(size, seed: UInt64(size)), at: "file.snap", in: root)

        let digest = try SnapDigest.ofFile(atPath: root + "/file.snap")
        let hex = try Fixture.run("openssl", ["dgst", "-sha3-384", "-r", root + "/file.snap"])
        #expect(digest.hex == String(hex.output.prefix(96)))
        let base64 = try Fixture.run(
            "sh",
            ["-c", "openssl dgst -sha3-384 -binary \(root)/file.snap | basenc --base64url"]
        )
        #expect(
            digest.base64URL
                == base64.output.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "=", with: "")
        )
        #expect(digest.base64URL.count == 64)
        #expect(digest.size == UInt64(size))
        #expect(try SnapDigest.of(Array(Fixture.randomBytes(size, seed: UInt64(size)))) == digest)
    }

    @Test(
        "the Swift SHA3-384 equals OpenSSL's at every padding boundary of its 104-byte blocks",
        arguments: [0, 1, 102, 103, 104, 105, 207, 208, 209, 4096, 20_000]
    )
    func swiftSHA3MatchesOpenSSL(size: Int) throws {
        let bytes = Array(Fixture.randomBytes(size, seed: UInt64(size) + 7))
        #expect(SHA3.sha384Hex(bytes) == (try SnapDigest.of(bytes).hex))
        #expect(SHA3.sha384(bytes).count == 48)
    }

    @Test("base64url uses - and _ and drops padding")
    func base64URLAlphabet() {
        #expect(Base64URL.encode([0xfb, 0xff]) == "-_8")
        #expect(Base64URL.encode([0x66, 0x6f, 0x6f, 0x62]) == "Zm9vYg")
        #expect(Base64URL.encode([]) == "")
    }

    @Test("a missing file is an error naming the path")
    func missingFile() {
        let error = #expect(throws: SnapDigestError.self) { try SnapDigest.ofFile(atPath: "/nonexistent/x.snap") }
        #expect(
            error?.description.hasPrefix("cannot compute the digest of \"/nonexistent/x.snap\": cannot open: ") == true
        )
    }
}
