/// The name rules snapd applies to snaps, apps, hooks, plugs, aliases and other identifiers.
///
/// Each rule is a hand-written matcher for the regular expression snapd uses, given
/// beside it, so the launch path needs no regular-expression engine.
public enum Identifiers {
    /// A snap name: 2 to 40 of `[a-z0-9-]`, at least one letter, no leading,
    /// trailing or doubled `-`.
    public static func isValidSnapName(_ name: String) -> Bool {
        let count = name.utf8.count
        return count >= 2 && count <= 40 && isSocketStyleName(name)
    }

    /// A snap name without the length limit, as socket names are checked.
    public static func isSocketStyleName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, let last = bytes.last, first != dash, last != dash else { return false }
        var sawLetter = false
        for (index, byte) in bytes.enumerated() {
            if isLowerLetter(byte) {
                sawLetter = true
            } else if byte == dash {
                if index > 0 && bytes[index - 1] == dash { return false }
            } else if !isDigit(byte) {
                return false
            }
        }
        return sawLetter
    }

    /// An instance key: `^[a-z0-9]{1,10}$`.
    public static func isValidInstanceKey(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        return !bytes.isEmpty && bytes.count <= 10 && bytes.allSatisfy { isLowerLetter($0) || isDigit($0) }
    }

    /// An app name: `^[a-zA-Z0-9](?:-?[a-zA-Z0-9])*$`.
    public static func isValidAppName(_ name: String) -> Bool {
        dashSeparated(name, first: isAlphanumeric, rest: isAlphanumeric)
    }

    /// A plug, slot, interface or hook name: `^[a-z](?:-?[a-z0-9])*$`.
    public static func isInterfaceStyleName(_ name: String) -> Bool {
        dashSeparated(name, first: isLowerLetter) { isLowerLetter($0) || isDigit($0) }
    }

    /// A links key: `^[a-zA-Z](?:-?[a-zA-Z0-9])*$`.
    public static func isValidLinksKey(_ key: String) -> Bool {
        dashSeparated(key, first: isLetter, rest: isAlphanumeric)
    }

    /// A provenance: `^[a-zA-Z0-9](?:-?[a-zA-Z0-9])*$`.
    public static func isValidProvenance(_ text: String) -> Bool {
        isValidAppName(text)
    }

    /// A legacy alias: `^[a-zA-Z0-9][-_.a-zA-Z0-9]*$`.
    public static func isValidAlias(_ alias: String) -> Bool {
        let bytes = Array(alias.utf8)
        guard let first = bytes.first, isAlphanumeric(first) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == dash || $0 == 0x5F || $0 == 0x2E }
    }

    /// A system user name: `^[a-z0-9][-a-z0-9+._]*$`.
    public static func isValidSystemUsername(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, isLowerLetter(first) || isDigit(first) else { return false }
        return bytes.allSatisfy {
            isLowerLetter($0) || isDigit($0) || $0 == dash || $0 == 0x2B || $0 == 0x2E || $0 == 0x5F
        }
    }

    /// A snap id: `^[a-z0-9A-Z]{32}$`.
    public static func isValidSnapID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        return bytes.count == 32 && bytes.allSatisfy(isAlphanumeric)
    }

    /// Checks an instance name (`NAME` or `NAME_KEY`), as the daemon does for parallel installs.
    ///
    /// - Throws: `invalid snap name: "X"` or `invalid instance key: "K"` (kind `.definition`).
    public static func validateInstanceName(_ instance: String) throws(SnapYAMLError) {
        let (name, key) = splitInstanceName(instance)
        if !isValidSnapName(name) { throw SnapYAMLError(.definition, "invalid snap name: \(quoted(name))") }
        if let key, !isValidInstanceKey(key) {
            throw SnapYAMLError(.definition, "invalid instance key: \(quoted(key))")
        }
    }

    /// Splits `NAME_KEY` into the snap name and the instance key (nil without `_`).
    public static func splitInstanceName(_ instance: String) -> (name: String, key: String?) {
        guard let underscore = instance.firstIndex(of: "_") else { return (instance, nil) }
        return (String(instance[..<underscore]), String(instance[instance.index(after: underscore)...]))
    }

    /// Matches `^F(?:-?R)*$`: a first byte, then runs of allowed bytes with single dashes between.
    private static func dashSeparated(_ text: String, first: (UInt8) -> Bool, rest: (UInt8) -> Bool) -> Bool {
        let bytes = Array(text.utf8)
        guard let head = bytes.first, first(head), bytes.last != dash else { return false }
        var previousWasDash = false
        for byte in bytes.dropFirst() {
            if byte == dash {
                if previousWasDash { return false }
                previousWasDash = true
            } else if rest(byte) {
                previousWasDash = false
            } else {
                return false
            }
        }
        return true
    }

    private static let dash: UInt8 = 0x2D
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func isLowerLetter(_ byte: UInt8) -> Bool { byte >= 0x61 && byte <= 0x7A }
    static func isUpperLetter(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
    static func isLetter(_ byte: UInt8) -> Bool { isLowerLetter(byte) || isUpperLetter(byte) }
    static func isAlphanumeric(_ byte: UInt8) -> Bool { isLetter(byte) || isDigit(byte) }
}
