/// The symbolic constants seccomp profile sources may use in argument conditions.
///
/// The values are the Linux UAPI's (the kernel headers' numbers, not glibc's). They are
/// the same on x86-64 and its i386 compat architecture, which is what a profile compiled
/// here is loaded on; the few `O_*` flags whose value depends on the architecture follow
/// the one this program is built for.
public enum SeccompConstants {
    /// The value of `name`, or nil when the table lacks it.
    public static func value(of name: String) -> UInt64? {
        if let value = table[name] { return value }
        if name.hasPrefix("PF_"), let value = table["AF_" + name.dropFirst(3)] { return value }
        return nil
    }

    /// Every name and its value.
    public static let table: [String: UInt64] = {
        var table: [String: UInt64] = [:]
        for group in [
            addressFamilies, socketTypes, netlinkProtocols, cloneFlags, ptraceRequests, priorityTargets,
            fileModes, terminalRequests, openFlags, kcmpTypes, quotaCommands,
        ] {
            table.merge(group) { first, _ in first }
        }
        return table
    }()

    /// socket(2) domains (`PF_*` names are accepted as aliases).
    static let addressFamilies: [String: UInt64] = [
        "AF_UNSPEC": 0, "AF_UNIX": 1, "AF_LOCAL": 1, "AF_INET": 2, "AF_AX25": 3, "AF_IPX": 4, "AF_APPLETALK": 5,
        "AF_NETROM": 6, "AF_BRIDGE": 7, "AF_ATMPVC": 8, "AF_X25": 9, "AF_INET6": 10, "AF_ROSE": 11,
        "AF_DECnet": 12, "AF_NETBEUI": 13, "AF_SECURITY": 14, "AF_KEY": 15, "AF_NETLINK": 16, "AF_ROUTE": 16,
        "AF_PACKET": 17, "AF_ASH": 18, "AF_ECONET": 19, "AF_ATMSVC": 20, "AF_RDS": 21, "AF_SNA": 22,
        "AF_IRDA": 23, "AF_PPPOX": 24, "AF_WANPIPE": 25, "AF_LLC": 26, "AF_IB": 27, "AF_MPLS": 28, "AF_CAN": 29,
        "AF_TIPC": 30, "AF_BLUETOOTH": 31, "AF_IUCV": 32, "AF_RXRPC": 33, "AF_ISDN": 34, "AF_PHONET": 35,
        "AF_IEEE802154": 36, "AF_CAIF": 37, "AF_ALG": 38, "AF_NFC": 39, "AF_VSOCK": 40, "AF_KCM": 41,
        "AF_QIPCRTR": 42, "AF_SMC": 43, "AF_XDP": 44, "AF_MCTP": 45,
    ]

    /// socket(2) types and the flags that may be or-ed into them.
    static let socketTypes: [String: UInt64] = [
        "SOCK_STREAM": 1, "SOCK_DGRAM": 2, "SOCK_RAW": 3, "SOCK_RDM": 4, "SOCK_SEQPACKET": 5, "SOCK_DCCP": 6,
        "SOCK_PACKET": 10, "SOCK_NONBLOCK": 0o4000, "SOCK_CLOEXEC": 0o2000000,
    ]

    /// AF_NETLINK protocols (netlink(7)).
    static let netlinkProtocols: [String: UInt64] = [
        "NETLINK_ROUTE": 0, "NETLINK_USERSOCK": 2, "NETLINK_FIREWALL": 3, "NETLINK_SOCK_DIAG": 4,
        "NETLINK_INET_DIAG": 4, "NETLINK_NFLOG": 5, "NETLINK_XFRM": 6, "NETLINK_SELINUX": 7, "NETLINK_ISCSI": 8,
        "NETLINK_AUDIT": 9, "NETLINK_FIB_LOOKUP": 10, "NETLINK_CONNECTOR": 11, "NETLINK_NETFILTER": 12,
        "NETLINK_IP6_FW": 13, "NETLINK_DNRTMSG": 14, "NETLINK_KOBJECT_UEVENT": 15, "NETLINK_GENERIC": 16,
        "NETLINK_SCSITRANSPORT": 18, "NETLINK_ECRYPTFS": 19, "NETLINK_RDMA": 20, "NETLINK_CRYPTO": 21,
        "NETLINK_SMC": 22,
    ]

    /// clone(2) and unshare(2) flags.
    static let cloneFlags: [String: UInt64] = [
        "CLONE_NEWTIME": 0x80, "CLONE_VM": 0x100, "CLONE_FS": 0x200, "CLONE_FILES": 0x400,
        "CLONE_SIGHAND": 0x800, "CLONE_PIDFD": 0x1000, "CLONE_PTRACE": 0x2000, "CLONE_VFORK": 0x4000,
        "CLONE_PARENT": 0x8000, "CLONE_THREAD": 0x10000, "CLONE_NEWNS": 0x20000, "CLONE_SYSVSEM": 0x40000,
        "CLONE_SETTLS": 0x80000, "CLONE_PARENT_SETTID": 0x10_0000, "CLONE_CHILD_CLEARTID": 0x20_0000,
        "CLONE_DETACHED": 0x40_0000, "CLONE_UNTRACED": 0x80_0000, "CLONE_CHILD_SETTID": 0x100_0000,
        "CLONE_NEWCGROUP": 0x200_0000, "CLONE_NEWUTS": 0x400_0000, "CLONE_NEWIPC": 0x800_0000,
        "CLONE_NEWUSER": 0x1000_0000, "CLONE_NEWPID": 0x2000_0000, "CLONE_NEWNET": 0x4000_0000,
        "CLONE_IO": 0x8000_0000,
    ]

    /// ptrace(2) requests.
    static let ptraceRequests: [String: UInt64] = [
        "PTRACE_TRACEME": 0, "PTRACE_PEEKTEXT": 1, "PTRACE_PEEKDATA": 2, "PTRACE_PEEKUSER": 3,
        "PTRACE_POKETEXT": 4, "PTRACE_POKEDATA": 5, "PTRACE_POKEUSER": 6, "PTRACE_CONT": 7, "PTRACE_KILL": 8,
        "PTRACE_SINGLESTEP": 9, "PTRACE_GETREGS": 12, "PTRACE_SETREGS": 13, "PTRACE_ATTACH": 16,
        "PTRACE_DETACH": 17, "PTRACE_SYSCALL": 24, "PTRACE_SETOPTIONS": 0x4200, "PTRACE_GETEVENTMSG": 0x4201,
        "PTRACE_GETSIGINFO": 0x4202, "PTRACE_SETSIGINFO": 0x4203, "PTRACE_GETREGSET": 0x4204,
        "PTRACE_SETREGSET": 0x4205, "PTRACE_SEIZE": 0x4206, "PTRACE_INTERRUPT": 0x4207, "PTRACE_LISTEN": 0x4208,
        "PTRACE_PEEKSIGINFO": 0x4209,
    ]

    /// getpriority(2) and setpriority(2) targets.
    static let priorityTargets: [String: UInt64] = ["PRIO_PROCESS": 0, "PRIO_PGRP": 1, "PRIO_USER": 2]

    /// File types and mode bits (inode(7)).
    static let fileModes: [String: UInt64] = [
        "S_IFMT": 0o170000, "S_IFSOCK": 0o140000, "S_IFLNK": 0o120000, "S_IFREG": 0o100000, "S_IFBLK": 0o60000,
        "S_IFDIR": 0o40000, "S_IFCHR": 0o20000, "S_IFIFO": 0o10000, "S_ISUID": 0o4000, "S_ISGID": 0o2000,
        "S_ISVTX": 0o1000,
    ]

    /// Terminal ioctl requests (ioctl_tty(2), ioctl_console(2)).
    static let terminalRequests: [String: UInt64] = ["TIOCSTI": 0x5412, "TIOCLINUX": 0x541c]

    /// open(2) and pipe2(2) flags.
    static let openFlags: [String: UInt64] = {
        #if arch(arm64) || arch(arm)
        let directory: UInt64 = 0o40000
        let noFollow: UInt64 = 0o100000
        #else
        let directory: UInt64 = 0o200000
        let noFollow: UInt64 = 0o400000
        #endif
        return [
            "O_RDONLY": 0, "O_WRONLY": 1, "O_RDWR": 2, "O_CREAT": 0o100, "O_EXCL": 0o200, "O_NOCTTY": 0o400,
            "O_TRUNC": 0o1000, "O_APPEND": 0o2000, "O_NONBLOCK": 0o4000, "O_DIRECTORY": directory,
            "O_NOFOLLOW": noFollow, "O_CLOEXEC": 0o2000000, "O_PATH": 0o10000000,
            "O_TMPFILE": 0o20000000 | directory,
            // The kernel reuses O_EXCL's bit for pipe2's notification-queue flag.
            "O_NOTIFICATION_PIPE": 0o200,
        ]
    }()

    /// kcmp(2) comparison types.
    static let kcmpTypes: [String: UInt64] = [
        "KCMP_FILE": 0, "KCMP_VM": 1, "KCMP_FILES": 2, "KCMP_FS": 3, "KCMP_SIGHAND": 4, "KCMP_IO": 5,
        "KCMP_SYSVSEM": 6, "KCMP_EPOLL_TFD": 7,
    ]

    /// quotactl(2) subcommands, as the headers define them (before `QCMD` shifts them and adds
    /// the quota type).
    static let quotaCommands: [String: UInt64] = [
        "Q_SYNC": 0x80_0001, "Q_QUOTAON": 0x80_0002, "Q_QUOTAOFF": 0x80_0003, "Q_GETFMT": 0x80_0004,
        "Q_GETINFO": 0x80_0005, "Q_SETINFO": 0x80_0006, "Q_GETQUOTA": 0x80_0007, "Q_SETQUOTA": 0x80_0008,
        "Q_GETNEXTQUOTA": 0x80_0009, "Q_XGETQUOTA": 0x5803, "Q_XGETQSTAT": 0x5805,
    ]
}
