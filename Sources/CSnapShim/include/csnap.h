// C entry points for calls Swift cannot make directly: variadic functions,
// function-like macros and constants some headers lack. Every symbol carries
// the `csnap_` prefix so a reader sees at once that C is involved.
#ifndef CSNAP_H
#define CSNAP_H

#include <stddef.h>
#include <sqlite3.h>

/// Binds a copy of `length` bytes of UTF-8 text (NULL `text` binds ""); SQLite owns the copy
/// (SQLITE_TRANSIENT, a macro Swift cannot import). Returns an SQLite result code.
int csnap_sqlite3_bind_text_copy(sqlite3_stmt *statement, int index, const char *text, int length);

/// Binds a copy of `length` bytes as a blob (SQLITE_TRANSIENT; NULL `bytes` binds an empty blob). Returns an SQLite result code.
int csnap_sqlite3_bind_blob_copy(sqlite3_stmt *statement, int index, const void *bytes, int length);

#endif
