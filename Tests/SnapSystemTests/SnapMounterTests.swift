import Foundation
import Glibc
import SnapSystem
import Testing

@Suite(
    "Mounting .snap images",
    .enabled(if: Host.isRoot, "needs root to mount images"),
    .enabled(if: Host.hasMksquashfs, "needs mksquashfs (squashfs-tools) to build test images")
)
struct SnapMounterTests {
    @Test(
        "a kernel loop mount serves the image read-only and frees its loop device on unmount",
        .enabled(if: Host.hasLoopControl, "needs /dev/loop-control")
    )
    func kernelLoopMount() throws {
        try withScratch { scratch in
            let image = try scratch.image("hello.snap", files: ["meta/snap.yaml": "name: hello\n"])
            let target = try scratch.directory("mnt")
            let mounter = SnapMounter(policy: .kernelLoopOnly)

            let mounted = try mounter.mount(image: image, at: target)
            guard case .kernelLoop(let device) = mounted.method else {
                Issue.record("mounted with \(mounted.method), not a loop device")
                return
            }
            #expect(try contents(target + "/meta/snap.yaml") == "name: hello\n")
            #expect(try mounter.isMounted(target))
            let entry = try #require(try mounter.mountEntry(at: target))
            #expect(entry.source == device)
            #expect(entry.filesystemType == "squashfs")
            #expect(entry.isReadOnly)
            #expect(entry.mountOptions.contains("nodev"))
            #expect(loopDevices(boundTo: image) == [String(device.dropFirst("/dev/".count))])
            #expect(open(target + "/meta/new", O_WRONLY | O_CREAT, 0o644) == -1 && errno == EROFS)

            // Mounting the same image again finds the mount instead of stacking a second one.
            #expect(try mounter.mount(image: image, at: target) == mounted)
            #expect(mounts(under: target).count == 1)

            #expect(try mounter.unmount(at: target))
            #expect(try !mounter.isMounted(target))
            #expect(loopDevices(boundTo: image).isEmpty)
            #expect(access("/sys/block/\(device.dropFirst("/dev/".count))/loop/backing_file", F_OK) != 0)
            #expect(try !mounter.unmount(at: target))
        }
    }

    @Test(
        "the forced squashfuse fallback mounts, names the image as source and unmounts",
        .enabled(if: Host.hasSquashfuse, "needs squashfuse")
    )
    func squashfuseMount() throws {
        try withScratch { scratch in
            let image = try scratch.image("fuse.snap", files: ["bin/tool": "#!/bin/sh\n", "data/x": "payload"])
            let target = try scratch.directory("fuse mnt")
            let mounter = SnapMounter(policy: .squashfuseOnly)

            let mounted = try mounter.mount(image: image, at: target)
            #expect(mounted.method == .squashfuse)
            #expect(try contents(target + "/data/x") == "payload")
            let entry = try #require(try mounter.mountEntry(at: target))
            #expect(entry.source == image)
            #expect(entry.filesystemType == "fuse.squashfuse")
            #expect(entry.mountPoint == target)
            #expect(entry.isReadOnly)
            #expect(loopDevices(boundTo: image).isEmpty)
            #expect(try mounter.mount(image: image, at: target) == mounted)

            #expect(try mounter.unmount(at: target))
            #expect(try !mounter.isMounted(target))
            #expect(access(target + "/data/x", F_OK) != 0)
            #expect(try !mounter.unmount(at: target))
        }
    }

    /// Ways an image can be broken.
    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        /// Cut after 200 bytes, shorter than one 512-byte sector of the loop device.
        case truncated
        /// Its superblock overwritten, keeping its length.
        case overwritten

        var testDescription: String { rawValue }

        func apply(to bytes: Data) -> Data {
            switch self {
            case .truncated: bytes.prefix(200)
            case .overwritten: Data(repeating: 0x58, count: 96) + bytes.dropFirst(96)
            }
        }
    }

    @Test(
        "a broken image fails with a clear error and leaves nothing mounted or bound",
        arguments: [MountPolicy.kernelLoopOnly, .squashfuseOnly, .automatic],
        Damage.allCases
    )
    func brokenImage(policy: MountPolicy, damage: Damage) throws {
        try withScratch { scratch in
            let good = try scratch.image("good.snap", files: ["meta/snap.yaml": "name: good\n"])
            let image = scratch("broken.snap")
            try damage.apply(to: Data(contentsOf: URL(fileURLWithPath: good))).write(to: URL(fileURLWithPath: image))
            let target = try scratch.directory("mnt")

            let error = try #require(throws: SystemError.self) {
                try SnapMounter(policy: policy).mount(image: image, at: target)
            }
            #expect(error.description.hasPrefix("cannot mount \"\(image)\" at \"\(target)\": "))
            if policy == .kernelLoopOnly {
                #expect(error.call == "mount")
                #expect(error.errno == EINVAL || error.errno == EIO)
                #expect(error.description.contains("not a valid SquashFS image"))
            } else if policy == .squashfuseOnly {
                #expect(error.call == "squashfuse")
                #expect(error.detail?.isEmpty == false)
            }
            #expect(mounts(under: target).isEmpty)
            #expect(loopDevices(boundTo: image).isEmpty)
        }
    }

    @Test("mounting at a missing directory fails naming it")
    func missingMountPoint() throws {
        try withScratch { scratch in
            let image = try scratch.image("a.snap", files: ["f": "x"])
            let target = scratch("absent")
            let error = try #require(throws: SystemError.self) {
                try SnapMounter().mount(image: image, at: target)
            }
            #expect(error.errno == ENOENT)
            #expect(error.paths == [target])
            #expect(error.description.contains("No such file or directory (ENOENT)"))
            #expect(loopDevices(boundTo: image).isEmpty)
        }
    }

    @Test("mounting a missing image fails naming it")
    func missingImage() throws {
        try withScratch { scratch in
            let target = try scratch.directory("mnt")
            let error = try #require(throws: SystemError.self) {
                try SnapMounter().mount(image: scratch("absent.snap"), at: target)
            }
            #expect(error.errno == ENOENT)
            #expect(error.paths == [scratch("absent.snap")])
            #expect(mounts(under: target).isEmpty)
        }
    }

    @Test("a directory something else is mounted on is refused, and that mount is kept")
    func mountPointInUse() throws {
        try withScratch { scratch in
            let image = try scratch.image("a.snap", files: ["f": "x"])
            let target = try scratch.tmpfs("busy", size: 65_536)
            let error = try #require(throws: SystemError.self) {
                try SnapMounter().mount(image: image, at: target)
            }
            #expect(error.code == .mountPointInUse)
            #expect(try SnapMounter().mountEntry(at: target)?.filesystemType == "tmpfs")
            #expect(loopDevices(boundTo: image).isEmpty)
        }
    }

    @Test("unmounting a directory that is not a mount point, or does not exist, succeeds")
    func unmountNothing() throws {
        try withScratch { scratch in
            let mounter = SnapMounter()
            let plain = try scratch.directory("plain")
            #expect(try !mounter.unmount(at: plain))
            #expect(try !mounter.unmount(at: scratch("absent")))
            #expect(try !mounter.isMounted(scratch("absent")))
        }
    }

    @Test(
        "a busy mount is an error unless detaching is asked for",
        .enabled(if: Host.hasLoopControl, "needs /dev/loop-control")
    )
    func busyMount() throws {
        try withScratch { scratch in
            let image = try scratch.image("busy.snap", files: ["f": "x"])
            let target = try scratch.directory("mnt")
            let mounter = SnapMounter(policy: .kernelLoopOnly)
            try mounter.mount(image: image, at: target)

            var holder = open(target + "/f", O_RDONLY)
            try #require(holder >= 0)
            defer { if holder >= 0 { close(holder) } }
            let error = try #require(throws: SystemError.self) { try mounter.unmount(at: target) }
            #expect(error.errno == EBUSY)
            #expect(try mounter.isMounted(target))

            #expect(try mounter.unmount(at: target, detachIfBusy: true))
            #expect(try !mounter.isMounted(target))
            close(holder)
            holder = -1
            #expect(loopDevices(boundTo: image).isEmpty)
        }
    }
}
