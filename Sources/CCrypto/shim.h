// Umbrella header for the CCrypto system library (Debian package libssl-dev).
#include <openssl/evp.h>
