import Dispatch
import Foundation
import Glibc
import SnapSystem
import Synchronization
import Testing

@Suite(
    "Choosing a mount method",
    .enabled(if: Host.isRoot, "needs root to mount images"),
    .enabled(if: Host.hasMksquashfs, "needs mksquashfs (squashfs-tools) to build test images")
)
struct MountFallbackTests {
    @Test(
        "without loop devices the automatic policy falls back to squashfuse",
        .enabled(if: Host.hasSquashfuse, "needs squashfuse")
    )
    func fallsBackWithoutLoopControl() throws {
        try withScratch { scratch in
            let image = try scratch.image("a.snap", files: ["meta/snap.yaml": "name: a\n"])
            let target = try scratch.directory("mnt")
            var mounter = SnapMounter(policy: .automatic)
            mounter.loopControlPath = scratch("no-loop-control")

            let mounted = try mounter.mount(image: image, at: target)
            #expect(mounted.method == .squashfuse)
            #expect(try contents(target + "/meta/snap.yaml") == "name: a\n")
            #expect(try mounter.unmount(at: target))
            #expect(try !mounter.isMounted(target))
        }
    }

    @Test("when both methods fail, the error gives both reasons")
    func bothMethodsFail() throws {
        try withScratch { scratch in
            let image = try scratch.image("a.snap", files: ["f": "x"])
            let target = try scratch.directory("mnt")
            var mounter = SnapMounter(policy: .automatic, squashfuseProgram: "squashfuse-not-installed")
            mounter.loopControlPath = scratch("no-loop-control")

            let error = try #require(throws: SystemError.self) { try mounter.mount(image: image, at: target) }
            #expect(error.errno == ENOENT)
            #expect(error.call == "posix_spawnp")
            #expect(error.description.contains("squashfuse-not-installed"))
            #expect(error.description.contains("kernel loop mount unavailable: open \"\(scratch("no-loop-control"))\""))
            #expect(mounts(under: target).isEmpty)
        }
    }

    @Test("a forced kernel mount does not fall back")
    func kernelOnlyDoesNotFallBack() throws {
        try withScratch { scratch in
            let image = try scratch.image("a.snap", files: ["f": "x"])
            let target = try scratch.directory("mnt")
            var mounter = SnapMounter(policy: .kernelLoopOnly)
            mounter.loopControlPath = scratch("no-loop-control")

            let error = try #require(throws: SystemError.self) { try mounter.mount(image: image, at: target) }
            #expect(error.errno == ENOENT)
            #expect(error.paths == [scratch("no-loop-control")])
            #expect(mounts(under: target).isEmpty)
        }
    }

    @Test(
        "mounts made at the same time each get their own loop device",
        .enabled(if: Host.hasLoopControl, "needs /dev/loop-control")
    )
    func concurrentMounts() throws {
        try withScratch { scratch in
            let count = 6
            let images = try (0..<count).map { try scratch.image("i\($0).snap", files: ["id": "\($0)"]) }
            let targets = try (0..<count).map { try scratch.directory("m\($0)") }
            let results = Mutex<[Int: Result<ImageMount, SystemError>]>([:])

            DispatchQueue.concurrentPerform(iterations: count) { index in
                let result = Result { () throws(SystemError) in
                    try SnapMounter(policy: .kernelLoopOnly).mount(image: images[index], at: targets[index])
                }
                results.withLock { $0[index] = result }
            }

            let outcomes = results.withLock { $0 }
            var devices: Set<String> = []
            for index in 0..<count {
                let mounted = try #require(try outcomes[index]?.get())
                guard case .kernelLoop(let device) = mounted.method else {
                    Issue.record("image \(index) mounted with \(mounted.method)")
                    continue
                }
                devices.insert(device)
                #expect(try contents(targets[index] + "/id") == "\(index)")
            }
            #expect(devices.count == count)

            for index in 0..<count {
                #expect(try SnapMounter().unmount(at: targets[index]))
                #expect(loopDevices(boundTo: images[index]).isEmpty)
            }
        }
    }
}
