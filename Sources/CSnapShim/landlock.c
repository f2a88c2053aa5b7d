#define _GNU_SOURCE
#include "csnap_landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#endif
#ifndef __NR_landlock_add_rule
#define __NR_landlock_add_rule 445
#endif
#ifndef __NR_landlock_restrict_self
#define __NR_landlock_restrict_self 446
#endif

/// struct landlock_ruleset_attr as of ABI 6 (scopes); an older kernel is given only the
/// leading fields it knows.
struct csnap_landlock_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
    uint64_t scoped;
};

/// struct landlock_path_beneath_attr (packed: 12 bytes).
struct csnap_landlock_path_beneath_attr {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

enum {
    csnap_landlock_create_ruleset_version = 1,
    csnap_landlock_rule_path_beneath = 1,
};

int csnap_landlock_abi_version(void) {
    return (int)syscall(__NR_landlock_create_ruleset, NULL, (size_t)0, (uint32_t)csnap_landlock_create_ruleset_version);
}

int csnap_landlock_create_ruleset(uint64_t handled_fs, uint64_t handled_net, uint64_t scoped) {
    struct csnap_landlock_ruleset_attr attr = {
        .handled_access_fs = handled_fs,
        .handled_access_net = handled_net,
        .scoped = scoped,
    };
    // Pass only as much of the structure as the rights need, so kernels older than the
    // structure see a size they know.
    size_t size = sizeof(attr);
    if (scoped == 0) {
        size = offsetof(struct csnap_landlock_ruleset_attr, scoped);
        if (handled_net == 0) {
            size = offsetof(struct csnap_landlock_ruleset_attr, handled_access_net);
        }
    }
    return (int)syscall(__NR_landlock_create_ruleset, &attr, size, (uint32_t)0);
}

int csnap_landlock_add_path_rule(int ruleset_fd, int parent_fd, uint64_t allowed) {
    struct csnap_landlock_path_beneath_attr attr = {
        .allowed_access = allowed,
        .parent_fd = parent_fd,
    };
    return (int)syscall(__NR_landlock_add_rule, ruleset_fd, csnap_landlock_rule_path_beneath, &attr, (uint32_t)0);
}

int csnap_landlock_restrict_self(int ruleset_fd, uint32_t flags) {
    return (int)syscall(__NR_landlock_restrict_self, ruleset_fd, flags);
}

int csnap_landlock_open_path(const char *path) {
    return open(path, O_PATH | O_CLOEXEC);
}
