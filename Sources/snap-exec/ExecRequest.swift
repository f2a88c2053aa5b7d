import SnapSandbox

/// What snap-exec was asked to run: `snap-exec [--shell] [--hook=HOOK] NAME[.APP] ARGS...`.
///
/// Options come first; `--` ends them. With `--hook`, the target is the snap instance
/// (`NAME` or `NAME_KEY`; an `.APP` suffix is ignored); otherwise it is `NAME.APP`, and a
/// plain `NAME` means the app named like the snap.
struct ExecRequest: Equatable {
    var shell = false
    var hook: String?
    var tag: SecurityTag
    var arguments: [String]

    static let usage = "usage: snap-exec [--shell] [--hook=HOOK] NAME.APP [ARGS...]"

    init(arguments: [String]) throws(SandboxError) {
        var rest = arguments[...]
        var shell = false
        var hook: String?
        while let first = rest.first, first.hasPrefix("--") {
            rest.removeFirst()
            if first == "--" { break }
            if first == "--shell" {
                shell = true
            } else if first.hasPrefix("--hook=") {
                hook = String(first.dropFirst("--hook=".count))
            } else {
                throw SandboxError("unknown option \"\(first)\"\n\(Self.usage)")
            }
        }
        guard let target = rest.popFirst(), !target.isEmpty else { throw SandboxError(Self.usage) }
        let instance = target.split(separator: ".", maxSplits: 1).first.map(String.init) ?? target
        if let hook {
            tag = try SecurityTag(instanceName: instance, hook: hook)
        } else {
            let app = target.contains(".") ? String(target.split(separator: ".", maxSplits: 1)[1]) : instance
            let snapName = instance.split(separator: "_").first.map(String.init) ?? instance
            tag = try SecurityTag(instanceName: instance, app: target.contains(".") ? app : snapName)
        }
        self.shell = shell
        self.hook = hook
        self.arguments = Array(rest)
    }
}
