// C entry points snap-confine needs to build and join mount namespaces and to give up its
// privileges: calls glibc declares only under _GNU_SOURCE (unshare, setns, setresuid,
// execveat...), variadic ones (prctl, ioctl, syscall), and the CPU-set macros.
#ifndef CSNAP_NAMESPACE_H
#define CSNAP_NAMESPACE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/// CLONE_NEWNS, for csnap_unshare and csnap_setns.
extern const int csnap_clone_newns;
/// O_PATH and AT_EMPTY_PATH (Swift's Glibc module does not define _GNU_SOURCE).
extern const int csnap_o_path;
extern const int csnap_at_empty_path;
/// The magic number statfs(2) reports for an nsfs file (NSFS_MAGIC).
extern const long csnap_nsfs_magic;

/// The filesystem type (statfs(2) f_type) of `path`, or of the file open at `fd` when `path`
/// is NULL. Returns 0 and sets `*type`, or -1 with errno set.
int csnap_statfs_type(int fd, const char *path, long *type);

/// A detached copy of the mount at the directory open at `fd` (open_tree(2) with
/// OPEN_TREE_CLONE | AT_EMPTY_PATH | OPEN_TREE_CLOEXEC, Linux 5.2): a bind mount that is not
/// attached anywhere yet, so it can be attached in a namespace created later. Returns its
/// descriptor, or -1 with errno set.
int csnap_clone_mount(int fd);

/// Attaches the detached mount open at `fd` on `target` (move_mount(2) with
/// MOVE_MOUNT_F_EMPTY_PATH). Returns 0, or -1 with errno set.
int csnap_attach_mount(int fd, const char *target);

/// unshare(2). Returns 0, or -1 with errno set.
int csnap_unshare(int flags);

/// setns(2). Returns 0, or -1 with errno set.
int csnap_setns(int fd, int nstype);

/// pivot_root(2) (no glibc wrapper). Returns 0, or -1 with errno set.
int csnap_pivot_root(const char *new_root, const char *put_old);

/// The 64-bit id of the namespace open at `fd`: ioctl NS_GET_ID (Linux 6.18), falling back to
/// NS_GET_MNTNS_ID (6.8) for a mount namespace. Returns 0 and sets `*id`, or -1 with errno set.
int csnap_namespace_id(int fd, uint64_t *id);

/// The number of CPUs the kernel's CPU sets can name (CPU_SETSIZE).
int csnap_cpu_set_size(void);

/// Reads the calling thread's CPU affinity into `mask` (`count` entries, 1 for an allowed
/// CPU). Returns 0, or -1 with errno set.
int csnap_get_affinity(uint8_t *mask, int count);

/// Sets the calling thread's CPU affinity from `mask` (`count` entries, 1 for allowed).
/// Returns 0, or -1 with errno set.
int csnap_set_affinity(const uint8_t *mask, int count);

/// setresuid(2) and setresgid(2) for the calling thread only (raw system calls: the process
/// is single-threaded, and glibc's cross-thread broadcast is not wanted). Return 0, or -1.
int csnap_setresuid(uid_t real, uid_t effective, uid_t saved);
int csnap_setresgid(gid_t real, gid_t effective, gid_t saved);

/// setgroups(2). Returns 0, or -1 with errno set.
int csnap_setgroups(size_t count, const gid_t *groups);

/// Empties the effective, permitted and inheritable capability sets (capset(2), version 3)
/// and the ambient set (PR_CAP_AMBIENT_CLEAR_ALL). Returns 0, or -1 with errno set.
int csnap_clear_capabilities(void);

/// Keeps only capability `capability` in the permitted and effective sets (capset(2)).
/// Returns 0, or -1 with errno set.
int csnap_keep_only_capability(int capability);

/// Drops every capability from 0 to `last` from the bounding set (PR_CAPBSET_DROP).
/// Returns 0, or -1 with errno set.
int csnap_drop_bounding_set(int last);

/// PR_SET_KEEPCAPS (prctl(2)). Returns 0, or -1 with errno set.
int csnap_set_keep_capabilities(int keep);

/// The value of PR_GET_NO_NEW_PRIVS (1 or 0), or -1 with errno set.
int csnap_get_no_new_privileges(void);

/// The highest Landlock ABI version the kernel supports (landlock_create_ruleset with
/// LANDLOCK_CREATE_RULESET_VERSION), or -1 with errno set (EOPNOTSUPP when disabled, ENOSYS
/// when absent).
int csnap_launcher_landlock_abi(void);

/// execveat(2) with AT_EMPTY_PATH: runs the program open at `fd`. Returns only on failure,
/// -1 with errno set.
int csnap_execute_descriptor(int fd, char *const argv[], char *const envp[]);

#endif
