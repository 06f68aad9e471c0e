/* Public API: a person's dossier and the points leaderboards, gathered from
 * roles, teams, training, shifts, the ledger and notes, on both backends. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <commpolice/commpolice.h>

#include "fixture.h"

static fx_world w;

/* One completed patrol of `minutes` for `v`, recorded by `rec`. */
static void patrol(cpol_actor *rec, const cpol_id *v, int minutes)
{
    cpol_shift_fields f = CPOL_SHIFT_FIELDS_INIT;
    cpol_id shift, signup;
    f.area = &w.community;
    f.kind = CPOL_SHIFT_PATROL;
    f.title = "巡逻";
    f.starts_at = w.now + 1000;
    f.ends_at = w.now + 1000 + (cpol_time)minutes * 60000;
    f.capacity = 10;
    FX_OK(cpol_shift_create(w.ctx, rec, &f, &shift));
    FX_OK(cpol_shift_signup(w.ctx, rec, &shift, v, &signup));
    w.now += 1000;
    FX_OK(cpol_signup_check_in(w.ctx, rec, &signup));
    w.now += (cpol_time)minutes * 60000;
    FX_OK(cpol_signup_complete(w.ctx, rec, &signup, -1));
}

START_TEST(dossier_gathers_every_module)
{
    cpol_actor *officer, *aux, *vol;
    cpol_id v, officer_id, team, course, session;
    cpol_dossier *d;
    cpol_team_fields tf = CPOL_TEAM_FIELDS_INIT;
    fx_open(&w, _i);
    officer = fx_staff(&w, "张警官", 1, CPOL_ROLE_OFFICER, &officer_id);
    aux = fx_staff(&w, "李辅警", 2, CPOL_ROLE_AUXILIARY, NULL);
    v = fx_volunteer(&w, "赵义警", 10, CPOL_ROLE_VOLUNTEER);
    FX_OK(cpol_earning_rule_set(w.ctx, officer, &w.station, CPOL_EARN_PATROL, 10, 0, 0));
    tf.name = "玉龙义警";
    tf.kind = CPOL_TEAM_VOLUNTEER_POLICE;
    tf.composition = CPOL_TEAM_TEMPLATE_1_N;
    tf.area = &w.community;
    tf.officer = &officer_id;
    FX_OK(cpol_team_create(w.ctx, officer, &tf, &team));
    FX_OK(cpol_team_member_add(w.ctx, officer, &team, &v, CPOL_TEAM_ROLE_MEMBER, NULL, NULL));
    patrol(aux, &v, 120);
    patrol(aux, &v, 60);
    FX_OK(cpol_course_create(w.ctx, officer, &w.station, CPOL_COURSE_FIRST_AID, "急救", 365, &course));
    FX_OK(cpol_training_session_create(w.ctx, officer, &course, w.now + 1000, 90, NULL, &session));
    w.now += 5000;
    FX_OK(cpol_training_attend(w.ctx, aux, &session, &v, 1, NULL));
    FX_OK(cpol_certificate_issue(w.ctx, officer, &course, &v, NULL));
    FX_OK(cpol_person_note_add(w.ctx, officer, &v, CPOL_NOTE_COMMENDATION, "见义勇为", NULL));

    FX_OK(cpol_dossier_get(w.ctx, officer, &v, &d));
    ck_assert_str_eq(cpol_person_name(cpol_dossier_person(d)), "赵义警");
    ck_assert_int_eq(cpol_person_masked(cpol_dossier_person(d)), 0);
    ck_assert_int_eq(cpol_dossier_active_roles(d), 1);
    ck_assert_int_eq(cpol_dossier_assignments(d), 1);
    ck_assert_int_eq(cpol_dossier_active_teams(d), 1);
    ck_assert_int_eq(cpol_dossier_patrol_minutes(d), 180);
    ck_assert_int_eq(cpol_dossier_publicity_minutes(d), 0);
    ck_assert_int_eq(cpol_dossier_activity_minutes(d), 180);
    ck_assert_int_eq(cpol_dossier_training_minutes(d), 90);
    ck_assert_int_eq(cpol_dossier_valid_certificates(d), 1);
    ck_assert_int_eq(cpol_dossier_points(d), 20);
    ck_assert_int_eq(cpol_dossier_commendations(d), 1);
    ck_assert_int_eq(cpol_dossier_disciplinary_notes(d), 0);
    cpol_dossier_free(d);
    /* a volunteer reads their own dossier, not someone else's */
    FX_OK(cpol_actor_open(w.ctx, &v, CPOL_ROLE_VOLUNTEER, &vol));
    FX_OK(cpol_dossier_get(w.ctx, vol, &v, &d));
    cpol_dossier_free(d);
    FX_EXPECT(CPOL_EPERM, cpol_dossier_get(w.ctx, vol, &officer_id, &d));
    ck_assert_ptr_null(d);
    /* the certificate lapses after a year */
    w.now += 366LL * 24 * 3600 * 1000;
    FX_OK(cpol_dossier_get(w.ctx, officer, &v, &d));
    ck_assert_int_eq(cpol_dossier_valid_certificates(d), 0);
    cpol_dossier_free(d);
    cpol_actor_free(vol);
    cpol_actor_free(officer);
    cpol_actor_free(aux);
    fx_close(&w);
}
END_TEST

START_TEST(leaderboard_ranks_a_period_and_scope)
{
    cpol_actor *officer, *aux;
    cpol_id officer_id, v[4], other_area, req, src, team;
    cpol_leaderboard_filter f = CPOL_LEADERBOARD_FILTER_INIT;
    cpol_leaderboard_iter *it;
    const cpol_leaderboard_entry *e;
    cpol_team_fields tf = CPOL_TEAM_FIELDS_INIT;
    cpol_person_fields pf = CPOL_PERSON_FIELDS_INIT;
    char seen[256] = "";
    int i;
    cpol_time start;
    fx_open(&w, _i);
    officer = fx_staff(&w, "张警官", 1, CPOL_ROLE_OFFICER, &officer_id);
    aux = fx_staff(&w, "李辅警", 2, CPOL_ROLE_AUXILIARY, NULL);
    FX_OK(cpol_earning_rule_set(w.ctx, officer, &w.station, CPOL_EARN_PATROL, 10, 0, 0));
    FX_OK(cpol_earning_rule_set(w.ctx, officer, &w.station, CPOL_EARN_CASE_LEAD, 50, 0, 0));
    for (i = 0; i < 4; i++) {
        char name[16];
        snprintf(name, sizeof name, "义警%c", 'A' + i);
        v[i] = fx_volunteer(&w, name, 10 + i, CPOL_ROLE_VOLUNTEER);
    }
    /* D lives in another community of the station */
    FX_OK(cpol_area_create(w.ctx, w.sys, &w.station, CPOL_AREA_COMMUNITY, "锦凤社区", &other_area));
    pf.home_area = &other_area;
    FX_OK(cpol_person_update(w.ctx, w.sys, &v[3], &pf));
    /* before the period: A earns a lead */
    FX_OK(cpol_id_new(w.ctx, &req));
    FX_OK(cpol_id_new(w.ctx, &src));
    FX_OK(cpol_points_award(w.ctx, w.sys, &req, &v[0], CPOL_EARN_CASE_LEAD, &src, NULL, NULL));
    w.now += 1000;
    start = w.now;
    /* in the period: B 30, C 30, A 10, D 50 (a lead, then reversed: 0) */
    for (i = 0; i < 3; i++) {
        FX_OK(cpol_id_new(w.ctx, &req));
        FX_OK(cpol_id_new(w.ctx, &src));
        FX_OK(cpol_points_award(w.ctx, w.sys, &req, &v[1], CPOL_EARN_PATROL, &src, NULL, NULL));
        FX_OK(cpol_id_new(w.ctx, &req));
        FX_OK(cpol_id_new(w.ctx, &src));
        FX_OK(cpol_points_award(w.ctx, w.sys, &req, &v[2], CPOL_EARN_PATROL, &src, NULL, NULL));
    }
    FX_OK(cpol_id_new(w.ctx, &req));
    FX_OK(cpol_id_new(w.ctx, &src));
    FX_OK(cpol_points_award(w.ctx, w.sys, &req, &v[0], CPOL_EARN_PATROL, &src, NULL, NULL));
    FX_OK(cpol_id_new(w.ctx, &req));
    FX_OK(cpol_id_new(w.ctx, &src));
    FX_OK(cpol_points_award(w.ctx, w.sys, &req, &v[3], CPOL_EARN_CASE_LEAD, &src, NULL, NULL));
    {
        cpol_id rev;
        FX_OK(cpol_id_new(w.ctx, &rev));
        FX_OK(cpol_points_reverse(w.ctx, officer, &rev, &req, "线索不实"));
    }
    f.station = &w.station;
    f.from = start;
    FX_OK(cpol_leaderboard_iter_new(w.ctx, officer, &f, &it));
    while (cpol_leaderboard_iter_next(it, &e) == CPOL_OK) {
        char line[64];
        snprintf(line, sizeof line, "%lld:%s:%lld;", (long long)cpol_leaderboard_entry_rank(e),
                 cpol_leaderboard_entry_name(e), (long long)cpol_leaderboard_entry_points(e));
        strcat(seen, line);
    }
    cpol_leaderboard_iter_free(it);
    ck_assert_str_eq(seen, "1:义警B:30;1:义警C:30;3:义警A:10;4:义警D:0;");
    /* one community only, top 2 */
    seen[0] = '\0';
    f.area = &w.community;
    f.limit = 2;
    FX_OK(cpol_leaderboard_iter_new(w.ctx, officer, &f, &it));
    while (cpol_leaderboard_iter_next(it, &e) == CPOL_OK) {
        strcat(seen, cpol_leaderboard_entry_name(e));
        strcat(seen, ";");
    }
    cpol_leaderboard_iter_free(it);
    ck_assert_str_eq(seen, "义警B;义警C;");
    /* a team's members only */
    tf.name = "巡逻队";
    tf.kind = CPOL_TEAM_PATROL;
    tf.composition = CPOL_TEAM_TEMPLATE_1_N;
    tf.area = &w.community;
    tf.officer = &officer_id;
    FX_OK(cpol_team_create(w.ctx, officer, &tf, &team));
    FX_OK(cpol_team_member_add(w.ctx, officer, &team, &v[2], CPOL_TEAM_ROLE_MEMBER, NULL, NULL));
    seen[0] = '\0';
    f.area = NULL;
    f.limit = 0;
    f.team = &team;
    FX_OK(cpol_leaderboard_iter_new(w.ctx, officer, &f, &it));
    while (cpol_leaderboard_iter_next(it, &e) == CPOL_OK) {
        strcat(seen, cpol_leaderboard_entry_name(e));
        strcat(seen, ";");
    }
    cpol_leaderboard_iter_free(it);
    ck_assert_str_eq(seen, "义警C;");
    /* bad input and permissions */
    f.station = NULL;
    FX_EXPECT(CPOL_EINVALID, cpol_leaderboard_iter_new(w.ctx, officer, &f, &it));
    f.station = &w.station;
    f.to = f.from;
    FX_EXPECT(CPOL_EINVALID, cpol_leaderboard_iter_new(w.ctx, officer, &f, &it));
    f.to = 0;
    {
        cpol_actor *vol;
        FX_OK(cpol_actor_open(w.ctx, &v[0], CPOL_ROLE_VOLUNTEER, &vol));
        FX_EXPECT(CPOL_EPERM, cpol_leaderboard_iter_new(w.ctx, vol, &f, &it));
        cpol_actor_free(vol);
    }
    cpol_actor_free(officer);
    cpol_actor_free(aux);
    fx_close(&w);
}
END_TEST

START_TEST(audit_hides_who_reported_a_case)
{
    cpol_actor *officer, *analyst, *informant;
    cpol_id officer_id, inf, kase;
    cpol_case_fields f = CPOL_CASE_FIELDS_INIT;
    cpol_audit_filter af = CPOL_AUDIT_FILTER_INIT;
    cpol_audit_iter *it;
    const cpol_audit_entry *e;
    fx_open(&w, _i);
    officer = fx_staff(&w, "张警官", 1, CPOL_ROLE_OFFICER, &officer_id);
    analyst = fx_staff(&w, "分析员", 2, CPOL_ROLE_ANALYST, NULL);
    inf = fx_volunteer(&w, "信息员", 10, CPOL_ROLE_INFORMANT);
    FX_OK(cpol_actor_open(w.ctx, &inf, CPOL_ROLE_INFORMANT, &informant));
    f.source = CPOL_CASE_SOURCE_INFORMANT_TIP;
    f.category = CPOL_CASE_THEFT_FRAUD;
    f.area = &w.compound;
    f.description = "3栋有人兜售来历不明的电瓶";
    FX_OK(cpol_case_report(w.ctx, informant, &f, &kase));
    af.object = &kase;
    /* an analyst reads the trail but not who tipped */
    FX_OK(cpol_audit_iter_new(w.ctx, analyst, &af, &it));
    FX_OK(cpol_audit_iter_next(it, &e));
    ck_assert_str_eq(cpol_audit_entry_action(e), "case.report");
    ck_assert_ptr_null(cpol_audit_entry_actor(e));
    ck_assert_int_eq(cpol_audit_entry_role(e), 0);
    cpol_audit_iter_free(it);
    /* the officer may see it */
    FX_OK(cpol_audit_iter_new(w.ctx, officer, &af, &it));
    FX_OK(cpol_audit_iter_next(it, &e));
    ck_assert_ptr_nonnull(cpol_audit_entry_actor(e));
    ck_assert_int_eq(cpol_id_compare(cpol_audit_entry_actor(e), &inf), 0);
    ck_assert_int_eq(cpol_audit_entry_role(e), CPOL_ROLE_INFORMANT);
    cpol_audit_iter_free(it);
    cpol_actor_free(informant);
    cpol_actor_free(analyst);
    cpol_actor_free(officer);
    fx_close(&w);
}
END_TEST


START_TEST(dossier_shows_only_what_the_reader_may_see)
{
    cpol_actor *officer, *aux, *grid, *informant;
    cpol_id v, inf, grid_id;
    cpol_dossier *d = NULL;
    fx_open(&w, _i);
    officer = fx_staff(&w, "张警官", 1, CPOL_ROLE_OFFICER, NULL);
    aux = fx_staff(&w, "李辅警", 2, CPOL_ROLE_AUXILIARY, NULL);
    v = fx_volunteer(&w, "赵义警", 10, CPOL_ROLE_VOLUNTEER);
    inf = fx_volunteer(&w, "信息员", 11, CPOL_ROLE_INFORMANT);
    grid_id = fx_volunteer(&w, "网格员", 12, CPOL_ROLE_GRID_WORKER);
    FX_OK(cpol_actor_open(w.ctx, &grid_id, CPOL_ROLE_GRID_WORKER, &grid));
    FX_OK(cpol_actor_open(w.ctx, &inf, CPOL_ROLE_INFORMANT, &informant));
    FX_OK(cpol_person_note_add(w.ctx, officer, &v, CPOL_NOTE_DISCIPLINE, "缺勤", NULL));
    FX_OK(cpol_person_note_add(w.ctx, officer, &inf, CPOL_NOTE_COMMENDATION, "线索属实", NULL));
    /* an auxiliary: masked file, no note counts (person.note), the balance (points.view) */
    FX_OK(cpol_dossier_get(w.ctx, aux, &v, &d));
    ck_assert_int_eq(cpol_person_masked(cpol_dossier_person(d)), 1);
    ck_assert_int_eq(cpol_person_birth_date(cpol_dossier_person(d)), 0);
    ck_assert_int_eq(cpol_dossier_disciplinary_notes(d), -1);
    ck_assert_int_eq(cpol_dossier_commendations(d), -1);
    ck_assert_int_eq(cpol_dossier_points(d), 0);
    ck_assert_int_eq(cpol_dossier_assignments(d), 1);
    cpol_dossier_free(d);
    /* a grid worker reads files but not balances */
    FX_OK(cpol_dossier_get(w.ctx, grid, &v, &d));
    ck_assert_int_eq(cpol_dossier_points(d), -1);
    cpol_dossier_free(d);
    /* the informant's dossier does not exist for them, as an unknown id */
    d = NULL;
    FX_EXPECT(CPOL_ENOTFOUND, cpol_dossier_get(w.ctx, aux, &inf, &d));
    fx_expect_message("does not exist");
    FX_EXPECT(CPOL_ENOTFOUND, cpol_dossier_get(w.ctx, grid, &inf, &d));
    ck_assert_ptr_null(d);
    /* the officer and the informant see it all */
    FX_OK(cpol_dossier_get(w.ctx, officer, &v, &d));
    ck_assert_int_eq(cpol_dossier_disciplinary_notes(d), 1);
    cpol_dossier_free(d);
    FX_OK(cpol_dossier_get(w.ctx, officer, &inf, &d));
    ck_assert_int_eq(cpol_dossier_commendations(d), 1);
    cpol_dossier_free(d);
    FX_OK(cpol_dossier_get(w.ctx, informant, &inf, &d));
    ck_assert_int_eq(cpol_dossier_commendations(d), 1);
    ck_assert_int_eq(cpol_person_masked(cpol_dossier_person(d)), 0);
    ck_assert_int_eq(cpol_dossier_assignments(d), 1);
    cpol_dossier_free(d);
    cpol_actor_free(informant);
    cpol_actor_free(grid);
    cpol_actor_free(officer);
    cpol_actor_free(aux);
    fx_close(&w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dossier");
    TCase *tc = tcase_create("dossier");
    SRunner *sr;
    int failed;
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, dossier_gathers_every_module, 0, 2);
    tcase_add_loop_test(tc, leaderboard_ranks_a_period_and_scope, 0, 2);
    tcase_add_loop_test(tc, audit_hides_who_reported_a_case, 0, 2);
    tcase_add_loop_test(tc, dossier_shows_only_what_the_reader_may_see, 0, 2);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
