// C entry points the SnapSystem module needs for mounting images and copying files: the loop
// device ioctls (ioctl(2) is variadic), and calls whose glibc declarations sit behind
// _GNU_SOURCE, which Swift's Glibc module does not define (copy_file_range, syncfs, statx,
// strerrorname_np) or are function-like macros (makedev, major, minor).
#ifndef CSNAP_SYSTEM_H
#define CSNAP_SYSTEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/// Asks /dev/loop-control for the number of a free loop device, creating one when none is
/// free (ioctl LOOP_CTL_GET_FREE, loop(4)). Returns the number, or -1 with errno set.
int csnap_loop_get_free(int control_fd);

/// Binds `backing_fd` to the loop device open at `loop_fd` in one step (ioctl LOOP_CONFIGURE,
/// Linux 5.8): read-only, detached automatically when its last user goes away
/// (LO_FLAGS_AUTOCLEAR), buffered I/O (no LO_FLAGS_DIRECT_IO), block size left to the kernel,
/// and `file_name` recorded as the informational name losetup shows (truncated to 63 bytes).
/// Returns 0, or -1 with errno set (EBUSY when another process bound the device first,
/// EINVAL or ENOTTY on kernels without LOOP_CONFIGURE).
int csnap_loop_configure_read_only(int loop_fd, int backing_fd, const char *file_name);

/// Detaches the loop device open at `loop_fd` from its backing file (ioctl LOOP_CLR_FD).
/// Returns 0, or -1 with errno set.
int csnap_loop_clear(int loop_fd);

/// Copies up to `length` bytes from `in_fd` to `out_fd` at their current offsets, advancing
/// both (copy_file_range(2) with NULL offsets). Returns the number of bytes copied (0 at end
/// of file), or -1 with errno set (EXDEV, EINVAL, EOPNOTSUPP or ENOSYS when the kernel
/// cannot copy between these files).
ssize_t csnap_copy_file_range(int in_fd, int out_fd, size_t length);

/// Commits the filesystem holding `fd` to disk (syncfs(2)). Returns 0, or -1 with errno set.
int csnap_syncfs(int fd);

/// Reports which mount `path` (relative to `dir_fd`; "" with AT_EMPTY_PATH for `dir_fd`
/// itself) lives on, without following a final symlink (statx(2) with STATX_MNT_ID,
/// AT_SYMLINK_NOFOLLOW). Sets `*mount_id`, and `*is_mount_root` to 1 when the object is the
/// root of its mount (STATX_ATTR_MOUNT_ROOT), 0 when not, -1 when the kernel does not say.
/// Returns 0, or -1 with errno set; errno is EOPNOTSUPP when the kernel reports no mount ID.
int csnap_mount_identity(int dir_fd, const char *path, uint64_t *mount_id, int *is_mount_root);

/// Builds a device number from its major and minor parts (makedev(3)).
dev_t csnap_makedev(unsigned int major_number, unsigned int minor_number);

/// The major part of a device number (major(3)).
unsigned int csnap_major(dev_t device);

/// The minor part of a device number (minor(3)).
unsigned int csnap_minor(dev_t device);

/// Adds to spawn file actions the closing of every descriptor from `lowest` up
/// (posix_spawn_file_actions_addclosefrom_np, glibc 2.34), so a helper that stays in the
/// background inherits nothing but its standard streams. Returns 0, or an errno value.
int csnap_spawn_actions_add_close_from(void *actions, int lowest);

/// The symbolic name of an errno value, such as "ENOSPC" (strerrorname_np(3), glibc 2.32).
/// Returns NULL for a value glibc does not know.
const char *csnap_errno_name(int error_number);

#endif
