import FoundationEssentials
import SnapAPI

/// The maintenance notice the daemon leaves in `/var/lib/snapd/maintenance.json` while it
/// restarts; the client reads it before each request.
public enum Maintenance {
    /// The notice in the file at `path`, or nil when the file is absent or unreadable.
    ///
    /// Only the kinds `daemon-restart` and `system-restart` count, as in the real client.
    public static func read(fromFileAt path: String) -> APIError? {
        guard let data = FileManager.default.contents(atPath: path),
            let notice = try? JSONDecoder().decode(APIError.self, from: data)
        else { return nil }
        guard notice.kind == ErrorKind.daemonRestart || notice.kind == ErrorKind.systemRestart else { return nil }
        return notice
    }
}
