/* Reading rows back for callers: snapshots of one row and iterators that
 * hand them out, for the objects that are one row plus a few cached ids
 * (courses, sessions, shifts, sign-ups, ...), and the small query helpers
 * their modules share (counts, time windows, times in messages).
 *
 * A snapshot struct must start with its `cpol_record *row` member; the
 * refresh callback fills the cached fields from that row. An iterator struct
 * must start with a cpol__snapshot_iter and embed its current snapshot. */
#ifndef CPOL_DOMAIN_SNAPSHOT_H
#define CPOL_DOMAIN_SNAPSHOT_H

#include <stddef.h>

#include "store/context.h"
#include "store/record.h"

/* Fill a snapshot's cached fields from its row. `store` may be read for
 * derived values (counts); the function returns a status. */
typedef int (*cpol__snapshot_refresh)(cpol_store *store, void *snap);

/* Load row `id` of table t into a new snapshot of `size` bytes. */
int cpol__snapshot_get(cpol_ctx *ctx, const cpol_table *t, const cpol_id *id, const char *what, size_t size,
                       cpol__snapshot_refresh refresh, void **out);
/* Free a snapshot made by cpol__snapshot_get() (NULL is fine). */
void cpol__snapshot_free(void *snap);

typedef struct cpol__snapshot_iter {
    cpol_store *store;     /* held: the iterator may outlive its context */
    cpol_cursor *cursor;
    void *snap;            /* the current snapshot, inside the enclosing iterator */
    cpol__snapshot_refresh refresh;
} cpol__snapshot_iter;

/* Allocate an iterator of `size` bytes (starting with a cpol__snapshot_iter,
 * its snapshot at `snap_offset`) over the rows of q. */
int cpol__snapshot_iter_new(cpol_ctx *ctx, const cpol_query *q, size_t size, size_t snap_offset,
                            cpol__snapshot_refresh refresh, void **out);
/* Advance: CPOL_OK with the snapshot filled, CPOL_DONE, or an error. */
int cpol__snapshot_iter_next(void *it);
/* Free an iterator (NULL is fine). */
void cpol__snapshot_iter_free(void *it);

/* Count the rows of q (then freed), unless rc already failed: returns rc or
 * the count's status. */
int cpol__count_rows(cpol_ctx *ctx, cpol_query *q, int rc, int64_t *n);

/* Load the first row of q (then freed) into a new record: 1 and *out set,
 * 0 (*out NULL) if there is none, <0 on error. */
int cpol__query_first(cpol_ctx *ctx, cpol_query *q, cpol_record **out);

/* Sum integer column col over the rows of q (then freed), unless rc already
 * failed: returns rc or the query's status. */
int cpol__sum_rows(cpol_ctx *ctx, cpol_query *q, int rc, int col, int64_t *sum);

/* CPOL_OK if the person exists, else CPOL_ENOTFOUND naming it. */
int cpol__person_exists(cpol_ctx *ctx, const cpol_id *person);

/* Time windows [from, to) where 0 means "no bound": check the caller's
 * values (CPOL_EINVALID naming func), and add them to a query. */
int cpol__check_time_range(const char *func, cpol_time from, cpol_time to);
int cpol__query_where_range(cpol_query *q, int col, cpol_time from, cpol_time to);

/* A time for messages: "2025-06-23 08:30 UTC". */
#define CPOL__TIME_TEXT 24
void cpol__time_text(cpol_time t, char buf[CPOL__TIME_TEXT]);

#endif
