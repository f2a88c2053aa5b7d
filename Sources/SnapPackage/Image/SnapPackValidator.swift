import Glibc

/// What packing needs from a validated snap.yaml: the parts of the output name, whether
/// ownership is kept, and the warnings `--check-skeleton` prints.
public struct PackMetadata: Equatable, Sendable {
    /// The snap name.
    public var name: String
    /// The version, used verbatim in the file name.
    public var version: String
    /// `architectures` as written, or nil when absent.
    public var architectures: [String]?
    /// The snap type.
    public var type: SnapType
    /// Lines for stderr (`snap "N" has bad plugs or slots: ...`).
    public var warnings: [String]

    /// Creates metadata for a snap named `name` at `version`.
    public init(
        name: String,
        version: String,
        architectures: [String]? = nil,
        type: SnapType = .app,
        warnings: [String] = []
    ) {
        self.name = name
        self.version = version
        self.architectures = architectures
        self.type = type
        self.warnings = warnings
    }

    /// Bases and the legacy `os` snap keep file owners and xattrs as they are on disk.
    public var keepsOwnership: Bool { type == .base || type == .os }
}

/// Reads `meta/snap.yaml` from a source tree and runs snapd's parse and validation on it.
public struct SnapPackValidator: Sendable {
    /// The largest snap.yaml read; snapd has no limit, but a tree is not trusted to be sane.
    static let maximumYAMLSize = 16 << 20

    /// Creates a validator.
    public init() {}

    /// Reads and validates `<directory>/meta/snap.yaml`.
    ///
    /// - Parameters:
    ///   - directory: the source tree, as given on the command line.
    ///   - skeletonOnly: true for `--check-skeleton`, where missing command files are allowed.
    /// - Returns: the name, version, architectures, type and warnings.
    /// - Throws: `SnapPackValidationError` with snapd's reason text.
    public func validate(directory: String, skeletonOnly: Bool) throws(SnapPackValidationError) -> PackMetadata {
        let yamlPath = cleanPath("\(directory)/meta/snap.yaml")
        let yaml = try Self.readFile(yamlPath)

        let info: SnapInfo
        do {
            info = try SnapInfo.parse(yaml: yaml)
            try info.validate()
        } catch {
            throw SnapPackValidationError(reason: error.description, details: error.details)
        }

        var warnings: [String] = []
        if !info.badInterfaces.isEmpty {
            let list = info.badInterfaces.map { "\($0.name) (\($0.reason))" }.joined(separator: "; ")
            warnings.append("snap \"\(info.name)\" has bad plugs or slots: \(list)")
        }
        let architectures = yaml.contains("architectures") ? info.architectures : nil
        return PackMetadata(
            name: info.name,
            version: info.version,
            architectures: architectures,
            type: info.type,
            warnings: warnings
        )
    }

    /// Reads a whole file as text, with Go's `open PATH: reason` wording on failure.
    private static func readFile(_ path: String) throws(SnapPackValidationError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            throw SnapPackValidationError(reason: "open \(path): \(goErrorText(code))")
        }
        defer { close(descriptor) }

        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while bytes.count <= maximumYAMLSize {
            let got = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else {
                let code = errno
                throw SnapPackValidationError(reason: "read \(path): \(goErrorText(code))")
            }
            if got == 0 { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(contentsOf: buffer.prefix(got))
        }
        throw SnapPackValidationError(reason: "read \(path): file is larger than \(maximumYAMLSize) bytes")
    }
}

/// Why a source tree's metadata was refused: snapd's reason text and the lines it logs first.
public struct SnapPackValidationError: Error, Equatable, Sendable {
    /// The reason, worded as snapd words it (no `cannot pack` prefix).
    public var reason: String
    /// Lines snapd logs before the error (one per missing or badly permitted file).
    public var details: [String]

    /// Creates an error with a reason and optional detail lines.
    public init(reason: String, details: [String] = []) {
        self.reason = reason
        self.details = details
    }
}
