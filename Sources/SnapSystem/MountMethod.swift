/// How an image is mounted.
public enum MountMethod: Sendable, Equatable, CustomStringConvertible {
    /// The kernel's squashfs driver over a loop device, such as `/dev/loop3`.
    case kernelLoop(device: String)
    /// The squashfuse program in user space, through FUSE.
    case squashfuse

    /// `kernel loop mount on /dev/loopN` or `squashfuse`.
    public var description: String {
        switch self {
        case .kernelLoop(let device): "kernel loop mount on \(device)"
        case .squashfuse: "squashfuse"
        }
    }
}

/// Which mount methods ``SnapMounter`` may use.
public enum MountPolicy: Sendable, Equatable {
    /// A kernel loop mount, or squashfuse when the kernel refuses one (no loop devices, no
    /// permission, no squashfs driver).
    case automatic
    /// A kernel loop mount only; an error when the kernel refuses it.
    case kernelLoopOnly
    /// squashfuse only, for hosts that forbid loop devices and for tests.
    case squashfuseOnly
}

/// A .snap image mounted at a directory.
public struct ImageMount: Sendable, Equatable {
    /// The image file, as a canonical path.
    public var image: String
    /// The directory it is mounted at, as a canonical path.
    public var mountPoint: String
    /// How it was mounted.
    public var method: MountMethod
}
