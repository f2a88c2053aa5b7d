import SnapPackage

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
    /// Lines snapd logs (with a timestamp) even when the check passes: missing command files
    /// under `--check-skeleton` (`in snap "N": path "P" does not exist`).
    public var logLines: [String]

    /// Creates metadata for a snap named `name` at `version`.
    public init(
        name: String,
        version: String,
        architectures: [String]? = nil,
        type: SnapType = .app,
        warnings: [String] = [],
        logLines: [String] = []
    ) {
        self.name = name
        self.version = version
        self.architectures = architectures
        self.type = type
        self.warnings = warnings
        self.logLines = logLines
    }

    /// Bases and the legacy `os` snap keep file owners and xattrs as they are on disk.
    public var keepsOwnership: Bool { type == .base || type == .os }
}

/// Runs snapd's checks on a source tree before packing: `SnapDirectory.validate(skeletonOnly:)`
/// (parse, validation, container checks, `meta/snapshots.yaml`), then picks what packing needs.
public struct SnapPackValidator: Sendable {
    /// Creates a validator.
    public init() {}

    /// Validates the tree at `directory`.
    ///
    /// - Parameters:
    ///   - directory: the source tree, as given on the command line.
    ///   - skeletonOnly: true for `--check-skeleton`, where missing command files are allowed.
    /// - Returns: the name, version, architectures, type, warnings and log lines.
    /// - Throws: `SnapPackValidationError` with snapd's reason text and logged lines.
    public func validate(directory: String, skeletonOnly: Bool) throws(SnapPackValidationError) -> PackMetadata {
        let snapDirectory = SnapDirectory(path: directory)
        let info: SnapInfo
        do {
            info = try snapDirectory.validate(skeletonOnly: skeletonOnly)
        } catch {
            throw SnapPackValidationError(reason: Self.goJoined(error.description, directory), details: error.details)
        }

        return PackMetadata(
            name: info.name,
            version: info.version,
            architectures: info.architectures,
            type: info.type,
            warnings: info.badInterfacesSummary.map { [$0] } ?? [],
            logLines: skeletonOnly ? snapDirectory.checkContainer(for: info).missingLines : []
        )
    }

    /// snapd joins paths with Go's `filepath.Join`, which cleans them: the tree `.` gives
    /// `open meta/snap.yaml`, not `open ./meta/snap.yaml`.
    private static func goJoined(_ reason: String, _ directory: String) -> String {
        guard directory.hasSuffix("/") || directory == "." || directory.hasPrefix("./") else { return reason }
        let given = directory.hasSuffix("/") ? directory : directory + "/"
        let cleaned = cleanPath(directory) == "." ? "" : cleanPath(directory) + "/"
        return reason.replacingFirst(" \(given)", with: " \(cleaned)")
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced.
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let start = indices.first(where: { self[$0...].hasPrefix(target) }) else { return self }
        return String(self[..<start]) + replacement + String(self[index(start, offsetBy: target.count)...])
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
