/* Public API: the team structures of the seed articles, built as the people
 * who build them (the system actor only bootstraps the areas, the first
 * station leader and the officers), on the memory backend and on a SQLite
 * file:
 *   000 Lincang 临翔 "1+1+N": 玉龙义警, one officer, one auxiliary, 43
 *       volunteers admitted by review and one informant;
 *   001 Guiyang 贵筑派出所 "1+N": 10 平安管家 compound teams, 3 village
 *       义务巡逻队, 2 义务纠纷调解队;
 *   002 Chongqing 大渡口 "1+10+N": one core team, 10 self-governing
 *       sub-teams, 5 social units. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <commpolice/commpolice.h>

#include "../support/test_util.h"

static char uri[512];
static const char *tmp;

#define OK(call)                                                                                              \
    do {                                                                                                      \
        int rc_ = (call);                                                                                     \
        ck_assert_msg(rc_ == CPOL_OK, "%s: %s -> %s: %s", uri, #call, cpol_status_name(rc_),                  \
                      cpol_error_message());                                                                  \
    } while (0)

/* One installation with one station, its first leader and its officers. */
typedef struct seed {
    cpol_ctx *ctx;
    cpol_actor *sys, *leader;
    cpol_id bureau, station;
    unsigned int seq; /* ID-card order codes handed out so far */
} seed;

/* A valid GB 11643 number: Kunming Wuhua, a real birth date in the 1970s-80s. */
static void next_id_card(seed *s, char out[19])
{
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    unsigned int n = ++s->seq;
    int i, sum = 0;
    snprintf(out, 19, "53010219%u%u%02u%02u%03u", 7 + n % 2, n % 10, 1 + n % 12, 1 + n % 28, n % 1000);
    for (i = 0; i < 17; i++)
        sum += (out[i] - '0') * weights[i];
    out[17] = "10X98765432"[sum % 11];
    out[18] = '\0';
}

static cpol_id area(seed *s, const cpol_id *parent, int kind, const char *name)
{
    cpol_id id;
    OK(cpol_area_create(s->ctx, s->sys, parent, kind, name, &id));
    return id;
}

static cpol_id person(seed *s, const cpol_actor *as, const cpol_id *home, const char *name, int32_t categories)
{
    cpol_person_fields f = CPOL_PERSON_FIELDS_INIT;
    char card[19];
    cpol_id id;
    next_id_card(s, card);
    f.name = name;
    f.id_card = card;
    f.home_area = home;
    f.categories = categories;
    OK(cpol_person_register(s->ctx, as, &f, &id));
    return id;
}

static cpol_actor *act_as(seed *s, const cpol_id *who, int role)
{
    cpol_actor *a = NULL;
    OK(cpol_actor_open(s->ctx, who, role, &a));
    return a;
}

/* Bootstrap: bureau and station, the station leader and the officers (by the system actor). */
static void seed_open(seed *s, int backend, const char *bureau, const char *station)
{
    cpol_id leader;
    memset(s, 0, sizeof *s);
    tmp = tu_tmpdir();
    if (backend == 0)
        snprintf(uri, sizeof uri, "memory:");
    else
        tu_store_uri(uri, sizeof uri, tmp, "seed.db"); /* sqlite, or postgresql (tests/postgres/) */
    ck_assert_msg(cpol_ctx_open(&s->ctx, uri, tu_options()) == CPOL_OK, "open %s: %s", uri, cpol_error_message());
    OK(cpol_actor_system(s->ctx, &s->sys));
    s->bureau = area(s, NULL, CPOL_AREA_BUREAU, bureau);
    s->station = area(s, &s->bureau, CPOL_AREA_STATION, station);
    leader = person(s, s->sys, &s->station, "所长", 0);
    OK(cpol_role_appoint(s->ctx, s->sys, &leader, CPOL_ROLE_LEADER, &s->station, "首任所领导", NULL));
    s->leader = act_as(s, &leader, CPOL_ROLE_LEADER);
}

static cpol_id officer(seed *s, const char *name)
{
    cpol_id id = person(s, s->sys, &s->station, name, 0);
    OK(cpol_role_appoint(s->ctx, s->sys, &id, CPOL_ROLE_OFFICER, &s->station, NULL, NULL));
    return id;
}

static void seed_close(seed *s)
{
    cpol_actor_free(s->sys);
    cpol_actor_free(s->leader);
    ck_assert_int_eq(cpol_ctx_close(s->ctx), CPOL_OK);
    tu_rmtree(tmp);
}

/* 广泛发动、自愿参与、审核准入: register, apply, review, admit, activate, as the officer. */
static cpol_id recruit(seed *s, const cpol_actor *by, const cpol_id *home, const char *name, int role,
                       int32_t categories)
{
    cpol_id id = person(s, by, home, name, categories), a;
    OK(cpol_volunteer_apply(s->ctx, by, &id, role, home, "自愿报名", &a));
    OK(cpol_assignment_step(s->ctx, by, &a, CPOL_ASSIGNMENT_UNDER_REVIEW, NULL));
    OK(cpol_assignment_step(s->ctx, by, &a, CPOL_ASSIGNMENT_ADMITTED, "政审合格"));
    OK(cpol_assignment_step(s->ctx, by, &a, CPOL_ASSIGNMENT_ACTIVE, NULL));
    return id;
}

static int make_team(seed *s, const cpol_actor *by, const char *name, int kind, int composition,
                     const cpol_id *where, const cpol_id *parent, const cpol_id *lead, cpol_id *id)
{
    cpol_team_fields f = CPOL_TEAM_FIELDS_INIT;
    f.name = name;
    f.kind = kind;
    f.composition = composition;
    f.area = where;
    f.parent = parent;
    f.officer = lead;
    return cpol_team_create(s->ctx, by, &f, id);
}

static void join(seed *s, const cpol_actor *by, const cpol_id *team, const cpol_id *who, int role)
{
    OK(cpol_team_member_add(s->ctx, by, team, who, role, NULL, NULL));
}

static void expect_report(seed *s, const cpol_id *team, int officers, int aux, int members, int units,
                          int subteams)
{
    cpol_team_report *r = NULL;
    OK(cpol_team_check(s->ctx, s->sys, team, &r));
    ck_assert_msg(cpol_team_report_ok(r), "%s: %s", uri, cpol_team_report_message(r));
    ck_assert_str_eq(cpol_team_report_message(r), "");
    ck_assert_int_eq(cpol_team_report_officers(r), officers);
    ck_assert_int_eq(cpol_team_report_auxiliaries(r), aux);
    ck_assert_int_eq(cpol_team_report_members(r), members);
    ck_assert_int_eq(cpol_team_report_unit_contacts(r), units);
    ck_assert_int_eq(cpol_team_report_subteams(r), subteams);
    cpol_team_report_free(r);
}

/* Count the teams a filter lists; each must meet its template. */
static int count_sound_teams(seed *s, const cpol_team_filter *f)
{
    cpol_team_iter *it;
    const cpol_team *t;
    cpol_team_report *r;
    int n = 0, rc;
    OK(cpol_team_iter_new(s->ctx, s->sys, f, &it));
    while ((rc = cpol_team_iter_next(it, &t)) == CPOL_OK) {
        OK(cpol_team_check(s->ctx, s->sys, cpol_team_id(t), &r));
        ck_assert_msg(cpol_team_report_ok(r), "%s: team %s: %s", uri, cpol_team_name(t),
                      cpol_team_report_message(r));
        ck_assert_int_eq(cpol_team_report_officers(r), 1);
        cpol_team_report_free(r);
        n++;
    }
    ck_assert_int_eq(rc, CPOL_DONE);
    cpol_team_iter_free(it);
    return n;
}

/* ---- 000 Lincang: 玉龙义警, "1+1+N" ---- */

START_TEST(lincang_1_1_N_volunteer_police)
{
    seed s;
    cpol_id community, police, auxiliary, informant, team, volunteers[43], seen[43];
    cpol_actor *officer_actor;
    cpol_person_filter pf = CPOL_PERSON_FILTER_INIT;
    cpol_person_iter *it;
    const cpol_person *p;
    char name[64];
    int k, page, total = 0;
    seed_open(&s, _i, "临翔分局", "忙畔派出所");
    community = area(&s, &s.station, CPOL_AREA_COMMUNITY, "玉龙社区");
    police = officer(&s, "社区民警");
    officer_actor = act_as(&s, &police, CPOL_ROLE_OFFICER);
    /* the station leader appoints the auxiliary officer */
    auxiliary = person(&s, s.leader, &s.station, "社区辅警", 0);
    OK(cpol_role_appoint(s.ctx, s.leader, &auxiliary, CPOL_ROLE_AUXILIARY, &s.station, NULL, NULL));

    OK(cpol_batch_begin(s.ctx));
    for (k = 0; k < 43; k++) {
        snprintf(name, sizeof name, "玉龙义警%02d", k + 1);
        volunteers[k] = recruit(&s, officer_actor, &community, name, CPOL_ROLE_VOLUNTEER, 0);
    }
    /* an informant from the 三保两员两车一服 trades: a courier */
    informant = recruit(&s, officer_actor, &community, "快递信息员", CPOL_ROLE_INFORMANT, CPOL_CATEGORY_COURIER);
    OK(make_team(&s, officer_actor, "玉龙义警", CPOL_TEAM_VOLUNTEER_POLICE, CPOL_TEAM_TEMPLATE_1_1_N, &community,
                 NULL, &police, &team));
    join(&s, officer_actor, &team, &auxiliary, CPOL_TEAM_ROLE_AUXILIARY);
    for (k = 0; k < 43; k++)
        join(&s, officer_actor, &team, &volunteers[k], k == 0 ? CPOL_TEAM_ROLE_LEADER : CPOL_TEAM_ROLE_MEMBER);
    join(&s, officer_actor, &team, &informant, CPOL_TEAM_ROLE_MEMBER);
    OK(cpol_batch_commit(s.ctx));

    expect_report(&s, &team, 1, 1, 44, 0, 0);

    /* the 43 active volunteers of 玉龙社区, in pages of 10 */
    pf.area = &community;
    pf.role = CPOL_ROLE_VOLUNTEER;
    pf.status = CPOL_ASSIGNMENT_ACTIVE;
    pf.limit = 10;
    for (page = 0; page < 6; page++) {
        static const int expected[6] = {10, 10, 10, 10, 3, 0};
        int n = 0, rc, j;
        pf.offset = page * 10;
        OK(cpol_person_iter_new(s.ctx, officer_actor, &pf, &it));
        while ((rc = cpol_person_iter_next(it, &p)) == CPOL_OK) {
            for (j = 0; j < total; j++)
                ck_assert_msg(cpol_id_compare(&seen[j], cpol_person_id(p)) != 0, "%s: %s listed twice", uri,
                              cpol_person_name(p));
            ck_assert(strncmp(cpol_person_name(p), "玉龙义警", strlen("玉龙义警")) == 0);
            ck_assert_int_lt(total, 43);
            seen[total++] = *cpol_person_id(p);
            n++;
        }
        ck_assert_int_eq(rc, CPOL_DONE);
        cpol_person_iter_free(it);
        ck_assert_msg(n == expected[page], "%s: page %d has %d people, expected %d", uri, page, n, expected[page]);
    }
    ck_assert_int_eq(total, 43);
    cpol_actor_free(officer_actor);
    seed_close(&s);
}
END_TEST

/* ---- 001 Guiyang Guizhu station: "1+N" social forces ---- */

START_TEST(guiyang_guizhu_1_N_teams)
{
    static const char *const villages[3] = {"竹林村", "大坡村", "新寨村"};
    seed s;
    cpol_id community, compounds[10], village_ids[3], team, a, b, c;
    cpol_id steward_officer, village_officer, mediation_officer;
    cpol_actor *stewards, *patrols, *mediation;
    cpol_team_filter tf = CPOL_TEAM_FILTER_INIT;
    cpol_area_iter *ai;
    const cpol_area *ar;
    char name[96];
    int k, n_compounds = 0, n_villages = 0, rc;
    seed_open(&s, _i, "花溪分局", "贵筑派出所");
    community = area(&s, &s.station, CPOL_AREA_COMMUNITY, "贵筑社区");
    for (k = 0; k < 10; k++) {
        snprintf(name, sizeof name, "贵筑第%d小区", k + 1);
        compounds[k] = area(&s, &community, CPOL_AREA_COMPOUND, name);
    }
    for (k = 0; k < 3; k++)
        village_ids[k] = area(&s, &s.station, CPOL_AREA_VILLAGE, villages[k]);
    steward_officer = officer(&s, "社区民警甲");
    village_officer = officer(&s, "社区民警乙");
    mediation_officer = officer(&s, "社区民警丙");
    stewards = act_as(&s, &steward_officer, CPOL_ROLE_OFFICER);
    patrols = act_as(&s, &village_officer, CPOL_ROLE_OFFICER);
    mediation = act_as(&s, &mediation_officer, CPOL_ROLE_OFFICER);

    OK(cpol_batch_begin(s.ctx));
    /* 10 平安管家: officer + property guard + building head + grid worker */
    for (k = 0; k < 10; k++) {
        snprintf(name, sizeof name, "第%d小区保安", k + 1);
        a = recruit(&s, stewards, &compounds[k], name, CPOL_ROLE_PROPERTY_GUARD, CPOL_CATEGORY_SECURITY_GUARD);
        snprintf(name, sizeof name, "第%d小区楼栋长", k + 1);
        b = recruit(&s, stewards, &compounds[k], name, CPOL_ROLE_BUILDING_HEAD, 0);
        snprintf(name, sizeof name, "第%d小区网格员", k + 1);
        c = recruit(&s, stewards, &compounds[k], name, CPOL_ROLE_GRID_WORKER, 0);
        snprintf(name, sizeof name, "贵筑第%d小区平安管家", k + 1);
        OK(make_team(&s, stewards, name, CPOL_TEAM_SAFETY_STEWARDS, CPOL_TEAM_TEMPLATE_1_N, &compounds[k], NULL,
                     &steward_officer, &team));
        join(&s, stewards, &team, &a, CPOL_TEAM_ROLE_MEMBER);
        join(&s, stewards, &team, &b, CPOL_TEAM_ROLE_LEADER);
        join(&s, stewards, &team, &c, CPOL_TEAM_ROLE_MEMBER);
        expect_report(&s, &team, 1, 0, 3, 0, 0);
    }
    /* 3 义务巡逻队: the village's comprehensive-governance member and group leader */
    for (k = 0; k < 3; k++) {
        snprintf(name, sizeof name, "%s综治委员", villages[k]);
        a = recruit(&s, patrols, &village_ids[k], name, CPOL_ROLE_VOLUNTEER, 0);
        snprintf(name, sizeof name, "%s村小组长", villages[k]);
        b = recruit(&s, patrols, &village_ids[k], name, CPOL_ROLE_VOLUNTEER, 0);
        snprintf(name, sizeof name, "%s义务巡逻队", villages[k]);
        OK(make_team(&s, patrols, name, CPOL_TEAM_PATROL, CPOL_TEAM_TEMPLATE_1_N, &village_ids[k], NULL,
                     &village_officer, &team));
        join(&s, patrols, &team, &a, CPOL_TEAM_ROLE_LEADER);
        join(&s, patrols, &team, &b, CPOL_TEAM_ROLE_MEMBER);
        expect_report(&s, &team, 1, 0, 2, 0, 0);
    }
    /* 2 义务纠纷调解队 sitting in the station's mediation room: a pro-bono lawyer and a mediator */
    for (k = 0; k < 2; k++) {
        snprintf(name, sizeof name, "公益律师%d", k + 1);
        a = recruit(&s, mediation, &s.station, name, CPOL_ROLE_LAWYER, 0);
        snprintf(name, sizeof name, "司法所调解员%d", k + 1);
        b = recruit(&s, mediation, &s.station, name, CPOL_ROLE_MEDIATOR, 0);
        snprintf(name, sizeof name, "贵筑义务纠纷调解%d队", k + 1);
        OK(make_team(&s, mediation, name, CPOL_TEAM_MEDIATION, CPOL_TEAM_TEMPLATE_1_N, &s.station, NULL,
                     &mediation_officer, &team));
        join(&s, mediation, &team, &a, CPOL_TEAM_ROLE_MEMBER);
        join(&s, mediation, &team, &b, CPOL_TEAM_ROLE_MEMBER);
        expect_report(&s, &team, 1, 0, 2, 0, 0);
    }
    OK(cpol_batch_commit(s.ctx));

    tf.area = &s.station;
    ck_assert_int_eq(count_sound_teams(&s, &tf), 15);
    tf.kind = CPOL_TEAM_SAFETY_STEWARDS;
    ck_assert_int_eq(count_sound_teams(&s, &tf), 10);
    tf.kind = CPOL_TEAM_PATROL;
    ck_assert_int_eq(count_sound_teams(&s, &tf), 3);
    tf.kind = CPOL_TEAM_MEDIATION;
    ck_assert_int_eq(count_sound_teams(&s, &tf), 2);
    tf.kind = 0;
    tf.area = &community;
    ck_assert_int_eq(count_sound_teams(&s, &tf), 10);

    OK(cpol_area_iter_new(s.ctx, s.leader, &s.station, CPOL_AREA_WALK_DESCENDANTS, &ai));
    while ((rc = cpol_area_iter_next(ai, &ar)) == CPOL_OK) {
        n_compounds += cpol_area_kind(ar) == CPOL_AREA_COMPOUND;
        n_villages += cpol_area_kind(ar) == CPOL_AREA_VILLAGE;
    }
    ck_assert_int_eq(rc, CPOL_DONE);
    cpol_area_iter_free(ai);
    ck_assert_int_eq(n_compounds, 10);
    ck_assert_int_eq(n_villages, 3);
    cpol_actor_free(stewards);
    cpol_actor_free(patrols);
    cpol_actor_free(mediation);
    seed_close(&s);
}
END_TEST

/* ---- 002 Chongqing Dadukou: "1+10+N" ---- */

START_TEST(dadukou_1_10_N_team)
{
    static const char *const subteams[10] = {"社区工作者队", "治保委员会", "最小处置单元一队", "最小处置单元二队",
                                             "治安积极分子队", "楼栋巡查队", "院坝调解队", "应急救援队",
                                             "商铺联防队", "平安宣传队"};
    static const int kinds[10] = {CPOL_TEAM_PATROL, CPOL_TEAM_MEDIATION, CPOL_TEAM_RESCUE, CPOL_TEAM_RESCUE,
                                  CPOL_TEAM_VOLUNTEER_POLICE, CPOL_TEAM_PATROL, CPOL_TEAM_MEDIATION,
                                  CPOL_TEAM_RESCUE, CPOL_TEAM_SHOP_JOINT_DEFENCE, CPOL_TEAM_VOLUNTEER_POLICE};
    static const char *const units[5] = {"物业公司联络人", "超市联络人", "社区医院联络人", "小学联络人",
                                         "银行网点联络人"};
    seed s;
    cpol_id community, police, core, sub, who, extra;
    cpol_actor *officer_actor;
    cpol_team_filter tf = CPOL_TEAM_FILTER_INIT;
    char name[96];
    int k;
    seed_open(&s, _i, "大渡口区分局", "八桥派出所");
    community = area(&s, &s.station, CPOL_AREA_COMMUNITY, "双林社区");
    police = officer(&s, "刘大鹏");
    officer_actor = act_as(&s, &police, CPOL_ROLE_OFFICER);

    OK(cpol_batch_begin(s.ctx));
    OK(make_team(&s, officer_actor, "双林社区警务团队", CPOL_TEAM_VOLUNTEER_POLICE, CPOL_TEAM_TEMPLATE_1_10_N,
                 &community, NULL, &police, &core));
    /* 10 self-governing teams, each led by an activist, under the same officer */
    for (k = 0; k < 10; k++) {
        snprintf(name, sizeof name, "%s队长", subteams[k]);
        who = recruit(&s, officer_actor, &community, name, CPOL_ROLE_VOLUNTEER, 0);
        OK(make_team(&s, officer_actor, subteams[k], kinds[k], CPOL_TEAM_TEMPLATE_NONE, &community, &core, &police,
                     &sub));
        join(&s, officer_actor, &sub, &who, CPOL_TEAM_ROLE_LEADER);
    }
    /* N = 5 social units, each represented by a contact person registered at the station */
    for (k = 0; k < 5; k++) {
        who = person(&s, officer_actor, &community, units[k], 0);
        join(&s, officer_actor, &core, &who, CPOL_TEAM_ROLE_UNIT_CONTACT);
    }
    OK(cpol_batch_commit(s.ctx));

    expect_report(&s, &core, 1, 0, 0, 5, 10);
    tf.parent = &core;
    ck_assert_int_eq(count_sound_teams(&s, &tf), 10);
    tf.parent = NULL;
    tf.area = &s.station;
    ck_assert_int_eq(count_sound_teams(&s, &tf), 11);

    /* the 11th self-governing team is refused, and nothing changes */
    ck_assert_int_eq(make_team(&s, officer_actor, "第十一支自治队", CPOL_TEAM_PATROL, CPOL_TEAM_TEMPLATE_NONE,
                               &community, &core, &police, &extra),
                     CPOL_ELIMIT);
    ck_assert(strstr(cpol_error_message(), "at most 10 sub-teams") != NULL);
    expect_report(&s, &core, 1, 0, 0, 5, 10);
    ck_assert_int_eq(count_sound_teams(&s, &tf), 11);
    cpol_actor_free(officer_actor);
    seed_close(&s);
}
END_TEST

static Suite *seeds_suite(void)
{
    Suite *s = suite_create("seeds");
    TCase *tc = tcase_create("seeds");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, lincang_1_1_N_volunteer_police, 0, 2);
    tcase_add_loop_test(tc, guiyang_guizhu_1_N_teams, 0, 2);
    tcase_add_loop_test(tc, dadukou_1_10_N_team, 0, 2);
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
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
