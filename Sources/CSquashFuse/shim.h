// Umbrella header for the CSquashFuse system library (Debian package libsquashfuse-dev).
#include <squashfuse/squashfuse.h>
