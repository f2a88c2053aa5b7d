// C entry points for system calls Swift cannot make directly: variadic functions
// (prctl, ioctl), function-like macros, syscall numbers, and constants some headers
// lack. Every symbol carries the `csnap_` prefix so a reader sees at once that C is
// involved. This target depends on no library, so the launch-path programs can use it.
#ifndef CSNAP_H
#define CSNAP_H

#include <stddef.h>

/// Sets PR_SET_NO_NEW_PRIVS (prctl(2)). Returns 0, or -1 with errno set.
int csnap_set_no_new_privileges(void);

#endif
