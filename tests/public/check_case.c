/* Public API: cases on the memory backend and on a SQLite file: intake from
 * the four parties, the transition table, risk grades and tiers, closing
 * rules, referrals, parties, reporter protection, the points hooks, the
 * permission table, and every bad input refused with the case unchanged. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <commpolice/commpolice.h>

#include "check_case_world.h"

/* ---- intake and reading ---- */

START_TEST(intake_reads_back_and_protects_informants)
{
    cw w;
    cpol_case *c;
    cpol_case_event_iter *it;
    const cpol_case_event *e;
    cpol_id tip, complaint;
    cpol_case_fields f = CPOL_CASE_FIELDS_INIT;
    cw_open(&w, _i);
    tip = cw_report(&w, w.informant, CPOL_CASE_SOURCE_INFORMANT_TIP, CPOL_CASE_NEIGHBOUR, "3栋两户因噪音争吵");

    /* the officer holds person.sensitive: sees who tipped */
    FX_OK(cpol_case_get(w.ctx, w.officer, &tip, &c));
    ck_assert_int_eq(cpol_case_source(c), CPOL_CASE_SOURCE_INFORMANT_TIP);
    ck_assert_int_eq(cpol_case_category(c), CPOL_CASE_NEIGHBOUR);
    ck_assert_int_eq(cpol_case_state(c), CPOL_CASE_REPORTED);
    ck_assert_int_eq(cpol_case_risk_grade(c), 0);
    ck_assert_int_eq(cpol_case_tier(c), 0);
    ck_assert_ptr_null(cpol_case_handler(c));
    ck_assert_int_eq(cpol_id_compare(cpol_case_area(c), &w.fx.compound), 0);
    ck_assert_int_eq(cpol_id_compare(cpol_case_station(c), &w.fx.station), 0);
    ck_assert_str_eq(cpol_case_address(c), "玉龙小区3栋");
    ck_assert_str_eq(cpol_case_description(c), "3栋两户因噪音争吵");
    ck_assert_int_eq(cpol_case_has_location(c), 1);
    ck_assert(cpol_case_latitude(c) == YULONG_LAT && cpol_case_longitude(c) == YULONG_LON);
    ck_assert_int_eq(cpol_case_reported_at(c), w.fx.now);
    ck_assert_int_eq(cpol_case_confidential(c), 1);
    ck_assert_int_eq(cpol_case_reporter_masked(c), 0);
    ck_assert_int_eq(cpol_id_compare(cpol_case_reporter(c), &w.informant_id), 0);
    cpol_case_free(c);

    /* the analyst may read cases but not who tipped */
    FX_OK(cpol_case_get(w.ctx, w.analyst, &tip, &c));
    ck_assert_int_eq(cpol_case_reporter_masked(c), 1);
    ck_assert_ptr_null(cpol_case_reporter(c));
    cpol_case_free(c);
    FX_OK(cpol_case_event_iter_new(w.ctx, w.analyst, &tip, &it));
    FX_OK(cpol_case_event_iter_next(it, &e));
    ck_assert_int_eq(cpol_case_event_step(e), CPOL_STEP_REPORT);
    ck_assert_int_eq(cpol_case_event_from(e), 0);
    ck_assert_int_eq(cpol_case_event_to(e), CPOL_CASE_REPORTED);
    ck_assert_ptr_null(cpol_case_event_subject(e)); /* the reporter */
    ck_assert_ptr_null(cpol_case_event_actor(e));   /* who recorded it: the informant */
    ck_assert_int_eq(cpol_case_event_actor_role(e), 0);
    cpol_case_event_iter_free(it);
    {
        cpol_case_iter *ci;
        const cpol_case *lc;
        FX_OK(cpol_case_iter_new(w.ctx, w.analyst, NULL, &ci));
        FX_OK(cpol_case_iter_next(ci, &lc));
        ck_assert_int_eq(cpol_case_reporter_masked(lc), 1);
        ck_assert_ptr_null(cpol_case_reporter(lc));
        cpol_case_iter_free(ci);
    }
    /* the informant may read their own tip in full */
    FX_OK(cpol_case_get(w.ctx, w.informant, &tip, &c));
    ck_assert_int_eq(cpol_case_reporter_masked(c), 0);
    cpol_case_free(c);

    /* a resident complaint entered by the auxiliary: the named reporter is shown */
    f.source = CPOL_CASE_SOURCE_RESIDENT_COMPLAINT;
    f.category = CPOL_CASE_HAZARD;
    f.description = "消防通道被杂物堵塞";
    f.reporter_name = "居民王女士";
    FX_OK(cw_report_fields(&w, w.aux, &f, &complaint));
    FX_OK(cpol_case_get(w.ctx, w.analyst, &complaint, &c));
    ck_assert_int_eq(cpol_case_confidential(c), 0);
    ck_assert_str_eq(cpol_case_reporter_name(c), "居民王女士");
    ck_assert_ptr_null(cpol_case_reporter(c));
    ck_assert_int_eq(cpol_case_has_location(c), 0);
    ck_assert_str_eq(cpol_case_address(c), "");
    cpol_case_free(c);
    /* ... unless the resident asked for confidentiality */
    f.confidential = 1;
    FX_OK(cw_report_fields(&w, w.aux, &f, &complaint));
    FX_OK(cpol_case_get(w.ctx, w.analyst, &complaint, &c));
    ck_assert_str_eq(cpol_case_reporter_name(c), "");
    ck_assert_int_eq(cpol_case_reporter_masked(c), 1);
    cpol_case_free(c);
    /* reading needs case.view (or being the reporter or handler) */
    FX_EXPECT(CPOL_EPERM, cpol_case_get(w.ctx, w.guard, &tip, &c));
    MESSAGE_HAS("case.view");
    FX_EXPECT(CPOL_EPERM, cpol_case_get(w.ctx, w.other_officer, &tip, &c));
    cw_close(&w);
}
END_TEST

START_TEST(intake_refuses_bad_input)
{
    cw w;
    cpol_case_fields f = CPOL_CASE_FIELDS_INIT, good = CPOL_CASE_FIELDS_INIT;
    cpol_id id, unknown;
    char big[CPOL_CASE_DESCRIPTION_MAX + 2];
    cw_open(&w, _i);
    FX_OK(cpol_id_new(w.ctx, &unknown));
    good.source = CPOL_CASE_SOURCE_RESIDENT_COMPLAINT;
    good.category = CPOL_CASE_NEIGHBOUR;
    good.description = "邻里纠纷";
    good.area = &w.fx.compound;
    FX_EXPECT(CPOL_EMISUSE, cpol_case_report(w.ctx, w.aux, NULL, &id));
    FX_EXPECT(CPOL_EMISUSE, cpol_case_report(NULL, w.aux, &good, &id));
    f = good;
    f.version = 0;
    FX_EXPECT(CPOL_EVERSION, cpol_case_report(w.ctx, w.aux, &f, &id));
    f = good;
    f.area = NULL;
    FX_EXPECT(CPOL_EMISUSE, cpol_case_report(w.ctx, w.aux, &f, &id));
    f = good;
    f.source = 7;
    FX_EXPECT(CPOL_EINVALID, cpol_case_report(w.ctx, w.aux, &f, &id));
    MESSAGE_HAS("source");
    f = good;
    f.category = 9;
    FX_EXPECT(CPOL_EINVALID, cpol_case_report(w.ctx, w.aux, &f, &id));
    MESSAGE_HAS("category");
    f = good;
    f.description = "";
    FX_EXPECT(CPOL_EINVALID, cpol_case_report(w.ctx, w.aux, &f, &id));
    f.description = NULL;
    FX_EXPECT(CPOL_EMISUSE, cpol_case_report(w.ctx, w.aux, &f, &id));
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    f.description = big;
    FX_EXPECT(CPOL_ETOOLONG, cpol_case_report(w.ctx, w.aux, &f, &id));
    MESSAGE_HAS("description");
    f.description = "bad \xC3\x28 utf-8";
    FX_EXPECT(CPOL_EUTF8, cpol_case_report(w.ctx, w.aux, &f, &id));
    f = good;
    f.address = big;
    FX_EXPECT(CPOL_ETOOLONG, cpol_case_report(w.ctx, w.aux, &f, &id));
    MESSAGE_HAS("address");
    f = good;
    f.has_location = 1;
    f.latitude = 91;
    FX_EXPECT(CPOL_EINVALID, cpol_case_report(w.ctx, w.aux, &f, &id));
    MESSAGE_HAS("latitude");
    f.latitude = 23;
    f.longitude = -181;
    FX_EXPECT(CPOL_EINVALID, cpol_case_report(w.ctx, w.aux, &f, &id));
    MESSAGE_HAS("longitude");
    f.has_location = 2;
    FX_EXPECT(CPOL_EINVALID, cpol_case_report(w.ctx, w.aux, &f, &id));
    f = good;
    f.confidential = 2;
    FX_EXPECT(CPOL_EINVALID, cpol_case_report(w.ctx, w.aux, &f, &id));
    f = good;
    f.reported_at = w.fx.now + MINUTE;
    FX_EXPECT(CPOL_EINVALID, cpol_case_report(w.ctx, w.aux, &f, &id));
    MESSAGE_HAS("in the future");
    f.reported_at = -5;
    FX_EXPECT(CPOL_EINVALID, cpol_case_report(w.ctx, w.aux, &f, &id));
    f = good;
    f.area = &unknown;
    FX_EXPECT(CPOL_ENOTFOUND, cpol_case_report(w.ctx, w.aux, &f, &id));
    MESSAGE_HAS("area");
    f.area = &w.fx.bureau;
    FX_EXPECT(CPOL_ERULE, cpol_case_report(w.ctx, w.sys, &f, &id));
    MESSAGE_HAS("police station");
    f = good;
    f.reporter = &unknown;
    FX_EXPECT(CPOL_ENOTFOUND, cpol_case_report(w.ctx, w.aux, &f, &id));
    MESSAGE_HAS("reporter");
    FX_EXPECT(CPOL_EPERM, cpol_case_report(w.ctx, w.operator_, &good, &id));
    MESSAGE_HAS("lacks permission case.report");
    FX_EXPECT(CPOL_EPERM, cpol_case_report(w.ctx, w.other_officer, &good, &id));
    MESSAGE_HAS("station");
    ck_assert_int_eq(cw_case_count(&w, NULL), 0);
    /* the earliest allowed report time is any past time */
    f = good;
    f.reported_at = w.fx.now - DAY;
    FX_OK(cpol_case_report(w.ctx, w.aux, &f, &id));
    ck_assert_int_eq(cw_case_count(&w, NULL), 1);
    cw_close(&w);
}
END_TEST

/* ---- the transition table ---- */

static const int happy_steps[] = {CPOL_STEP_REPORT,   CPOL_STEP_VERIFY,   CPOL_STEP_ASSESS,   CPOL_STEP_ASSIGN,
                                  CPOL_STEP_ARRIVE,   CPOL_STEP_RESOLVE,  CPOL_STEP_FEEDBACK, CPOL_STEP_FOLLOWUP,
                                  CPOL_STEP_CLOSE};
static const int happy_states[] = {CPOL_CASE_REPORTED, CPOL_CASE_VERIFIED, CPOL_CASE_ASSESSED,
                                   CPOL_CASE_ASSIGNED, CPOL_CASE_HANDLING, CPOL_CASE_RESOLVED,
                                   CPOL_CASE_FED_BACK, CPOL_CASE_FOLLOWED_UP, CPOL_CASE_CLOSED};

START_TEST(the_closed_loop_is_recorded_step_by_step)
{
    cw w;
    cpol_id c;
    cpol_case_event_iter *it;
    const cpol_case_event *e;
    cpol_case *k;
    size_t i;
    cw_open(&w, _i);
    c = cw_report(&w, w.informant, CPOL_CASE_SOURCE_INFORMANT_TIP, CPOL_CASE_NEIGHBOUR, "楼上楼下噪音纠纷");
    w.fx.now += MINUTE;
    FX_OK(cpol_case_verify(w.ctx, w.officer, &c, "电话核实"));
    FX_OK(cpol_case_assess(w.ctx, w.officer, &c, CPOL_RISK_GENERAL, "一般纠纷"));
    ck_assert_int_eq(cpol_case_assess(w.ctx, w.officer, &c, CPOL_RISK_GENERAL, NULL), CPOL_ALREADY);
    FX_OK(cpol_case_assign(w.ctx, w.aux, &c, CPOL_TIER_ON_THE_SPOT, &w.head_id, NULL, "楼栋长就地劝解"));
    w.fx.now += MINUTE;
    FX_OK(cpol_case_arrive(w.ctx, w.head, &c, &w.head_id, 0, NULL));
    ck_assert_int_eq(cw_state(&w, &c), CPOL_CASE_HANDLING);
    w.fx.now += 10 * MINUTE;
    FX_OK(cpol_case_resolve(w.ctx, w.head, &c, CPOL_OUTCOME_MEDIATED, "双方握手言和"));
    FX_OK(cpol_case_feedback(w.ctx, w.aux, &c, "已向信息员反馈"));
    w.fx.now += 3 * DAY;
    FX_OK(cpol_case_followup(w.ctx, w.aux, &c, 0, 5, 0, "未再发生"));
    FX_OK(cpol_case_close(w.ctx, w.officer, &c, "化解到位"));

    FX_OK(cpol_case_get(w.ctx, w.officer, &c, &k));
    ck_assert_int_eq(cpol_case_state(k), CPOL_CASE_CLOSED);
    ck_assert_int_eq(cpol_case_outcome(k), CPOL_OUTCOME_MEDIATED);
    ck_assert_int_eq(cpol_case_tier(k), CPOL_TIER_ON_THE_SPOT);
    ck_assert_int_eq(cpol_case_satisfaction(k), 5);
    ck_assert_int_eq(cpol_case_closed_at(k), w.fx.now);
    ck_assert_int_eq(cpol_id_compare(cpol_case_handler(k), &w.head_id), 0);
    cpol_case_free(k);

    FX_OK(cpol_case_event_iter_new(w.ctx, w.officer, &c, &it));
    for (i = 0; i < sizeof happy_steps / sizeof happy_steps[0]; i++) {
        FX_OK(cpol_case_event_iter_next(it, &e));
        ck_assert_int_eq(cpol_case_event_step(e), happy_steps[i]);
        ck_assert_int_eq(cpol_case_event_to(e), happy_states[i]);
        ck_assert_int_eq(cpol_case_event_from(e), i ? happy_states[i - 1] : 0);
        ck_assert(cpol_case_event_recorded_at(e) > 0);
        if (happy_steps[i] == CPOL_STEP_ASSIGN) {
            ck_assert_int_eq(cpol_id_compare(cpol_case_event_subject(e), &w.head_id), 0);
            ck_assert_int_eq(cpol_case_event_tier(e), CPOL_TIER_ON_THE_SPOT);
            ck_assert_int_eq(cpol_case_event_risk_grade(e), CPOL_RISK_GENERAL);
            ck_assert_str_eq(cpol_case_event_note(e), "楼栋长就地劝解");
            ck_assert_int_eq(cpol_id_compare(cpol_case_event_actor(e), &w.aux_id), 0);
            ck_assert_int_eq(cpol_case_event_actor_role(e), CPOL_ROLE_AUXILIARY);
        }
        if (happy_steps[i] == CPOL_STEP_RESOLVE)
            ck_assert_int_eq(cpol_case_event_outcome(e), CPOL_OUTCOME_MEDIATED);
        if (happy_steps[i] == CPOL_STEP_FOLLOWUP) {
            ck_assert_int_eq(cpol_case_event_satisfaction(e), 5);
            ck_assert_int_eq(cpol_case_event_recurred(e), 0);
        }
    }
    ck_assert_int_eq(cpol_case_event_iter_next(it, &e), CPOL_DONE);
    cpol_case_event_iter_free(it);
    /* one audit entry per step, intake included */
    ck_assert_int_eq(cw_audit_count(&w, &c), 9);
    cw_close(&w);
}
END_TEST

START_TEST(steps_out_of_order_are_refused_naming_state_and_allowed_steps)
{
    cw w;
    cpol_id c;
    case_snap s;
    cw_open(&w, _i);
    c = cw_report(&w, w.aux, CPOL_CASE_SOURCE_GRID_WORKER, CPOL_CASE_PROPERTY, "物业费纠纷");
    s = cw_snap(&w, &c);
    FX_EXPECT(CPOL_ESTATE, cpol_case_resolve(w.ctx, w.officer, &c, CPOL_OUTCOME_MEDIATED, NULL));
    MESSAGE_HAS("a case that is reported cannot take the step \"resolve\"; allowed: verify, reject, arrive");
    cw_expect_unchanged(&w, &c, &s, "resolve of a reported case");
    FX_EXPECT(CPOL_ESTATE, cpol_case_assign(w.ctx, w.officer, &c, CPOL_TIER_OFFICER, &w.officer_id, NULL, NULL));
    FX_EXPECT(CPOL_ESTATE, cpol_case_close(w.ctx, w.leader, &c, NULL));
    FX_EXPECT(CPOL_ESTATE, cpol_case_followup(w.ctx, w.aux, &c, 0, 4, 0, NULL));
    FX_EXPECT(CPOL_ESTATE, cpol_case_reopen(w.ctx, w.officer, &c, "复发"));
    cw_expect_unchanged(&w, &c, &s, "steps out of order");

    cw_advance(&w, &c, CPOL_CASE_VERIFIED);
    s = cw_snap(&w, &c);
    FX_EXPECT(CPOL_ESTATE, cpol_case_verify(w.ctx, w.officer, &c, NULL));
    MESSAGE_HAS("a case that is verified cannot take the step \"verify\"; allowed: reject, assess, arrive, refer");
    cw_expect_unchanged(&w, &c, &s, "second verification");

    cw_advance(&w, &c, CPOL_CASE_RESOLVED);
    s = cw_snap(&w, &c);
    FX_EXPECT(CPOL_ESTATE, cpol_case_close(w.ctx, w.leader, &c, NULL));
    MESSAGE_HAS("allowed: feedback, reopen, spot-check confirm, spot-check reopen");
    FX_EXPECT(CPOL_ESTATE, cpol_case_reject(w.ctx, w.officer, &c, CPOL_REJECT_UNFOUNDED, NULL, "不实"));
    FX_EXPECT(CPOL_ESTATE, cpol_case_arrive(w.ctx, w.officer, &c, &w.aux_id, 0, NULL));
    cw_expect_unchanged(&w, &c, &s, "steps after resolution");

    cw_advance(&w, &c, CPOL_CASE_CLOSED);
    s = cw_snap(&w, &c);
    FX_EXPECT(CPOL_ESTATE, cpol_case_feedback(w.ctx, w.aux, &c, "再次反馈"));
    MESSAGE_HAS("a case that is closed");
    cw_expect_unchanged(&w, &c, &s, "feedback on a closed case");
    /* a closed case may still be reopened on recurrence */
    FX_OK(cpol_case_reopen(w.ctx, w.officer, &c, "纠纷复发"));
    ck_assert_int_eq(cw_state(&w, &c), CPOL_CASE_ASSESSED);
    {
        cpol_case *k;
        FX_OK(cpol_case_get(w.ctx, w.officer, &c, &k));
        ck_assert_int_eq(cpol_case_reopen_count(k), 1);
        ck_assert_int_eq(cpol_case_tier(k), 0);
        ck_assert_ptr_null(cpol_case_handler(k));
        ck_assert_int_eq(cpol_case_outcome(k), 0);
        ck_assert_int_eq(cpol_case_closed_at(k), 0);
        ck_assert_int_eq(cpol_case_risk_grade(k), CPOL_RISK_GENERAL);
        cpol_case_free(k);
    }
    cw_close(&w);
}
END_TEST

/* ---- risk grades and tiers ---- */

START_TEST(tiers_follow_the_risk_grade)
{
    cw w;
    cpol_id c, unknown;
    case_snap s;
    cpol_case *k;
    cw_open(&w, _i);
    FX_OK(cpol_id_new(w.ctx, &unknown));
    ck_assert_int_eq(cpol_risk_grade_min_tier(CPOL_RISK_HIGH), CPOL_TIER_LEADERSHIP);
    ck_assert_int_eq(cpol_risk_grade_min_tier(CPOL_RISK_ATTENTION), CPOL_TIER_OFFICER);
    ck_assert_int_eq(cpol_risk_grade_min_tier(CPOL_RISK_GENERAL), CPOL_TIER_ON_THE_SPOT);
    ck_assert_int_eq(cpol_risk_grade_min_tier(9), 0);
    c = cw_report(&w, w.grid, CPOL_CASE_SOURCE_GRID_WORKER, CPOL_CASE_FAMILY, "婚姻纠纷多次涉警");
    cw_advance(&w, &c, CPOL_CASE_VERIFIED);
    FX_EXPECT(CPOL_EINVALID, cpol_case_assess(w.ctx, w.officer, &c, 4, NULL));
    FX_OK(cpol_case_assess(w.ctx, w.officer, &c, CPOL_RISK_HIGH, "重点高危"));
    s = cw_snap(&w, &c);
    FX_EXPECT(CPOL_ERULE, cpol_case_assign(w.ctx, w.officer, &c, CPOL_TIER_OFFICER, &w.officer_id, NULL, NULL));
    MESSAGE_HAS("a case of risk grade high needs at least the station leadership tier; community officer is below it");
    FX_EXPECT(CPOL_EINVALID, cpol_case_assign(w.ctx, w.officer, &c, 5, &w.leader_id, NULL, NULL));
    FX_EXPECT(CPOL_ERULE, cpol_case_assign(w.ctx, w.officer, &c, CPOL_TIER_LEADERSHIP, &w.officer_id, NULL, NULL));
    MESSAGE_HAS("station leader");
    FX_EXPECT(CPOL_ENOTFOUND, cpol_case_assign(w.ctx, w.officer, &c, CPOL_TIER_LEADERSHIP, &unknown, NULL, NULL));
    MESSAGE_HAS("handler");
    FX_EXPECT(CPOL_EPERM, cpol_case_assign(w.ctx, w.guard, &c, CPOL_TIER_LEADERSHIP, &w.leader_id, NULL, NULL));
    MESSAGE_HAS("case.triage");
    cw_expect_unchanged(&w, &c, &s, "assignments below the minimum tier");
    FX_OK(cpol_case_assign(w.ctx, w.officer, &c, CPOL_TIER_LEADERSHIP, &w.leader_id, NULL, "所领导牵头"));
    /* de-escalation: officers and leaders only, never below the minimum */
    s = cw_snap(&w, &c);
    FX_EXPECT(CPOL_EPERM, cpol_case_deescalate(w.ctx, w.aux, &c, CPOL_TIER_OFFICER, &w.officer_id, NULL, "降级"));
    MESSAGE_HAS("lacks permission case.deescalate");
    FX_EXPECT(CPOL_ERULE, cpol_case_deescalate(w.ctx, w.officer, &c, CPOL_TIER_OFFICER, &w.officer_id, NULL, "降级"));
    MESSAGE_HAS("risk grade high needs at least the station leadership tier");
    FX_EXPECT(CPOL_EINVALID, cpol_case_deescalate(w.ctx, w.officer, &c, CPOL_TIER_OFFICER, &w.officer_id, NULL, ""));
    FX_EXPECT(CPOL_ERULE, cpol_case_escalate(w.ctx, w.officer, &c, CPOL_TIER_LEADERSHIP, &w.leader_id, NULL, "升级"));
    MESSAGE_HAS("escalation raises the tier");
    cw_expect_unchanged(&w, &c, &s, "tier changes breaking the grade");

    /* lowering the grade allows de-escalation, step by step and recorded */
    FX_OK(cpol_case_assess(w.ctx, w.officer, &c, CPOL_RISK_ATTENTION, "风险降低"));
    ck_assert_int_eq(cw_state(&w, &c), CPOL_CASE_ASSIGNED);
    FX_OK(cpol_case_deescalate(w.ctx, w.officer, &c, CPOL_TIER_OFFICER, &w.officer_id, NULL, "民警主导即可"));
    FX_EXPECT(CPOL_ERULE, cpol_case_assign(w.ctx, w.officer, &c, CPOL_TIER_TEAM, &w.aux_id, &w.team, NULL));
    MESSAGE_HAS("needs at least the community officer tier");
    FX_OK(cpol_case_assess(w.ctx, w.officer, &c, CPOL_RISK_GENERAL, "一般"));
    FX_EXPECT(CPOL_ERULE, cpol_case_assign(w.ctx, w.officer, &c, CPOL_TIER_TEAM, &w.aux_id, &w.team, NULL));
    MESSAGE_HAS("de-escalation");
    FX_OK(cpol_case_deescalate(w.ctx, w.leader, &c, CPOL_TIER_TEAM, &w.aux_id, &w.team, "辅警联合物业上门调解"));
    FX_OK(cpol_case_get(w.ctx, w.officer, &c, &k));
    ck_assert_int_eq(cpol_case_tier(k), CPOL_TIER_TEAM);
    ck_assert_int_eq(cpol_id_compare(cpol_case_team(k), &w.team), 0);
    ck_assert_int_eq(cpol_id_compare(cpol_case_handler(k), &w.aux_id), 0);
    cpol_case_free(k);

    /* the team tier: a team of the station, a fitting member of it */
    s = cw_snap(&w, &c);
    FX_EXPECT(CPOL_ERULE, cpol_case_assign(w.ctx, w.officer, &c, CPOL_TIER_TEAM, &w.guard_id, NULL, NULL));
    MESSAGE_HAS("needs the team");
    FX_EXPECT(CPOL_ERULE, cpol_case_assign(w.ctx, w.officer, &c, CPOL_TIER_TEAM, &w.grid_id, &w.team, NULL));
    MESSAGE_HAS("is not a member of 玉龙义警");
    FX_EXPECT(CPOL_ERULE, cpol_case_assign(w.ctx, w.officer, &c, CPOL_TIER_TEAM, &w.guard_id, &w.other_team, NULL));
    MESSAGE_HAS("another station");
    FX_EXPECT(CPOL_ERULE, cpol_case_assign(w.ctx, w.officer, &c, CPOL_TIER_TEAM, &w.informant_id, &w.team, NULL));
    MESSAGE_HAS("auxiliary officer (社区辅警), property guard (物业保安) or grid worker (网格员)");
    FX_EXPECT(CPOL_ENOTFOUND, cpol_case_assign(w.ctx, w.officer, &c, CPOL_TIER_TEAM, &w.guard_id, &unknown, NULL));
    FX_EXPECT(CPOL_ERULE, cpol_case_escalate(w.ctx, w.officer, &c, CPOL_TIER_OFFICER, &w.aux_id, NULL, "复杂"));
    MESSAGE_HAS("community officer (社区民警)");
    cw_expect_unchanged(&w, &c, &s, "unfit handlers");
    FX_OK(cpol_case_assign(w.ctx, w.officer, &c, CPOL_TIER_TEAM, &w.guard_id, &w.team, "物业保安接手"));

    /* raising the grade above the assigned tier sends the case back to assessment */
    FX_OK(cpol_case_assess(w.ctx, w.officer, &c, CPOL_RISK_ATTENTION, "升级为关注类"));
    FX_OK(cpol_case_get(w.ctx, w.officer, &c, &k));
    ck_assert_int_eq(cpol_case_state(k), CPOL_CASE_ASSESSED);
    ck_assert_ptr_null(cpol_case_handler(k));
    ck_assert_int_eq(cpol_case_tier(k), 0);
    cpol_case_free(k);
    FX_OK(cpol_case_assign(w.ctx, w.officer, &c, CPOL_TIER_OFFICER, &w.officer_id, NULL, NULL));
    ck_assert_int_eq(cw_state(&w, &c), CPOL_CASE_ASSIGNED);
    cw_close(&w);
}
END_TEST

START_TEST(volunteers_act_only_on_what_they_handle)
{
    cw w;
    cpol_id c, mine;
    case_snap s;
    cw_open(&w, _i);
    c = cw_report(&w, w.aux, CPOL_CASE_SOURCE_PROPERTY_ALERT, CPOL_CASE_PUBLIC_ORDER, "监控发现有人撬电动车锁");
    cw_advance(&w, &c, CPOL_CASE_ASSESSED);
    FX_OK(cpol_case_assign(w.ctx, w.aux, &c, CPOL_TIER_ON_THE_SPOT, &w.head_id, NULL, NULL));
    s = cw_snap(&w, &c);
    FX_EXPECT(CPOL_EPERM, cpol_case_resolve(w.ctx, w.informant, &c, CPOL_OUTCOME_MEDIATED, NULL));
    MESSAGE_HAS("信息员王 acting as security informant may resolve only a case they handle");
    FX_EXPECT(CPOL_EPERM, cpol_case_escalate(w.ctx, w.informant, &c, CPOL_TIER_OFFICER, &w.officer_id, NULL, "难"));
    MESSAGE_HAS("may escalate only a case they handle");
    FX_EXPECT(CPOL_EPERM, cpol_case_arrive(w.ctx, w.informant, &c, &w.head_id, 0, NULL));
    MESSAGE_HAS("may record only their own arrival");
    FX_EXPECT(CPOL_EPERM, cpol_case_verify(w.ctx, w.informant, &c, NULL));
    FX_EXPECT(CPOL_EPERM, cpol_case_feedback(w.ctx, w.grid, &c, "反馈"));
    MESSAGE_HAS("case.followup");
    cw_expect_unchanged(&w, &c, &s, "volunteers acting beyond their own");
    /* first responders record their own arrival, even before assignment of them */
    FX_OK(cpol_case_arrive(w.ctx, w.guard, &c, &w.guard_id, 0, "先期处置"));
    ck_assert_int_eq(cw_state(&w, &c), CPOL_CASE_HANDLING);
    /* the handler escalates their own case */
    FX_OK(cpol_case_escalate(w.ctx, w.head, &c, CPOL_TIER_OFFICER, &w.officer_id, NULL, "涉法疑难, 民警主导"));
    FX_EXPECT(CPOL_EPERM, cpol_case_resolve(w.ctx, w.head, &c, CPOL_OUTCOME_MEDIATED, NULL));
    FX_OK(cpol_case_resolve(w.ctx, w.officer, &c, CPOL_OUTCOME_HANDED_OVER, "转案件侦办"));
    /* the volunteer police may report and record their own arrival */
    mine = cw_report(&w, w.volunteer, CPOL_CASE_SOURCE_VOLUNTEER_PATROL, CPOL_CASE_HAZARD, "电动车楼道充电");
    FX_OK(cpol_case_arrive(w.ctx, w.volunteer, &mine, &w.volunteer_id, 0, NULL));
    FX_EXPECT(CPOL_EPERM, cpol_case_escalate(w.ctx, w.volunteer, &mine, CPOL_TIER_TEAM, &w.aux_id, &w.team, "x"));
    cw_close(&w);
}
END_TEST

/* ---- arrivals, notes and times ---- */

START_TEST(arrivals_and_notes_are_checked)
{
    cw w;
    cpol_id c;
    case_snap s;
    char big[CPOL_CASE_NOTE_MAX + 2];
    cw_open(&w, _i);
    c = cw_report(&w, w.informant, CPOL_CASE_SOURCE_INFORMANT_TIP, CPOL_CASE_NEIGHBOUR, "邻里纠纷");
    cw_advance(&w, &c, CPOL_CASE_ASSIGNED);
    w.fx.now += 5 * MINUTE;
    s = cw_snap(&w, &c);
    FX_EXPECT(CPOL_EINVALID, cpol_case_arrive(w.ctx, w.officer, &c, &w.guard_id, w.fx.now - 10 * MINUTE, NULL));
    MESSAGE_HAS("is before the case was reported");
    MESSAGE_HAS("2025-06-23 02:00 UTC"); /* the report time is named */
    FX_EXPECT(CPOL_EINVALID, cpol_case_arrive(w.ctx, w.officer, &c, &w.guard_id, w.fx.now + MINUTE, NULL));
    MESSAGE_HAS("in the future");
    FX_EXPECT(CPOL_EINVALID, cpol_case_arrive(w.ctx, w.officer, &c, &w.guard_id, -1, NULL));
    FX_EXPECT(CPOL_ERULE, cpol_case_arrive(w.ctx, w.officer, &c, &w.other_resident, 0, NULL));
    MESSAGE_HAS("another station");
    memset(big, 'n', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    FX_EXPECT(CPOL_ETOOLONG, cpol_case_arrive(w.ctx, w.officer, &c, &w.guard_id, 0, big));
    MESSAGE_HAS("note");
    FX_EXPECT(CPOL_EUTF8, cpol_case_arrive(w.ctx, w.officer, &c, &w.guard_id, 0, "\xff\xfe"));
    FX_EXPECT(CPOL_EMISUSE, cpol_case_arrive(w.ctx, w.officer, &c, NULL, 0, NULL));
    cw_expect_unchanged(&w, &c, &s, "bad arrivals");
    FX_OK(cpol_case_arrive(w.ctx, w.officer, &c, &w.guard_id, w.fx.now - 3 * MINUTE, "稳控现场"));
    FX_EXPECT(CPOL_EEXISTS, cpol_case_arrive(w.ctx, w.officer, &c, &w.guard_id, 0, NULL));
    ck_assert_int_eq(cw_state(&w, &c), CPOL_CASE_HANDLING);
    s = cw_snap(&w, &c);
    FX_EXPECT(CPOL_ETOOLONG, cpol_case_resolve(w.ctx, w.officer, &c, CPOL_OUTCOME_MEDIATED, big));
    FX_EXPECT(CPOL_EINVALID, cpol_case_resolve(w.ctx, w.officer, &c, CPOL_OUTCOME_DEPARTMENT, NULL));
    MESSAGE_HAS("cpol_case_referral_reply");
    FX_EXPECT(CPOL_EINVALID, cpol_case_resolve(w.ctx, w.officer, &c, 0, NULL));
    FX_EXPECT(CPOL_EMISUSE, cpol_case_resolve(w.ctx, NULL, &c, CPOL_OUTCOME_MEDIATED, NULL));
    cw_expect_unchanged(&w, &c, &s, "bad resolutions");
    cw_close(&w);
}
END_TEST

/* ---- closing ---- */

START_TEST(closing_needs_a_follow_up_visit_and_someone_else)
{
    cw w;
    cpol_id c, high;
    case_snap s;
    cw_open(&w, _i);
    c = cw_report(&w, w.aux, CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, CPOL_CASE_NEIGHBOUR, "装修噪音");
    cw_advance(&w, &c, CPOL_CASE_FED_BACK);
    s = cw_snap(&w, &c);
    FX_EXPECT(CPOL_ERULE, cpol_case_close(w.ctx, w.leader, &c, NULL));
    MESSAGE_HAS("only after a follow-up visit (回访)");
    cw_expect_unchanged(&w, &c, &s, "close without a visit");
    FX_EXPECT(CPOL_EINVALID, cpol_case_followup(w.ctx, w.aux, &c, 0, 0, 0, NULL));
    MESSAGE_HAS("satisfaction 0 is outside 1..5");
    FX_EXPECT(CPOL_EINVALID, cpol_case_followup(w.ctx, w.aux, &c, 0, 6, 0, NULL));
    FX_EXPECT(CPOL_EINVALID, cpol_case_followup(w.ctx, w.aux, &c, 0, 4, 2, NULL));
    FX_EXPECT(CPOL_EINVALID, cpol_case_followup(w.ctx, w.aux, &c, w.fx.now - DAY, 4, 0, NULL));
    MESSAGE_HAS("before the case was resolved");
    FX_EXPECT(CPOL_EINVALID, cpol_case_followup(w.ctx, w.aux, &c, w.fx.now + DAY, 4, 0, NULL));
    FX_EXPECT(CPOL_EPERM, cpol_case_followup(w.ctx, w.guard, &c, 0, 4, 0, NULL));
    cw_expect_unchanged(&w, &c, &s, "bad visits");
    /* a visit that finds recurrence forbids closing: reopen instead */
    w.fx.now += DAY;
    FX_OK(cpol_case_followup(w.ctx, w.aux, &c, 0, 2, 1, "又吵起来了"));
    s = cw_snap(&w, &c);
    FX_EXPECT(CPOL_ERULE, cpol_case_close(w.ctx, w.leader, &c, NULL));
    MESSAGE_HAS("recurred");
    FX_EXPECT(CPOL_EPERM, cpol_case_close(w.ctx, w.aux, &c, NULL));
    MESSAGE_HAS("case.close");
    FX_EXPECT(CPOL_EINVALID, cpol_case_reopen(w.ctx, w.officer, &c, ""));
    cw_expect_unchanged(&w, &c, &s, "close after recurrence");
    FX_OK(cpol_case_reopen(w.ctx, w.officer, &c, "回访发现复发"));
    cw_advance(&w, &c, CPOL_CASE_FOLLOWED_UP);
    /* the officer handled it: he may not evaluate his own handling */
    s = cw_snap(&w, &c);
    FX_EXPECT(CPOL_ERULE, cpol_case_close(w.ctx, w.officer, &c, NULL));
    MESSAGE_HAS("nobody closes a case they handled");
    cw_expect_unchanged(&w, &c, &s, "self-evaluation");
    FX_OK(cpol_case_close(w.ctx, w.leader, &c, "复发后化解"));

    /* handled by station leadership: closed only by a leader */
    high = cw_report(&w, w.aux, CPOL_CASE_SOURCE_DISPATCH_110, CPOL_CASE_FAMILY, "家暴警情");
    cw_advance(&w, &high, CPOL_CASE_VERIFIED);
    FX_OK(cpol_case_assess(w.ctx, w.officer, &high, CPOL_RISK_HIGH, NULL));
    FX_OK(cpol_case_assign(w.ctx, w.officer, &high, CPOL_TIER_LEADERSHIP, &w.leader_id, NULL, NULL));
    FX_OK(cpol_case_resolve(w.ctx, w.leader, &high, CPOL_OUTCOME_MEDIATED, NULL));
    FX_OK(cpol_case_feedback(w.ctx, w.aux, &high, "已反馈"));
    FX_OK(cpol_case_followup(w.ctx, w.aux, &high, 0, 4, 0, NULL));
    s = cw_snap(&w, &high);
    FX_EXPECT(CPOL_ERULE, cpol_case_close(w.ctx, w.officer, &high, NULL));
    MESSAGE_HAS("closed only by a station leader");
    cw_expect_unchanged(&w, &high, &s, "an officer closing a leadership case");
    FX_EXPECT(CPOL_ERULE, cpol_case_close(w.ctx, w.leader, &high, NULL)); /* he handled it himself */
    FX_OK(cpol_case_close(w.ctx, w.sys, &high, "导入"));
    cw_close(&w);
}
END_TEST

/* ---- rejection, referral, parties ---- */

START_TEST(rejections_and_duplicates)
{
    cw w;
    cpol_id first, again, other, unknown;
    case_snap s;
    cpol_case *k;
    cw_open(&w, _i);
    FX_OK(cpol_id_new(w.ctx, &unknown));
    first = cw_report(&w, w.grid, CPOL_CASE_SOURCE_GRID_WORKER, CPOL_CASE_COMMERCIAL, "商户占道经营");
    again = cw_report(&w, w.guard, CPOL_CASE_SOURCE_PROPERTY_ALERT, CPOL_CASE_COMMERCIAL, "商户占道经营(监控)");
    {
        cpol_case_fields f = CPOL_CASE_FIELDS_INIT;
        f.source = CPOL_CASE_SOURCE_RESIDENT_COMPLAINT;
        f.category = CPOL_CASE_COMMERCIAL;
        f.description = "南屏的占道";
        f.area = &w.other_community;
        FX_OK(cpol_case_report(w.ctx, w.other_officer, &f, &other));
    }
    s = cw_snap(&w, &again);
    FX_EXPECT(CPOL_EINVALID, cpol_case_reject(w.ctx, w.officer, &again, CPOL_REJECT_DUPLICATE, NULL, "重复"));
    MESSAGE_HAS("needs the original");
    FX_EXPECT(CPOL_EINVALID, cpol_case_reject(w.ctx, w.officer, &again, CPOL_REJECT_UNFOUNDED, &first, "不实"));
    FX_EXPECT(CPOL_EINVALID, cpol_case_reject(w.ctx, w.officer, &again, CPOL_REJECT_DUPLICATE, &again, "重复"));
    MESSAGE_HAS("itself");
    FX_EXPECT(CPOL_EINVALID, cpol_case_reject(w.ctx, w.officer, &again, 3, NULL, "x"));
    FX_EXPECT(CPOL_EINVALID, cpol_case_reject(w.ctx, w.officer, &again, CPOL_REJECT_UNFOUNDED, NULL, ""));
    FX_EXPECT(CPOL_ERULE, cpol_case_reject(w.ctx, w.officer, &again, CPOL_REJECT_DUPLICATE, &other, "重复"));
    MESSAGE_HAS("same station");
    FX_EXPECT(CPOL_ENOTFOUND, cpol_case_reject(w.ctx, w.officer, &again, CPOL_REJECT_DUPLICATE, &unknown, "重复"));
    MESSAGE_HAS("original case");
    FX_EXPECT(CPOL_EPERM, cpol_case_reject(w.ctx, w.grid, &again, CPOL_REJECT_DUPLICATE, &first, "重复"));
    cw_expect_unchanged(&w, &again, &s, "bad rejections");
    FX_OK(cpol_case_reject(w.ctx, w.officer, &again, CPOL_REJECT_DUPLICATE, &first, "同一商户"));
    FX_OK(cpol_case_get(w.ctx, w.officer, &again, &k));
    ck_assert_int_eq(cpol_case_state(k), CPOL_CASE_REJECTED);
    ck_assert_int_eq(cpol_id_compare(cpol_case_duplicate_of(k), &first), 0);
    cpol_case_free(k);
    s = cw_snap(&w, &again);
    FX_EXPECT(CPOL_ESTATE, cpol_case_reopen(w.ctx, w.officer, &again, "x"));
    MESSAGE_HAS("allowed: none (final state)");
    FX_EXPECT(CPOL_ESTATE, cpol_case_party_add(w.ctx, w.officer, &again, NULL, "摊主", NULL));
    cw_expect_unchanged(&w, &again, &s, "steps on a rejected case");
    /* rejecting later, during handling, is allowed */
    cw_advance(&w, &first, CPOL_CASE_HANDLING);
    FX_OK(cpol_case_reject(w.ctx, w.officer, &first, CPOL_REJECT_UNFOUNDED, NULL, "现场核查不属实"));
    cw_close(&w);
}
END_TEST

START_TEST(referrals_go_to_a_department_and_come_back)
{
    cw w;
    cpol_id c, declined, ref;
    case_snap s;
    cpol_case *k;
    cw_open(&w, _i);
    c = cw_report(&w, w.grid, CPOL_CASE_SOURCE_GRID_WORKER, CPOL_CASE_NON_POLICE, "路灯损坏、井盖缺失");
    cw_advance(&w, &c, CPOL_CASE_VERIFIED);
    s = cw_snap(&w, &c);
    FX_EXPECT(CPOL_EINVALID, cpol_case_refer(w.ctx, w.officer, &c, "城管", w.fx.now, NULL, &ref));
    MESSAGE_HAS("not in the future");
    FX_EXPECT(CPOL_EINVALID, cpol_case_refer(w.ctx, w.officer, &c, "", w.fx.now + DAY, NULL, &ref));
    FX_EXPECT(CPOL_EMISUSE, cpol_case_refer(w.ctx, w.officer, &c, NULL, w.fx.now + DAY, NULL, &ref));
    FX_EXPECT(CPOL_EPERM, cpol_case_refer(w.ctx, w.grid, &c, "城管", w.fx.now + DAY, NULL, &ref));
    FX_EXPECT(CPOL_ESTATE, cpol_case_referral_reply(w.ctx, w.officer, &c, 1, "已修复", 0));
    MESSAGE_HAS("\"referral reply\"");
    cw_expect_unchanged(&w, &c, &s, "bad referrals");
    FX_OK(cpol_case_refer(w.ctx, w.officer, &c, "城管", w.fx.now + 3 * DAY, "请修复路灯", &ref));
    ck_assert_int_eq(cw_state(&w, &c), CPOL_CASE_REFERRED);
    w.fx.now += DAY;
    s = cw_snap(&w, &c);
    FX_EXPECT(CPOL_EINVALID, cpol_case_referral_reply(w.ctx, w.officer, &c, 1, "已修复", w.fx.now - 2 * DAY));
    MESSAGE_HAS("before the referral");
    FX_EXPECT(CPOL_EINVALID, cpol_case_referral_reply(w.ctx, w.officer, &c, 2, "已修复", 0));
    FX_EXPECT(CPOL_EINVALID, cpol_case_referral_reply(w.ctx, w.officer, &c, 1, "", 0));
    FX_EXPECT(CPOL_ESTATE, cpol_case_resolve(w.ctx, w.officer, &c, CPOL_OUTCOME_RECTIFIED, NULL));
    cw_expect_unchanged(&w, &c, &s, "bad replies");
    FX_OK(cpol_case_referral_reply(w.ctx, w.officer, &c, 1, "城管已修复路灯", 0));
    FX_OK(cpol_case_get(w.ctx, w.officer, &c, &k));
    ck_assert_int_eq(cpol_case_state(k), CPOL_CASE_RESOLVED);
    ck_assert_int_eq(cpol_case_outcome(k), CPOL_OUTCOME_DEPARTMENT);
    ck_assert_int_eq(cpol_case_resolved_at(k), w.fx.now);
    cpol_case_free(k);
    cw_advance(&w, &c, CPOL_CASE_CLOSED);

    /* a department that declines hands the matter back to the station */
    declined = cw_report(&w, w.grid, CPOL_CASE_SOURCE_GRID_WORKER, CPOL_CASE_NON_POLICE, "低保申请");
    cw_advance(&w, &declined, CPOL_CASE_ASSIGNED);
    FX_OK(cpol_case_refer(w.ctx, w.aux, &declined, "民政", w.fx.now + DAY, NULL, NULL));
    FX_OK(cpol_case_referral_reply(w.ctx, w.aux, &declined, 0, "不属本部门职责", 0));
    FX_OK(cpol_case_get(w.ctx, w.officer, &declined, &k));
    ck_assert_int_eq(cpol_case_state(k), CPOL_CASE_ASSESSED);
    ck_assert_ptr_null(cpol_case_handler(k));
    cpol_case_free(k);
    cw_close(&w);
}
END_TEST

START_TEST(parties_are_people_or_names)
{
    cw w;
    cpol_id c, unknown, party;
    case_snap s;
    cw_open(&w, _i);
    FX_OK(cpol_id_new(w.ctx, &unknown));
    c = cw_report(&w, w.informant, CPOL_CASE_SOURCE_INFORMANT_TIP, CPOL_CASE_NEIGHBOUR, "两户争吵");
    s = cw_snap(&w, &c);
    FX_EXPECT(CPOL_EINVALID, cpol_case_party_add(w.ctx, w.officer, &c, &w.resident, "孙某", NULL));
    MESSAGE_HAS("either");
    FX_EXPECT(CPOL_EINVALID, cpol_case_party_add(w.ctx, w.officer, &c, NULL, NULL, NULL));
    FX_EXPECT(CPOL_EINVALID, cpol_case_party_add(w.ctx, w.officer, &c, NULL, "", NULL));
    FX_EXPECT(CPOL_EUTF8, cpol_case_party_add(w.ctx, w.officer, &c, NULL, "\xc0\xaf", NULL));
    FX_EXPECT(CPOL_ENOTFOUND, cpol_case_party_add(w.ctx, w.officer, &c, &unknown, NULL, NULL));
    FX_EXPECT(CPOL_EPERM, cpol_case_party_add(w.ctx, w.guard, &c, NULL, "楼下住户", NULL));
    MESSAGE_HAS("case.triage");
    FX_EXPECT(CPOL_ENOTFOUND, cpol_case_party_add(w.ctx, w.officer, &unknown, NULL, "楼下住户", NULL));
    MESSAGE_HAS("case");
    cw_expect_unchanged(&w, &c, &s, "bad parties");
    FX_OK(cpol_case_party_add(w.ctx, w.informant, &c, &w.resident, NULL, &party)); /* the reporter may */
    FX_OK(cpol_case_party_add(w.ctx, w.officer, &c, NULL, "楼下住户", NULL));
    FX_EXPECT(CPOL_EEXISTS, cpol_case_party_add(w.ctx, w.officer, &c, &w.resident, NULL, NULL));
    MESSAGE_HAS("居民孙 is already a party");
    ck_assert_int_eq(cw_audit_count(&w, &c), 3);
    cw_close(&w);
}
END_TEST

/* ---- points ---- */

START_TEST(points_for_leads_mediations_and_hazards)
{
    cw w;
    cpol_id lead, false_lead, mediation, hazard, own;
    case_snap s;
    cw_open(&w, _i);
    FX_OK(cpol_earning_rule_set(w.ctx, w.leader, &w.fx.station, CPOL_EARN_CASE_LEAD, 10, 0, 0));
    FX_OK(cpol_earning_rule_set(w.ctx, w.leader, &w.fx.station, CPOL_EARN_MEDIATION, 20, 0, 0));
    FX_OK(cpol_earning_rule_set(w.ctx, w.leader, &w.fx.station, CPOL_EARN_HAZARD, 15, 0, 0));

    /* a verified informant lead earns once, however often it is looked at */
    lead = cw_report(&w, w.informant, CPOL_CASE_SOURCE_INFORMANT_TIP, CPOL_CASE_THEFT_FRAUD, "有人销赃电瓶");
    FX_OK(cpol_case_verify(w.ctx, w.officer, &lead, NULL));
    ck_assert_int_eq(cw_balance(&w, &w.informant_id), 10);
    /* a lead rejected as unfounded after verification loses its points */
    false_lead = cw_report(&w, w.informant, CPOL_CASE_SOURCE_INFORMANT_TIP, CPOL_CASE_THEFT_FRAUD, "可疑人员");
    FX_OK(cpol_case_verify(w.ctx, w.officer, &false_lead, NULL));
    ck_assert_int_eq(cw_balance(&w, &w.informant_id), 20);
    FX_OK(cpol_case_reject(w.ctx, w.officer, &false_lead, CPOL_REJECT_UNFOUNDED, NULL, "经查不实"));
    ck_assert_int_eq(cw_balance(&w, &w.informant_id), 10);
    /* staff leads earn nothing; nobody verifies their own report */
    own = cw_report(&w, w.aux, CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, CPOL_CASE_NEIGHBOUR, "辅警接报");
    s = cw_snap(&w, &own);
    FX_EXPECT(CPOL_ERULE, cpol_case_verify(w.ctx, w.aux, &own, NULL));
    MESSAGE_HAS("nobody verifies their own report");
    cw_expect_unchanged(&w, &own, &s, "self-verification");
    FX_OK(cpol_case_verify(w.ctx, w.officer, &own, NULL));
    ck_assert_int_eq(cw_balance(&w, &w.aux_id), 0);

    /* mediated on the spot by the building head: points when the case is closed */
    mediation = cw_report(&w, w.aux, CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, CPOL_CASE_NEIGHBOUR, "漏水纠纷");
    cw_advance(&w, &mediation, CPOL_CASE_ASSESSED);
    FX_OK(cpol_case_assign(w.ctx, w.aux, &mediation, CPOL_TIER_ON_THE_SPOT, &w.head_id, NULL, NULL));
    FX_OK(cpol_case_resolve(w.ctx, w.head, &mediation, CPOL_OUTCOME_MEDIATED, "达成协议"));
    ck_assert_int_eq(cw_balance(&w, &w.head_id), 0);
    cw_advance(&w, &mediation, CPOL_CASE_CLOSED);
    ck_assert_int_eq(cw_balance(&w, &w.head_id), 20);
    /* reopening and closing again does not pay twice */
    FX_OK(cpol_case_reopen(w.ctx, w.officer, &mediation, "复查"));
    FX_OK(cpol_case_assign(w.ctx, w.aux, &mediation, CPOL_TIER_ON_THE_SPOT, &w.head_id, NULL, NULL));
    FX_OK(cpol_case_resolve(w.ctx, w.head, &mediation, CPOL_OUTCOME_MEDIATED, NULL));
    cw_advance(&w, &mediation, CPOL_CASE_CLOSED);
    ck_assert_int_eq(cw_balance(&w, &w.head_id), 20);

    /* a hazard found by the volunteer police and rectified */
    hazard = cw_report(&w, w.volunteer, CPOL_CASE_SOURCE_VOLUNTEER_PATROL, CPOL_CASE_HAZARD, "消防通道堵塞");
    cw_advance(&w, &hazard, CPOL_CASE_HANDLING);
    FX_OK(cpol_case_resolve(w.ctx, w.officer, &hazard, CPOL_OUTCOME_RECTIFIED, "已清理"));
    cw_advance(&w, &hazard, CPOL_CASE_CLOSED);
    ck_assert_int_eq(cw_balance(&w, &w.volunteer_id), 10 + 15); /* lead + hazard */
    cw_close(&w);
}
END_TEST

/* ---- the permission table ---- */

START_TEST(case_permissions_by_role)
{
    static const struct {
        int perm;
        const char *name;
        const char *roles; /* O A V I G P B L M S R N: officer … analyst, x = holds */
    } rows[] = {
        {CPOL_PERM_CASE_REPORT, "case.report", "xxxxxxx__x__"},
        {CPOL_PERM_CASE_TRIAGE, "case.triage", "xx_______x__"},
        {CPOL_PERM_CASE_HANDLE, "case.handle", "xxxxxxx__x__"},
        {CPOL_PERM_CASE_ESCALATE, "case.escalate", "xx_xxxx__x__"},
        {CPOL_PERM_CASE_DEESCALATE, "case.deescalate", "x________x__"},
        {CPOL_PERM_CASE_FOLLOWUP, "case.followup", "xx_______x__"},
        {CPOL_PERM_CASE_CLOSE, "case.close", "x________x__"},
        {CPOL_PERM_CASE_SPOTCHECK, "case.spotcheck", "_________x__"},
        {CPOL_PERM_CASE_VIEW, "case.view", "xx__x____x_x"},
        {CPOL_PERM_CASE_CONFIGURE, "case.configure", "_________x__"},
    };
    size_t i;
    int role;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        ck_assert_str_eq(cpol_permission_name(rows[i].perm), rows[i].name);
        for (role = CPOL_ROLE_OFFICER; role <= CPOL_ROLE_ANALYST; role++)
            ck_assert_msg(cpol_role_can(role, rows[i].perm) == (rows[i].roles[role - 1] == 'x'), "%s for %s",
                          rows[i].name, cpol_role_name(role));
    }
    /* the earlier permissions kept their values */
    ck_assert_str_eq(cpol_permission_name(CPOL_PERM_POINTS_VIEW), "points.view");
    ck_assert_str_eq(cpol_permission_name(32), "unknown"); /* 31 is settings.manage */
}
END_TEST

START_TEST(names_of_the_case_enums)
{
    ck_assert_str_eq(cpol_case_state_name(CPOL_CASE_FED_BACK), "fed back");
    ck_assert_str_eq(cpol_case_state_name(0), "unknown");
    ck_assert_str_eq(cpol_case_state_name(12), "unknown");
    ck_assert_str_eq(cpol_case_source_name(CPOL_CASE_SOURCE_INFORMANT_TIP), "informant tip");
    ck_assert_str_eq(cpol_case_category_name(CPOL_CASE_HAZARD), "safety hazard");
    ck_assert_str_eq(cpol_case_category_code(CPOL_CASE_THEFT_FRAUD), "theft-fraud");
    ck_assert_str_eq(cpol_case_category_code(99), "unknown");
    ck_assert_str_eq(cpol_risk_grade_name(CPOL_RISK_ATTENTION), "attention");
    ck_assert_str_eq(cpol_case_tier_name(CPOL_TIER_ON_THE_SPOT), "on the spot");
    ck_assert_str_eq(cpol_case_outcome_name(CPOL_OUTCOME_HANDED_OVER), "handed to case investigation");
    ck_assert_str_eq(cpol_case_step_name(CPOL_STEP_SPOT_REOPEN), "spot-check reopen");
    ck_assert_str_eq(cpol_case_stage_name(CPOL_STAGE_ARRIVAL), "arrival");
    ck_assert_str_eq(cpol_case_stage_name(-1), "unknown");
}
END_TEST

static Suite *case_suite(void)
{
    Suite *s = suite_create("case");
    TCase *tc = tcase_create("workflow");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, intake_reads_back_and_protects_informants, 0, 2);
    tcase_add_loop_test(tc, intake_refuses_bad_input, 0, 2);
    tcase_add_loop_test(tc, the_closed_loop_is_recorded_step_by_step, 0, 2);
    tcase_add_loop_test(tc, steps_out_of_order_are_refused_naming_state_and_allowed_steps, 0, 2);
    tcase_add_loop_test(tc, tiers_follow_the_risk_grade, 0, 2);
    tcase_add_loop_test(tc, volunteers_act_only_on_what_they_handle, 0, 2);
    tcase_add_loop_test(tc, arrivals_and_notes_are_checked, 0, 2);
    tcase_add_loop_test(tc, closing_needs_a_follow_up_visit_and_someone_else, 0, 2);
    tcase_add_loop_test(tc, rejections_and_duplicates, 0, 2);
    tcase_add_loop_test(tc, referrals_go_to_a_department_and_come_back, 0, 2);
    tcase_add_loop_test(tc, parties_are_people_or_names, 0, 2);
    tcase_add_loop_test(tc, points_for_leads_mediations_and_hazards, 0, 2);
    tcase_add_test(tc, case_permissions_by_role);
    tcase_add_test(tc, names_of_the_case_enums);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(case_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
