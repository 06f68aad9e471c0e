/* The SQL text builder shared by the SQL backends (see sql_text.h). */
#include <stdio.h>
#include <string.h>

#include <commpolice/common.h>
#include <commpolice/sys/alloc.h>

#include "backends/sql_text.h"

void cpol__sql_buf_add(cpol__sql_buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 128;
        char *p;
        while (cap < b->len + n + 1)
            cap *= 2;
        p = cpol_realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void cpol__sql_buf_str(cpol__sql_buf *b, const char *s)
{
    cpol__sql_buf_add(b, s, strlen(s));
}

void cpol__sql_buf_ident(cpol__sql_buf *b, const char *id)
{
    const char *q;
    cpol__sql_buf_add(b, "\"", 1);
    while ((q = strchr(id, '"')) != NULL) {
        cpol__sql_buf_add(b, id, (size_t)(q - id) + 1);
        cpol__sql_buf_add(b, "\"", 1);
        id = q + 1;
    }
    cpol__sql_buf_str(b, id);
    cpol__sql_buf_add(b, "\"", 1);
}

void cpol__sql_buf_int(cpol__sql_buf *b, long long v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%lld", v);
    cpol__sql_buf_add(b, tmp, (size_t)n);
}

void cpol__sql_buf_free(cpol__sql_buf *b)
{
    cpol_free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}
