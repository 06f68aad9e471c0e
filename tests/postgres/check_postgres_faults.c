/* The PostgreSQL backend when the server dies: its own throw-away server
 * (fixture pg_fault_server), crashed with `pg_ctl stop -m immediate` in the
 * middle of transactions and started again. Every interrupted call returns a
 * clean negative status, nothing of an interrupted transaction is stored,
 * and the same context works again once the server is back. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <commpolice/commpolice.h>
#include <commpolice/sys/storage.h>

#include "store/record.h"
#include "pg_test_util.h"
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

#define OK(call) ck_assert_msg((call) == CPOL_OK, "%s: %s", #call, cpol_error_message())
#define FAILS(code, call)                                                                                      \
    do {                                                                                                       \
        int rc_ = (call);                                                                                      \
        ck_assert_msg(rc_ == (code), "%s: got %s, want %s (%s)", #call, cpol_status_name(rc_),                \
                      cpol_status_name(code), cpol_error_message());                                           \
    } while (0)

static void expect_setting(cpol_ctx *ctx, const char *key, const char *want)
{
    char *v = NULL;
    int rc = cpol_setting_get(ctx, fx_sys(ctx), key, &v);
    if (!want) {
        ck_assert_msg(rc == CPOL_ENOTFOUND, "%s should not be stored: %s (%s)", key, cpol_status_name(rc),
                      cpol_error_message());
        return;
    }
    ck_assert_msg(rc == CPOL_OK, "get %s: %s (%s)", key, cpol_status_name(rc), cpol_error_message());
    ck_assert_str_eq(v, want);
    cpol_free(v);
}

static long long stored_keys(const char *uri, const char *prefix)
{
    char sql[512];
    PGconn *admin = pt_admin();
    long long n;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\".setting WHERE key LIKE '%s%%'", pt_schema(uri), prefix);
    n = pt_scalar(admin, sql);
    PQfinish(admin);
    return n;
}

/* Crash inside a batch; end it with rollback (end_with_commit = 0) or commit. */
static void crash_in_batch(const char *key, int end_with_commit)
{
    char uri[1024];
    cpol_ctx *ctx;
    int rc;

    pt_uri(uri, sizeof uri, key);
    OK(cpol_ctx_open(&ctx, uri, tu_options()));
    OK(cpol_setting_set(ctx, fx_sys(ctx), "acked", "yes"));
    OK(cpol_batch_begin(ctx));
    OK(cpol_setting_set(ctx, fx_sys(ctx), "batch.1", "x"));
    OK(cpol_setting_set(ctx, fx_sys(ctx), "batch.2", "x"));

    pt_server("kill");
    rc = cpol_setting_set(ctx, fx_sys(ctx), "batch.3", "x");
    ck_assert_msg(rc == CPOL_EIO, "write after the crash: %s (%s)", cpol_status_name(rc), cpol_error_message());
    ck_assert_ptr_nonnull(strstr(cpol_error_message(), "connection"));
    if (end_with_commit)
        FAILS(CPOL_EIO, cpol_batch_commit(ctx));
    else
        OK(cpol_batch_rollback(ctx));
    /* Still down: a clean failure, no hang, no crash. */
    rc = cpol_setting_set(ctx, fx_sys(ctx), "while.down", "x");
    ck_assert_msg(rc == CPOL_EIO, "write while the server is down: %s (%s)", cpol_status_name(rc),
                  cpol_error_message());

    pt_server("restart");
    expect_setting(ctx, "acked", "yes"); /* the same context reconnects */
    expect_setting(ctx, "batch.1", NULL);
    expect_setting(ctx, "batch.2", NULL);
    expect_setting(ctx, "batch.3", NULL);
    expect_setting(ctx, "while.down", NULL);
    OK(cpol_setting_set(ctx, fx_sys(ctx), "after", "yes"));
    OK(cpol_ctx_close(ctx));
    ck_assert_int_eq(stored_keys(uri, "batch."), 0);
    ck_assert_int_eq(stored_keys(uri, "after"), 1);
}

START_TEST(crash_mid_batch_then_rollback)
{
    crash_in_batch("crash-rollback", 0);
}
END_TEST

START_TEST(crash_mid_batch_then_commit)
{
    crash_in_batch("crash-commit", 1);
}
END_TEST

/* A crash between the writes and the commit of a transaction driven through
 * the method table: commit fails, nothing is stored. */
START_TEST(crash_before_commit)
{
    static const cpol_column_def cols[] = {{"k", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL}, {"v", CPOL_COLUMN_TEXT, 0}};
    static const cpol_table t = {"pgf_kv", 2, cols, 0, NULL, 0};
    static const cpol_table *const tables[] = {&t};
    static const cpol_schema schema = {1, 1, tables};
    const cpol_storage_methods *m = NULL;
    cpol_open_options o = CPOL_OPEN_OPTIONS_INIT;
    char uri[1024];
    cpol_record *r = NULL;
    void *st = NULL;
    int k, rc;

    OK(cpol_storage_find("postgresql", &m, NULL));
    pt_uri(uri, sizeof uri, "crash-commit-direct");
    OK(m->open(&st, uri + strlen("postgresql:"), &o, NULL));
    OK(m->begin(st));
    OK(m->migrate(st, &schema));
    OK(m->commit(st));
    OK(cpol__record_new(&t, &r));
    OK(m->begin(st));
    for (k = 0; k < 100; k++) {
        OK(cpol_record_set_int(r, 0, k));
        OK(cpol_record_set_text(r, 1, "lost", 4));
        OK(m->insert(st, r));
    }
    pt_server("kill");
    rc = m->commit(st);
    ck_assert_msg(rc == CPOL_EIO, "commit after the crash: %s (%s)", cpol_status_name(rc), cpol_error_message());
    OK(m->rollback(st)); /* nothing left to roll back: fine */
    pt_server("restart");
    OK(cpol_record_set_int(r, 0, 0));
    FAILS(CPOL_ENOTFOUND, m->get(st, r));
    OK(cpol_record_set_text(r, 1, "kept", 4));
    OK(m->insert(st, r));
    OK(m->get(st, r));
    cpol__record_free(r);
    m->close(st);
}
END_TEST

/* A restart while the context is idle is invisible to the caller. */
START_TEST(restart_while_idle_is_transparent)
{
    char uri[1024];
    cpol_ctx *ctx;
    pt_uri(uri, sizeof uri, "idle");
    OK(cpol_ctx_open(&ctx, uri, tu_options()));
    OK(cpol_setting_set(ctx, fx_sys(ctx), "before", "1"));
    pt_server("kill");
    pt_server("restart");
    expect_setting(ctx, "before", "1");
    OK(cpol_setting_set(ctx, fx_sys(ctx), "after", "1"));
    OK(cpol_ctx_close(ctx));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("postgresql-faults");
    TCase *tc = tcase_create("faults");
    SRunner *sr;
    int failed;
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, crash_mid_batch_then_rollback);
    tcase_add_test(tc, crash_mid_batch_then_commit);
    tcase_add_test(tc, crash_before_commit);
    tcase_add_test(tc, restart_while_idle_is_transparent);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
