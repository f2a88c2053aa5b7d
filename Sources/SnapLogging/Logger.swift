#if canImport(Glibc)
import Glibc
#endif

/// A small structured logger with swift-log's shape, using only the standard library
/// so that the launch-path programs can use it too.
///
/// Messages are fixed lower-case phrases; variable data goes in metadata with
/// dotted keys (`snap.name`, `change.id`). Message and metadata are built only
/// when the level is enabled. Library code receives a logger from its caller;
/// only executables create one.
public struct Logger: Sendable {
    /// Severity, from most verbose to most severe.
    public enum Level: Int, Sendable, Comparable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

        /// The syslog priority the systemd journal reads from a `<N>` line prefix (sd-daemon(3)).
        var syslogPriority: Int {
            switch self {
            case .trace, .debug: 7
            case .info: 6
            case .notice: 5
            case .warning: 4
            case .error: 3
            case .critical: 2
            }
        }
    }

    /// Where rendered lines go.
    public typealias Sink = @Sendable (String) -> Void

    /// Names the component that logs, such as `snapd.engine`.
    public let label: String
    /// Lines below this level are dropped before they are built.
    public var level: Level
    /// Key-value pairs added to every line.
    public var metadata: [String: String] = [:]
    private let sink: Sink

    /// Creates a logger writing to `sink`, or to standard error when none is given.
    public init(label: String, level: Level = .info, sink: Sink? = nil) {
        self.label = label
        self.level = level
        self.sink = sink ?? Logger.standardError(journal: getenv("JOURNAL_STREAM") != nil)
    }

    /// A logger that drops everything, for callers that do not care.
    public static let disabled = Logger(label: "disabled", level: .critical, sink: { _ in })

    /// Logs `message` at `level` with extra `metadata`.
    public func log(
        _ level: Level,
        _ message: @autoclosure () -> String,
        metadata extra: @autoclosure () -> [String: String] = [:]
    ) {
        guard level >= self.level else { return }
        var line = "<\(level.syslogPriority)>\(label): \(message())"
        let merged = metadata.merging(extra()) { _, new in new }
        for key in merged.keys.sorted() {
            line += " \(key)=\(Logger.quoted(merged[key] ?? ""))"
        }
        sink(line)
    }

    public func trace(_ message: @autoclosure () -> String, metadata: @autoclosure () -> [String: String] = [:]) {
        log(.trace, message(), metadata: metadata())
    }
    public func debug(_ message: @autoclosure () -> String, metadata: @autoclosure () -> [String: String] = [:]) {
        log(.debug, message(), metadata: metadata())
    }
    public func info(_ message: @autoclosure () -> String, metadata: @autoclosure () -> [String: String] = [:]) {
        log(.info, message(), metadata: metadata())
    }
    public func notice(_ message: @autoclosure () -> String, metadata: @autoclosure () -> [String: String] = [:]) {
        log(.notice, message(), metadata: metadata())
    }
    public func warning(_ message: @autoclosure () -> String, metadata: @autoclosure () -> [String: String] = [:]) {
        log(.warning, message(), metadata: metadata())
    }
    public func error(_ message: @autoclosure () -> String, metadata: @autoclosure () -> [String: String] = [:]) {
        log(.error, message(), metadata: metadata())
    }
    public func critical(_ message: @autoclosure () -> String, metadata: @autoclosure () -> [String: String] = [:]) {
        log(.critical, message(), metadata: metadata())
    }

    /// Quotes a metadata value when it holds spaces, quotes or control characters.
    static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && value.unicodeScalars.allSatisfy { $0.value > 0x20 && $0 != "\"" && $0 != "\\" }
        if plain { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A sink writing whole lines to standard error. Under the journal the `<N>`
    /// prefix carries the priority; elsewhere it is dropped for readability.
    static func standardError(journal: Bool) -> Sink {
        { line in
            var text = journal ? line : String(line.drop { $0 != ">" }.dropFirst())
            text += "\n"
            // One write(2) per line keeps lines from concurrent loggers whole.
            var bytes = Array(text.utf8)
            _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
        }
    }
}
