import Foundation
import Glibc
import SnapSystem
import Testing

@Suite("Copying and removing directory trees", .enabled(if: Host.isRoot, "needs root to chown files and mount tmpfs"))
struct TreeTests {
    let files = FileSystem()

    /// Builds a data tree with every kind of entry the copy must keep.
    private func makeDataTree(in scratch: Scratch) throws -> String {
        let root = try scratch.directory("data/41", mode: 0o750)
        let outside = try scratch.file("outside-secret", "secret")
        try scratch.file("data/41/config", "a=1", mode: 0o640)
        try scratch.file("data/41/bin/tool", "#!/bin/sh\n", mode: 0o4755)
        try scratch.directory("data/41/empty", mode: 0o700)
        try scratch.directory("data/41/deep/er/est")
        try scratch.file("data/41/deep/er/est/leaf", "leaf")
        symlink("config", root + "/relative-link")
        symlink(outside, root + "/outside-link")
        symlink("/nonexistent/target", root + "/dangling")
        link(root + "/config", root + "/deep/hard-link")
        mkfifo(root + "/pipe", 0o620)

        chown(root + "/config", 1234, 5678)
        chown(root + "/bin/tool", 0, 5678)
        chmod(root + "/bin/tool", 0o4755)
        lchown(root + "/relative-link", 4321, 8765)
        chown(root + "/empty", 1000, 1000)
        var times = [
            timespec(tv_sec: 1_000_000_000, tv_nsec: 123_456_789), timespec(tv_sec: 1_100_000_000, tv_nsec: 0),
        ]
        utimensat(AT_FDCWD, root + "/config", &times, 0)
        utimensat(AT_FDCWD, root + "/relative-link", &times, AT_SYMLINK_NOFOLLOW)
        utimensat(AT_FDCWD, root + "/empty", &times, 0)
        utimensat(AT_FDCWD, root + "/deep", &times, 0)
        utimensat(AT_FDCWD, root, &times, 0)
        return root
    }

    /// Every path below `root` with its type, mode, owner, group, size, modification time and
    /// link target or content: what a copy must reproduce.
    private func describe(_ root: String) throws -> [String: String] {
        var result: [String: String] = [:]
        let entries = try FileManager.default.subpathsOfDirectory(atPath: root)
        for relative in [""] + entries {
            let path = relative.isEmpty ? root : root + "/" + relative
            let info = try status(path)
            var text = "\(info.st_mode) \(info.st_uid):\(info.st_gid) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
            switch info.st_mode & S_IFMT {
            case S_IFLNK: text += " -> " + (try FileManager.default.destinationOfSymbolicLink(atPath: path))
            case S_IFREG: text += " " + (try contents(path))
            case S_IFDIR: break
            default: text += " node"
            }
            result[relative] = text
        }
        return result
    }

    @Test("a tree copy keeps modes, owners, times, links, hard links, FIFOs and empty directories")
    func copyTreeKeepsMetadata() throws {
        try withScratch { scratch in
            let source = try makeDataTree(in: scratch)
            let before = try describe(source)
            let destination = scratch("data/42")

            try files.copyTree(at: source, to: destination)
            #expect(try describe(destination) == before)
            #expect(try describe(source) == before)

            // Links stay links, even to outside the tree: nothing outside is copied in.
            #expect(
                try FileManager.default.destinationOfSymbolicLink(atPath: destination + "/outside-link")
                    == scratch("outside-secret")
            )
            #expect(try status(destination + "/config").st_ino == status(destination + "/deep/hard-link").st_ino)
            #expect(try status(destination + "/config").st_ino != status(source + "/config").st_ino)
            #expect(try status(destination + "/bin/tool").st_mode & 0o7777 == 0o4755)
            #expect(try status(destination + "/empty").st_uid == 1000)
        }
    }

    @Test("a tree copy refuses an existing destination and a source that is a symbolic link")
    func copyTreeRefusals() throws {
        try withScratch { scratch in
            let source = try makeDataTree(in: scratch)
            let existing = try scratch.directory("data/42")
            let error = try #require(throws: SystemError.self) { try files.copyTree(at: source, to: existing) }
            #expect(error.errno == EEXIST)

            symlink(source, scratch("link-to-tree"))
            let linked = try #require(throws: SystemError.self) {
                try files.copyTree(at: scratch("link-to-tree"), to: scratch("data/43"))
            }
            #expect(linked.errno == ELOOP || linked.errno == ENOTDIR)
            #expect(access(scratch("data/43"), F_OK) != 0)
        }
    }

    @Test("a tree copy onto a full filesystem reports out of space and leaves the source intact")
    func copyTreeOutOfSpace() throws {
        try withScratch { scratch in
            let source = try makeDataTree(in: scratch)
            try scratch.file("data/41/large", String(repeating: "z", count: 256 * 1024))
            let before = try describe(source)
            let small = try scratch.tmpfs("small", size: 65_536)

            let error = try #require(throws: SystemError.self) { try files.copyTree(at: source, to: small + "/42") }
            #expect(error.isOutOfSpace)
            #expect(error.description.contains(small + "/42"))
            #expect(try describe(source) == before)

            // The partial copy is the caller's to remove.
            try files.removeTree(at: small + "/42")
            #expect(try FileManager.default.contentsOfDirectory(atPath: small).isEmpty)
        }
    }

    @Test("removing a tree removes links, not what they point to")
    func removeTreeKeepsLinkTargets() throws {
        try withScratch { scratch in
            let tree = try makeDataTree(in: scratch)
            let outsideDirectory = try scratch.directory("outside-dir")
            try scratch.file("outside-dir/keep", "keep me")
            symlink(outsideDirectory, tree + "/deep/dir-link")

            try files.removeTree(at: tree)
            #expect(access(tree, F_OK) != 0)
            #expect(try contents(scratch("outside-secret")) == "secret")
            #expect(try contents(scratch("outside-dir/keep")) == "keep me")
            try files.removeTree(at: tree)
        }
    }

    @Test("removing a tree that holds a mount point is refused and the mount survives")
    func removeTreeRefusesMountPoints() throws {
        try withScratch { scratch in
            let tree = try makeDataTree(in: scratch)
            let inner = try scratch.tmpfs("data/41/deep/mounted", size: 65_536)
            try scratch.file("data/41/deep/mounted/inside", "on another filesystem")

            let error = try #require(throws: SystemError.self) { try files.removeTree(at: tree) }
            #expect(error.code == .mountPointInTree)
            #expect(error.paths == [inner])
            #expect(try contents(inner + "/inside") == "on another filesystem")
            #expect(try contents(tree + "/config") == "a=1")
            #expect(mounts(under: inner) == [inner])

            let atRoot = try #require(throws: SystemError.self) { try files.removeTree(at: inner) }
            #expect(atRoot.code == .mountPointInTree)
            #expect(try contents(inner + "/inside") == "on another filesystem")
        }
    }

    @Test("removing a single file or a link to a directory removes only that entry")
    func removeTreeOnLink() throws {
        try withScratch { scratch in
            let target = try scratch.directory("target")
            try scratch.file("target/keep", "x")
            symlink(target, scratch("link"))
            try files.removeTree(at: scratch("link"))
            #expect(access(scratch("link"), F_OK) != 0)
            #expect(try contents(target + "/keep") == "x")
            try files.removeTree(at: target + "/keep")
            #expect(try FileManager.default.contentsOfDirectory(atPath: target).isEmpty)
        }
    }

    @Test("names that are not valid UTF-8 are copied and removed byte for byte")
    func nonUTF8Names() throws {
        try withScratch { scratch in
            let source = try scratch.directory("data/41")
            // "café" in Latin-1: a directory whose name is the byte 0xE9 after "caf", holding a file.
            func rawPath(_ directory: String, _ suffix: String = "") -> [CChar] {
                (Array(directory.utf8) + Array("/caf".utf8) + [0xE9] + Array(suffix.utf8) + [0]).map {
                    CChar(bitPattern: $0)
                }
            }
            try #require(mkdir(rawPath(source), 0o755) == 0)
            let descriptor = open(rawPath(source, "/inner"), O_WRONLY | O_CREAT | O_EXCL, 0o644)
            try #require(descriptor >= 0)
            close(descriptor)

            try files.copyTree(at: source, to: scratch("data/42"))
            #expect(access(rawPath(scratch("data/42"), "/inner"), F_OK) == 0)
            try files.removeTree(at: scratch("data/42"))
            #expect(access(scratch("data/42"), F_OK) != 0)
            try files.removeTree(at: source)
            #expect(access(source, F_OK) != 0)
        }
    }
}
