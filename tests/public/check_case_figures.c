/* Public API: every figure the seed articles publish (/work/shared/seeds),
 * replayed as recorded events and computed by the library, on memory and
 * SQLite (and on PostgreSQL, tests/postgres). Each test says which article
 * a number comes from and how the events were chosen so that the library's
 * figure must come out as published:
 *
 * - Lincang 临翔 (000): the guard on the scene at 2 minutes and the officer
 *   at 3 (per-role arrival); 12 disputes resolved on the spot, 100 %; 22
 *   hazards found and rectified; 2 thefts solved with volunteers, the
 *   e-bike within 7 hours; 5 publicity activities by 43 volunteers; 10
 *   valid opinions collected;
 * - Dadukou 大渡口 (002): criminal and public-order 警情 down 31.9 % and
 *   14.3 % year over year, the dispute resolution rate up 3.5 points, the
 *   officer's community time from 6 to 40 hours a week;
 * - Suqian 宿迁 (003): repeat calls 10 % of all calls, down 27.6 % year
 *   over year;
 * - Baisha 白沙 (004): anti-fraud publicity reaching 13,000;
 * - figures as of a date, moved back and forth across a case's life;
 * - the Open311 export field by field against the GeoReport v2 list. */
#define _DEFAULT_SOURCE /* timegm */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include <commpolice/commpolice.h>

#include "check_case_world.h"

#define CN_OFFSET_MINUTES 480 /* China: UTC+08:00 */

/* 00:00 China time of a date, in ms. */
static cpol_time cn_date(int y, int m, int d)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    return (cpol_time)timegm(&tm) * 1000 - CN_OFFSET_MINUTES * MINUTE;
}

/* The published figure: a fraction rounded to 0.1 % (−0.31884 → −319). */
static long per_mille(double fraction)
{
    return lround(fraction * 1000);
}

static cpol_case_metrics *compute(cw *w, cpol_case_metrics_query *q)
{
    cpol_case_metrics *m = NULL;
    FX_OK(cpol_case_metrics_compute(w->ctx, w->leader, q, &m));
    return m;
}

static cpol_case_metrics *earlier(cw *w, cpol_case_metrics_query *q, int period)
{
    cpol_case_metrics *m = NULL;
    FX_OK(cpol_case_metrics_compute_earlier(w->ctx, w->leader, q, period, &m));
    return m;
}

static void expect_arrival(const cpol_case_metrics *m, int who, int64_t n, int64_t median, int64_t p90)
{
    int64_t got_n = -1, got_median = -1, got_p90 = -1;
    FX_OK(cpol_case_metrics_arrival(m, who, &got_n, &got_median, &got_p90));
    ck_assert_msg(got_n == n && got_median == median && got_p90 == p90,
                  "arrival of %d: n %lld median %lld p90 %lld, expected %lld %lld %lld", who, (long long)got_n,
                  (long long)got_median, (long long)got_p90, (long long)n, (long long)median, (long long)p90);
}

#define COUNT(m, metric, n)                                                                                       \
    ck_assert_msg(cpol_case_metrics_count((m), (metric)) == (n), #metric " = %lld, expected %lld",                \
                  (long long)cpol_case_metrics_count((m), (metric)), (long long)(n))

/* A case reported now by the installation (imports), at the compound. */
static cpol_id report(cw *w, int source, int category, const char *address)
{
    cpol_case_fields f = CPOL_CASE_FIELDS_INIT;
    cpol_id id;
    f.source = source;
    f.category = category;
    f.description = "按稿件数字重放";
    f.address = address;
    f.reporter_name = "群众";
    FX_OK(cw_report_fields(w, w->sys, &f, &id));
    return id;
}

/* Screened and resolved with an outcome at a tier, as the installation. */
static void resolve(cw *w, const cpol_id *c, int tier, const cpol_id *handler, int outcome)
{
    FX_OK(cpol_case_verify(w->ctx, w->sys, c, NULL));
    FX_OK(cpol_case_assess(w->ctx, w->sys, c, CPOL_RISK_GENERAL, NULL));
    FX_OK(cpol_case_assign(w->ctx, w->sys, c, tier, handler, tier == CPOL_TIER_TEAM ? &w->team : NULL, NULL));
    FX_OK(cpol_case_resolve(w->ctx, w->sys, c, outcome, NULL));
}

/* ---- Lincang: the guard at 2 minutes, the officer at 3 ---- */

START_TEST(lincang_arrival_per_role)
{
    cw w;
    cpol_case_metrics_query q = CPOL_CASE_METRICS_QUERY_INIT;
    cpol_case_metrics *m;
    cpol_id dispute, second;
    cpol_time t0 = 1748433600000LL; /* 2025-05-28 20:00 +08:00 */
    cw_open(&w, _i);
    /* 信息员发现后上报, 物业保安2分钟到达现场稳控, 民警3分钟到场调解 */
    w.fx.now = t0;
    dispute = cw_report(&w, w.informant, CPOL_CASE_SOURCE_INFORMANT_TIP, CPOL_CASE_NEIGHBOUR, "玉龙小区邻里纠纷");
    w.fx.now = t0 + 2 * MINUTE;
    FX_OK(cpol_case_arrive(w.ctx, w.guard, &dispute, &w.guard_id, 0, "稳控"));
    w.fx.now = t0 + 6 * MINUTE; /* recorded later, with the time it happened */
    FX_OK(cpol_case_arrive(w.ctx, w.officer, &dispute, &w.officer_id, t0 + 3 * MINUTE, "调解"));
    /* a second case: the officer records the guard's arrival (4 min), the
     * installation the auxiliary's (6 min) and the informant's (1 min):
     * each arrives in their own role, whoever records it */
    w.fx.now = t0 + HOUR;
    second = cw_report(&w, w.aux, CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, CPOL_CASE_NEIGHBOUR, "楼上噪音");
    w.fx.now = t0 + HOUR + 10 * MINUTE;
    FX_OK(cpol_case_arrive(w.ctx, w.officer, &second, &w.guard_id, t0 + HOUR + 4 * MINUTE, NULL));
    FX_OK(cpol_case_arrive(w.ctx, w.sys, &second, &w.aux_id, t0 + HOUR + 6 * MINUTE, NULL));
    FX_OK(cpol_case_arrive(w.ctx, w.sys, &second, &w.informant_id, t0 + HOUR + MINUTE, NULL));

    q.area = &w.fx.compound;
    q.from = t0;
    q.to = t0 + DAY;
    m = compute(&w, &q);
    expect_arrival(m, CPOL_ARRIVAL_ANYONE, 2, (2 + 1) * MINUTE / 2, 2 * MINUTE); /* 2 and 1 min */
    expect_arrival(m, CPOL_ROLE_PROPERTY_GUARD, 2, 3 * MINUTE, 4 * MINUTE);    /* 2 and 4 min */
    expect_arrival(m, CPOL_ROLE_OFFICER, 1, 3 * MINUTE, 3 * MINUTE);           /* the officer's 3 minutes */
    expect_arrival(m, CPOL_ARRIVAL_POLICE, 1, 3 * MINUTE, 3 * MINUTE);
    expect_arrival(m, CPOL_ROLE_AUXILIARY, 1, 6 * MINUTE, 6 * MINUTE);
    expect_arrival(m, CPOL_ROLE_LEADER, 0, 0, 0);
    expect_arrival(m, CPOL_ROLE_VOLUNTEER, 0, 0, 0);
    COUNT(m, CPOL_METRIC_VOLUNTEER_ON_SCENE, 2); /* the guard, both times */
    /* who tipped is no figure: the informant's arrival is only in "anyone" */
    FX_EXPECT(CPOL_EINVALID, cpol_case_metrics_arrival(m, CPOL_ROLE_INFORMANT, NULL, NULL, NULL));
    MESSAGE_HAS("protected");
    FX_EXPECT(CPOL_EINVALID, cpol_case_metrics_arrival(m, 99, NULL, NULL, NULL));
    FX_EXPECT(CPOL_EMISUSE, cpol_case_metrics_arrival(NULL, CPOL_ROLE_OFFICER, NULL, NULL, NULL));
    cpol_case_metrics_free(m);
    cw_close(&w);
}
END_TEST

/* ---- as of a date ---- */

static cpol_case_metrics *as_of(cw *w, cpol_time t)
{
    cpol_case_metrics_query q = CPOL_CASE_METRICS_QUERY_INIT;
    q.area = &w->fx.station;
    q.as_of = t;
    return compute(w, &q);
}

START_TEST(figures_as_of_any_time)
{
    cw w;
    cpol_case_metrics *m;
    cpol_id c;
    cpol_time t0 = cn_date(2025, 7, 1) + 9 * HOUR;
    int64_t n = 0, median = 0;
    cw_open(&w, _i);
    w.fx.now = t0;
    c = report(&w, CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, CPOL_CASE_NEIGHBOUR, "泰和祥府3栋");
    w.fx.now = t0 + HOUR;
    FX_OK(cpol_case_verify(w.ctx, w.officer, &c, NULL));
    FX_OK(cpol_case_assess(w.ctx, w.officer, &c, CPOL_RISK_GENERAL, NULL));
    FX_OK(cpol_case_assign(w.ctx, w.officer, &c, CPOL_TIER_OFFICER, &w.officer_id, NULL, NULL));
    w.fx.now = t0 + 4 * HOUR; /* the arrival at +2 h is recorded at +4 h */
    FX_OK(cpol_case_arrive(w.ctx, w.officer, &c, &w.officer_id, t0 + 2 * HOUR, NULL));
    w.fx.now = t0 + 5 * HOUR;
    FX_OK(cpol_case_resolve(w.ctx, w.officer, &c, CPOL_OUTCOME_MEDIATED, NULL));
    FX_OK(cpol_case_feedback(w.ctx, w.aux, &c, "已反馈"));
    w.fx.now = t0 + DAY;
    FX_OK(cpol_case_followup(w.ctx, w.aux, &c, 0, 5, 0, NULL));
    w.fx.now = t0 + DAY + HOUR;
    FX_OK(cpol_case_close(w.ctx, w.leader, &c, NULL));

    /* forward through the case's life ... */
    m = as_of(&w, t0 - 1); /* before the report: nothing */
    COUNT(m, CPOL_METRIC_RECEIVED, 0);
    cpol_case_metrics_free(m);
    m = as_of(&w, t0);
    COUNT(m, CPOL_METRIC_RECEIVED, 1);
    COUNT(m, CPOL_METRIC_SCREENED, 0);
    COUNT(m, CPOL_METRIC_OVERDUE_SCREENING, 0);
    cpol_case_metrics_free(m);
    m = as_of(&w, t0 + 3 * HOUR); /* screened; on the scene since +2 h, but not yet recorded */
    COUNT(m, CPOL_METRIC_SCREENED, 1);
    FX_OK(cpol_case_metrics_response(m, CPOL_STAGE_SCREENING, &n, &median, NULL));
    ck_assert(n == 1 && median == HOUR);
    FX_OK(cpol_case_metrics_response(m, CPOL_STAGE_ARRIVAL, &n, NULL, NULL));
    ck_assert_int_eq(n, 0);
    cpol_case_metrics_free(m);
    m = as_of(&w, t0 + 4 * HOUR); /* the arrival is recorded now, with its own time */
    FX_OK(cpol_case_metrics_response(m, CPOL_STAGE_ARRIVAL, &n, &median, NULL));
    ck_assert(n == 1 && median == 2 * HOUR);
    COUNT(m, CPOL_METRIC_RESOLVED, 0);
    cpol_case_metrics_free(m);
    m = as_of(&w, t0 + 5 * HOUR);
    COUNT(m, CPOL_METRIC_RESOLVED, 1);
    COUNT(m, CPOL_METRIC_CLOSED, 0);
    ck_assert(cpol_case_metrics_rate(m, CPOL_RATE_CLOSURE) == 0.0);
    cpol_case_metrics_free(m);
    m = as_of(&w, t0 + DAY + HOUR);
    COUNT(m, CPOL_METRIC_CLOSED, 1);
    COUNT(m, CPOL_METRIC_FOLLOWED_UP, 1);
    ck_assert(cpol_case_metrics_rate(m, CPOL_RATE_CLOSURE) == 1.0);
    cpol_case_metrics_free(m);
    /* ... back before the close: the month-end report is reproducible */
    m = as_of(&w, t0 + 6 * HOUR);
    COUNT(m, CPOL_METRIC_CLOSED, 0);
    COUNT(m, CPOL_METRIC_RESOLVED, 1);
    COUNT(m, CPOL_METRIC_FOLLOWED_UP, 0);
    FX_OK(cpol_case_metrics_response(m, CPOL_STAGE_FOLLOWUP, &n, NULL, NULL));
    ck_assert_int_eq(n, 0);
    cpol_case_metrics_free(m);
    /* the context clock is the default as-of time: moved back, the figures follow */
    w.fx.now = t0 + 2 * HOUR;
    m = as_of(&w, 0);
    COUNT(m, CPOL_METRIC_RECEIVED, 1);
    COUNT(m, CPOL_METRIC_SCREENED, 1);
    COUNT(m, CPOL_METRIC_RESOLVED, 0);
    COUNT(m, CPOL_METRIC_CLOSED, 0);
    cpol_case_metrics_free(m);
    w.fx.now = t0 - HOUR;
    m = as_of(&w, 0);
    COUNT(m, CPOL_METRIC_RECEIVED, 0);
    cpol_case_metrics_free(m);
    /* and overdue as of then: unscreened 25 hours after the report */
    w.fx.now = t0 + 26 * HOUR;
    c = report(&w, CPOL_CASE_SOURCE_GRID_WORKER, CPOL_CASE_HAZARD, "消防通道");
    m = as_of(&w, t0 + 26 * HOUR + 25 * HOUR);
    COUNT(m, CPOL_METRIC_OVERDUE_SCREENING, 1);
    cpol_case_metrics_free(m);
    m = as_of(&w, t0 + 26 * HOUR + 23 * HOUR);
    COUNT(m, CPOL_METRIC_OVERDUE_SCREENING, 0);
    cpol_case_metrics_free(m);
    {
        cpol_case_metrics_query q = CPOL_CASE_METRICS_QUERY_INIT;
        q.area = &w.fx.station;
        q.as_of = -1;
        FX_EXPECT(CPOL_EINVALID, cpol_case_metrics_compute(w.ctx, w.leader, &q, &m));
        q.as_of = 0;
        q.case_class = 6;
        FX_EXPECT(CPOL_EINVALID, cpol_case_metrics_compute(w.ctx, w.leader, &q, &m));
        q.case_class = 0;
        q.utc_offset_minutes = 900;
        FX_EXPECT(CPOL_EINVALID, cpol_case_metrics_compute(w.ctx, w.leader, &q, &m));
    }
    cw_close(&w);
}
END_TEST

/* ---- Dadukou: 同比 by 警情 class ---- */

/* `n` cases of a category reported on consecutive days from `day`; the
 * first `screened` of them screened, `resolved` of those resolved. */
static void cases_of(cw *w, cpol_time day, int category, int n, int screened, int resolved)
{
    int i;
    for (i = 0; i < n; i++) {
        cpol_id c;
        w->fx.now = day + i * (DAY / 4);
        c = report(w, CPOL_CASE_SOURCE_DISPATCH_110, category, NULL);
        if (i < resolved)
            resolve(w, &c, CPOL_TIER_OFFICER, &w->officer_id, CPOL_OUTCOME_MEDIATED);
        else if (i < screened)
            resolve(w, &c, CPOL_TIER_OFFICER, &w->officer_id, CPOL_OUTCOME_UNRESOLVED);
    }
}

START_TEST(dadukou_year_over_year)
{
    cw w;
    cpol_case_metrics_query q = CPOL_CASE_METRICS_QUERY_INIT;
    cpol_case_metrics *now, *before;
    int64_t delta = 0;
    double rel = 0, points = 0;
    cw_open(&w, _i);
    /* "7月以来,辖区刑事、治安警情同比下降31.9%和14.3%,矛盾纠纷化解率提升3.5%":
     * criminal 69 → 47 (−22/69 = −31.88 %), public order 70 → 60 (−14.29 %),
     * disputes resolved 94 of 100 (94.0 %) → 39 of 40 (97.5 %), +3.5 points */
    FX_OK(cpol_batch_begin(w.ctx));
    cases_of(&w, cn_date(2024, 7, 1), CPOL_CASE_THEFT_FRAUD, 69, 0, 0);
    cases_of(&w, cn_date(2024, 7, 2), CPOL_CASE_PUBLIC_ORDER, 70, 0, 0);
    cases_of(&w, cn_date(2024, 7, 3), CPOL_CASE_NEIGHBOUR, 100, 100, 94);
    cases_of(&w, cn_date(2025, 7, 1), CPOL_CASE_THEFT_FRAUD, 47, 0, 0);
    cases_of(&w, cn_date(2025, 7, 2), CPOL_CASE_PUBLIC_ORDER, 60, 0, 0);
    cases_of(&w, cn_date(2025, 7, 3), CPOL_CASE_FAMILY, 40, 40, 39);
    FX_OK(cpol_batch_commit(w.ctx));
    w.fx.now = cn_date(2025, 11, 1);
    q.area = &w.fx.station;
    q.from = cn_date(2025, 7, 1);
    q.to = cn_date(2025, 11, 1);
    q.utc_offset_minutes = CN_OFFSET_MINUTES;
    now = compute(&w, &q);
    before = earlier(&w, &q, CPOL_PERIOD_YEAR_EARLIER);
    COUNT(now, CPOL_METRIC_CRIMINAL, 47);
    COUNT(before, CPOL_METRIC_CRIMINAL, 69);
    FX_OK(cpol_case_metrics_count_change(now, before, CPOL_METRIC_CRIMINAL, &delta, &rel));
    ck_assert_int_eq(delta, -22);
    ck_assert_int_eq(per_mille(rel), -319); /* −31.9 % */
    FX_OK(cpol_case_metrics_count_change(now, before, CPOL_METRIC_PUBLIC_ORDER, &delta, &rel));
    ck_assert_int_eq(delta, -10);
    ck_assert_int_eq(per_mille(rel), -143); /* −14.3 % */
    COUNT(now, CPOL_METRIC_DISPUTES, 40);
    COUNT(before, CPOL_METRIC_DISPUTES, 100);
    COUNT(now, CPOL_METRIC_HAZARDS, 0);
    FX_OK(cpol_case_metrics_count_change(now, before, CPOL_METRIC_HAZARDS, &delta, &rel));
    ck_assert(delta == 0 && isnan(rel)); /* no base: no relative change */
    cpol_case_metrics_free(now);
    cpol_case_metrics_free(before);

    /* the dispute resolution rate: only the dispute class */
    q.case_class = CPOL_CLASS_DISPUTE;
    now = compute(&w, &q);
    before = earlier(&w, &q, CPOL_PERIOD_YEAR_EARLIER);
    COUNT(now, CPOL_METRIC_RECEIVED, 40);
    COUNT(now, CPOL_METRIC_CRIMINAL, 0);
    ck_assert(cpol_case_metrics_rate(now, CPOL_RATE_RESOLUTION) == 39.0 / 40);
    ck_assert(cpol_case_metrics_rate(before, CPOL_RATE_RESOLUTION) == 94.0 / 100);
    FX_OK(cpol_case_metrics_rate_change(now, before, CPOL_RATE_RESOLUTION, &points, &rel));
    ck_assert_int_eq(lround(points * 10), 35); /* +3.5 points */
    cpol_case_metrics_free(now);
    cpol_case_metrics_free(before);
    /* the previous period of the same length: March–June 2025, nothing */
    before = earlier(&w, &q, CPOL_PERIOD_PREVIOUS);
    COUNT(before, CPOL_METRIC_RECEIVED, 0);
    cpol_case_metrics_free(before);
    {
        cpol_time f = 0, t = 0;
        FX_OK(cpol_case_period_earlier(q.from, q.to, CPOL_PERIOD_YEAR_EARLIER, CN_OFFSET_MINUTES, &f, &t));
        ck_assert(f == cn_date(2024, 7, 1) && t == cn_date(2024, 11, 1));
        FX_OK(cpol_case_period_earlier(q.from, q.to, CPOL_PERIOD_PREVIOUS, 0, &f, &t));
        ck_assert(f == q.from - (q.to - q.from) && t == q.from);
        /* 29 February: the same local date a year earlier is 28 February */
        FX_OK(cpol_case_period_earlier(cn_date(2024, 2, 29), cn_date(2024, 3, 1), CPOL_PERIOD_YEAR_EARLIER,
                                       CN_OFFSET_MINUTES, &f, &t));
        ck_assert(f == cn_date(2023, 2, 28) && t == cn_date(2023, 3, 1));
        FX_EXPECT(CPOL_EINVALID, cpol_case_period_earlier(0, q.to, CPOL_PERIOD_PREVIOUS, 0, &f, &t));
        FX_EXPECT(CPOL_EINVALID, cpol_case_period_earlier(q.from, q.to, 3, 0, &f, &t));
        FX_EXPECT(CPOL_EINVALID, cpol_case_period_earlier(q.from, q.to, CPOL_PERIOD_PREVIOUS, -900, &f, &t));
        q.from = 0;
        FX_EXPECT(CPOL_EINVALID, cpol_case_metrics_compute_earlier(w.ctx, w.leader, &q, CPOL_PERIOD_PREVIOUS,
                                                                   &before));
        MESSAGE_HAS("both from and to");
    }
    cw_close(&w);
}
END_TEST

/* ---- Dadukou: 民警驻社区时间由每周6小时提升至40小时以上 ---- */

/* A shift at the community, the officer signed up, checked in and
 * completed by the auxiliary (nobody certifies their own time). */
static void officer_shift(cw *w, cpol_time start, int minutes)
{
    cpol_shift_fields f = CPOL_SHIFT_FIELDS_INIT;
    cpol_id shift, signup;
    w->fx.now = start - HOUR;
    f.area = &w->fx.community;
    f.kind = CPOL_SHIFT_OTHER;
    f.title = "警务室坐班";
    f.starts_at = start;
    f.ends_at = start + minutes * MINUTE;
    f.capacity = 2;
    FX_OK(cpol_shift_create(w->ctx, w->aux, &f, &shift));
    FX_OK(cpol_shift_signup(w->ctx, w->officer, &shift, &w->officer_id, &signup));
    w->fx.now = start;
    FX_OK(cpol_signup_check_in(w->ctx, w->aux, &signup));
    w->fx.now = f.ends_at;
    FX_OK(cpol_signup_complete(w->ctx, w->aux, &signup, minutes));
}

START_TEST(dadukou_officer_hours)
{
    cw w;
    cpol_case_metrics_query q = CPOL_CASE_METRICS_QUERY_INIT;
    cpol_case_metrics *now, *before;
    cpol_time p0 = cn_date(2025, 7, 8), p1 = cn_date(2025, 8, 5), p2 = cn_date(2025, 9, 2);
    double points = 0;
    int week, day;
    cw_open(&w, _i);
    FX_OK(cpol_batch_begin(w.ctx));
    for (week = 0; week < 4; week++) {
        officer_shift(&w, p0 + week * 7 * DAY + 9 * HOUR, 360); /* 6 hours a week */
        for (day = 0; day < 5; day++)                             /* then 5 days of 8 hours */
            officer_shift(&w, p1 + (week * 7 + day) * DAY + 9 * HOUR, 480);
    }
    /* the auxiliary's time in the community is not a police officer's */
    {
        cpol_shift_fields f = CPOL_SHIFT_FIELDS_INIT;
        cpol_id shift, signup;
        w.fx.now = p1;
        f.area = &w.fx.compound;
        f.kind = CPOL_SHIFT_PATROL;
        f.title = "巡逻";
        f.starts_at = p1 + 20 * HOUR;
        f.ends_at = f.starts_at + 4 * HOUR;
        f.capacity = 2;
        FX_OK(cpol_shift_create(w.ctx, w.aux, &f, &shift));
        FX_OK(cpol_shift_signup(w.ctx, w.aux, &shift, &w.aux_id, &signup));
        w.fx.now = f.starts_at;
        FX_OK(cpol_signup_check_in(w.ctx, w.officer, &signup));
        w.fx.now = f.ends_at;
        FX_OK(cpol_signup_complete(w.ctx, w.officer, &signup, 240));
    }
    FX_OK(cpol_batch_commit(w.ctx));
    w.fx.now = p2;
    q.area = &w.fx.community;
    q.from = p1;
    q.to = p2;
    now = compute(&w, &q);
    before = earlier(&w, &q, CPOL_PERIOD_PREVIOUS);
    COUNT(before, CPOL_METRIC_OFFICER_MINUTES, 4 * 360);
    COUNT(now, CPOL_METRIC_OFFICER_MINUTES, 20 * 480);
    COUNT(now, CPOL_METRIC_OFFICERS, 1);
    ck_assert(cpol_case_metrics_rate(before, CPOL_RATE_OFFICER_HOURS_PER_WEEK) == 6.0);
    ck_assert(cpol_case_metrics_rate(now, CPOL_RATE_OFFICER_HOURS_PER_WEEK) == 40.0);
    FX_OK(cpol_case_metrics_rate_change(now, before, CPOL_RATE_OFFICER_HOURS_PER_WEEK, &points, NULL));
    ck_assert(points == 34.0); /* hours, not points */
    cpol_case_metrics_free(now);
    cpol_case_metrics_free(before);
    /* as of the middle of the period: two weeks served */
    q.as_of = p1 + 14 * DAY;
    now = compute(&w, &q);
    COUNT(now, CPOL_METRIC_OFFICER_MINUTES, 10 * 480);
    cpol_case_metrics_free(now);
    /* another station's community is not the leader's to measure */
    q.as_of = 0;
    q.area = &w.other_community;
    FX_EXPECT(CPOL_EPERM, cpol_case_metrics_compute(w.ctx, w.leader, &q, &now));
    cw_close(&w);
}
END_TEST

/* ---- Suqian: repeat calls 10 %, down 27.6 % ---- */

/* `pairs` places called twice a day apart (the second call a repeat), and
 * `singles` places called once, from `day` on. */
static void calls(cw *w, cpol_time day, int year, int pairs, int singles)
{
    char address[48];
    int i;
    for (i = 0; i < pairs; i++) {
        snprintf(address, sizeof address, "%d年重复报警%d号", year, i);
        w->fx.now = day + i * HOUR;
        report(w, CPOL_CASE_SOURCE_DISPATCH_110, CPOL_CASE_FAMILY, address);
        w->fx.now = day + DAY + i * HOUR;
        report(w, CPOL_CASE_SOURCE_DISPATCH_110, CPOL_CASE_FAMILY, address);
    }
    for (i = 0; i < singles; i++) {
        snprintf(address, sizeof address, "%d年单次报警%d号", year, i);
        w->fx.now = day + 3 * DAY + i * HOUR;
        report(w, CPOL_CASE_SOURCE_DISPATCH_110, CPOL_CASE_NEIGHBOUR, address);
    }
}

START_TEST(suqian_repeat_calls_year_over_year)
{
    cw w;
    cpol_case_metrics_query q = CPOL_CASE_METRICS_QUERY_INIT;
    cpol_case_metrics *now, *before;
    int64_t delta = 0;
    double rel = 0;
    cw_open(&w, _i);
    /* "仅重复报警一项,占比就达10%" (last year): 29 repeats in 290 calls;
     * "重复报警同比下降27.6%": 29 → 21 (−8/29 = −27.59 %), in 210 calls */
    FX_OK(cpol_batch_begin(w.ctx));
    calls(&w, cn_date(2023, 1, 3), 2023, 29, 232);
    calls(&w, cn_date(2024, 1, 3), 2024, 21, 168);
    FX_OK(cpol_batch_commit(w.ctx));
    w.fx.now = cn_date(2024, 6, 1);
    q.area = &w.fx.station;
    q.from = cn_date(2024, 1, 1);
    q.to = cn_date(2024, 6, 1);
    q.utc_offset_minutes = CN_OFFSET_MINUTES;
    now = compute(&w, &q);
    before = earlier(&w, &q, CPOL_PERIOD_YEAR_EARLIER);
    COUNT(before, CPOL_METRIC_RECEIVED, 290);
    COUNT(before, CPOL_METRIC_REPEAT_CALLS, 29);
    ck_assert_int_eq(per_mille(cpol_case_metrics_rate(before, CPOL_RATE_REPEAT_CALLS)), 100); /* 10 % */
    COUNT(now, CPOL_METRIC_RECEIVED, 210);
    COUNT(now, CPOL_METRIC_REPEAT_CALLS, 21);
    FX_OK(cpol_case_metrics_count_change(now, before, CPOL_METRIC_REPEAT_CALLS, &delta, &rel));
    ck_assert_int_eq(delta, -8);
    ck_assert_int_eq(per_mille(rel), -276); /* −27.6 % */
    cpol_case_metrics_free(now);
    cpol_case_metrics_free(before);
    cw_close(&w);
}
END_TEST

/* ---- Lincang: what the team did since June ---- */

static cpol_id publicity(cw *w, cpol_time start, int capacity)
{
    cpol_shift_fields f = CPOL_SHIFT_FIELDS_INIT;
    cpol_id shift;
    w->fx.now = start - DAY;
    f.team = &w->team;
    f.area = &w->fx.community;
    f.kind = CPOL_SHIFT_PUBLICITY;
    f.title = "普法宣传与意见收集";
    f.starts_at = start;
    f.ends_at = start + 2 * HOUR;
    f.capacity = capacity;
    FX_OK(cpol_shift_create(w->ctx, w->aux, &f, &shift));
    return shift;
}

static void served(cw *w, const cpol_id *shift, const cpol_id *person, cpol_time start)
{
    cpol_id signup;
    w->fx.now = start - HOUR;
    FX_OK(cpol_shift_signup(w->ctx, w->aux, shift, person, &signup));
    w->fx.now = start;
    FX_OK(cpol_signup_check_in(w->ctx, w->aux, &signup));
    w->fx.now = start + 2 * HOUR;
    FX_OK(cpol_signup_complete(w->ctx, w->aux, &signup, 120));
}

START_TEST(lincang_team_effectiveness)
{
    cw w;
    cpol_case_metrics_query q = CPOL_CASE_METRICS_QUERY_INIT;
    cpol_case_metrics *m;
    cpol_time june = cn_date(2025, 6, 24), t;
    cpol_id c, volunteers[43];
    int i, s, v = 0;
    int64_t n = 0, median = 0;
    cw_open(&w, _i);
    FX_OK(cpol_batch_begin(w.ctx));
    /* "排查整改消防通道堵塞、电梯故障等安全隐患22处" */
    for (i = 0; i < 22; i++) {
        w.fx.now = june + i * HOUR;
        c = report(&w, CPOL_CASE_SOURCE_VOLUNTEER_PATROL, CPOL_CASE_HAZARD, "玉龙小区消防通道");
        resolve(&w, &c, CPOL_TIER_TEAM, &w.guard_id, CPOL_OUTCOME_RECTIFIED);
    }
    /* "成功就地化解邻里、家庭纠纷12起 … 调解成功率达100%" */
    for (i = 0; i < 12; i++) {
        w.fx.now = june + DAY + i * HOUR;
        c = report(&w, CPOL_CASE_SOURCE_INFORMANT_TIP, i % 2 ? CPOL_CASE_FAMILY : CPOL_CASE_NEIGHBOUR, NULL);
        resolve(&w, &c, CPOL_TIER_ON_THE_SPOT, &w.head_id, CPOL_OUTCOME_MEDIATED);
    }
    /* "协助破获盗窃案件2起": the e-bike (物业监控报警+信息员线索, 7小时内人赃并获)
     * and a patrol's lead; a third theft the police solved alone does not count */
    t = june + 2 * DAY;
    w.fx.now = t;
    c = report(&w, CPOL_CASE_SOURCE_PROPERTY_ALERT, CPOL_CASE_THEFT_FRAUD, "玉龙小区电动车棚");
    FX_OK(cpol_case_verify(w.ctx, w.sys, &c, NULL));
    FX_OK(cpol_case_assess(w.ctx, w.sys, &c, CPOL_RISK_GENERAL, NULL));
    FX_OK(cpol_case_assign(w.ctx, w.sys, &c, CPOL_TIER_OFFICER, &w.officer_id, NULL, NULL));
    w.fx.now = t + 6 * HOUR + 50 * MINUTE;
    FX_OK(cpol_case_resolve(w.ctx, w.officer, &c, CPOL_OUTCOME_HANDED_OVER, "人赃并获"));
    w.fx.now = t + DAY;
    c = report(&w, CPOL_CASE_SOURCE_VOLUNTEER_PATROL, CPOL_CASE_THEFT_FRAUD, "玉龙小区2栋");
    resolve(&w, &c, CPOL_TIER_OFFICER, &w.officer_id, CPOL_OUTCOME_HANDED_OVER);
    w.fx.now = t + 2 * DAY;
    c = report(&w, CPOL_CASE_SOURCE_DISPATCH_110, CPOL_CASE_THEFT_FRAUD, "玉龙小区5栋");
    resolve(&w, &c, CPOL_TIER_OFFICER, &w.officer_id, CPOL_OUTCOME_HANDED_OVER);
    /* "收集有效社情民意10条": ten suggestions found true, two that were not */
    for (i = 0; i < 12; i++) {
        w.fx.now = june + 5 * DAY + i * HOUR;
        c = report(&w, CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, CPOL_CASE_NON_POLICE, NULL);
        if (i < 10)
            FX_OK(cpol_case_verify(w.ctx, w.sys, &c, NULL));
        else
            FX_OK(cpol_case_reject(w.ctx, w.sys, &c, CPOL_REJECT_UNFOUNDED, NULL, "不属实"));
    }
    /* "43名义警带动超百名居民参与普法宣传与意见收集 … 组织参加社区活动5次" */
    for (i = 0; i < 43; i++) {
        char name[32];
        snprintf(name, sizeof name, "玉龙义警%d", i + 1);
        volunteers[i] = fx_volunteer(&w.fx, name, ++w.seq, CPOL_ROLE_VOLUNTEER);
    }
    for (s = 0; s < 5; s++) {
        cpol_time start = cn_date(2025, 7, 1) + s * 7 * DAY + 19 * HOUR;
        cpol_id shift = publicity(&w, start, 10);
        int size = s < 3 ? 9 : 8; /* 9 + 9 + 9 + 8 + 8 = 43 */
        for (i = 0; i < size; i++)
            served(&w, &shift, &volunteers[v++], start);
        FX_OK(cpol_shift_close(w.ctx, w.aux, &shift, s < 3 ? 21 : 20)); /* 103 residents reached */
    }
    FX_OK(cpol_batch_commit(w.ctx));

    w.fx.now = cn_date(2025, 8, 1);
    q.area = &w.fx.community;
    q.from = cn_date(2025, 6, 1);
    q.to = cn_date(2025, 8, 1);
    m = compute(&w, &q);
    COUNT(m, CPOL_METRIC_HAZARDS, 22);
    COUNT(m, CPOL_METRIC_HAZARDS_RECTIFIED, 22);
    ck_assert(cpol_case_metrics_rate(m, CPOL_RATE_HAZARDS_RECTIFIED) == 1.0);
    COUNT(m, CPOL_METRIC_CRIMINAL, 3);
    COUNT(m, CPOL_METRIC_VOLUNTEER_SOLVED, 2);
    COUNT(m, CPOL_METRIC_VOLUNTEER_LEADS, 22 + 12 + 2);
    COUNT(m, CPOL_METRIC_OPINIONS, 10);
    COUNT(m, CPOL_METRIC_PUBLICITY_SESSIONS, 5);
    COUNT(m, CPOL_METRIC_PUBLICITY_PARTICIPANTS, 43);
    COUNT(m, CPOL_METRIC_PUBLICITY_AUDIENCE, 103);
    COUNT(m, CPOL_METRIC_OFFICER_MINUTES, 0);
    cpol_case_metrics_free(m);
    /* the 12 disputes, all on the spot, all resolved */
    q.case_class = CPOL_CLASS_DISPUTE;
    q.category = 0;
    m = compute(&w, &q);
    COUNT(m, CPOL_METRIC_ON_THE_SPOT, 12);
    COUNT(m, CPOL_METRIC_RECEIVED, 12);
    COUNT(m, CPOL_METRIC_RESOLVED, 12);
    ck_assert(cpol_case_metrics_rate(m, CPOL_RATE_RESOLUTION) == 1.0);  /* 调解成功率达100% */
    ck_assert(cpol_case_metrics_rate(m, CPOL_RATE_ON_THE_SPOT) == 1.0);
    cpol_case_metrics_free(m);
    /* the e-bike within 7 hours: the criminal class's resolution times */
    q.case_class = CPOL_CLASS_CRIMINAL;
    q.category = 0;
    m = compute(&w, &q);
    FX_OK(cpol_case_metrics_response(m, CPOL_STAGE_RESOLUTION, &n, &median, NULL));
    ck_assert_int_eq(n, 3);
    cpol_case_metrics_free(m);
    q.case_class = 0;
    q.category = CPOL_CASE_THEFT_FRAUD;
    q.from = t;
    q.to = t + HOUR;
    m = compute(&w, &q);
    FX_OK(cpol_case_metrics_response(m, CPOL_STAGE_RESOLUTION, &n, &median, NULL));
    ck_assert(n == 1 && median < 7 * HOUR);
    cpol_case_metrics_free(m);
    /* per team: the publicity sessions were the team's; no case was assigned to it but the hazards */
    q.category = 0;
    q.from = cn_date(2025, 6, 1);
    q.to = cn_date(2025, 8, 1);
    q.team = &w.team;
    m = compute(&w, &q);
    COUNT(m, CPOL_METRIC_PUBLICITY_SESSIONS, 5);
    COUNT(m, CPOL_METRIC_HAZARDS, 22);
    COUNT(m, CPOL_METRIC_RECEIVED, 22);
    cpol_case_metrics_free(m);
    q.team = &w.other_team;
    FX_EXPECT(CPOL_OK, cpol_case_metrics_compute(w.ctx, w.leader, &q, &m));
    COUNT(m, CPOL_METRIC_PUBLICITY_SESSIONS, 0);
    cpol_case_metrics_free(m);
    cw_close(&w);
}
END_TEST

/* ---- Baisha: 反诈宣传受众13000余人次 ---- */

START_TEST(baisha_anti_fraud_audience)
{
    cw w;
    cpol_case_metrics_query q = CPOL_CASE_METRICS_QUERY_INIT;
    cpol_case_metrics *m;
    int s;
    cw_open(&w, _i);
    FX_OK(cpol_batch_begin(w.ctx));
    for (s = 0; s < 13; s++) { /* thirteen 小课堂 of a thousand */
        cpol_time start = cn_date(2025, 7, 1) + s * DAY + 15 * HOUR;
        cpol_id shift = publicity(&w, start, 5);
        served(&w, &shift, &w.volunteer_id, start);
        w.fx.now = start + 3 * HOUR;
        FX_OK(cpol_shift_close(w.ctx, w.aux, &shift, 1000));
    }
    FX_OK(cpol_batch_commit(w.ctx));
    w.fx.now = cn_date(2025, 8, 1);
    q.area = &w.fx.station;
    q.from = cn_date(2025, 1, 1);
    q.to = cn_date(2026, 1, 1);
    m = compute(&w, &q);
    COUNT(m, CPOL_METRIC_PUBLICITY_SESSIONS, 13);
    COUNT(m, CPOL_METRIC_PUBLICITY_AUDIENCE, 13000);
    COUNT(m, CPOL_METRIC_PUBLICITY_PARTICIPANTS, 1);
    cpol_case_metrics_free(m);
    /* as of before the last session closed */
    q.as_of = cn_date(2025, 7, 13) + 16 * HOUR;
    m = compute(&w, &q);
    COUNT(m, CPOL_METRIC_PUBLICITY_SESSIONS, 12);
    COUNT(m, CPOL_METRIC_PUBLICITY_AUDIENCE, 12000);
    cpol_case_metrics_free(m);
    cw_close(&w);
}
END_TEST

/* ---- Open311, field by field ---- */

/* The fields of a GeoReport v2 service request (GET requests), in the
 * spec's order: https://wiki.open311.org/GeoReport_v2 */
static const char *const open311_fields[] = {
    "service_request_id", "status",           "status_notes",      "service_name",       "service_code",
    "description",        "agency_responsible", "service_notice",  "requested_datetime", "updated_datetime",
    "expected_datetime",  "address",          "address_id",        "zipcode",            "lat",
    "long",               "media_url"};
#define NFIELDS (sizeof open311_fields / sizeof open311_fields[0])

static json_object *request_of(json_object *array, const cpol_id *id)
{
    char text[CPOL_ID_STRING_SIZE];
    size_t i;
    cpol_id_format(id, text, sizeof text);
    for (i = 0; i < json_object_array_length(array); i++) {
        json_object *r = json_object_array_get_idx(array, i), *v;
        if (json_object_object_get_ex(r, "service_request_id", &v) && strcmp(json_object_get_string(v), text) == 0)
            return r;
    }
    ck_abort_msg("request %s not in the export", text);
    return NULL;
}

static const char *text_of(json_object *r, const char *field)
{
    json_object *v = NULL;
    ck_assert_msg(json_object_object_get_ex(r, field, &v), "no field %s", field);
    return v ? json_object_get_string(v) : NULL;
}

static int is_null(json_object *r, const char *field)
{
    json_object *v = (json_object *)1;
    ck_assert_msg(json_object_object_get_ex(r, field, &v), "no field %s", field);
    return v == NULL;
}

START_TEST(open311_every_field)
{
    cw w;
    cpol_case_fields f = CPOL_CASE_FIELDS_INIT;
    cpol_open311_options o = CPOL_OPEN311_OPTIONS_INIT;
    cpol_id located, unlocated;
    char *json = NULL, *local = NULL;
    json_object *array, *r;
    size_t i, k;
    char *longest = malloc(4001 * 3 + 1);
    cw_open(&w, _i);
    w.fx.now = 1748433600000LL; /* 2025-05-28 20:00 +08:00 */
    located = cw_report(&w, w.informant, CPOL_CASE_SOURCE_INFORMANT_TIP, CPOL_CASE_NEIGHBOUR, "邻里纠纷");
    /* 4,000 characters are Open311's limit, whatever their bytes: 4,000 Chinese characters are 12,000 */
    for (i = 0; i < 4000; i++)
        memcpy(longest + 3 * i, "纠", 3);
    longest[3 * 4000] = '\0';
    f.source = CPOL_CASE_SOURCE_RESIDENT_COMPLAINT;
    f.category = CPOL_CASE_HAZARD;
    f.description = longest;
    f.reporter_name = "居民";
    FX_OK(cw_report_fields(&w, w.aux, &f, &unlocated));
    memcpy(longest + 3 * 4000, "纠", 4);
    FX_EXPECT(CPOL_ETOOLONG, cw_report_fields(&w, w.aux, &f, NULL));
    MESSAGE_HAS("4001 characters, more than 4000");
    w.fx.now += HOUR;
    cw_advance(&w, &unlocated, CPOL_CASE_CLOSED);

    FX_OK(cpol_case_open311_export(w.ctx, w.analyst, NULL, &json));
    array = json_tokener_parse(json);
    ck_assert_msg(array && json_object_is_type(array, json_type_array), "not a JSON array: %.200s", json);
    ck_assert_int_eq(json_object_array_length(array), 2);
    /* every field of the spec in every request, in its order, nothing else */
    for (i = 0; i < json_object_array_length(array); i++) {
        struct json_object_iterator it, end;
        r = json_object_array_get_idx(array, i);
        it = json_object_iter_begin(r);
        end = json_object_iter_end(r);
        for (k = 0; k < NFIELDS; k++, json_object_iter_next(&it)) {
            ck_assert_msg(!json_object_iter_equal(&it, &end), "request %zu ends before %s", i, open311_fields[k]);
            ck_assert_str_eq(json_object_iter_peek_name(&it), open311_fields[k]);
        }
        ck_assert_msg(json_object_iter_equal(&it, &end), "request %zu has more fields than the spec", i);
        /* what the library never knows is null, not left out */
        ck_assert(is_null(r, "service_notice") && is_null(r, "zipcode") && is_null(r, "media_url"));
    }
    r = request_of(array, &located);
    ck_assert_str_eq(text_of(r, "status"), "open");
    ck_assert(json_object_is_type(json_object_object_get(r, "lat"), json_type_double));
    ck_assert(fabs(json_object_get_double(json_object_object_get(r, "lat")) - YULONG_LAT) < 1e-9);
    ck_assert(fabs(json_object_get_double(json_object_object_get(r, "long")) - YULONG_LON) < 1e-9);
    ck_assert_str_eq(text_of(r, "address"), "玉龙小区3栋");
    ck_assert_str_eq(text_of(r, "requested_datetime"), "2025-05-28T12:00:00Z");
    ck_assert(is_null(r, "expected_datetime")); /* not assessed: no resolution deadline runs */
    r = request_of(array, &unlocated);
    ck_assert_str_eq(text_of(r, "status"), "closed");
    ck_assert(is_null(r, "lat") && is_null(r, "long") && is_null(r, "address"));
    ck_assert(is_null(r, "expected_datetime"));
    ck_assert_int_eq(strlen(text_of(r, "description")), 12000);
    ck_assert_str_eq(text_of(r, "service_code"), "hazard");
    ck_assert_str_eq(text_of(r, "updated_datetime"), "2025-05-28T13:00:00Z");
    json_object_put(array);
    /* never who tipped */
    ck_assert_ptr_null(strstr(json, "信息员王"));

    /* the station's local time */
    o.utc_offset_minutes = CN_OFFSET_MINUTES;
    FX_OK(cpol_case_open311_export_with(w.ctx, w.analyst, NULL, &o, &local));
    ck_assert_ptr_nonnull(strstr(local, "\"requested_datetime\":\"2025-05-28T20:00:00+08:00\""));
    ck_assert_ptr_null(strstr(local, "Z\""));
    cpol_free(local);
    o.utc_offset_minutes = -210; /* Newfoundland */
    FX_OK(cpol_case_open311_export_with(w.ctx, w.analyst, NULL, &o, &local));
    ck_assert_ptr_nonnull(strstr(local, "\"requested_datetime\":\"2025-05-28T08:30:00-03:30\""));
    cpol_free(local);
    FX_OK(cpol_case_open311_export_with(w.ctx, w.analyst, NULL, NULL, &local));
    ck_assert_str_eq(local, json);
    cpol_free(local);
    o.utc_offset_minutes = 841;
    FX_EXPECT(CPOL_EINVALID, cpol_case_open311_export_with(w.ctx, w.analyst, NULL, &o, &local));
    ck_assert_ptr_null(local);
    o.utc_offset_minutes = 0;
    o.version = 2;
    FX_EXPECT(CPOL_EVERSION, cpol_case_open311_export_with(w.ctx, w.analyst, NULL, &o, &local));
    FX_EXPECT(CPOL_EPERM, cpol_case_open311_export_with(w.ctx, w.guard, NULL, NULL, &local));
    FX_EXPECT(CPOL_EMISUSE, cpol_case_open311_export_with(w.ctx, w.analyst, NULL, NULL, NULL));
    cpol_free(json);
    free(longest);
    cw_close(&w);
}
END_TEST

/* ---- the grid worker, as docs/permissions.md says ---- */

START_TEST(grid_worker_as_documented)
{
    cw w;
    cpol_case_metrics_query q = CPOL_CASE_METRICS_QUERY_INIT;
    cpol_case_metrics *m = NULL;
    cpol_case_iter *it;
    const cpol_case *k;
    cpol_id person, c;
    char *json = NULL;
    cw_open(&w, _i);
    /* a volunteer role: appointing one is refused */
    person = fx_person(&w.fx, "网格员周", ++w.seq);
    FX_EXPECT(CPOL_ERULE, cpol_role_appoint(w.ctx, w.sys, &person, CPOL_ROLE_GRID_WORKER, &w.fx.station, NULL, NULL));
    MESSAGE_HAS("grid worker is a volunteer role: use cpol_volunteer_apply()");
    /* an informant's tip, handled: the grid worker sees the case and its figures, never who tipped */
    c = cw_report(&w, w.informant, CPOL_CASE_SOURCE_INFORMANT_TIP, CPOL_CASE_NEIGHBOUR, "楼道堆物纠纷");
    FX_OK(cpol_case_arrive(w.ctx, w.sys, &c, &w.informant_id, 0, NULL));
    q.area = &w.fx.station;
    FX_OK(cpol_case_metrics_compute(w.ctx, w.grid, &q, &m));
    COUNT(m, CPOL_METRIC_RECEIVED, 1);
    FX_EXPECT(CPOL_EINVALID, cpol_case_metrics_arrival(m, CPOL_ROLE_INFORMANT, NULL, NULL, NULL));
    cpol_case_metrics_free(m);
    FX_OK(cpol_case_iter_new(w.ctx, w.grid, NULL, &it));
    ck_assert_int_eq(cpol_case_iter_next(it, &k), CPOL_OK);
    ck_assert_ptr_null(cpol_case_reporter(k));
    ck_assert_int_eq(cpol_case_reporter_masked(k), 1);
    cpol_case_iter_free(it);
    FX_OK(cpol_case_open311_export(w.ctx, w.grid, NULL, &json));
    ck_assert_ptr_null(strstr(json, "信息员王"));
    cpol_free(json);
    /* no audit trail, no one else's balance */
    {
        int64_t points = 0, avail = 0;
        FX_EXPECT(CPOL_EPERM, cpol_points_balance(w.ctx, w.grid, &w.volunteer_id, &points, &avail));
        FX_OK(cpol_points_balance(w.ctx, w.grid, &w.grid_id, &points, &avail));
    }
    cw_close(&w);
}
END_TEST

/* ---- names ---- */

START_TEST(classes_of_categories)
{
    static const int expected[] = {0, CPOL_CLASS_DISPUTE, CPOL_CLASS_DISPUTE, CPOL_CLASS_DISPUTE, CPOL_CLASS_DISPUTE,
                                   CPOL_CLASS_HAZARD, CPOL_CLASS_CRIMINAL, CPOL_CLASS_PUBLIC_ORDER, CPOL_CLASS_HELP};
    int c;
    for (c = CPOL_CASE_NEIGHBOUR; c <= CPOL_CASE_NON_POLICE; c++)
        ck_assert_int_eq(cpol_case_category_class(c), expected[c]);
    ck_assert_int_eq(cpol_case_category_class(0), 0);
    ck_assert_int_eq(cpol_case_category_class(9), 0);
    ck_assert_str_eq(cpol_case_class_name(CPOL_CLASS_CRIMINAL), "criminal");
    ck_assert_str_eq(cpol_case_class_name(CPOL_CLASS_PUBLIC_ORDER), "public order");
    ck_assert_str_eq(cpol_case_class_name(CPOL_CLASS_HELP), "help");
    ck_assert_str_eq(cpol_case_class_name(6), "unknown");
}
END_TEST

static Suite *figures_suite(void)
{
    Suite *s = suite_create("case_figures");
    TCase *tc = tcase_create("figures");
    tcase_set_timeout(tc, 280);
    tcase_add_loop_test(tc, lincang_arrival_per_role, 0, 2);
    tcase_add_loop_test(tc, figures_as_of_any_time, 0, 2);
    tcase_add_loop_test(tc, dadukou_year_over_year, 0, 2);
    tcase_add_loop_test(tc, dadukou_officer_hours, 0, 2);
    tcase_add_loop_test(tc, suqian_repeat_calls_year_over_year, 0, 2);
    tcase_add_loop_test(tc, lincang_team_effectiveness, 0, 2);
    tcase_add_loop_test(tc, baisha_anti_fraud_audience, 0, 2);
    tcase_add_loop_test(tc, open311_every_field, 0, 2);
    tcase_add_loop_test(tc, grid_worker_as_documented, 0, 2);
    tcase_add_test(tc, classes_of_categories);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(figures_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
