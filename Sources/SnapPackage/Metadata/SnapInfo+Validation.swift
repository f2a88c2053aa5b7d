extension SnapInfo {
    /// Applies snapd's validation rules to a parsed snap, in snapd's order.
    ///
    /// Checks the name, title, description, version, epoch, licence, provenance,
    /// every app, service ordering, aliases, hooks, plug and slot names, the base,
    /// system user names, links, common ids and the layout.
    ///
    /// - Throws: ``SnapYAMLError`` of kind `.validation` with snapd's message for
    ///   the first rule broken, e.g. `cannot validate snap "x": invalid snap name: "x"`.
    public func validate() throws(SnapYAMLError) {
        try validateIdentity()
        for app in apps {
            do throws(SnapYAMLError) {
                try validate(app)
            } catch {
                throw invalid("invalid definition of application \(quoted(app.name)): \(error.reason)")
            }
        }
        try validateServiceOrderCycles()
        try validateAliases()
        try validateHooks()
        try validateInterfaceNames()
        try validateBase()
        for user in systemUsernames where !Identifiers.isValidSystemUsername(user.name) {
            throw invalid("invalid system username \(quoted(user.name))")
        }
        try validateLinks()
        try validateCommonIDs()
        try validateLayout()
    }

    /// A validation error for this snap.
    func invalid(_ reason: String) -> SnapYAMLError {
        SnapYAMLError(.validation(snap: name), reason)
    }

    /// Provenance, name, title, description, version, epoch and licence.
    private func validateIdentity() throws(SnapYAMLError) {
        // snapd checks the provenance before anything else.
        if let provenance {
            if provenance == "global-upload" {
                throw invalid("provenance cannot be set to default (global-upload) explicitly")
            }
            if !Identifiers.isValidProvenance(provenance) { throw invalid("invalid provenance: \(quoted(provenance))") }
        }
        if name.isEmpty { throw invalid("snap name cannot be empty") }
        if !Identifiers.isValidSnapName(name) { throw invalid("invalid snap name: \(quoted(name))") }

        let titleLength = title.unicodeScalars.count
        if titleLength > 40 { throw invalid("title can have up to 40 codepoints, got \(titleLength)") }
        let descriptionLength = description.unicodeScalars.count
        if descriptionLength > 4096 {
            throw invalid("description can have up to 4096 codepoints, got \(descriptionLength)")
        }
        if let problem = Self.versionProblem(version) { throw invalid(problem) }

        do throws(SnapYAMLError) {
            try epoch.check()
        } catch {
            throw invalid(error.reason)
        }
        do throws(SnapYAMLError) {
            if !license.isEmpty { try LicenseExpression.validate(license) }
        } catch {
            throw invalid("cannot validate license \(quoted(license)): \(error.reason)")
        }
    }

    /// snapd's message for an invalid version, or nil when it is valid.
    ///
    /// Valid versions match `^[a-zA-Z0-9](?:[a-zA-Z0-9:.+~-]{0,30}[a-zA-Z0-9+~])?$`.
    public static func versionProblem(_ version: String) -> String? {
        if version.isEmpty { return "invalid snap version: cannot be empty" }
        let bytes = Array(version.utf8)
        let printableASCII = version.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
        guard printableASCII else {
            return "invalid snap version \(quotedASCII(version)): must be printable, non-whitespace ASCII"
        }

        var reasons: [String] = []
        if bytes.count > 32 { reasons.append("cannot be longer than 32 characters (got: \(bytes.count))") }
        if let first = bytes.first, !Identifiers.isAlphanumeric(first) {
            reasons.append("must start with an ASCII alphanumeric (and not '\(Character(Unicode.Scalar(first)))')")
        }
        if bytes.count > 1, let last = bytes.last, !(Identifiers.isAlphanumeric(last) || last == 0x2B || last == 0x7E) {
            reasons.append(
                "must end with an ASCII alphanumeric or one of '+' or '~' (and not '\(Character(Unicode.Scalar(last)))')"
            )
        }
        let allowed: (UInt8) -> Bool = { Identifiers.isAlphanumeric($0) || ":.+~-".utf8.contains($0) }
        // The first and last characters have their own reasons; runs of bad ones in between are listed.
        var runs: [String] = []
        var run = ""
        for byte in bytes.dropFirst().dropLast() {
            if allowed(byte) {
                if !run.isEmpty { runs.append(quoted(run)) }
                run = ""
            } else {
                run.append(Character(Unicode.Scalar(byte)))
            }
        }
        if !run.isEmpty { runs.append(quoted(run)) }
        if !runs.isEmpty { reasons.append("contains invalid characters: \(runs.joined(separator: ", "))") }

        guard !reasons.isEmpty else { return nil }
        return "invalid snap version \(quoted(version)): \(joinedWithAnd(reasons))"
    }

    /// Joins reasons as `a, b, and c` (or `a and b`... snapd writes `a, and b`).
    private static func joinedWithAnd(_ reasons: [String]) -> String {
        guard reasons.count > 1, let last = reasons.last else { return reasons.first ?? "" }
        return reasons.dropLast().joined(separator: ", ") + ", and " + last
    }

    /// Legacy aliases must be well formed.
    private func validateAliases() throws(SnapYAMLError) {
        for app in apps {
            for alias in app.aliases where !Identifiers.isValidAlias(alias) {
                throw invalid(
                    "cannot have \(quoted(alias)) as alias name for app \(quoted(app.name)) - "
                        + "use only letters, digits, dash, underscore and dot characters"
                )
            }
        }
    }

    /// Hook names and their command chains.
    private func validateHooks() throws(SnapYAMLError) {
        for hook in hooks {
            if !Identifiers.isInterfaceStyleName(hook.name) { throw invalid("invalid hook name: \(quoted(hook.name))") }
            for entry in hook.commandChain where !AppInfo.isLegalCommandChainEntry(entry) {
                throw invalid(
                    "hook command-chain contains illegal \(quoted(entry)) (legal: '\(AppInfo.commandChainPattern)')"
                )
            }
        }
    }

    /// Plug, slot and interface names, and no plug and slot sharing a name.
    private func validateInterfaceNames() throws(SnapYAMLError) {
        for (kind, endpoints) in [("plug", plugs), ("slot", slots)] {
            for endpoint in endpoints {
                if !Identifiers.isInterfaceStyleName(endpoint.name) {
                    throw invalid("invalid \(kind) name: \(quoted(endpoint.name))")
                }
                if !Identifiers.isInterfaceStyleName(endpoint.interface) {
                    throw invalid("invalid interface name: \(quoted(endpoint.interface))")
                }
            }
        }
        let slotNames = Set(slots.map(\.name))
        for plug in plugs where slotNames.contains(plug.name) {
            throw invalid("cannot have plug and slot with the same name: \(quoted(plug.name))")
        }
    }

    /// The `base` field: a plain snap name, absent on bases, and `none` means no apps or hooks.
    private func validateBase() throws(SnapYAMLError) {
        if type == .base || type == .os, let base, base != "none" {
            throw invalid("cannot have \"base\" field on \(quoted(type.rawValue)) snap \(quoted(name))")
        }
        guard let base, !base.isEmpty else { return }
        if base == "none" {
            if !apps.isEmpty || !hooks.isEmpty { throw invalid("cannot have apps or hooks with base \"none\"") }
            return
        }
        let (baseName, key) = Identifiers.splitInstanceName(base)
        if key != nil { throw invalid("base cannot specify a snap instance name: \(quoted(base))") }
        if !Identifiers.isValidSnapName(baseName) {
            throw invalid("invalid base name: invalid snap name: \(quoted(base))")
        }
    }

    /// `links`: non-empty lists of http(s) URLs or e-mail addresses (keys are checked while parsing).
    private func validateLinks() throws(SnapYAMLError) {
        for link in links {
            if link.values.isEmpty { throw invalid("\(quoted(link.key)) links cannot be specified and empty") }
            for value in link.values {
                if let problem = Self.linkProblem(value, key: link.key) { throw invalid(problem) }
            }
        }
    }

    /// Why snapd refuses a link, or nil: a URL needs an http or https scheme; text
    /// without a scheme, or with `mailto:`, must be an e-mail address.
    private static func linkProblem(_ value: String, key: String) -> String? {
        if value.isEmpty { return "empty \(quoted(key)) link" }
        let scheme = urlScheme(of: value)
        if scheme == "http" || scheme == "https" { return nil }
        if scheme == nil || scheme == "mailto" {
            let address = scheme == nil ? Substring(value) : value.dropFirst("mailto:".count)
            let parts = address.split(separator: "@", omittingEmptySubsequences: false)
            if parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !address.contains(" ") { return nil }
            return "invalid \(quoted(key)) email address \(quoted(value))"
        }
        return
            "\(quoted(key)) link must have one of http|https schemes or it must be an email address: \(quoted(value))"
    }

    /// A URL scheme as Go's `url.Parse` finds it: letters, digits, `+-.` before the first `:`, starting with a letter.
    private static func urlScheme(of value: String) -> String? {
        guard let colon = value.firstIndex(of: ":") else { return nil }
        let scheme = value[..<colon]
        guard let first = scheme.utf8.first, Identifiers.isLetter(first),
            scheme.utf8.allSatisfy({ Identifiers.isAlphanumeric($0) || "+-.".utf8.contains($0) })
        else { return nil }
        return scheme.lowercased()
    }

    /// Each `common-id` may be used by one app only.
    private func validateCommonIDs() throws(SnapYAMLError) {
        var seen: [String: String] = [:]
        for app in apps where !app.commonID.isEmpty {
            if let other = seen[app.commonID] {
                throw invalid(
                    "application \(quoted(app.name)) common-id \(quoted(app.commonID)) must be unique, "
                        + "already used by application \(quoted(other))"
                )
            }
            seen[app.commonID] = app.name
        }
    }
}
