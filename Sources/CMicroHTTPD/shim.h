// Umbrella header for the CMicroHTTPD system library (Debian package libmicrohttpd-dev).
#include <microhttpd.h>
