import StateEngine
import Synchronization

extension SnapdServices {
    /// How long an async reply may wait for its change to finish.
    static let settlingTime: Duration = .milliseconds(100)

    /// Returns when change `id` is finished, or after ``settlingTime``, whichever comes first.
    ///
    /// Routes that start a change call it before replying `202`: most local changes take a
    /// few milliseconds, so the client's first poll then finds the change ready instead of
    /// sleeping through its polling interval. The reply stays asynchronous either way.
    func settle(_ id: Int64) async {
        let engine = self.engine
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let pending = Mutex<CheckedContinuation<Void, Never>?>(continuation)
            let resume = { @Sendable in pending.withLock { $0.take() }?.resume() }
            Task {
                await engine.waitForChange(id)
                resume()
            }
            Task {
                try? await Task.sleep(for: Self.settlingTime)
                resume()
            }
        }
    }
}
