#define _GNU_SOURCE
#include "csnap_spawn.h"

#include <fcntl.h>
#include <unistd.h>

int csnap_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

int csnap_spawn_actions_add_chdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}
