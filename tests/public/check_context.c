/* Public API: contexts, options, batches and settings, on every built-in
 * backend ("memory:" and a SQLite file), including bad input. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <commpolice/commpolice.h>

#include "../support/test_util.h"
#include "../support/fixture.h"

static const char *backend_names[] = {"memory", "sqlite"};
static char uri[512];
static const char *tmp;

/* Loop tests get the backend index in _i. */
static cpol_ctx *open_backend(int i)
{
    cpol_ctx *ctx = NULL;
    tmp = tu_tmpdir();
    if (i == 0)
        snprintf(uri, sizeof uri, "memory:");
    else
        tu_store_uri(uri, sizeof uri, tmp, "station.db"); /* sqlite, or postgresql (tests/postgres/) */
    ck_assert_msg(cpol_ctx_open(&ctx, uri, tu_options()) == CPOL_OK, "open %s: %s", uri, cpol_error_message());
    ck_assert_str_eq(cpol_ctx_backend(ctx), i ? tu_store_backend() : backend_names[i]);
    return ctx;
}

static void done(cpol_ctx *ctx)
{
    ck_assert_int_eq(cpol_ctx_close(ctx), CPOL_OK);
    tu_rmtree(tmp);
}

static void expect_value(cpol_ctx *ctx, const char *key, const char *want)
{
    char *v = NULL;
    int rc = cpol_setting_get(ctx, fx_sys(ctx), key, &v);
    if (!want) {
        ck_assert_msg(rc == CPOL_ENOTFOUND, "%s: %s should be unset, got %s", uri, key, cpol_status_name(rc));
        ck_assert_ptr_null(v);
        return;
    }
    ck_assert_msg(rc == CPOL_OK, "%s: get %s: %s", uri, key, cpol_error_message());
    ck_assert_str_eq(v, want);
    cpol_free(v);
}

/* ---- opening ---- */

START_TEST(open_rejects_bad_arguments)
{
    cpol_ctx *ctx = (cpol_ctx *)&ctx; /* must be reset to NULL */
    cpol_open_options o = CPOL_OPEN_OPTIONS_INIT;
    ck_assert_int_eq(cpol_ctx_open(NULL, "memory:", tu_options()), CPOL_EMISUSE);
    ck_assert_int_eq(cpol_ctx_open(&ctx, NULL, tu_options()), CPOL_EMISUSE);
    ck_assert_ptr_null(ctx);
    ck_assert_int_eq(cpol_ctx_open(&ctx, "station.db", tu_options()), CPOL_EINVALID);
    ck_assert(strstr(cpol_error_message(), "scheme") != NULL);
    ck_assert_int_eq(cpol_ctx_open(&ctx, "mysql://host/db", tu_options()), CPOL_ESCHEME);
    ck_assert(strstr(cpol_error_message(), "mysql") != NULL);
    ck_assert_int_eq(cpol_ctx_open(&ctx, ":nothing", tu_options()), CPOL_ESCHEME);
    ck_assert_ptr_null(ctx);
    o.version = 0;
    ck_assert_int_eq(cpol_ctx_open(&ctx, "memory:", tu_keyed(&o)), CPOL_EVERSION);
    o.version = CPOL_OPEN_OPTIONS_VERSION + 1;
    ck_assert_int_eq(cpol_ctx_open(&ctx, "memory:", tu_keyed(&o)), CPOL_EVERSION);
    o.version = CPOL_OPEN_OPTIONS_VERSION;
    o.flags = 0x80;
    ck_assert_int_eq(cpol_ctx_open(&ctx, "memory:", tu_keyed(&o)), CPOL_EINVALID);
    o.flags = 0;
    o.busy_timeout_ms = -1;
    ck_assert_int_eq(cpol_ctx_open(&ctx, "memory:", tu_keyed(&o)), CPOL_EINVALID);
    ck_assert_ptr_null(ctx);
    ck_assert_int_eq(cpol_open_options_init(NULL, 1), CPOL_EMISUSE);
    ck_assert_int_eq(cpol_open_options_init(&o, 0), CPOL_EVERSION);
    ck_assert_int_eq(cpol_open_options_init(&o, CPOL_OPEN_OPTIONS_VERSION), CPOL_OK);
    ck_assert_uint_eq(o.version, CPOL_OPEN_OPTIONS_VERSION);
}
END_TEST

START_TEST(null_handles_are_misuse_not_crashes)
{
    char *v = NULL;
    const char *k, *val;
    int64_t ver;
    cpol_setting_iter *it = NULL;
    ck_assert_int_eq(cpol_ctx_close(NULL), CPOL_OK);
    ck_assert_str_eq(cpol_ctx_backend(NULL), "");
    ck_assert_int_eq(cpol_ctx_now(NULL), -1);
    ck_assert_int_eq(cpol_ctx_schema_version(NULL, &ver), CPOL_EMISUSE);
    ck_assert_int_eq(cpol_batch_begin(NULL), CPOL_EMISUSE);
    ck_assert_int_eq(cpol_batch_commit(NULL), CPOL_EMISUSE);
    ck_assert_int_eq(cpol_batch_rollback(NULL), CPOL_EMISUSE);
    ck_assert_int_eq(cpol_batch_active(NULL), 0);
    ck_assert_int_eq(cpol_setting_set(NULL, fx_sys(NULL), "a", "b"), CPOL_EMISUSE);
    ck_assert_int_eq(cpol_setting_get(NULL, fx_sys(NULL), "a", &v), CPOL_EMISUSE);
    ck_assert_int_eq(cpol_setting_delete(NULL, fx_sys(NULL), "a"), CPOL_EMISUSE);
    ck_assert_int_eq(cpol_setting_iter_new(NULL, fx_sys(NULL), "", &it), CPOL_EMISUSE);
    ck_assert_int_eq(cpol_setting_iter_next(NULL, &k, &val), CPOL_EMISUSE);
    ck_assert(strstr(cpol_error_message(), "cpol_setting_iter_next") != NULL);
    cpol_setting_iter_free(NULL);
    cpol_free(NULL);
}
END_TEST

static cpol_time clock_value;
static cpol_time test_clock(void *payload)
{
    return *(cpol_time *)payload;
}

START_TEST(injected_clock_drives_time)
{
    cpol_open_options o = CPOL_OPEN_OPTIONS_INIT;
    cpol_ctx *ctx;
    int64_t ver = -1;
    clock_value = 1700000000123LL;
    o.clock = test_clock;
    o.clock_payload = &clock_value;
    ck_assert_int_eq(cpol_ctx_open(&ctx, "memory:", tu_keyed(&o)), CPOL_OK);
    ck_assert_int_eq(cpol_ctx_now(ctx), 1700000000123LL);
    clock_value += 5000;
    ck_assert_int_eq(cpol_ctx_now(ctx), 1700000005123LL);
    ck_assert_int_eq(cpol_ctx_schema_version(ctx, &ver), CPOL_OK);
    ck_assert_int_eq(ver, cpol_schema_version_current());
    ck_assert_int_eq(cpol_ctx_schema_version(ctx, NULL), CPOL_EMISUSE);
    cpol_ctx_close(ctx);
}
END_TEST

/* A clock far in the future is held at CPOL_TIME_MAX (no time arithmetic can
 * overflow: registering a person computes an age from it); a failing clock
 * (negative, as a binding's raising callback returns) fails the write that
 * asked for the time and stores nothing. */
START_TEST(extreme_and_failing_clocks_are_safe)
{
    cpol_open_options o = CPOL_OPEN_OPTIONS_INIT;
    cpol_ctx *ctx;
    cpol_actor *sys;
    cpol_id station, area2;
    int64_t audits_before = 0, audits_after = 0;
    clock_value = INT64_MAX;
    o.clock = test_clock;
    o.clock_payload = &clock_value;
    ck_assert_int_eq(cpol_ctx_open(&ctx, "memory:", tu_keyed(&o)), CPOL_OK);
    ck_assert_int_eq(cpol_ctx_now(ctx), CPOL_TIME_MAX);
    ck_assert_int_eq(cpol_actor_system(ctx, &sys), CPOL_OK);
    ck_assert_int_eq(cpol_area_create(ctx, sys, NULL, CPOL_AREA_STATION, "白沙派出所", &station), CPOL_OK);
    {
        cpol_person_fields f = CPOL_PERSON_FIELDS_INIT;
        cpol_id p;
        f.name = "未来人";
        f.id_card = fx_id_card("11010519491231002");
        f.home_area = &station;
        ck_assert_int_eq(cpol_person_register(ctx, sys, &f, &p), CPOL_OK);
    }
    ck_assert_int_eq(cpol_audit_verify(ctx, sys, &audits_before, NULL), CPOL_OK);
    clock_value = -1;
    ck_assert_int_eq(cpol_area_create(ctx, sys, &station, CPOL_AREA_COMMUNITY, "玉龙社区", &area2), CPOL_EUSER);
    fx_expect_message("clock");
    clock_value = 1700000000123LL;
    ck_assert_int_eq(cpol_audit_verify(ctx, sys, &audits_after, NULL), CPOL_OK);
    ck_assert_int_eq(audits_after, audits_before); /* nothing was stored */
    ck_assert_int_eq(cpol_area_create(ctx, sys, &station, CPOL_AREA_COMMUNITY, "玉龙社区", &area2), CPOL_OK);
    cpol_actor_free(sys);
    cpol_ctx_close(ctx);
}
END_TEST

/* A caller compiled against version 1 of cpol_open_options passes a struct
 * that ends before key_id: the library must read and write only that prefix
 * (an over-read is caught by ASan in the asan preset: the buffer is exactly
 * the v1 size; an over-write by the canary after it). */
START_TEST(a_version_1_caller_is_read_and_written_within_its_struct)
{
    size_t v1 = offsetof(cpol_open_options, key_id);
    unsigned char *buf = malloc(v1 + 16), *exact;
    cpol_open_options *o = (cpol_open_options *)(void *)buf;
    cpol_ctx *ctx = NULL;
    size_t i;
    ck_assert_ptr_nonnull(buf);
    memset(buf, 0xA5, v1 + 16);
    ck_assert_int_eq(cpol_open_options_init(o, 1), CPOL_OK);
    for (i = v1; i < v1 + 16; i++)
        ck_assert_msg(buf[i] == 0xA5, "cpol_open_options_init wrote byte %zu past a version-1 struct", i);
    ck_assert_uint_eq(o->version, 1);
    ck_assert_int_eq(cpol_open_options_init(o, CPOL_OPEN_OPTIONS_VERSION + 1), CPOL_EVERSION);
    exact = malloc(v1);
    ck_assert_ptr_nonnull(exact);
    memcpy(exact, buf, v1);
    ((cpol_open_options *)(void *)exact)->flags = CPOL_OPEN_PLAINTEXT; /* v1 has no key fields */
    ck_assert_int_eq(cpol_ctx_open(&ctx, "memory:", (const cpol_open_options *)(void *)exact), CPOL_OK);
    cpol_ctx_close(ctx);
    free(exact);
    free(buf);
}
END_TEST

START_TEST(memory_cannot_open_readonly)
{
    cpol_open_options o = CPOL_OPEN_OPTIONS_INIT;
    cpol_ctx *ctx;
    o.flags = CPOL_OPEN_READONLY;
    ck_assert_int_eq(cpol_ctx_open(&ctx, "memory:", tu_keyed(&o)), CPOL_ENOTFOUND);
}
END_TEST

/* ---- settings ---- */

START_TEST(settings_roundtrip)
{
    cpol_ctx *ctx = open_backend(_i);
    ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), "station.name", "白沙派出所"), CPOL_OK);
    ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), "station.code", "350402"), CPOL_OK);
    expect_value(ctx, "station.name", "白沙派出所");
    ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), "station.name", "桃源社区警务室 🚓"), CPOL_OK);
    expect_value(ctx, "station.name", "桃源社区警务室 🚓");
    ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), "empty", ""), CPOL_OK);
    expect_value(ctx, "empty", "");
    ck_assert_int_eq(cpol_setting_delete(ctx, fx_sys(ctx), "station.code"), CPOL_OK);
    expect_value(ctx, "station.code", NULL);
    ck_assert_int_eq(cpol_setting_delete(ctx, fx_sys(ctx), "station.code"), CPOL_ENOTFOUND);
    ck_assert(strstr(cpol_error_message(), "station.code") != NULL);
    done(ctx);
}
END_TEST

START_TEST(settings_reject_bad_input_and_change_nothing)
{
    cpol_ctx *ctx = open_backend(_i);
    char longkey[CPOL_SETTING_KEY_MAX + 2], *longval, *v = (char *)&v;
    static const char *bad_keys[] = {"", "Station", "9lives", "a b", "a/b", "键", "a\n"};
    static const char *bad_utf8[] = {"\xC0\xAF", "\xED\xA0\x80", "\xE4\xB8", "\xF5\x80\x80\x80", "ok\xFF"};
    size_t i;
    ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), "kiosk.id", "K-01"), CPOL_OK);
    for (i = 0; i < sizeof bad_keys / sizeof bad_keys[0]; i++)
        ck_assert_msg(cpol_setting_set(ctx, fx_sys(ctx), bad_keys[i], "x") == CPOL_EINVALID, "key \"%s\" accepted", bad_keys[i]);
    for (i = 0; i < sizeof bad_utf8 / sizeof bad_utf8[0]; i++) {
        ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), "kiosk.id", bad_utf8[i]), CPOL_EUTF8);
        ck_assert(strstr(cpol_error_message(), "UTF-8") != NULL);
    }
    memset(longkey, 'k', sizeof longkey - 1);
    longkey[sizeof longkey - 1] = '\0';
    ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), longkey, "x"), CPOL_ETOOLONG);
    longkey[CPOL_SETTING_KEY_MAX] = '\0';
    ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), longkey, "x"), CPOL_OK);
    longval = malloc(CPOL_SETTING_VALUE_MAX + 2);
    memset(longval, 'v', CPOL_SETTING_VALUE_MAX + 1);
    longval[CPOL_SETTING_VALUE_MAX + 1] = '\0';
    ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), "kiosk.id", longval), CPOL_ETOOLONG);
    longval[CPOL_SETTING_VALUE_MAX] = '\0';
    ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), "kiosk.big", longval), CPOL_OK);
    free(longval);
    ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), "kiosk.id", NULL), CPOL_EMISUSE);
    ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), NULL, "x"), CPOL_EMISUSE);
    ck_assert_int_eq(cpol_setting_get(ctx, fx_sys(ctx), "Bad", &v), CPOL_EINVALID);
    ck_assert_ptr_null(v);
    ck_assert_int_eq(cpol_setting_get(ctx, fx_sys(ctx), "kiosk.id", NULL), CPOL_EMISUSE);
    ck_assert_int_eq(cpol_setting_delete(ctx, fx_sys(ctx), ""), CPOL_EINVALID);
    expect_value(ctx, "kiosk.id", "K-01");
    done(ctx);
}
END_TEST

START_TEST(settings_iterate_by_prefix_in_key_order)
{
    cpol_ctx *ctx = open_backend(_i);
    static const char *keys[] = {"station.phone", "kiosk.b", "station.name", "kiosk.a", "stationx", "kiosk-c"};
    cpol_setting_iter *it;
    const char *k, *v;
    char seen[256] = "";
    size_t i;
    for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
        ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), keys[i], keys[i]), CPOL_OK);
    ck_assert_int_eq(cpol_setting_iter_new(ctx, fx_sys(ctx), "station.", &it), CPOL_OK);
    while (cpol_setting_iter_next(it, &k, &v) == CPOL_OK) {
        ck_assert_str_eq(k, v);
        strcat(seen, k);
        strcat(seen, ";");
    }
    ck_assert_str_eq(seen, "station.name;station.phone;");
    ck_assert_int_eq(cpol_setting_iter_next(it, &k, &v), CPOL_DONE);
    ck_assert_int_eq(cpol_setting_iter_next(it, NULL, &v), CPOL_EMISUSE);
    cpol_setting_iter_free(it);
    seen[0] = '\0';
    ck_assert_int_eq(cpol_setting_iter_new(ctx, fx_sys(ctx), NULL, &it), CPOL_OK);
    while (cpol_setting_iter_next(it, &k, &v) == CPOL_OK) {
        strcat(seen, k);
        strcat(seen, ";");
    }
    cpol_setting_iter_free(it);
    ck_assert_str_eq(seen, "kiosk-c;kiosk.a;kiosk.b;station.name;station.phone;stationx;");
    ck_assert_int_eq(cpol_setting_iter_new(ctx, fx_sys(ctx), "Station", &it), CPOL_EINVALID);
    ck_assert_ptr_null(it);
    ck_assert_int_eq(cpol_setting_iter_new(ctx, fx_sys(ctx), "", NULL), CPOL_EMISUSE);
    done(ctx);
}
END_TEST

START_TEST(iterator_outlives_its_context)
{
    cpol_ctx *ctx = open_backend(_i);
    cpol_setting_iter *it;
    const char *k, *v;
    int n = 0;
    ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), "a", "1"), CPOL_OK);
    ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), "b", "2"), CPOL_OK);
    ck_assert_int_eq(cpol_setting_iter_new(ctx, fx_sys(ctx), "", &it), CPOL_OK);
    ck_assert_int_eq(cpol_ctx_close(ctx), CPOL_OK); /* garbage collectors free in any order */
    while (cpol_setting_iter_next(it, &k, &v) == CPOL_OK)
        n++;
    ck_assert_int_eq(n, 2);
    cpol_setting_iter_free(it);
    tu_rmtree(tmp);
}
END_TEST

START_TEST(writes_during_iteration_are_safe)
{
    cpol_ctx *ctx = open_backend(_i);
    cpol_setting_iter *it;
    const char *k, *v;
    int n = 0;
    char key[32];
    for (n = 0; n < 50; n++) {
        snprintf(key, sizeof key, "k%03d", n);
        ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), key, "x"), CPOL_OK);
    }
    n = 0;
    ck_assert_int_eq(cpol_setting_iter_new(ctx, fx_sys(ctx), "k", &it), CPOL_OK);
    while (cpol_setting_iter_next(it, &k, &v) == CPOL_OK) {
        char copy[32];
        snprintf(copy, sizeof copy, "%s", k);
        ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), copy, "y"), CPOL_OK);
        n++;
    }
    cpol_setting_iter_free(it);
    ck_assert_int_ge(n, 50);
    expect_value(ctx, "k000", "y");
    expect_value(ctx, "k049", "y");
    done(ctx);
}
END_TEST

/* ---- batches ---- */

START_TEST(batch_commit_and_rollback)
{
    cpol_ctx *ctx = open_backend(_i);
    ck_assert_int_eq(cpol_batch_commit(ctx), CPOL_EMISUSE);
    ck_assert_int_eq(cpol_batch_rollback(ctx), CPOL_EMISUSE);
    ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), "kept", "before"), CPOL_OK);

    ck_assert_int_eq(cpol_batch_begin(ctx), CPOL_OK);
    ck_assert_int_eq(cpol_batch_active(ctx), 1);
    ck_assert_int_eq(cpol_batch_begin(ctx), CPOL_EMISUSE);
    ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), "kept", "during"), CPOL_OK);
    ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), "gone", "x"), CPOL_OK);
    expect_value(ctx, "gone", "x"); /* visible inside the batch */
    ck_assert_int_eq(cpol_batch_rollback(ctx), CPOL_OK);
    ck_assert_int_eq(cpol_batch_active(ctx), 0);
    expect_value(ctx, "kept", "before");
    expect_value(ctx, "gone", NULL);

    ck_assert_int_eq(cpol_batch_begin(ctx), CPOL_OK);
    ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), "one", "1"), CPOL_OK);
    /* a failing call inside the batch undoes only itself */
    ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), "one", "\xFF"), CPOL_EUTF8);
    ck_assert_int_eq(cpol_setting_delete(ctx, fx_sys(ctx), "missing"), CPOL_ENOTFOUND);
    ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), "two", "2"), CPOL_OK);
    ck_assert_int_eq(cpol_batch_commit(ctx), CPOL_OK);
    expect_value(ctx, "one", "1");
    expect_value(ctx, "two", "2");
    done(ctx);
}
END_TEST

START_TEST(batch_of_many_writes)
{
    cpol_ctx *ctx = open_backend(_i);
    char key[32];
    int n;
    cpol_setting_iter *it;
    const char *k, *v;
    ck_assert_int_eq(cpol_batch_begin(ctx), CPOL_OK);
    for (n = 0; n < 2000; n++) {
        snprintf(key, sizeof key, "bulk.%05d", n);
        ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), key, key), CPOL_OK);
    }
    ck_assert_int_eq(cpol_batch_commit(ctx), CPOL_OK);
    ck_assert_int_eq(cpol_setting_iter_new(ctx, fx_sys(ctx), "bulk.", &it), CPOL_OK);
    n = 0;
    while (cpol_setting_iter_next(it, &k, &v) == CPOL_OK) {
        snprintf(key, sizeof key, "bulk.%05d", n++);
        ck_assert_str_eq(k, key);
    }
    cpol_setting_iter_free(it);
    ck_assert_int_eq(n, 2000);
    done(ctx);
}
END_TEST

START_TEST(sqlite_close_with_open_batch_loses_only_the_batch)
{
    cpol_ctx *ctx = open_backend(1);
    char path[512];
    snprintf(path, sizeof path, "%s", uri);
    ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), "acked", "yes"), CPOL_OK);
    ck_assert_int_eq(cpol_batch_begin(ctx), CPOL_OK);
    ck_assert_int_eq(cpol_setting_set(ctx, fx_sys(ctx), "unacked", "no"), CPOL_OK);
    ck_assert_int_eq(cpol_ctx_close(ctx), CPOL_OK);
    ck_assert_int_eq(cpol_ctx_open(&ctx, path, tu_options()), CPOL_OK);
    expect_value(ctx, "acked", "yes");
    expect_value(ctx, "unacked", NULL);
    done(ctx);
}
END_TEST

static Suite *context_suite(void)
{
    Suite *s = suite_create("context");
    TCase *tc = tcase_create("context");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, open_rejects_bad_arguments);
    tcase_add_test(tc, null_handles_are_misuse_not_crashes);
    tcase_add_test(tc, injected_clock_drives_time);
    tcase_add_test(tc, extreme_and_failing_clocks_are_safe);
    tcase_add_test(tc, a_version_1_caller_is_read_and_written_within_its_struct);
    tcase_add_test(tc, memory_cannot_open_readonly);
    tcase_add_loop_test(tc, settings_roundtrip, 0, 2);
    tcase_add_loop_test(tc, settings_reject_bad_input_and_change_nothing, 0, 2);
    tcase_add_loop_test(tc, settings_iterate_by_prefix_in_key_order, 0, 2);
    tcase_add_loop_test(tc, iterator_outlives_its_context, 0, 2);
    tcase_add_loop_test(tc, writes_during_iteration_are_safe, 0, 2);
    tcase_add_loop_test(tc, batch_commit_and_rollback, 0, 2);
    tcase_add_loop_test(tc, batch_of_many_writes, 0, 2);
    tcase_add_test(tc, sqlite_close_with_open_batch_loses_only_the_batch);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(context_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
