#define _GNU_SOURCE
#include "csnap_seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef O_NOTIFICATION_PIPE
// Added with the kernel's watch queues (Linux 5.8); older glibc headers lack it.
#define O_NOTIFICATION_PIPE O_EXCL
#endif

int csnap_seccomp_load_filter(const void *program, size_t length, unsigned int flags) {
    if (length == 0 || length % sizeof(struct sock_filter) != 0 ||
        length / sizeof(struct sock_filter) > BPF_MAXINSNS) {
        errno = EINVAL;
        return -1;
    }
    struct sock_fprog fprog = {
        .len = (unsigned short)(length / sizeof(struct sock_filter)),
        .filter = (struct sock_filter *)program,
    };
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog) == 0) {
        return 0;
    }
    if (errno != ENOSYS) {
        return -1;
    }
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0);
}

unsigned int csnap_seccomp_flag_log(void) {
    return SECCOMP_FILTER_FLAG_LOG;
}

int csnap_seccomp_open_pty(int *leader, int *follower) {
    int leader_fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (leader_fd < 0) {
        return -errno;
    }
    if (grantpt(leader_fd) != 0 || unlockpt(leader_fd) != 0) {
        int saved = errno;
        close(leader_fd);
        return -saved;
    }
    int follower_fd = ioctl(leader_fd, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (follower_fd < 0) {
        int saved = errno;
        close(leader_fd);
        return -saved;
    }
    *leader = leader_fd;
    *follower = follower_fd;
    return 0;
}

uint64_t csnap_seccomp_tiocsti(void) {
    return TIOCSTI;
}

uint64_t csnap_seccomp_tioclinux(void) {
    return TIOCLINUX;
}

long csnap_seccomp_try_ioctl(int fd, uint64_t request, void *argument) {
    long result = syscall(SYS_ioctl, (long)fd, request, argument);
    return result < 0 ? -errno : result;
}

int csnap_seccomp_try_unshare(void) {
    return unshare(CLONE_NEWUTS) == 0 ? 0 : -errno;
}

long csnap_seccomp_try_ptrace(void) {
    long word = 0;
    errno = 0;
    long result = syscall(SYS_ptrace, PTRACE_PEEKDATA, 0x3fffffffL, 0L, &word);
    return result < 0 ? -errno : 0;
}

int csnap_seccomp_try_openat2(const char *path) {
    struct open_how how = {.flags = O_RDONLY | O_CLOEXEC, .mode = 0, .resolve = 0};
    long fd = syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
    if (fd < 0) {
        return -errno;
    }
    close((int)fd);
    return 0;
}

int csnap_seccomp_try_pipe2(int flags) {
    int fds[2];
    if (pipe2(fds, flags | O_CLOEXEC) != 0) {
        return -errno;
    }
    close(fds[0]);
    close(fds[1]);
    return 0;
}

int csnap_seccomp_notification_pipe_flag(void) {
    return O_NOTIFICATION_PIPE;
}

int csnap_seccomp_try_open_tmpfile(const char *directory, unsigned int mode) {
    int fd = open(directory, O_TMPFILE | O_RDWR | O_CLOEXEC, (mode_t)mode);
    if (fd < 0) {
        return -errno;
    }
    close(fd);
    return 0;
}

int csnap_seccomp_try_mknod(const char *path, unsigned int mode, unsigned int major_number,
                            unsigned int minor_number) {
    return mknod(path, (mode_t)mode, makedev(major_number, minor_number)) == 0 ? 0 : -errno;
}

int csnap_seccomp_try_setpriority(uint64_t which, int priority) {
    long result = syscall(SYS_setpriority, which, 0L, (long)priority);
    return result < 0 ? -errno : 0;
}

uint64_t csnap_seccomp_prio_process(void) {
    return PRIO_PROCESS;
}
