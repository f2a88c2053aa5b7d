import Glibc

/// Finds what `mksquashfs` would fail to read in a source tree, before it runs.
///
/// `snap pack` walks the tree first and lists every directory and every non-empty regular file
/// it cannot open, as `- PATH (owner UID:GID mode OOO)`, in lexical order. Symlinks and special
/// files are not opened. A directory that cannot be opened is not descended into.
enum SourceTreeWalk {
    /// The most entries walked; a tree larger than this is left for mksquashfs to judge.
    static let entryLimit = 10_000_000

    /// The unreadable entries of the tree at `root`, formatted as `snap pack` lists them.
    static func unreadableEntries(in root: String) -> [String] {
        var found: [String] = []
        var walked = 0
        walk(root, relative: "", found: &found, walked: &walked)
        return found
    }

    private static func walk(_ directory: String, relative: String, found: inout [String], walked: inout Int) {
        for name in names(in: directory) {
            walked += 1
            guard walked <= entryLimit else { return }
            let path = "\(directory)/\(name)"
            let shown = relative.isEmpty ? name : "\(relative)/\(name)"
            var status = stat()
            guard lstat(path, &status) == 0 else { continue }

            switch status.st_mode & S_IFMT {
            case S_IFDIR:
                guard let handle = opendir(path) else {
                    found.append(describe(shown, status))
                    continue
                }
                closedir(handle)
                walk(path, relative: shown, found: &found, walked: &walked)
            case S_IFREG where status.st_size > 0:
                let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
                guard descriptor >= 0 else {
                    found.append(describe(shown, status))
                    continue
                }
                close(descriptor)
            default:
                continue
            }
        }
    }

    /// The names in a directory, sorted by bytes, without `.` and `..` (`opendir(3)`, `readdir(3)`).
    static func names(in directory: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    private static func describe(_ path: String, _ status: stat) -> String {
        let mode = String(status.st_mode & 0o777, radix: 8)
        let padded = String(repeating: "0", count: max(0, 3 - mode.count)) + mode
        return "\(path) (owner \(status.st_uid):\(status.st_gid) mode \(padded))"
    }
}
