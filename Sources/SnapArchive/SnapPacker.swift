import Glibc

/// Builds a `.snap` file from a directory the way `snap pack` does: validates the metadata,
/// names the output `NAME_VERSION_ARCH.snap`, and runs `mksquashfs` with the same parameters.
///
/// The `mksquashfs` command line, run from inside the source directory, is the one `snap pack`
/// 2.57.6 runs: `mksquashfs . OUTPUT -noappend -comp xz -no-fragments -no-progress -wildcards
/// -ef EXCLUDES -all-root -no-xattrs`, the last two left out for `type: base` and `type: os`,
/// whose ownership and xattrs must survive. `mksquashfs` honours `SOURCE_DATE_EPOCH`, so with it
/// set two packs of the same tree are byte-identical.
///
/// ```swift
/// let built = try SnapPacker().pack(SnapPacker.Options(sourceDirectory: "hello", targetDirectory: "out"))
/// print("built: \(built)")   // out/hello_1.0_all.snap
/// ```
public struct SnapPacker: Sendable {
    /// What to pack and where; mirrors `snap pack`'s options.
    public struct Options: Equatable, Sendable {
        /// The tree to pack (`.` when omitted on the command line).
        public var sourceDirectory: String
        /// Where to write the snap; the current directory when nil. Created when missing.
        public var targetDirectory: String?
        /// Overrides the output name; relative names are taken inside `targetDirectory`.
        public var filename: String?
        /// `xz` (default) or `lzo`.
        public var compression: String?

        /// Creates options; only the source directory is required.
        public init(
            sourceDirectory: String = ".",
            targetDirectory: String? = nil,
            filename: String? = nil,
            compression: String? = nil
        ) {
            self.sourceDirectory = sourceDirectory
            self.targetDirectory = targetDirectory
            self.filename = filename
            self.compression = compression
        }
    }

    /// Reads and validates `meta/snap.yaml` and the files it names, returning what packing needs.
    public var validator: SnapPackValidator

    /// Creates a packer validating with `validator` (the full snap.yaml validation by default).
    public init(validator: SnapPackValidator = SnapPackValidator()) {
        self.validator = validator
    }

    /// Packs a tree into a `.snap` file.
    ///
    /// - Parameter options: the source, target and naming options.
    /// - Returns: the path of the built snap as `snap pack` prints it after `built: `.
    /// - Throws: `SnapPackError` with the real client's message and exit status.
    public func pack(_ options: Options) throws(SnapPackError) -> String {
        let source = options.sourceDirectory
        if let filename = options.filename, filename.hasPrefix("/"), options.targetDirectory != nil {
            throw SnapPackError(
                .usage,
                message: "you can't specify an absolute filename while also specifying target dir."
            )
        }
        let compression = options.compression.flatMap { $0.isEmpty ? nil : $0 } ?? "xz"
        guard compression == "xz" || compression == "lzo" else {
            throw cannotPack(source, .unsupportedCompression, "cannot use compression \"\(compression)\"")
        }

        let metadata: PackMetadata
        do {
            metadata = try validator.validate(directory: source, skeletonOnly: false)
        } catch {
            throw SnapPackError(
                .invalidMetadata,
                message: "cannot pack \"\(source)\": \(error.reason)",
                details: error.details
            )
        }

        let output = Self.outputPath(options, metadata: metadata)
        try createDirectory(options.targetDirectory, source: source)
        let unreadable = SourceTreeWalk.unreadableEntries(in: source)
        guard unreadable.isEmpty else {
            // Each listed path ends its line, so the message itself ends with a newline.
            let lines = unreadable.map { "- \($0)\n" }.joined()
            throw cannotPack(
                source,
                .unreadableSource,
                "cannot access the following locations in the snap source directory:\n\(lines)"
            )
        }

        try runMksquashfs(
            source: source,
            output: output,
            compression: compression,
            keepOwnership: metadata.keepsOwnership
        )
        return output
    }

    /// Runs every metadata check `pack` runs, without building anything.
    ///
    /// Missing files named by snap.yaml do not fail the check, as with `snap pack --check-skeleton`;
    /// files with wrong permissions do.
    /// - Returns: the metadata; its `logLines` (missing files) and `warnings` (plugs and slots
    ///   dropped as invalid) are for stderr.
    /// - Throws: `SnapPackError` whose message has no `cannot pack` prefix.
    public func checkSkeleton(directory: String) throws(SnapPackError) -> PackMetadata {
        do {
            return try validator.validate(directory: directory, skeletonOnly: true)
        } catch {
            throw SnapPackError(.invalidMetadata, message: error.reason, details: error.details)
        }
    }

    // MARK: - Naming

    /// The default file name: `NAME_VERSION_ARCH.snap`, ARCH being `all` when `architectures` is
    /// absent, its only entry when there is one, `multi` otherwise. The version is used verbatim.
    public static func defaultFilename(for metadata: PackMetadata) -> String {
        let architecture: String
        switch metadata.architectures {
        case .none: architecture = "all"
        case .some(let list) where list.count == 1: architecture = list[0]
        case .some: architecture = "multi"
        }
        return "\(metadata.name)_\(metadata.version)_\(architecture).snap"
    }

    /// The output path as printed: `--filename` or the default name, inside the target directory.
    static func outputPath(_ options: Options, metadata: PackMetadata) -> String {
        let name = options.filename.flatMap { $0.isEmpty ? nil : $0 } ?? defaultFilename(for: metadata)
        guard let target = options.targetDirectory, !name.hasPrefix("/") else { return cleanPath(name) }
        return cleanPath("\(target)/\(name)")
    }

    // MARK: - mksquashfs

    /// The `mksquashfs` arguments after the program name, for a run inside the source directory.
    public static func mksquashfsArguments(
        output: String,
        excludeFile: String,
        compression: String = "xz",
        keepOwnership: Bool = false
    ) -> [String] {
        var arguments = [
            ".", output, "-noappend", "-comp", compression, "-no-fragments", "-no-progress", "-wildcards", "-ef",
            excludeFile,
        ]
        if !keepOwnership {
            arguments += ["-all-root", "-no-xattrs"]
        }
        return arguments
    }

    private func runMksquashfs(source: String, output: String, compression: String, keepOwnership: Bool)
        throws(SnapPackError)
    {
        let excludes = try PackExcludeFile(source: source)
        defer { excludes.remove() }
        let absoluteOutput = output.hasPrefix("/") ? output : cleanPath("\(currentDirectory())/\(output)")
        let child = ChildProcess(
            program: "mksquashfs",
            arguments: Self.mksquashfsArguments(
                output: absoluteOutput,
                excludeFile: excludes.path,
                compression: compression,
                keepOwnership: keepOwnership
            ),
            workingDirectory: source
        )

        let outcome: ChildProcess.Outcome
        do {
            outcome = try child.run()
        } catch {
            let reason =
                error.code == ENOENT
                ? "exec: \"mksquashfs\": executable file not found in $PATH"
                : "exec: \"mksquashfs\": \(goErrorText(error.code))"
            throw cannotPack(source, .mksquashfs, "mksquashfs call failed: \(reason)")
        }
        guard outcome.status == 0 else {
            var text = String(decoding: outcome.output, as: UTF8.self)
            if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
            throw cannotPack(source, .mksquashfs, "mksquashfs call failed: \n-----\n\(text)-----")
        }
        chmod(absoluteOutput, 0o644)
    }

    // MARK: - Helpers

    private func createDirectory(_ directory: String?, source: String) throws(SnapPackError) {
        guard let directory else { return }
        var path = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            path += "/\(component)"
            guard mkdir(path, 0o755) != 0 else { continue }
            let code = errno
            if code != EEXIST {
                throw cannotPack(source, .output, "mkdir \(cleanPath(path)): \(goErrorText(code))")
            }
        }
    }

    private func cannotPack(_ source: String, _ code: SnapPackError.Code, _ reason: String) -> SnapPackError {
        SnapPackError(code, message: "cannot pack \"\(source)\": \(reason)")
    }
}

/// `strerror(3)` text starting in lower case, as Go's error strings print it.
func goErrorText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    let message = String(cString: text)
    return message.prefix(1).lowercased() + message.dropFirst()
}

/// The current working directory (`getcwd(3)`).
func currentDirectory() -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    guard getcwd(&buffer, buffer.count) != nil else { return "." }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Cleans a path lexically as Go's `filepath.Clean` does: no `.`, no doubled or trailing `/`,
/// `..` folded where possible.
func cleanPath(_ path: String) -> String {
    let absolute = path.hasPrefix("/")
    var parts: [Substring] = []
    for part in path.split(separator: "/") {
        if part == "." { continue }
        if part == "..", let last = parts.last, last != ".." {
            parts.removeLast()
        } else if part == "..", absolute {
            continue
        } else {
            parts.append(part)
        }
    }
    let joined = parts.joined(separator: "/")
    if absolute { return "/" + joined }
    return joined.isEmpty ? "." : joined
}
