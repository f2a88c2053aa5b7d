// Process-spawning helpers whose glibc declarations need _GNU_SOURCE, which Swift's Glibc
// module does not define.
#ifndef CSNAP_SPAWN_H
#define CSNAP_SPAWN_H

#include <spawn.h>

/// Creates a pipe whose both ends are close-on-exec (pipe2(2) with O_CLOEXEC).
/// Returns 0, or -1 with errno set.
int csnap_pipe_cloexec(int fds[2]);

/// Adds a chdir(2) to `path` to spawn file actions (posix_spawn_file_actions_addchdir_np).
/// Returns 0, or an errno value (it does not set errno).
int csnap_spawn_actions_add_chdir(posix_spawn_file_actions_t *actions, const char *path);

#endif
