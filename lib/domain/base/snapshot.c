/* Row snapshots and their iterators (see snapshot.h). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <time.h>

#include "util/alloc.h"
#include "domain/base/domain.h"
#include "domain/base/snapshot.h"
#include "domain/base/tables.h"

/* The first member of every snapshot struct. */
static cpol_record **snapshot_row(void *snap)
{
    return (cpol_record **)snap;
}

int cpol__snapshot_get(cpol_ctx *ctx, const cpol_table *t, const cpol_id *id, const char *what, size_t size,
                       cpol__snapshot_refresh refresh, void **out)
{
    void *snap = cpol__calloc(1, size);
    int rc;
    *out = NULL;
    if (!snap)
        return cpol__oom();
    rc = cpol__load(ctx, t, id, what, snapshot_row(snap));
    if (rc >= 0)
        rc = refresh(ctx->store, snap);
    if (rc < 0) {
        cpol__snapshot_free(snap);
        return rc;
    }
    *out = snap;
    return CPOL_OK;
}

void cpol__snapshot_free(void *snap)
{
    if (!snap)
        return;
    cpol__record_free(*snapshot_row(snap));
    cpol_free(snap);
}

int cpol__snapshot_iter_new(cpol_ctx *ctx, const cpol_query *q, size_t size, size_t snap_offset,
                            cpol__snapshot_refresh refresh, void **out)
{
    cpol__snapshot_iter *it = cpol__calloc(1, size);
    int rc;
    *out = NULL;
    if (!it)
        return cpol__oom();
    it->snap = (char *)it + snap_offset;
    it->refresh = refresh;
    it->store = ctx->store;
    cpol__store_retain(ctx->store);
    rc = cpol__record_new(q->table, snapshot_row(it->snap));
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &it->cursor);
    if (rc < 0) {
        cpol__snapshot_iter_free(it);
        return rc;
    }
    *out = it;
    return CPOL_OK;
}

int cpol__snapshot_iter_next(void *iter)
{
    cpol__snapshot_iter *it = iter;
    int rc = cpol__cursor_next(it->cursor, *snapshot_row(it->snap));
    if (rc != CPOL_OK)
        return rc;
    return it->refresh(it->store, it->snap);
}

void cpol__snapshot_iter_free(void *iter)
{
    cpol__snapshot_iter *it = iter;
    if (!it)
        return;
    cpol__cursor_close(it->cursor);
    cpol__record_free(*snapshot_row(it->snap));
    cpol__store_release(it->store);
    cpol_free(it);
}

int cpol__count_rows(cpol_ctx *ctx, cpol_query *q, int rc, int64_t *n)
{
    *n = 0;
    if (rc >= 0)
        rc = cpol__store_count(ctx->store, q, n);
    cpol__query_free(q);
    return rc;
}

int cpol__query_first(cpol_ctx *ctx, cpol_query *q, cpol_record **out)
{
    cpol_cursor *c = NULL;
    int rc;
    *out = NULL;
    cpol__query_page(q, 0, 1);
    rc = cpol__record_new(q->table, out);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    if (rc >= 0)
        rc = cpol__cursor_next(c, *out);
    cpol__cursor_close(c);
    cpol__query_free(q);
    if (rc != CPOL_OK) {
        cpol__record_free(*out);
        *out = NULL;
    }
    return rc == CPOL_OK ? 1 : rc == CPOL_DONE ? 0 : rc;
}

int cpol__sum_rows(cpol_ctx *ctx, cpol_query *q, int rc, int col, int64_t *sum)
{
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    *sum = 0;
    if (rc >= 0)
        rc = cpol__record_new(q->table, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK)
        *sum += cpol__record_int(r, (unsigned int)col);
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(q);
    return rc < 0 ? rc : CPOL_OK;
}

int cpol__person_exists(cpol_ctx *ctx, const cpol_id *person)
{
    cpol_record *p;
    int rc = cpol__load(ctx, &cpol__table_person, person, "person", &p);
    cpol__record_free(p);
    return rc;
}

int cpol__check_time_range(const char *func, cpol_time from, cpol_time to)
{
    if (from < 0 || to < 0 || (to && to < from))
        return cpol__error(CPOL_EINVALID, "%s: [%lld, %lld) is not a time window (0 means no bound)", func,
                           (long long)from, (long long)to);
    return CPOL_OK;
}

int cpol__query_where_range(cpol_query *q, int col, cpol_time from, cpol_time to)
{
    int rc = CPOL_OK;
    if (from)
        rc = cpol__query_where_int(q, col, CPOL_OP_GE, from);
    if (rc >= 0 && to)
        rc = cpol__query_where_int(q, col, CPOL_OP_LT, to);
    return rc;
}

void cpol__time_text(cpol_time t, char buf[CPOL__TIME_TEXT])
{
    time_t s = (time_t)(t / 1000);
    struct tm tm;
    if (!gmtime_r(&s, &tm) || strftime(buf, CPOL__TIME_TEXT, "%Y-%m-%d %H:%M UTC", &tm) == 0)
        snprintf(buf, CPOL__TIME_TEXT, "%lld ms", (long long)t);
}
