/* The storage conformance suite: the CONTRACT of commpolice/sys/storage.h,
 * checked on every backend by driving it directly through its method table
 * with the suite's own test tables (not the core's), plus backend
 * registration and end-to-end use of the test backends through the core.
 *
 * Backends under test (tests get the index into `backends` as _i):
 *   memory:  sqlite:<tmp file>  listdb:  fault:memory:  fault:sqlite:<tmp file>
 * The fault backends run disarmed (pure passthrough) except in the fault
 * injection tests.
 *
 * Every test compares the backend with one model: `model[n]` is the row the
 * table conf_item must hold for item n (its primary key is make_id(n)), or
 * NULL. Query results are checked against a reference evaluation of the
 * contract's query rules over the model (ref_*), written here independently
 * of the library's own helpers. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <commpolice/common.h>
#include <commpolice/context.h>
#include <commpolice/errors.h>
#include <commpolice/setting.h>
#include <commpolice/sys/storage.h>
#include <commpolice/version.h>

#include "store/record.h"
#include "test_backends.h"
#include "test_util.h"

/* The system actor for settings calls (they test storage, not permissions):
 * it carries no context, so one handle serves every context. */
static const cpol_actor *fx_sys(cpol_ctx *ctx)
{
    static cpol_actor *sys;
    if (ctx && !sys && cpol_actor_system(ctx, &sys) != CPOL_OK)
        return NULL;
    return ctx ? sys : NULL;
}

/* ---- backends under test ---- */

typedef struct conf_backend {
    const char *name;       /* shown in every assertion message */
    const char *uri_prefix; /* the URI, or its start when a file path follows */
    int file;               /* 1: a fresh temp file path follows (data persists across close) */
} conf_backend;

static const conf_backend backends[] = {
    {"memory", "memory:", 0},
    {"sqlite", "sqlite:", 1},
    {"listdb", "listdb:", 0},
    {"fault:memory", "fault:memory:", 0},
    {"fault:sqlite", "fault:sqlite:", 1},
#ifdef CPOL_CONFORMANCE_POSTGRES /* test conformance.postgresql (tests/postgres/): skipped without a server */
    {"postgresql", "pgtest:", 1},
    {"fault:postgresql", "fault:pgtest:", 1},
#endif
};
#define NBACKENDS ((int)(sizeof backends / sizeof backends[0]))

static int is_fault(const conf_backend *b)
{
    return strncmp(b->uri_prefix, "fault:", 6) == 0;
}

/* ---- assertions: every message names the backend ---- */

static const char *g_name = "registry";

static const char *msgf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *msgf(const char *fmt, ...)
{
    /* a ring, so a message may be built from an earlier msgf() result */
    static char bufs[4][2048];
    static unsigned next;
    char *buf = bufs[next++ % 4];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof bufs[0], fmt, ap);
    va_end(ap);
    return buf;
}

/* The message arguments are evaluated only when the condition fails. */
#define EXPECT(cond, ...) ck_assert_msg((cond), "[%s] %s", g_name, msgf(__VA_ARGS__))

/* An expected failure must also set the per-thread error (callers clear it
 * before the call, so a stale code cannot pass). */
static void expect_rc(int rc, int want, const char *what)
{
    EXPECT(rc == want, "%s: got %s, want %s (%s)", what, cpol_status_name(rc), cpol_status_name(want),
           cpol_error_message());
    if (want < 0)
        EXPECT(cpol_error_code() == want, "%s: returned %s but the error code is %s", what, cpol_status_name(rc),
               cpol_status_name(cpol_error_code()));
}

#define OK(call) expect_rc((call), CPOL_OK, #call)

/* ---- the test schema ---- */

enum { C_ID, C_NAME, C_QTY, C_PRICE, C_DATA, C_AT, C_FLAG, C_REF, C_TAG, C_NOTE };

static const cpol_column_def item_columns[] = {
    {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    {"name", CPOL_COLUMN_TEXT, CPOL_COLUMN_NOTNULL},
    {"qty", CPOL_COLUMN_INT, 0},
    {"price", CPOL_COLUMN_REAL, 0},
    {"data", CPOL_COLUMN_BLOB, 0},
    {"at", CPOL_COLUMN_TIME, 0},
    {"flag", CPOL_COLUMN_BOOL, 0},
    {"ref", CPOL_COLUMN_ID, 0},
    {"tag", CPOL_COLUMN_TEXT, 0},
    {"note", CPOL_COLUMN_TEXT, 0}, /* version 2 only */
};
static const cpol_index_def item_indexes[] = {
    {"conf_item_name", 1, 1, {C_NAME}},
    {"conf_item_tag", 1, 1, {C_TAG}},
    {"conf_item_qty", 0, 1, {C_QTY}},
};
static const cpol_table item_v1 = {"conf_item", 9, item_columns, 3, item_indexes, 0};
static const cpol_table item_v2 = {"conf_item", 10, item_columns, 3, item_indexes, 0};

static const cpol_column_def kv_columns[] = {
    {"k", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    {"v", CPOL_COLUMN_TEXT, 0},
};
static const cpol_table kv_table = {"conf_kv", 2, kv_columns, 0, NULL, 0};

static const cpol_column_def extra_columns[] = {
    {"id", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    {"label", CPOL_COLUMN_TEXT, 0},
};
static const cpol_table extra_table = {"conf_extra", 2, extra_columns, 0, NULL, 0};

static const cpol_table *const tables_v1[] = {&item_v1, &kv_table};
static const cpol_table *const tables_v2[] = {&item_v2, &kv_table, &extra_table};
static const cpol_schema schema_v1 = {1, 2, tables_v1};
static const cpol_schema schema_v2 = {2, 3, tables_v2};

static const cpol_value null_value; /* all zero: a NULL value */

/* ---- the fixture: one backend state per test ---- */

static struct fixture {
    const conf_backend *b;
    const cpol_storage_methods *m;
    void *plugin_data;
    void *st;             /* open backend state, or NULL */
    const char *dir;      /* temp directory of the test */
    char uri[512];        /* full URI (with the temp file for file backends) */
    const char *location; /* uri after "scheme:" */
} fx;

#define MODEL_MAX 1100
static cpol_record *model[MODEL_MAX];

static void model_set(unsigned n, cpol_record *r)
{
    EXPECT(n < MODEL_MAX, "item %u is beyond the model", n);
    cpol__record_free(model[n]);
    model[n] = r;
}

static void model_reset(void)
{
    unsigned n;
    for (n = 0; n < MODEL_MAX; n++)
        model_set(n, NULL);
}

static cpol_time fixed_clock(void *payload)
{
    (void)payload;
    return 1700000000000;
}

static void fx_begin(int i)
{
    size_t len;
    memset(&fx, 0, sizeof fx);
    fx.b = &backends[i];
    g_name = fx.b->name;
    test_fault_arm(0);
    model_reset();
    fx.dir = tu_tmpdir();
    snprintf(fx.uri, sizeof fx.uri, "%s%s%s", fx.b->uri_prefix, fx.b->file ? fx.dir : "",
             fx.b->file ? "/conf.db" : "");
    len = strcspn(fx.uri, ":");
    fx.location = fx.uri + len + 1;
    {
        char scheme[32];
        memcpy(scheme, fx.uri, len);
        scheme[len] = '\0';
        OK(cpol_storage_find(scheme, &fx.m, &fx.plugin_data));
    }
}

/* Open the state the way the core would: with complete options. */
static void fx_open(void)
{
    cpol_open_options o;
    OK(cpol_open_options_init(&o, CPOL_OPEN_OPTIONS_VERSION));
    o.busy_timeout_ms = 5000;
    o.clock = fixed_clock;
    OK(fx.m->open(&fx.st, fx.location, &o, fx.plugin_data));
}

static void fx_close(void)
{
    if (fx.st)
        fx.m->close(fx.st);
    fx.st = NULL;
}

static void fx_end(void)
{
    fx_close();
    model_reset();
    test_fault_arm(0);
    tu_rmtree(fx.dir);
}

static int64_t stored_version(void)
{
    int64_t v = -1;
    OK(fx.m->schema_version(fx.st, &v));
    return v;
}

/* Migrate as the core does: inside a transaction. */
static void migrate(const cpol_schema *s)
{
    int64_t v;
    OK(fx.m->begin(fx.st));
    OK(fx.m->migrate(fx.st, s));
    OK(fx.m->commit(fx.st));
    v = stored_version();
    EXPECT(v == s->version, "schema_version after migrating to %lld reads %lld", (long long)s->version,
           (long long)v);
}

/* Close and open again (file backends keep their data) and check the version. */
static void fx_reopen(int64_t want_version)
{
    int64_t v;
    fx_close();
    fx_open();
    v = stored_version();
    EXPECT(v == want_version, "schema version after reopen is %lld, want %lld", (long long)v,
           (long long)want_version);
}

static void fx_start(int i)
{
    fx_begin(i);
    fx_open();
    migrate(&schema_v1);
}

/* ---- records ---- */

static cpol_record *new_rec(const cpol_table *t)
{
    cpol_record *r = NULL;
    OK(cpol__record_new(t, &r));
    return r;
}

/* Ids sort like their numbers (big-endian tail); the prefix holds a NUL byte. */
static cpol_id make_id(unsigned n)
{
    cpol_id id;
    memset(id.bytes, 0xC5, sizeof id.bytes);
    id.bytes[3] = 0;
    id.bytes[12] = (unsigned char)(n >> 24);
    id.bytes[13] = (unsigned char)(n >> 16);
    id.bytes[14] = (unsigned char)(n >> 8);
    id.bytes[15] = (unsigned char)n;
    return id;
}

/* The number of an id value (0xFFFFFFFF if it is not a 16-byte blob). */
static unsigned id_num(const cpol_value *v)
{
    const unsigned char *p = (const unsigned char *)v->u.p;
    if (v->type != CPOL_VALUE_BLOB || v->len != 16)
        return 0xFFFFFFFFu;
    return (unsigned)p[12] << 24 | (unsigned)p[13] << 16 | (unsigned)p[14] << 8 | p[15];
}

static void set_id(cpol_record *r, unsigned col, unsigned n)
{
    cpol_id id = make_id(n);
    OK(cpol__record_set_id(r, col, &id));
}

/* NULL text sets NULL. */
static void set_text(cpol_record *r, unsigned col, const char *s)
{
    if (s)
        OK(cpol_record_set_text(r, col, s, strlen(s)));
    else
        OK(cpol_record_set_null(r, col));
}

static cpol_record *item_key_on(const cpol_table *t, unsigned n)
{
    cpol_record *r = new_rec(t);
    set_id(r, C_ID, n);
    return r;
}

/* Item n as first inserted (variant 0) or as updated to variant v > 0. */
static cpol_record *make_item_on(const cpol_table *t, unsigned n, unsigned v)
{
    cpol_record *r = item_key_on(t, n);
    unsigned char data[3] = {(unsigned char)n, 0, (unsigned char)v};
    char buf[48];
    if (v)
        snprintf(buf, sizeof buf, "item-%04u-v%u", n, v);
    else
        snprintf(buf, sizeof buf, "item-%04u", n);
    set_text(r, C_NAME, buf);
    if (v)
        OK(cpol_record_set_int(r, C_QTY, 1000 + v));
    else if (n % 7 != 3)
        OK(cpol_record_set_int(r, C_QTY, n % 5));
    OK(cpol_record_set_real(r, C_PRICE, n * 0.25 - v));
    OK(cpol_record_set_blob(r, C_DATA, data, sizeof data));
    OK(cpol_record_set_int(r, C_AT, 1700000000000 + n));
    OK(cpol_record_set_int(r, C_FLAG, n & 1));
    if (n % 3)
        set_id(r, C_REF, n / 3);
    if (n % 2 && !v) {
        snprintf(buf, sizeof buf, "tag-%04u", n);
        set_text(r, C_TAG, buf);
    }
    return r;
}

static cpol_record *make_item(unsigned n, unsigned v)
{
    return make_item_on(&item_v1, n, v);
}

static cpol_record *item_named(unsigned n, const char *name, const char *tag)
{
    cpol_record *r = make_item(n, 0);
    set_text(r, C_NAME, name);
    set_text(r, C_TAG, tag);
    return r;
}

/* Insert r (must succeed) and make it the model's row. */
static void store(cpol_record *r)
{
    OK(fx.m->insert(fx.st, r));
    model_set(id_num(&r->vals[C_ID]), r);
}

static void seed(unsigned count)
{
    unsigned n;
    OK(fx.m->begin(fx.st));
    for (n = 0; n < count; n++)
        store(make_item(n, 0));
    OK(fx.m->commit(fx.st));
}

/* ---- comparing values and rows ---- */

static int values_equal(const cpol_value *a, const cpol_value *b)
{
    if (a->type != b->type)
        return 0;
    switch (a->type) {
    case CPOL_VALUE_NULL: return 1;
    case CPOL_VALUE_INT: return a->u.i == b->u.i;
    case CPOL_VALUE_REAL: return a->u.r == b->u.r; /* exact; NaN never stored */
    default: return a->len == b->len && (a->len == 0 || memcmp(a->u.p, b->u.p, a->len) == 0);
    }
}

static const char *value_desc(const cpol_value *v, char *buf, size_t size)
{
    size_t i, len;
    switch (v->type) {
    case CPOL_VALUE_NULL: snprintf(buf, size, "NULL"); break;
    case CPOL_VALUE_INT: snprintf(buf, size, "%lld", (long long)v->u.i); break;
    case CPOL_VALUE_REAL: snprintf(buf, size, "%.17g", v->u.r); break;
    case CPOL_VALUE_TEXT: snprintf(buf, size, "'%.40s'(%zu bytes)", v->u.p, v->len); break;
    default:
        len = (size_t)snprintf(buf, size, "x'");
        for (i = 0; i < v->len && i < 20 && len + 8 < size; i++)
            len += (size_t)snprintf(buf + len, size - len, "%02x", (unsigned char)v->u.p[i]);
        snprintf(buf + len, size - len, "'(%zu bytes)", v->len);
    }
    return buf;
}

/* Column c of r, NULL beyond its table (a row of an older table version). */
static const cpol_value *col_value(const cpol_record *r, unsigned c)
{
    return c < r->table->ncols ? &r->vals[c] : &null_value;
}

/* The first column where a and b differ, or -1. */
static int first_difference(const cpol_record *a, const cpol_record *b)
{
    unsigned c, n = a->table->ncols > b->table->ncols ? a->table->ncols : b->table->ncols;
    for (c = 0; c < n; c++)
        if (!values_equal(col_value(a, c), col_value(b, c)))
            return (int)c;
    return -1;
}

static void expect_same_row(const cpol_record *got, const cpol_record *want, const char *what)
{
    char g[128], w[128];
    int c = first_difference(got, want);
    EXPECT(c < 0, "%s: item %u column %s is %s, want %s", what, id_num(&want->vals[0]),
           item_columns[c < 0 ? 0 : c].name, value_desc(col_value(got, (unsigned)c), g, sizeof g),
           value_desc(col_value(want, (unsigned)c), w, sizeof w));
}

/* ---- reading back: cursors and dumps ---- */

typedef struct rows {
    size_t n, cap;
    cpol_record **r;
} rows;

static void rows_free(rows *l)
{
    size_t i;
    for (i = 0; i < l->n; i++)
        cpol__record_free(l->r[i]);
    free(l->r);
    memset(l, 0, sizeof *l);
}

static void rows_push(rows *l, cpol_record *r)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->r = realloc(l->r, l->cap * sizeof *l->r);
        ck_assert_ptr_nonnull(l->r);
    }
    l->r[l->n++] = r;
}

/* Read every row of an open cursor into out, then close it. */
static void drain(void *cur, const cpol_table *t, rows *out)
{
    int rc;
    for (;;) {
        cpol_record *r = new_rec(t);
        rc = fx.m->cursor_next(cur, r);
        if (rc != CPOL_OK) {
            cpol__record_free(r);
            break;
        }
        rows_push(out, r);
    }
    fx.m->cursor_close(cur);
    EXPECT(rc == CPOL_DONE, "cursor_next ended with %s (%s)", cpol_status_name(rc), cpol_error_message());
}

static void run_query(const cpol_query *q, rows *out)
{
    void *cur = NULL;
    memset(out, 0, sizeof *out);
    OK(fx.m->query_open(fx.st, q, &cur));
    drain(cur, q->table, out);
}

static cpol_query *new_query(const cpol_table *t)
{
    cpol_query *q = NULL;
    OK(cpol__query_new(t, &q));
    return q;
}

/* The whole table in primary-key order. */
static void dump_table(const cpol_table *t, rows *out)
{
    cpol_query *q = new_query(t);
    run_query(q, out);
    cpol__query_free(q);
}

static void expect_rows(const rows *got, cpol_record *const *want, size_t nwant, const char *what)
{
    size_t i;
    EXPECT(got->n == nwant, "%s: %zu rows, want %zu", what, got->n, nwant);
    for (i = 0; i < nwant; i++) {
        EXPECT(id_num(&got->r[i]->vals[0]) == id_num(&want[i]->vals[0]), "%s: row %zu is item %u, want item %u",
               what, i, id_num(&got->r[i]->vals[0]), id_num(&want[i]->vals[0]));
        expect_same_row(got->r[i], want[i], what);
    }
}

/* The model's rows in primary-key order (borrowed). */
static size_t model_rows(cpol_record **out)
{
    size_t n = 0;
    unsigned i;
    for (i = 0; i < MODEL_MAX; i++)
        if (model[i])
            out[n++] = model[i];
    return n;
}

/* conf_item (read through table version t) holds exactly the model. */
static void expect_table_is_model_on(const cpol_table *t, const char *what)
{
    static cpol_record *want[MODEL_MAX];
    rows got;
    dump_table(t, &got);
    expect_rows(&got, want, model_rows(want), what);
    rows_free(&got);
}

static void expect_table_is_model(const char *what)
{
    expect_table_is_model_on(&item_v1, what);
}

/* get() of item n (read through table version t) gives the model's row, or
 * CPOL_ENOTFOUND if the model has none. */
static void expect_stored_on(const cpol_table *t, unsigned n)
{
    cpol_record *r = item_key_on(t, n);
    int rc;
    cpol_error_clear();
    rc = fx.m->get(fx.st, r);
    if (model[n]) {
        expect_rc(rc, CPOL_OK, msgf("get item %u", n));
        expect_same_row(r, model[n], "get");
    } else {
        expect_rc(rc, CPOL_ENOTFOUND, msgf("get missing item %u", n));
    }
    cpol__record_free(r);
}

static void expect_stored(unsigned n)
{
    expect_stored_on(&item_v1, n);
}

/* ---- writes as data: applied to the backend and to the model ---- */

typedef struct write_op {
    char kind;        /* 'i' insert, 'u' update, 'r' remove, 'g' get */
    unsigned n;       /* the item */
    unsigned variant; /* values written (make_item) */
} write_op;
#define NOPS(a) (sizeof(a) / sizeof(a)[0])

static const char *op_name(char kind)
{
    return kind == 'i' ? "insert" : kind == 'u' ? "update" : kind == 'r' ? "remove" : "get";
}

static int op_run(const write_op *o)
{
    cpol_record *r = o->kind == 'i' || o->kind == 'u' ? make_item(o->n, o->variant) : item_key_on(&item_v1, o->n);
    int rc;
    cpol_error_clear();
    switch (o->kind) {
    case 'i': rc = fx.m->insert(fx.st, r); break;
    case 'u': rc = fx.m->update(fx.st, r); break;
    case 'r': rc = fx.m->remove(fx.st, r); break;
    default: rc = fx.m->get(fx.st, r); break;
    }
    cpol__record_free(r);
    return rc;
}

static void ops_run(const write_op *ops, size_t n)
{
    size_t k;
    for (k = 0; k < n; k++)
        expect_rc(op_run(&ops[k]), CPOL_OK, msgf("%s of item %u", op_name(ops[k].kind), ops[k].n));
}

static void ops_model(const write_op *ops, size_t n)
{
    size_t k;
    for (k = 0; k < n; k++) {
        if (ops[k].kind == 'i' || ops[k].kind == 'u')
            model_set(ops[k].n, make_item(ops[k].n, ops[k].variant));
        else if (ops[k].kind == 'r')
            model_set(ops[k].n, NULL);
    }
}

/* ---- the reference evaluation of queries (the contract's rules) ---- */

static int ref_cmp(const cpol_value *a, const cpol_value *b) /* both non-NULL, same kind */
{
    size_t n;
    int c;
    if (a->type == CPOL_VALUE_INT)
        return (a->u.i > b->u.i) - (a->u.i < b->u.i);
    if (a->type == CPOL_VALUE_REAL)
        return (a->u.r > b->u.r) - (a->u.r < b->u.r);
    n = a->len < b->len ? a->len : b->len;
    c = n ? memcmp(a->u.p, b->u.p, n) : 0;
    if (c)
        return c < 0 ? -1 : 1;
    return (a->len > b->len) - (a->len < b->len);
}

static int ref_match(const cpol_query *q, const cpol_record *r)
{
    unsigned i;
    for (i = 0; i < q->ncond; i++) {
        const cpol_value *want = &q->conds[i].value, *have = col_value(r, (unsigned)q->conds[i].col);
        int op = q->conds[i].op, ok, c;
        if (want->type == CPOL_VALUE_NULL) {
            ok = op == CPOL_OP_EQ ? have->type == CPOL_VALUE_NULL : op == CPOL_OP_NE && have->type != CPOL_VALUE_NULL;
        } else if (have->type == CPOL_VALUE_NULL) {
            ok = 0;
        } else {
            c = ref_cmp(have, want);
            ok = op == CPOL_OP_EQ ? c == 0 : op == CPOL_OP_NE ? c != 0 : op == CPOL_OP_LT ? c < 0
               : op == CPOL_OP_LE ? c <= 0 : op == CPOL_OP_GT ? c > 0 : c >= 0;
        }
        if (!ok)
            return 0;
    }
    return 1;
}

static const cpol_query *ref_query; /* for qsort */

static int ref_order(const void *pa, const void *pb)
{
    const cpol_record *a = *(cpol_record *const *)pa, *b = *(cpol_record *const *)pb;
    int col = ref_query->order_col, c = 0;
    if (col >= 0) {
        const cpol_value *x = col_value(a, (unsigned)col), *y = col_value(b, (unsigned)col);
        int xn = x->type == CPOL_VALUE_NULL, yn = y->type == CPOL_VALUE_NULL;
        c = xn || yn ? yn - xn : ref_cmp(x, y); /* NULL first ascending */
        if (ref_query->desc)
            c = -c;
    }
    return c ? c : ref_cmp(&a->vals[0], &b->vals[0]);
}

/* The rows q must return from the model (borrowed) and, in *nmatch, how many
 * match before offset and limit. */
static size_t ref_result(const cpol_query *q, cpol_record **out, size_t *nmatch)
{
    static cpol_record *all[MODEL_MAX];
    size_t i, n = model_rows(all), m = 0, first, count;
    for (i = 0; i < n; i++)
        if (ref_match(q, all[i]))
            out[m++] = all[i];
    ref_query = q;
    qsort(out, m, sizeof *out, ref_order);
    first = (uint64_t)q->offset < m ? (size_t)q->offset : m;
    count = m - first;
    if (q->limit >= 0 && (uint64_t)q->limit < count)
        count = (size_t)q->limit;
    memmove(out, out + first, count * sizeof *out);
    *nmatch = m;
    return count;
}

static const char *qdesc(const cpol_query *q)
{
    static const char *const ops[] = {"?", "=", "<>", "<", "<=", ">", ">="};
    static char buf[1024];
    char v[128];
    size_t len = 0;
    unsigned i;
#define QADD(...) (len += (size_t)snprintf(buf + len, len < sizeof buf ? sizeof buf - len : 0, __VA_ARGS__))
    QADD("%s", q->table->name);
    for (i = 0; i < q->ncond; i++)
        QADD(" %s %s %s %s", i ? "AND" : "WHERE", item_columns[q->conds[i].col].name,
             ops[q->conds[i].op >= 1 && q->conds[i].op <= 6 ? q->conds[i].op : 0],
             value_desc(&q->conds[i].value, v, sizeof v));
    if (q->order_col >= 0)
        QADD(" ORDER BY %s %s", item_columns[q->order_col].name, q->desc ? "DESC" : "ASC");
    QADD(" OFFSET %lld LIMIT %lld", (long long)q->offset, (long long)q->limit);
#undef QADD
    return buf;
}

/* got is what the backend returned for q: compare with the reference, and
 * count() (when present) with the number of matches regardless of paging.
 * seen (may be NULL) counts each returned item. */
static void check_result(const cpol_query *q, const rows *got, unsigned *seen)
{
    static cpol_record *want[MODEL_MAX];
    size_t i, nmatch, nwant = ref_result(q, want, &nmatch);
    expect_rows(got, want, nwant, qdesc(q));
    for (i = 0; seen && i < got->n; i++)
        seen[id_num(&got->r[i]->vals[0])]++;
    if (fx.m->count) {
        int64_t c = -1;
        expect_rc(fx.m->count(fx.st, q, &c), CPOL_OK, qdesc(q));
        EXPECT(c == (int64_t)nmatch, "count(%s) = %lld, want %zu", qdesc(q), (long long)c, nmatch);
    }
}

/* Run q on the backend and check it; returns the number of rows. */
static size_t expect_query(const cpol_query *q, unsigned *seen)
{
    rows got;
    size_t n;
    run_query(q, &got);
    check_result(q, &got, seen);
    n = got.n;
    rows_free(&got);
    return n;
}

/* The items at positions start.. of got are exactly ids[0..n). */
static void expect_items_at(const rows *got, size_t start, const unsigned *ids, size_t n, const char *what)
{
    size_t i;
    EXPECT(got->n >= start + n, "%s: only %zu rows", what, got->n);
    for (i = 0; i < n; i++)
        EXPECT(id_num(&got->r[start + i]->vals[0]) == ids[i], "%s: row %zu is item %u, want item %u", what,
               start + i, id_num(&got->r[start + i]->vals[0]), ids[i]);
}

/* Run q and check it; its rows from position start (from the end if
 * at_end) must be the items ids[0..n). */
static void expect_query_items(const cpol_query *q, const unsigned *ids, size_t n, int at_end)
{
    rows got;
    run_query(q, &got);
    check_result(q, &got, NULL);
    expect_items_at(&got, at_end && got.n >= n ? got.n - n : 0, ids, n, qdesc(q));
    rows_free(&got);
}

/* ---- migration ---- */

static void kv_put(int64_t k, const char *v)
{
    cpol_record *r = new_rec(&kv_table);
    OK(cpol_record_set_int(r, 0, k));
    set_text(r, 1, v);
    OK(fx.m->insert(fx.st, r));
    cpol__record_free(r);
}

static void expect_kv(int64_t k, const char *v)
{
    cpol_record *r = new_rec(&kv_table);
    const char *got;
    size_t len = 0;
    OK(cpol_record_set_int(r, 0, k));
    expect_rc(fx.m->get(fx.st, r), CPOL_OK, msgf("get conf_kv %lld", (long long)k));
    got = cpol_value_text(cpol_record_value(r, 1), &len);
    if (v)
        EXPECT(got && len == strlen(v) && memcmp(got, v, len) == 0, "conf_kv %lld reads %s, want '%s'",
               (long long)k, got ? got : "(not text)", v);
    else
        EXPECT(cpol_value_type(cpol_record_value(r, 1)) == CPOL_VALUE_NULL, "conf_kv %lld should be NULL",
               (long long)k);
    cpol__record_free(r);
}

START_TEST(migrate_creates_and_extends_tables)
{
    cpol_record *r;
    unsigned n;
    fx_begin(_i);
    fx_open();
    EXPECT(stored_version() == 0, "new storage reports schema version %lld", (long long)stored_version());
    migrate(&schema_v1);
    expect_table_is_model("new table is empty");
    seed(5);
    kv_put(1, "one");
    kv_put(2, NULL);
    if (fx.b->file)
        fx_reopen(1);
    expect_table_is_model("before the extension");

    migrate(&schema_v2);
    expect_table_is_model_on(&item_v2, "existing rows after adding column note (must read NULL)");
    for (n = 0; n < 6; n++)
        expect_stored_on(&item_v2, n);
    expect_kv(1, "one");
    expect_kv(2, NULL);

    r = new_rec(&extra_table); /* the new table works */
    OK(cpol_record_set_int(r, 0, 7));
    set_text(r, 1, "new table");
    OK(fx.m->insert(fx.st, r));
    OK(cpol_record_set_null(r, 1));
    OK(fx.m->get(fx.st, r));
    EXPECT(cpol__record_text(r, 1) && strcmp(cpol__record_text(r, 1), "new table") == 0, "conf_extra row lost");
    cpol__record_free(r);

    r = make_item_on(&item_v2, 7, 0); /* the new column stores values */
    set_text(r, C_NOTE, "备注 note");
    store(r);
    r = make_item_on(&item_v2, 8, 0); /* old unique indexes still hold */
    set_text(r, C_NAME, "item-0000");
    expect_rc(fx.m->insert(fx.st, r), CPOL_EEXISTS, "insert a taken name after the extension");
    cpol__record_free(r);
    expect_table_is_model_on(&item_v2, "after writing version-2 rows");
    if (fx.b->file) {
        fx_reopen(2);
        expect_table_is_model_on(&item_v2, "version-2 rows after reopen");
    }
    fx_end();
}
END_TEST

/* ---- values ---- */

static char *big_text(size_t size)
{
    static const char pattern[] = "白沙派出所 义警 🚓 ";
    char *s = malloc(size + 1);
    size_t i = 0;
    ck_assert_ptr_nonnull(s);
    while (size - i >= sizeof pattern - 1) {
        memcpy(s + i, pattern, sizeof pattern - 1);
        i += sizeof pattern - 1;
    }
    memset(s + i, 'x', size - i);
    s[size] = '\0';
    return s;
}

/* Column col of item n reads back as an empty value of its kind: a
 * non-NULL pointer and length 0, not NULL. */
static void expect_empty_not_null(unsigned n, unsigned col, int kind)
{
    cpol_record *r = item_key_on(&item_v1, n);
    const cpol_value *v;
    const void *p;
    size_t len = 99;
    OK(fx.m->get(fx.st, r));
    v = cpol_record_value(r, col);
    p = kind == CPOL_VALUE_BLOB ? cpol_value_blob(v, &len) : (const void *)cpol_value_text(v, &len);
    EXPECT(p != NULL && len == 0, "empty %s in column %s of item %u reads back as kind %d, %zu bytes",
           kind == CPOL_VALUE_BLOB ? "blob" : "text", item_columns[col].name, n, cpol_value_type(v), len);
    cpol__record_free(r);
}

START_TEST(values_round_trip_exactly)
{
    static const unsigned char nul_blob[] = {0, 'a', 0, 0xff, 0};
    static const char zh[] = "白沙派出所 义警 🚓";
    unsigned char every_byte[256];
    char *big = big_text((size_t)1 << 20);
    cpol_record *r;
    unsigned n;
    for (n = 0; n < 256; n++)
        every_byte[n] = (unsigned char)n;
    fx_start(_i);

    r = make_item(1, 0);
    set_text(r, C_NAME, zh);
    OK(cpol_record_set_int(r, C_QTY, INT64_MIN));
    OK(cpol_record_set_real(r, C_PRICE, 1e308));
    OK(cpol_record_set_blob(r, C_DATA, nul_blob, sizeof nul_blob));
    OK(cpol_record_set_int(r, C_AT, INT64_MAX));
    set_text(r, C_TAG, ""); /* empty text, not NULL */
    store(r);
    r = make_item(2, 0);
    set_text(r, C_NAME, big);
    OK(cpol_record_set_int(r, C_QTY, INT64_MAX));
    OK(cpol_record_set_real(r, C_PRICE, -1e308));
    OK(cpol_record_set_blob(r, C_DATA, NULL, 0)); /* empty blob, not NULL */
    OK(cpol_record_set_int(r, C_AT, INT64_MIN));
    OK(cpol_record_set_null(r, C_REF));
    set_text(r, C_TAG, NULL);
    store(r);
    r = make_item(3, 0); /* every nullable column NULL */
    set_text(r, C_NAME, "");
    for (n = C_QTY; n <= C_TAG; n++)
        OK(cpol_record_set_null(r, n));
    store(r);
    r = make_item(4, 0);
    OK(cpol_record_set_int(r, C_QTY, -1));
    OK(cpol_record_set_real(r, C_PRICE, 0.5));
    OK(cpol_record_set_blob(r, C_DATA, every_byte, sizeof every_byte));
    OK(cpol_record_set_int(r, C_AT, -1));
    set_text(r, C_TAG, zh);
    store(r);
    r = make_item(5, 0);
    OK(cpol_record_set_real(r, C_PRICE, -0.5));
    OK(cpol_record_set_text(r, C_TAG, "nul\0inside", 10)); /* U+0000 is valid UTF-8 */
    store(r);
    r = make_item(6, 0);
    OK(cpol_record_set_real(r, C_PRICE, 4.9406564584124654e-324)); /* smallest subnormal */
    store(r);
    r = make_item(7, 0);
    OK(cpol_record_set_real(r, C_PRICE, 0.1)); /* not exact in binary: every bit must survive */
    store(r);

    for (n = 1; n <= 7; n++)
        expect_stored(n);
    expect_table_is_model("read back through a cursor");

    expect_empty_not_null(2, C_DATA, CPOL_VALUE_BLOB);
    expect_empty_not_null(1, C_TAG, CPOL_VALUE_TEXT);
    expect_empty_not_null(3, C_NAME, CPOL_VALUE_TEXT);

    kv_put(INT64_MIN, "min");
    kv_put(INT64_MAX, NULL);
    kv_put(0, "");
    expect_kv(INT64_MIN, "min");
    expect_kv(INT64_MAX, NULL);
    expect_kv(0, "");
    free(big);
    fx_end();
}
END_TEST

/* ---- rows: keys, unique indexes, update, remove, get ---- */

static void expect_write_refused(int is_update, cpol_record *r, int want, const char *what)
{
    int rc;
    cpol_error_clear();
    rc = is_update ? fx.m->update(fx.st, r) : fx.m->insert(fx.st, r);
    expect_rc(rc, want, what);
    cpol__record_free(r);
}

START_TEST(unique_keys_and_indexes)
{
    cpol_record *r;
    fx_start(_i);
    seed(3); /* tags: NULL, "tag-0001", NULL */

    expect_write_refused(0, make_item(0, 1), CPOL_EEXISTS, "insert a taken primary key");
    expect_stored(0);
    expect_write_refused(0, item_named(5, "item-0000", NULL), CPOL_EEXISTS, "insert a taken name");
    expect_stored(5);
    store(item_named(6, "item-0006", NULL)); /* a third NULL tag: NULLs never collide */
    expect_write_refused(0, item_named(7, "item-0007", "tag-0001"), CPOL_EEXISTS, "insert a taken tag");
    expect_stored(7);
    r = item_named(8, "item-0008", NULL); /* the qty index is not unique */
    OK(cpol_record_set_int(r, C_QTY, 0));
    store(r);

    expect_write_refused(1, item_named(1, "item-0000", "tag-0001"), CPOL_EEXISTS, "update onto a taken name");
    expect_stored(1);
    expect_write_refused(1, item_named(2, "item-0002", "tag-0001"), CPOL_EEXISTS, "update onto a taken tag");
    expect_stored(2);
    r = make_item(1, 0); /* keeping its own unique values is no collision */
    OK(cpol_record_set_int(r, C_QTY, 42));
    OK(fx.m->update(fx.st, r));
    model_set(1, r);
    expect_table_is_model("after refused writes");
    fx_end();
}
END_TEST

START_TEST(update_remove_get)
{
    static const write_op missing[] = {{'u', 50, 0}, {'r', 2, 0}, {'r', 77, 0}, {'g', 99, 0}};
    static const write_op writes[] = {{'u', 1, 1}, {'r', 2, 0}};
    size_t k;
    fx_start(_i);
    seed(3);
    ops_run(writes, NOPS(writes)); /* update replaces every column (tag becomes NULL) */
    ops_model(writes, NOPS(writes));
    expect_stored(1);
    expect_stored(2);
    for (k = 0; k < NOPS(missing); k++)
        expect_rc(op_run(&missing[k]), CPOL_ENOTFOUND, msgf("%s of missing item %u", op_name(missing[k].kind),
                                                            missing[k].n));
    expect_stored(50);
    store(item_named(60, "item-0002", NULL));     /* the removed row's name is free */
    store(item_named(61, "item-0061", "tag-0001")); /* so is the tag item 1 dropped */
    expect_table_is_model("after updates and removes");
    fx_end();
}
END_TEST

/* ---- queries ---- */

static void query_where(cpol_query *q, int col, int op, const cpol_value *v)
{
    OK(cpol__query_where(q, col, op, v));
}

START_TEST(query_every_operator)
{
    static const int cols[] = {C_ID, C_NAME, C_QTY, C_PRICE, C_DATA, C_AT, C_FLAG, C_REF, C_TAG};
    /* values taken from rows at both ends and the middle, between rows and past the end */
    static const unsigned probe_n[] = {0, 13, 29, 13, 40};
    static const unsigned probe_v[] = {0, 0, 0, 1, 0};
    size_t p, c;
    int op;
    fx_start(_i);
    seed(30);
    for (p = 0; p < NOPS(probe_n); p++) {
        cpol_record *probe = make_item(probe_n[p], probe_v[p]);
        for (c = 0; c < NOPS(cols); c++) {
            if (probe->vals[cols[c]].type == CPOL_VALUE_NULL)
                continue;
            for (op = CPOL_OP_EQ; op <= CPOL_OP_GE; op++) {
                cpol_query *q = new_query(&item_v1);
                query_where(q, cols[c], op, &probe->vals[cols[c]]);
                expect_query(q, NULL);
                cpol__query_free(q);
            }
        }
        cpol__record_free(probe);
    }
    fx_end();
}
END_TEST

START_TEST(query_null_tests_and_conjunctions)
{
    static const int nullable[] = {C_QTY, C_REF, C_TAG};
    cpol_query *q;
    cpol_id id20 = make_id(20);
    size_t c;
    fx_start(_i);
    seed(30);
    for (c = 0; c < NOPS(nullable); c++) {
        q = new_query(&item_v1);
        query_where(q, nullable[c], CPOL_OP_EQ, &null_value);
        EXPECT(expect_query(q, NULL) == (nullable[c] == C_TAG ? 15u : nullable[c] == C_QTY ? 4u : 10u),
               "wrong number of rows for %s", qdesc(q));
        cpol__query_free(q);
        q = new_query(&item_v1);
        query_where(q, nullable[c], CPOL_OP_NE, &null_value);
        expect_query(q, NULL);
        cpol__query_free(q);
    }

    q = new_query(&item_v1); /* 1 <= qty <= 3 AND tag IS NOT NULL */
    OK(cpol__query_where_int(q, C_QTY, CPOL_OP_GE, 1));
    OK(cpol__query_where_int(q, C_QTY, CPOL_OP_LE, 3));
    query_where(q, C_TAG, CPOL_OP_NE, &null_value);
    EXPECT(expect_query(q, NULL) > 0, "%s should match rows", qdesc(q));
    cpol__query_free(q);

    q = new_query(&item_v1); /* three columns of three kinds */
    OK(cpol__query_where_text(q, C_NAME, CPOL_OP_GT, "item-0005", 9));
    OK(cpol__query_where_id(q, C_ID, CPOL_OP_LT, &id20));
    OK(cpol__query_where_int(q, C_FLAG, CPOL_OP_EQ, 1));
    EXPECT(expect_query(q, NULL) == 7, "%s should match items 7..19 odd", qdesc(q));
    cpol__query_free(q);

    q = new_query(&item_v1); /* contradictory */
    OK(cpol__query_where_int(q, C_QTY, CPOL_OP_EQ, 1));
    OK(cpol__query_where_int(q, C_QTY, CPOL_OP_EQ, 2));
    EXPECT(expect_query(q, NULL) == 0, "%s should match nothing", qdesc(q));
    cpol__query_free(q);

    q = new_query(&item_v1); /* conditions with order and paging */
    query_where(q, C_TAG, CPOL_OP_EQ, &null_value);
    query_where(q, C_REF, CPOL_OP_NE, &null_value);
    cpol__query_order(q, C_QTY, 1);
    cpol__query_page(q, 1, 3);
    expect_query(q, NULL);
    cpol__query_free(q);
    fx_end();
}
END_TEST

START_TEST(query_order_nulls_and_ties)
{
    static const int orders[][2] = {{-1, 0}, {C_ID, 0}, {C_ID, 1}, {C_QTY, 0}, {C_QTY, 1}, {C_TAG, 0}, {C_TAG, 1},
                                    {C_NAME, 1}, {C_PRICE, 1}, {C_REF, 0}, {C_REF, 1}, {C_DATA, 1}, {C_FLAG, 0}};
    /* qty is NULL for 3 10 17 24; ties are broken by ascending key even when descending */
    static const unsigned qty_asc_head[] = {3, 10, 17, 24, 0, 5, 15, 20, 25};
    static const unsigned qty_desc_head[] = {4, 9, 14, 19, 29};
    static const unsigned qty_desc_tail[] = {3, 10, 17, 24};
    cpol_query *q;
    size_t k;
    fx_start(_i);
    seed(30);
    for (k = 0; k < NOPS(orders); k++) {
        q = new_query(&item_v1);
        if (orders[k][0] >= 0)
            cpol__query_order(q, orders[k][0], orders[k][1]);
        expect_query(q, NULL);
        cpol__query_page(q, 3, 7);
        expect_query(q, NULL);
        cpol__query_free(q);
    }

    q = new_query(&item_v1);
    cpol__query_order(q, C_QTY, 0);
    expect_query_items(q, qty_asc_head, NOPS(qty_asc_head), 0);
    cpol__query_order(q, C_QTY, 1);
    expect_query_items(q, qty_desc_head, NOPS(qty_desc_head), 0);
    expect_query_items(q, qty_desc_tail, NOPS(qty_desc_tail), 1);
    cpol__query_free(q);
    fx_end();
}
END_TEST

START_TEST(query_text_is_bytewise)
{
    /* bytes: "" < "Z" (5A) < "a" (61) < "ab" < "é" (C3 A9) < "中" (E4 B8 AD) */
    static const char *const names[] = {"中", "a", "é", "Z", "ab", ""};
    static const unsigned ascending[] = {5, 3, 1, 4, 2, 0};
    static const unsigned descending[] = {0, 2, 4, 1, 3, 5};
    static const unsigned below_a[] = {5, 3};
    static const unsigned after_e[] = {0};
    cpol_query *q;
    unsigned n;
    fx_start(_i);
    for (n = 0; n < NOPS(names); n++)
        store(item_named(n, names[n], NULL));
    q = new_query(&item_v1);
    cpol__query_order(q, C_NAME, 0);
    expect_query_items(q, ascending, NOPS(ascending), 0);
    cpol__query_order(q, C_NAME, 1);
    expect_query_items(q, descending, NOPS(descending), 0);
    OK(cpol__query_where_text(q, C_NAME, CPOL_OP_LT, "a", 1));
    cpol__query_order(q, C_NAME, 0);
    expect_query_items(q, below_a, NOPS(below_a), 0);
    cpol__query_free(q);
    q = new_query(&item_v1);
    OK(cpol__query_where_text(q, C_NAME, CPOL_OP_GT, "é", strlen("é")));
    expect_query_items(q, after_e, NOPS(after_e), 0);
    EXPECT(expect_query(q, NULL) == 1, "only 中 sorts after é");
    cpol__query_free(q);
    fx_end();
}
END_TEST

/* Page through q (page rows at a time) and check each page; every matching
 * row must come exactly once. */
static void expect_paging(cpol_query *q, int64_t page)
{
    static unsigned seen[MODEL_MAX];
    static cpol_record *want[MODEL_MAX];
    size_t got, i, nmatch;
    int64_t off = 0;
    memset(seen, 0, sizeof seen);
    do {
        cpol__query_page(q, off, page);
        got = expect_query(q, seen);
        off += page;
    } while (got == (size_t)page);
    cpol__query_page(q, 0, -1);
    ref_result(q, want, &nmatch);
    for (i = 0; i < nmatch; i++) {
        unsigned n = id_num(&want[i]->vals[0]);
        EXPECT(seen[n] == 1, "paging %s by %lld returned item %u %u times", qdesc(q), (long long)page, n, seen[n]);
    }
}

START_TEST(query_paging_over_1000_rows)
{
    static const int orders[][2] = {{-1, 0}, {C_QTY, 0}, {C_QTY, 1}, {C_TAG, 1}};
    static const int64_t edges[][2] = {{1000, -1}, {999, 5}, {5000, 10}, {0, 0}, {10, 0}};
    cpol_query *q;
    size_t k;
    fx_start(_i);
    seed(1000);
    for (k = 0; k < NOPS(orders); k++) {
        q = new_query(&item_v1);
        if (orders[k][0] >= 0)
            cpol__query_order(q, orders[k][0], orders[k][1]);
        expect_query(q, NULL);
        expect_paging(q, 37);
        cpol__query_free(q);
    }
    q = new_query(&item_v1);
    OK(cpol__query_where_int(q, C_QTY, CPOL_OP_EQ, 2));
    cpol__query_order(q, C_NAME, 1);
    expect_paging(q, 10);
    for (k = 0; k < NOPS(edges); k++) {
        cpol__query_page(q, edges[k][0], edges[k][1]);
        expect_query(q, NULL);
    }
    cpol__query_free(q);
    fx_end();
}
END_TEST

/* ---- cursors ---- */

START_TEST(cursor_survives_writes)
{
    static const write_op writes[2][3] = {{{'i', 100, 0}, {'u', 5, 1}, {'r', 8, 0}},
                                    {{'i', 101, 0}, {'u', 6, 2}, {'r', 9, 0}}};
    int pass;
    fx_start(_i);
    seed(12);
    for (pass = 0; pass < 2; pass++) { /* pass 1 inside a transaction */
        cpol_query *q = new_query(&item_v1);
        cpol_record *r = new_rec(&item_v1);
        void *cur = NULL;
        int rc, after = 0;
        if (pass)
            OK(fx.m->begin(fx.st));
        OK(fx.m->query_open(fx.st, q, &cur));
        OK(fx.m->cursor_next(cur, r));
        ops_run(writes[pass], NOPS(writes[pass]));
        ops_model(writes[pass], NOPS(writes[pass]));
        for (;;) {
            cpol__record_reset(r);
            rc = fx.m->cursor_next(cur, r);
            if (rc != CPOL_OK)
                break;
            EXPECT(id_num(&r->vals[0]) < MODEL_MAX, "pass %d: the cursor returned a malformed row", pass);
            after++;
        }
        expect_rc(rc, CPOL_DONE, msgf("pass %d: cursor_next after writes", pass));
        EXPECT(after > 0, "pass %d: the cursor returned no rows after the writes", pass);
        fx.m->cursor_close(cur);
        if (pass)
            OK(fx.m->commit(fx.st));
        cpol__record_free(r);
        cpol__query_free(q);
        expect_table_is_model(pass ? "writes made in a transaction during a cursor" : "writes made during a cursor");
    }
    fx_end();
}
END_TEST

START_TEST(two_cursors_on_one_query)
{
    cpol_query *q;
    void *cur[2] = {NULL, NULL};
    rows got[2];
    int k, rc[2] = {CPOL_OK, CPOL_OK};
    fx_start(_i);
    seed(12);
    q = new_query(&item_v1);
    cpol__query_order(q, C_QTY, 1);
    memset(got, 0, sizeof got);
    OK(fx.m->query_open(fx.st, q, &cur[0]));
    OK(fx.m->query_open(fx.st, q, &cur[1]));
    while (rc[0] == CPOL_OK || rc[1] == CPOL_OK) { /* interleaved */
        for (k = 0; k < 2; k++) {
            cpol_record *r;
            if (rc[k] != CPOL_OK)
                continue;
            r = new_rec(&item_v1);
            rc[k] = fx.m->cursor_next(cur[k], r);
            if (rc[k] == CPOL_OK)
                rows_push(&got[k], r);
            else
                cpol__record_free(r);
        }
    }
    for (k = 0; k < 2; k++) {
        expect_rc(rc[k], CPOL_DONE, msgf("end of cursor %d", k));
        fx.m->cursor_close(cur[k]);
        check_result(q, &got[k], NULL);
        rows_free(&got[k]);
    }
    cpol__query_free(q);
    fx_end();
}
END_TEST

/* ---- transactions ---- */

static const write_op tx_writes[] = {{'i', 10, 0}, {'u', 1, 1}, {'r', 2, 0}, {'u', 10, 1}, {'i', 11, 0}};

START_TEST(rollback_discards_commit_keeps)
{
    rows before, after;
    fx_start(_i);
    seed(5);
    dump_table(&item_v1, &before);
    OK(fx.m->begin(fx.st));
    ops_run(tx_writes, NOPS(tx_writes));
    OK(fx.m->rollback(fx.st));
    dump_table(&item_v1, &after);
    expect_rows(&after, before.r, before.n, "after rollback");
    rows_free(&before);
    rows_free(&after);
    OK(fx.m->begin(fx.st));
    ops_run(tx_writes, NOPS(tx_writes));
    OK(fx.m->commit(fx.st));
    ops_model(tx_writes, NOPS(tx_writes));
    expect_table_is_model("after commit");
    fx_end();
}
END_TEST

START_TEST(savepoint_rollback_keeps_earlier_writes)
{
    static const write_op before_sp[] = {{'i', 10, 0}, {'u', 0, 1}};
    static const write_op after_sp[] = {{'i', 11, 0}, {'u', 1, 1}, {'r', 2, 0}, {'u', 10, 2}};
    static const write_op after_undo[] = {{'i', 12, 0}};
    fx_start(_i);
    seed(5);
    OK(fx.m->begin(fx.st));
    ops_run(before_sp, NOPS(before_sp));
    OK(fx.m->savepoint(fx.st, 1));
    ops_run(after_sp, NOPS(after_sp));
    OK(fx.m->rollback_to(fx.st, 1));
    ops_run(after_undo, NOPS(after_undo));
    OK(fx.m->savepoint(fx.st, 1)); /* the level is free again */
    ops_run(after_sp, 1);
    OK(fx.m->release(fx.st, 1));
    OK(fx.m->commit(fx.st));
    ops_model(before_sp, NOPS(before_sp));
    ops_model(after_undo, NOPS(after_undo));
    ops_model(after_sp, 1);
    expect_table_is_model("savepoint 1, writes, rollback_to 1, commit");
    fx_end();
}
END_TEST

START_TEST(nested_savepoints)
{
    static const write_op outer[] = {{'i', 20, 0}};
    static const write_op level1[] = {{'i', 21, 0}, {'u', 0, 1}};
    static const write_op level2[] = {{'i', 22, 0}, {'r', 1, 0}, {'u', 21, 1}};
    fx_start(_i);
    seed(5);
    /* release(2) then rollback_to(1): both levels undone */
    OK(fx.m->begin(fx.st));
    ops_run(outer, NOPS(outer));
    OK(fx.m->savepoint(fx.st, 1));
    ops_run(level1, NOPS(level1));
    OK(fx.m->savepoint(fx.st, 2));
    ops_run(level2, NOPS(level2));
    OK(fx.m->release(fx.st, 2));
    OK(fx.m->rollback_to(fx.st, 1));
    OK(fx.m->commit(fx.st));
    ops_model(outer, NOPS(outer));
    expect_table_is_model("release 2, rollback_to 1");
    /* rollback_to(2) then release(1): only level 2 undone */
    OK(fx.m->begin(fx.st));
    OK(fx.m->savepoint(fx.st, 1));
    ops_run(level1, NOPS(level1));
    OK(fx.m->savepoint(fx.st, 2));
    ops_run(level2, NOPS(level2));
    OK(fx.m->rollback_to(fx.st, 2));
    OK(fx.m->release(fx.st, 1));
    OK(fx.m->commit(fx.st));
    ops_model(level1, NOPS(level1));
    expect_table_is_model("rollback_to 2, release 1");
    fx_end();
}
END_TEST

START_TEST(failed_write_keeps_transaction)
{
    static const write_op first[] = {{'i', 10, 0}};
    static const write_op refused[] = {{'i', 10, 0}, {'u', 50, 0}, {'r', 51, 0}};
    static const write_op later[] = {{'i', 11, 0}, {'u', 10, 1}, {'r', 0, 0}};
    static const int refused_rc[] = {CPOL_EEXISTS, CPOL_ENOTFOUND, CPOL_ENOTFOUND};
    size_t k;
    fx_start(_i);
    seed(3);
    OK(fx.m->begin(fx.st));
    ops_run(first, NOPS(first));
    for (k = 0; k < NOPS(refused); k++)
        expect_rc(op_run(&refused[k]), refused_rc[k], msgf("%s of item %u in a transaction",
                                                           op_name(refused[k].kind), refused[k].n));
    expect_write_refused(0, item_named(12, "item-0001", NULL), CPOL_EEXISTS, "insert a taken name in a transaction");
    ops_run(later, NOPS(later));
    OK(fx.m->commit(fx.st));
    ops_model(first, NOPS(first));
    ops_model(later, NOPS(later));
    expect_table_is_model("after a transaction with refused writes");
    fx_end();
}
END_TEST

/* ---- persistence (file backends) ---- */

START_TEST(committed_data_survives_reopen)
{
    static const write_op committed[] = {{'i', 3, 0}, {'u', 0, 1}};
    static const write_op autocommit[] = {{'i', 5, 0}, {'u', 3, 1}, {'r', 1, 0}};
    static const write_op abandoned[] = {{'i', 4, 0}, {'u', 5, 1}, {'r', 2, 0}};
    fx_start(_i);
    seed(3);
    OK(fx.m->begin(fx.st));
    ops_run(committed, NOPS(committed));
    OK(fx.m->commit(fx.st));
    ops_model(committed, NOPS(committed));
    fx_reopen(1);
    expect_table_is_model("committed data after reopen");
    ops_run(autocommit, NOPS(autocommit)); /* outside a transaction: each write commits */
    ops_model(autocommit, NOPS(autocommit));
    fx_reopen(1);
    expect_table_is_model("writes made outside a transaction, after reopen");
    OK(fx.m->begin(fx.st));
    ops_run(abandoned, NOPS(abandoned));
    fx_close(); /* with the transaction open */
    fx_open();
    expect_table_is_model("a transaction left open at close must be absent after reopen");
    fx_end();
}
END_TEST

/* ---- fault injection (fault backends) ---- */

static const write_op fault_writes[] = {
    {'i', 100, 0}, {'u', 1, 1}, {'r', 2, 0}, {'g', 100, 0}, {'i', 101, 0}, {'u', 100, 1},
};

/* begin, the writes, commit; stops at the first failure and names the call. */
static int fault_sequence(const char **failed)
{
    size_t k;
    int rc;
    *failed = "begin";
    rc = fx.m->begin(fx.st);
    for (k = 0; rc >= 0 && k < NOPS(fault_writes); k++) {
        *failed = op_name(fault_writes[k].kind);
        rc = op_run(&fault_writes[k]);
    }
    if (rc >= 0) {
        *failed = "commit";
        rc = fx.m->commit(fx.st);
    }
    return rc;
}

/* For n = 1, 2, … fail call n of the sequence until it succeeds; every
 * failure must leave the table as it was. */
static void fault_test(int i, void (*arm)(long), const char *mode)
{
    const char *failed = "";
    long n, calls = 0;
    int rc = CPOL_ERROR;
    size_t k;
    fx_start(i);
    seed(5);
    /* a failing write outside a transaction stores nothing */
    for (k = 0; k < NOPS(fault_writes); k++) {
        if (fault_writes[k].kind == 'g')
            continue;
        arm(1);
        rc = op_run(&fault_writes[k]);
        test_fault_arm(0);
        EXPECT(rc < 0, "%s: %s of item %u outside a transaction with a fault armed returned %s", mode,
               op_name(fault_writes[k].kind), fault_writes[k].n, cpol_status_name(rc));
        expect_table_is_model(msgf("%s: after a failed %s outside a transaction", mode, op_name(fault_writes[k].kind)));
    }
    rc = CPOL_ERROR;
    for (n = 1; n <= 100; n++) {
        rows before, after;
        int fired;
        dump_table(&item_v1, &before);
        arm(n);
        rc = fault_sequence(&failed);
        fired = test_fault_fired();
        calls = test_fault_calls();
        if (rc < 0) {
            int rb = fx.m->rollback(fx.st);
            /* a failed begin or commit leaves no transaction to roll back */
            if (strcmp(failed, "begin") != 0 && strcmp(failed, "commit") != 0)
                expect_rc(rb, CPOL_OK, msgf("%s, fault at call %ld: rollback after a failed %s", mode, n, failed));
        }
        test_fault_arm(0);
        EXPECT(fired == (rc < 0), "%s, fault at call %ld: %s returned %s, fault fired: %d (%s)", mode, n, failed,
               cpol_status_name(rc), fired, cpol_error_message());
        if (rc < 0) {
            EXPECT(calls == n, "%s: the fault fired at call %ld, armed for %ld", mode, calls, n);
            dump_table(&item_v1, &after);
            expect_rows(&after, before.r, before.n, msgf("%s, fault at call %ld (%s)", mode, n, failed));
            rows_free(&after);
        }
        rows_free(&before);
        if (rc >= 0)
            break;
    }
    EXPECT(rc == CPOL_OK && n > 1, "%s: the sequence never succeeded (last failure in %s)", mode, failed);
    EXPECT(calls == n - 1, "%s: succeeded when armed for call %ld with %ld calls counted", mode, n, calls);
    ops_model(fault_writes, NOPS(fault_writes));
    expect_table_is_model("after the sequence succeeded");
    fx_end();
}

START_TEST(fault_in_any_write_rolls_back)
{
    fault_test(_i, test_fault_arm, "mutating calls");
}
END_TEST

START_TEST(fault_in_any_call_rolls_back)
{
    fault_test(_i, test_fault_arm_any, "any call");
}
END_TEST

static void expect_setting(cpol_ctx *ctx, const char *key, const char *want, const char *what)
{
    char *v = NULL;
    expect_rc(cpol_setting_get(ctx, fx_sys(ctx), key, &v), CPOL_OK, msgf("%s: get %s", what, key));
    EXPECT(v && strcmp(v, want) == 0, "%s: setting %s is '%s', want '%s'", what, key, v ? v : "(null)", want);
    cpol_free(v);
}

/* The keys the settings iterator gives for prefix, in order. */
static void expect_setting_keys(cpol_ctx *ctx, const char *prefix, const char *const *keys, size_t n)
{
    cpol_setting_iter *it = NULL;
    const char *k, *v;
    size_t i;
    int rc;
    OK(cpol_setting_iter_new(ctx, fx_sys(ctx), prefix, &it));
    for (i = 0; i < n; i++) {
        expect_rc(cpol_setting_iter_next(it, &k, &v), CPOL_OK, msgf("setting %zu with prefix '%s'", i, prefix));
        EXPECT(strcmp(k, keys[i]) == 0, "setting %zu with prefix '%s' is %s, want %s", i, prefix, k, keys[i]);
    }
    rc = cpol_setting_iter_next(it, &k, &v);
    EXPECT(rc == CPOL_DONE, "prefix '%s': more than %zu settings (%s)", prefix, n, cpol_status_name(rc));
    cpol_setting_iter_free(it);
}

/* Arm call n = 1, 2, … of cpol_setting_set(k = "new") until it succeeds. */
static void setting_fault_loop(cpol_ctx *ctx, void (*arm)(long), const char *mode)
{
    long n;
    int rc = CPOL_ERROR;
    OK(cpol_setting_set(ctx, fx_sys(ctx), "k", "old"));
    for (n = 1; n <= 100; n++) {
        int fired;
        arm(n);
        rc = cpol_setting_set(ctx, fx_sys(ctx), "k", "new");
        fired = test_fault_fired();
        test_fault_arm(0);
        EXPECT(rc == CPOL_OK || (rc < 0 && fired), "%s, fault at call %ld: cpol_setting_set returned %s (%s)",
               mode, n, cpol_status_name(rc), cpol_error_message());
        if (rc == CPOL_OK)
            break;
        expect_setting(ctx, "k", "old", msgf("%s, fault at call %ld", mode, n));
    }
    EXPECT(rc == CPOL_OK && n > 1, "%s: cpol_setting_set never succeeded, or never failed", mode);
    expect_setting(ctx, "k", "new", mode);
}

START_TEST(fault_setting_set_is_atomic)
{
    static const char *const only_k[] = {"k"};
    cpol_ctx *ctx = NULL;
    fx_begin(_i);
    OK(cpol_ctx_open(&ctx, fx.uri, tu_options()));
    setting_fault_loop(ctx, test_fault_arm, "mutating calls");
    setting_fault_loop(ctx, test_fault_arm_any, "any call");
    OK(cpol_batch_begin(ctx));
    setting_fault_loop(ctx, test_fault_arm, "mutating calls in a batch");
    setting_fault_loop(ctx, test_fault_arm_any, "any call in a batch");
    OK(cpol_batch_commit(ctx));
    expect_setting_keys(ctx, "", only_k, 1);
    OK(cpol_ctx_close(ctx));
    if (fx.b->file) {
        OK(cpol_ctx_open(&ctx, fx.uri, tu_options()));
        expect_setting(ctx, "k", "new", "after reopen");
        OK(cpol_ctx_close(ctx));
    }
    fx_end();
}
END_TEST

/* ---- end to end through the core ---- */

START_TEST(core_end_to_end)
{
    static const char *const station[] = {"station.code", "station.name"};
    static const char *const all[] = {"kiosk.location", "station.code", "station.name"};
    cpol_ctx *ctx = NULL;
    char *v = NULL;
    int64_t version = -1;
    fx_begin(_i);
    OK(cpol_ctx_open(&ctx, fx.uri, tu_options()));
    EXPECT(strncmp(fx.uri, cpol_ctx_backend(ctx), strlen(cpol_ctx_backend(ctx))) == 0, "backend is '%s'",
           cpol_ctx_backend(ctx));
    OK(cpol_ctx_schema_version(ctx, &version));
    EXPECT(version == cpol_schema_version_current(), "schema version %lld", (long long)version);
    OK(cpol_setting_set(ctx, fx_sys(ctx), "station.name", "白沙派出所"));
    OK(cpol_setting_set(ctx, fx_sys(ctx), "station.code", "530902"));
    OK(cpol_setting_set(ctx, fx_sys(ctx), "kiosk.location", "社区服务站"));
    OK(cpol_setting_set(ctx, fx_sys(ctx), "station.code", "530903"));
    OK(cpol_setting_set(ctx, fx_sys(ctx), "tmp.x", "gone soon"));
    OK(cpol_setting_delete(ctx, fx_sys(ctx), "tmp.x"));
    expect_rc(cpol_setting_delete(ctx, fx_sys(ctx), "tmp.x"), CPOL_ENOTFOUND, "delete a deleted setting");
    expect_rc(cpol_setting_get(ctx, fx_sys(ctx), "tmp.x", &v), CPOL_ENOTFOUND, "get a deleted setting");
    expect_setting(ctx, "station.name", "白沙派出所", "end to end");
    expect_setting(ctx, "station.code", "530903", "end to end");
    expect_setting_keys(ctx, "station.", station, 2);
    expect_setting_keys(ctx, NULL, all, 3);
    OK(cpol_batch_begin(ctx));
    OK(cpol_setting_set(ctx, fx_sys(ctx), "station.name", "rolled back"));
    OK(cpol_batch_rollback(ctx));
    expect_setting(ctx, "station.name", "白沙派出所", "after a rolled-back batch");
    OK(cpol_ctx_close(ctx));
    fx_end();
}
END_TEST

/* ---- registration (public API) ---- */

static cpol_storage_methods tmp_backend(void)
{
    cpol_storage_methods m = *test_list_backend();
    m.name = "tmpdb";
    return m;
}

static void expect_unregistered(const char *name)
{
    const cpol_storage_methods *m = NULL;
    expect_rc(cpol_storage_find(name, &m, NULL), CPOL_ENOTFOUND, msgf("find '%s'", name));
}

/* 1 if word occurs in s, not as part of a longer identifier. */
static int has_word(const char *s, const char *word)
{
    size_t n = strlen(word);
    const char *p;
    for (p = strstr(s, word); p; p = strstr(p + 1, word)) {
        int before = p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
        int after = isalnum((unsigned char)p[n]) || p[n] == '_';
        if (!before && !after)
            return 1;
    }
    return 0;
}

START_TEST(register_rejects_bad_tables)
{
    static const char *const bad_names[] = {"", "Bad", "9x", "a b", NULL};
    cpol_storage_methods m;
    size_t k;
    g_name = "registry";
    expect_rc(cpol_storage_register(NULL, NULL), CPOL_EMISUSE, "register NULL");
    m = tmp_backend();
    m.version = 0;
    expect_rc(cpol_storage_register(&m, NULL), CPOL_EVERSION, "register version 0");
    m.version = CPOL_STORAGE_VERSION + 1;
    expect_rc(cpol_storage_register(&m, NULL), CPOL_EVERSION, "register a newer version");
    for (k = 0; k < NOPS(bad_names); k++) {
        m = tmp_backend();
        m.name = bad_names[k];
        expect_rc(cpol_storage_register(&m, NULL), CPOL_EINVALID,
                  msgf("register name '%s'", bad_names[k] ? bad_names[k] : "(NULL)"));
    }
    expect_unregistered("tmpdb");
}
END_TEST

#define METHOD(f) {#f, offsetof(cpol_storage_methods, f)}
static const struct {
    const char *name;
    size_t offset;
} required_methods[] = {
    METHOD(open), METHOD(close), METHOD(schema_version), METHOD(migrate), METHOD(begin), METHOD(commit),
    METHOD(rollback), METHOD(savepoint), METHOD(release), METHOD(rollback_to), METHOD(insert), METHOD(update),
    METHOD(remove), METHOD(get), METHOD(query_open), METHOD(cursor_next), METHOD(cursor_close),
};
#undef METHOD

START_TEST(register_requires_every_method)
{
    const cpol_storage_methods *found = NULL;
    cpol_storage_methods m;
    size_t k;
    g_name = "registry";
    for (k = 0; k < NOPS(required_methods); k++) {
        m = tmp_backend();
        /* every member is a function pointer, all-bits-zero is NULL on the ABIs we run on */
        memset((char *)&m + required_methods[k].offset, 0, sizeof m.open);
        expect_rc(cpol_storage_register(&m, NULL), CPOL_EINVALID,
                  msgf("register without %s", required_methods[k].name));
        EXPECT(has_word(cpol_error_message(), required_methods[k].name),
               "the message for a missing %s does not name it: %s", required_methods[k].name, cpol_error_message());
        expect_unregistered("tmpdb");
    }
    m = tmp_backend();
    m.count = NULL; /* optional */
    OK(cpol_storage_register(&m, NULL));
    OK(cpol_storage_find("tmpdb", &found, NULL));
    EXPECT(found->count == NULL && found->open == m.open, "the registered copy differs from the table");
    OK(cpol_storage_unregister("tmpdb"));
}
END_TEST

START_TEST(register_names_are_unique)
{
    const cpol_storage_methods *found = NULL;
    cpol_storage_methods m = tmp_backend();
    g_name = "registry";
    m.name = "memory";
    expect_rc(cpol_storage_register(&m, NULL), CPOL_EEXISTS, "register 'memory' again");
    m.name = "sqlite";
    expect_rc(cpol_storage_register(&m, NULL), CPOL_EEXISTS, "register 'sqlite' again");
    expect_rc(cpol_storage_register(test_list_backend(), NULL), CPOL_EEXISTS, "register 'listdb' again");
    expect_rc(cpol_storage_unregister("memory"), CPOL_EINVALID, "unregister built-in 'memory'");
    expect_rc(cpol_storage_unregister("sqlite"), CPOL_EINVALID, "unregister built-in 'sqlite'");
    expect_rc(cpol_storage_unregister("nosuchdb"), CPOL_ENOTFOUND, "unregister an unknown backend");
    expect_rc(cpol_storage_unregister(NULL), CPOL_EMISUSE, "unregister NULL");
    expect_rc(cpol_storage_find("nosuchdb", &found, NULL), CPOL_ENOTFOUND, "find an unknown backend");
    expect_rc(cpol_storage_find(NULL, &found, NULL), CPOL_EMISUSE, "find NULL");
    expect_rc(cpol_storage_find("memory", NULL, NULL), CPOL_EMISUSE, "find without out");
    OK(cpol_storage_find("memory", &found, NULL));
    OK(cpol_storage_find("listdb", &found, NULL));
}
END_TEST

START_TEST(register_and_unregister_temporary)
{
    cpol_storage_methods m = tmp_backend();
    cpol_ctx *ctx = NULL;
    g_name = "registry";
    EXPECT(cpol_has_feature("storage.tmpdb") == 0, "tmpdb is a feature before registration");
    OK(cpol_storage_register(&m, NULL));
    EXPECT(cpol_has_feature("storage.tmpdb") == 1, "tmpdb is not a feature after registration");
    OK(cpol_ctx_open(&ctx, "tmpdb:", tu_options()));
    OK(cpol_storage_unregister("tmpdb"));
    EXPECT(cpol_has_feature("storage.tmpdb") == 0, "tmpdb is still a feature after unregistration");
    expect_unregistered("tmpdb");
    expect_rc(cpol_storage_unregister("tmpdb"), CPOL_ENOTFOUND, "unregister tmpdb twice");
    OK(cpol_setting_set(ctx, fx_sys(ctx), "still.open", "yes")); /* open contexts keep working */
    expect_setting(ctx, "still.open", "yes", "context on an unregistered backend");
    OK(cpol_ctx_close(ctx));
    OK(cpol_storage_register(&m, NULL)); /* the slot can be taken again */
    OK(cpol_storage_unregister("tmpdb"));
}
END_TEST

/* ---- the suite ---- */

static TCase *new_tcase(Suite *s, const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return tc;
}

int main(void)
{
    Suite *s = suite_create("conformance");
    TCase *every = new_tcase(s, "every_backend");
    TCase *files = new_tcase(s, "file_backends");
    TCase *faults = new_tcase(s, "fault_backends");
    TCase *reg = new_tcase(s, "registry");
    SRunner *sr;
    int i, failed;

    if (cpol_storage_register(test_list_backend(), NULL) != CPOL_OK ||
        cpol_storage_register(test_fault_backend(), NULL) != CPOL_OK) {
        fprintf(stderr, "registering the test backends failed: %s\n", cpol_error_message());
        return EXIT_FAILURE;
    }
    tcase_add_loop_test(every, migrate_creates_and_extends_tables, 0, NBACKENDS);
    tcase_add_loop_test(every, values_round_trip_exactly, 0, NBACKENDS);
    tcase_add_loop_test(every, unique_keys_and_indexes, 0, NBACKENDS);
    tcase_add_loop_test(every, update_remove_get, 0, NBACKENDS);
    tcase_add_loop_test(every, query_every_operator, 0, NBACKENDS);
    tcase_add_loop_test(every, query_null_tests_and_conjunctions, 0, NBACKENDS);
    tcase_add_loop_test(every, query_order_nulls_and_ties, 0, NBACKENDS);
    tcase_add_loop_test(every, query_text_is_bytewise, 0, NBACKENDS);
    tcase_add_loop_test(every, query_paging_over_1000_rows, 0, NBACKENDS);
    tcase_add_loop_test(every, cursor_survives_writes, 0, NBACKENDS);
    tcase_add_loop_test(every, two_cursors_on_one_query, 0, NBACKENDS);
    tcase_add_loop_test(every, rollback_discards_commit_keeps, 0, NBACKENDS);
    tcase_add_loop_test(every, savepoint_rollback_keeps_earlier_writes, 0, NBACKENDS);
    tcase_add_loop_test(every, nested_savepoints, 0, NBACKENDS);
    tcase_add_loop_test(every, failed_write_keeps_transaction, 0, NBACKENDS);
    tcase_add_loop_test(every, core_end_to_end, 0, NBACKENDS);
    for (i = 0; i < NBACKENDS; i++) {
        if (backends[i].file)
            tcase_add_loop_test(files, committed_data_survives_reopen, i, i + 1);
        if (is_fault(&backends[i])) {
            tcase_add_loop_test(faults, fault_in_any_write_rolls_back, i, i + 1);
            tcase_add_loop_test(faults, fault_in_any_call_rolls_back, i, i + 1);
            tcase_add_loop_test(faults, fault_setting_set_is_atomic, i, i + 1);
        }
    }
    tcase_add_test(reg, register_rejects_bad_tables);
    tcase_add_test(reg, register_requires_every_method);
    tcase_add_test(reg, register_names_are_unique);
    tcase_add_test(reg, register_and_unregister_temporary);

    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists every test */
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
