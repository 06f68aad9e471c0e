/* The PostgreSQL backend on the test server (CPOL_TEST_PG_URI, started by
 * scripts/pg-test-server.sh): real typed tables an analyst can read, the
 * identity marker, URIs and open flags, SERIALIZABLE conflicts reported as
 * CPOL_EBUSY, reconnecting after the server dropped an idle connection, and
 * two processes redeeming from one wallet 1,000 times each without losing an
 * update. The conformance suite (conformance.postgresql) covers the rest of
 * the storage contract. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <commpolice/commpolice.h>
#include <commpolice/sys/storage.h>

#include "store/record.h"
#include "store/schema.h"
#include "store/store.h"
#include "fixture.h"
#include "pg_test_util.h"
#include "test_util.h"

#define OK(call) ck_assert_msg((call) == CPOL_OK, "%s: %s", #call, cpol_error_message())
#define FAILS(code, call)                                                                                      \
    do {                                                                                                       \
        int rc_ = (call);                                                                                      \
        ck_assert_msg(rc_ == (code), "%s: got %s, want %s (%s)", #call, cpol_status_name(rc_),                \
                      cpol_status_name(code), cpol_error_message());                                           \
    } while (0)

static void sleep_us(long us)
{
    struct timespec ts;
    ts.tv_sec = us / 1000000;
    ts.tv_nsec = (us % 1000000) * 1000;
    nanosleep(&ts, NULL);
}

/* ---- test tables ---- */

static const cpol_column_def type_columns[] = {
    {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},   {"n", CPOL_COLUMN_INT, 0},   {"r", CPOL_COLUMN_REAL, 0},
    {"s", CPOL_COLUMN_TEXT, 0},                    {"b", CPOL_COLUMN_BLOB, 0},  {"at", CPOL_COLUMN_TIME, 0},
    {"ok", CPOL_COLUMN_BOOL, CPOL_COLUMN_NOTNULL},
};
static const cpol_index_def type_indexes[] = {{"pgt_types_s", 1, 1, {3}}, {"pgt_types_at", 0, 1, {5}}};
static const cpol_table types_table = {"pgt_types", 7, type_columns, 2, type_indexes, 0};

static const cpol_column_def kv_columns[] = {{"k", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL}, {"v", CPOL_COLUMN_INT, 0}};
static const cpol_table kv_table = {"pgt_kv", 2, kv_columns, 0, NULL, 0};

/* The redemption scenario: a wallet's balance, an item's stock, a log row. */
static const cpol_column_def wallet_columns[] = {{"id", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
                                                 {"balance", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL}};
static const cpol_table wallet_table = {"pgt_wallet", 2, wallet_columns, 0, NULL, 0};
static const cpol_column_def item_columns[] = {{"id", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
                                               {"stock", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL}};
static const cpol_table item_table = {"pgt_item", 2, item_columns, 0, NULL, 0};
static const cpol_column_def redemption_columns[] = {{"id", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
                                                     {"wallet", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
                                                     {"item", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
                                                     {"points", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL}};
static const cpol_table redemption_table = {"pgt_redemption", 4, redemption_columns, 0, NULL, 0};

/* An append-only log (inserts deferred inside transactions) and the same
 * table without the flag (inserts sent one by one), for comparison. */
static const cpol_column_def log_columns[] = {{"k", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
                                              {"v", CPOL_COLUMN_INT, 0}};
static const cpol_table log_table = {"pgt_log", 2, log_columns, 0, NULL, CPOL_TABLE_APPEND_ONLY};
static const cpol_table log_sync_table = {"pgt_log_sync", 2, log_columns, 0, NULL, 0};

static const cpol_table *const test_tables[] = {&types_table, &kv_table,  &wallet_table,  &item_table,
                                                &redemption_table, &log_table, &log_sync_table};
static const cpol_schema test_schema = {1, 7, test_tables};

/* ---- driving the backend directly ---- */

static const cpol_storage_methods *pgm(void)
{
    const cpol_storage_methods *m = NULL;
    OK(cpol_storage_find("postgresql", &m, NULL));
    return m;
}

static int st_open(const char *uri, uint32_t flags, int busy_ms, void **out)
{
    cpol_open_options o;
    OK(cpol_open_options_init(&o, CPOL_OPEN_OPTIONS_VERSION));
    o.flags = flags;
    o.busy_timeout_ms = busy_ms;
    *out = NULL;
    return pgm()->open(out, uri + strlen("postgresql:"), &o, NULL);
}

static void *st_new(const char *uri)
{
    void *st = NULL;
    OK(st_open(uri, 0, 5000, &st));
    OK(pgm()->begin(st));
    OK(pgm()->migrate(st, &test_schema));
    OK(pgm()->commit(st));
    return st;
}

static cpol_record *rec(const cpol_table *t)
{
    cpol_record *r = NULL;
    OK(cpol__record_new(t, &r));
    return r;
}

static void int_row(void *st, const cpol_table *t, int64_t k, int64_t v)
{
    cpol_record *r = rec(t);
    OK(cpol_record_set_int(r, 0, k));
    OK(cpol_record_set_int(r, 1, v));
    OK(pgm()->insert(st, r));
    cpol__record_free(r);
}

/* Column 1 of the row with key k (-1 if there is none). */
static int64_t int_get(void *st, const cpol_table *t, int64_t k, int *rc_out)
{
    cpol_record *r = rec(t);
    int64_t v = -1;
    int rc;
    OK(cpol_record_set_int(r, 0, k));
    rc = pgm()->get(st, r);
    if (rc == CPOL_OK)
        v = cpol__record_int(r, 1);
    if (rc_out)
        *rc_out = rc;
    else
        ck_assert_msg(rc == CPOL_OK, "get %s %lld: %s", t->name, (long long)k, cpol_error_message());
    cpol__record_free(r);
    return v;
}

static int int_set(void *st, const cpol_table *t, int64_t k, int64_t v)
{
    cpol_record *r = rec(t);
    int rc;
    OK(cpol_record_set_int(r, 0, k));
    OK(cpol_record_set_int(r, 1, v));
    rc = pgm()->update(st, r);
    cpol__record_free(r);
    return rc;
}

/* ---- tables an analyst can read ---- */

START_TEST(tables_are_real_typed_columns)
{
    static const unsigned char id[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    static const unsigned char blob[3] = {0, 1, 2};
    char uri[1024], sql[1024];
    const char *s;
    PGconn *admin = pt_admin();
    PGresult *res;
    cpol_record *r;
    cpol_ctx *ctx;
    int64_t v;
    void *st;

    pt_uri(uri, sizeof uri, "types");
    s = pt_schema(uri);
    st = st_new(uri);
    r = rec(&types_table);
    OK(cpol_record_set_blob(r, 0, id, sizeof id));
    OK(cpol_record_set_int(r, 1, -5));
    OK(cpol_record_set_real(r, 2, 2.5));
    OK(cpol_record_set_text(r, 3, "白沙派出所", strlen("白沙派出所")));
    OK(cpol_record_set_blob(r, 4, blob, sizeof blob));
    OK(cpol_record_set_int(r, 5, 1700000000000));
    OK(cpol_record_set_int(r, 6, 1));
    OK(pgm()->insert(st, r));
    cpol__record_free(r);

    snprintf(sql, sizeof sql,
             "SELECT string_agg(data_type || coalesce(' ' || collation_name, ''), ',' ORDER BY ordinal_position)"
             " FROM information_schema.columns WHERE table_schema = '%s' AND table_name = 'pgt_types'",
             s);
    res = PQexec(admin, sql);
    ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
    ck_assert_str_eq(PQgetvalue(res, 0, 0), "uuid,bigint,double precision,text C,bytea,bigint,boolean");
    PQclear(res);

    snprintf(sql, sizeof sql,
             "SELECT id::text || '|' || n || '|' || r || '|' || s || '|' || encode(b, 'hex') || '|' || at || '|' || ok"
             " FROM \"%s\".pgt_types",
             s);
    res = PQexec(admin, sql);
    ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
    ck_assert_str_eq(PQgetvalue(res, 0, 0),
                     "00010203-0405-0607-0809-0a0b0c0d0e0f|-5|2.5|白沙派出所|000102|1700000000000|true");
    PQclear(res);

    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM pg_indexes WHERE schemaname = '%s' AND indexname IN ('pgt_types_s', 'pgt_types_at')",
             s);
    ck_assert_int_eq(pt_scalar(admin, sql), 2);
    snprintf(sql, sizeof sql, "SELECT value FROM \"%s\".cpol_meta WHERE key = 'schema_version'", s);
    ck_assert_int_eq(pt_scalar(admin, sql), 1);
    pgm()->close(st);

    /* The core's own tables, through a context. */
    pt_uri(uri, sizeof uri, "core");
    OK(cpol_ctx_open(&ctx, uri, tu_options()));
    ck_assert_str_eq(cpol_ctx_backend(ctx), "postgresql");
    OK(cpol_ctx_schema_version(ctx, &v));
    ck_assert_int_eq(v, cpol_schema_version_current());
    OK(cpol_setting_set(ctx, fx_sys(ctx), "station.name", "忙畔派出所"));
    OK(cpol_ctx_close(ctx));
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\".setting", pt_schema(uri));
    ck_assert_int_eq(pt_scalar(admin, sql), 1);
    ck_assert(cpol_has_feature("storage.postgresql") == 1);
    PQfinish(admin);
}
END_TEST


/* ---- deferred inserts into append-only tables ---- */

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* One award-like transaction: read and update the wallet, three log rows. */
static void award_like(void *st, const cpol_table *log, int64_t base)
{
    int64_t k;
    OK(pgm()->begin(st));
    OK(int_set(st, &wallet_table, 1, int_get(st, &wallet_table, 1, NULL) + 1));
    for (k = 0; k < 3; k++)
        int_row(st, log, base + k, k);
    OK(pgm()->commit(st));
}

START_TEST(append_only_inserts_are_deferred)
{
    char uri[1024], sql[512];
    PGconn *admin = pt_admin();
    cpol_record *r;
    void *st;
    int rc, i, n = 300;
    double t0, t_sync, t_batch;

    pt_uri(uri, sizeof uri, "append");
    st = st_new(uri);
    ck_assert_uint_eq(cpol_table_flags(&log_table), CPOL_TABLE_APPEND_ONLY);
    ck_assert_uint_eq(cpol_table_flags(&kv_table), 0);
    ck_assert_uint_eq(cpol_table_flags(NULL), 0);

    /* Read-your-writes, savepoints: rows deferred after a savepoint that is
     * rolled back to are never sent. */
    OK(pgm()->begin(st));
    int_row(st, &log_table, 1, 10);
    int_row(st, &log_table, 2, 20);
    ck_assert_int_eq(int_get(st, &log_table, 1, NULL), 10); /* sends the batch */
    int_row(st, &log_table, 3, 30);
    OK(pgm()->savepoint(st, 1));
    int_row(st, &log_table, 4, 40);
    int_row(st, &log_table, 5, 50);
    OK(pgm()->rollback_to(st, 1));
    int_get(st, &log_table, 4, &rc);
    ck_assert_int_eq(rc, CPOL_ENOTFOUND);
    ck_assert_int_eq(int_get(st, &log_table, 3, NULL), 30);
    OK(pgm()->savepoint(st, 1));
    int_row(st, &log_table, 6, 60);
    OK(pgm()->release(st, 1));
    int_row(st, &log_table, 7, 70);
    OK(pgm()->commit(st)); /* sends row 7 before COMMIT */
    snprintf(sql, sizeof sql, "SELECT string_agg(k::text, ',' ORDER BY k) FROM \"%s\".pgt_log", pt_schema(uri));
    {
        PGresult *res = PQexec(admin, sql);
        ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
        ck_assert_str_eq(PQgetvalue(res, 0, 0), "1,2,3,6,7");
        PQclear(res);
    }

    /* A rolled-back transaction sends nothing. */
    OK(pgm()->begin(st));
    int_row(st, &log_table, 8, 80);
    OK(pgm()->rollback(st));
    int_get(st, &log_table, 8, &rc);
    ck_assert_int_eq(rc, CPOL_ENOTFOUND);

    /* A broken promise (a taken key) surfaces from the call that sends the
     * batch, and the transaction fails as a whole. */
    OK(pgm()->begin(st));
    int_row(st, &kv_table, 1, 1);
    r = rec(&log_table);
    OK(cpol_record_set_int(r, 0, 1));
    OK(cpol_record_set_int(r, 1, 99));
    OK(pgm()->insert(st, r)); /* deferred: accepted for now */
    FAILS(CPOL_EEXISTS, pgm()->commit(st));
    int_get(st, &kv_table, 1, &rc);
    ck_assert_int_eq(rc, CPOL_ENOTFOUND);
    /* Outside a transaction the insert is synchronous. */
    FAILS(CPOL_EEXISTS, pgm()->insert(st, r));
    cpol__record_free(r);

    /* A server error at the send fails that call; the caller rolls back. */
    pt_exec_in(admin, uri, "ALTER TABLE %s.pgt_log ADD CONSTRAINT v_positive CHECK (v >= 0)");
    OK(pgm()->begin(st));
    int_row(st, &kv_table, 2, 2);
    int_row(st, &log_table, 9, -1);
    int_get(st, &kv_table, 2, &rc);
    ck_assert_int_eq(rc, CPOL_ESTORAGE);
    FAILS(CPOL_ESTORAGE, pgm()->commit(st) < 0 ? CPOL_ESTORAGE : CPOL_OK); /* the transaction stays failed */
    OK(pgm()->rollback(st));
    OK(pgm()->begin(st));
    int_row(st, &log_table, 10, -1);
    ck_assert_int_lt(pgm()->commit(st), 0);
    int_get(st, &log_table, 9, &rc);
    ck_assert_int_eq(rc, CPOL_ENOTFOUND);
    int_get(st, &log_table, 10, &rc);
    ck_assert_int_eq(rc, CPOL_ENOTFOUND);
    int_row(st, &log_table, 11, 1);
    ck_assert_int_eq(int_get(st, &log_table, 11, NULL), 1);

    /* Timing: the same award-like transaction with the log rows sent one by
     * one (unflagged table) and deferred (flagged), on this server. */
    int_row(st, &wallet_table, 1, 0);
    for (i = 0; i < 20; i++) /* warm up both: statements prepared */
        award_like(st, &log_sync_table, 1000000 + i * 3), award_like(st, &log_table, 1000000 + i * 3);
    t0 = now_us();
    for (i = 0; i < n; i++)
        award_like(st, &log_sync_table, 2000000 + i * 3);
    t_sync = (now_us() - t0) / n;
    t0 = now_us();
    for (i = 0; i < n; i++)
        award_like(st, &log_table, 2000000 + i * 3);
    t_batch = (now_us() - t0) / n;
    fprintf(stderr, "postgresql: award-like transaction (get, update, 3 log inserts): %.1f us one by one, %.1f us "
                    "deferred (%d each)\n",
            t_sync, t_batch, n);
    pgm()->close(st);
    PQfinish(admin);
}
END_TEST

/* ---- identity ---- */

START_TEST(foreign_database_is_refused_untouched)
{
    char uri[1024], sql[512];
    PGconn *admin = pt_admin();
    cpol_ctx *ctx = NULL;

    pt_uri(uri, sizeof uri, "foreign");
    pt_exec_in(admin, uri, "CREATE SCHEMA %s");
    pt_exec_in(admin, uri, "CREATE TABLE %s.cases (x int)");
    pt_exec_in(admin, uri, "INSERT INTO %s.cases VALUES (1)");
    FAILS(CPOL_ECORRUPT, cpol_ctx_open(&ctx, uri, tu_options()));
    ck_assert_ptr_null(ctx);
    ck_assert_ptr_nonnull(strstr(cpol_error_message(), "not a libcommpolice database"));
    snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_tables WHERE schemaname = '%s'", pt_schema(uri));
    ck_assert_int_eq(pt_scalar(admin, sql), 1);

    pt_uri(uri, sizeof uri, "foreign-marker");
    pt_exec_in(admin, uri, "CREATE SCHEMA %s");
    pt_exec_in(admin, uri, "CREATE TABLE %s.cpol_meta (key text PRIMARY KEY, value text)");
    pt_exec_in(admin, uri, "INSERT INTO %s.cpol_meta VALUES ('application', 'someone-else')");
    FAILS(CPOL_ECORRUPT, cpol_ctx_open(&ctx, uri, tu_options()));

    /* A database written by a newer library is refused and left alone. */
    pt_uri(uri, sizeof uri, "newer");
    OK(cpol_ctx_open(&ctx, uri, tu_options()));
    OK(cpol_ctx_close(ctx));
    pt_exec_in(admin, uri, "UPDATE %s.cpol_meta SET value = '999' WHERE key = 'schema_version'");
    FAILS(CPOL_ESCHEMA, cpol_ctx_open(&ctx, uri, tu_options()));
    PQfinish(admin);
}
END_TEST

/* ---- URIs and open flags ---- */

START_TEST(uris_and_open_flags)
{
    cpol_open_options o = CPOL_OPEN_OPTIONS_INIT;
    char uri[1024], *v = NULL;
    cpol_ctx *ctx = NULL;

    FAILS(CPOL_EINVALID, cpol_ctx_open(&ctx, "postgresql:", tu_options()));
    FAILS(CPOL_EINVALID, cpol_ctx_open(&ctx, "postgresql:station.db", tu_options()));
    FAILS(CPOL_EINVALID, cpol_ctx_open(&ctx, "postgresql://127.0.0.1/db?no_such_parameter=1", tu_options()));
    FAILS(CPOL_EINVALID, cpol_ctx_open(&ctx, "postgresql://127.0.0.1/db?schema=", tu_options()));
    FAILS(CPOL_EIO, cpol_ctx_open(&ctx, "postgresql://cpol:secret-pw@127.0.0.1:1/db?connect_timeout=5", tu_options()));
    ck_assert_ptr_null(strstr(cpol_error_message(), "secret-pw")); /* never print the password */
    ck_assert_ptr_nonnull(strstr(cpol_error_message(), "cannot connect"));

    /* The storage must exist for NOCREATE and READONLY. */
    pt_uri(uri, sizeof uri, "flags");
    o.flags = CPOL_OPEN_NOCREATE;
    FAILS(CPOL_ENOTFOUND, cpol_ctx_open(&ctx, uri, tu_keyed(&o)));
    o.flags = CPOL_OPEN_READONLY;
    FAILS(CPOL_ENOTFOUND, cpol_ctx_open(&ctx, uri, tu_keyed(&o)));
    OK(cpol_ctx_open(&ctx, uri, tu_options()));
    OK(cpol_setting_set(ctx, fx_sys(ctx), "k", "v"));
    OK(cpol_ctx_close(ctx));
    o.flags = CPOL_OPEN_NOCREATE;
    OK(cpol_ctx_open(&ctx, uri, tu_keyed(&o)));
    OK(cpol_ctx_close(ctx));
    o.flags = CPOL_OPEN_READONLY;
    OK(cpol_ctx_open(&ctx, uri, tu_keyed(&o)));
    FAILS(CPOL_EREADONLY, cpol_setting_set(ctx, fx_sys(ctx), "k", "w"));
    OK(cpol_setting_get(ctx, fx_sys(ctx), "k", &v));
    ck_assert_str_eq(v, "v");
    cpol_free(v);
    OK(cpol_ctx_close(ctx));
}
END_TEST

/* ---- concurrency: SERIALIZABLE ---- */

START_TEST(conflicts_are_busy_and_retry_works)
{
    char uri[1024];
    void *a, *b, *slow = NULL;
    int rc, ra, rb;
    time_t t0;

    pt_uri(uri, sizeof uri, "conflicts");
    a = st_new(uri);
    OK(st_open(uri, 0, 5000, &b));
    int_row(a, &kv_table, 1, 0);
    int_row(a, &kv_table, 2, 0);

    /* Lost update: both read 0, A writes and commits, B's write is refused. */
    OK(pgm()->begin(a));
    OK(pgm()->begin(b));
    ck_assert_int_eq(int_get(a, &kv_table, 1, NULL), 0);
    ck_assert_int_eq(int_get(b, &kv_table, 1, NULL), 0);
    OK(int_set(a, &kv_table, 1, 1));
    OK(pgm()->commit(a));
    FAILS(CPOL_EBUSY, int_set(b, &kv_table, 1, 1));
    ck_assert_ptr_nonnull(strstr(cpol_error_message(), "concurrent update; retry"));
    FAILS(CPOL_EBUSY, pgm()->commit(b)); /* the transaction is lost: commit says so and rolls back */
    OK(pgm()->begin(b));                  /* the retry sees A's write */
    ck_assert_int_eq(int_get(b, &kv_table, 1, NULL), 1);
    OK(int_set(b, &kv_table, 1, 2));
    OK(pgm()->commit(b));
    ck_assert_int_eq(int_get(a, &kv_table, 1, NULL), 2);

    /* Write skew: each reads both rows and writes the other one. */
    OK(pgm()->begin(a));
    OK(pgm()->begin(b));
    int_get(a, &kv_table, 1, NULL);
    int_get(a, &kv_table, 2, NULL);
    int_get(b, &kv_table, 1, NULL);
    int_get(b, &kv_table, 2, NULL);
    OK(int_set(a, &kv_table, 1, 10));
    rb = int_set(b, &kv_table, 2, 20); /* PostgreSQL may refuse already here */
    ra = pgm()->commit(a);
    if (rb == CPOL_OK) {
        rb = pgm()->commit(b);
    } else {
        ck_assert_int_eq(rb, CPOL_EBUSY);
        OK(pgm()->rollback(b));
    }
    ck_assert_msg(!(ra == CPOL_OK && rb == CPOL_OK), "write skew: both transactions committed");
    ck_assert_msg((ra == CPOL_OK || ra == CPOL_EBUSY) && (rb == CPOL_OK || rb == CPOL_EBUSY), "a %s, b %s",
                  cpol_status_name(ra), cpol_status_name(rb));
    ck_assert_int_eq(int_get(a, &kv_table, 1, NULL) + int_get(a, &kv_table, 2, NULL),
                     ra == CPOL_OK ? 10 : rb == CPOL_OK ? 22 : 2);

    /* A lock held longer than the busy timeout: CPOL_EBUSY after about that long. */
    OK(st_open(uri, 0, 300, &slow));
    OK(pgm()->begin(a));
    OK(int_set(a, &kv_table, 1, 30));
    OK(pgm()->begin(slow));
    t0 = time(NULL);
    rc = int_set(slow, &kv_table, 1, 31);
    ck_assert_msg(rc == CPOL_EBUSY, "blocked update: %s (%s)", cpol_status_name(rc), cpol_error_message());
    ck_assert(time(NULL) - t0 < 4);
    OK(pgm()->rollback(slow));
    OK(pgm()->commit(a));
    ck_assert_int_eq(int_get(slow, &kv_table, 1, NULL), 30);
    pgm()->close(slow);
    pgm()->close(a);
    pgm()->close(b);
}
END_TEST

/* ---- the server drops an idle connection ---- */

static void terminate_app(PGconn *admin, const char *app)
{
    char sql[512];
    int i;
    snprintf(sql, sizeof sql, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '%s'",
             app);
    ck_assert_int_ge(pt_scalar(admin, sql), 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '%s'", app);
    for (i = 0; i < 500 && pt_scalar(admin, sql) > 0; i++)
        sleep_us(10000);
}

START_TEST(reconnects_after_the_server_drops_the_connection)
{
    char uri[1024], *v = NULL;
    PGconn *admin = pt_admin();
    cpol_ctx *ctx;
    int rc;

    pt_uri(uri, sizeof uri, "terminate");
    strcat(uri, "&application_name=pgt_terminate");
    OK(cpol_ctx_open(&ctx, uri, tu_options()));
    OK(cpol_setting_set(ctx, fx_sys(ctx), "before", "1"));

    /* Dropped while idle: the next call notices before sending and reconnects. */
    terminate_app(admin, "pgt_terminate");
    OK(cpol_setting_get(ctx, fx_sys(ctx), "before", &v));
    ck_assert_str_eq(v, "1");
    cpol_free(v);

    /* Dropped inside a batch: the batch fails cleanly and stores nothing. */
    OK(cpol_batch_begin(ctx));
    OK(cpol_setting_set(ctx, fx_sys(ctx), "batch.1", "x"));
    terminate_app(admin, "pgt_terminate");
    rc = cpol_setting_set(ctx, fx_sys(ctx), "batch.2", "x");
    ck_assert_msg(rc == CPOL_EIO, "write after the drop: %s (%s)", cpol_status_name(rc), cpol_error_message());
    ck_assert_ptr_nonnull(strstr(cpol_error_message(), "connection"));
    FAILS(CPOL_EIO, cpol_batch_commit(ctx));
    FAILS(CPOL_ENOTFOUND, cpol_setting_get(ctx, fx_sys(ctx), "batch.1", &v));
    OK(cpol_setting_set(ctx, fx_sys(ctx), "after", "1"));
    OK(cpol_ctx_close(ctx));
    PQfinish(admin);
}
END_TEST

/* ---- two processes, one wallet ---- */

#define REDEEM_PER_PROCESS 1000
#define PRICE 7
#define START_BALANCE 1000000
#define START_STOCK 5000

/* One redemption in one transaction, retried while PostgreSQL reports a
 * conflict. Returns the number of retries, or -1 on another failure. */
static int redeem(void *st, int64_t id)
{
    const cpol_storage_methods *m = pgm();
    int retries = 0;
    for (;;) {
        cpol_record *log = rec(&redemption_table);
        int64_t balance, stock;
        int rc = m->begin(st);
        if (rc == CPOL_OK)
            balance = int_get(st, &wallet_table, 1, &rc);
        if (rc == CPOL_OK)
            stock = int_get(st, &item_table, 1, &rc);
        if (rc == CPOL_OK && (balance < PRICE || stock < 1)) {
            m->rollback(st);
            cpol__record_free(log);
            return -1;
        }
        if (rc == CPOL_OK)
            rc = int_set(st, &wallet_table, 1, balance - PRICE);
        if (rc == CPOL_OK)
            rc = int_set(st, &item_table, 1, stock - 1);
        if (rc == CPOL_OK) {
            cpol_record_set_int(log, 0, id);
            cpol_record_set_int(log, 1, 1);
            cpol_record_set_int(log, 2, 1);
            cpol_record_set_int(log, 3, PRICE);
            rc = m->insert(st, log);
        }
        cpol__record_free(log);
        if (rc == CPOL_OK)
            rc = m->commit(st);
        else
            m->rollback(st);
        if (rc == CPOL_OK)
            return retries;
        if (rc != CPOL_EBUSY) {
            fprintf(stderr, "redeem: %s (%s)\n", cpol_status_name(rc), cpol_error_message());
            return -1;
        }
        retries++;
        sleep_us(rand() % 500);
    }
}

START_TEST(two_processes_redeem_from_one_wallet)
{
    char uri[1024], sql[512];
    PGconn *admin = pt_admin();
    pid_t kids[2];
    int k, status;
    void *st;

    pt_uri(uri, sizeof uri, "wallet");
    st = st_new(uri);
    int_row(st, &wallet_table, 1, START_BALANCE);
    int_row(st, &item_table, 1, START_STOCK);
    pgm()->close(st);

    for (k = 0; k < 2; k++) {
        kids[k] = fork();
        ck_assert_int_ge(kids[k], 0);
        if (kids[k] == 0) {
            long retries = 0;
            int n;
            srand((unsigned)getpid());
            if (st_open(uri, 0, 10000, &st) != CPOL_OK) {
                fprintf(stderr, "child %d: open: %s\n", k, cpol_error_message());
                _exit(2);
            }
            for (n = 0; n < REDEEM_PER_PROCESS; n++) {
                int r = redeem(st, (int64_t)(k + 1) * 1000000 + n);
                if (r < 0)
                    _exit(1);
                retries += r;
            }
            pgm()->close(st);
            fprintf(stderr, "process %d: %d redemptions, %ld retries after conflicts\n", k, REDEEM_PER_PROCESS,
                    retries);
            _exit(0);
        }
    }
    for (k = 0; k < 2; k++) {
        ck_assert_int_eq(waitpid(kids[k], &status, 0), kids[k]);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "process %d failed (status %d)", k, status);
    }
    snprintf(sql, sizeof sql, "SELECT balance FROM \"%s\".pgt_wallet WHERE id = 1", pt_schema(uri));
    ck_assert_int_eq(pt_scalar(admin, sql), START_BALANCE - 2 * REDEEM_PER_PROCESS * PRICE);
    snprintf(sql, sizeof sql, "SELECT stock FROM \"%s\".pgt_item WHERE id = 1", pt_schema(uri));
    ck_assert_int_eq(pt_scalar(admin, sql), START_STOCK - 2 * REDEEM_PER_PROCESS);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\".pgt_redemption", pt_schema(uri));
    ck_assert_int_eq(pt_scalar(admin, sql), 2 * REDEEM_PER_PROCESS);
    PQfinish(admin);
}
END_TEST

/* The same through the ledger's public API: two processes, each redeeming
 * 1,000 times from one volunteer's wallet at one station shop, retrying a
 * call that reports CPOL_EBUSY with the same request id (so a retry can
 * never redeem twice). */
#define SHOP_REDEEMS 1000
#define SHOP_PRICE 2
#define SHOP_WALLET 5000
#define SHOP_STOCK 3000

START_TEST(two_processes_redeem_through_the_ledger)
{
    fx_world w;
    cpol_actor *officer, *aux, *op;
    cpol_id v, item, req, src;
    cpol_shop_item *it;
    pid_t kids[2];
    int64_t b, n, amount = 0;
    int k, status;

    ck_assert_str_eq(tu_store_backend(), "postgresql");
    fx_open(&w, 1);
    officer = fx_staff(&w, "张警官", 1, CPOL_ROLE_OFFICER, NULL);
    aux = fx_staff(&w, "李辅警", 2, CPOL_ROLE_AUXILIARY, NULL);
    op = fx_staff(&w, "服务站小刘", 3, CPOL_ROLE_OPERATOR, NULL);
    FX_OK(cpol_earning_rule_set(w.ctx, officer, &w.station, CPOL_EARN_HAZARD, SHOP_WALLET, 0, 0));
    v = fx_volunteer(&w, "义警甲", 100, CPOL_ROLE_VOLUNTEER);
    FX_OK(cpol_id_new(w.ctx, &req));
    FX_OK(cpol_id_new(w.ctx, &src));
    FX_OK(cpol_points_award(w.ctx, w.sys, &req, &v, CPOL_EARN_HAZARD, &src, NULL, &amount)); /* an import */
    ck_assert_int_eq(amount, SHOP_WALLET);
    FX_OK(cpol_shop_item_create(w.ctx, officer, &w.station, "矿泉水", SHOP_PRICE, SHOP_STOCK, &item));

    for (k = 0; k < 2; k++) {
        kids[k] = fork();
        ck_assert_int_ge(kids[k], 0);
        if (kids[k] == 0) {
            cpol_open_options o = CPOL_OPEN_OPTIONS_INIT;
            cpol_ctx *ctx;
            cpol_actor *me;
            long retries = 0;
            int i, rc;
            srand((unsigned)getpid());
            o.busy_timeout_ms = 10000;
            if (cpol_ctx_open(&ctx, w.uri, tu_keyed(&o)) != CPOL_OK ||
                cpol_actor_open(ctx, cpol_actor_person(op), CPOL_ROLE_OPERATOR, &me) != CPOL_OK)
                _exit(2);
            for (i = 0; i < SHOP_REDEEMS; i++) {
                cpol_id r;
                cpol_id_new(ctx, &r);
                while ((rc = cpol_shop_redeem(ctx, me, &r, &v, &item, 1, 0, NULL)) == CPOL_EBUSY) {
                    retries++;
                    sleep_us(rand() % 1000);
                }
                if (rc != CPOL_OK) {
                    fprintf(stderr, "redeem %d: %s (%s)\n", i, cpol_status_name(rc), cpol_error_message());
                    _exit(3);
                }
            }
            fprintf(stderr, "ledger process %d: %d redemptions, %ld retries after CPOL_EBUSY\n", k, SHOP_REDEEMS,
                    retries);
            cpol_actor_free(me);
            cpol_ctx_close(ctx);
            _exit(0);
        }
    }
    for (k = 0; k < 2; k++) {
        ck_assert_int_eq(waitpid(kids[k], &status, 0), kids[k]);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "process %d failed (status %d)", k, status);
    }
    FX_OK(cpol_points_balance(w.ctx, w.sys, &v, &b, NULL));
    ck_assert_int_eq(b, SHOP_WALLET - 2 * SHOP_REDEEMS * SHOP_PRICE);
    FX_OK(cpol_shop_item_get(w.ctx, w.sys, &item, &it));
    ck_assert_int_eq(cpol_shop_item_stock(it), SHOP_STOCK - 2 * SHOP_REDEEMS);
    cpol_shop_item_free(it);
    FX_OK(cpol_ledger_verify(w.ctx, w.sys, &n));
    cpol_actor_free(officer);
    cpol_actor_free(aux);
    cpol_actor_free(op);
    fx_close(&w);
}
END_TEST

/* ---- moving a SQLite file into PostgreSQL (examples/sqlite_to_pg.c) ---- */

#ifdef CPOL_SQLITE_TO_PG_EXE
static cpol_time fixed_now(void *payload)
{
    return *(cpol_time *)payload;
}

static int same_value(const cpol_value *a, const cpol_value *b)
{
    if (a->type != b->type)
        return 0;
    switch (a->type) {
    case CPOL_VALUE_NULL: return 1;
    case CPOL_VALUE_INT: return a->u.i == b->u.i;
    case CPOL_VALUE_REAL: return memcmp(&a->u.r, &b->u.r, sizeof a->u.r) == 0;
    default: return a->len == b->len && (a->len == 0 || memcmp(a->u.p, b->u.p, a->len) == 0);
    }
}

/* Every table of the core schema holds the same rows in both stores;
 * returns the number of rows compared. */
static long same_stores(const char *uri_a, const char *uri_b)
{
    const cpol_schema *schema = cpol__schema();
    cpol_open_options o;
    cpol_store *a, *b;
    unsigned int t, c;
    long rows = 0;
    OK(cpol_open_options_init(&o, CPOL_OPEN_OPTIONS_VERSION));
    o.busy_timeout_ms = 5000;
    OK(cpol__store_open(uri_a, tu_keyed(&o), &a)); /* both under the station's key */
    OK(cpol__store_open_keys(a, &o));
    OK(cpol__store_open(uri_b, &o, &b));
    OK(cpol__store_open_keys(b, &o));
    for (t = 0; t < schema->ntables; t++) {
        const cpol_table *table = schema->tables[t];
        cpol_query *q = NULL;
        cpol_cursor *ca, *cb;
        cpol_record *ra = rec(table), *rb = rec(table);
        int rca, rcb;
        OK(cpol__query_new(table, &q));
        OK(cpol__cursor_open(a, q, &ca));
        OK(cpol__cursor_open(b, q, &cb));
        for (;;) {
            rca = cpol__cursor_next(ca, ra);
            rcb = cpol__cursor_next(cb, rb);
            ck_assert_msg(rca == rcb, "table %s: %s in one store, %s in the other after %ld rows", table->name,
                          cpol_status_name(rca), cpol_status_name(rcb), rows);
            if (rca != CPOL_OK)
                break;
            for (c = 0; c < table->ncols; c++)
                ck_assert_msg(same_value(&ra->vals[c], &rb->vals[c]), "table %s column %s differs", table->name,
                              table->cols[c].name);
            rows++;
        }
        ck_assert_int_eq(rca, CPOL_DONE);
        cpol__cursor_close(ca);
        cpol__cursor_close(cb);
        cpol__record_free(ra);
        cpol__record_free(rb);
        cpol__query_free(q);
    }
    cpol__store_release(a);
    cpol__store_release(b);
    return rows;
}

START_TEST(sqlite_file_moves_to_postgresql)
{
    cpol_open_options o = CPOL_OPEN_OPTIONS_INIT;
    char src[512], dst[1024], cmd[2048];
    fx_world w;
    cpol_actor *officer, *aux, *op;
    cpol_id v, item, req, src_id;
    int64_t amount = 0;
    long rows;

    memset(&w, 0, sizeof w);
    w.dir = tu_tmpdir();
    w.now = 1750644000000LL;
    snprintf(src, sizeof src, "sqlite:%s/station.db", w.dir);
    snprintf(w.uri, sizeof w.uri, "%s", src);
    o.clock = fixed_now;
    o.clock_payload = &w.now;
    OK(cpol_ctx_open(&w.ctx, src, tu_keyed(&o)));
    OK(cpol_actor_system(w.ctx, &w.sys));
    OK(cpol_area_create(w.ctx, w.sys, NULL, CPOL_AREA_BUREAU, "临翔分局", &w.bureau));
    OK(cpol_area_create(w.ctx, w.sys, &w.bureau, CPOL_AREA_STATION, "忙畔派出所", &w.station));
    OK(cpol_area_create(w.ctx, w.sys, &w.station, CPOL_AREA_COMMUNITY, "玉龙社区", &w.community));
    OK(cpol_area_create(w.ctx, w.sys, &w.community, CPOL_AREA_COMPOUND, "玉龙小区", &w.compound));
    officer = fx_staff(&w, "张警官", 1, CPOL_ROLE_OFFICER, NULL);
    aux = fx_staff(&w, "李辅警", 2, CPOL_ROLE_AUXILIARY, NULL);
    op = fx_staff(&w, "服务站小刘", 3, CPOL_ROLE_OPERATOR, NULL);
    OK(cpol_earning_rule_set(w.ctx, officer, &w.station, CPOL_EARN_HAZARD, 120, 0, 0));
    v = fx_volunteer(&w, "义警甲", 100, CPOL_ROLE_VOLUNTEER);
    OK(cpol_id_new(w.ctx, &req));
    OK(cpol_id_new(w.ctx, &src_id));
    OK(cpol_points_award(w.ctx, w.sys, &req, &v, CPOL_EARN_HAZARD, &src_id, NULL, &amount)); /* an import */
    OK(cpol_shop_item_create(w.ctx, officer, &w.station, "大米 5kg", 40, 10, &item));
    OK(cpol_id_new(w.ctx, &req));
    OK(cpol_shop_redeem(w.ctx, op, &req, &v, &item, 2, 0, NULL));
    OK(cpol_setting_set(w.ctx, fx_sys(w.ctx), "station.motto", "平安是福 \"quoted\" back\\slash\ttab"));
    cpol_actor_free(officer);
    cpol_actor_free(aux);
    cpol_actor_free(op);
    cpol_actor_free(w.sys);
    OK(cpol_ctx_close(w.ctx));

    /* the station's key, as the file --key-file reads (32 raw bytes) */
    {
        unsigned char key[CPOL_KEY_LEN];
        char keyfile[600];
        FILE *f;
        snprintf(keyfile, sizeof keyfile, "%s/station.key", w.dir);
        ck_assert_int_eq(tu_key(NULL, TU_KEY_ID, key), 0);
        f = fopen(keyfile, "wb");
        ck_assert(f != NULL);
        ck_assert_int_eq(fwrite(key, 1, sizeof key, f), sizeof key);
        ck_assert_int_eq(fclose(f), 0);
    }
    pt_uri(dst, sizeof dst, "moved");
    snprintf(cmd, sizeof cmd, "'%s' --key-file '%s/station.key' '%s/station.db' '%s' >/dev/null",
             CPOL_SQLITE_TO_PG_EXE, w.dir, w.dir, dst);
    ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
    rows = same_stores(src, dst);
    ck_assert_int_ge(rows, 20);
    /* A second copy into the now non-empty target is refused and changes nothing. */
    snprintf(cmd, sizeof cmd, "'%s' --key-file '%s/station.key' '%s/station.db' '%s' >/dev/null 2>&1",
             CPOL_SQLITE_TO_PG_EXE, w.dir, w.dir, dst);
    ck_assert_int_ne(system(cmd), 0);
    ck_assert_int_eq(same_stores(src, dst), rows);
    tu_rmtree(w.dir);
}
END_TEST
#endif

int main(void)
{
    Suite *s = suite_create("postgresql");
    TCase *tc = tcase_create("postgresql");
    SRunner *sr;
    int failed;
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, tables_are_real_typed_columns);
    tcase_add_test(tc, foreign_database_is_refused_untouched);
    tcase_add_test(tc, uris_and_open_flags);
    tcase_add_test(tc, append_only_inserts_are_deferred);
    tcase_add_test(tc, conflicts_are_busy_and_retry_works);
    tcase_add_test(tc, reconnects_after_the_server_drops_the_connection);
    tcase_add_test(tc, two_processes_redeem_from_one_wallet);
    tcase_add_test(tc, two_processes_redeem_through_the_ledger);
#ifdef CPOL_SQLITE_TO_PG_EXE
    tcase_add_test(tc, sqlite_file_moves_to_postgresql);
#endif
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
