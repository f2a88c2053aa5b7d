import SnapSandbox

/// Splits an app's `command` into words the way a POSIX shell would without running one:
/// blanks separate words, single quotes keep everything literal, double quotes keep
/// blanks and allow `\"`, `\\`, `\$` escapes, and a backslash outside quotes escapes the
/// next character. No expansion happens here; `$VAR` is expanded per word afterwards.
enum CommandWords {
    static func split(_ command: String, source: String) throws(SandboxError) -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var iterator = command.makeIterator()
        while let character = iterator.next() {
            switch character {
            case " ", "\t", "\n":
                if inWord { words.append(word) }
                word = ""
                inWord = false
            case "'":
                inWord = true
                while true {
                    guard let next = iterator.next() else {
                        throw SandboxError("\(source): command \"\(command)\" has an unterminated single quote")
                    }
                    if next == "'" { break }
                    word.append(next)
                }
            case "\"":
                inWord = true
                while true {
                    guard let next = iterator.next() else {
                        throw SandboxError("\(source): command \"\(command)\" has an unterminated double quote")
                    }
                    if next == "\"" { break }
                    if next == "\\" {
                        guard let escaped = iterator.next() else {
                            throw SandboxError("\(source): command \"\(command)\" ends with a backslash")
                        }
                        if !["\"", "\\", "$", "`"].contains(escaped) { word.append("\\") }
                        word.append(escaped)
                        continue
                    }
                    word.append(next)
                }
            case "\\":
                guard let escaped = iterator.next() else {
                    throw SandboxError("\(source): command \"\(command)\" ends with a backslash")
                }
                inWord = true
                word.append(escaped)
            default:
                inWord = true
                word.append(character)
            }
        }
        if inWord { words.append(word) }
        return words
    }
}
