/* Building SQL text for the SQL backends (SQLite, PostgreSQL). Only
 * identifiers from the core's schema and fixed keywords go into the text;
 * values are always bound as parameters. An allocation failure is sticky:
 * later appends do nothing and `oom` stays set for the caller to check. */
#ifndef CPOL_STORAGE_SQL_TEXT_H
#define CPOL_STORAGE_SQL_TEXT_H

#include <stddef.h>

typedef struct cpol__sql_buf {
    char *p;
    size_t len, cap;
    int oom;
} cpol__sql_buf;

#define CPOL__SQL_BUF_INIT {NULL, 0, 0, 0}

void cpol__sql_buf_add(cpol__sql_buf *b, const char *s, size_t n);
void cpol__sql_buf_str(cpol__sql_buf *b, const char *s);
/* A double-quoted SQL identifier (embedded quotes doubled). */
void cpol__sql_buf_ident(cpol__sql_buf *b, const char *id);
void cpol__sql_buf_int(cpol__sql_buf *b, long long v);
/* Release the text; the buffer can be reused. */
void cpol__sql_buf_free(cpol__sql_buf *b);

#endif
