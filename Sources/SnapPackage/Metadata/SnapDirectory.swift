/// An unpacked snap: a directory holding `meta/snap.yaml` and the files it names.
///
/// This is what `snap pack` checks before building an image, and what `snap try`
/// installs: ``readInfo()`` parses the metadata, ``checkContainer(for:)`` looks at
/// the files snap.yaml references, and ``validate(skeletonOnly:)`` runs every
/// check in snapd's order.
///
/// ```swift
/// let directory = SnapDirectory(path: "/home/me/hello")
/// let info = try directory.validate()
/// ```
public struct SnapDirectory: Sendable, Hashable {
    /// The directory path, as given.
    public var path: String

    /// Names a snap directory.
    public init(path: String) {
        self.path = path
    }

    /// The full path of something inside the directory.
    public func path(of relative: String) -> String {
        path.hasSuffix("/") ? path + relative : path + "/" + relative
    }

    /// Reads and parses `meta/snap.yaml`, with hooks found in `meta/hooks/`.
    ///
    /// - Throws: ``SnapYAMLError``: `.file` when snap.yaml cannot be read
    ///   (`open DIR/meta/snap.yaml: no such file or directory`), else parse errors.
    public func readInfo() throws(SnapYAMLError) -> SnapInfo {
        let bytes = try MetadataFiles.readBytes(at: path(of: "meta/snap.yaml"))
        let hookFiles = MetadataFiles.names(inDirectory: path(of: "meta/hooks"))
        return try SnapInfo.parse(yamlBytes: bytes, hookFiles: hookFiles)
    }

    /// Runs every check `snap pack` makes, in snapd's order: parse, validate,
    /// container checks, then `meta/snapshots.yaml`.
    ///
    /// - Parameter skeletonOnly: Behave like `snap pack --check-skeleton`, which
    ///   tolerates missing command files (bad modes still fail).
    /// - Returns: The validated snap.
    /// - Throws: ``SnapYAMLError`` for the first failure.
    @discardableResult
    public func validate(skeletonOnly: Bool = false) throws(SnapYAMLError) -> SnapInfo {
        let info = try readInfo()
        try info.validate()
        if let error = checkContainer(for: info).error(skeletonOnly: skeletonOnly) { throw error }
        try validateSnapshots()
        return info
    }

    /// Checks `meta/snapshots.yaml`, when present: every `exclude` entry must start
    /// with one of the snap's data variables.
    public func validateSnapshots() throws(SnapYAMLError) {
        let manifest = path(of: "meta/snapshots.yaml")
        guard MetadataFiles.status(at: manifest) != nil else { return }
        let bytes = try MetadataFiles.readBytes(at: manifest)

        let root: YAMLNode?
        do throws(SnapYAMLError) {
            root = try YAMLParser.parse(bytes: bytes)
        } catch {
            throw SnapYAMLError(.file, "cannot read snapshot manifest: \(error.reason)")
        }
        guard let root, !root.isNull else { return }
        let decoder = YAMLDecoder()
        var excludes: [String] = []
        if let mapping = decoder.mapping(root, goType: "snap.SnapshotOptions") {
            excludes = decoder.stringList(mapping["exclude"])
        }
        do throws(SnapYAMLError) {
            try decoder.finish()
        } catch {
            throw SnapYAMLError(.file, "cannot read snapshot manifest: \(error.reason)")
        }

        let variables = ["$SNAP_DATA", "$SNAP_COMMON", "$SNAP_USER_DATA", "$SNAP_USER_COMMON"]
        for entry in excludes where !variables.contains(where: { entry == $0 || entry.hasPrefix($0 + "/") }) {
            let list = variables.map { "\"\($0)\"" }.joined(separator: " ")
            throw SnapYAMLError(.file, "snapshot exclude path must start with one of [\(list)] (got: \(quoted(entry)))")
        }
    }
}
