import FoundationEssentials

/// The line the real client prints after a command when the daemon reports warnings
/// the user has not seen: newer than the time `snap warnings` last recorded in
/// `~/.snap/warnings.json`, or any at all when that file is absent.
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

    /// The `timestamp` recorded in `$HOME/.snap/warnings.json`, if any.
    private func lastSeen() -> String? {
        guard let home = CommandContext.environment("HOME"),
            let data = FileManager.default.contents(atPath: home + "/.snap/warnings.json"),
            let object = try? JSONDecoder().decode([String: String].self, from: data)
        else { return nil }
        return object["timestamp"]
    }
}
