#include "csnap.h"

int csnap_sqlite3_bind_text_copy(sqlite3_stmt *statement, int index, const char *text, int length) {
    if (text == NULL) {
        return sqlite3_bind_text(statement, index, "", 0, SQLITE_STATIC);
    }
    return sqlite3_bind_text(statement, index, text, length, SQLITE_TRANSIENT);
}

int csnap_sqlite3_bind_blob_copy(sqlite3_stmt *statement, int index, const void *bytes, int length) {
    if (bytes == NULL) {
        return sqlite3_bind_zeroblob(statement, index, 0);
    }
    return sqlite3_bind_blob(statement, index, bytes, length, SQLITE_TRANSIENT);
}
