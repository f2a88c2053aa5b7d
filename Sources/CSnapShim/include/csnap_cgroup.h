// C entry points for cgroup tracking: statfs(2) sits in <sys/vfs.h>, which Swift's Glibc
// module does not include.
#ifndef CSNAP_CGROUP_H
#define CSNAP_CGROUP_H

#include <stdint.h>

/// The filesystem type of the filesystem holding `path` (statfs(2) f_type, such as
/// CGROUP2_SUPER_MAGIC). Returns 0 and sets `*type`, or -1 with errno set.
int csnap_filesystem_type(const char *path, int64_t *type);

#endif
