// Loading seccomp filters with seccomp(2), which has no glibc wrapper, and the system
// calls the seccomp tests attempt under a filter: calls Swift cannot make because glibc
// declares them variadic (ioctl, syscall), hides them behind _GNU_SOURCE (unshare,
// posix_openpt) or has no wrapper for them (openat2).
#ifndef CSNAP_SECCOMP_H
#define CSNAP_SECCOMP_H

#include <stddef.h>
#include <stdint.h>

/// Installs the classic BPF program `program` (`length` bytes, a whole number of
/// 8-byte `struct sock_filter` instructions) as a seccomp filter of the calling thread
/// (seccomp(2), SECCOMP_SET_MODE_FILTER) with `flags` (SECCOMP_FILTER_FLAG_* bits; see
/// csnap_seccomp_flag_log). Falls back to prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER),
/// without flags, on kernels that lack seccomp(2). The caller must have set no_new_privs
/// or hold CAP_SYS_ADMIN. Returns 0, or -1 with errno set (EINVAL for a length that is
/// not a multiple of 8 or is 0).
int csnap_seccomp_load_filter(const void *program, size_t length, unsigned int flags);

/// SECCOMP_FILTER_FLAG_LOG: log every action of the filter except ALLOW.
unsigned int csnap_seccomp_flag_log(void);

/// Opens a new pseudo-terminal pair (posix_openpt(3), grantpt, unlockpt, then the
/// follower side with O_NOCTTY). Sets both descriptors, close-on-exec. Returns 0, or
/// -errno.
int csnap_seccomp_open_pty(int *leader, int *follower);

/// The TIOCSTI and TIOCLINUX ioctl requests (ioctl_tty(2), ioctl_console(2)).
uint64_t csnap_seccomp_tiocsti(void);
uint64_t csnap_seccomp_tioclinux(void);

/// ioctl(2) on `fd` with a full 64-bit `request` (the glibc wrapper is variadic, and a
/// request with bits above 31 is exactly what the tests need to pass). Returns the
/// call's result, or -errno.
long csnap_seccomp_try_ioctl(int fd, uint64_t request, void *argument);

/// unshare(2) of a new UTS namespace (harmless when it succeeds). Returns 0, or -errno.
int csnap_seccomp_try_unshare(void);

/// ptrace(PTRACE_PEEKDATA) on a process ID above the kernel's maximum: ESRCH when the
/// call reaches the kernel, the filter's errno when a filter stops it. Returns -errno.
long csnap_seccomp_try_ptrace(void);

/// openat2(2) of `path`, read-only, with an empty resolve mask; closes the descriptor.
/// Returns 0, or -errno.
int csnap_seccomp_try_openat2(const char *path);

/// pipe2(2) with `flags` added to O_CLOEXEC; closes both ends. Returns 0, or -errno.
int csnap_seccomp_try_pipe2(int flags);

/// O_NOTIFICATION_PIPE, the pipe2 flag for kernel notification queues.
int csnap_seccomp_notification_pipe_flag(void);

/// open(2) of an unnamed temporary file in `directory` (O_TMPFILE | O_RDWR) with `mode`;
/// closes it. Returns 0, or -errno.
int csnap_seccomp_try_open_tmpfile(const char *directory, unsigned int mode);

/// mknod(2) of `path` with `mode` (file type and permissions) and device `major:minor`.
/// Returns 0, or -errno.
int csnap_seccomp_try_mknod(const char *path, unsigned int mode, unsigned int major_number,
                            unsigned int minor_number);

/// setpriority(2) of the calling process with a raw 64-bit `which` (PRIO_PROCESS in the
/// low bits), so a caller can set high bits the kernel ignores. Returns 0, or -errno.
int csnap_seccomp_try_setpriority(uint64_t which, int priority);

/// PRIO_PROCESS.
uint64_t csnap_seccomp_prio_process(void);

#endif
