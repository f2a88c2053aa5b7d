// C entry points for Landlock (landlock(7)): the three system calls have no glibc
// wrappers, and the installed kernel headers may predate the ABI versions the running
// kernel offers, so the attribute structures are declared here with the layout of the
// newest ABI this project knows (network rights from ABI 4, scopes from ABI 6).
#ifndef CSNAP_LANDLOCK_H
#define CSNAP_LANDLOCK_H

#include <stdint.h>

/// The Landlock ABI version of the running kernel (landlock_create_ruleset(NULL, 0,
/// LANDLOCK_CREATE_RULESET_VERSION)). Returns the version (1 or more), or -1 with errno set:
/// ENOSYS when the kernel lacks Landlock, EOPNOTSUPP when it is built in but disabled.
int csnap_landlock_abi_version(void);

/// Creates a ruleset that handles the given filesystem and network rights and scopes
/// (landlock_create_ruleset(2)). Rights the running ABI does not know must be left out:
/// the kernel refuses unknown bits with EINVAL. Returns the ruleset's descriptor (close on
/// exec), or -1 with errno set.
int csnap_landlock_create_ruleset(uint64_t handled_fs, uint64_t handled_net, uint64_t scoped);

/// Allows `allowed` filesystem rights on the hierarchy open at `parent_fd` (an O_PATH
/// descriptor) in `ruleset_fd` (LANDLOCK_RULE_PATH_BENEATH). Returns 0, or -1 with errno set.
int csnap_landlock_add_path_rule(int ruleset_fd, int parent_fd, uint64_t allowed);

/// Opens `path` for use as a rule's object (open(2) with O_PATH | O_CLOEXEC, following
/// symlinks; O_PATH sits behind _GNU_SOURCE). Returns the descriptor, or -1 with errno set.
int csnap_landlock_open_path(const char *path);

/// Restricts the calling thread and its future children to `ruleset_fd`
/// (landlock_restrict_self(2)); `flags` is 0 or the ABI 7 logging flags. Needs no_new_privs
/// or CAP_SYS_ADMIN in the caller's user namespace. Returns 0, or -1 with errno set.
int csnap_landlock_restrict_self(int ruleset_fd, uint32_t flags);

#endif
