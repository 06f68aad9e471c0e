/* Public API: the seeds' case stories replayed end to end on memory and
 * SQLite, and every metric checked against values computed by hand:
 *
 * - Lincang 临翔, 28 May: the Yulong neighbour dispute — an informant
 *   reports, the property guard is on the scene in 2 minutes and the officer
 *   in 3, the dispute is mediated;
 * - Suqian 宿迁: "一人多次、一地多起、一类多发" repeat-call analysis, and the
 *   platform's 1,391 requests with 1,352 closed (97.2 %) at 100 % satisfaction;
 * - Sanming Baisha 白沙: 440 screened disputes and hazards, 99.5 % resolved;
 * - a ten-case station where each count, rate, median and 90th percentile
 *   is written down by hand. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <commpolice/commpolice.h>

#include "check_case_world.h"

#define MAY_28_2000 1748433600000LL /* 2025-05-28 20:00 +08:00 */

/* |a - b| < 1e-12 */
#define NEAR(a, b) ((a) - (b) < 1e-12 && (b) - (a) < 1e-12)

static cpol_case_metrics *metrics(cw *w, const cpol_id *area, cpol_time from, cpol_time to)
{
    cpol_case_metrics_query q = CPOL_CASE_METRICS_QUERY_INIT;
    cpol_case_metrics *m = NULL;
    q.area = area;
    q.from = from;
    q.to = to;
    FX_OK(cpol_case_metrics_compute(w->ctx, w->leader, &q, &m));
    return m;
}

static void expect_response(const cpol_case_metrics *m, int stage, int64_t n, int64_t median, int64_t p90)
{
    int64_t got_n = -1, got_median = -1, got_p90 = -1;
    FX_OK(cpol_case_metrics_response(m, stage, &got_n, &got_median, &got_p90));
    ck_assert_msg(got_n == n && got_median == median && got_p90 == p90,
                  "%s: n %lld median %lld p90 %lld, expected %lld %lld %lld", cpol_case_stage_name(stage),
                  (long long)got_n, (long long)got_median, (long long)got_p90, (long long)n, (long long)median,
                  (long long)p90);
}

/* ---- Lincang: the 28 May Yulong neighbour dispute ---- */

START_TEST(lincang_yulong_neighbour_dispute)
{
    cw w;
    cpol_id c;
    cpol_responder_iter *ri;
    const cpol_responder *r;
    cpol_case_event_iter *it;
    const cpol_case_event *e;
    cpol_case_metrics *m;
    cpol_time t0;
    int arrivals = 0;
    int64_t points = 0, avail = 0;
    cw_open(&w, _i);
    FX_OK(cpol_earning_rule_set(w.ctx, w.leader, &w.fx.station, CPOL_EARN_CASE_LEAD, 10, 0, 0));
    w.fx.now = t0 = MAY_28_2000;
    /* the night patrol: the guard is 100 m away, the auxiliary 400 m */
    FX_OK(cpol_duty_report(w.ctx, w.guard, &w.guard_id, YULONG_LAT + 0.0009, YULONG_LON, 1));
    FX_OK(cpol_duty_report(w.ctx, w.aux, &w.aux_id, YULONG_LAT + 0.0036, YULONG_LON, 1));

    /* 信息员发现后上报 */
    c = cw_report(&w, w.informant, CPOL_CASE_SOURCE_INFORMANT_TIP, CPOL_CASE_NEIGHBOUR,
                  "玉龙小区发生一起邻里纠纷, 双方争吵有升级苗头");
    w.fx.now = t0 + 30 * 1000;
    FX_OK(cpol_case_verify(w.ctx, w.officer, &c, "四方信息联通群核实"));
    /* 一键指挥就近力量先期处置: the guard is the nearest */
    FX_OK(cpol_case_responders(w.ctx, w.officer, &c, 1, &ri));
    FX_OK(cpol_responder_iter_next(ri, &r));
    ck_assert_int_eq(cpol_id_compare(cpol_responder_person(r), &w.guard_id), 0);
    ck_assert(cpol_responder_distance_m(r) > 100.0 && cpol_responder_distance_m(r) < 100.2);
    cpol_responder_iter_free(ri);
    /* 物业保安2分钟到达现场稳控 */
    w.fx.now = t0 + 2 * MINUTE;
    FX_OK(cpol_case_arrive(w.ctx, w.guard, &c, &w.guard_id, 0, "到达现场稳控"));
    FX_OK(cpol_case_assess(w.ctx, w.officer, &c, CPOL_RISK_GENERAL, "一般邻里纠纷"));
    FX_OK(cpol_case_assign(w.ctx, w.officer, &c, CPOL_TIER_OFFICER, &w.officer_id, &w.team, "民警到场调解"));
    /* 民警3分钟到场调解 — recorded a little later, with the time it happened */
    w.fx.now = t0 + 6 * MINUTE;
    FX_OK(cpol_case_arrive(w.ctx, w.officer, &c, &w.officer_id, t0 + 3 * MINUTE, "到场调解"));
    w.fx.now = t0 + 40 * MINUTE;
    FX_OK(cpol_case_resolve(w.ctx, w.officer, &c, CPOL_OUTCOME_MEDIATED, "避免纠纷事态升级, 双方和解"));
    w.fx.now = t0 + HOUR;
    FX_OK(cpol_case_feedback(w.ctx, w.aux, &c, "已向信息员反馈处置结果"));
    w.fx.now = t0 + 3 * DAY;
    FX_OK(cpol_case_followup(w.ctx, w.aux, &c, 0, 5, 0, "邻里关系恢复"));
    FX_OK(cpol_case_close(w.ctx, w.leader, &c, "化解到位"));

    FX_OK(cpol_case_event_iter_new(w.ctx, w.officer, &c, &it));
    while (cpol_case_event_iter_next(it, &e) == CPOL_OK) {
        if (cpol_case_event_step(e) != CPOL_STEP_ARRIVE)
            continue;
        if (arrivals++ == 0) {
            ck_assert_int_eq(cpol_id_compare(cpol_case_event_subject(e), &w.guard_id), 0);
            ck_assert_int_eq(cpol_case_event_at(e) - t0, 2 * MINUTE);
            ck_assert_int_eq(cpol_case_event_to(e), CPOL_CASE_VERIFIED); /* before the assignment */
        } else {
            ck_assert_int_eq(cpol_id_compare(cpol_case_event_subject(e), &w.officer_id), 0);
            ck_assert_int_eq(cpol_case_event_at(e) - t0, 3 * MINUTE);
            ck_assert_int_eq(cpol_case_event_recorded_at(e) - t0, 6 * MINUTE);
            ck_assert_int_eq(cpol_case_event_to(e), CPOL_CASE_HANDLING);
        }
    }
    cpol_case_event_iter_free(it);
    ck_assert_int_eq(arrivals, 2);
    FX_OK(cpol_points_balance(w.ctx, w.sys, &w.informant_id, &points, &avail));
    ck_assert_int_eq(points, 10); /* 提供案件线索 earns points */

    m = metrics(&w, &w.fx.compound, t0, t0 + DAY);
    ck_assert_int_eq(cpol_case_metrics_count(m, CPOL_METRIC_RECEIVED), 1);
    ck_assert_int_eq(cpol_case_metrics_count(m, CPOL_METRIC_CLOSED), 1);
    ck_assert_int_eq(cpol_case_metrics_count(m, CPOL_METRIC_RESOLVED), 1);
    ck_assert(cpol_case_metrics_rate(m, CPOL_RATE_CLOSURE) == 1.0);
    expect_response(m, CPOL_STAGE_SCREENING, 1, 30 * 1000, 30 * 1000);
    expect_response(m, CPOL_STAGE_ARRIVAL, 1, 2 * MINUTE, 2 * MINUTE); /* the first on the scene */
    expect_response(m, CPOL_STAGE_RESOLUTION, 1, 40 * MINUTE, 40 * MINUTE);
    expect_response(m, CPOL_STAGE_FOLLOWUP, 1, 3 * DAY - 40 * MINUTE, 3 * DAY - 40 * MINUTE);
    cpol_case_metrics_free(m);
    cw_close(&w);
}
END_TEST

/* ---- Suqian: repeat calls ---- */

static cpol_id call(cw *w, cpol_time at, const cpol_id *reporter, int category, const char *address,
                    const char *what)
{
    cpol_case_fields f = CPOL_CASE_FIELDS_INIT;
    cpol_id id;
    w->fx.now = at;
    f.source = CPOL_CASE_SOURCE_DISPATCH_110;
    f.category = category;
    f.description = what;
    f.address = address;
    f.reporter = reporter;
    if (!reporter)
        f.reporter_name = "群众";
    FX_OK(cw_report_fields(w, w->aux, &f, &id));
    return id;
}

typedef struct group {
    int64_t count;
    cpol_id newest;
    char address[64];
    int category, raised;
} group;

static int repeats(cw *w, int kind, int threshold, int raise, group *out, int max)
{
    cpol_case_repeat_query q = CPOL_CASE_REPEAT_QUERY_INIT;
    cpol_case_repeat_iter *it;
    const cpol_case_repeat *r;
    int n = 0, rc;
    q.kind = kind;
    q.area = &w->fx.station;
    q.threshold = threshold;
    q.raise_grade = raise;
    FX_OK(cpol_case_repeat_iter_new(w->ctx, w->officer, &q, &it));
    while ((rc = cpol_case_repeat_iter_next(it, &r)) == CPOL_OK) {
        ck_assert_int_lt(n, max);
        ck_assert_int_eq(cpol_case_repeat_kind(r), kind);
        out[n].count = cpol_case_repeat_count(r);
        out[n].newest = *cpol_case_repeat_newest(r);
        snprintf(out[n].address, sizeof out[n].address, "%s", cpol_case_repeat_address(r));
        out[n].category = cpol_case_repeat_category(r);
        out[n].raised = cpol_case_repeat_raised(r);
        n++;
    }
    ck_assert_int_eq(rc, CPOL_DONE);
    cpol_case_repeat_iter_free(it);
    return n;
}

START_TEST(suqian_repeat_calls)
{
    cw w;
    cpol_time t0 = 1735689600000LL; /* 2025-01-01 08:00 +08:00 */
    cpol_id mother, neighbour, last_family = {{0}}, other;
    group g[8];
    cpol_case *k;
    cpol_case_metrics *m;
    int i, n;
    cw_open(&w, _i);
    mother = w.resident; /* 小军's mother: 多次报警求助 */
    neighbour = fx_person(&w.fx, "居民李", ++w.seq);
    /* 一人多次: five calls about the same marriage dispute at 紫薇园5栋 */
    for (i = 0; i < 5; i++)
        last_family = call(&w, t0 + i * 3 * DAY, &mother, CPOL_CASE_FAMILY, "世纪紫薇园5栋", "婚姻家庭纠纷报警");
    /* two calls by another person from 6栋 */
    call(&w, t0 + HOUR, &neighbour, CPOL_CASE_FAMILY, "世纪紫薇园6栋", "家庭争吵");
    other = call(&w, t0 + 2 * DAY, &neighbour, CPOL_CASE_FAMILY, "世纪紫薇园6栋", "家庭争吵");
    /* 一地多起: the 八卦镜 quarrel at 泰和祥府 three times, reported by unregistered callers */
    for (i = 0; i < 3; i++)
        call(&w, t0 + i * DAY + 2 * HOUR, NULL, CPOL_CASE_NEIGHBOUR, "泰和祥府3栋", "对门业主因八卦镜吵架");
    /* 一类多发: four e-bike charging hazards at four places */
    for (i = 0; i < 4; i++) {
        char address[32];
        snprintf(address, sizeof address, "马赛公馆%d栋", i + 1);
        call(&w, t0 + i * DAY + 3 * HOUR, NULL, CPOL_CASE_HAZARD, address, "电动车入户充电");
    }
    (void)other;
    /* the newest family call is in hand: on the spot, general */
    w.fx.now = t0 + 13 * DAY;
    cw_advance(&w, &last_family, CPOL_CASE_ASSESSED);
    FX_OK(cpol_case_assign(w.ctx, w.aux, &last_family, CPOL_TIER_ON_THE_SPOT, &w.head_id, NULL, NULL));

    n = repeats(&w, CPOL_REPEAT_PERSON, 3, 0, g, 8);
    ck_assert_int_eq(n, 1); /* the neighbour called twice: below the threshold */
    ck_assert_int_eq(g[0].count, 5);
    ck_assert_int_eq(cpol_id_compare(&g[0].newest, &last_family), 0);
    ck_assert_int_eq(repeats(&w, CPOL_REPEAT_PERSON, 2, 0, g, 8), 2);
    ck_assert_int_eq(g[1].count, 2);

    n = repeats(&w, CPOL_REPEAT_ADDRESS, 3, 0, g, 8);
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(g[0].count, 5);
    ck_assert_str_eq(g[0].address, "世纪紫薇园5栋");
    ck_assert_int_eq(g[1].count, 3);
    ck_assert_str_eq(g[1].address, "泰和祥府3栋");
    n = repeats(&w, CPOL_REPEAT_AREA, 3, 0, g, 8);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(g[0].count, 14); /* everything happened at the compound */

    n = repeats(&w, CPOL_REPEAT_CATEGORY, 4, 0, g, 8);
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(g[0].category, CPOL_CASE_FAMILY);
    ck_assert_int_eq(g[0].count, 7);
    ck_assert_int_eq(g[1].category, CPOL_CASE_HAZARD);
    ck_assert_int_eq(g[1].count, 4);

    /* raising the newest family call: attention needs the officer, so it goes back to assessment */
    n = repeats(&w, CPOL_REPEAT_PERSON, 3, 1, g, 8);
    ck_assert_int_eq(g[0].raised, 1);
    FX_OK(cpol_case_get(w.ctx, w.officer, &last_family, &k));
    ck_assert_int_eq(cpol_case_risk_grade(k), CPOL_RISK_ATTENTION);
    ck_assert_int_eq(cpol_case_state(k), CPOL_CASE_ASSESSED);
    cpol_case_free(k);
    {
        cpol_case_event_iter *it;
        const cpol_case_event *e;
        char note[160] = "";
        FX_OK(cpol_case_event_iter_new(w.ctx, w.officer, &last_family, &it));
        while (cpol_case_event_iter_next(it, &e) == CPOL_OK)
            snprintf(note, sizeof note, "%s", cpol_case_event_note(e));
        cpol_case_event_iter_free(it);
        ck_assert_msg(strncmp(note, "repeat: 一人多次", strlen("repeat: 一人多次")) == 0, "note: %s", note);
    }
    /* unassessed cases are not raised; a second run raises the assessed one again (to high) */
    n = repeats(&w, CPOL_REPEAT_PERSON, 3, 1, g, 8);
    FX_OK(cpol_case_get(w.ctx, w.officer, &last_family, &k));
    ck_assert_int_eq(cpol_case_risk_grade(k), CPOL_RISK_HIGH);
    cpol_case_free(k);
    ck_assert_int_eq(repeats(&w, CPOL_REPEAT_PERSON, 3, 1, g, 8), 1);
    ck_assert_int_eq(g[0].raised, 0); /* high is the top */

    /* 重复报警: a call is a repeat when the same place had the same kind of call within 30 days:
     * 4 of the 5 at 5栋, 1 of the 2 at 6栋, 2 of the 3 at 泰和祥府, none of the hazards */
    m = metrics(&w, &w.fx.station, 0, 0);
    ck_assert_int_eq(cpol_case_metrics_count(m, CPOL_METRIC_RECEIVED), 14);
    ck_assert_int_eq(cpol_case_metrics_count(m, CPOL_METRIC_REPEAT_CALLS), 7);
    ck_assert(cpol_case_metrics_rate(m, CPOL_RATE_REPEAT_CALLS) == 0.5);
    cpol_case_metrics_free(m);

    /* bad queries */
    {
        cpol_case_repeat_query q = CPOL_CASE_REPEAT_QUERY_INIT;
        cpol_case_repeat_iter *it;
        q.kind = CPOL_REPEAT_PERSON;
        FX_EXPECT(CPOL_EMISUSE, cpol_case_repeat_iter_new(w.ctx, w.officer, &q, &it));
        q.area = &w.fx.station;
        q.threshold = 1;
        FX_EXPECT(CPOL_EINVALID, cpol_case_repeat_iter_new(w.ctx, w.officer, &q, &it));
        q.threshold = 3;
        q.kind = 5;
        FX_EXPECT(CPOL_EINVALID, cpol_case_repeat_iter_new(w.ctx, w.officer, &q, &it));
        q.kind = CPOL_REPEAT_AREA;
        q.version = 0;
        FX_EXPECT(CPOL_EVERSION, cpol_case_repeat_iter_new(w.ctx, w.officer, &q, &it));
        q.version = CPOL_CASE_REPEAT_QUERY_VERSION;
        q.raise_grade = 1;
        FX_EXPECT(CPOL_EPERM, cpol_case_repeat_iter_new(w.ctx, w.analyst, &q, &it));
        MESSAGE_HAS("case.triage");
        q.area = &w.fx.bureau;
        FX_EXPECT(CPOL_ERULE, cpol_case_repeat_iter_new(w.ctx, w.sys, &q, &it));
    }
    cw_close(&w);
}
END_TEST

/* ---- Suqian: 1,391 requests, 1,352 closed ---- */

/* The whole loop as the installation's own actor, which may take every step. */
static void close_loop(cw *w, const cpol_id *c, int satisfaction)
{
    FX_OK(cpol_case_verify(w->ctx, w->sys, c, NULL));
    FX_OK(cpol_case_assess(w->ctx, w->sys, c, CPOL_RISK_GENERAL, NULL));
    FX_OK(cpol_case_assign(w->ctx, w->sys, c, CPOL_TIER_OFFICER, &w->officer_id, NULL, NULL));
    FX_OK(cpol_case_resolve(w->ctx, w->sys, c, CPOL_OUTCOME_MEDIATED, NULL));
    FX_OK(cpol_case_feedback(w->ctx, w->sys, c, "已反馈"));
    FX_OK(cpol_case_followup(w->ctx, w->sys, c, 0, satisfaction, 0, NULL));
    FX_OK(cpol_case_close(w->ctx, w->sys, c, NULL));
}

START_TEST(suqian_1391_requests_1352_closed)
{
    cw w;
    cpol_case_metrics *m;
    int i;
    cw_open(&w, _i);
    FX_OK(cpol_batch_begin(w.ctx));
    for (i = 0; i < 1391; i++) {
        cpol_case_fields f = CPOL_CASE_FIELDS_INIT;
        char address[32];
        cpol_id c;
        snprintf(address, sizeof address, "网格%d", i); /* different places: no repeat calls */
        f.source = CPOL_CASE_SOURCE_GRID_WORKER;
        f.category = i % 3 ? CPOL_CASE_NEIGHBOUR : CPOL_CASE_NON_POLICE;
        f.description = "阡陌平台群众诉求";
        f.address = address;
        f.reporter_name = "群众";
        FX_OK(cw_report_fields(&w, w.sys, &f, &c));
        if (i < 1352)
            close_loop(&w, &c, 5);
        else if (i % 2)
            FX_OK(cpol_case_verify(w.ctx, w.sys, &c, NULL));
    }
    FX_OK(cpol_batch_commit(w.ctx));
    m = metrics(&w, &w.fx.station, 0, 0);
    ck_assert_int_eq(cpol_case_metrics_count(m, CPOL_METRIC_RECEIVED), 1391);
    ck_assert_int_eq(cpol_case_metrics_count(m, CPOL_METRIC_CLOSED), 1352);
    /* 办结率: 1352 / 1391 = 0.97196 → 97.2 % (the article rounds to 97 %) */
    ck_assert(NEAR(cpol_case_metrics_rate(m, CPOL_RATE_CLOSURE), 1352.0 / 1391.0));
    ck_assert_int_eq((int)(cpol_case_metrics_rate(m, CPOL_RATE_CLOSURE) * 1000 + 0.5), 972);
    /* 满意度达100% */
    ck_assert_int_eq(cpol_case_metrics_count(m, CPOL_METRIC_FOLLOWED_UP), 1352);
    ck_assert(cpol_case_metrics_rate(m, CPOL_RATE_SATISFACTION) == 1.0);
    ck_assert(cpol_case_metrics_rate(m, CPOL_RATE_MEAN_SATISFACTION) == 5.0);
    ck_assert_int_eq(cpol_case_metrics_count(m, CPOL_METRIC_SCREENED), 1352 + 19);
    ck_assert_int_eq(cpol_case_metrics_count(m, CPOL_METRIC_REPEAT_CALLS), 0);
    cpol_case_metrics_free(m);
    cw_close(&w);
}
END_TEST

/* ---- Baisha: 440 screened, 99.5 % resolved ---- */

START_TEST(baisha_440_screened_995_resolved)
{
    cw w;
    cpol_case_metrics *m;
    cpol_actor *li = NULL;
    cpol_id li_id, street;
    int i;
    int64_t points = 0, avail = 0;
    cw_open(&w, _i);
    FX_OK(cpol_earning_rule_set(w.ctx, w.leader, &w.fx.station, CPOL_EARN_MEDIATION, 20, 0, 0));
    /* 李育斌 of 桃源义警 is also an informant: he mediates on the spot */
    li_id = w.volunteer_id;
    {
        cpol_id a;
        FX_OK(cpol_volunteer_apply(w.ctx, w.sys, &li_id, CPOL_ROLE_INFORMANT, &w.fx.community, NULL, &a));
        FX_OK(cpol_assignment_step(w.ctx, w.sys, &a, CPOL_ASSIGNMENT_UNDER_REVIEW, NULL));
        FX_OK(cpol_assignment_step(w.ctx, w.sys, &a, CPOL_ASSIGNMENT_ADMITTED, NULL));
        FX_OK(cpol_assignment_step(w.ctx, w.sys, &a, CPOL_ASSIGNMENT_ACTIVE, NULL));
        FX_OK(cpol_actor_open(w.ctx, &li_id, CPOL_ROLE_INFORMANT, &li));
    }
    /* 两家商户因为占道经营问题发生了激烈争吵: mediated on the spot */
    street = cw_report(&w, w.volunteer, CPOL_CASE_SOURCE_VOLUNTEER_PATROL, CPOL_CASE_COMMERCIAL, "两家商户占道经营争吵");
    cw_advance(&w, &street, CPOL_CASE_ASSESSED);
    /* an informant is named as handler only by someone who may know them (person.sensitive) */
    FX_OK(cpol_case_assign(w.ctx, w.officer, &street, CPOL_TIER_ON_THE_SPOT, &li_id, NULL, NULL));
    FX_OK(cpol_case_arrive(w.ctx, li, &street, &li_id, 0, NULL));
    FX_OK(cpol_case_resolve(w.ctx, li, &street, CPOL_OUTCOME_MEDIATED, "提出合理解决方案, 化解矛盾"));
    cw_advance(&w, &street, CPOL_CASE_CLOSED);
    FX_OK(cpol_points_balance(w.ctx, w.sys, &li_id, &points, &avail));
    ck_assert_int_eq(points, 20);

    /* 439 more screened: 437 resolved, 2 not; and 6 reports that proved unfounded at screening */
    FX_OK(cpol_batch_begin(w.ctx));
    for (i = 0; i < 445; i++) {
        static const int categories[] = {CPOL_CASE_NEIGHBOUR, CPOL_CASE_HAZARD, CPOL_CASE_COMMERCIAL,
                                         CPOL_CASE_FAMILY};
        cpol_case_fields f = CPOL_CASE_FIELDS_INIT;
        cpol_id c;
        int category = categories[i % 4];
        f.source = CPOL_CASE_SOURCE_VOLUNTEER_PATROL;
        f.category = category;
        f.description = "桃源义警排查发现";
        f.reporter_name = "桃源义警";
        FX_OK(cw_report_fields(&w, w.sys, &f, &c));
        if (i >= 439) {
            FX_OK(cpol_case_reject(w.ctx, w.sys, &c, CPOL_REJECT_UNFOUNDED, NULL, "经核查不属实"));
            continue;
        }
        FX_OK(cpol_case_verify(w.ctx, w.sys, &c, NULL));
        FX_OK(cpol_case_assess(w.ctx, w.sys, &c, CPOL_RISK_GENERAL, NULL));
        FX_OK(cpol_case_assign(w.ctx, w.sys, &c, CPOL_TIER_TEAM, &w.guard_id, &w.team, NULL));
        FX_OK(cpol_case_resolve(w.ctx, w.sys, &c,
                                i < 2 ? CPOL_OUTCOME_UNRESOLVED
                                      : category == CPOL_CASE_HAZARD ? CPOL_OUTCOME_RECTIFIED : CPOL_OUTCOME_MEDIATED,
                                NULL));
    }
    FX_OK(cpol_batch_commit(w.ctx));
    m = metrics(&w, &w.fx.station, 0, 0);
    ck_assert_int_eq(cpol_case_metrics_count(m, CPOL_METRIC_RECEIVED), 446);
    ck_assert_int_eq(cpol_case_metrics_count(m, CPOL_METRIC_SCREENED), 440);
    ck_assert_int_eq(cpol_case_metrics_count(m, CPOL_METRIC_REJECTED), 6);
    ck_assert_int_eq(cpol_case_metrics_count(m, CPOL_METRIC_RESOLVED), 438);
    ck_assert_int_eq(cpol_case_metrics_count(m, CPOL_METRIC_UNRESOLVED), 2);
    ck_assert_int_eq(cpol_case_metrics_count(m, CPOL_METRIC_ON_THE_SPOT), 1);
    /* 调处化解成功率: 438 / 440 = 0.99545 → 99.5 % */
    ck_assert(NEAR(cpol_case_metrics_rate(m, CPOL_RATE_RESOLUTION), 438.0 / 440.0));
    ck_assert_int_eq((int)(cpol_case_metrics_rate(m, CPOL_RATE_RESOLUTION) * 1000 + 0.5), 995);
    ck_assert(NEAR(cpol_case_metrics_rate(m, CPOL_RATE_ON_THE_SPOT), 1.0 / 438.0));
    cpol_case_metrics_free(m);
    {
        cpol_case_metrics_query q = CPOL_CASE_METRICS_QUERY_INIT;
        q.area = &w.fx.station;
        q.team = &w.team;
        FX_OK(cpol_case_metrics_compute(w.ctx, w.leader, &q, &m));
        ck_assert_int_eq(cpol_case_metrics_count(m, CPOL_METRIC_RECEIVED), 439); /* the team's cases */
        cpol_case_metrics_free(m);
        q.team = NULL;
        q.category = CPOL_CASE_HAZARD;
        FX_OK(cpol_case_metrics_compute(w.ctx, w.leader, &q, &m));
        ck_assert_int_eq(cpol_case_metrics_count(m, CPOL_METRIC_RESOLVED), 109); /* 110 screened, one unresolved */
        cpol_case_metrics_free(m);
    }
    cpol_actor_free(li);
    cw_close(&w);
}
END_TEST

/* ---- ten cases, every metric by hand ---- */

typedef struct hand {
    cw *w;
    cpol_time r;     /* when the current case was reported */
} hand;

static void at(hand *h, int64_t after_report)
{
    h->w->fx.now = h->r + after_report;
}

static cpol_id hand_case(hand *h, int i, int category, const char *address)
{
    cpol_case_fields f = CPOL_CASE_FIELDS_INIT;
    cpol_id id;
    h->r = 1748736000000LL + i * DAY; /* 2025-06-01 00:00 UTC + i days */
    at(h, 0);
    f.source = CPOL_CASE_SOURCE_RESIDENT_COMPLAINT;
    f.category = category;
    f.description = "手算指标";
    f.address = address;
    f.reporter_name = "居民";
    FX_OK(cw_report_fields(h->w, h->w->aux, &f, &id));
    return id;
}

/* verify at +v min, assess general, assign (as the officer, who may name an informant), arrive at +a min */
static void start(hand *h, const cpol_id *c, int v, int tier, const cpol_id *handler, const cpol_actor *arriver,
                  const cpol_id *arriving, int a)
{
    cw *w = h->w;
    at(h, v * MINUTE);
    FX_OK(cpol_case_verify(w->ctx, w->officer, c, NULL));
    FX_OK(cpol_case_assess(w->ctx, w->officer, c, CPOL_RISK_GENERAL, NULL));
    FX_OK(cpol_case_assign(w->ctx, w->officer, c, tier, handler, tier == CPOL_TIER_TEAM ? &w->team : NULL, NULL));
    at(h, a * MINUTE);
    FX_OK(cpol_case_arrive(w->ctx, arriver, c, arriving, 0, NULL));
}

/* resolve at +res min, feedback right after, visit at +visit (0: none), close */
static void finish(hand *h, const cpol_id *c, const cpol_actor *resolver, int outcome, int res, int64_t visit,
                   int satisfaction, int recurred, const cpol_actor *closer)
{
    cw *w = h->w;
    at(h, res * MINUTE);
    FX_OK(cpol_case_resolve(w->ctx, resolver, c, outcome, NULL));
    FX_OK(cpol_case_feedback(w->ctx, w->aux, c, "已反馈"));
    if (!visit)
        return;
    at(h, visit);
    FX_OK(cpol_case_followup(w->ctx, w->aux, c, 0, satisfaction, recurred, NULL));
    if (closer)
        FX_OK(cpol_case_close(w->ctx, closer, c, NULL));
}

START_TEST(every_metric_by_hand)
{
    cw w;
    hand h;
    cpol_id k[10];
    cpol_case_metrics *m;
    cw_open(&w, _i);
    h.w = &w;
    k[0] = hand_case(&h, 0, CPOL_CASE_NEIGHBOUR, "地址0");
    start(&h, &k[0], 1, CPOL_TIER_ON_THE_SPOT, &w.head_id, w.head, &w.head_id, 2);
    finish(&h, &k[0], w.head, CPOL_OUTCOME_MEDIATED, 60, DAY, 5, 0, w.officer);

    k[1] = hand_case(&h, 1, CPOL_CASE_FAMILY, "地址1");
    start(&h, &k[1], 1, CPOL_TIER_OFFICER, &w.officer_id, w.officer, &w.officer_id, 3);
    finish(&h, &k[1], w.officer, CPOL_OUTCOME_MEDIATED, 120, 2 * DAY, 4, 0, w.leader);

    k[2] = hand_case(&h, 2, CPOL_CASE_HAZARD, "地址2");
    start(&h, &k[2], 2, CPOL_TIER_TEAM, &w.guard_id, w.guard, &w.guard_id, 5);
    finish(&h, &k[2], w.guard, CPOL_OUTCOME_RECTIFIED, 180, 3 * DAY, 3, 0, w.officer);

    k[3] = hand_case(&h, 3, CPOL_CASE_PROPERTY, "地址3"); /* unresolved, visited late, not closed */
    start(&h, &k[3], 2, CPOL_TIER_OFFICER, &w.officer_id, w.officer, &w.officer_id, 5);
    finish(&h, &k[3], w.officer, CPOL_OUTCOME_UNRESOLVED, 240, 8 * DAY, 2, 0, NULL);

    k[4] = hand_case(&h, 4, CPOL_CASE_PUBLIC_ORDER, "地址4"); /* handed over, never visited */
    start(&h, &k[4], 3, CPOL_TIER_OFFICER, &w.officer_id, w.officer, &w.officer_id, 7);
    finish(&h, &k[4], w.officer, CPOL_OUTCOME_HANDED_OVER, 300, 0, 0, 0, NULL);

    k[5] = hand_case(&h, 5, CPOL_CASE_NON_POLICE, "地址5"); /* referred, answered in a day */
    at(&h, 3 * MINUTE);
    FX_OK(cpol_case_verify(w.ctx, w.officer, &k[5], NULL));
    at(&h, 8 * MINUTE);
    FX_OK(cpol_case_arrive(w.ctx, w.officer, &k[5], &w.officer_id, 0, NULL));
    at(&h, 10 * MINUTE);
    FX_OK(cpol_case_refer(w.ctx, w.officer, &k[5], "城管", h.r + 2 * DAY, NULL, NULL));
    at(&h, DAY);
    FX_OK(cpol_case_referral_reply(w.ctx, w.officer, &k[5], 1, "已处理", 0));
    FX_OK(cpol_case_feedback(w.ctx, w.aux, &k[5], "已反馈"));
    at(&h, 2 * DAY);
    FX_OK(cpol_case_followup(w.ctx, w.aux, &k[5], 0, 5, 0, NULL));
    FX_OK(cpol_case_close(w.ctx, w.leader, &k[5], NULL));

    k[6] = hand_case(&h, 6, CPOL_CASE_NEIGHBOUR, "地址6"); /* recurred and reopened */
    start(&h, &k[6], 4, CPOL_TIER_ON_THE_SPOT, &w.informant_id, w.informant, &w.informant_id, 10);
    finish(&h, &k[6], w.informant, CPOL_OUTCOME_MEDIATED, 30, DAY, 1, 1, NULL);
    FX_OK(cpol_case_reopen(w.ctx, w.officer, &k[6], "回访发现复发"));

    k[7] = hand_case(&h, 7, CPOL_CASE_COMMERCIAL, "地址7"); /* escalated by its on-the-spot handler */
    at(&h, 4 * MINUTE);
    FX_OK(cpol_case_verify(w.ctx, w.officer, &k[7], NULL));
    FX_OK(cpol_case_assess(w.ctx, w.officer, &k[7], CPOL_RISK_GENERAL, NULL));
    FX_OK(cpol_case_assign(w.ctx, w.aux, &k[7], CPOL_TIER_ON_THE_SPOT, &w.head_id, NULL, NULL));
    at(&h, 10 * MINUTE);
    FX_OK(cpol_case_escalate(w.ctx, w.head, &k[7], CPOL_TIER_OFFICER, &w.officer_id, NULL, "涉法疑难"));
    at(&h, 12 * MINUTE);
    FX_OK(cpol_case_arrive(w.ctx, w.officer, &k[7], &w.officer_id, 0, NULL));
    finish(&h, &k[7], w.officer, CPOL_OUTCOME_MEDIATED, 480, DAY, 5, 0, w.leader);

    k[8] = hand_case(&h, 8, CPOL_CASE_NEIGHBOUR, "地址8"); /* still in hand */
    start(&h, &k[8], 5, CPOL_TIER_OFFICER, &w.officer_id, w.officer, &w.officer_id, 15);

    k[9] = hand_case(&h, 9, CPOL_CASE_NEIGHBOUR, "地址8"); /* the same again next day: screened late, a duplicate */
    at(&h, 30 * MINUTE);
    FX_OK(cpol_case_arrive(w.ctx, w.guard, &k[9], &w.guard_id, 0, NULL));
    at(&h, 30 * HOUR);
    FX_OK(cpol_case_verify(w.ctx, w.officer, &k[9], NULL));
    at(&h, 31 * HOUR);
    FX_OK(cpol_case_reject(w.ctx, w.officer, &k[9], CPOL_REJECT_DUPLICATE, &k[8], "重复报警"));

    w.fx.now = 1748736000000LL + 40 * DAY;
    m = metrics(&w, &w.fx.station, 0, 0);
#define COUNT(metric, n) ck_assert_msg(cpol_case_metrics_count(m, metric) == (n), #metric " = %lld, expected %d", \
                                       (long long)cpol_case_metrics_count(m, metric), (n))
    COUNT(CPOL_METRIC_RECEIVED, 10);
    COUNT(CPOL_METRIC_SCREENED, 10);
    COUNT(CPOL_METRIC_REJECTED, 1);
    COUNT(CPOL_METRIC_DUPLICATES, 1);
    COUNT(CPOL_METRIC_RESOLVED, 6);   /* k0 k1 k2 k4 k5 k7 */
    COUNT(CPOL_METRIC_UNRESOLVED, 1); /* k3 */
    COUNT(CPOL_METRIC_ON_THE_SPOT, 1); /* k0 (k6 was reopened, k7 escalated) */
    COUNT(CPOL_METRIC_CLOSED, 5);     /* k0 k1 k2 k5 k7 */
    COUNT(CPOL_METRIC_REOPENED, 1);
    COUNT(CPOL_METRIC_FOLLOWED_UP, 7); /* k0 k1 k2 k3 k5 k6 k7 */
    COUNT(CPOL_METRIC_SATISFIED, 4);   /* 5 4 5 5 */
    COUNT(CPOL_METRIC_SATISFACTION_SUM, 5 + 4 + 3 + 2 + 5 + 1 + 5);
    COUNT(CPOL_METRIC_OVERDUE_SCREENING, 1); /* k9: 30 h > 24 h */
    COUNT(CPOL_METRIC_OVERDUE_ARRIVAL, 0);
    COUNT(CPOL_METRIC_OVERDUE_RESOLUTION, 1); /* k8: open 32 days */
    COUNT(CPOL_METRIC_OVERDUE_FOLLOWUP, 2);   /* k3 visited 7 d 20 h after, k4 never */
    COUNT(CPOL_METRIC_REFERRALS, 1);
    COUNT(CPOL_METRIC_REFERRALS_ANSWERED, 1);
    COUNT(CPOL_METRIC_REFERRALS_ON_TIME, 1);
    COUNT(CPOL_METRIC_REPEAT_CALLS, 1); /* k9 */
    COUNT(CPOL_METRIC_ESCALATIONS, 1);  /* k7 */
#undef COUNT
    ck_assert(cpol_case_metrics_rate(m, CPOL_RATE_CLOSURE) == 0.5);
    ck_assert(cpol_case_metrics_rate(m, CPOL_RATE_RESOLUTION) == 0.6);
    ck_assert(cpol_case_metrics_rate(m, CPOL_RATE_ON_THE_SPOT) == 1.0 / 6);
    ck_assert(cpol_case_metrics_rate(m, CPOL_RATE_SATISFACTION) == 4.0 / 7);
    ck_assert(cpol_case_metrics_rate(m, CPOL_RATE_MEAN_SATISFACTION) == 25.0 / 7);
    ck_assert(cpol_case_metrics_rate(m, CPOL_RATE_REFERRALS_ANSWERED) == 1.0);
    ck_assert(cpol_case_metrics_rate(m, CPOL_RATE_REPEAT_CALLS) == 0.1);
    ck_assert(cpol_case_metrics_rate(m, 99) == 0.0);
    /* screening 1 1 2 2 3 3 4 4 5 1800 min: median (3+3)/2, p90 the 9th */
    expect_response(m, CPOL_STAGE_SCREENING, 10, 3 * MINUTE, 5 * MINUTE);
    /* arrival 2 3 5 5 7 8 10 12 15 30 min: median (7+8)/2 = 7.5 min, p90 the 9th */
    expect_response(m, CPOL_STAGE_ARRIVAL, 10, 7 * MINUTE + 30 * 1000, 15 * MINUTE);
    /* first resolution 30 60 120 180 240 300 480 1440 min: median (180+240)/2, p90 ceil(7.2) = 8th */
    expect_response(m, CPOL_STAGE_RESOLUTION, 8, 210 * MINUTE, 1440 * MINUTE);
    /* first visit after first resolution 960 1380 1410 1440 2760 4140 11280 min: median the 4th, p90 the 7th */
    expect_response(m, CPOL_STAGE_FOLLOWUP, 7, 1440 * MINUTE, 11280 * MINUTE);
    expect_response(m, CPOL_STAGE_REFERRAL, 1, 1430 * MINUTE, 1430 * MINUTE);
    FX_EXPECT(CPOL_EINVALID, cpol_case_metrics_response(m, 6, NULL, NULL, NULL));
    cpol_case_metrics_free(m);

    /* a period: only the cases reported in it (k2, k3, k4) */
    m = metrics(&w, &w.fx.station, 1748736000000LL + 2 * DAY, 1748736000000LL + 5 * DAY);
    ck_assert_int_eq(cpol_case_metrics_count(m, CPOL_METRIC_RECEIVED), 3);
    ck_assert_int_eq(cpol_case_metrics_count(m, CPOL_METRIC_RESOLVED), 2);
    expect_response(m, CPOL_STAGE_ARRIVAL, 3, 5 * MINUTE, 7 * MINUTE);
    cpol_case_metrics_free(m);
    /* bad queries */
    {
        cpol_case_metrics_query q = CPOL_CASE_METRICS_QUERY_INIT;
        cpol_id unknown;
        FX_OK(cpol_id_new(w.ctx, &unknown));
        FX_EXPECT(CPOL_EMISUSE, cpol_case_metrics_compute(w.ctx, w.leader, &q, &m));
        q.area = &w.fx.station;
        q.category = 9;
        FX_EXPECT(CPOL_EINVALID, cpol_case_metrics_compute(w.ctx, w.leader, &q, &m));
        q.category = 0;
        q.repeat_window_ms = -1;
        FX_EXPECT(CPOL_EINVALID, cpol_case_metrics_compute(w.ctx, w.leader, &q, &m));
        q.repeat_window_ms = 0;
        q.team = &unknown;
        FX_EXPECT(CPOL_ENOTFOUND, cpol_case_metrics_compute(w.ctx, w.leader, &q, &m));
        q.team = NULL;
        FX_EXPECT(CPOL_EPERM, cpol_case_metrics_compute(w.ctx, w.guard, &q, &m));
        FX_EXPECT(CPOL_EPERM, cpol_case_metrics_compute(w.ctx, w.other_officer, &q, &m));
        q.version = CPOL_CASE_METRICS_QUERY_VERSION + 1;
        FX_EXPECT(CPOL_EVERSION, cpol_case_metrics_compute(w.ctx, w.leader, &q, &m));
    }
    cw_close(&w);
}
END_TEST

static Suite *seeds_suite(void)
{
    Suite *s = suite_create("case_seeds");
    TCase *tc = tcase_create("seeds");
    tcase_set_timeout(tc, 280);
    tcase_add_loop_test(tc, lincang_yulong_neighbour_dispute, 0, 2);
    tcase_add_loop_test(tc, suqian_repeat_calls, 0, 2);
    tcase_add_loop_test(tc, suqian_1391_requests_1352_closed, 0, 2);
    tcase_add_loop_test(tc, baisha_440_screened_995_resolved, 0, 2);
    tcase_add_loop_test(tc, every_metric_by_hand, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(seeds_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
