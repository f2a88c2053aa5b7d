// Umbrella header for the CSQLite3 system library (Debian package libsqlite3-dev).
#include <sqlite3.h>
