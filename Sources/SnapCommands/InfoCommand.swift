import SnapAPI
import SnapClient

/// `snap info NAME...` for installed snaps, in the real client's layout.
///
/// The real client also asks the store (`GET /v2/find?name=`) and then shows channels
/// and store details; our daemon has no store lookup yet, so that request is sent as
/// the real client sends it and only an installed snap is shown. A store reply is not
/// rendered.
struct InfoCommand {
    let context: CommandContext

    func run() throws(CommandFailure) {
        let names = context.arguments.positionalValues("snap")
        var shown = 0
        for (index, name) in names.enumerated() {
            if index > 0 { context.console.out("---\n") }
            _ = try? context.connection.get("/v2/find", query: [("name", name)])
            guard let reply = try? context.connection.get("/v2/snaps/\(name)") else {
                guard names.count > 1 else { throw .error("no snap found for \(ErrorReport.quoted(name))") }
                context.console.out("warning: no snap found for \(ErrorReport.quoted(name))\n")
                continue
            }
            context.console.out(render(SnapRecord(json: reply.result)))
            shown += 1
        }
        if shown == 0, names.count > 1 {
            throw .error("no valid snaps given")
        }
    }

    private var verbose: Bool { context.arguments.flag("verbose") }

    /// The whole description of one installed snap.
    private func render(_ snap: SnapRecord) -> String {
        let lines = SnapLines(unicode: context.usesUnicode, color: context.usesColor)
        var table = Table()
        table.padding = 1
        table.minimumWidth = 2

        table.append(["name:", snap.name])
        table.append(["summary:", snap.summary.isEmpty ? "\"\"" : snap.summary])
        if verbose {
            appendHealth(snap, to: &table)
        }
        table.append(["publisher:", snap.publisher.map(lines.publisher) ?? "--"])
        let contact = snap.string("contact")
        if !contact.isEmpty {
            table.append(["contact:", contact.hasPrefix("mailto:") ? String(contact.dropFirst(7)) : contact])
        }
        let license = snap.string("license")
        table.append(["license:", license.isEmpty ? "unset" : license])
        table.append(["description: |"])
        for line in Self.describe(snap.string("description")) {
            table.append([line])
        }
        appendApps(snap, to: &table)
        table.endBlock()
        appendInstallation(snap, to: &table)
        return table.rendered()
    }

    private func appendHealth(_ snap: SnapRecord, to table: inout Table) {
        table.append(["health:"])
        let health = snap.json["health"]
        let status = health?["status"]?.stringValue ?? ""
        let message = health?["message"]?.stringValue ?? ""
        table.append(["  status:", status.isEmpty ? "unknown" : status])
        table.append(["  message:", message.isEmpty && status.isEmpty ? "health has not been set" : message])
    }

    /// `commands:` and `services:`, then the verbose `notes:`, all aligned together.
    private func appendApps(_ snap: SnapRecord, to table: inout Table) {
        let apps = snap.json["apps"]?.arrayValue ?? []
        let commands = apps.filter { ($0["daemon"]?.stringValue ?? "").isEmpty }
        let services = apps.filter { !($0["daemon"]?.stringValue ?? "").isEmpty }

        func qualified(_ app: JSONValue) -> String {
            let name = app["name"]?.stringValue ?? ""
            return name == snap.name ? name : "\(snap.name).\(name)"
        }
        if !commands.isEmpty {
            table.append(["commands:"])
            for app in commands {
                table.append(["  - \(qualified(app))"])
            }
        }
        if !services.isEmpty {
            table.append(["services:"])
            for app in services {
                let enabled = app["enabled"]?.boolValue == true ? "enabled" : "disabled"
                let active = app["active"]?.boolValue == true ? "active" : "inactive"
                let daemon = app["daemon"]?.stringValue ?? ""
                table.append(["  \(qualified(app)):", "\(daemon), \(enabled), \(active)"])
            }
        }
        if verbose {
            table.append(["notes:", ""])
            let notes: [(String, Bool)] = [
                ("private", snap.flag("private")), ("confinement", false), ("devmode", snap.flag("devmode")),
                ("jailmode", snap.flag("jailmode")), ("trymode", snap.flag("trymode")),
                ("enabled", snap.status == "active"), ("broken", !snap.string("broken").isEmpty),
                ("ignore-validation", snap.flag("ignore-validation")),
            ]
            for (name, value) in notes {
                let text = name == "confinement" ? snap.confinement : String(value)
                table.append(["  \(name):", text])
            }
        }
    }

    /// `base:` (verbose), `snap-id:`, `tracking:`, `refresh-date:` and `installed:`.
    private func appendInstallation(_ snap: SnapRecord, to table: inout Table) {
        if verbose, !snap.string("base").isEmpty {
            table.append(["base:", snap.string("base")])
        }
        if !snap.string("id").isEmpty {
            table.append(["snap-id:", snap.string("id")])
        }
        if !snap.trackingChannel.isEmpty {
            table.append(["tracking:", snap.trackingChannel])
        }
        if let installed = HumanTime(rfc3339: snap.string("install-date")) {
            let text = context.arguments.flag("abs-time") ? installed.absolute : installed.relative(to: HumanTime.now())
            table.append(["refresh-date:", text])
        }
        let size = snap.json["installed-size"]?.integerValue ?? 0
        let notes = SnapLines.notes(snap, includingType: false)
        table.append(["installed:", "\(snap.version) (\(snap.revision)) \(Self.size(size)) \(notes)"])
    }

    /// The description indented by two spaces, each line wrapped to at most 77 columns.
    static func describe(_ text: String) -> [String] {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                if !line.isEmpty, 2 + line.count + 1 + word.count > 77 {
                    lines.append("  " + line)
                    line = ""
                }
                line += line.isEmpty ? String(word) : " " + word
            }
            lines.append("  " + line)
        }
        return lines
    }

    /// `65kB`: decimal units, rounded down.
    static func size(_ bytes: Int64) -> String {
        var value = bytes
        for unit in ["B", "kB", "MB", "GB", "TB", "PB"] {
            if value < 1000 { return "\(value)\(unit)" }
            value /= 1000
        }
        return "\(value)EB"
    }
}
