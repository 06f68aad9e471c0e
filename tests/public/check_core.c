/* Public API: version, features, status codes and messages, ids, the
 * allocator hooks and clean failure under allocation failure. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <commpolice/commpolice.h>
#include <commpolice/sys/alloc.h>
#include <commpolice/sys/errors.h>

#include "../support/test_util.h"

/* ---- version and features ---- */

START_TEST(version_matches_headers)
{
    char buf[32];
    ck_assert_uint_eq(cpol_version_number(), CPOL_VERSION_NUMBER);
    ck_assert_str_eq(cpol_version_string(), CPOL_VERSION);
    snprintf(buf, sizeof buf, "%d.%d.%d", CPOL_VERSION_MAJOR, CPOL_VERSION_MINOR, CPOL_VERSION_PATCH);
    ck_assert_str_eq(buf, CPOL_VERSION);
    ck_assert_uint_eq(CPOL_VERSION_NUMBER,
                      CPOL_VERSION_MAJOR * 1000000 + CPOL_VERSION_MINOR * 1000 + CPOL_VERSION_PATCH);
}
END_TEST

START_TEST(features_report_backends)
{
    ck_assert_int_eq(cpol_has_feature("storage.memory"), 1);
    ck_assert_int_eq(cpol_has_feature("storage.sqlite"), 1);
    ck_assert_int_eq(cpol_has_feature("threads"), 1);
    ck_assert_int_eq(cpol_has_feature("storage.nonexistent"), 0);
    ck_assert_int_eq(cpol_has_feature("storage."), 0);
    ck_assert_int_eq(cpol_has_feature("nonsense"), 0);
    ck_assert_int_eq(cpol_has_feature(NULL), 0);
}
END_TEST

/* ---- status codes and messages ---- */

static const int all_codes[] = {CPOL_OK, CPOL_DONE, CPOL_ALREADY, CPOL_ERROR, CPOL_ENOMEM, CPOL_ENOTFOUND,
                                CPOL_EEXISTS, CPOL_EINVALID, CPOL_EMISUSE, CPOL_EVERSION, CPOL_ENOTSUPPORTED,
                                CPOL_EBUSY, CPOL_ESTORAGE, CPOL_ESCHEME, CPOL_ECORRUPT, CPOL_ESCHEMA,
                                CPOL_EUTF8, CPOL_ETOOLONG, CPOL_EIO, CPOL_EREADONLY, CPOL_EPERM,
                                CPOL_ESTATE, CPOL_ECONFLICT, CPOL_ELIMIT, CPOL_ERULE, CPOL_EFUNDS, CPOL_EUSER};

START_TEST(status_texts_never_null_and_distinct)
{
    size_t i, j, n = sizeof all_codes / sizeof all_codes[0];
    for (i = 0; i < n; i++) {
        ck_assert_ptr_nonnull(cpol_strerror(all_codes[i]));
        ck_assert_str_ne(cpol_status_name(all_codes[i]), "CPOL_UNKNOWN");
        for (j = 0; j < i; j++)
            ck_assert_str_ne(cpol_status_name(all_codes[i]), cpol_status_name(all_codes[j]));
    }
    ck_assert_str_eq(cpol_status_name(CPOL_ENOTFOUND), "CPOL_ENOTFOUND");
    ck_assert_str_eq(cpol_status_name(12345), "CPOL_UNKNOWN");
    ck_assert_str_eq(cpol_strerror(-12345), "unknown status");
}
END_TEST

START_TEST(error_message_lifecycle)
{
    cpol_error_clear();
    ck_assert_int_eq(cpol_error_code(), CPOL_OK);
    ck_assert_str_eq(cpol_error_message(), "no error");
    ck_assert_int_eq(cpol_error_set_str(CPOL_EIO, "disk on fire"), CPOL_EIO);
    ck_assert_int_eq(cpol_error_code(), CPOL_EIO);
    ck_assert_str_eq(cpol_error_message(), "disk on fire");
    /* reading does not change it */
    ck_assert_str_eq(cpol_error_message(), "disk on fire");
    ck_assert_int_eq(cpol_error_set_str(CPOL_EBUSY, NULL), CPOL_EBUSY);
    ck_assert_str_eq(cpol_error_message(), cpol_strerror(CPOL_EBUSY));
}
END_TEST

START_TEST(error_message_truncated_on_utf8_boundary)
{
    /* 400 three-byte characters = 1200 bytes, over the 1023-byte limit */
    char big[1300];
    size_t i, len;
    const unsigned char *m;
    for (i = 0; i < 400; i++)
        memcpy(big + 3 * i, "\xE8\xAD\xA6", 3); /* 警 */
    big[1200] = '\0';
    cpol_error_set_str(CPOL_EINVALID, big);
    m = (const unsigned char *)cpol_error_message();
    len = strlen((const char *)m);
    ck_assert_uint_le(len, 1023);
    ck_assert_uint_eq(len % 3, 0);
    ck_assert_int_eq(m[len - 3], 0xE8);
}
END_TEST

static void *other_thread(void *arg)
{
    int *seen = arg;
    seen[0] = cpol_error_code();
    cpol_error_set_str(CPOL_EIO, "thread-local");
    seen[1] = cpol_error_code();
    return NULL;
}

START_TEST(errors_are_per_thread)
{
    pthread_t t;
    int seen[2] = {99, 99};
    cpol_error_set_str(CPOL_ENOTFOUND, "main thread");
    ck_assert_int_eq(pthread_create(&t, NULL, other_thread, seen), 0);
    pthread_join(t, NULL);
    ck_assert_int_eq(seen[0], CPOL_OK);
    ck_assert_int_eq(seen[1], CPOL_EIO);
    ck_assert_int_eq(cpol_error_code(), CPOL_ENOTFOUND);
    ck_assert_str_eq(cpol_error_message(), "main thread");
}
END_TEST

/* ---- ids ---- */

static cpol_time fixed_now = 1763900000000LL; /* 2025-11-23 */
static cpol_time fixed_clock(void *payload)
{
    return *(cpol_time *)payload;
}

static cpol_ctx *open_with_clock(cpol_time *now)
{
    cpol_open_options o = CPOL_OPEN_OPTIONS_INIT;
    cpol_ctx *ctx = NULL;
    o.clock = fixed_clock;
    o.clock_payload = now;
    ck_assert_int_eq(cpol_ctx_open(&ctx, "memory:", tu_keyed(&o)), CPOL_OK);
    return ctx;
}

START_TEST(id_format_parse_roundtrip)
{
    cpol_ctx *ctx = open_with_clock(&fixed_now);
    cpol_id id, back;
    char s[CPOL_ID_STRING_SIZE], upper[CPOL_ID_STRING_SIZE];
    size_t i;
    ck_assert_int_eq(cpol_id_new(ctx, &id), CPOL_OK);
    ck_assert_int_eq(cpol_id_format(&id, s, sizeof s), CPOL_OK);
    ck_assert_uint_eq(strlen(s), 36);
    ck_assert_int_eq(s[14], '7'); /* version nibble */
    ck_assert(strchr("89ab", s[19]) != NULL); /* RFC variant */
    ck_assert_int_eq(cpol_id_parse(&back, s), CPOL_OK);
    ck_assert_int_eq(cpol_id_compare(&id, &back), 0);
    for (i = 0; i < 36; i++)
        upper[i] = (char)((s[i] >= 'a' && s[i] <= 'f') ? s[i] - 32 : s[i]);
    upper[36] = '\0';
    ck_assert_int_eq(cpol_id_parse(&back, upper), CPOL_OK);
    ck_assert_int_eq(cpol_id_compare(&id, &back), 0);
    ck_assert_int_eq(cpol_id_time(&id), fixed_now);
    ck_assert_int_eq(cpol_id_is_nil(&id), 0);
    cpol_ctx_close(ctx);
}
END_TEST

START_TEST(id_parse_rejects_malformed)
{
    static const char *bad[] = {
        "",
        "0190c7e2-7b1c-7d3e-8f00-12345678",            /* short */
        "0190c7e2-7b1c-7d3e-8f00-1234567890abc",       /* long */
        "0190c7e2x7b1c-7d3e-8f00-1234567890ab",        /* dash missing */
        "0190c7e2-7b1c-7d3e-8f00-1234567890ag",        /* not hex */
        "0190c7e2-7b1c-7d3e-8f00-12345678\xE8\xAD\xA6", /* UTF-8 */
        "{0190c7e2-7b1c-7d3e-8f00-1234567890a}",
    };
    cpol_id id, before;
    size_t i;
    memset(&id, 0xAB, sizeof id);
    before = id;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(cpol_id_parse(&id, bad[i]) == CPOL_EINVALID, "accepted \"%s\"", bad[i]);
        ck_assert_int_eq(cpol_error_code(), CPOL_EINVALID);
        ck_assert(strstr(cpol_error_message(), "cpol_id_parse") != NULL);
        ck_assert_int_eq(cpol_id_compare(&id, &before), 0); /* untouched */
    }
    ck_assert_int_eq(cpol_id_parse(NULL, "x"), CPOL_EMISUSE);
    ck_assert_int_eq(cpol_id_parse(&id, NULL), CPOL_EMISUSE);
}
END_TEST

START_TEST(id_format_checks_buffer)
{
    cpol_id id;
    char small[36];
    memset(&id, 0, sizeof id);
    memset(small, 'x', sizeof small);
    ck_assert_int_eq(cpol_id_format(&id, small, sizeof small), CPOL_ETOOLONG);
    ck_assert_int_eq(small[0], 'x');
    ck_assert_int_eq(cpol_id_format(NULL, small, sizeof small), CPOL_EMISUSE);
    ck_assert_int_eq(cpol_id_format(&id, NULL, 37), CPOL_EMISUSE);
    ck_assert_int_eq(cpol_id_is_nil(&id), 1);
    ck_assert_int_eq(cpol_id_is_nil(NULL), 1);
    ck_assert_int_eq(cpol_id_time(&id), -1);
    ck_assert_int_eq(cpol_id_new(NULL, &id), CPOL_EMISUSE);
}
END_TEST

START_TEST(ids_strictly_increase_even_when_clock_stalls_or_steps_back)
{
    cpol_time now = fixed_now;
    cpol_ctx *ctx = open_with_clock(&now);
    cpol_id prev, id;
    int i;
    ck_assert_int_eq(cpol_id_new(ctx, &prev), CPOL_OK);
    /* 10,000 ids in one frozen millisecond: the 12-bit counter overflows */
    for (i = 0; i < 10000; i++) {
        ck_assert_int_eq(cpol_id_new(ctx, &id), CPOL_OK);
        ck_assert_msg(cpol_id_compare(&prev, &id) < 0, "id %d not increasing", i);
        prev = id;
    }
    now -= 60000; /* clock steps back one minute */
    for (i = 0; i < 100; i++) {
        ck_assert_int_eq(cpol_id_new(ctx, &id), CPOL_OK);
        ck_assert(cpol_id_compare(&prev, &id) < 0);
        prev = id;
    }
    ck_assert_int_ge(cpol_id_time(&id), fixed_now);
    cpol_ctx_close(ctx);
}
END_TEST

/* ---- allocator hooks ---- */

typedef struct counting {
    long live, total;
    long fail_at;   /* fail the allocation with this number (1-based); 0 = never */
} counting;

static counting counter;

static void *c_malloc(size_t n, void *p)
{
    counting *c = p;
    void *m;
    if (c->fail_at && ++c->total == c->fail_at)
        return NULL;
    if (!c->fail_at)
        c->total++;
    m = malloc(n);
    if (m)
        c->live++;
    return m;
}

static void *c_realloc(void *ptr, size_t n, void *p)
{
    counting *c = p;
    if (c->fail_at && ++c->total == c->fail_at)
        return NULL;
    if (!c->fail_at)
        c->total++;
    return realloc(ptr, n);
}

static void c_free(void *ptr, void *p)
{
    counting *c = p;
    if (ptr)
        c->live--;
    free(ptr);
}

static void install_counter(long fail_at)
{
    cpol_allocator a = {CPOL_ALLOCATOR_VERSION, c_malloc, c_realloc, c_free, &counter};
    memset(&counter, 0, sizeof counter);
    counter.fail_at = fail_at;
    ck_assert_int_eq(cpol_allocator_set(&a), CPOL_OK);
}

START_TEST(allocator_sees_every_allocation)
{
    cpol_ctx *ctx;
    cpol_actor *sys;
    char *v;
    install_counter(0);
    ck_assert_int_eq(cpol_ctx_open(&ctx, "memory:", tu_options()), CPOL_OK);
    ck_assert_int_eq(cpol_actor_system(ctx, &sys), CPOL_OK); /* counted too: freed below */
    ck_assert_int_eq(cpol_setting_set(ctx, sys, "station.name", "临翔分局"), CPOL_OK);
    ck_assert_int_eq(cpol_setting_get(ctx, sys, "station.name", &v), CPOL_OK);
    ck_assert_int_gt(counter.total, 0);
    ck_assert_int_gt(counter.live, 0);
    /* cannot swap allocators while its memory is out */
    ck_assert_int_eq(cpol_allocator_set(NULL), CPOL_EBUSY);
    cpol_free(v);
    cpol_actor_free(sys);
    cpol_ctx_close(ctx);
    ck_assert_int_eq(counter.live, 0);
    ck_assert_int_eq(cpol_allocator_set(NULL), CPOL_OK);
}
END_TEST

START_TEST(allocator_set_validates)
{
    cpol_allocator a = {0, c_malloc, c_realloc, c_free, NULL};
    ck_assert_int_eq(cpol_allocator_set(&a), CPOL_EVERSION);
    a.version = CPOL_ALLOCATOR_VERSION + 1;
    ck_assert_int_eq(cpol_allocator_set(&a), CPOL_EVERSION);
    a.version = CPOL_ALLOCATOR_VERSION;
    a.realloc_fn = NULL;
    ck_assert_int_eq(cpol_allocator_set(&a), CPOL_EINVALID);
    ck_assert(strstr(cpol_error_message(), "realloc_fn") != NULL);
}
END_TEST

/* Run a scenario with the Nth allocation failing, for N = 1, 2, ... until it
 * succeeds. Every failure must be a clean CPOL_ENOMEM that leaves the stored
 * value as it was, and nothing may leak. */
static int oom_scenario(const char *uri, int *failed_step)
{
    cpol_ctx *ctx = NULL;
    cpol_actor *sys = NULL;
    cpol_setting_iter *it = NULL;
    const char *k, *v;
    char *got = NULL;
    int rc, n = 0;
    *failed_step = 0;
    rc = cpol_ctx_open(&ctx, uri, tu_options());
    if (rc < 0) {
        *failed_step = 1;
        ck_assert_ptr_null(ctx);
        return rc;
    }
    rc = cpol_actor_system(ctx, &sys);
    if (rc >= 0)
        rc = cpol_setting_set(ctx, sys, "kiosk.location", "桃源社区服务站");
    if (rc >= 0)
        rc = cpol_batch_begin(ctx);
    if (rc >= 0) {
        int r1 = cpol_setting_set(ctx, sys, "a.one", "1");
        int r2 = cpol_setting_set(ctx, sys, "a.two", "2");
        rc = r1 < 0 ? r1 : r2;
        if (rc < 0)
            cpol_batch_rollback(ctx);
        else
            rc = cpol_batch_commit(ctx);
    }
    if (rc >= 0)
        rc = cpol_setting_get(ctx, sys, "kiosk.location", &got);
    if (rc >= 0)
        rc = cpol_setting_iter_new(ctx, sys, "a.", &it);
    while (rc >= 0 && (rc = cpol_setting_iter_next(it, &k, &v)) == CPOL_OK)
        n++;
    if (rc == CPOL_DONE) {
        rc = n == 2 ? CPOL_OK : CPOL_ERROR;
    }
    if (rc < 0)
        *failed_step = 2;
    cpol_setting_iter_free(it);
    cpol_free(got);
    cpol_actor_free(sys);
    cpol_ctx_close(ctx);
    return rc;
}

static void run_oom_loop(const char *uri)
{
    long n;
    int rc = CPOL_ENOMEM, step;
    for (n = 1; n < 5000 && rc < 0; n++) {
        install_counter(n);
        rc = oom_scenario(uri, &step);
        ck_assert_msg(rc >= 0 || rc == CPOL_ENOMEM, "allocation %ld failed -> %s (%s) at step %d", n,
                      cpol_status_name(rc), cpol_error_message(), step);
        ck_assert_msg(counter.live == 0, "allocation %ld failed -> %ld allocations leaked", n, counter.live);
        ck_assert_int_eq(cpol_allocator_set(NULL), CPOL_OK);
    }
    ck_assert_msg(rc == CPOL_OK, "scenario never succeeded");
    ck_assert_int_gt(n, 10);
}

START_TEST(out_of_memory_fails_cleanly_memory)
{
    run_oom_loop("memory:");
}
END_TEST

START_TEST(out_of_memory_fails_cleanly_sqlite)
{
    char uri[256];
    const char *dir = tu_tmpdir();
    long n;
    int rc = CPOL_ENOMEM, step;
    for (n = 1; n < 5000 && rc < 0; n++) {
        snprintf(uri, sizeof uri, "sqlite:%s/oom%ld.db", dir, n);
        install_counter(n);
        rc = oom_scenario(uri, &step);
        ck_assert_msg(rc >= 0 || rc == CPOL_ENOMEM, "allocation %ld failed -> %s (%s)", n, cpol_status_name(rc),
                      cpol_error_message());
        ck_assert_msg(counter.live == 0, "allocation %ld failed -> %ld allocations leaked", n, counter.live);
        ck_assert_int_eq(cpol_allocator_set(NULL), CPOL_OK);
    }
    ck_assert_int_eq(rc, CPOL_OK);
    tu_rmtree(dir);
}
END_TEST

/* Fail the k-th allocation inside one write, for k = 1, 2, ... until the
 * write succeeds: each failed attempt must leave the stored data as before. */
static void check_write_atomic_under_oom(const char *uri)
{
    cpol_ctx *ctx;
    cpol_actor *sys;
    char *v;
    long k;
    int rc = CPOL_ENOMEM, attempts = 0;
    install_counter(0);
    ck_assert_int_eq(cpol_ctx_open(&ctx, uri, tu_options()), CPOL_OK);
    ck_assert_int_eq(cpol_actor_system(ctx, &sys), CPOL_OK);
    ck_assert_int_eq(cpol_setting_set(ctx, sys, "points.rule", "old"), CPOL_OK);
    for (k = 1; k < 1000 && rc < 0; k++) {
        counter.fail_at = counter.total + k;
        rc = cpol_setting_set(ctx, sys, "points.rule", "新的积分规则");
        if (rc >= 0)
            break;
        ck_assert_int_eq(rc, CPOL_ENOMEM);
        rc = cpol_setting_set(ctx, sys, "points.new", "x"); /* an insert that fails too */
        counter.fail_at = 0;
        attempts++;
        ck_assert_int_eq(cpol_setting_get(ctx, sys, "points.rule", &v), CPOL_OK);
        ck_assert_str_eq(v, "old");
        cpol_free(v);
        if (rc < 0)
            ck_assert_int_eq(cpol_setting_get(ctx, sys, "points.new", &v), CPOL_ENOTFOUND);
        rc = CPOL_ENOMEM;
    }
    counter.fail_at = 0;
    ck_assert_int_gt(attempts, 0);
    ck_assert_int_eq(cpol_setting_get(ctx, sys, "points.rule", &v), CPOL_OK);
    ck_assert_str_eq(v, "新的积分规则");
    cpol_free(v);
    cpol_actor_free(sys);
    cpol_ctx_close(ctx);
    ck_assert_int_eq(counter.live, 0);
    ck_assert_int_eq(cpol_allocator_set(NULL), CPOL_OK);
}

START_TEST(out_of_memory_never_changes_stored_value)
{
    char uri[256];
    const char *dir = tu_tmpdir();
    check_write_atomic_under_oom("memory:");
    snprintf(uri, sizeof uri, "sqlite:%s/atomic.db", dir);
    check_write_atomic_under_oom(uri);
    tu_rmtree(dir);
}
END_TEST

static Suite *core_suite(void)
{
    Suite *s = suite_create("core");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, version_matches_headers);
    tcase_add_test(tc, features_report_backends);
    tcase_add_test(tc, status_texts_never_null_and_distinct);
    tcase_add_test(tc, error_message_lifecycle);
    tcase_add_test(tc, error_message_truncated_on_utf8_boundary);
    tcase_add_test(tc, errors_are_per_thread);
    tcase_add_test(tc, id_format_parse_roundtrip);
    tcase_add_test(tc, id_parse_rejects_malformed);
    tcase_add_test(tc, id_format_checks_buffer);
    tcase_add_test(tc, ids_strictly_increase_even_when_clock_stalls_or_steps_back);
    tcase_add_test(tc, allocator_sees_every_allocation);
    tcase_add_test(tc, allocator_set_validates);
    tcase_add_test(tc, out_of_memory_fails_cleanly_memory);
    tcase_add_test(tc, out_of_memory_fails_cleanly_sqlite);
    tcase_add_test(tc, out_of_memory_never_changes_stored_value);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(core_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
