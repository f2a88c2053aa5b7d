/// The `result` of an error envelope, and the `maintenance` notice: a message, an
/// optional machine-readable kind, and an optional value whose shape depends on the kind.
///
/// The real client prints `message`; it branches on `kind` (`login-required`,
/// `snap-already-installed`, `unsuccessful`...) and reads `value` for some kinds.
/// Empty `kind` and absent `value` are omitted from the JSON.
public struct APIError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The text the client shows to the user.
    public var message: String
    /// A machine-readable kind such as `snap-not-found`, or nil.
    public var kind: String?
    /// Extra data whose shape depends on `kind`, or nil.
    public var value: JSONValue?

    /// Creates an error body.
    public init(message: String, kind: String? = nil, value: JSONValue? = nil) {
        self.message = message
        self.kind = kind
        self.value = value
    }

    /// The message, followed by the kind in parentheses when there is one.
    public var description: String {
        guard let kind, !kind.isEmpty else { return message }
        return "\(message) (\(kind))"
    }

    private enum CodingKeys: String, CodingKey {
        case message, kind, value
    }

    /// Decodes an error body; a missing message reads as empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        message = try container.decodeIfPresent(String.self, forKey: .message) ?? ""
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        value = try container.decodeIfPresent(JSONValue.self, forKey: .value)
    }

    /// Encodes the body, leaving out an empty kind and an absent value.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(message, forKey: .message)
        if let kind, !kind.isEmpty {
            try container.encode(kind, forKey: .kind)
        }
        if let value {
            try container.encode(value, forKey: .value)
        }
    }
}

/// Error kinds the daemon and the client share, spelled as on the wire.
public enum ErrorKind {
    /// Every 401 and 403 the daemon produces; the client adds a login or sudo hint.
    public static let loginRequired = "login-required"
    /// A maintenance notice: the daemon is restarting.
    public static let daemonRestart = "daemon-restart"
    /// A maintenance notice: the system is about to reboot, halt or power off.
    public static let systemRestart = "system-restart"
    /// A snapctl command ran but failed; the value carries its streams and exit code.
    public static let unsuccessful = "unsuccessful"
}
