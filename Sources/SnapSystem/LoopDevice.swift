import CSnapShim
import Glibc

/// A loop device bound to an image by this process; the binding is read-only and
/// autoclearing, so the kernel detaches it once the last user (this descriptor, then the
/// mount) lets go.
struct LoopDevice: ~Copyable {
    /// The loop device's major number, fixed by the kernel (Documentation/admin-guide/devices.txt).
    static let major: UInt32 = 7
    /// How many times to look for another free device when other processes keep taking the
    /// one the kernel offered.
    static let attempts = 64

    /// The device number N of /dev/loopN.
    let number: Int
    /// The open device.
    let descriptor: FileDescriptor

    /// The device's path, /dev/loopN.
    var path: String { Self.path(of: number) }

    /// Binds the image open at `image` to a free loop device.
    ///
    /// Asks /dev/loop-control for a free device (LOOP_CTL_GET_FREE), opens it (creating its
    /// node with mknod(2) when /dev is not a devtmpfs that has it), and binds it in one step
    /// (LOOP_CONFIGURE, loop(4)). Between the two calls another process may bind the same
    /// device; LOOP_CONFIGURE then fails with `EBUSY` and the next free device is tried.
    /// - Parameters:
    ///   - image: A read-only descriptor of the image.
    ///   - imagePath: The image's path, recorded as the device's file name.
    ///   - controlPath: The loop control device, normally /dev/loop-control.
    /// - Returns: The bound device, still open.
    /// - Throws: ``SystemError`` naming the call that failed.
    static func attach(image: Int32, imagePath: String, controlPath: String) throws(SystemError) -> LoopDevice {
        let control = try FileDescriptor(opening: controlPath, flags: O_RDWR)
        for _ in 0..<attempts {
            let number = Int(
                try syscall("ioctl LOOP_CTL_GET_FREE", controlPath) { csnap_loop_get_free(control.rawValue) }
            )
            let device = try openCreatingNode(number)
            if csnap_loop_configure_read_only(device.rawValue, image, imagePath) == 0 {
                return LoopDevice(number: number, descriptor: device)
            }
            let code = errno
            guard code == EBUSY || code == EINTR else {
                throw failure(code, "ioctl LOOP_CONFIGURE", path(of: number), imagePath)
            }
        }
        throw failure(EBUSY, "ioctl LOOP_CONFIGURE", controlPath, imagePath)
    }

    /// The file a loop device is bound to, from /sys/block/loopN/loop/backing_file, or nil
    /// when the device is free.
    /// - Parameter number: N of /dev/loopN.
    /// - Returns: The backing file's path.
    static func backingFile(ofDevice number: Int) -> String? {
        guard let text = try? readSmallFile("/sys/block/loop\(number)/loop/backing_file") else { return nil }
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }

    /// N of a /dev/loopN path, or nil for other paths.
    static func number(ofDevicePath path: String) -> Int? {
        guard path.hasPrefix("/dev/loop") else { return nil }
        return Int(path.dropFirst("/dev/loop".count))
    }

    /// Detaches the device now rather than when its last user goes away (LOOP_CLR_FD), after
    /// a failed mount. Errors are ignored: autoclear detaches it when the descriptor closes.
    consuming func detach() {
        _ = csnap_loop_clear(descriptor.rawValue)
    }

    private static func path(of number: Int) -> String {
        "/dev/loop\(number)"
    }

    private static func openCreatingNode(_ number: Int) throws(SystemError) -> FileDescriptor {
        let devicePath = path(of: number)
        let descriptor = open(devicePath, O_RDWR | O_CLOEXEC)
        if descriptor >= 0 { return FileDescriptor(rawValue: descriptor) }
        guard errno == ENOENT else { throw failure(errno, "open", devicePath) }

        let node = csnap_makedev(major, UInt32(number))
        if mknod(devicePath, S_IFBLK | 0o660, node) != 0 && errno != EEXIST {
            throw failure(errno, "mknod", devicePath)
        }
        return try FileDescriptor(opening: devicePath, flags: O_RDWR)
    }
}
