import CSquashFuse

extension SnapImage {
    /// A path resolved to its inode, and the physical path it resolved to.
    struct Resolved {
        var inode: sqfs_inode
        var path: String
    }

    /// Walks `path` from the root, following symlinks inside the image.
    ///
    /// `..` moves to the physical parent, as the kernel does. A symlink with an absolute target,
    /// or one whose `..` climbs above the root, is refused: mounted at `/snap/NAME/REV`, it would
    /// reach into the host.
    /// - Parameters:
    ///   - path: the path inside the image; a leading `/` is ignored.
    ///   - followingFinalSymlink: false to stop at a final symlink, like `lstat(2)`.
    /// - Returns: the inode reached and the physical path it lives at.
    /// - Throws: `entryNotFound`, `symlinkOutsideImage`, `symlinkLoop`, or a corruption error.
    func resolve(_ path: String, followingFinalSymlink: Bool) throws(SnapImageError) -> Resolved {
        let root = try squashFSReader.rootInode()
        var pending = Array(Self.components(of: path).reversed())
        var stack: [(name: String, inode: sqfs_inode)] = []
        var lastSymlink: (path: String, target: String)? = nil
        var hops = 0

        while let name = pending.popLast() {
            if name == "." { continue }
            if name == ".." {
                guard stack.popLast() != nil else {
                    throw outsideImage(path: path, symlink: lastSymlink)
                }
                continue
            }

            let parentPath = stack.map(\.name).joined(separator: "/")
            let here = parentPath.isEmpty ? name : "\(parentPath)/\(name)"
            var inode = try child(named: name, of: stack.last?.inode ?? root, parentPath: parentPath, requested: path)
            guard Self.kind(of: inode) == .symlink, followingFinalSymlink || !pending.isEmpty else {
                stack.append((name, inode))
                continue
            }

            // Replace the symlink by its target's components, relative to the symlink's directory.
            hops += 1
            guard hops <= Self.maximumSymlinkHops else {
                throw SnapImageError(
                    .symlinkLoop,
                    image: self.path,
                    entry: path,
                    reason: "too many levels of symbolic links"
                )
            }
            let target = try squashFSReader.symlinkTarget(of: &inode, entry: here)
            lastSymlink = (here, target)
            guard !target.hasPrefix("/") else {
                throw outsideImage(path: path, symlink: lastSymlink)
            }
            pending.append(contentsOf: Self.components(of: target).reversed())
        }
        return Resolved(inode: stack.last?.inode ?? root, path: stack.map(\.name).joined(separator: "/"))
    }

    /// The inode of `name` inside the directory `parent`.
    private func child(
        named name: String,
        of parent: sqfs_inode,
        parentPath: String,
        requested: String
    ) throws(SnapImageError) -> sqfs_inode {
        var directory = parent
        guard Self.kind(of: directory) == .directory else {
            throw SnapImageError(
                .entryNotFound,
                image: path,
                entry: requested,
                reason: "\"\(parentPath)\" is not a directory"
            )
        }
        let listing = try squashFSReader.directoryEntries(
            of: &directory,
            entry: parentPath.isEmpty ? "." : parentPath,
            limit: Self.defaultEntryLimit
        )
        guard let found = listing.first(where: { $0.name == name }) else {
            throw SnapImageError(.entryNotFound, image: path, entry: requested, reason: "no such file or directory")
        }
        let childPath = parentPath.isEmpty ? name : "\(parentPath)/\(name)"
        return try squashFSReader.inode(found.reference, entry: childPath)
    }

    private func outsideImage(path requested: String, symlink: (path: String, target: String)?) -> SnapImageError {
        guard let symlink else {
            return SnapImageError(.entryNotFound, image: path, entry: requested, reason: "path leaves the image")
        }
        return SnapImageError(
            .symlinkOutsideImage,
            image: path,
            entry: symlink.path,
            reason: "symlink target \"\(symlink.target)\" leads out of the image"
        )
    }

    static func components(of path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    // MARK: - meta/

    /// Checks everything under `meta/`: no FIFO, socket or device node, and no symlink that
    /// leads out of the image or to such a node. A dangling symlink inside the image is allowed.
    ///
    /// snapd reads `meta/` from the image as root before any confinement exists, so these are
    /// refused before a single byte of metadata is trusted.
    /// - Throws: `SnapImageError` naming the image and the offending entry.
    public func checkMetaDirectory() throws(SnapImageError) {
        var meta = try resolve("meta", followingFinalSymlink: true)
        guard Self.kind(of: meta.inode) == .directory else {
            throw SnapImageError(.wrongEntryType, image: path, entry: "meta", reason: "is not a directory")
        }
        let entries = try walk(from: &meta.inode, reference: nil, at: meta.path, limit: Self.defaultEntryLimit)

        for entry in entries {
            if entry.isSpecialFile {
                throw SnapImageError(
                    .specialFile,
                    image: path,
                    entry: entry.path,
                    reason: "is a \(Self.name(of: entry.kind)); meta/ may hold only files, directories and symlinks"
                )
            }
            if entry.kind == .symlink {
                try checkSymlinkInMeta(entry.path)
            }
        }
    }

    private func checkSymlinkInMeta(_ link: String) throws(SnapImageError) {
        let target: Resolved
        do {
            target = try resolve(link, followingFinalSymlink: true)
        } catch  where error.code == .entryNotFound {
            return
        }
        let kind = Self.kind(of: target.inode)
        if ImageEntry(path: link, kind: kind, permissions: 0, size: 0).isSpecialFile {
            throw SnapImageError(
                .specialFile,
                image: path,
                entry: link,
                reason: "symlink leads to a \(Self.name(of: kind)) at \"\(target.path)\""
            )
        }
    }
}
