import Synchronization

/// Which files of a ``MultipartForm`` the server still owns, and deletes.
///
/// Shared by every copy of the form. Concurrency model: the handler may claim from any
/// task while the server removes the rest once the handler returned; both go through one
/// mutex, and files are unlinked outside it.
final class UploadCustody: Sendable {
    private struct State {
        var owned: [String: StoredFile]
        var claimed: Set<String> = []
        var removed = false
    }

    private let state: Mutex<State>

    init(_ stored: [StoredFile]) {
        let owned = Dictionary(stored.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        state = Mutex(State(owned: owned))
    }

    deinit {
        removeUnclaimed()
    }

    /// Gives up the file at `path`; claiming it again does nothing.
    ///
    /// - Throws: ``HTTPError`` 500 when the path is not owned here, or no longer exists
    ///   because the unclaimed files were removed.
    func claim(_ path: String) throws(HTTPError) {
        let claimed = state.withLock { state -> Bool in
            if state.claimed.contains(path) { return true }
            guard !state.removed, state.owned.removeValue(forKey: path) != nil else { return false }
            state.claimed.insert(path)
            return true
        }
        guard claimed else {
            throw HTTPError.internalError("cannot claim uploaded file \(path): it is not owned by this request")
        }
    }

    /// Deletes every file still owned; later claims fail.
    func removeUnclaimed() {
        let files = state.withLock { state in
            state.removed = true
            defer { state.owned.removeAll() }
            return Array(state.owned.values)
        }
        for file in files {
            file.remove()
        }
    }
}
