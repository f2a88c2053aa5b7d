import Foundation
import Glibc
import SnapSystem
import Testing

@Suite("Durable file operations")
struct FileSystemTests {
    let files = FileSystem()

    @Test("a durable copy has the source's content and mode, replaces the destination, leaves no temporary")
    func copyFile() throws {
        try withScratch { scratch in
            let source = try scratch.file("source", String(repeating: "snap data ", count: 50_000), mode: 0o751)
            let destination = try scratch.file("out/destination", "old content", mode: 0o600)

            try files.copyFile(at: source, to: destination)
            #expect(try contents(destination) == contents(source))
            #expect(try status(destination).st_mode & 0o7777 == 0o751)
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch("out")) == ["destination"])
        }
    }

    @Test("copying a directory or a missing file fails naming it")
    func copyFileErrors() throws {
        try withScratch { scratch in
            let directory = try scratch.directory("dir")
            let error = try #require(throws: SystemError.self) { try files.copyFile(at: directory, to: scratch("x")) }
            #expect(error.errno == EISDIR)
            let missing = try #require(throws: SystemError.self) {
                try files.copyFile(at: scratch("absent"), to: scratch("x"))
            }
            #expect(missing.errno == ENOENT)
            #expect(missing.description.contains(scratch("absent")))
            #expect(access(scratch("x"), F_OK) != 0)
        }
    }

    @Test(
        "copying onto a full filesystem is an out-of-space error that leaves nothing behind",
        .enabled(if: Host.isRoot, "needs root to mount a tmpfs")
    )
    func copyFileOutOfSpace() throws {
        try withScratch { scratch in
            let source = try scratch.file("big", String(repeating: "x", count: 1 << 20))
            let small = try scratch.tmpfs("small", size: 65_536)
            let destination = small + "/big"

            let error = try #require(throws: SystemError.self) { try files.copyFile(at: source, to: destination) }
            #expect(error.isOutOfSpace)
            #expect(error.errno == ENOSPC)
            #expect(error.description.contains("No space left on device (ENOSPC)"))
            #expect(error.description.contains(small))
            #expect(try FileManager.default.contentsOfDirectory(atPath: small).isEmpty)
        }
    }

    @Test(
        "free space of a tmpfs matches its size, and a larger need is refused up front",
        .enabled(if: Host.isRoot, "needs root to mount a tmpfs")
    )
    func freeSpace() throws {
        try withScratch { scratch in
            let small = try scratch.tmpfs("small", size: 65_536)
            let space = try files.space(at: small)
            #expect(space.totalBytes == 65_536)
            #expect(space.availableBytes <= space.totalBytes)
            #expect(space.availableBytes > 0)

            try files.requireAvailableSpace(space.availableBytes, at: small)
            let error = try #require(throws: SystemError.self) {
                try files.requireAvailableSpace(space.availableBytes + 1, at: small)
            }
            #expect(error.isOutOfSpace)
            #expect(error.code == .insufficientSpace(needed: space.availableBytes + 1, available: space.availableBytes))
        }
    }

    @Test("a small file is written atomically with its mode, whatever the umask")
    func writeFile() throws {
        try withScratch { scratch in
            let path = scratch("maintenance.json")
            let previous = umask(0o077)
            defer { umask(previous) }
            try files.writeFile(at: path, text: "{\"kind\":\"daemon-restart\"}", mode: 0o644)
            #expect(try contents(path) == "{\"kind\":\"daemon-restart\"}")
            #expect(try status(path).st_mode & 0o7777 == 0o644)

            try files.writeFile(at: path, contents: Array("#!/bin/sh\n".utf8), mode: 0o755)
            #expect(try contents(path) == "#!/bin/sh\n")
            #expect(try status(path).st_mode & 0o7777 == 0o755)
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == ["maintenance.json"])
        }
    }

    @Test("a symbolic link is replaced in place and read back; a directory in the way is an error")
    func replaceSymlink() throws {
        try withScratch { scratch in
            try scratch.directory("snap/hello/41")
            try scratch.directory("snap/hello/42")
            let current = scratch("snap/hello/current")

            try files.replaceSymlink(at: current, pointingTo: "41")
            #expect(try files.readSymlink(at: current) == "41")
            try files.replaceSymlink(at: current, pointingTo: "42")
            #expect(try files.readSymlink(at: current) == "42")
            #expect(try status(current).st_mode & S_IFMT == S_IFLNK)
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: scratch("snap/hello")).sorted() == [
                    "41", "42", "current",
                ]
            )

            let error = try #require(throws: SystemError.self) {
                try files.replaceSymlink(at: scratch("snap/hello/41"), pointingTo: "42")
            }
            #expect(error.errno == EISDIR)
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: scratch("snap/hello")).sorted() == [
                    "41", "42", "current",
                ]
            )

            let notLink = try #require(throws: SystemError.self) { try files.readSymlink(at: scratch("snap/hello/41")) }
            #expect(notLink.errno == EINVAL)
        }
    }

    @Test("directories are created with their parents and exactly the mode asked for")
    func createDirectory() throws {
        try withScratch { scratch in
            let previous = umask(0o077)
            defer { umask(previous) }
            let path = scratch("var/snap/hello/common")
            try files.createDirectory(at: path, mode: 0o755)
            #expect(try status(path).st_mode & 0o7777 == 0o755)
            #expect(try status(scratch("var/snap")).st_mode & 0o7777 == 0o755)
            try files.createDirectory(at: path, mode: 0o700)
            #expect(try status(path).st_mode & 0o7777 == 0o755)

            try scratch.file("plain", "x")
            let error = try #require(throws: SystemError.self) {
                try files.createDirectory(at: scratch("plain/sub"))
            }
            #expect(error.errno == ENOTDIR)
        }
    }

    @Test("removing a file reports whether it was there")
    func removeFile() throws {
        try withScratch { scratch in
            let path = try scratch.file("wrapper", "x")
            #expect(try files.removeFile(at: path))
            #expect(access(path, F_OK) != 0)
            #expect(try !files.removeFile(at: path))
        }
    }
}
