#define _GNU_SOURCE
#include "csnap_system.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <string.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

// Older kernel headers lack these; the values are the kernel's ABI.
#ifndef LOOP_CONFIGURE
#define LOOP_CONFIGURE 0x4C0A // linux/loop.h before Linux 5.8
#endif
#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U // linux/stat.h before Linux 5.8
#endif
#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000 // linux/stat.h before Linux 5.8
#endif

int csnap_loop_get_free(int control_fd) {
    return ioctl(control_fd, LOOP_CTL_GET_FREE);
}

int csnap_loop_configure_read_only(int loop_fd, int backing_fd, const char *file_name) {
    struct loop_config config;
    memset(&config, 0, sizeof(config));
    config.fd = (__u32)backing_fd;
    config.info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR;
    if (file_name != NULL) {
        strncpy((char *)config.info.lo_file_name, file_name, LO_NAME_SIZE - 1);
    }
    return ioctl(loop_fd, LOOP_CONFIGURE, &config);
}

int csnap_loop_clear(int loop_fd) {
    return ioctl(loop_fd, LOOP_CLR_FD, 0);
}

ssize_t csnap_copy_file_range(int in_fd, int out_fd, size_t length) {
    return copy_file_range(in_fd, NULL, out_fd, NULL, length, 0);
}

int csnap_syncfs(int fd) {
    return syncfs(fd);
}

int csnap_mount_identity(int dir_fd, const char *path, uint64_t *mount_id, int *is_mount_root) {
    struct statx info;
    int flags = AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | (path[0] == '\0' ? AT_EMPTY_PATH : 0);
    if (statx(dir_fd, path, flags, STATX_MNT_ID, &info) != 0) {
        return -1;
    }
    if ((info.stx_mask & STATX_MNT_ID) == 0) {
        errno = EOPNOTSUPP;
        return -1;
    }
    *mount_id = info.stx_mnt_id;
    if (info.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) {
        *is_mount_root = (info.stx_attributes & STATX_ATTR_MOUNT_ROOT) ? 1 : 0;
    } else {
        *is_mount_root = -1;
    }
    return 0;
}

dev_t csnap_makedev(unsigned int major_number, unsigned int minor_number) {
    return makedev(major_number, minor_number);
}

unsigned int csnap_major(dev_t device) {
    return major(device);
}

unsigned int csnap_minor(dev_t device) {
    return minor(device);
}

int csnap_spawn_actions_add_close_from(void *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np((posix_spawn_file_actions_t *)actions, lowest);
}

const char *csnap_errno_name(int error_number) {
    return strerrorname_np(error_number);
}
