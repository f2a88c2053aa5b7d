import Glibc

/// The temporary `mksquashfs -ef` file listing what `snap pack` leaves out, with `-wildcards`.
///
/// The list is the one `snap pack` 2.57.6 writes: version-control and packaging leftovers only
/// at the top of the tree (a nested `sub/.git` is kept), editor backups and other snaps at any
/// depth (`...` makes a pattern match anywhere). `.snapignore` is excluded but not read.
struct PackExcludeFile {
    /// The patterns, one per line, in mksquashfs wildcard syntax.
    static let contents = """

        # "anchored", only match at top level
        DEBIAN
        .arch-ids
        .arch-inventory
        .bzr
        .bzr-builddeb
        .bzr.backup
        .bzr.tags
        .bzrignore
        .cvsignore
        .git
        .gitattributes
        .gitignore
        .gitmodules
        .hg
        .hgignore
        .hgsigs
        .hgtags
        .shelf
        .svn
        CVS
        DEADJOE
        RCS
        _MTN
        _darcs
        {arch}
        .snapignore

        # "non-anchored", match anywhere
        ... .[#~]*
        ... *.snap
        ... *.click
        ... .*.sw?
        ... *~
        ... ,,*
        """

    /// The file's path.
    let path: String

    /// Writes the list to a new file in `$TMPDIR` (or `/tmp`), created with `mkstemp(3)`.
    /// - Throws: `SnapPackError` naming the source tree when the file cannot be written.
    init(source: String) throws(SnapPackError) {
        let directory = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(directory)/.snap-pack-exclude-XXXXXX".utf8CString)
        let descriptor = mkstemp(&template)
        guard descriptor >= 0 else {
            let code = errno
            throw SnapPackError(
                .output,
                message: "cannot pack \"\(source)\": cannot create the exclude list: \(goErrorText(code))"
            )
        }
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)

        let bytes = Array(Self.contents.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard written == bytes.count else {
            unlink(path)
            throw SnapPackError(.output, message: "cannot pack \"\(source)\": cannot write the exclude list \(path)")
        }
    }

    /// Deletes the file.
    func remove() {
        unlink(path)
    }
}
