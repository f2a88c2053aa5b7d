import SnapSandbox
import SnapSecurity
import Testing

@testable import SnapSeccomp

#if canImport(Glibc)
import Glibc
#endif

/// One classic BPF instruction of a compiled filter.
struct BPFInstruction {
    var code: UInt16
    var jumpTrue: UInt8
    var jumpFalse: UInt8
    var constant: UInt32

    /// The instructions of `program` (8 bytes each, native byte order).
    static func decode(_ program: [UInt8]) -> [BPFInstruction] {
        stride(from: 0, to: program.count, by: 8).map { offset in
            let word = { (start: Int, count: Int) in
                (0..<count).reduce(UInt32(0)) { $0 | UInt32(program[offset + start + $1]) << (8 * $1) }
            }
            return BPFInstruction(
                code: UInt16(word(0, 2)),
                jumpTrue: program[offset + 2],
                jumpFalse: program[offset + 3],
                constant: word(4, 4)
            )
        }
    }
}

@Suite("Compiling seccomp profiles with libseccomp")
struct SeccompCompilerTests {
    @Test("the compiled default profile has the .bin2 header and sizes")
    func header() throws {
        let bytes = try compiledSampleProfile(.strict)
        #expect(Array(bytes[0..<4]) == [UInt8(ascii: "S"), UInt8(ascii: "C"), 1, 0])
        #expect(bytes[4..<8].allSatisfy { $0 == 0 } && bytes[16..<128].allSatisfy { $0 == 0 })
        let file = try SeccompFilterFile(bytes: bytes, path: "strict.bin2")
        #expect(!file.isUnrestricted)
        #expect(file.allowFilter.count % 8 == 0 && file.denyFilter.count % 8 == 0)
        #expect(file.allowFilter.count <= 32 * 1024 && file.denyFilter.count <= 32 * 1024)
        #expect(bytes.count == 128 + file.allowFilter.count + file.denyFilter.count)
        let allowLength = bytes[8..<12].reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(allowLength == file.allowFilter.count)
    }

    @Test("an unrestricted profile is a bare header with flag bit 0")
    func unrestricted() throws {
        let bytes = try compiledSampleProfile(.classic)
        #expect(bytes.count == 128)
        #expect(Array(bytes[0..<4]) == [UInt8(ascii: "S"), UInt8(ascii: "C"), 1, 1])
        #expect(bytes[4..<128].allSatisfy { $0 == 0 })
        #expect(try SeccompFilterFile(bytes: bytes, path: "classic.bin2").isUnrestricted)
    }

    /// AUDIT_ARCH_X86_64 and AUDIT_ARCH_I386, which a filter compares `seccomp_data.arch` with.
    @Test("both filters check the native and the compat architecture", .enabled(if: isX8664, "x86-64 only"))
    func compatArchitecture() throws {
        let file = try SeccompFilterFile(bytes: try compiledSampleProfile(.strict), path: "strict.bin2")
        for program in [file.allowFilter, file.denyFilter] {
            // BPF_JMP | BPF_JEQ | BPF_K.
            let compared = Set(BPFInstruction.decode(program).filter { $0.code == 0x15 }.map(\.constant))
            #expect(compared.contains(0xc000_003e))
            #expect(compared.contains(0x4000_0003))
        }
    }

    @Test("the filters answer with the right actions")
    func actions() throws {
        func returns(_ confinement: LaunchDescription.Confinement) throws -> (allow: Set<UInt32>, deny: Set<UInt32>) {
            let file = try SeccompFilterFile(bytes: try compiledSampleProfile(confinement), path: "p")
            // BPF_RET | BPF_K.
            let values = { (program: [UInt8]) in
                Set(BPFInstruction.decode(program).filter { $0.code == 0x06 }.map(\.constant))
            }
            return (values(file.allowFilter), values(file.denyFilter))
        }
        let allow: UInt32 = 0x7fff_0000
        let log: UInt32 = 0x7ffc_0000
        let eperm: UInt32 = 0x0005_0000 | UInt32(EPERM)
        let eacces: UInt32 = 0x0005_0000 | UInt32(EACCES)
        let strict = try returns(.strict)
        #expect(strict.allow.isSuperset(of: [allow, eperm]) && !strict.allow.contains(log))
        #expect(strict.deny.isSuperset(of: [allow, eacces]) && !strict.deny.contains(eperm))
        let devmode = try returns(.devmode)
        #expect(devmode.allow.isSuperset(of: [allow, log]) && !devmode.allow.contains(eperm))
        #expect(devmode.deny.contains(log) && !devmode.deny.contains(eacces))
    }

    @Test("unknown syscall names are skipped, repeated rules are accepted")
    func unknownAndRepeated() throws {
        let plain = try SeccompProfileCompiler.compile(source: "read\n")
        #expect(try SeccompProfileCompiler.compile(source: "no_such_syscall_here\nread\n") == plain)
        #expect(try SeccompProfileCompiler.compile(source: "read\nread\n") == plain)
        _ = try SeccompProfileCompiler.compile(source: "read\n~ioctl - TIOCSTI\n~ioctl - 4294967295|TIOCSTI\n")
    }

    @Test("a bad token fails compilation with the file and line")
    func badTokenNamed() {
        #expect {
            _ = try SeccompProfileCompiler.compile(source: "read\nioctl - NOPE\n", named: "snap.x.y.src")
        } throws: { error in
            String(describing: error).hasPrefix("snap.x.y.src:2: argument \"NOPE\"")
        }
    }

    /// Values around each boundary, with and without high bits the kernel drops.
    static let probeValues: [UInt64] = {
        var values: [UInt64] = [0, 1, 2, 18, 19, 20, 0x7fff_ffff, 0x8000_0000, 0xffff_fffe, 0xffff_ffff, 0x5412]
        var seed: UInt64 = 0x9e37_79b9_7f4a_7c15
        for _ in 0..<200 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(seed >> 32)
        }
        return values.flatMap { [$0, $0 | 1 << 32, $0 | 0xffff_ffff_0000_0000] }
    }()

    @Test(
        "every condition holds exactly when it holds for the argument's low 32 bits",
        arguments: [
            SeccompProfile.Condition.equal(0x5412), .notEqual(0x5412), .notEqual(0), .less(20), .less(1),
            .less(0x8000_0000), .lessOrEqual(19), .lessOrEqual(0), .lessOrEqual(0xffff_fffe), .greater(19),
            .greater(0), .greater(0xffff_fffe), .greaterOrEqual(20), .greaterOrEqual(1), .greaterOrEqual(0x8000_0000),
            .maskedEqual(mask: 0o170000, value: 0o10000), .maskedEqual(mask: 0xffff_ffff, value: 0x541c),
        ]
    )
    func lowBitsOnly(condition: SeccompProfile.Condition) {
        let alternatives = SeccompCompiler.alternatives(for: condition, argument: 1)
        for value in Self.probeValues {
            let low = value & 0xffff_ffff
            let expected: Bool
            switch condition {
            case .any: expected = true
            case .equal(let n): expected = low == n
            case .notEqual(let n): expected = low != n
            case .less(let n): expected = low < n
            case .lessOrEqual(let n): expected = low <= n
            case .greater(let n): expected = low > n
            case .greaterOrEqual(let n): expected = low >= n
            case .maskedEqual(let mask, let n): expected = low & mask == n
            }
            let holds = alternatives.map { $0.contains { $0.holds(for: value) } } ?? true
            #expect(holds == expected, "\(condition) on \(String(value, radix: 16))")
        }
    }

    @Test("conditions that always or never hold")
    func degenerate() throws {
        #expect(SeccompCompiler.alternatives(for: .lessOrEqual(0xffff_ffff), argument: 0) == nil)
        #expect(SeccompCompiler.alternatives(for: .greaterOrEqual(0), argument: 0) == nil)
        #expect(SeccompCompiler.alternatives(for: .less(0), argument: 0)?.isEmpty == true)
        // A value beyond 32 bits is meant for a 64-bit argument and compared whole.
        #expect(
            SeccompCompiler.alternatives(for: .equal(1 << 40), argument: 2)
                == [.init(argument: 2, operation: .equal, operand: 1 << 40)]
        )
        let compiler = SeccompCompiler(profile: SeccompProfile(mode: .enforce, rules: []), source: "p")
        let rule = SeccompProfile.Rule(syscall: "kill", conditions: [.notEqual(1), .notEqual(2), .notEqual(3)])
        #expect(throws: SandboxError.self) { try compiler.expansions(of: rule) }
        let pair = SeccompProfile.Rule(syscall: "kill", conditions: [.any, .less(4), .equal(9)])
        #expect(try compiler.expansions(of: pair).count == 1)
    }
}

#if arch(x86_64)
let isX8664 = true
#else
let isX8664 = false
#endif
