#define _GNU_SOURCE
#include "csnap_namespace.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef NSIO
#define NSIO 0xb7
#endif
#define CSNAP_NS_GET_MNTNS_ID _IOR(NSIO, 0x5, uint64_t)
#define CSNAP_NS_GET_ID _IOR(NSIO, 13, uint64_t)
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif

const int csnap_clone_newns = CLONE_NEWNS;
const int csnap_o_path = O_PATH;
const int csnap_at_empty_path = AT_EMPTY_PATH;
const long csnap_nsfs_magic = 0x6e736673;

int csnap_statfs_type(int fd, const char *path, long *type) {
    struct statfs status;
    int result = path != NULL ? statfs(path, &status) : fstatfs(fd, &status);
    if (result != 0) return -1;
    *type = (long)status.f_type;
    return 0;
}

#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#define CSNAP_OPEN_TREE_CLONE 1
#define CSNAP_MOVE_MOUNT_F_EMPTY_PATH 0x00000004

int csnap_clone_mount(int fd) {
    return (int)syscall(SYS_open_tree, fd, "", CSNAP_OPEN_TREE_CLONE | AT_EMPTY_PATH | O_CLOEXEC);
}

int csnap_attach_mount(int fd, const char *target) {
    return (int)syscall(SYS_move_mount, fd, "", AT_FDCWD, target, CSNAP_MOVE_MOUNT_F_EMPTY_PATH);
}

int csnap_unshare(int flags) { return unshare(flags); }

int csnap_setns(int fd, int nstype) { return setns(fd, nstype); }

int csnap_pivot_root(const char *new_root, const char *put_old) {
    return (int)syscall(SYS_pivot_root, new_root, put_old);
}

int csnap_namespace_id(int fd, uint64_t *id) {
    uint64_t value = 0;
    if (ioctl(fd, CSNAP_NS_GET_ID, &value) == 0) {
        *id = value;
        return 0;
    }
    if (errno != ENOTTY && errno != EINVAL) return -1;
    if (ioctl(fd, CSNAP_NS_GET_MNTNS_ID, &value) != 0) return -1;
    *id = value;
    return 0;
}

int csnap_cpu_set_size(void) { return CPU_SETSIZE; }

int csnap_get_affinity(uint8_t *mask, int count) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
    for (int cpu = 0; cpu < count && cpu < CPU_SETSIZE; cpu++) mask[cpu] = CPU_ISSET(cpu, &set) ? 1 : 0;
    return 0;
}

int csnap_set_affinity(const uint8_t *mask, int count) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int cpu = 0; cpu < count && cpu < CPU_SETSIZE; cpu++)
        if (mask[cpu]) CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set);
}

int csnap_setresuid(uid_t real, uid_t effective, uid_t saved) {
    return (int)syscall(SYS_setresuid, real, effective, saved);
}

int csnap_setresgid(gid_t real, gid_t effective, gid_t saved) {
    return (int)syscall(SYS_setresgid, real, effective, saved);
}

int csnap_setgroups(size_t count, const gid_t *groups) { return (int)syscall(SYS_setgroups, count, groups); }

static int set_capabilities(uint64_t effective, uint64_t permitted) {
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    data[0].effective = (uint32_t)effective;
    data[1].effective = (uint32_t)(effective >> 32);
    data[0].permitted = (uint32_t)permitted;
    data[1].permitted = (uint32_t)(permitted >> 32);
    return (int)syscall(SYS_capset, &header, data);
}

int csnap_clear_capabilities(void) {
    if (prctl(PR_CAP_AMBIENT, (unsigned long)PR_CAP_AMBIENT_CLEAR_ALL, 0UL, 0UL, 0UL) != 0 && errno != EINVAL) return -1;
    return set_capabilities(0, 0);
}

int csnap_keep_only_capability(int capability) {
    uint64_t bit = (uint64_t)1 << capability;
    return set_capabilities(bit, bit);
}

int csnap_drop_bounding_set(int last) {
    for (int capability = 0; capability <= last; capability++) {
        if (prctl(PR_CAPBSET_DROP, (unsigned long)capability, 0UL, 0UL, 0UL) != 0 && errno != EINVAL) return -1;
    }
    return 0;
}

int csnap_set_keep_capabilities(int keep) { return prctl(PR_SET_KEEPCAPS, (unsigned long)keep, 0UL, 0UL, 0UL); }

int csnap_get_no_new_privileges(void) { return prctl(PR_GET_NO_NEW_PRIVS, 0UL, 0UL, 0UL, 0UL); }

int csnap_launcher_landlock_abi(void) {
    return (int)syscall(SYS_landlock_create_ruleset, NULL, 0, 1U << 0);
}

int csnap_execute_descriptor(int fd, char *const argv[], char *const envp[]) {
    return (int)syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
}
