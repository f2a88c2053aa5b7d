import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C while a change is being waited for: the real client then asks the daemon to
/// abort the change and keeps waiting for it to end, so that the user sees how the
/// undo went. Later interrupts are ignored while it waits.
enum Interruption {
    /// Whether SIGINT arrived since ``startCatching()``.
    private static let received = Atomic<Bool>(false)

    /// Catches SIGINT (signal(2)) instead of dying from it, and unblocks it
    /// (pthread_sigmask(3)) in case the parent left it blocked.
    static func startCatching() {
        received.store(false, ordering: .relaxed)
        signal(SIGINT) { _ in Interruption.received.store(true, ordering: .relaxed) }
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Whether SIGINT arrived; reading clears it.
    static func takeReceived() -> Bool {
        received.exchange(false, ordering: .relaxed)
    }
}
