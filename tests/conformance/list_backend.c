/* "listdb": a storage backend written the way a third-party plugin author
 * would write one, against the PUBLIC plugin API only (sys/storage.h,
 * sys/errors.h, sys/alloc.h, errors.h) and libc. No lib/core header.
 *
 * Technique (deliberately unlike the built-in memory backend's undo log):
 * - every table is a plain dynamic array of rows; a row is an array of owned
 *   value copies; lookups are linear scans;
 * - begin() deep-copies the whole data set; savepoint(level) pushes another
 *   deep copy; rollback()/rollback_to() restore a copy, commit()/release()
 *   drop copies;
 * - a query copies the matching rows, sorts and pages them, and the cursor
 *   keeps that copy, so writes during iteration never disturb it.
 *
 * open() ignores the location: every open creates a fresh, empty store that
 * lives until close(). With CPOL_OPEN_NOCREATE or CPOL_OPEN_READONLY open()
 * fails with CPOL_ENOTFOUND, since such a store never exists beforehand.
 *
 * Not thread-safe per store (the library uses one store from one thread at a
 * time). Rows are compared with the contract's rules: NULL < numbers < text <
 * blobs; integers and reals numerically; text and blobs byte-wise, shorter
 * first on a common prefix. NaN sorts before every other number.
 */
#include <stdio.h>
#include <string.h>

#include <commpolice/errors.h>
#include <commpolice/sys/alloc.h>
#include <commpolice/sys/errors.h>
#include <commpolice/sys/storage.h>

#include "test_backends.h"

/* ---- values ---- */

typedef struct lv {
    int type;          /* cpol_value_type */
    int64_t i;
    double r;
    unsigned char *p;  /* text/blob: len+1 bytes owned (or borrowed in a view) */
    size_t len;
} lv;

typedef struct luniq {
    char *name;
    unsigned int ncols;
    int *cols;
} luniq;

typedef struct ltable {
    char *name;
    unsigned int ncols;
    unsigned int nuniq;
    luniq *uniq;
    size_t nrows, cap;
    lv **rows;         /* each row: ncols values */
} ltable;

typedef struct ldb {
    size_t ntables;
    ltable *tables;
    int64_t version;
} ldb;

typedef struct lsnap {
    unsigned int level; /* 0: the begin() snapshot */
    ldb db;
} lsnap;

typedef struct lstate {
    ldb db;
    int in_tx;
    size_t nsnaps, capsnaps;
    lsnap *snaps;
} lstate;

typedef struct lcursor {
    unsigned int ncols;
    size_t nrows, pos;
    lv **rows;
} lcursor;

static int oom(void)
{
    return cpol_error_set_str(CPOL_ENOMEM, "listdb: out of memory");
}

static int fail(int code, const char *fmt_a, const char *a, const char *b)
{
    char msg[512];
    snprintf(msg, sizeof msg, fmt_a, a ? a : "", b ? b : "");
    return cpol_error_set_str(code, msg);
}

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = cpol_malloc(n);
    if (c)
        memcpy(c, s, n);
    return c;
}

static void lv_clear(lv *v)
{
    if (v->type == CPOL_VALUE_TEXT || v->type == CPOL_VALUE_BLOB)
        cpol_free(v->p);
    memset(v, 0, sizeof *v);
}

static int lv_set_bytes(lv *v, int type, const void *p, size_t len)
{
    unsigned char *c = cpol_malloc(len + 1);
    if (!c)
        return CPOL_ENOMEM;
    if (len)
        memcpy(c, p, len);
    c[len] = 0;
    lv_clear(v);
    v->type = type;
    v->p = c;
    v->len = len;
    return CPOL_OK;
}

static int lv_copy(lv *dst, const lv *src)
{
    if (src->type == CPOL_VALUE_TEXT || src->type == CPOL_VALUE_BLOB)
        return lv_set_bytes(dst, src->type, src->p, src->len);
    lv_clear(dst);
    *dst = *src;
    return CPOL_OK;
}

/* A borrowed view of a library value (no allocation; never lv_clear() it). */
static lv lv_view(const cpol_value *v)
{
    lv out;
    memset(&out, 0, sizeof out);
    out.type = cpol_value_type(v);
    switch (out.type) {
    case CPOL_VALUE_INT: out.i = cpol_value_int(v); break;
    case CPOL_VALUE_REAL: out.r = cpol_value_real(v); break;
    case CPOL_VALUE_TEXT: out.p = (unsigned char *)cpol_value_text(v, &out.len); break;
    case CPOL_VALUE_BLOB: out.p = (unsigned char *)cpol_value_blob(v, &out.len); break;
    default: out.type = CPOL_VALUE_NULL; break;
    }
    if ((out.type == CPOL_VALUE_TEXT || out.type == CPOL_VALUE_BLOB) && !out.p) {
        out.p = (unsigned char *)"";
        out.len = 0;
    }
    return out;
}

static int lv_from_value(lv *dst, const cpol_value *v)
{
    lv view = lv_view(v);
    return lv_copy(dst, &view);
}

static int lv_to_record(cpol_record *rec, unsigned int col, const lv *v)
{
    switch (v->type) {
    case CPOL_VALUE_INT: return cpol_record_set_int(rec, col, v->i);
    case CPOL_VALUE_REAL: return cpol_record_set_real(rec, col, v->r);
    case CPOL_VALUE_TEXT: return cpol_record_set_text(rec, col, (const char *)v->p, v->len);
    case CPOL_VALUE_BLOB: return cpol_record_set_blob(rec, col, v->p, v->len);
    default: return cpol_record_set_null(rec, col);
    }
}

static int rank(int type)
{
    switch (type) {
    case CPOL_VALUE_NULL: return 0;
    case CPOL_VALUE_INT:
    case CPOL_VALUE_REAL: return 1;
    case CPOL_VALUE_TEXT: return 2;
    default: return 3;
    }
}

static int cmp_real(double a, double b)
{
    int na = a != a, nb = b != b;
    if (na || nb)
        return nb - na; /* NaN first */
    return (a > b) - (a < b);
}

/* Exact comparison of an integer with a double (no rounding of i). */
static int cmp_int_real(int64_t i, double r)
{
    int64_t t;
    double frac;
    if (r != r)
        return 1;
    if (r >= 9223372036854775808.0)
        return -1;
    if (r < -9223372036854775808.0)
        return 1;
    t = (int64_t)r; /* toward zero; exact for |r| < 2^63 */
    if (i != t)
        return i < t ? -1 : 1;
    frac = r - (double)t;
    return frac > 0 ? -1 : frac < 0 ? 1 : 0;
}

static int lv_cmp(const lv *a, const lv *b)
{
    int ra = rank(a->type), rb = rank(b->type);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if (ra == 0)
        return 0;
    if (ra == 1) {
        if (a->type == CPOL_VALUE_INT && b->type == CPOL_VALUE_INT)
            return (a->i > b->i) - (a->i < b->i);
        if (a->type == CPOL_VALUE_REAL && b->type == CPOL_VALUE_REAL)
            return cmp_real(a->r, b->r);
        if (a->type == CPOL_VALUE_INT)
            return cmp_int_real(a->i, b->r);
        return -cmp_int_real(b->i, a->r);
    }
    {
        size_t n = a->len < b->len ? a->len : b->len;
        int c = n ? memcmp(a->p, b->p, n) : 0;
        if (c)
            return c < 0 ? -1 : 1;
        return (a->len > b->len) - (a->len < b->len);
    }
}

/* ---- rows, tables, data sets ---- */

static void row_free(lv *row, unsigned int ncols)
{
    unsigned int c;
    if (!row)
        return;
    for (c = 0; c < ncols; c++)
        lv_clear(&row[c]);
    cpol_free(row);
}

static lv *row_new(unsigned int ncols)
{
    lv *row = cpol_malloc(sizeof *row * (ncols ? ncols : 1));
    if (row)
        memset(row, 0, sizeof *row * (ncols ? ncols : 1));
    return row;
}

/* Copy of @p src (src_cols values) widened to @p ncols with NULLs. */
static lv *row_copy(const lv *src, unsigned int src_cols, unsigned int ncols)
{
    unsigned int c;
    lv *row = row_new(ncols);
    if (!row)
        return NULL;
    for (c = 0; c < src_cols && c < ncols; c++) {
        if (lv_copy(&row[c], &src[c]) < 0) {
            row_free(row, ncols);
            return NULL;
        }
    }
    return row;
}

static void uniq_free(luniq *u, unsigned int n)
{
    unsigned int i;
    for (i = 0; i < n; i++) {
        cpol_free(u[i].name);
        cpol_free(u[i].cols);
    }
    cpol_free(u);
}

static int uniq_copy(luniq **out, const luniq *src, unsigned int n)
{
    unsigned int i;
    luniq *u;
    *out = NULL;
    if (n == 0)
        return CPOL_OK;
    u = cpol_malloc(sizeof *u * n);
    if (!u)
        return CPOL_ENOMEM;
    memset(u, 0, sizeof *u * n);
    for (i = 0; i < n; i++) {
        u[i].name = dupstr(src[i].name);
        u[i].ncols = src[i].ncols;
        u[i].cols = cpol_malloc(sizeof(int) * (src[i].ncols ? src[i].ncols : 1));
        if (!u[i].name || !u[i].cols) {
            uniq_free(u, i + 1);
            return CPOL_ENOMEM;
        }
        if (src[i].ncols)
            memcpy(u[i].cols, src[i].cols, sizeof(int) * src[i].ncols);
    }
    *out = u;
    return CPOL_OK;
}

/* The unique indexes of a schema table. */
static int uniq_from_table(luniq **out, unsigned int *n_out, const cpol_table *t)
{
    unsigned int i, n = 0, k, count = cpol_table_index_count(t);
    luniq *u;
    *out = NULL;
    *n_out = 0;
    for (i = 0; i < count; i++)
        n += cpol_table_index_unique(t, i) ? 1u : 0u;
    if (n == 0)
        return CPOL_OK;
    u = cpol_malloc(sizeof *u * n);
    if (!u)
        return CPOL_ENOMEM;
    memset(u, 0, sizeof *u * n);
    for (i = 0, n = 0; i < count; i++) {
        const char *name;
        if (!cpol_table_index_unique(t, i))
            continue;
        name = cpol_table_index_name(t, i);
        u[n].name = dupstr(name ? name : "?");
        u[n].ncols = cpol_table_index_column_count(t, i);
        u[n].cols = cpol_malloc(sizeof(int) * (u[n].ncols ? u[n].ncols : 1));
        n++;
        if (!u[n - 1].name || !u[n - 1].cols) {
            uniq_free(u, n);
            return CPOL_ENOMEM;
        }
        for (k = 0; k < u[n - 1].ncols; k++)
            u[n - 1].cols[k] = cpol_table_index_column(t, i, k);
    }
    *out = u;
    *n_out = n;
    return CPOL_OK;
}

static void table_free(ltable *t)
{
    size_t r;
    for (r = 0; r < t->nrows; r++)
        row_free(t->rows[r], t->ncols);
    cpol_free(t->rows);
    uniq_free(t->uniq, t->nuniq);
    cpol_free(t->name);
    memset(t, 0, sizeof *t);
}

static int table_copy(ltable *dst, const ltable *src)
{
    size_t r;
    memset(dst, 0, sizeof *dst);
    dst->name = dupstr(src->name);
    if (!dst->name)
        return CPOL_ENOMEM;
    dst->ncols = src->ncols;
    if (uniq_copy(&dst->uniq, src->uniq, src->nuniq) < 0) {
        table_free(dst);
        return CPOL_ENOMEM;
    }
    dst->nuniq = src->nuniq;
    if (src->nrows) {
        dst->rows = cpol_malloc(sizeof *dst->rows * src->nrows);
        if (!dst->rows) {
            table_free(dst);
            return CPOL_ENOMEM;
        }
        dst->cap = src->nrows;
        for (r = 0; r < src->nrows; r++) {
            dst->rows[r] = row_copy(src->rows[r], src->ncols, src->ncols);
            if (!dst->rows[r]) {
                table_free(dst);
                return CPOL_ENOMEM;
            }
            dst->nrows++;
        }
    }
    return CPOL_OK;
}

static void db_free(ldb *db)
{
    size_t i;
    for (i = 0; i < db->ntables; i++)
        table_free(&db->tables[i]);
    cpol_free(db->tables);
    memset(db, 0, sizeof *db);
}

static int db_copy(ldb *dst, const ldb *src)
{
    size_t i;
    memset(dst, 0, sizeof *dst);
    dst->version = src->version;
    if (src->ntables == 0)
        return CPOL_OK;
    dst->tables = cpol_malloc(sizeof *dst->tables * src->ntables);
    if (!dst->tables)
        return CPOL_ENOMEM;
    for (i = 0; i < src->ntables; i++) {
        if (table_copy(&dst->tables[i], &src->tables[i]) < 0) {
            db_free(dst);
            return CPOL_ENOMEM;
        }
        dst->ntables++;
    }
    return CPOL_OK;
}

static ltable *db_find(ldb *db, const char *name)
{
    size_t i;
    if (!name)
        return NULL;
    for (i = 0; i < db->ntables; i++)
        if (strcmp(db->tables[i].name, name) == 0)
            return &db->tables[i];
    return NULL;
}

/* ---- helpers on records ---- */

static int table_of(lstate *st, const cpol_table *tdesc, const char *method, ltable **out)
{
    const char *name = cpol_table_name(tdesc);
    *out = db_find(&st->db, name);
    if (!*out)
        return fail(CPOL_ESTORAGE, "listdb: %s: no table named \"%.100s\" (not migrated)", method, name);
    return CPOL_OK;
}

/* A new owned row for table t from a record; record columns beyond the
 * stored ones are an error, missing ones read NULL. */
static int row_from_record(const ltable *t, const cpol_record *rec, const char *method, lv **out)
{
    unsigned int c, rcols = cpol_table_column_count(cpol_record_table(rec));
    lv *row;
    *out = NULL;
    if (rcols > t->ncols)
        return fail(CPOL_ESTORAGE, "listdb: %s: the record has more columns than table \"%.100s\"", method, t->name);
    if (cpol_value_type(cpol_record_value(rec, 0)) == CPOL_VALUE_NULL)
        return fail(CPOL_ESTORAGE, "listdb: %s: primary key of \"%.100s\" is NULL", method, t->name);
    row = row_new(t->ncols);
    if (!row)
        return oom();
    for (c = 0; c < rcols; c++) {
        if (lv_from_value(&row[c], cpol_record_value(rec, c)) < 0) {
            row_free(row, t->ncols);
            return oom();
        }
    }
    *out = row;
    return CPOL_OK;
}

static long find_pk(const ltable *t, const lv *key)
{
    size_t r;
    for (r = 0; r < t->nrows; r++)
        if (lv_cmp(&t->rows[r][0], key) == 0)
            return (long)r;
    return -1;
}

/* The name of a unique index that @p row collides with (ignoring row number
 * @p skip), or NULL. NULLs never collide. */
static const char *unique_conflict(const ltable *t, const lv *row, long skip)
{
    unsigned int u, k;
    size_t r;
    for (u = 0; u < t->nuniq; u++) {
        const luniq *ix = &t->uniq[u];
        int has_null = 0;
        for (k = 0; k < ix->ncols; k++)
            if (ix->cols[k] < 0 || (unsigned int)ix->cols[k] >= t->ncols || row[ix->cols[k]].type == CPOL_VALUE_NULL)
                has_null = 1;
        if (has_null || ix->ncols == 0)
            continue;
        for (r = 0; r < t->nrows; r++) {
            int same = 1;
            if ((long)r == skip)
                continue;
            for (k = 0; k < ix->ncols && same; k++)
                same = lv_cmp(&t->rows[r][ix->cols[k]], &row[ix->cols[k]]) == 0;
            if (same)
                return ix->name;
        }
    }
    return NULL;
}

static int fill_record(cpol_record *rec, const lv *row, unsigned int ncols)
{
    unsigned int c, rcols = cpol_table_column_count(cpol_record_table(rec));
    for (c = 0; c < rcols; c++) {
        int rc;
        if (c < ncols) {
            rc = lv_to_record(rec, c, &row[c]);
        } else {
            rc = cpol_record_set_null(rec, c);
        }
        if (rc < 0)
            return rc;
    }
    return CPOL_OK;
}

/* ---- open / close / schema ---- */

static void snaps_drop_from(lstate *st, size_t from)
{
    size_t i;
    for (i = from; i < st->nsnaps; i++)
        db_free(&st->snaps[i].db);
    if (from < st->nsnaps)
        st->nsnaps = from;
}

static int l_open(void **state_out, const char *location, const cpol_open_options *opts, void *plugin_data)
{
    lstate *st;
    (void)location;
    (void)plugin_data;
    *state_out = NULL;
    if (opts && (opts->flags & (CPOL_OPEN_NOCREATE | CPOL_OPEN_READONLY)))
        return cpol_error_set_str(CPOL_ENOTFOUND,
                                  "listdb: every open creates a new empty store; it cannot be opened "
                                  "read-only or without creating");
    st = cpol_malloc(sizeof *st);
    if (!st)
        return oom();
    memset(st, 0, sizeof *st);
    *state_out = st;
    return CPOL_OK;
}

static void l_close(void *state)
{
    lstate *st = state;
    if (!st)
        return;
    snaps_drop_from(st, 0);
    cpol_free(st->snaps);
    db_free(&st->db);
    cpol_free(st);
}

static int l_schema_version(void *state, int64_t *out)
{
    lstate *st = state;
    *out = st->db.version;
    return CPOL_OK;
}

static int l_migrate(void *state, const cpol_schema *schema)
{
    lstate *st = state;
    unsigned int i, n = cpol_schema_table_count(schema);
    for (i = 0; i < n; i++) {
        const cpol_table *td = cpol_schema_table(schema, i);
        const char *name = cpol_table_name(td);
        unsigned int ncols = cpol_table_column_count(td);
        ltable *t = db_find(&st->db, name);
        luniq *uq;
        unsigned int nuq;
        if (!td || !name || ncols == 0)
            return cpol_error_set_str(CPOL_ESTORAGE, "listdb: migrate: malformed schema table");
        if (uniq_from_table(&uq, &nuq, td) < 0)
            return oom();
        if (!t) {
            ltable *grown = cpol_realloc(st->db.tables, sizeof *grown * (st->db.ntables + 1));
            if (!grown) {
                uniq_free(uq, nuq);
                return oom();
            }
            st->db.tables = grown;
            t = &grown[st->db.ntables];
            memset(t, 0, sizeof *t);
            t->name = dupstr(name);
            if (!t->name) {
                uniq_free(uq, nuq);
                return oom();
            }
            t->ncols = ncols;
            st->db.ntables++;
        } else if (ncols > t->ncols) {
            /* New columns (always nullable): widen every row with NULLs.
             * Build all new rows first so a failure changes nothing. */
            lv **wide = NULL;
            size_t r;
            if (t->nrows) {
                wide = cpol_malloc(sizeof *wide * t->nrows);
                if (!wide) {
                    uniq_free(uq, nuq);
                    return oom();
                }
                for (r = 0; r < t->nrows; r++) {
                    wide[r] = row_new(ncols);
                    if (!wide[r]) {
                        while (r > 0)
                            cpol_free(wide[--r]);
                        cpol_free(wide);
                        uniq_free(uq, nuq);
                        return oom();
                    }
                }
                for (r = 0; r < t->nrows; r++) {
                    /* move the values, then drop the old array */
                    memcpy(wide[r], t->rows[r], sizeof(lv) * t->ncols);
                    cpol_free(t->rows[r]);
                    t->rows[r] = wide[r];
                }
                cpol_free(wide);
            }
            t->ncols = ncols;
        }
        uniq_free(t->uniq, t->nuniq);
        t->uniq = uq;
        t->nuniq = nuq;
    }
    st->db.version = cpol_schema_version(schema);
    return CPOL_OK;
}

/* ---- transactions ---- */

static int push_snapshot(lstate *st, unsigned int level)
{
    if (st->nsnaps == st->capsnaps) {
        size_t cap = st->capsnaps ? st->capsnaps * 2 : 4;
        lsnap *n = cpol_realloc(st->snaps, sizeof *n * cap);
        if (!n)
            return oom();
        st->snaps = n;
        st->capsnaps = cap;
    }
    if (db_copy(&st->snaps[st->nsnaps].db, &st->db) < 0)
        return oom();
    st->snaps[st->nsnaps].level = level;
    st->nsnaps++;
    return CPOL_OK;
}

/* Replace the live data with snapshot number @p i (which is consumed), and
 * drop it and every deeper snapshot. */
static void restore_snapshot(lstate *st, size_t i)
{
    db_free(&st->db);
    st->db = st->snaps[i].db;
    memset(&st->snaps[i].db, 0, sizeof st->snaps[i].db);
    snaps_drop_from(st, i);
}

static int l_begin(void *state)
{
    lstate *st = state;
    int rc;
    if (st->in_tx)
        return cpol_error_set_str(CPOL_EMISUSE, "listdb: begin: a transaction is already open");
    rc = push_snapshot(st, 0);
    if (rc < 0)
        return rc;
    st->in_tx = 1;
    return CPOL_OK;
}

static int l_commit(void *state)
{
    lstate *st = state;
    if (!st->in_tx)
        return cpol_error_set_str(CPOL_EMISUSE, "listdb: commit: no transaction is open");
    snaps_drop_from(st, 0);
    st->in_tx = 0;
    return CPOL_OK;
}

static int l_rollback(void *state)
{
    lstate *st = state;
    if (!st->in_tx)
        return cpol_error_set_str(CPOL_EMISUSE, "listdb: rollback: no transaction is open");
    restore_snapshot(st, 0);
    st->in_tx = 0;
    return CPOL_OK;
}

static int l_savepoint(void *state, unsigned int level)
{
    lstate *st = state;
    char msg[128];
    if (!st->in_tx)
        return cpol_error_set_str(CPOL_EMISUSE, "listdb: savepoint: no transaction is open");
    if (level == 0 || st->snaps[st->nsnaps - 1].level >= level) {
        snprintf(msg, sizeof msg, "listdb: savepoint %u: levels must increase (deepest is %u)", level,
                 st->snaps[st->nsnaps - 1].level);
        return cpol_error_set_str(CPOL_EMISUSE, msg);
    }
    return push_snapshot(st, level);
}

static long find_level(const lstate *st, unsigned int level)
{
    size_t i;
    if (!st->in_tx || level == 0)
        return -1;
    for (i = st->nsnaps; i-- > 1;)
        if (st->snaps[i].level == level)
            return (long)i;
    return -1;
}

static int no_savepoint(const char *method, unsigned int level)
{
    char msg[128];
    snprintf(msg, sizeof msg, "listdb: %s: no savepoint %u", method, level);
    return cpol_error_set_str(CPOL_EMISUSE, msg);
}

static int l_release(void *state, unsigned int level)
{
    lstate *st = state;
    long i = find_level(st, level);
    if (i < 0)
        return no_savepoint("release", level);
    snaps_drop_from(st, (size_t)i);
    return CPOL_OK;
}

static int l_rollback_to(void *state, unsigned int level)
{
    lstate *st = state;
    long i = find_level(st, level);
    if (i < 0)
        return no_savepoint("rollback_to", level);
    restore_snapshot(st, (size_t)i);
    return CPOL_OK;
}

/* ---- rows ---- */

static int l_insert(void *state, const cpol_record *rec)
{
    lstate *st = state;
    ltable *t;
    lv *row;
    const char *ix;
    int rc = table_of(st, cpol_record_table(rec), "insert", &t);
    if (rc < 0)
        return rc;
    rc = row_from_record(t, rec, "insert", &row);
    if (rc < 0)
        return rc;
    if (find_pk(t, &row[0]) >= 0) {
        row_free(row, t->ncols);
        return fail(CPOL_EEXISTS, "listdb: insert into \"%.100s\": the primary key is taken%s", t->name, "");
    }
    ix = unique_conflict(t, row, -1);
    if (ix) {
        row_free(row, t->ncols);
        return fail(CPOL_EEXISTS, "listdb: insert into \"%.100s\": unique index \"%.100s\" value is taken", t->name,
                    ix);
    }
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        lv **n = cpol_realloc(t->rows, sizeof *n * cap);
        if (!n) {
            row_free(row, t->ncols);
            return oom();
        }
        t->rows = n;
        t->cap = cap;
    }
    t->rows[t->nrows++] = row;
    return CPOL_OK;
}

static int l_update(void *state, const cpol_record *rec)
{
    lstate *st = state;
    ltable *t;
    lv *row;
    long at;
    const char *ix;
    int rc = table_of(st, cpol_record_table(rec), "update", &t);
    if (rc < 0)
        return rc;
    rc = row_from_record(t, rec, "update", &row);
    if (rc < 0)
        return rc;
    at = find_pk(t, &row[0]);
    if (at < 0) {
        row_free(row, t->ncols);
        return fail(CPOL_ENOTFOUND, "listdb: update of \"%.100s\": no row with that primary key%s", t->name, "");
    }
    ix = unique_conflict(t, row, at);
    if (ix) {
        row_free(row, t->ncols);
        return fail(CPOL_EEXISTS, "listdb: update of \"%.100s\": unique index \"%.100s\" value is taken", t->name,
                    ix);
    }
    row_free(t->rows[at], t->ncols);
    t->rows[at] = row;
    return CPOL_OK;
}

static int l_remove(void *state, const cpol_record *key)
{
    lstate *st = state;
    ltable *t;
    lv k;
    long at;
    int rc = table_of(st, cpol_record_table(key), "remove", &t);
    if (rc < 0)
        return rc;
    k = lv_view(cpol_record_value(key, 0));
    at = find_pk(t, &k);
    if (at < 0)
        return fail(CPOL_ENOTFOUND, "listdb: remove from \"%.100s\": no row with that primary key%s", t->name, "");
    row_free(t->rows[at], t->ncols);
    t->rows[at] = t->rows[t->nrows - 1]; /* row order is irrelevant: queries sort */
    t->nrows--;
    return CPOL_OK;
}

static int l_get(void *state, cpol_record *rec)
{
    lstate *st = state;
    ltable *t;
    lv k;
    long at;
    int rc = table_of(st, cpol_record_table(rec), "get", &t);
    if (rc < 0)
        return rc;
    k = lv_view(cpol_record_value(rec, 0));
    at = find_pk(t, &k);
    if (at < 0)
        return fail(CPOL_ENOTFOUND, "listdb: get from \"%.100s\": no row with that primary key%s", t->name, "");
    rc = fill_record(rec, t->rows[at], t->ncols);
    return rc < 0 ? (rc == CPOL_ENOMEM ? oom() : rc) : CPOL_OK;
}

/* ---- queries ---- */

static int cond_holds(const lv *col, int op, const lv *val)
{
    int c;
    if (val->type == CPOL_VALUE_NULL) {
        if (op == CPOL_OP_EQ)
            return col->type == CPOL_VALUE_NULL;
        if (op == CPOL_OP_NE)
            return col->type != CPOL_VALUE_NULL;
        return 0;
    }
    if (col->type == CPOL_VALUE_NULL)
        return 0;
    c = lv_cmp(col, val);
    switch (op) {
    case CPOL_OP_EQ: return c == 0;
    case CPOL_OP_NE: return c != 0;
    case CPOL_OP_LT: return c < 0;
    case CPOL_OP_LE: return c <= 0;
    case CPOL_OP_GT: return c > 0;
    case CPOL_OP_GE: return c >= 0;
    default: return 0;
    }
}

static int check_query(const ltable *t, const cpol_query *q)
{
    unsigned int i, n = cpol_query_cond_count(q);
    int oc = cpol_query_order_column(q);
    for (i = 0; i < n; i++) {
        int col = cpol_query_cond_column(q, i), op = cpol_query_cond_op(q, i);
        if (col < 0 || (unsigned int)col >= t->ncols)
            return fail(CPOL_ESTORAGE, "listdb: query on \"%.100s\": condition column out of range%s", t->name, "");
        if (op < CPOL_OP_EQ || op > CPOL_OP_GE)
            return fail(CPOL_ESTORAGE, "listdb: query on \"%.100s\": unknown operator%s", t->name, "");
    }
    if (oc >= 0 && (unsigned int)oc >= t->ncols)
        return fail(CPOL_ESTORAGE, "listdb: query on \"%.100s\": order column out of range%s", t->name, "");
    return CPOL_OK;
}

static int row_matches(const lv *row, const cpol_query *q)
{
    unsigned int i, n = cpol_query_cond_count(q);
    for (i = 0; i < n; i++) {
        lv val = lv_view(cpol_query_cond_value(q, i));
        if (!cond_holds(&row[cpol_query_cond_column(q, i)], cpol_query_cond_op(q, i), &val))
            return 0;
    }
    return 1;
}

typedef struct order_ctx {
    int col;   /* -1: primary key only */
    int desc;
} order_ctx;

static int row_order(const order_ctx *o, const lv *a, const lv *b)
{
    if (o->col >= 0) {
        int c = lv_cmp(&a[o->col], &b[o->col]); /* NULL lowest: first asc, last desc */
        if (c)
            return o->desc ? -c : c;
    }
    return lv_cmp(&a[0], &b[0]);
}

/* Stable merge sort with a context (qsort has none). */
static void merge_sort(lv **v, lv **tmp, size_t n, const order_ctx *o)
{
    size_t mid, i, j, k;
    if (n < 2)
        return;
    mid = n / 2;
    merge_sort(v, tmp, mid, o);
    merge_sort(v + mid, tmp, n - mid, o);
    for (i = 0, j = mid, k = 0; i < mid && j < n;)
        tmp[k++] = row_order(o, v[j], v[i]) < 0 ? v[j++] : v[i++];
    while (i < mid)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, sizeof *v * n);
}

static int l_query_open(void *state, const cpol_query *q, void **cursor_out)
{
    lstate *st = state;
    ltable *t;
    lcursor *cur;
    lv **hits = NULL, **tmp = NULL;
    size_t n = 0, r, first, count;
    int64_t off = cpol_query_offset(q), lim = cpol_query_limit(q);
    order_ctx o;
    int rc;
    *cursor_out = NULL;
    rc = table_of(st, cpol_query_table(q), "query", &t);
    if (rc < 0)
        return rc;
    rc = check_query(t, q);
    if (rc < 0)
        return rc;
    cur = cpol_malloc(sizeof *cur);
    if (!cur)
        return oom();
    memset(cur, 0, sizeof *cur);
    cur->ncols = t->ncols;
    if (t->nrows) {
        hits = cpol_malloc(sizeof *hits * t->nrows);
        tmp = cpol_malloc(sizeof *tmp * t->nrows);
        if (!hits || !tmp) {
            cpol_free(hits);
            cpol_free(tmp);
            cpol_free(cur);
            return oom();
        }
        for (r = 0; r < t->nrows; r++)
            if (row_matches(t->rows[r], q))
                hits[n++] = t->rows[r];
        o.col = cpol_query_order_column(q);
        o.desc = cpol_query_order_desc(q);
        merge_sort(hits, tmp, n, &o);
        cpol_free(tmp);
    }
    if (off < 0)
        off = 0;
    first = (uint64_t)off >= n ? n : (size_t)off;
    count = n - first;
    if (lim >= 0 && (uint64_t)lim < count)
        count = (size_t)lim;
    if (count) {
        cur->rows = cpol_malloc(sizeof *cur->rows * count);
        if (!cur->rows) {
            cpol_free(hits);
            cpol_free(cur);
            return oom();
        }
        for (r = 0; r < count; r++) {
            cur->rows[r] = row_copy(hits[first + r], t->ncols, t->ncols);
            if (!cur->rows[r]) {
                while (r > 0)
                    row_free(cur->rows[--r], t->ncols);
                cpol_free(cur->rows);
                cpol_free(hits);
                cpol_free(cur);
                return oom();
            }
        }
    }
    cur->nrows = count;
    cpol_free(hits);
    *cursor_out = cur;
    return CPOL_OK;
}

static int l_cursor_next(void *cursor, cpol_record *rec)
{
    lcursor *cur = cursor;
    int rc;
    if (cur->pos >= cur->nrows)
        return CPOL_DONE;
    rc = fill_record(rec, cur->rows[cur->pos], cur->ncols);
    if (rc < 0)
        return rc == CPOL_ENOMEM ? oom() : rc;
    cur->pos++;
    return CPOL_OK;
}

static void l_cursor_close(void *cursor)
{
    lcursor *cur = cursor;
    size_t r;
    if (!cur)
        return;
    for (r = 0; r < cur->nrows; r++)
        row_free(cur->rows[r], cur->ncols);
    cpol_free(cur->rows);
    cpol_free(cur);
}

/* Counts the matching rows, ignoring order, offset and limit (like the
 * core's fallback when a backend has no count()). */
static int l_count(void *state, const cpol_query *q, int64_t *out)
{
    lstate *st = state;
    ltable *t;
    size_t r;
    int64_t n = 0;
    int rc = table_of(st, cpol_query_table(q), "count", &t);
    if (rc < 0)
        return rc;
    rc = check_query(t, q);
    if (rc < 0)
        return rc;
    for (r = 0; r < t->nrows; r++)
        n += row_matches(t->rows[r], q);
    *out = n;
    return CPOL_OK;
}

static const cpol_storage_methods list_methods = {
    CPOL_STORAGE_VERSION,
    "listdb",
    l_open,
    l_close,
    l_schema_version,
    l_migrate,
    l_begin,
    l_commit,
    l_rollback,
    l_savepoint,
    l_release,
    l_rollback_to,
    l_insert,
    l_update,
    l_remove,
    l_get,
    l_query_open,
    l_cursor_next,
    l_cursor_close,
    l_count,
};

const cpol_storage_methods *test_list_backend(void)
{
    return &list_methods;
}
