import CSeccomp
import SnapSandbox

#if canImport(Glibc)
import Glibc
#endif

/// Compiles a parsed ``SeccompProfile`` to the two classic BPF programs of a `.bin2` file,
/// with libseccomp.
///
/// The allow filter holds every rule without `~`: its default action is ERRNO(EPERM), or
/// LOG in complain mode. The deny filter holds the `~` rules, answered with ERRNO(EACCES)
/// (LOG in complain mode), and lets everything else through. Both filters cover the native
/// architecture and its 32-bit compat one (i386 beside x86-64, arm beside arm64), so a
/// 32-bit program meets the same rules, except for the arguments i386's `socketcall`
/// multiplexer keeps in memory (docs/seccomp.md).
///
/// Arguments are compared on their low 32 bits whenever the rule's value fits in 32 bits:
/// the kernel truncates ints, flags, modes, ids and the ioctl request to 32 bits, so a
/// program could otherwise set a high bit to make a 64-bit comparison miss while the kernel
/// still sees the denied value. Equality and masks become a masked comparison with the
/// high word masked off; `!`, `<`, `<=`, `>` and `>=` become a set of masked comparisons of
/// bit prefixes (an argument differs from N when some bit differs; it is below N when, at
/// the highest bit where they differ, N has a 1), which libseccomp ORs together as
/// separate rules.
struct SeccompCompiler {
    let profile: SeccompProfile
    /// The source's name, for messages.
    let source: String

    /// The most libseccomp rules one profile line may expand to.
    static let maximumRulesPerLine = 1024

    /// The largest filter the file format carries.
    static let maximumFilterBytes = 32 * 1024

    /// Compiles both filters.
    ///
    /// - Returns: The allow filter and the deny filter, each an array of 8-byte
    ///   `struct sock_filter` instructions.
    func compile() throws(SandboxError) -> (allow: [UInt8], deny: [UInt8]) {
        let complain = profile.mode == .complain
        let allow = try SeccompFilterContext(defaultAction: complain ? Action.log : Action.errno(EPERM))
        let deny = try SeccompFilterContext(defaultAction: Action.allow)
        try allow.addCompatArchitecture()
        try deny.addCompatArchitecture()

        for rule in profile.rules {
            let number = seccomp_syscall_resolve_name(rule.syscall)
            // Names libseccomp does not know are skipped: profiles may name syscalls of
            // other architectures or kernels.
            guard number != __NR_SCMP_ERROR else { continue }
            let context = rule.isDenial ? deny : allow
            let action = rule.isDenial ? (complain ? Action.log : Action.errno(EACCES)) : Action.allow
            for comparisons in try expansions(of: rule) {
                try context.addRule(
                    action: action,
                    syscall: number,
                    comparisons: comparisons,
                    at: "\(source):\(rule.line): \(rule.syscall)"
                )
            }
        }

        let allowProgram = try allow.exportedProgram()
        let denyProgram = try deny.exportedProgram()
        for (name, program) in [("allow", allowProgram), ("deny", denyProgram)]
        where program.count > Self.maximumFilterBytes {
            throw SandboxError(
                "\(source): the \(name) filter takes \(program.count) bytes, more than the 32 KiB a profile may hold"
            )
        }
        return (allowProgram, denyProgram)
    }

    /// The comparison lists one rule stands for: one list per combination of the
    /// alternatives of each argument's condition. Empty when some condition can never hold.
    func expansions(of rule: SeccompProfile.Rule) throws(SandboxError) -> [[Comparison]] {
        var combinations: [[Comparison]] = [[]]
        for (index, condition) in rule.conditions.enumerated() {
            guard let alternatives = Self.alternatives(for: condition, argument: UInt32(index)) else { continue }
            var next: [[Comparison]] = []
            for combination in combinations {
                for alternative in alternatives { next.append(combination + [alternative]) }
            }
            combinations = next
            guard combinations.count <= Self.maximumRulesPerLine else {
                throw SandboxError(
                    "\(source):\(rule.line): \(rule.syscall): the conditions expand to more than "
                        + "\(Self.maximumRulesPerLine) rules"
                )
            }
        }
        return combinations
    }

    /// One argument comparison, as libseccomp's `struct scmp_arg_cmp` holds it.
    struct Comparison: Equatable {
        enum Operation: Equatable {
            case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
            /// `argument & operand == second`.
            case maskedEqual
        }

        var argument: UInt32
        var operation: Operation
        /// The value compared with, or the mask.
        var operand: UInt64
        /// The masked value; 0 for the other operations.
        var second: UInt64 = 0

        /// Whether the comparison holds for a 64-bit argument value.
        func holds(for value: UInt64) -> Bool {
            switch operation {
            case .equal: return value == operand
            case .notEqual: return value != operand
            case .less: return value < operand
            case .lessOrEqual: return value <= operand
            case .greater: return value > operand
            case .greaterOrEqual: return value >= operand
            case .maskedEqual: return value & operand == second
            }
        }

        var libseccomp: scmp_arg_cmp {
            let operations: [Operation: scmp_compare] = [
                .equal: SCMP_CMP_EQ, .notEqual: SCMP_CMP_NE, .less: SCMP_CMP_LT, .lessOrEqual: SCMP_CMP_LE,
                .greater: SCMP_CMP_GT, .greaterOrEqual: SCMP_CMP_GE, .maskedEqual: SCMP_CMP_MASKED_EQ,
            ]
            return scmp_arg_cmp(
                arg: argument,
                op: operations[operation] ?? SCMP_CMP_EQ,
                datum_a: operand,
                datum_b: second
            )
        }
    }

    /// The comparisons, any one of which makes `condition` hold, or nil when it always holds.
    static func alternatives(for condition: SeccompProfile.Condition, argument: UInt32) -> [Comparison]? {
        let low: UInt64 = 0xffff_ffff
        func masked(_ mask: UInt64, _ value: UInt64) -> Comparison {
            Comparison(argument: argument, operation: .maskedEqual, operand: mask, second: value)
        }
        func full(_ operation: Comparison.Operation, _ value: UInt64) -> [Comparison] {
            [Comparison(argument: argument, operation: operation, operand: value)]
        }

        switch condition {
        case .any:
            return nil
        case .equal(let value):
            return value > low ? full(.equal, value) : [masked(low, value)]
        case .maskedEqual(let mask, let value):
            return [masked(mask, value)]
        case .notEqual(let value):
            guard value <= low else { return full(.notEqual, value) }
            return (0..<32).map { bit in masked(1 << bit, ~value & (1 << bit)) }
        case .less(let value):
            guard value <= low else { return full(.less, value) }
            return lessThan(value, masked)
        case .lessOrEqual(let value):
            guard value < low else { return value == low ? nil : full(.lessOrEqual, value) }
            return lessThan(value + 1, masked)
        case .greater(let value):
            guard value <= low else { return full(.greater, value) }
            return greaterThan(value, masked)
        case .greaterOrEqual(let value):
            guard value <= low else { return full(.greaterOrEqual, value) }
            return value == 0 ? nil : greaterThan(value - 1, masked)
        }
    }

    /// `x < value` on 32 bits: for each 1 bit k of `value`, x has 0 there and agrees above.
    private static func lessThan(
        _ value: UInt64,
        _ masked: (UInt64, UInt64) -> Comparison
    ) -> [Comparison] {
        (0..<32).filter { value & (1 << $0) != 0 }.map { bit in
            masked(prefixMask(from: bit), value & prefixMask(from: bit + 1))
        }
    }

    /// `x > value` on 32 bits: for each 0 bit k of `value`, x has 1 there and agrees above.
    private static func greaterThan(
        _ value: UInt64,
        _ masked: (UInt64, UInt64) -> Comparison
    ) -> [Comparison] {
        (0..<32).filter { value & (1 << $0) == 0 }.map { bit in
            masked(prefixMask(from: bit), (value & prefixMask(from: bit + 1)) | (1 << bit))
        }
    }

    /// Bits `bit` to 31.
    private static func prefixMask(from bit: Int) -> UInt64 {
        (0xffff_ffff << UInt64(bit)) & 0xffff_ffff
    }

    /// libseccomp's action values (seccomp.h defines them as macros Swift cannot import).
    enum Action {
        static let allow: UInt32 = 0x7fff_0000
        static let log: UInt32 = 0x7ffc_0000
        static func errno(_ number: Int32) -> UInt32 { 0x0005_0000 | (UInt32(number) & 0xffff) }
    }
}
