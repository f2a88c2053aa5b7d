// Umbrella header for the CSeccomp system library (Debian package libseccomp-dev).
#include <seccomp.h>
