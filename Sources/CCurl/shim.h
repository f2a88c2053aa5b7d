// Umbrella header for the CCurl system library (Debian package libcurl4-openssl-dev).
#include <curl/curl.h>
