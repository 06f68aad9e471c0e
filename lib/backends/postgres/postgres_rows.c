/* The PostgreSQL backend, part 4: rows (insert, update, remove, get),
 * queries, counts and cursors. See postgres.c for the overview. */
#include <string.h>

#include <commpolice/context.h>
#include <commpolice/errors.h>
#include <commpolice/sys/alloc.h>
#include <commpolice/sys/errors.h>
#include <commpolice/sys/storage.h>

#include "util/alloc.h"
#include "util/error.h"
#include "backends/postgres/postgres.h"

/* A cursor holds its whole result, so it outlives writes and the state. */
typedef struct pg_cursor {
    PGresult *res;
    int row, nrows;
    unsigned int ncols;
} pg_cursor;

/* ---- rows ---- */

static int pg_table_lookup(pg_state *st, const cpol_table *t, pg_table **out)
{
    const char *name = cpol_table_name(t);
    unsigned int ncols = cpol_table_column_count(t);
    unsigned int i, nidx;
    pg_table *tc;

    *out = NULL;
    if (!t || !name || ncols == 0)
        return cpol__error(CPOL_EMISUSE, "postgresql: record without a valid table (on %s)", st->where);
    for (tc = st->tables; tc; tc = tc->next) {
        if (tc->table == t && tc->ncols == ncols && strcmp(tc->name, name) == 0) {
            *out = tc;
            return CPOL_OK;
        }
    }
    for (i = 0; i < ncols; i++)
        if (!cpol_table_column_name(t, i))
            return cpol__error(CPOL_EINVALID, "postgresql: table '%s' column %u has no name", name, i);
    tc = cpol__calloc(1, sizeof *tc);
    if (!tc)
        return cpol__oom();
    tc->name = cpol__strdup(name);
    if (!tc->name) {
        cpol_free(tc);
        return cpol__oom();
    }
    tc->table = t;
    tc->ncols = ncols;
    nidx = cpol_table_index_count(t);
    for (i = 0; i < nidx; i++)
        if (cpol_table_index_unique(t, i))
            tc->has_unique = 1;
    tc->next = st->tables;
    st->tables = tc;
    *out = tc;
    return CPOL_OK;
}

static const char *const op_what[PG_OP_COUNT] = {"insert", "update", "delete", "select"};

/* The table's cached statement for op, after checking the connection. */
static int pg_table_stmt(pg_state *st, const cpol_table *t, int op, pg_table **tc_out, pg_stmt **out)
{
    pg_table *tc;
    cpol__sql_buf b = CPOL__SQL_BUF_INIT;
    int rc = pg_table_lookup(st, t, &tc);
    *out = NULL;
    if (rc < 0)
        return rc;
    *tc_out = tc;
    if (!tc->ops[op]) {
        cpol__pg_build_op(&b, st, t, tc->ncols, op);
        if (b.oom) {
            cpol__sql_buf_free(&b);
            return cpol__oom();
        }
        rc = cpol__pg_stmt_lookup(st, b.p, b.len, PG_CACHE_FIXED, &tc->ops[op]);
        cpol__sql_buf_free(&b);
        if (rc < 0)
            return rc;
    }
    *out = tc->ops[op];
    return cpol__pg_ready(st);
}

/* Parameters for columns first..ncols-1 of rec, then column 0 if key_last. */
static int row_params(pg_state *st, const pg_table *tc, const cpol_record *rec, unsigned int first, int key_last,
                      pg_params *p)
{
    unsigned int i;
    int rc = cpol__pg_params_init(p, (int)tc->ncols + 1);
    for (i = first; rc >= 0 && i < tc->ncols; i++)
        rc = cpol__pg_param_column(st, p, cpol_record_value(rec, i), cpol_table_column_type(tc->table, i), tc->name,
                             cpol_table_column_name(tc->table, i));
    if (rc >= 0 && key_last)
        rc = cpol__pg_param_column(st, p, cpol_record_value(rec, 0), cpol_table_column_type(tc->table, 0), tc->name,
                             cpol_table_column_name(tc->table, 0));
    if (rc < 0)
        cpol__pg_params_free(p);
    return rc;
}

static int rows_changed(PGresult *res)
{
    const char *n = PQcmdTuples(res);
    return n && *n && strcmp(n, "0") != 0;
}

int cpol__pg_insert(void *state, const cpol_record *rec)
{
    pg_state *st = state;
    pg_table *tc;
    pg_stmt *e;
    pg_params p;
    PGresult *res = NULL;
    int rc;
    if (!rec)
        return cpol__error(CPOL_EMISUSE, "postgresql: insert: record is NULL");
    rc = pg_table_stmt(st, cpol_record_table(rec), PG_OP_INSERT, &tc, &e);
    if (rc >= 0)
        rc = row_params(st, tc, rec, 0, 0, &p);
    if (rc < 0)
        return rc;
    if (st->in_tx && !st->tx_failed && !st->readonly && (cpol_table_flags(tc->table) & CPOL_TABLE_APPEND_ONLY)) {
        /* Never conflicts (the core's promise): defer it; the next statement
         * or the commit sends the batch in one round trip (cpol__pg_flush). */
        if (st->nqueued >= PG_MAX_QUEUED)
            rc = cpol__pg_flush(st, "insert");
        if (rc >= 0)
            rc = cpol__pg_prepare(st, e, "insert");
        if (rc >= 0)
            rc = cpol__pg_enqueue(st, e, tc->name, &p);
        cpol__pg_params_free(&p);
        return rc;
    }
    rc = cpol__pg_exec_stmt(st, e, e->sql, &p, &res, "insert");
    cpol__pg_params_free(&p);
    if (rc < 0)
        return rc;
    if (!rows_changed(res))
        rc = cpol__error(CPOL_EEXISTS,
                         "postgresql: insert into table '%s' on %s: a row with this primary key or unique value "
                         "already exists",
                         tc->name, st->where);
    PQclear(res);
    return rc;
}

int cpol__pg_update(void *state, const cpol_record *rec)
{
    pg_state *st = state;
    pg_table *tc;
    pg_stmt *e;
    pg_params p;
    PGresult *res = NULL;
    int rc;
    if (!rec)
        return cpol__error(CPOL_EMISUSE, "postgresql: update: record is NULL");
    rc = pg_table_stmt(st, cpol_record_table(rec), PG_OP_UPDATE, &tc, &e);
    if (rc >= 0)
        rc = row_params(st, tc, rec, 1, 1, &p);
    if (rc < 0)
        return rc;
    rc = cpol__pg_exec_stmt(st, e, e->sql, &p, &res, "update");
    cpol__pg_params_free(&p);
    if (rc == CPOL_EEXISTS) /* only a row the statement could not see yet gets here */
        return cpol__error(CPOL_EEXISTS, "postgresql: update of table '%s' on %s: a row with this unique value "
                                         "already exists",
                           tc->name, st->where);
    if (rc < 0)
        return rc;
    if (tc->has_unique && tc->ncols > 1) {
        /* the checked update answers (collision, rows updated) */
        if (PQntuples(res) == 1 && cpol__pg_cell_int(res, 0, 0))
            rc = cpol__error(CPOL_EEXISTS,
                             "postgresql: update of table '%s' on %s: a row with this unique value already exists",
                             tc->name, st->where);
        else if (PQntuples(res) != 1 || cpol__pg_cell_int(res, 0, 1) == 0)
            rc = cpol__error(CPOL_ENOTFOUND, "postgresql: update: no row with this key in table '%s'", tc->name);
    } else if (!rows_changed(res)) {
        rc = cpol__error(CPOL_ENOTFOUND, "postgresql: update: no row with this key in table '%s'", tc->name);
    }
    PQclear(res);
    return rc;
}

int cpol__pg_remove(void *state, const cpol_record *key)
{
    pg_state *st = state;
    pg_table *tc;
    pg_stmt *e;
    pg_params p;
    PGresult *res = NULL;
    int rc;
    if (!key)
        return cpol__error(CPOL_EMISUSE, "postgresql: remove: key is NULL");
    rc = pg_table_stmt(st, cpol_record_table(key), PG_OP_REMOVE, &tc, &e);
    if (rc >= 0)
        rc = row_params(st, tc, key, tc->ncols, 1, &p);
    if (rc < 0)
        return rc;
    rc = cpol__pg_exec_stmt(st, e, e->sql, &p, &res, op_what[PG_OP_REMOVE]);
    cpol__pg_params_free(&p);
    if (rc >= 0 && !rows_changed(res))
        rc = cpol__error(CPOL_ENOTFOUND, "postgresql: delete: no row with this key in table '%s'", tc->name);
    PQclear(res);
    return rc;
}

int cpol__pg_get(void *state, cpol_record *rec)
{
    pg_state *st = state;
    pg_table *tc;
    pg_stmt *e;
    pg_params p;
    PGresult *res = NULL;
    unsigned int i;
    int rc;
    if (!rec)
        return cpol__error(CPOL_EMISUSE, "postgresql: get: record is NULL");
    rc = pg_table_stmt(st, cpol_record_table(rec), PG_OP_GET, &tc, &e);
    if (rc >= 0)
        rc = row_params(st, tc, rec, tc->ncols, 1, &p);
    if (rc < 0)
        return rc;
    rc = cpol__pg_exec_stmt(st, e, e->sql, &p, &res, op_what[PG_OP_GET]);
    cpol__pg_params_free(&p);
    if (rc < 0)
        return rc;
    if (PQntuples(res) == 0)
        rc = cpol__error(CPOL_ENOTFOUND, "postgresql: no row with this key in table '%s'", tc->name);
    for (i = 1; rc >= 0 && i < tc->ncols; i++)
        rc = cpol__pg_fill(res, 0, (int)i - 1, rec, i);
    PQclear(res);
    return rc;
}

/* ---- queries ---- */

static int pg_run_query(pg_state *st, const cpol_query *q, int count, PGresult **res_out)
{
    cpol__sql_buf b = CPOL__SQL_BUF_INIT;
    pg_params p;
    pg_stmt *e = NULL;
    int rc = cpol__pg_ready(st);
    *res_out = NULL;
    if (rc < 0)
        return rc;
    memset(&p, 0, sizeof p);
    rc = cpol__pg_build_query(st, q, count, &b, &p);
    if (rc >= 0 && b.oom)
        rc = cpol__oom();
    if (rc >= 0)
        rc = cpol__pg_stmt_lookup(st, b.p, b.len, PG_CACHE_QUERY, &e);
    if (rc >= 0)
        rc = cpol__pg_exec_stmt(st, e, b.p, &p, res_out, count ? "count" : "query");
    cpol__pg_params_free(&p);
    cpol__sql_buf_free(&b);
    return rc;
}

int cpol__pg_query_open(void *state, const cpol_query *q, void **cursor_out)
{
    pg_state *st = state;
    pg_cursor *c;
    PGresult *res = NULL;
    int rc;
    if (!cursor_out)
        return cpol__error(CPOL_EMISUSE, "postgresql: query_open: cursor_out is NULL");
    *cursor_out = NULL;
    if (!q)
        return cpol__error(CPOL_EMISUSE, "postgresql: query_open: query is NULL");
    c = cpol__calloc(1, sizeof *c);
    if (!c)
        return cpol__oom();
    rc = pg_run_query(st, q, 0, &res);
    if (rc < 0) {
        cpol_free(c);
        return rc;
    }
    c->res = res;
    c->nrows = PQntuples(res);
    c->ncols = cpol_table_column_count(cpol_query_table(q));
    if ((unsigned int)PQnfields(res) < c->ncols)
        c->ncols = (unsigned int)PQnfields(res);
    *cursor_out = c;
    return CPOL_OK;
}

int cpol__pg_cursor_next(void *cursor, cpol_record *rec)
{
    pg_cursor *c = cursor;
    unsigned int i;
    int rc;
    if (!c || !rec)
        return cpol__error(CPOL_EMISUSE, "postgresql: cursor_next: %s is NULL", c ? "record" : "cursor");
    if (c->row >= c->nrows)
        return CPOL_DONE;
    for (i = 0; i < c->ncols; i++) {
        rc = cpol__pg_fill(c->res, c->row, (int)i, rec, i);
        if (rc < 0)
            return rc; /* the row stays current: the next call retries it */
    }
    c->row++;
    return CPOL_OK;
}

void cpol__pg_cursor_close(void *cursor)
{
    pg_cursor *c = cursor;
    if (!c)
        return;
    PQclear(c->res);
    cpol_free(c);
}

int cpol__pg_count(void *state, const cpol_query *q, int64_t *out)
{
    pg_state *st = state;
    PGresult *res = NULL;
    int rc;
    if (!q || !out)
        return cpol__error(CPOL_EMISUSE, "postgresql: count: %s is NULL", q ? "out" : "query");
    rc = pg_run_query(st, q, 1, &res);
    if (rc < 0)
        return rc;
    *out = PQntuples(res) == 1 ? cpol__pg_cell_int(res, 0, 0) : 0;
    PQclear(res);
    return CPOL_OK;
}

