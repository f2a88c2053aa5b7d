/// SHA3-384 (FIPS 202) of bytes in memory, in Swift: the daemon fingerprints the security
/// files it writes with it and so needs no cryptography library. It is meant for small
/// inputs; `SnapDigest` (module SnapArchive) digests whole `.snap` files with OpenSSL.
public enum SHA3 {
    /// The 48-byte SHA3-384 digest of `message`.
    public static func sha384(_ message: some Collection<UInt8>) -> [UInt8] {
        digest(message, rate: 104, length: 48)
    }

    /// The lower-case hex SHA3-384 digest of `message`, as `openssl dgst -sha3-384` prints it.
    public static func sha384Hex(_ message: some Collection<UInt8>) -> String {
        Hex.encode(sha384(message))
    }

    /// The sponge: absorbs `rate`-byte blocks of the padded message (SHA3's `01` suffix,
    /// then `10*1`), then squeezes `length` bytes, which must be at most `rate`.
    static func digest(_ message: some Collection<UInt8>, rate: Int, length: Int) -> [UInt8] {
        var padded = Array(message)
        padded.append(0x06)
        padded += repeatElement(0, count: (rate - padded.count % rate) % rate)
        padded[padded.count - 1] |= 0x80

        var state = [UInt64](repeating: 0, count: 25)
        for start in stride(from: 0, to: padded.count, by: rate) {
            for lane in 0..<(rate / 8) {
                var value: UInt64 = 0
                for byte in 0..<8 { value |= UInt64(padded[start + lane * 8 + byte]) << (8 * byte) }
                state[lane] ^= value
            }
            permute(&state)
        }
        return (0..<length).map { UInt8(truncatingIfNeeded: state[$0 / 8] >> (8 * ($0 % 8))) }
    }

    /// Keccak-f[1600]: 24 rounds of theta, rho and pi, chi and iota over 5 x 5 lanes, lane
    /// (x, y) at index x + 5y.
    static func permute(_ state: inout [UInt64]) {
        var columns = [UInt64](repeating: 0, count: 5)
        var moved = [UInt64](repeating: 0, count: 25)
        for round in 0..<24 {
            for x in 0..<5 {
                columns[x] = state[x] ^ state[x + 5] ^ state[x + 10] ^ state[x + 15] ^ state[x + 20]
            }
            for x in 0..<5 {
                let mix = columns[(x + 4) % 5] ^ rotated(columns[(x + 1) % 5], 1)
                for y in 0..<5 { state[x + 5 * y] ^= mix }
            }
            for x in 0..<5 {
                for y in 0..<5 {
                    moved[y + 5 * ((2 * x + 3 * y) % 5)] = rotated(state[x + 5 * y], rotations[x + 5 * y])
                }
            }
            for y in 0..<5 {
                for x in 0..<5 {
                    state[x + 5 * y] =
                        moved[x + 5 * y] ^ (~moved[(x + 1) % 5 + 5 * y] & moved[(x + 2) % 5 + 5 * y])
                }
            }
            state[0] ^= roundConstants[round]
        }
    }

    private static func rotated(_ value: UInt64, _ count: UInt64) -> UInt64 {
        count == 0 ? value : (value << count) | (value >> (64 - count))
    }

    /// The rho step's rotation of lane (x, y), at index x + 5y.
    private static let rotations: [UInt64] = [
        0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
    ]

    /// The iota step's constant of each round.
    private static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
        0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
        0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
        0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]
}
