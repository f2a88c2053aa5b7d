import FoundationEssentials

#if canImport(Glibc)
import Glibc
#endif

/// The line the real client prints after a command when the daemon reports warnings
/// the user has not seen: newer than the time `snap warnings` last recorded in
/// `~/.snap/warnings.json`, or any at all when that file is absent. Like the real
/// client, the home directory comes from the password database (getpwuid(3)), not
/// `$HOME`, and lies under the root directory.
struct WarningNotice {
    let context: CommandContext

    func printIfNew() {
        let count = context.connection.warningCount
        guard count > 0 else { return }
        if let seen = lastSeen(), let timestamp = context.connection.warningTimestamp,
            let seenTime = HumanTime(rfc3339: seen), let newTime = HumanTime(rfc3339: timestamp),
            newTime.seconds <= seenTime.seconds
        {
            return
        }
        let noun = count == 1 ? "There is 1 new warning" : "There are \(count) new warnings"
        context.console.err("WARNING: \(noun). See 'snap warnings'.\n")
    }

    /// The `timestamp` recorded in `~/.snap/warnings.json`, if any.
    private func lastSeen() -> String? {
        guard let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir else { return nil }
        let home = context.paths.under(String(cString: directory))
        guard let data = FileManager.default.contents(atPath: home + "/.snap/warnings.json"),
            let object = try? JSONDecoder().decode([String: String].self, from: data)
        else { return nil }
        return object["timestamp"]
    }
}
