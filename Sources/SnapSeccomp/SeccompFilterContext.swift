import CSeccomp
import SnapSandbox

#if canImport(Glibc)
import Glibc
#endif

/// One libseccomp filter under construction, released when the value goes away.
final class SeccompFilterContext {
    private let handle: scmp_filter_ctx

    init(defaultAction: UInt32) throws(SandboxError) {
        guard let handle = seccomp_init(defaultAction) else {
            throw SandboxError("cannot create a seccomp filter (seccomp_init failed)")
        }
        self.handle = handle
        // A binary search over the syscall numbers keeps the filter short and each check
        // quick, whatever the number of rules.
        _ = seccomp_attr_set(handle, SCMP_FLTATR_CTL_OPTIMIZE, 2)
    }

    deinit {
        seccomp_release(handle)
    }

    /// Adds the 32-bit architecture that runs beside the native one, if there is one.
    func addCompatArchitecture() throws(SandboxError) {
        let native = seccomp_arch_native()
        let compatName: String
        if native == seccomp_arch_resolve_name("x86_64") {
            compatName = "x86"
        } else if native == seccomp_arch_resolve_name("aarch64") {
            compatName = "arm"
        } else {
            return
        }
        let compat = seccomp_arch_resolve_name(compatName)
        let result = seccomp_arch_add(handle, compat)
        guard result == 0 || result == -EEXIST else {
            throw SandboxError("cannot add the \(compatName) architecture to a seccomp filter", errorNumber: -result)
        }
    }

    /// Adds one rule: `action` when `syscall` is called and every comparison holds.
    func addRule(
        action: UInt32,
        syscall: Int32,
        comparisons: [SeccompCompiler.Comparison],
        at location: String
    ) throws(SandboxError) {
        let result = comparisons.map(\.libseccomp).withUnsafeBufferPointer { buffer in
            seccomp_rule_add_array(handle, action, syscall, UInt32(buffer.count), buffer.baseAddress)
        }
        // The same rule twice (the template lists the masked and plain forms of a
        // request, which compile alike) is not an error.
        guard result == 0 || result == -EEXIST else {
            throw SandboxError("\(location): libseccomp refused the rule", errorNumber: -result)
        }
    }

    /// The filter as a classic BPF program (seccomp_export_bpf, through an unnamed
    /// temporary file).
    func exportedProgram() throws(SandboxError) -> [UInt8] {
        guard let file = tmpfile() else {
            throw SandboxError.system("cannot create a temporary file for a seccomp filter")
        }
        defer { fclose(file) }
        let descriptor = fileno(file)
        let result = seccomp_export_bpf(handle, descriptor)
        guard result == 0 else {
            throw SandboxError("cannot export a seccomp filter", errorNumber: -result)
        }
        guard lseek(descriptor, 0, SEEK_SET) == 0 else {
            throw SandboxError.system("cannot rewind an exported seccomp filter")
        }
        var program: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw SandboxError.system("cannot read an exported seccomp filter") }
            if count == 0 { break }
            program.append(contentsOf: chunk[0..<count])
        }
        return program
    }
}
