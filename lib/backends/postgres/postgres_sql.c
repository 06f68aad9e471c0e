/* The PostgreSQL backend, part 2: SQL text, binary parameters and results,
 * and the DDL of migrations. See postgres.c for the overview.
 *
 * Type mapping (docs/postgresql.md):
 *   INT  bigint            REAL double precision   TEXT text COLLATE "C"
 *   BLOB bytea             ID   uuid               TIME bigint (ms)
 *   BOOL boolean
 * Every parameter carries an explicit cast ($1::int8 …), so the server infers
 * its type from the SQL text alone and the binary value always matches it.
 *
 * PostgreSQL text cannot hold U+0000, which is valid UTF-8 and must round-trip.
 * Text is therefore stored with one escape: byte 0x00 becomes 0x01 0x01 and
 * byte 0x01 becomes 0x01 0x02. The code is prefix-free and keeps byte-wise
 * order (0x00 < 0x01 < everything else), so comparisons, ORDER BY and unique
 * indexes behave exactly as on the raw bytes; text without these two control
 * characters (all real text) is stored unchanged. */
#include <string.h>
#include <stdio.h>

#include <commpolice/errors.h>
#include <commpolice/sys/alloc.h>
#include <commpolice/sys/errors.h>
#include <commpolice/sys/storage.h>

#include "util/alloc.h"
#include "util/error.h"
#include "backends/postgres/postgres.h"

/* Type OIDs of the built-in types we read (stable since PostgreSQL 7). */
#define PG_OID_BOOL 16
#define PG_OID_BYTEA 17
#define PG_OID_NAME 19
#define PG_OID_INT8 20
#define PG_OID_INT2 21
#define PG_OID_INT4 23
#define PG_OID_TEXT 25
#define PG_OID_FLOAT4 700
#define PG_OID_FLOAT8 701
#define PG_OID_BPCHAR 1042
#define PG_OID_VARCHAR 1043
#define PG_OID_UUID 2950

/* ---- SQL text builder ---- */

void cpol__pg_buf_table(cpol__sql_buf *b, const pg_state *st, const char *name)
{
    cpol__sql_buf_ident(b, st->nsp);
    cpol__sql_buf_add(b, ".", 1);
    cpol__sql_buf_ident(b, name);
}

/* ---- parameters ---- */

int cpol__pg_params_init(pg_params *p, int cap)
{
    size_t n = cap > 0 ? (size_t)cap : 1;
    memset(p, 0, sizeof *p);
    p->vals = cpol_malloc(n * sizeof *p->vals);
    p->lens = cpol_malloc(n * sizeof *p->lens);
    p->fmts = cpol_malloc(n * sizeof *p->fmts);
    p->scratch = cpol_malloc(n * sizeof *p->scratch);
    p->owned = cpol_malloc(n * sizeof *p->owned);
    if (!p->vals || !p->lens || !p->fmts || !p->scratch || !p->owned) {
        cpol__pg_params_free(p);
        return cpol__oom();
    }
    p->cap = (int)n;
    return CPOL_OK;
}

void cpol__pg_params_free(pg_params *p)
{
    int i;
    for (i = 0; i < p->nowned; i++)
        cpol_free(p->owned[i]);
    cpol_free(p->owned);
    cpol_free(p->vals);
    cpol_free(p->lens);
    cpol_free(p->fmts);
    cpol_free(p->scratch);
    memset(p, 0, sizeof *p);
}

static int param_slot(pg_params *p)
{
    if (p->n >= p->cap)
        return cpol__error(CPOL_ERROR, "internal: postgresql: more parameters than planned (%d)", p->cap);
    return p->n++;
}

static int add_null(pg_params *p)
{
    int i = param_slot(p);
    if (i < 0)
        return i;
    p->vals[i] = NULL;
    p->lens[i] = 0;
    p->fmts[i] = 1;
    return CPOL_OK;
}

static int add_u64(pg_params *p, uint64_t v)
{
    int i = param_slot(p), k;
    if (i < 0)
        return i;
    for (k = 7; k >= 0; k--) {
        p->scratch[i][k] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
    p->vals[i] = (const char *)p->scratch[i];
    p->lens[i] = 8;
    p->fmts[i] = 1;
    return CPOL_OK;
}

static int add_int8(pg_params *p, int64_t v)
{
    return add_u64(p, (uint64_t)v);
}

static int add_float8(pg_params *p, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return add_u64(p, bits);
}

static int add_bool(pg_params *p, int v)
{
    int i = param_slot(p);
    if (i < 0)
        return i;
    p->scratch[i][0] = v ? 1 : 0;
    p->vals[i] = (const char *)p->scratch[i];
    p->lens[i] = 1;
    p->fmts[i] = 1;
    return CPOL_OK;
}

/* Bytes borrowed from the caller (text, bytea or uuid in binary format). */
static int add_bytes(pg_params *p, const void *data, size_t len)
{
    int i;
    if (len > 0x3fffffff)
        return cpol__error(CPOL_EINVALID, "postgresql: a value of %zu bytes is larger than PostgreSQL's 1 GB limit",
                           len);
    i = param_slot(p);
    if (i < 0)
        return i;
    p->vals[i] = data ? (const char *)data : "";
    p->lens[i] = (int)len;
    p->fmts[i] = 1;
    return CPOL_OK;
}

static int add_text(pg_params *p, const cpol_value *v)
{
    size_t len = 0, i, n = 0;
    const char *s = cpol_value_text(v, &len);
    char *e;
    if (!s || len == 0 || (!memchr(s, 0, len) && !memchr(s, 1, len)))
        return add_bytes(p, s, len);
    for (i = 0; i < len; i++)
        n += (unsigned char)s[i] <= 1 ? 2 : 1;
    e = cpol_malloc(n);
    if (!e)
        return cpol__oom();
    for (i = 0, n = 0; i < len; i++) {
        if ((unsigned char)s[i] <= 1) {
            e[n++] = 1;
            e[n++] = (char)(s[i] + 1);
        } else {
            e[n++] = s[i];
        }
    }
    if (p->nowned >= p->cap) {
        cpol_free(e);
        return cpol__error(CPOL_ERROR, "internal: postgresql: more parameters than planned (%d)", p->cap);
    }
    p->owned[p->nowned++] = e;
    return add_bytes(p, e, n);
}

/* Undo add_text()'s escape. */
static int set_text_cell(cpol_record *rec, unsigned int col, const char *p, size_t len)
{
    size_t i, n = 0;
    char *d;
    int rc;
    if (!memchr(p, 1, len))
        return cpol_record_set_text(rec, col, p, len);
    d = cpol_malloc(len);
    if (!d)
        return cpol__oom();
    for (i = 0; i < len; i++) {
        if (p[i] == 1 && i + 1 < len && (p[i + 1] == 1 || p[i + 1] == 2)) {
            d[n++] = (char)(p[i + 1] - 1);
            i++;
        } else {
            d[n++] = p[i];
        }
    }
    rc = cpol_record_set_text(rec, col, d, n);
    cpol_free(d);
    return rc;
}

static int add_blob(pg_params *p, const cpol_value *v)
{
    size_t len = 0;
    const void *b = cpol_value_blob(v, &len);
    return add_bytes(p, b, len);
}

static const char *type_label(int column_type)
{
    switch (column_type) {
    case CPOL_COLUMN_INT: return "INT";
    case CPOL_COLUMN_REAL: return "REAL";
    case CPOL_COLUMN_TEXT: return "TEXT";
    case CPOL_COLUMN_BLOB: return "BLOB";
    case CPOL_COLUMN_ID: return "ID";
    case CPOL_COLUMN_TIME: return "TIME";
    case CPOL_COLUMN_BOOL: return "BOOL";
    default: return "unknown";
    }
}

int cpol__pg_param_column(pg_state *st, pg_params *p, const cpol_value *v, int column_type, const char *tname,
                    const char *cname)
{
    int kind = cpol_value_type(v);
    size_t len = 0;
    (void)st;
    if (kind == CPOL_VALUE_NULL)
        return add_null(p);
    switch (column_type) {
    case CPOL_COLUMN_INT:
    case CPOL_COLUMN_TIME:
        if (kind == CPOL_VALUE_INT)
            return add_int8(p, cpol_value_int(v));
        break;
    case CPOL_COLUMN_BOOL:
        if (kind == CPOL_VALUE_INT && (cpol_value_int(v) == 0 || cpol_value_int(v) == 1))
            return add_bool(p, (int)cpol_value_int(v));
        break;
    case CPOL_COLUMN_REAL:
        if (kind == CPOL_VALUE_REAL)
            return add_float8(p, cpol_value_real(v));
        break;
    case CPOL_COLUMN_TEXT:
        if (kind == CPOL_VALUE_TEXT)
            return add_text(p, v);
        break;
    case CPOL_COLUMN_BLOB:
        if (kind == CPOL_VALUE_BLOB)
            return add_blob(p, v);
        break;
    case CPOL_COLUMN_ID:
        if (kind == CPOL_VALUE_BLOB && cpol_value_blob(v, &len) && len == 16)
            return add_blob(p, v);
        break;
    default:
        break;
    }
    return cpol__error(CPOL_EINVALID, "postgresql: column %s.%s (%s) cannot store a value of kind %d", tname, cname,
                       type_label(column_type), kind);
}

/* ---- types ---- */

int cpol__pg_is_bulky(int column_type)
{
    return column_type == CPOL_COLUMN_TEXT || column_type == CPOL_COLUMN_BLOB;
}

/* Is text/blob column col part of a unique index (which then holds md5(col))? */
static int in_hashed_index(const cpol_table *t, unsigned int col)
{
    unsigned int i, k, n = cpol_table_index_count(t);
    if (!cpol__pg_is_bulky(cpol_table_column_type(t, col)))
        return 0;
    for (i = 0; i < n; i++) {
        if (!cpol_table_index_unique(t, i))
            continue;
        for (k = 0; k < cpol_table_index_column_count(t, i); k++)
            if (cpol_table_index_column(t, i, k) == (int)col)
                return 1;
    }
    return 0;
}

const char *cpol__pg_ddl_type(int column_type)
{
    switch (column_type) {
    case CPOL_COLUMN_INT: return "bigint";
    case CPOL_COLUMN_REAL: return "double precision";
    case CPOL_COLUMN_TEXT: return "text COLLATE \"C\"";
    case CPOL_COLUMN_BLOB: return "bytea";
    case CPOL_COLUMN_ID: return "uuid";
    case CPOL_COLUMN_TIME: return "bigint";
    case CPOL_COLUMN_BOOL: return "boolean";
    default: return NULL;
    }
}

/* The cast of a parameter holding a value of a column of this type. */
static const char *param_cast(int column_type)
{
    switch (column_type) {
    case CPOL_COLUMN_REAL: return "::float8";
    case CPOL_COLUMN_TEXT: return "::text";
    case CPOL_COLUMN_BLOB: return "::bytea";
    case CPOL_COLUMN_ID: return "::uuid";
    case CPOL_COLUMN_BOOL: return "::bool";
    default: return "::int8"; /* INT, TIME */
    }
}

static void buf_param(cpol__sql_buf *b, int n, const char *cast)
{
    cpol__sql_buf_add(b, "$", 1);
    cpol__sql_buf_int(b, n);
    cpol__sql_buf_str(b, cast);
}

/* A column reference for ORDER BY: text compares byte-wise. */
static void buf_order_col(cpol__sql_buf *b, const cpol_table *t, unsigned int col)
{
    cpol__sql_buf_ident(b, cpol_table_column_name(t, col));
    if (cpol_table_column_type(t, col) == CPOL_COLUMN_TEXT)
        cpol__sql_buf_str(b, " COLLATE \"C\"");
}

/* ---- row operations ---- */

static int has_unique_index(const cpol_table *t)
{
    unsigned int i, n = cpol_table_index_count(t);
    for (i = 0; i < n; i++)
        if (cpol_table_index_unique(t, i))
            return 1;
    return 0;
}

/* The parameter of column col in an update: SET columns 1..n-1 are
 * parameters 1..n-1, the key (column 0) is parameter n. */
static void buf_update_param(cpol__sql_buf *b, const cpol_table *t, unsigned int ncols, unsigned int col)
{
    buf_param(b, col == 0 ? (int)ncols : (int)col, param_cast(cpol_table_column_type(t, col)));
}

/* An update of a table with unique indexes that reports a collision instead
 * of raising an error (which would abort the whole transaction), in one
 * statement:
 *
 *   WITH clash AS (SELECT EXISTS (SELECT 1 FROM t o WHERE o.key <> $key AND
 *                    ((o.u1 = $u1 AND …) OR …)) AS c),
 *        upd AS (UPDATE t SET … WHERE key = $key AND NOT (SELECT c FROM clash) RETURNING 1)
 *   SELECT (SELECT c FROM clash), (SELECT count(*) FROM upd)
 *
 * A NULL never equals anything, so NULLs never collide, as in the index. A
 * colliding row inserted concurrently and not yet visible is caught by the
 * index itself (SERIALIZABLE reports it as a serialization failure). */
static void build_checked_update(cpol__sql_buf *b, const pg_state *st, const cpol_table *t, unsigned int ncols)
{
    const char *pk = cpol_table_column_name(t, 0);
    unsigned int i, k, n = cpol_table_index_count(t), first = 1;
    cpol__sql_buf_str(b, "WITH clash AS (SELECT EXISTS (SELECT 1 FROM ");
    cpol__pg_buf_table(b, st, cpol_table_name(t));
    cpol__sql_buf_str(b, " o WHERE o.");
    cpol__sql_buf_ident(b, pk);
    cpol__sql_buf_str(b, "<>");
    buf_update_param(b, t, ncols, 0);
    cpol__sql_buf_str(b, " AND (");
    for (i = 0; i < n; i++) {
        unsigned int nc = cpol_table_index_column_count(t, i);
        if (!cpol_table_index_unique(t, i))
            continue;
        cpol__sql_buf_str(b, first ? "(" : " OR (");
        first = 0;
        for (k = 0; k < nc; k++) {
            int c = cpol_table_index_column(t, i, k);
            if (k)
                cpol__sql_buf_str(b, " AND ");
            if (c < 0 || (unsigned int)c >= ncols) {
                cpol__sql_buf_str(b, "FALSE");
                continue;
            }
            if (cpol__pg_is_bulky(cpol_table_column_type(t, (unsigned int)c))) {
                /* The index holds md5(column): test it first so it is used. */
                cpol__sql_buf_str(b, "md5(o.");
                cpol__sql_buf_ident(b, cpol_table_column_name(t, (unsigned int)c));
                cpol__sql_buf_str(b, ")=md5(");
                buf_update_param(b, t, ncols, (unsigned int)c);
                cpol__sql_buf_str(b, ") AND ");
            }
            cpol__sql_buf_str(b, "o.");
            cpol__sql_buf_ident(b, cpol_table_column_name(t, (unsigned int)c));
            cpol__sql_buf_str(b, "=");
            buf_update_param(b, t, ncols, (unsigned int)c);
        }
        cpol__sql_buf_str(b, ")");
    }
    cpol__sql_buf_str(b, ")) AS c), upd AS (UPDATE ");
    cpol__pg_buf_table(b, st, cpol_table_name(t));
    cpol__sql_buf_str(b, " SET ");
    for (i = 1; i < ncols; i++) {
        if (i > 1)
            cpol__sql_buf_str(b, ",");
        cpol__sql_buf_ident(b, cpol_table_column_name(t, i));
        cpol__sql_buf_str(b, "=");
        buf_update_param(b, t, ncols, i);
    }
    cpol__sql_buf_str(b, " WHERE ");
    cpol__sql_buf_ident(b, pk);
    cpol__sql_buf_str(b, "=");
    buf_update_param(b, t, ncols, 0);
    cpol__sql_buf_str(b, " AND NOT (SELECT c FROM clash) RETURNING 1)"
                  " SELECT (SELECT c FROM clash), (SELECT count(*) FROM upd)");
}

void cpol__pg_build_op(cpol__sql_buf *b, const pg_state *st, const cpol_table *t, unsigned int ncols, int op)
{
    const char *pk = cpol_table_column_name(t, 0);
    const char *pkcast = param_cast(cpol_table_column_type(t, 0));
    unsigned int i;
    switch (op) {
    case PG_OP_INSERT:
        /* A taken key or unique value inserts nothing (0 rows: CPOL_EEXISTS)
         * instead of raising an error that would abort the transaction
         * (except in append-only tables, below). */
        cpol__sql_buf_str(b, "INSERT INTO ");
        cpol__pg_buf_table(b, st, cpol_table_name(t));
        cpol__sql_buf_str(b, " (");
        for (i = 0; i < ncols; i++) {
            if (i)
                cpol__sql_buf_str(b, ",");
            cpol__sql_buf_ident(b, cpol_table_column_name(t, i));
        }
        cpol__sql_buf_str(b, ") VALUES (");
        for (i = 0; i < ncols; i++) {
            if (i)
                cpol__sql_buf_str(b, ",");
            buf_param(b, (int)i + 1, param_cast(cpol_table_column_type(t, i)));
        }
        /* Append-only tables never conflict, and their inserts may be
         * deferred into a pipeline with the COMMIT (postgres.c): a conflict
         * all the same must raise (23505, CPOL_EEXISTS) so that it aborts
         * the transaction instead of letting the COMMIT through. */
        if (!(cpol_table_flags(t) & CPOL_TABLE_APPEND_ONLY))
            cpol__sql_buf_str(b, ") ON CONFLICT DO NOTHING");
        else
            cpol__sql_buf_str(b, ")");
        break;
    case PG_OP_UPDATE:
        if (ncols > 1 && has_unique_index(t)) {
            build_checked_update(b, st, t, ncols);
            break;
        }
        cpol__sql_buf_str(b, "UPDATE ");
        cpol__pg_buf_table(b, st, cpol_table_name(t));
        cpol__sql_buf_str(b, " SET ");
        if (ncols == 1) {
            cpol__sql_buf_ident(b, pk);
            cpol__sql_buf_str(b, "=");
            cpol__sql_buf_ident(b, pk);
        }
        /* SET columns 1..n-1 are parameters 1..n-1, the key is the last one. */
        for (i = 1; i < ncols; i++) {
            if (i > 1)
                cpol__sql_buf_str(b, ",");
            cpol__sql_buf_ident(b, cpol_table_column_name(t, i));
            cpol__sql_buf_str(b, "=");
            buf_param(b, (int)i, param_cast(cpol_table_column_type(t, i)));
        }
        cpol__sql_buf_str(b, " WHERE ");
        cpol__sql_buf_ident(b, pk);
        cpol__sql_buf_str(b, "=");
        buf_param(b, ncols == 1 ? 1 : (int)ncols, pkcast);
        break;
    case PG_OP_REMOVE:
        cpol__sql_buf_str(b, "DELETE FROM ");
        cpol__pg_buf_table(b, st, cpol_table_name(t));
        cpol__sql_buf_str(b, " WHERE ");
        cpol__sql_buf_ident(b, pk);
        cpol__sql_buf_str(b, "=");
        buf_param(b, 1, pkcast);
        break;
    default: /* PG_OP_GET: every column but the key, which the caller has */
        cpol__sql_buf_str(b, "SELECT ");
        if (ncols == 1)
            cpol__sql_buf_str(b, "1");
        for (i = 1; i < ncols; i++) {
            if (i > 1)
                cpol__sql_buf_str(b, ",");
            cpol__sql_buf_ident(b, cpol_table_column_name(t, i));
        }
        cpol__sql_buf_str(b, " FROM ");
        cpol__pg_buf_table(b, st, cpol_table_name(t));
        cpol__sql_buf_str(b, " WHERE ");
        cpol__sql_buf_ident(b, pk);
        cpol__sql_buf_str(b, "=");
        buf_param(b, 1, pkcast);
        break;
    }
}

/* ---- queries ---- */

/* Classes of the contract's total order: NULL < numbers < text < blobs. */
static int column_class(int column_type)
{
    switch (column_type) {
    case CPOL_COLUMN_TEXT: return 2;
    case CPOL_COLUMN_BLOB:
    case CPOL_COLUMN_ID: return 3;
    default: return 1;
    }
}

static int value_class(int kind)
{
    switch (kind) {
    case CPOL_VALUE_INT:
    case CPOL_VALUE_REAL: return 1;
    case CPOL_VALUE_TEXT: return 2;
    case CPOL_VALUE_BLOB: return 3;
    default: return 0;
    }
}

static const char *op_sql(int op)
{
    switch (op) {
    case CPOL_OP_EQ: return "=";
    case CPOL_OP_NE: return "<>";
    case CPOL_OP_LT: return "<";
    case CPOL_OP_LE: return "<=";
    case CPOL_OP_GT: return ">";
    case CPOL_OP_GE: return ">=";
    default: return NULL;
    }
}

/* One condition "column op value" (the column is already written). */
static int build_cond(cpol__sql_buf *b, pg_params *p, int coltype, int op, const cpol_value *v)
{
    int kind = cpol_value_type(v);
    int cc = column_class(coltype), vc = value_class(kind);
    const char *sop = op_sql(op);
    size_t len = 0;

    if (kind == CPOL_VALUE_NULL) {
        /* "is NULL" / "is not NULL"; an ordering test with NULL never holds. */
        cpol__sql_buf_str(b, op == CPOL_OP_EQ ? " IS NULL" : op == CPOL_OP_NE ? " IS NOT NULL" : " IS NULL AND FALSE");
        return CPOL_OK;
    }
    if (cc != vc) {
        /* Different classes never compare equal; the order of the classes
         * decides the rest, for every non-NULL column value. */
        int cmp = cc < vc ? -1 : 1, holds;
        switch (op) {
        case CPOL_OP_EQ: holds = 0; break;
        case CPOL_OP_NE: holds = 1; break;
        case CPOL_OP_LT:
        case CPOL_OP_LE: holds = cmp < 0; break;
        default: holds = cmp > 0; break;
        }
        cpol__sql_buf_str(b, holds ? " IS NOT NULL" : " IS NULL AND FALSE");
        return CPOL_OK;
    }
    switch (coltype) {
    case CPOL_COLUMN_INT:
    case CPOL_COLUMN_TIME:
        if (kind == CPOL_VALUE_INT) {
            cpol__sql_buf_str(b, sop);
            buf_param(b, p->n + 1, "::int8");
            return add_int8(p, cpol_value_int(v));
        }
        cpol__sql_buf_str(b, "::float8");
        cpol__sql_buf_str(b, sop);
        buf_param(b, p->n + 1, "::float8");
        return add_float8(p, cpol_value_real(v));
    case CPOL_COLUMN_REAL:
        cpol__sql_buf_str(b, sop);
        buf_param(b, p->n + 1, "::float8");
        return add_float8(p, kind == CPOL_VALUE_INT ? (double)cpol_value_int(v) : cpol_value_real(v));
    case CPOL_COLUMN_BOOL:
        if (kind == CPOL_VALUE_INT && (op == CPOL_OP_EQ || op == CPOL_OP_NE) &&
            (cpol_value_int(v) == 0 || cpol_value_int(v) == 1)) {
            cpol__sql_buf_str(b, sop);
            buf_param(b, p->n + 1, "::bool");
            return add_bool(p, (int)cpol_value_int(v));
        }
        if (kind == CPOL_VALUE_INT) {
            cpol__sql_buf_str(b, "::int4");
            cpol__sql_buf_str(b, sop);
            buf_param(b, p->n + 1, "::int8");
            return add_int8(p, cpol_value_int(v));
        }
        cpol__sql_buf_str(b, "::int4::float8");
        cpol__sql_buf_str(b, sop);
        buf_param(b, p->n + 1, "::float8");
        return add_float8(p, cpol_value_real(v));
    case CPOL_COLUMN_TEXT:
        cpol__sql_buf_str(b, sop);
        buf_param(b, p->n + 1, "::text COLLATE \"C\"");
        return add_text(p, v);
    case CPOL_COLUMN_BLOB:
        cpol__sql_buf_str(b, sop);
        buf_param(b, p->n + 1, "::bytea");
        return add_blob(p, v);
    default: /* ID: a 16-byte value compares as uuid (memcmp); others as bytes */
        if (cpol_value_blob(v, &len) && len == 16) {
            cpol__sql_buf_str(b, sop);
            buf_param(b, p->n + 1, "::uuid");
        } else {
            cpol__sql_buf_str(b, ")"); /* closes the uuid_send( written by the caller */
            cpol__sql_buf_str(b, sop);
            buf_param(b, p->n + 1, "::bytea");
        }
        return add_blob(p, v);
    }
}

int cpol__pg_build_query(pg_state *st, const cpol_query *q, int count, cpol__sql_buf *b, pg_params *p)
{
    const cpol_table *t = cpol_query_table(q);
    const char *tname = cpol_table_name(t);
    unsigned int ncols = cpol_table_column_count(t);
    unsigned int i, n = cpol_query_cond_count(q);
    int order, rc;

    if (!tname || ncols == 0)
        return cpol__error(CPOL_EMISUSE, "postgresql: query without a valid table (on %s)", st->where);
    for (i = 0; i < ncols; i++)
        if (!cpol_table_column_name(t, i))
            return cpol__error(CPOL_EINVALID, "postgresql: table '%s' column %u has no name", tname, i);
    rc = cpol__pg_params_init(p, (int)n + 2);
    if (rc < 0)
        return rc;
    if (count) {
        cpol__sql_buf_str(b, "SELECT count(*)");
    } else {
        cpol__sql_buf_str(b, "SELECT ");
        for (i = 0; i < ncols; i++) {
            if (i)
                cpol__sql_buf_str(b, ",");
            cpol__sql_buf_ident(b, cpol_table_column_name(t, i));
        }
    }
    cpol__sql_buf_str(b, " FROM ");
    cpol__pg_buf_table(b, st, tname);
    for (i = 0; i < n; i++) {
        int col = cpol_query_cond_column(q, i);
        int op = cpol_query_cond_op(q, i);
        const cpol_value *v = cpol_query_cond_value(q, i);
        int coltype;
        size_t len = 0;
        if (col < 0 || (unsigned int)col >= ncols)
            return cpol__error(CPOL_EINVALID,
                               "postgresql: query condition %u on table '%s' names column %d, out of range", i, tname,
                               col);
        if (!op_sql(op))
            return cpol__error(CPOL_EINVALID, "postgresql: query condition %u on table '%s' has unknown operator %d",
                               i, tname, op);
        coltype = cpol_table_column_type(t, (unsigned int)col);
        cpol__sql_buf_str(b, i ? " AND " : " WHERE ");
        /* An ID compared with a value that is not 16 bytes compares its bytes. */
        if (coltype == CPOL_COLUMN_ID && cpol_value_type(v) == CPOL_VALUE_BLOB &&
            !(cpol_value_blob(v, &len) && len == 16)) {
            cpol__sql_buf_str(b, "uuid_send(");
        }
        cpol__sql_buf_ident(b, cpol_table_column_name(t, (unsigned int)col));
        rc = build_cond(b, p, coltype, op, v);
        if (rc < 0)
            return rc;
        if (op == CPOL_OP_EQ && value_class(cpol_value_type(v)) == column_class(coltype) &&
            in_hashed_index(t, (unsigned int)col)) {
            /* Same test again on the hash, so the planner can use the unique index. */
            cpol__sql_buf_str(b, " AND md5(");
            cpol__sql_buf_ident(b, cpol_table_column_name(t, (unsigned int)col));
            cpol__sql_buf_str(b, ")=md5(");
            buf_param(b, p->n, coltype == CPOL_COLUMN_TEXT ? "::text" : "::bytea");
            cpol__sql_buf_str(b, ")");
        }
    }
    if (count)
        return CPOL_OK;
    order = cpol_query_order_column(q);
    cpol__sql_buf_str(b, " ORDER BY ");
    if (order >= 0) {
        if ((unsigned int)order >= ncols)
            return cpol__error(CPOL_EINVALID, "postgresql: query on table '%s' orders by column %d, out of range",
                               tname, order);
        /* NULLs sort first ascending and last descending, as the contract says. */
        buf_order_col(b, t, (unsigned int)order);
        cpol__sql_buf_str(b, cpol_query_order_desc(q) ? " DESC NULLS LAST" : " ASC NULLS FIRST");
        if (order != 0) {
            cpol__sql_buf_str(b, ", ");
            buf_order_col(b, t, 0);
            cpol__sql_buf_str(b, " ASC");
        }
    } else {
        buf_order_col(b, t, 0);
        cpol__sql_buf_str(b, " ASC");
    }
    cpol__sql_buf_str(b, " LIMIT ");
    buf_param(b, p->n + 1, "::int8");
    cpol__sql_buf_str(b, " OFFSET ");
    buf_param(b, p->n + 2, "::int8");
    /* No limit is LIMIT NULL. */
    rc = cpol_query_limit(q) < 0 ? add_null(p) : add_int8(p, cpol_query_limit(q));
    if (rc >= 0)
        rc = add_int8(p, cpol_query_offset(q) < 0 ? 0 : cpol_query_offset(q));
    return rc;
}

/* ---- reading binary results ---- */

static uint64_t be_u64(const unsigned char *p, int n)
{
    uint64_t v = 0;
    int i;
    for (i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static int bad_cell(const PGresult *res, int i, int len)
{
    return cpol__error(CPOL_ESTORAGE, "postgresql: result column '%s' has type oid %u and %d bytes, which "
                                      "libcommpolice cannot read (was the table changed by hand?)",
                       PQfname(res, i) ? PQfname(res, i) : "?", (unsigned)PQftype(res, i), len);
}

int cpol__pg_fill(const PGresult *res, int row, int i, cpol_record *rec, unsigned int col)
{
    const unsigned char *p;
    int len;
    uint64_t u;
    if (PQgetisnull(res, row, i))
        return cpol_record_set_null(rec, col);
    p = (const unsigned char *)PQgetvalue(res, row, i);
    len = PQgetlength(res, row, i);
    switch (PQftype(res, i)) {
    case PG_OID_INT8:
        if (len != 8)
            break;
        return cpol_record_set_int(rec, col, (int64_t)be_u64(p, 8));
    case PG_OID_INT4:
        if (len != 4)
            break;
        return cpol_record_set_int(rec, col, (int64_t)(int32_t)(uint32_t)be_u64(p, 4));
    case PG_OID_INT2:
        if (len != 2)
            break;
        return cpol_record_set_int(rec, col, (int64_t)(int16_t)(uint16_t)be_u64(p, 2));
    case PG_OID_BOOL:
        if (len != 1)
            break;
        return cpol_record_set_int(rec, col, p[0] ? 1 : 0);
    case PG_OID_FLOAT8: {
        double d;
        if (len != 8)
            break;
        u = be_u64(p, 8);
        memcpy(&d, &u, sizeof d);
        return cpol_record_set_real(rec, col, d);
    }
    case PG_OID_FLOAT4: {
        float f;
        uint32_t w;
        if (len != 4)
            break;
        w = (uint32_t)be_u64(p, 4);
        memcpy(&f, &w, sizeof f);
        return cpol_record_set_real(rec, col, (double)f);
    }
    case PG_OID_TEXT:
    case PG_OID_VARCHAR:
    case PG_OID_BPCHAR:
    case PG_OID_NAME:
        return set_text_cell(rec, col, (const char *)p, (size_t)len);
    case PG_OID_BYTEA:
        return cpol_record_set_blob(rec, col, p, (size_t)len);
    case PG_OID_UUID:
        if (len != 16)
            break;
        return cpol_record_set_blob(rec, col, p, 16);
    default:
        break;
    }
    return bad_cell(res, i, len);
}

int64_t cpol__pg_cell_int(const PGresult *res, int row, int i)
{
    const unsigned char *p = (const unsigned char *)PQgetvalue(res, row, i);
    int len = PQgetlength(res, row, i);
    if (PQgetisnull(res, row, i))
        return 0;
    switch (PQftype(res, i)) {
    case PG_OID_INT8: return len == 8 ? (int64_t)be_u64(p, 8) : 0;
    case PG_OID_INT4: return len == 4 ? (int64_t)(int32_t)(uint32_t)be_u64(p, 4) : 0;
    case PG_OID_INT2: return len == 2 ? (int64_t)(int16_t)(uint16_t)be_u64(p, 2) : 0;
    case PG_OID_BOOL: return len == 1 && p[0];
    default: return 0;
    }
}
