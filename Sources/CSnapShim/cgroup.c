#include "csnap_cgroup.h"

#include <sys/vfs.h>

int csnap_filesystem_type(const char *path, int64_t *type) {
    struct statfs status;
    if (statfs(path, &status) != 0) {
        return -1;
    }
    *type = (int64_t)status.f_type;
    return 0;
}
