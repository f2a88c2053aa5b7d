// Umbrella header for the CAppArmor system library (Debian package libapparmor-dev).
#include <sys/apparmor.h>
