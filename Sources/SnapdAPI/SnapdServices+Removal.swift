import SnapManager
import StateEngine

extension SnapdServices {
    /// Refuses the removal of `names` when one of them is a base that another snap, not
    /// removed with it, runs on or is being installed to run on.
    func checkRemovable(_ names: [String]) async throws {
        let (installed, pending) = try await read { database in
            (try InstalledSnap.all(from: database), try ChangeRecord.list(.inProgress, from: database))
        }
        for name in names {
            let users = SnapManager.snapsUsing(base: name, installed: installed, pending: pending, ignoring: Set(names))
            try SnapManager.checkRemovable(name, users: users)
        }
    }
}
