// C entry points for cgroup tracking: statfs(2) sits in <sys/vfs.h>, which Swift's Glibc
// module does not include.
#ifndef CSNAP_CGROUP_H
#define CSNAP_CGROUP_H

#include <stddef.h>
#include <stdint.h>

/// The filesystem type of the filesystem holding `path` (statfs(2) f_type, such as
/// CGROUP2_SUPER_MAGIC). Returns 0 and sets `*type`, or -1 with errno set.
int csnap_filesystem_type(const char *path, int64_t *type);

/// One device a cgroup's processes may use: `type` 'c' or 'b', `major`, and `minor`
/// (-1 for any minor). Every access (read, write, mknod) is allowed.
struct csnap_device_rule {
    char type;
    uint32_t major;
    int64_t minor;
};

/// Attaches to the cgroup v2 group open at `group_fd` an eBPF device program
/// (BPF_PROG_TYPE_CGROUP_DEVICE) that allows exactly `rules` and denies every other
/// device, so that its processes, and those of its descendants, get EPERM opening or
/// creating any other device node. The program stays attached to the group after the
/// caller exits. Returns 0, or -1 with errno set (EINVAL when more than 200 rules).
int csnap_cgroup_attach_device_filter(int group_fd, const struct csnap_device_rule *rules, size_t count);

#endif
