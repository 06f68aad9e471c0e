/* Case metrics and repeat analysis against the number of cases: the figures
 * must cost a constant number of reads plus a sort, so 10 times the cases
 * cost about 10 times the time (issue 13 measured 4 ms, 62 ms and 15 s at
 * 10^3, 10^4 and 10^5 cases: a per-case query for repeat calls).
 *
 *   bench_case_metrics BACKEND N [N ...]      BACKEND: memory or sqlite
 *
 * For each N: one community, one year; N cases at 100 addresses of one
 * compound (so repeat calls abound), each reported and screened, every
 * tenth also assessed, assigned, attended and resolved. Prints the time to
 * build them, then the median of 3 runs of cpol_case_metrics_compute() for
 * the community-year and of cpol_case_repeat_iter_new() by address and by
 * person, and the ratio to the previous N. Asserts the figures (every case
 * measured, 100 address groups), nothing about speed. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <commpolice/commpolice.h>

#include "fixture.h"

#define DAY_MS (24LL * 3600 * 1000)
#define RUNS 3

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void must(int rc, const char *what)
{
    ck_assert_msg(rc >= 0, "%s failed: %s", what, cpol_error_message());
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v)
{
    qsort(v, RUNS, sizeof *v, by_double);
    return v[RUNS / 2];
}

static void build(fx_world *w, const cpol_id *officer, long n)
{
    cpol_time t0 = w->now;
    long i;
    must(cpol_batch_begin(w->ctx), "batch");
    for (i = 0; i < n; i++) {
        cpol_case_fields f = CPOL_CASE_FIELDS_INIT;
        char address[32];
        cpol_id c;
        snprintf(address, sizeof address, "玉龙小区%ld栋", i % 100);
        w->now = t0 + (cpol_time)((double)i / (double)n * 360 * DAY_MS);
        f.source = CPOL_CASE_SOURCE_DISPATCH_110;
        f.category = i % 3 ? CPOL_CASE_NEIGHBOUR : CPOL_CASE_HAZARD;
        f.area = &w->compound;
        f.address = address;
        f.description = "基准测试警情";
        f.reporter_name = "群众";
        must(cpol_case_report(w->ctx, w->sys, &f, &c), "report");
        must(cpol_case_verify(w->ctx, w->sys, &c, NULL), "verify");
        if (i % 10)
            continue;
        must(cpol_case_assess(w->ctx, w->sys, &c, CPOL_RISK_GENERAL, NULL), "assess");
        must(cpol_case_assign(w->ctx, w->sys, &c, CPOL_TIER_OFFICER, officer, NULL, NULL), "assign");
        must(cpol_case_arrive(w->ctx, w->sys, &c, officer, 0, NULL), "arrive");
        must(cpol_case_resolve(w->ctx, w->sys, &c, CPOL_OUTCOME_MEDIATED, NULL), "resolve");
        if (i % 1000 == 0) {
            must(cpol_batch_commit(w->ctx), "commit");
            must(cpol_batch_begin(w->ctx), "batch");
        }
    }
    must(cpol_batch_commit(w->ctx), "commit");
    w->now = t0 + 365 * DAY_MS;
}

static double time_metrics(fx_world *w, cpol_time from, cpol_time to, int64_t *received)
{
    double t[RUNS];
    int r;
    for (r = 0; r < RUNS; r++) {
        cpol_case_metrics_query q = CPOL_CASE_METRICS_QUERY_INIT;
        cpol_case_metrics *m = NULL;
        double t0 = seconds();
        q.area = &w->community;
        q.from = from;
        q.to = to;
        must(cpol_case_metrics_compute(w->ctx, w->sys, &q, &m), "metrics");
        t[r] = seconds() - t0;
        *received = cpol_case_metrics_count(m, CPOL_METRIC_RECEIVED);
        cpol_case_metrics_free(m);
    }
    return median(t);
}

static double time_repeats(fx_world *w, int kind, cpol_time from, cpol_time to, int64_t *groups)
{
    double t[RUNS];
    int r;
    for (r = 0; r < RUNS; r++) {
        cpol_case_repeat_query q = CPOL_CASE_REPEAT_QUERY_INIT;
        cpol_case_repeat_iter *it = NULL;
        const cpol_case_repeat *g;
        double t0 = seconds();
        q.area = &w->community;
        q.kind = kind;
        q.threshold = 3;
        q.from = from;
        q.to = to;
        must(cpol_case_repeat_iter_new(w->ctx, w->sys, &q, &it), "repeats");
        *groups = 0;
        while (cpol_case_repeat_iter_next(it, &g) == CPOL_OK)
            (*groups)++;
        t[r] = seconds() - t0;
        cpol_case_repeat_iter_free(it);
    }
    return median(t);
}

static int g_argc;
static char **g_argv;

/* A Check test in this process (CK_NOFORK): the fixture asserts with Check. */
START_TEST(bench)
{
    double last_metrics = 0, last_address = 0, last_person = 0;
    int a, backend = strcmp(g_argv[1], "sqlite") == 0;
    printf("%-7s %8s %9s %12s %7s %12s %7s %12s %7s\n", "backend", "cases", "build s", "metrics ms", "x prev",
           "by addr ms", "x prev", "by person ms", "x prev");
    for (a = 2; a < g_argc; a++) {
        fx_world w;
        cpol_actor *officer;
        cpol_id officer_id;
        long n = atol(g_argv[a]);
        double t0, built, metrics, address, person;
        int64_t received = 0, groups = 0, people = 0;
        cpol_time from;
        fx_open(&w, backend);
        officer = fx_staff(&w, "李警官", 1, CPOL_ROLE_OFFICER, &officer_id);
        from = w.now;
        t0 = seconds();
        build(&w, &officer_id, n);
        built = seconds() - t0;
        metrics = time_metrics(&w, from, from + 365 * DAY_MS, &received);
        address = time_repeats(&w, CPOL_REPEAT_ADDRESS, from, from + 365 * DAY_MS, &groups);
        person = time_repeats(&w, CPOL_REPEAT_PERSON, from, from + 365 * DAY_MS, &people);
        ck_assert_msg(received == n, "%lld cases measured, %ld built", (long long)received, n);
        ck_assert_msg(groups == (n >= 300 ? 100 : 0), "%lld address groups", (long long)groups);
        printf("%-7s %8ld %9.1f %12.1f %7.1f %12.1f %7.1f %12.1f %7.1f\n", g_argv[1], n, built, metrics * 1e3,
               last_metrics ? metrics / last_metrics : 0.0, address * 1e3, last_address ? address / last_address : 0.0,
               person * 1e3, last_person ? person / last_person : 0.0);
        fflush(stdout);
        last_metrics = metrics;
        last_address = address;
        last_person = person;
        (void)people;
        cpol_actor_free(officer);
        fx_close(&w);
    }
}
END_TEST

int main(int argc, char **argv)
{
    Suite *s;
    TCase *tc;
    SRunner *sr;
    int failed;
    if (argc < 3 || (strcmp(argv[1], "memory") && strcmp(argv[1], "sqlite"))) {
        fprintf(stderr, "usage: bench_case_metrics memory|sqlite N [N ...]\n");
        return 2;
    }
    g_argc = argc;
    g_argv = argv;
    s = suite_create("bench_case_metrics");
    tc = tcase_create("bench");
    tcase_add_test(tc, bench);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_SILENT);
    failed = srunner_ntests_failed(sr);
    if (failed)
        srunner_print(sr, CK_NORMAL);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
