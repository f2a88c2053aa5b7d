#if canImport(Glibc)
import Glibc
#endif

/// The process environment, read and changed in place (getenv(3), setenv(3)), and the
/// `$VAR` expansion snap-exec applies to the snap's environment and command words.
enum Environment {
    /// Every `NAME=VALUE` of the environment, in order.
    static func entries() -> [String] {
        var result: [String] = []
        var pointer = environ
        // environ(7) may be null after clearenv(3).
        guard Int(bitPattern: pointer) != 0 else { return result }
        while let entry = pointer.pointee {
            result.append(String(cString: entry))
            pointer += 1
        }
        return result
    }

    static func value(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    static func set(_ name: String, _ value: String) {
        setenv(name, value, 1)
    }

    static func unset(_ name: String) {
        unsetenv(name)
    }

    /// Puts back what `snap run` saved from the scrubbing of a privileged exec: each
    /// `SNAP_SAVED_NAME=VALUE` becomes `NAME=VALUE`, and the saved copy goes.
    static func restoreSaved() {
        let prefix = "SNAP_SAVED_"
        for entry in entries() where entry.hasPrefix(prefix) {
            guard let equals = entry.firstIndex(of: "=") else { continue }
            let savedName = String(entry[..<equals])
            let name = String(savedName.dropFirst(prefix.count))
            unset(savedName)
            guard !name.isEmpty else { continue }
            set(name, String(entry[entry.index(after: equals)...]))
        }
    }

    /// Expands `$NAME` and `${NAME}` from the current environment; a variable that is not
    /// set expands to nothing, and a `$` not followed by a name stays as it is.
    static func expand(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        func isNameScalar(_ scalar: Unicode.Scalar, first: Bool) -> Bool {
            scalar == "_" || (scalar >= "A" && scalar <= "Z") || (scalar >= "a" && scalar <= "z")
                || (!first && scalar >= "0" && scalar <= "9")
        }
        while index < scalars.count {
            let scalar = scalars[index]
            guard scalar == "$", index + 1 < scalars.count else {
                output.append(scalar)
                index += 1
                continue
            }
            if scalars[index + 1] == "{", let close = scalars[(index + 2)...].firstIndex(of: "}") {
                var name = String.UnicodeScalarView()
                name.append(contentsOf: scalars[(index + 2)..<close])
                output.append(contentsOf: (value(String(name)) ?? "").unicodeScalars)
                index = close + 1
                continue
            }
            var end = index + 1
            while end < scalars.count, isNameScalar(scalars[end], first: end == index + 1) { end += 1 }
            guard end > index + 1 else {
                output.append(scalar)
                index += 1
                continue
            }
            var name = String.UnicodeScalarView()
            name.append(contentsOf: scalars[(index + 1)..<end])
            output.append(contentsOf: (value(String(name)) ?? "").unicodeScalars)
            index = end
        }
        return String(output)
    }
}
