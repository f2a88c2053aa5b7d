/// The default seccomp profile: what every strict or devmode program may call with no
/// interface connected.
///
/// Every allowed syscall sits in a group whose comment says which programs need it. Lines
/// naming a syscall the compiling machine does not know (32-bit-only calls on a 64-bit
/// machine and the reverse) are skipped by the compiler; the compat architecture gets
/// them through libseccomp. Deliberately absent, so they fail with EPERM: bind, listen and
/// accept (no network-bind interface yet), ptrace, process_vm_readv/writev, kcmp, pidfd_getfd,
/// mount, umount2, pivot_root, chroot, unshare, setns, bpf, perf_event_open, kexec_load,
/// kexec_file_load, init_module, finit_module, delete_module, name_to_handle_at,
/// open_by_handle_at, add_key, keyctl, request_key, userfaultfd, fanotify_init,
/// fanotify_mark, quotactl, ioprio_set, io_uring_*, landlock_*, the clock setters,
/// sethostname, reboot, swapon, acct, iopl, ioperm and modify_ldt.
enum SeccompTemplate {
    /// The template's lines, comments included.
    static let text = """
        # Default profile: the calls any program makes, with no interface connected.

        # Running programs, ending them, waiting for children. clone may not create
        # namespaces (2114060288 = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS |
        # CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET): that needs an
        # interface, as unshare does. clone3 passes its flags in memory seccomp cannot read.
        execve
        execveat
        exit
        exit_group
        fork
        vfork
        clone 2114060288|0
        clone3
        wait4
        waitid
        waitpid
        restart_syscall

        # Threads and their bookkeeping (glibc start-up, pthread_create, locks).
        set_tid_address
        set_robust_list
        get_robust_list
        rseq
        futex
        futex_time64
        futex_waitv
        set_thread_area
        get_thread_area
        arch_prctl
        membarrier

        # Signals, to this program and others (the kernel checks permissions).
        kill
        tkill
        tgkill
        rt_sigaction
        rt_sigprocmask
        rt_sigreturn
        rt_sigpending
        rt_sigsuspend
        rt_sigtimedwait
        rt_sigtimedwait_time64
        rt_sigqueueinfo
        rt_tgsigqueueinfo
        sigaction
        sigprocmask
        sigreturn
        sigpending
        sigsuspend
        signal
        sigaltstack
        signalfd
        signalfd4
        pause
        pidfd_open
        pidfd_send_signal

        # Process identity. Changing users stays open: the kernel requires the
        # capabilities, and no system-usernames rule narrows it yet.
        getpid
        getppid
        gettid
        getpgid
        getpgrp
        setpgid
        getsid
        setsid
        getuid
        getuid32
        geteuid
        geteuid32
        getgid
        getgid32
        getegid
        getegid32
        getresuid
        getresuid32
        getresgid
        getresgid32
        getgroups
        getgroups32
        setuid
        setuid32
        setgid
        setgid32
        setreuid
        setreuid32
        setregid
        setregid32
        setresuid
        setresuid32
        setresgid
        setresgid32
        setgroups
        setgroups32
        setfsuid
        setfsuid32
        setfsgid
        setfsgid32
        capget
        capset
        prctl
        personality
        # Another filter can only narrow this one.
        seccomp

        # Limits, accounting and the machine's description.
        getrlimit
        ugetrlimit
        setrlimit
        prlimit64
        getrusage
        times
        sysinfo
        uname
        olduname
        umask
        getcpu
        ioprio_get

        # Scheduling: reading is free; changing only for this process (pid 0) and only
        # towards a lower priority (nice 0 to 19).
        sched_yield
        sched_getaffinity
        sched_getparam
        sched_getscheduler
        sched_getattr
        sched_get_priority_max
        sched_get_priority_min
        sched_rr_get_interval
        sched_rr_get_interval_time64
        sched_setaffinity 0
        sched_setparam 0
        sched_setscheduler 0
        getpriority
        setpriority PRIO_PROCESS 0 <=19
        nice <=19

        # Memory.
        brk
        mmap
        mmap2
        munmap
        mremap
        mprotect
        madvise
        mincore
        msync
        mlock
        mlock2
        munlock
        mlockall
        munlockall
        pkey_alloc
        pkey_free
        pkey_mprotect
        get_mempolicy
        set_mempolicy
        mbind
        memfd_create

        # Opening, reading and writing files. openat2 is allowed here only so that the
        # explicit denial below answers it (with EACCES): its flags and mode sit in a
        # structure seccomp cannot read.
        open
        openat
        openat2
        creat
        close
        close_range
        read
        readv
        pread64
        preadv
        preadv2
        write
        writev
        pwrite64
        pwritev
        pwritev2
        lseek
        _llseek
        dup
        dup2
        dup3
        fcntl
        fcntl64
        flock
        ioctl
        sendfile
        sendfile64
        splice
        tee
        vmsplice
        copy_file_range - - - - - 0
        fadvise64
        fadvise64_64
        readahead
        fsync
        fdatasync
        sync
        syncfs
        sync_file_range
        truncate
        truncate64
        ftruncate
        ftruncate64
        fallocate

        # File metadata.
        stat
        stat64
        lstat
        lstat64
        fstat
        fstat64
        newfstatat
        fstatat64
        statx
        statfs
        statfs64
        fstatfs
        fstatfs64
        access
        faccessat
        faccessat2
        readlink
        readlinkat
        utime
        utimes
        futimesat
        utimensat
        utimensat_time64
        chmod
        fchmod
        fchmodat
        fchmodat2
        getxattr
        lgetxattr
        fgetxattr
        listxattr
        llistxattr
        flistxattr
        setxattr
        lsetxattr
        fsetxattr
        removexattr
        lremovexattr
        fremovexattr

        # Ownership may only be given to root (-1 leaves an id unchanged).
        chown - u:root g:root
        chown - u:root -1
        chown - -1 g:root
        chown - -1 -1
        chown32 - u:root g:root
        chown32 - u:root -1
        chown32 - -1 g:root
        chown32 - -1 -1
        lchown - u:root g:root
        lchown - u:root -1
        lchown - -1 g:root
        lchown - -1 -1
        lchown32 - u:root g:root
        lchown32 - u:root -1
        lchown32 - -1 g:root
        lchown32 - -1 -1
        fchown - u:root g:root
        fchown - u:root -1
        fchown - -1 g:root
        fchown - -1 -1
        fchown32 - u:root g:root
        fchown32 - u:root -1
        fchown32 - -1 g:root
        fchown32 - -1 -1
        fchownat - - u:root g:root
        fchownat - - u:root -1
        fchownat - - -1 g:root
        fchownat - - -1 -1

        # Directories, links and renames.
        getcwd
        chdir
        fchdir
        getdents
        getdents64
        mkdir
        mkdirat
        rmdir
        unlink
        unlinkat
        rename
        renameat
        renameat2
        link
        linkat
        symlink
        symlinkat
        inotify_init
        inotify_init1
        inotify_add_watch
        inotify_rm_watch

        # Only regular files, FIFOs and sockets, never device nodes (a type of 0 means a
        # regular file).
        mknod - S_IFMT|S_IFREG
        mknod - S_IFMT|S_IFIFO
        mknod - S_IFMT|S_IFSOCK
        mknod - S_IFMT|0
        mknodat - - S_IFMT|S_IFREG
        mknodat - - S_IFMT|S_IFIFO
        mknodat - - S_IFMT|S_IFSOCK
        mknodat - - S_IFMT|0

        # Pipes, polling and event descriptors.
        pipe
        pipe2
        poll
        ppoll
        ppoll_time64
        select
        _newselect
        pselect6
        pselect6_time64
        epoll_create
        epoll_create1
        epoll_ctl
        epoll_wait
        epoll_pwait
        epoll_pwait2
        eventfd
        eventfd2
        io_setup
        io_destroy
        io_submit
        io_cancel
        io_getevents
        io_pgetevents
        io_pgetevents_time64

        # Clocks, sleeping and timers (reading the clocks only).
        clock_gettime
        clock_gettime64
        clock_getres
        clock_getres_time64
        clock_nanosleep
        clock_nanosleep_time64
        nanosleep
        gettimeofday
        time
        alarm
        getitimer
        setitimer
        timer_create
        timer_settime
        timer_settime64
        timer_gettime
        timer_gettime64
        timer_getoverrun
        timer_delete
        timerfd_create
        timerfd_settime
        timerfd_settime64
        timerfd_gettime
        timerfd_gettime64

        # System V IPC and POSIX message queues (the kernel keeps them per IPC namespace).
        ipc
        shmget
        shmat
        shmdt
        shmctl
        semget
        semop
        semtimedop
        semtimedop_time64
        semctl
        msgget
        msgsnd
        msgrcv
        msgctl
        mq_open
        mq_unlink
        mq_timedsend
        mq_timedsend_time64
        mq_timedreceive
        mq_timedreceive_time64
        mq_notify
        mq_getsetattr

        # Randomness.
        getrandom

        # Sockets of every family but netlink, whose protocols interfaces grant one by one.
        # Clients only: bind, listen and accept come with the network-bind interface.
        socket AF_UNIX
        socket AF_INET
        socket AF_AX25
        socket AF_IPX
        socket AF_APPLETALK
        socket AF_NETROM
        socket AF_BRIDGE
        socket AF_ATMPVC
        socket AF_X25
        socket AF_INET6
        socket AF_ROSE
        socket AF_DECnet
        socket AF_NETBEUI
        socket AF_SECURITY
        socket AF_KEY
        socket AF_PACKET
        socket AF_ASH
        socket AF_ECONET
        socket AF_ATMSVC
        socket AF_RDS
        socket AF_SNA
        socket AF_IRDA
        socket AF_PPPOX
        socket AF_WANPIPE
        socket AF_LLC
        socket AF_IB
        socket AF_MPLS
        socket AF_CAN
        socket AF_TIPC
        socket AF_BLUETOOTH
        socket AF_IUCV
        socket AF_RXRPC
        socket AF_ISDN
        socket AF_PHONET
        socket AF_IEEE802154
        socket AF_CAIF
        socket AF_ALG
        socket AF_NFC
        socket AF_VSOCK
        socket AF_KCM
        socket AF_QIPCRTR
        socket AF_SMC
        socket AF_XDP
        socket AF_MCTP
        socketpair
        connect
        getsockname
        getpeername
        getsockopt
        setsockopt
        shutdown
        send
        sendto
        sendmsg
        sendmmsg
        recv
        recvfrom
        recvmsg
        recvmmsg
        recvmmsg_time64

        # Explicit denials, answered with EACCES whatever the rules above allow.
        # Pushing input into a terminal (TIOCSTI) or a console (TIOCLINUX) would let a
        # program type commands into its caller's shell. The kernel reads the request as
        # 32 bits, so both forms compare the low 32 bits only.
        ~ioctl - TIOCSTI
        ~ioctl - TIOCLINUX
        ~ioctl - 4294967295|TIOCSTI
        ~ioctl - 4294967295|TIOCLINUX

        # No set-user-ID or set-group-ID files.
        ~chmod - |S_ISUID
        ~chmod - |S_ISGID
        ~fchmod - |S_ISUID
        ~fchmod - |S_ISGID
        ~fchmodat - - |S_ISUID
        ~fchmodat - - |S_ISGID
        ~fchmodat2 - - |S_ISUID
        ~fchmodat2 - - |S_ISGID
        ~creat - |S_ISUID
        ~creat - |S_ISGID
        ~mknod - |S_ISUID
        ~mknod - |S_ISGID
        ~mknodat - - |S_ISUID
        ~mknodat - - |S_ISGID
        ~open - |O_CREAT |S_ISUID
        ~open - |O_CREAT |S_ISGID
        ~open - |O_TMPFILE |S_ISUID
        ~open - |O_TMPFILE |S_ISGID
        ~openat - - |O_CREAT |S_ISUID
        ~openat - - |O_CREAT |S_ISGID
        ~openat - - |O_TMPFILE |S_ISUID
        ~openat - - |O_TMPFILE |S_ISGID

        # openat2 keeps its flags and mode in memory, where the rules above cannot look.
        ~openat2

        # Kernel notification queues are a large attack surface no program here needs.
        ~pipe2 - |O_NOTIFICATION_PIPE

        """
}
