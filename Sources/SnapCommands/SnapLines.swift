/// How snaps and their publishers are written in one-line results and tables.
struct SnapLines {
    let unicode: Bool
    let color: Bool

    /// The mark after a verified (✓ or `**`) or starred (✪ or `*`) publisher. With
    /// colour, other publishers get an empty coloured span, as in the real client.
    func mark(for validation: String) -> String {
        switch validation {
        case "verified": painted(unicode ? "✓" : "**", "\u{1B}[32m")
        case "starred": painted(unicode ? "✪" : "*", "\u{1B}[93m")
        default: painted("", "\u{1B}[32m")
        }
    }

    /// What the real client appends to the Publisher heading: an empty coloured span,
    /// so that the column is as wide as coloured marks make it.
    var headerPadding: String { color ? "\u{1B}[32m\u{1B}[0m" : "" }

    private func painted(_ text: String, _ code: String) -> String {
        color ? code + text + "\u{1B}[0m" : text
    }

    /// `Acme Inc (acme✓)`, or `Acme✓` when the display name only differs in case.
    func publisher(_ publisher: SnapRecord.Publisher) -> String {
        let mark = mark(for: publisher.validation)
        if publisher.displayName.lowercased() == publisher.username.lowercased() {
            return publisher.displayName + mark
        }
        return "\(publisher.displayName) (\(publisher.username)\(mark))"
    }

    /// `acme✓` for the Publisher column; `-` when the snap has no publisher.
    func publisherColumn(_ snap: SnapRecord) -> String {
        guard let publisher = snap.publisher else { return "-" + mark(for: "") }
        return publisher.username + mark(for: publisher.validation)
    }

    /// The result line after an install or refresh, and the notice for a closed channel.
    func done(_ snap: SnapRecord, verb: String) -> String {
        var line = snap.name
        let channel = snap.channel
        if !channel.isEmpty, channel != "stable", channel != "latest/stable" {
            line += " (\(channel.hasPrefix("latest/") ? String(channel.dropFirst(7)) : channel))"
        }
        line += " \(snap.version)"
        if let publisher = snap.publisher {
            line += " from \(self.publisher(publisher))"
        }
        line += " \(verb)\n"
        if !channel.isEmpty, Self.trackAndRisk(snap.trackingChannel) != Self.trackAndRisk(channel) {
            line +=
                "Channel \(snap.trackingChannel) for \(snap.name) is closed; temporarily forwarding to \(channel).\n"
        }
        return line
    }

    /// The track and risk of a channel name; a bare risk is on the `latest` track.
    static func trackAndRisk(_ channel: String) -> [String] {
        let risks: Set<Substring> = ["stable", "candidate", "beta", "edge"]
        let parts = channel.split(separator: "/", omittingEmptySubsequences: false)
        guard !channel.isEmpty else { return ["", ""] }
        if risks.contains(parts[0]) {
            return ["latest", String(parts[0])]
        }
        return [String(parts[0]), parts.count > 1 ? String(parts[1]) : "stable"]
    }

    /// The Notes column: the snap's type, then its state and modes, or `-`.
    static func notes(_ snap: SnapRecord, includingType: Bool = true) -> String {
        var notes: [String] = []
        switch includingType ? snap.type : "" {
        case "base", "kernel", "gadget", "snapd": notes.append(snap.type)
        case "os": notes.append("core")
        default: break
        }
        if snap.status != "active" { notes.append("disabled") }
        if snap.flag("devmode") { notes.append("devmode") }
        if snap.flag("jailmode") { notes.append("jailmode") }
        if snap.confinement == "classic" { notes.append("classic") }
        if snap.flag("trymode") { notes.append("try") }
        if snap.flag("private") { notes.append("private") }
        if !snap.string("broken").isEmpty { notes.append("broken") }
        if snap.flag("ignore-validation") { notes.append("ignore-validation") }
        if !snap.string("cohort-key").isEmpty { notes.append("in-cohort") }
        return notes.isEmpty ? "-" : notes.joined(separator: ",")
    }
}
