import Glibc
import SnapSystem
import Testing

@Suite("Mount table and error text")
struct MountTableTests {
    static let sample = """
        22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
        45 22 7:3 / /snap/hello\\040world/42 ro,nodev,relatime shared:30 - squashfs /dev/loop3 ro,errors=continue
        46 22 0:40 / /tmp/with\\011tab\\134slash ro,nosuid,nodev,relatime - fuse.squashfuse /srv/a\\040b.snap ro,user_id=0
        47 22 0:41 / /snap/hello\\040world/42 rw,relatime - tmpfs tmpfs rw,size=64k
        not a mountinfo line
        """

    @Test("mountinfo lines are parsed, with octal escapes and optional fields")
    func parse() throws {
        let table = MountTable(mountInfo: Self.sample)
        #expect(table.entries.count == 4)
        let snap = table.entries[1]
        #expect(snap.mountID == 45)
        #expect(snap.parentID == 22)
        #expect(snap.device == "7:3")
        #expect(snap.mountPoint == "/snap/hello world/42")
        #expect(snap.filesystemType == "squashfs")
        #expect(snap.source == "/dev/loop3")
        #expect(snap.isReadOnly)
        #expect(snap.superOptions == ["ro", "errors=continue"])
        #expect(table.entries[2].mountPoint == "/tmp/with\ttab\\slash")
        #expect(table.entries[2].source == "/srv/a b.snap")
        #expect(!table.entries[3].isReadOnly)
    }

    @Test("the entry at a mount point is the last one mounted there")
    func topmost() {
        let table = MountTable(mountInfo: Self.sample)
        #expect(table.entry(at: "/snap/hello world/42")?.filesystemType == "tmpfs")
        #expect(table.entry(at: "/snap") == nil)
    }

    @Test("this process's mount table has a root mount")
    func current() throws {
        let table = try MountTable.current()
        #expect(table.entry(at: "/") != nil)
    }

    @Test("an error names the context, call, paths, errno name and strerror text")
    func errorText() {
        let error = SystemError(
            .systemCall(errno: ENOSPC),
            call: "write",
            paths: ["/var/snap/a/42/f"],
            context: "cannot copy \"/var/snap/a/41\" to \"/var/snap/a/42\""
        )
        #expect(
            error.description
                == "cannot copy \"/var/snap/a/41\" to \"/var/snap/a/42\": write \"/var/snap/a/42/f\": "
                + "No space left on device (ENOSPC)"
        )
        #expect(error.isOutOfSpace)
        #expect(SystemError(.systemCall(errno: EDQUOT), call: "write", paths: []).isOutOfSpace)
        #expect(!SystemError(.systemCall(errno: EIO), call: "write", paths: []).isOutOfSpace)
        #expect(SystemError.name(of: ELOOP) == "ELOOP")
        #expect(SystemError.name(of: 99_999) == "errno 99999")
    }
}

@Suite("Deciding when a kernel mount is unavailable")
struct KernelMountAvailabilityTests {
    @Test(
        "host refusals fall back to squashfuse; a bad image does not",
        arguments: [
            ("open", ENOENT, true),
            ("open", EACCES, true),
            ("ioctl LOOP_CTL_GET_FREE", EPERM, true),
            ("ioctl LOOP_CONFIGURE", ENOTTY, true),
            ("mount", EPERM, true),
            ("mount", ENODEV, true),
            ("mount", EINVAL, false),
            ("mount", EIO, false),
            ("ioctl LOOP_CONFIGURE", EBUSY, false),
        ]
    )
    func classification(call: String, code: Int32, unavailable: Bool) {
        let error = SystemError(.systemCall(errno: code), call: call, paths: ["/x"])
        #expect(SnapMounter.meansKernelMountUnavailable(error) == unavailable)
    }
}
