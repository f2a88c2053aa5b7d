import Foundation
import Testing

/// A directory under /tmp, removed with its contents when the value goes away.
final class ScratchRoot: Sendable {
    let path: String

    init() throws {
        var template = Array("/tmp/snap-cli-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        path = String(cString: created)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Runs `body` on a thread of its own, so that waiting for a child process does not
/// hold one of the few threads the fake daemon's handlers need.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// Both clients' runs of one command against the same script.
struct Comparison {
    var reference: ClientOutput
    var ours: ClientOutput
    var referenceRequests: [RecordedRequest]
    var ourRequests: [RecordedRequest]
}

/// Runs the real client and ours, each against a fresh fake daemon with `rules` under
/// the same scratch root, and expects the same standard output, standard error, exit
/// status and requests.
@discardableResult
func expectSameBehaviour(
    _ arguments: [String],
    _ rules: [Rule],
    environment: [String: String] = [:],
    prepare: (String) throws -> Void = { _ in },
    root given: ScratchRoot? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> Comparison {
    let root = try given ?? ScratchRoot()
    try prepare(root.path)
    let reference = try await runAgainstFake(Clients.reference, arguments, rules, root.path, environment)
    let ours = try await runAgainstFake(Clients.ours, arguments, rules, root.path, environment)

    #expect(ours.output.standardOutput == reference.output.standardOutput, sourceLocation: sourceLocation)
    #expect(ours.output.standardError == reference.output.standardError, sourceLocation: sourceLocation)
    #expect(ours.output.status == reference.output.status, sourceLocation: sourceLocation)
    #expect(ours.requests == reference.requests, sourceLocation: sourceLocation)
    return Comparison(
        reference: reference.output,
        ours: ours.output,
        referenceRequests: reference.requests,
        ourRequests: ours.requests
    )
}

private func runAgainstFake(
    _ binary: String,
    _ arguments: [String],
    _ rules: [Rule],
    _ root: String,
    _ environment: [String: String]
) async throws -> (output: ClientOutput, requests: [RecordedRequest]) {
    let daemon = try FakeDaemon(root: root, rules: rules)
    let output = try await offPool {
        try Clients.run(binary, arguments, root: root, environment: environment, directory: root)
    }
    await daemon.stop()
    return (output, daemon.requests)
}
