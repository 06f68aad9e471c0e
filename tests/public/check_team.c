/* Public API: teams (一队一警, composition templates, members, sub-teams),
 * on the memory backend and on a SQLite file: every rule, every refusal
 * leaving storage as it was, the audit trail of each step. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <commpolice/commpolice.h>

#include "../support/covert.h"
#include "../support/test_util.h"

static char uri[512];
static const char *tmp;

#define OK(call)                                                                                              \
    do {                                                                                                      \
        int rc_ = (call);                                                                                     \
        ck_assert_msg(rc_ == CPOL_OK, "%s: %s -> %s: %s", uri, #call, cpol_status_name(rc_),                  \
                      cpol_error_message());                                                                  \
    } while (0)

#define FAILS(code, call)                                                                                     \
    do {                                                                                                      \
        int rc_ = (call);                                                                                     \
        ck_assert_msg(rc_ == (code), "%s: %s -> %s (%s), expected %s", uri, #call, cpol_status_name(rc_),     \
                      cpol_error_message(), cpol_status_name(code));                                          \
    } while (0)

#define MESSAGE_HAS(text)                                                                                     \
    ck_assert_msg(strstr(cpol_error_message(), (text)) != NULL, "message \"%s\" lacks \"%s\"",                \
                  cpol_error_message(), (text))

/* A GB 11643 number: Beijing Dongcheng, a real 1980s birth date, seq as the order code. */
static void make_id_card(unsigned int seq, char out[19])
{
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int i, sum = 0;
    snprintf(out, 19, "110101198%u%02u%02u%03u", seq % 10, 1 + seq % 12, 1 + seq % 28, seq % 1000);
    for (i = 0; i < 17; i++)
        sum += (out[i] - '0') * weights[i];
    out[17] = "10X98765432"[sum % 11];
    out[18] = '\0';
}

/* Everyone the tests need: two stations of one bureau, their staff and volunteers. */
typedef struct world {
    cpol_ctx *ctx;
    cpol_actor *sys, *officer_a, *officer_b, *aux_actor, *volunteer_actor;
    cpol_id bureau, station_a, station_b, community_a, community_b;
    cpol_id officer, officer2, officer_other, suspended, aux, aux2;
    cpol_id vol[3], applicant, resident, resident_b;
    unsigned int seq;
} world;

static cpol_id person(world *w, const cpol_id *area, const char *name)
{
    cpol_person_fields f = CPOL_PERSON_FIELDS_INIT;
    char card[19];
    cpol_id id;
    make_id_card(++w->seq, card);
    f.name = name;
    f.id_card = card;
    f.home_area = area;
    OK(cpol_person_register(w->ctx, w->sys, &f, &id));
    return id;
}

static cpol_id staff(world *w, const cpol_id *station, const char *name, int role)
{
    cpol_id id = person(w, station, name);
    OK(cpol_role_appoint(w->ctx, w->sys, &id, role, station, NULL, NULL));
    return id;
}

/* Through review-based admission, as station A's officer. */
static cpol_id volunteer(world *w, const char *name, int role)
{
    cpol_id id = person(w, &w->community_a, name), a;
    OK(cpol_volunteer_apply(w->ctx, w->officer_a, &id, role, &w->community_a, "自愿报名", &a));
    OK(cpol_assignment_step(w->ctx, w->officer_a, &a, CPOL_ASSIGNMENT_UNDER_REVIEW, NULL));
    OK(cpol_assignment_step(w->ctx, w->officer_a, &a, CPOL_ASSIGNMENT_ADMITTED, NULL));
    OK(cpol_assignment_step(w->ctx, w->officer_a, &a, CPOL_ASSIGNMENT_ACTIVE, NULL));
    return id;
}

static cpol_actor *actor(world *w, const cpol_id *who, int role)
{
    cpol_actor *a = NULL;
    OK(cpol_actor_open(w->ctx, who, role, &a));
    return a;
}

static void world_open(world *w, int backend)
{
    cpol_id assignment;
    memset(w, 0, sizeof *w);
    tmp = tu_tmpdir();
    if (backend == 0)
        snprintf(uri, sizeof uri, "memory:");
    else
        tu_store_uri(uri, sizeof uri, tmp, "team.db"); /* sqlite, or postgresql (tests/postgres/) */
    ck_assert_msg(cpol_ctx_open(&w->ctx, uri, tu_options()) == CPOL_OK, "open %s: %s", uri, cpol_error_message());
    OK(cpol_actor_system(w->ctx, &w->sys));
    OK(cpol_batch_begin(w->ctx));
    OK(cpol_area_create(w->ctx, w->sys, NULL, CPOL_AREA_BUREAU, "临翔分局", &w->bureau));
    OK(cpol_area_create(w->ctx, w->sys, &w->bureau, CPOL_AREA_STATION, "忙畔派出所", &w->station_a));
    OK(cpol_area_create(w->ctx, w->sys, &w->bureau, CPOL_AREA_STATION, "南屏派出所", &w->station_b));
    OK(cpol_area_create(w->ctx, w->sys, &w->station_a, CPOL_AREA_COMMUNITY, "玉龙社区", &w->community_a));
    OK(cpol_area_create(w->ctx, w->sys, &w->station_b, CPOL_AREA_COMMUNITY, "锦凤社区", &w->community_b));
    w->officer = staff(w, &w->station_a, "李警官", CPOL_ROLE_OFFICER);
    w->officer2 = staff(w, &w->station_a, "王警官", CPOL_ROLE_OFFICER);
    w->officer_other = staff(w, &w->station_b, "赵警官", CPOL_ROLE_OFFICER);
    w->aux = staff(w, &w->station_a, "张辅警", CPOL_ROLE_AUXILIARY);
    w->aux2 = staff(w, &w->station_a, "陈辅警", CPOL_ROLE_AUXILIARY);
    w->suspended = person(w, &w->station_a, "停职民警");
    OK(cpol_role_appoint(w->ctx, w->sys, &w->suspended, CPOL_ROLE_OFFICER, &w->station_a, NULL, &assignment));
    OK(cpol_assignment_step(w->ctx, w->sys, &assignment, CPOL_ASSIGNMENT_SUSPENDED, "停职检查"));
    w->officer_a = actor(w, &w->officer, CPOL_ROLE_OFFICER);
    w->officer_b = actor(w, &w->officer_other, CPOL_ROLE_OFFICER);
    w->aux_actor = actor(w, &w->aux, CPOL_ROLE_AUXILIARY);
    w->vol[0] = volunteer(w, "义警甲", CPOL_ROLE_VOLUNTEER);
    w->vol[1] = volunteer(w, "义警乙", CPOL_ROLE_VOLUNTEER);
    w->vol[2] = volunteer(w, "信息员丙", CPOL_ROLE_INFORMANT);
    w->volunteer_actor = actor(w, &w->vol[0], CPOL_ROLE_VOLUNTEER);
    w->applicant = person(w, &w->community_a, "申请人丁");
    OK(cpol_volunteer_apply(w->ctx, w->officer_a, &w->applicant, CPOL_ROLE_VOLUNTEER, &w->community_a, NULL, NULL));
    w->resident = person(w, &w->community_a, "居民戊");
    w->resident_b = person(w, &w->community_b, "居民己");
    OK(cpol_batch_commit(w->ctx));
}

static void world_close(world *w)
{
    cpol_actor_free(w->sys);
    cpol_actor_free(w->officer_a);
    cpol_actor_free(w->officer_b);
    cpol_actor_free(w->aux_actor);
    cpol_actor_free(w->volunteer_actor);
    ck_assert_int_eq(cpol_ctx_close(w->ctx), CPOL_OK);
    tu_rmtree(tmp);
}

static int create_team(world *w, const cpol_actor *as, const char *name, int composition, const cpol_id *parent,
                       const cpol_id *officer, cpol_id *id)
{
    cpol_team_fields f = CPOL_TEAM_FIELDS_INIT;
    f.name = name;
    f.kind = CPOL_TEAM_VOLUNTEER_POLICE;
    f.composition = composition;
    f.area = &w->community_a;
    f.parent = parent;
    f.officer = officer;
    return cpol_team_create(w->ctx, as, &f, id);
}

/* Everything a refusal must leave as it was. */
typedef struct snapshot {
    int teams, roster_all, roster_active, audit;
    int officers, auxiliaries, members, unit_contacts, subteams, ok;
    cpol_id officer;
} snapshot;

static int count_roster(world *w, const cpol_id *team, int include_left)
{
    cpol_membership_iter *it;
    const cpol_membership *m;
    int n = 0, rc;
    OK(cpol_team_roster_iter_new(w->ctx, w->sys, team, include_left, &it));
    while ((rc = cpol_membership_iter_next(it, &m)) == CPOL_OK)
        n++;
    ck_assert_int_eq(rc, CPOL_DONE);
    cpol_membership_iter_free(it);
    return n;
}

static int count_teams(world *w, const cpol_team_filter *f)
{
    cpol_team_iter *it;
    const cpol_team *t;
    int n = 0, rc;
    OK(cpol_team_iter_new(w->ctx, w->sys, f, &it));
    while ((rc = cpol_team_iter_next(it, &t)) == CPOL_OK)
        n++;
    ck_assert_int_eq(rc, CPOL_DONE);
    cpol_team_iter_free(it);
    return n;
}

static int count_audit(world *w, const cpol_id *object)
{
    cpol_audit_filter f = CPOL_AUDIT_FILTER_INIT;
    cpol_audit_iter *it;
    const cpol_audit_entry *e;
    int n = 0;
    f.object = object;
    OK(cpol_audit_iter_new(w->ctx, w->sys, &f, &it));
    while (cpol_audit_iter_next(it, &e) == CPOL_OK)
        n++;
    cpol_audit_iter_free(it);
    return n;
}

static snapshot take(world *w, const cpol_id *team)
{
    snapshot s;
    cpol_team_report *r;
    cpol_team *t;
    memset(&s, 0, sizeof s);
    s.teams = count_teams(w, NULL);
    s.roster_all = count_roster(w, team, 1);
    s.roster_active = count_roster(w, team, 0);
    s.audit = count_audit(w, team);
    OK(cpol_team_check(w->ctx, w->sys, team, &r));
    s.officers = cpol_team_report_officers(r);
    s.auxiliaries = cpol_team_report_auxiliaries(r);
    s.members = cpol_team_report_members(r);
    s.unit_contacts = cpol_team_report_unit_contacts(r);
    s.subteams = cpol_team_report_subteams(r);
    s.ok = cpol_team_report_ok(r);
    cpol_team_report_free(r);
    OK(cpol_team_get(w->ctx, w->sys, team, &t));
    s.officer = *cpol_team_officer(t);
    cpol_team_free(t);
    return s;
}

static void expect_unchanged(world *w, const cpol_id *team, const snapshot *before, const char *after_what)
{
    snapshot now = take(w, team);
    ck_assert_msg(memcmp(&now, before, sizeof now) == 0, "%s: state changed after refused %s", uri, after_what);
}

static void expect_report(world *w, const cpol_id *team, int ok, int officers, int aux, int members, int units,
                          int subteams, const char *message)
{
    cpol_team_report *r = NULL;
    OK(cpol_team_check(w->ctx, w->sys, team, &r));
    ck_assert_int_eq(cpol_team_report_officers(r), officers);
    ck_assert_int_eq(cpol_team_report_auxiliaries(r), aux);
    ck_assert_int_eq(cpol_team_report_members(r), members);
    ck_assert_int_eq(cpol_team_report_unit_contacts(r), units);
    ck_assert_int_eq(cpol_team_report_subteams(r), subteams);
    ck_assert_msg(cpol_team_report_ok(r) == ok, "%s: report ok=%d (%s)", uri, cpol_team_report_ok(r),
                  cpol_team_report_message(r));
    ck_assert_str_eq(cpol_team_report_message(r), message);
    cpol_team_report_free(r);
}

/* ---- creating: one responsible officer, of the team's station ---- */

START_TEST(create_needs_an_active_officer_of_the_station)
{
    world w;
    cpol_id team, unknown;
    world_open(&w, _i);
    OK(cpol_id_new(w.ctx, &unknown));
    FAILS(CPOL_ERULE, create_team(&w, w.officer_a, "玉龙义警", CPOL_TEAM_TEMPLATE_1_1_N, NULL, &w.vol[0], &team));
    MESSAGE_HAS("一队一警");
    MESSAGE_HAS("holds no such role");
    FAILS(CPOL_ERULE, create_team(&w, w.officer_a, "玉龙义警", CPOL_TEAM_TEMPLATE_1_1_N, NULL, &w.aux, &team));
    MESSAGE_HAS("一队一警");
    FAILS(CPOL_ERULE, create_team(&w, w.officer_a, "玉龙义警", CPOL_TEAM_TEMPLATE_1_1_N, NULL, &w.suspended, &team));
    MESSAGE_HAS("suspended");
    FAILS(CPOL_ERULE,
          create_team(&w, w.officer_a, "玉龙义警", CPOL_TEAM_TEMPLATE_1_1_N, NULL, &w.officer_other, &team));
    MESSAGE_HAS("another station");
    FAILS(CPOL_ENOTFOUND, create_team(&w, w.officer_a, "玉龙义警", CPOL_TEAM_TEMPLATE_1_1_N, NULL, &unknown, &team));
    MESSAGE_HAS("officer");
    ck_assert_int_eq(count_teams(&w, NULL), 0);

    OK(create_team(&w, w.officer_a, "玉龙义警", CPOL_TEAM_TEMPLATE_1_1_N, NULL, &w.officer, &team));
    {
        cpol_team *t = NULL;
        OK(cpol_team_get(w.ctx, w.sys, &team, &t));
        ck_assert_int_eq(cpol_id_compare(cpol_team_id(t), &team), 0);
        ck_assert_str_eq(cpol_team_name(t), "玉龙义警");
        ck_assert_int_eq(cpol_team_kind(t), CPOL_TEAM_VOLUNTEER_POLICE);
        ck_assert_int_eq(cpol_team_template(t), CPOL_TEAM_TEMPLATE_1_1_N);
        ck_assert_int_eq(cpol_id_compare(cpol_team_area(t), &w.community_a), 0);
        ck_assert_int_eq(cpol_id_compare(cpol_team_station(t), &w.station_a), 0);
        ck_assert_ptr_null(cpol_team_parent(t));
        ck_assert_int_eq(cpol_id_compare(cpol_team_officer(t), &w.officer), 0);
        ck_assert(cpol_team_created_at(t) > 0);
        cpol_team_free(t);
    }
    /* the officer is the first member; the template is not met yet */
    ck_assert_int_eq(count_roster(&w, &team, 0), 1);
    expect_report(&w, &team, 0, 1, 0, 0, 0, 0, "1+1+N needs exactly one auxiliary officer, the team has 0");
    OK(cpol_team_member_add(w.ctx, w.officer_a, &team, &w.aux, CPOL_TEAM_ROLE_AUXILIARY, NULL, NULL));
    expect_report(&w, &team, 0, 1, 1, 0, 0, 0,
                  "1+1+N needs at least one volunteer or informant (N >= 1), the team has 0");
    OK(cpol_team_member_add(w.ctx, w.officer_a, &team, &w.vol[0], CPOL_TEAM_ROLE_MEMBER, NULL, NULL));
    OK(cpol_team_member_add(w.ctx, w.officer_a, &team, &w.vol[2], CPOL_TEAM_ROLE_LEADER, NULL, NULL));
    expect_report(&w, &team, 1, 1, 1, 2, 0, 0, "");
    world_close(&w);
}
END_TEST

START_TEST(one_officer_per_team)
{
    world w;
    cpol_id team, first_membership;
    const cpol_membership *m;
    cpol_membership_iter *it;
    snapshot s;
    world_open(&w, _i);
    OK(create_team(&w, w.officer_a, "玉龙义警", CPOL_TEAM_TEMPLATE_1_N, NULL, &w.officer, &team));
    OK(cpol_team_roster_iter_new(w.ctx, w.sys, &team, 0, &it));
    OK(cpol_membership_iter_next(it, &m));
    first_membership = *cpol_membership_id(m);
    ck_assert_int_eq(cpol_membership_role(m), CPOL_TEAM_ROLE_OFFICER);
    cpol_membership_iter_free(it);
    s = take(&w, &team);

    FAILS(CPOL_ERULE, cpol_team_member_add(w.ctx, w.officer_a, &team, &w.officer2, CPOL_TEAM_ROLE_OFFICER, NULL, NULL));
    MESSAGE_HAS("一队一警: team 玉龙义警 already has responsible officer 李警官");
    expect_unchanged(&w, &team, &s, "second officer");
    FAILS(CPOL_ERULE, cpol_team_member_remove(w.ctx, w.officer_a, &first_membership, "调离"));
    MESSAGE_HAS("cpol_team_set_officer");
    expect_unchanged(&w, &team, &s, "officer removal");
    FAILS(CPOL_ERULE, cpol_team_set_officer(w.ctx, w.officer_a, &team, &w.vol[0], NULL));
    MESSAGE_HAS("一队一警");
    FAILS(CPOL_ERULE, cpol_team_set_officer(w.ctx, w.officer_a, &team, &w.suspended, NULL));
    FAILS(CPOL_ERULE, cpol_team_set_officer(w.ctx, w.officer_a, &team, &w.officer_other, NULL));
    expect_unchanged(&w, &team, &s, "set_officer to a non-officer");
    ck_assert_int_eq(cpol_team_set_officer(w.ctx, w.officer_a, &team, &w.officer, NULL), CPOL_ALREADY);
    expect_unchanged(&w, &team, &s, "set_officer to the current officer");

    OK(cpol_team_set_officer(w.ctx, w.officer_a, &team, &w.officer2, "岗位调整"));
    {
        cpol_team *t;
        OK(cpol_team_get(w.ctx, w.sys, &team, &t));
        ck_assert_int_eq(cpol_id_compare(cpol_team_officer(t), &w.officer2), 0);
        cpol_team_free(t);
    }
    /* the roster keeps the old officer, ended; the active roster has the new one only */
    ck_assert_int_eq(count_roster(&w, &team, 1), 2);
    ck_assert_int_eq(count_roster(&w, &team, 0), 1);
    {
        cpol_membership *old = NULL;
        OK(cpol_membership_get(w.ctx, w.sys, &first_membership, &old));
        ck_assert_int_eq(cpol_membership_active(old), 0);
        ck_assert(cpol_membership_left_at(old) >= cpol_membership_joined_at(old));
        ck_assert(cpol_membership_left_at(old) > 0);
        ck_assert_int_eq(cpol_id_compare(cpol_membership_person(old), &w.officer), 0);
        ck_assert_int_eq(cpol_id_compare(cpol_membership_team(old), &team), 0);
        cpol_membership_free(old);
    }
    OK(cpol_team_roster_iter_new(w.ctx, w.sys, &team, 0, &it));
    OK(cpol_membership_iter_next(it, &m));
    ck_assert_int_eq(cpol_id_compare(cpol_membership_person(m), &w.officer2), 0);
    ck_assert_int_eq(cpol_membership_role(m), CPOL_TEAM_ROLE_OFFICER);
    ck_assert_int_eq(cpol_membership_active(m), 1);
    ck_assert_int_eq(cpol_membership_left_at(m), 0);
    ck_assert_int_eq(cpol_membership_iter_next(it, &m), CPOL_DONE);
    cpol_membership_iter_free(it);
    expect_report(&w, &team, 0, 1, 0, 0, 0, 0, "1+N needs at least one member (N >= 1), the team has 0");

    /* the former officer's teams: one membership, ended */
    OK(cpol_person_team_iter_new(w.ctx, w.sys, &w.officer, &it));
    OK(cpol_membership_iter_next(it, &m));
    ck_assert_int_eq(cpol_id_compare(cpol_membership_id(m), &first_membership), 0);
    ck_assert_int_eq(cpol_membership_active(m), 0);
    ck_assert_int_eq(cpol_membership_iter_next(it, &m), CPOL_DONE);
    cpol_membership_iter_free(it);

    /* nobody becomes officer while still on the team in another role */
    OK(cpol_team_member_add(w.ctx, w.officer_a, &team, &w.officer, CPOL_TEAM_ROLE_UNIT_CONTACT, NULL, NULL));
    s = take(&w, &team);
    FAILS(CPOL_EEXISTS, cpol_team_set_officer(w.ctx, w.officer_a, &team, &w.officer, NULL));
    MESSAGE_HAS("unit contact");
    expect_unchanged(&w, &team, &s, "set_officer to a unit contact of the team");
    world_close(&w);
}
END_TEST

/* ---- composition limits ---- */

START_TEST(one_auxiliary_in_a_1_1_N_team)
{
    world w;
    cpol_id team, open_team;
    snapshot s;
    world_open(&w, _i);
    OK(create_team(&w, w.officer_a, "玉龙义警", CPOL_TEAM_TEMPLATE_1_1_N, NULL, &w.officer, &team));
    FAILS(CPOL_ERULE, cpol_team_member_add(w.ctx, w.officer_a, &team, &w.vol[0], CPOL_TEAM_ROLE_AUXILIARY, NULL, NULL));
    MESSAGE_HAS("auxiliary officer (社区辅警)");
    OK(cpol_team_member_add(w.ctx, w.officer_a, &team, &w.aux, CPOL_TEAM_ROLE_AUXILIARY, NULL, NULL));
    s = take(&w, &team);
    FAILS(CPOL_ELIMIT, cpol_team_member_add(w.ctx, w.officer_a, &team, &w.aux2, CPOL_TEAM_ROLE_AUXILIARY, NULL, NULL));
    MESSAGE_HAS("1+1+N");
    expect_unchanged(&w, &team, &s, "second auxiliary");
    /* other templates take several auxiliaries */
    OK(create_team(&w, w.officer_a, "玉龙巡逻队", CPOL_TEAM_TEMPLATE_1_N, NULL, &w.officer, &open_team));
    OK(cpol_team_member_add(w.ctx, w.officer_a, &open_team, &w.aux, CPOL_TEAM_ROLE_AUXILIARY, NULL, NULL));
    OK(cpol_team_member_add(w.ctx, w.officer_a, &open_team, &w.aux2, CPOL_TEAM_ROLE_AUXILIARY, NULL, NULL));
    expect_report(&w, &open_team, 0, 1, 2, 0, 0, 0, "1+N needs at least one member (N >= 1), the team has 0");
    world_close(&w);
}
END_TEST

START_TEST(at_most_ten_subteams_under_a_1_10_N_team)
{
    world w;
    cpol_id core, plain, other, sub, child_of_plain;
    snapshot s;
    char name[64];
    int k;
    world_open(&w, _i);
    OK(create_team(&w, w.officer_a, "玉龙社区警务团队", CPOL_TEAM_TEMPLATE_1_10_N, NULL, &w.officer, &core));
    expect_report(&w, &core, 0, 1, 0, 0, 0, 0, "1+10+N needs 1 to 10 self-governing sub-teams, the team has 0");
    OK(create_team(&w, w.officer_a, "玉龙义警", CPOL_TEAM_TEMPLATE_1_N, NULL, &w.officer, &plain));
    FAILS(CPOL_ERULE, create_team(&w, w.officer_a, "子队", CPOL_TEAM_TEMPLATE_NONE, &plain, &w.officer,
                                  &child_of_plain));
    MESSAGE_HAS("only a 1+10+N team has sub-teams");
    {
        cpol_team_fields f = CPOL_TEAM_FIELDS_INIT;
        f.name = "锦凤巡逻队";
        f.kind = CPOL_TEAM_PATROL;
        f.area = &w.community_b;
        f.officer = &w.officer_other;
        f.parent = &core;
        FAILS(CPOL_ERULE, cpol_team_create(w.ctx, w.officer_b, &f, &other));
        MESSAGE_HAS("same station");
    }
    for (k = 1; k <= 10; k++) {
        snprintf(name, sizeof name, "自治队%02d", k);
        OK(create_team(&w, w.officer_a, name, CPOL_TEAM_TEMPLATE_NONE, &core, &w.officer, &sub));
    }
    {
        cpol_team *t;
        OK(cpol_team_get(w.ctx, w.sys, &sub, &t));
        ck_assert_int_eq(cpol_id_compare(cpol_team_parent(t), &core), 0);
        cpol_team_free(t);
    }
    expect_report(&w, &core, 0, 1, 0, 0, 0, 10,
                  "1+10+N needs at least one social unit contact (N >= 1), the team has 0");
    OK(cpol_team_member_add(w.ctx, w.officer_a, &core, &w.resident, CPOL_TEAM_ROLE_UNIT_CONTACT, "物业公司", NULL));
    expect_report(&w, &core, 1, 1, 0, 0, 1, 10, "");
    s = take(&w, &core);
    FAILS(CPOL_ELIMIT, create_team(&w, w.officer_a, "自治队11", CPOL_TEAM_TEMPLATE_NONE, &core, &w.officer, &sub));
    MESSAGE_HAS("at most 10 sub-teams");
    expect_unchanged(&w, &core, &s, "11th sub-team");
    world_close(&w);
}
END_TEST

/* ---- members ---- */

START_TEST(who_may_be_a_member)
{
    world w;
    cpol_id team, membership, again;
    snapshot s;
    world_open(&w, _i);
    OK(create_team(&w, w.officer_a, "玉龙义警", CPOL_TEAM_TEMPLATE_1_N, NULL, &w.officer, &team));
    s = take(&w, &team);
    /* an applicant not yet admitted, a resident without a role, an officer: no active volunteer role */
    FAILS(CPOL_ERULE, cpol_team_member_add(w.ctx, w.officer_a, &team, &w.applicant, CPOL_TEAM_ROLE_MEMBER, NULL, NULL));
    MESSAGE_HAS("volunteer police assignment of 申请人丁 there is applied");
    FAILS(CPOL_ERULE, cpol_team_member_add(w.ctx, w.officer_a, &team, &w.resident, CPOL_TEAM_ROLE_LEADER, NULL, NULL));
    MESSAGE_HAS("active volunteer role");
    FAILS(CPOL_ERULE, cpol_team_member_add(w.ctx, w.officer_a, &team, &w.officer2, CPOL_TEAM_ROLE_MEMBER, NULL, NULL));
    FAILS(CPOL_ERULE,
          cpol_team_member_add(w.ctx, w.officer_a, &team, &w.resident_b, CPOL_TEAM_ROLE_UNIT_CONTACT, NULL, NULL));
    MESSAGE_HAS("unit contact");
    expect_unchanged(&w, &team, &s, "ineligible members");

    OK(cpol_team_member_add(w.ctx, w.officer_a, &team, &w.vol[0], CPOL_TEAM_ROLE_MEMBER, "入队", &membership));
    s = take(&w, &team);
    FAILS(CPOL_EEXISTS, cpol_team_member_add(w.ctx, w.officer_a, &team, &w.vol[0], CPOL_TEAM_ROLE_MEMBER, NULL, NULL));
    MESSAGE_HAS("already an active member");
    FAILS(CPOL_EEXISTS, cpol_team_member_add(w.ctx, w.officer_a, &team, &w.vol[0], CPOL_TEAM_ROLE_LEADER, NULL, NULL));
    FAILS(CPOL_EEXISTS, cpol_team_member_add(w.ctx, w.officer_a, &team, &w.officer, CPOL_TEAM_ROLE_UNIT_CONTACT, NULL,
                                             NULL));
    expect_unchanged(&w, &team, &s, "duplicate member");
    expect_report(&w, &team, 1, 1, 0, 1, 0, 0, "");

    /* ending a membership needs a reason and happens once; the row stays */
    FAILS(CPOL_EMISUSE, cpol_team_member_remove(w.ctx, w.officer_a, &membership, NULL));
    FAILS(CPOL_EINVALID, cpol_team_member_remove(w.ctx, w.officer_a, &membership, ""));
    expect_unchanged(&w, &team, &s, "removal without a reason");
    OK(cpol_team_member_remove(w.ctx, w.officer_a, &membership, "本人申请退出"));
    s = take(&w, &team);
    ck_assert_int_eq(s.roster_all, 2);
    ck_assert_int_eq(s.roster_active, 1);
    FAILS(CPOL_ESTATE, cpol_team_member_remove(w.ctx, w.officer_a, &membership, "再次退出"));
    MESSAGE_HAS("already ended");
    expect_unchanged(&w, &team, &s, "second removal");
    expect_report(&w, &team, 0, 1, 0, 0, 0, 0, "1+N needs at least one member (N >= 1), the team has 0");
    /* and may join again later, as a new membership */
    OK(cpol_team_member_add(w.ctx, w.officer_a, &team, &w.vol[0], CPOL_TEAM_ROLE_LEADER, "重新入队", &again));
    ck_assert_int_ne(cpol_id_compare(&again, &membership), 0);
    ck_assert_int_eq(count_roster(&w, &team, 1), 3);
    expect_report(&w, &team, 1, 1, 0, 1, 0, 0, "");
    world_close(&w);
}
END_TEST

/* ---- permissions ---- */

START_TEST(only_team_managers_of_the_station_change_teams)
{
    world w;
    cpol_id team, membership, other;
    snapshot s;
    world_open(&w, _i);
    FAILS(CPOL_EPERM, create_team(&w, w.volunteer_actor, "玉龙义警", CPOL_TEAM_TEMPLATE_1_N, NULL, &w.officer, &team));
    MESSAGE_HAS("team.manage");
    FAILS(CPOL_EPERM, create_team(&w, w.aux_actor, "玉龙义警", CPOL_TEAM_TEMPLATE_1_N, NULL, &w.officer, &team));
    MESSAGE_HAS("team.manage");
    FAILS(CPOL_EPERM, create_team(&w, w.officer_b, "玉龙义警", CPOL_TEAM_TEMPLATE_1_N, NULL, &w.officer, &team));
    ck_assert_int_eq(count_teams(&w, NULL), 0);
    OK(create_team(&w, w.officer_a, "玉龙义警", CPOL_TEAM_TEMPLATE_1_N, NULL, &w.officer, &team));
    OK(cpol_team_member_add(w.ctx, w.officer_a, &team, &w.vol[1], CPOL_TEAM_ROLE_MEMBER, NULL, &membership));
    s = take(&w, &team);

    FAILS(CPOL_EPERM, cpol_team_member_add(w.ctx, w.volunteer_actor, &team, &w.vol[0], CPOL_TEAM_ROLE_MEMBER, NULL, NULL));
    MESSAGE_HAS("team.manage");
    FAILS(CPOL_EPERM, cpol_team_member_add(w.ctx, w.aux_actor, &team, &w.vol[0], CPOL_TEAM_ROLE_MEMBER, NULL, NULL));
    MESSAGE_HAS("team.manage");
    FAILS(CPOL_EPERM, cpol_team_member_remove(w.ctx, w.aux_actor, &membership, "退出"));
    MESSAGE_HAS("team.manage");
    FAILS(CPOL_EPERM, cpol_team_set_officer(w.ctx, w.volunteer_actor, &team, &w.officer2, NULL));
    MESSAGE_HAS("team.manage");
    /* an officer of station B has team.manage, but not at station A */
    FAILS(CPOL_EPERM, cpol_team_member_add(w.ctx, w.officer_b, &team, &w.vol[0], CPOL_TEAM_ROLE_MEMBER, NULL, NULL));
    MESSAGE_HAS("station");
    FAILS(CPOL_EPERM, cpol_team_member_remove(w.ctx, w.officer_b, &membership, "退出"));
    FAILS(CPOL_EPERM, cpol_team_set_officer(w.ctx, w.officer_b, &team, &w.officer2, NULL));
    expect_unchanged(&w, &team, &s, "unauthorised changes");

    /* station B's officer manages station B's teams, and names are per station */
    {
        cpol_team_fields f = CPOL_TEAM_FIELDS_INIT;
        f.name = "玉龙义警";
        f.kind = CPOL_TEAM_PATROL;
        f.area = &w.community_b;
        f.officer = &w.officer_other;
        OK(cpol_team_create(w.ctx, w.officer_b, &f, &other));
    }
    world_close(&w);
}
END_TEST

/* ---- bad input ---- */

START_TEST(bad_input_is_refused_before_anything_is_stored)
{
    world w;
    cpol_team_fields f = CPOL_TEAM_FIELDS_INIT;
    cpol_team_filter tf = CPOL_TEAM_FILTER_INIT;
    cpol_id team, unknown, membership;
    cpol_team *t = (cpol_team *)&t;
    cpol_team_iter *ti = (cpol_team_iter *)&ti;
    cpol_membership *m = (cpol_membership *)&m;
    cpol_membership_iter *mi = (cpol_membership_iter *)&mi;
    cpol_team_report *r = (cpol_team_report *)&r;
    char long_name[CPOL_TEAM_NAME_MAX + 2];
    snapshot s;
    world_open(&w, _i);
    OK(cpol_id_new(w.ctx, &unknown));
    OK(create_team(&w, w.officer_a, "玉龙义警", CPOL_TEAM_TEMPLATE_1_N, NULL, &w.officer, &team));
    OK(cpol_team_member_add(w.ctx, w.officer_a, &team, &w.vol[0], CPOL_TEAM_ROLE_MEMBER, NULL, &membership));
    s = take(&w, &team);

    /* NULLs */
    f.name = "新队";
    f.kind = CPOL_TEAM_PATROL;
    f.area = &w.community_a;
    f.officer = &w.officer;
    FAILS(CPOL_EMISUSE, cpol_team_create(NULL, w.officer_a, &f, NULL));
    FAILS(CPOL_EMISUSE, cpol_team_create(w.ctx, NULL, &f, NULL));
    FAILS(CPOL_EMISUSE, cpol_team_create(w.ctx, w.officer_a, NULL, NULL));
    f.officer = NULL;
    FAILS(CPOL_EMISUSE, cpol_team_create(w.ctx, w.officer_a, &f, NULL));
    MESSAGE_HAS("officer");
    f.officer = &w.officer;
    f.area = NULL;
    FAILS(CPOL_EMISUSE, cpol_team_create(w.ctx, w.officer_a, &f, NULL));
    f.area = &w.community_a;
    f.name = NULL;
    FAILS(CPOL_EMISUSE, cpol_team_create(w.ctx, w.officer_a, &f, NULL));
    FAILS(CPOL_EMISUSE, cpol_team_set_officer(NULL, w.officer_a, &team, &w.officer2, NULL));
    FAILS(CPOL_EMISUSE, cpol_team_set_officer(w.ctx, NULL, &team, &w.officer2, NULL));
    FAILS(CPOL_EMISUSE, cpol_team_set_officer(w.ctx, w.officer_a, NULL, &w.officer2, NULL));
    FAILS(CPOL_EMISUSE, cpol_team_set_officer(w.ctx, w.officer_a, &team, NULL, NULL));
    FAILS(CPOL_EMISUSE, cpol_team_member_add(NULL, w.officer_a, &team, &w.vol[1], CPOL_TEAM_ROLE_MEMBER, NULL, NULL));
    FAILS(CPOL_EMISUSE, cpol_team_member_add(w.ctx, NULL, &team, &w.vol[1], CPOL_TEAM_ROLE_MEMBER, NULL, NULL));
    FAILS(CPOL_EMISUSE, cpol_team_member_add(w.ctx, w.officer_a, NULL, &w.vol[1], CPOL_TEAM_ROLE_MEMBER, NULL, NULL));
    FAILS(CPOL_EMISUSE, cpol_team_member_add(w.ctx, w.officer_a, &team, NULL, CPOL_TEAM_ROLE_MEMBER, NULL, NULL));
    FAILS(CPOL_EMISUSE, cpol_team_member_remove(NULL, w.officer_a, &membership, "x"));
    FAILS(CPOL_EMISUSE, cpol_team_member_remove(w.ctx, NULL, &membership, "x"));
    FAILS(CPOL_EMISUSE, cpol_team_member_remove(w.ctx, w.officer_a, NULL, "x"));
    FAILS(CPOL_EMISUSE, cpol_team_get(NULL, w.sys, &team, &t));
    ck_assert_ptr_null(t);
    FAILS(CPOL_EMISUSE, cpol_team_get(w.ctx, w.sys, NULL, &t));
    FAILS(CPOL_EMISUSE, cpol_team_get(w.ctx, w.sys, &team, NULL));
    FAILS(CPOL_EMISUSE, cpol_team_iter_new(NULL, w.sys, NULL, &ti));
    ck_assert_ptr_null(ti);
    FAILS(CPOL_EMISUSE, cpol_team_iter_new(w.ctx, w.sys, NULL, NULL));
    FAILS(CPOL_EMISUSE, cpol_team_iter_next(NULL, NULL));
    FAILS(CPOL_EMISUSE, cpol_team_roster_iter_new(NULL, w.sys, &team, 0, &mi));
    ck_assert_ptr_null(mi);
    FAILS(CPOL_EMISUSE, cpol_team_roster_iter_new(w.ctx, w.sys, NULL, 0, &mi));
    FAILS(CPOL_EMISUSE, cpol_team_roster_iter_new(w.ctx, w.sys, &team, 0, NULL));
    FAILS(CPOL_EMISUSE, cpol_person_team_iter_new(w.ctx, w.sys, NULL, &mi));
    FAILS(CPOL_EMISUSE, cpol_person_team_iter_new(w.ctx, w.sys, &w.vol[0], NULL));
    FAILS(CPOL_EMISUSE, cpol_membership_iter_next(NULL, NULL));
    FAILS(CPOL_EMISUSE, cpol_membership_get(w.ctx, w.sys, NULL, &m));
    ck_assert_ptr_null(m);
    FAILS(CPOL_EMISUSE, cpol_membership_get(w.ctx, w.sys, &membership, NULL));
    FAILS(CPOL_EMISUSE, cpol_team_check(w.ctx, w.sys, NULL, &r));
    ck_assert_ptr_null(r);
    FAILS(CPOL_EMISUSE, cpol_team_check(w.ctx, w.sys, &team, NULL));
    FAILS(CPOL_EMISUSE, cpol_team_check(NULL, w.sys, &team, &r));

    /* malformed values */
    f.name = "";
    FAILS(CPOL_EINVALID, cpol_team_create(w.ctx, w.officer_a, &f, NULL));
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    f.name = long_name;
    FAILS(CPOL_ETOOLONG, cpol_team_create(w.ctx, w.officer_a, &f, NULL));
    long_name[CPOL_TEAM_NAME_MAX] = '\0'; /* exactly the limit is fine: checked below */
    f.name = "\xE7\x8E\x89\xFF";
    FAILS(CPOL_EUTF8, cpol_team_create(w.ctx, w.officer_a, &f, NULL));
    f.name = "巡逻\t队";
    FAILS(CPOL_EINVALID, cpol_team_create(w.ctx, w.officer_a, &f, NULL));
    f.name = "新队";
    f.kind = 0;
    FAILS(CPOL_EINVALID, cpol_team_create(w.ctx, w.officer_a, &f, NULL));
    f.kind = CPOL_TEAM_INFORMANT_NETWORK + 1;
    FAILS(CPOL_EINVALID, cpol_team_create(w.ctx, w.officer_a, &f, NULL));
    f.kind = CPOL_TEAM_PATROL;
    f.composition = -1;
    FAILS(CPOL_EINVALID, cpol_team_create(w.ctx, w.officer_a, &f, NULL));
    f.composition = CPOL_TEAM_TEMPLATE_1_10_N + 1;
    FAILS(CPOL_EINVALID, cpol_team_create(w.ctx, w.officer_a, &f, NULL));
    f.composition = CPOL_TEAM_TEMPLATE_NONE;
    f.version = 0;
    FAILS(CPOL_EVERSION, cpol_team_create(w.ctx, w.officer_a, &f, NULL));
    f.version = CPOL_TEAM_FIELDS_VERSION + 1;
    FAILS(CPOL_EVERSION, cpol_team_create(w.ctx, w.officer_a, &f, NULL));
    f.version = CPOL_TEAM_FIELDS_VERSION;
    FAILS(CPOL_EINVALID, cpol_team_member_add(w.ctx, w.officer_a, &team, &w.vol[1], 0, NULL, NULL));
    FAILS(CPOL_EINVALID, cpol_team_member_add(w.ctx, w.officer_a, &team, &w.vol[1], CPOL_TEAM_ROLE_UNIT_CONTACT + 1,
                                              NULL, NULL));
    FAILS(CPOL_EUTF8, cpol_team_member_add(w.ctx, w.officer_a, &team, &w.vol[1], CPOL_TEAM_ROLE_MEMBER, "\xC0\xAF",
                                           NULL));
    FAILS(CPOL_EUTF8, cpol_team_member_remove(w.ctx, w.officer_a, &membership, "\xED\xA0\x80"));
    FAILS(CPOL_EINVALID, cpol_team_roster_iter_new(w.ctx, w.sys, &team, 2, &mi));

    /* unknown ids, wrong places, taken names */
    f.area = &unknown;
    FAILS(CPOL_ENOTFOUND, cpol_team_create(w.ctx, w.officer_a, &f, NULL));
    f.area = &w.bureau;
    FAILS(CPOL_ERULE, cpol_team_create(w.ctx, w.sys, &f, NULL));
    MESSAGE_HAS("police station");
    f.area = &w.community_a;
    f.parent = &unknown;
    FAILS(CPOL_ENOTFOUND, cpol_team_create(w.ctx, w.officer_a, &f, NULL));
    MESSAGE_HAS("parent team");
    f.parent = NULL;
    f.name = "玉龙义警";
    FAILS(CPOL_EEXISTS, cpol_team_create(w.ctx, w.officer_a, &f, NULL));
    f.area = &w.station_a; /* another area of the same station: still taken */
    FAILS(CPOL_EEXISTS, cpol_team_create(w.ctx, w.officer_a, &f, NULL));
    FAILS(CPOL_ENOTFOUND, cpol_team_member_add(w.ctx, w.officer_a, &unknown, &w.vol[1], CPOL_TEAM_ROLE_MEMBER, NULL, NULL));
    MESSAGE_HAS("team");
    FAILS(CPOL_ENOTFOUND, cpol_team_member_add(w.ctx, w.officer_a, &team, &unknown, CPOL_TEAM_ROLE_MEMBER, NULL, NULL));
    MESSAGE_HAS("person");
    FAILS(CPOL_ENOTFOUND, cpol_team_member_remove(w.ctx, w.officer_a, &unknown, "x"));
    MESSAGE_HAS("membership");
    FAILS(CPOL_ENOTFOUND, cpol_team_set_officer(w.ctx, w.officer_a, &unknown, &w.officer2, NULL));
    FAILS(CPOL_ENOTFOUND, cpol_team_set_officer(w.ctx, w.officer_a, &team, &unknown, NULL));
    FAILS(CPOL_ENOTFOUND, cpol_team_get(w.ctx, w.sys, &unknown, &t));
    ck_assert_ptr_null(t);
    FAILS(CPOL_ENOTFOUND, cpol_team_check(w.ctx, w.sys, &unknown, &r));
    FAILS(CPOL_ENOTFOUND, cpol_membership_get(w.ctx, w.sys, &unknown, &m));
    FAILS(CPOL_ENOTFOUND, cpol_team_roster_iter_new(w.ctx, w.sys, &unknown, 1, &mi));
    FAILS(CPOL_ENOTFOUND, cpol_person_team_iter_new(w.ctx, w.sys, &unknown, &mi));
    ck_assert_ptr_null(mi);

    /* filters */
    tf.version = 0;
    FAILS(CPOL_EVERSION, cpol_team_iter_new(w.ctx, w.sys, &tf, &ti));
    tf.version = CPOL_TEAM_FILTER_VERSION;
    tf.kind = 99;
    FAILS(CPOL_EINVALID, cpol_team_iter_new(w.ctx, w.sys, &tf, &ti));
    tf.kind = 0;
    tf.offset = -1;
    FAILS(CPOL_EINVALID, cpol_team_iter_new(w.ctx, w.sys, &tf, &ti));
    tf.offset = 0;
    tf.limit = -1;
    FAILS(CPOL_EINVALID, cpol_team_iter_new(w.ctx, w.sys, &tf, &ti));
    tf.limit = 0;
    tf.area = &unknown;
    FAILS(CPOL_ENOTFOUND, cpol_team_iter_new(w.ctx, w.sys, &tf, &ti));
    tf.area = NULL;
    tf.parent = &unknown;
    FAILS(CPOL_ENOTFOUND, cpol_team_iter_new(w.ctx, w.sys, &tf, &ti));
    ck_assert_ptr_null(ti);
    expect_unchanged(&w, &team, &s, "bad input");

    /* a name of exactly CPOL_TEAM_NAME_MAX bytes is accepted */
    f.area = &w.community_a;
    f.name = long_name;
    OK(cpol_team_create(w.ctx, w.officer_a, &f, NULL));

    /* NULL snapshots answer harmlessly */
    cpol_team_free(NULL);
    cpol_team_iter_free(NULL);
    cpol_membership_free(NULL);
    cpol_membership_iter_free(NULL);
    cpol_team_report_free(NULL);
    ck_assert_ptr_null(cpol_team_id(NULL));
    ck_assert_str_eq(cpol_team_name(NULL), "");
    ck_assert_ptr_null(cpol_team_officer(NULL));
    ck_assert_int_eq(cpol_membership_active(NULL), 0);
    ck_assert_int_eq(cpol_team_report_ok(NULL), 0);
    ck_assert_str_eq(cpol_team_report_message(NULL), "");
    world_close(&w);
}
END_TEST

/* ---- the audit trail ---- */

START_TEST(every_step_is_audited_under_the_team_in_order)
{
    static const char *const actions[] = {"team.create", "team.member.add", "team.member.add",
                                          "team.member.remove", "team.officer.set"};
    world w;
    cpol_audit_filter f = CPOL_AUDIT_FILTER_INIT;
    cpol_audit_iter *it;
    const cpol_audit_entry *e;
    cpol_id team, membership;
    char member_text[80];
    cpol_time last = 0;
    size_t k = 0;
    int rc;
    world_open(&w, _i);
    OK(create_team(&w, w.officer_a, "玉龙义警", CPOL_TEAM_TEMPLATE_1_1_N, NULL, &w.officer, &team));
    OK(cpol_team_member_add(w.ctx, w.officer_a, &team, &w.aux, CPOL_TEAM_ROLE_AUXILIARY, NULL, NULL));
    /* refusals leave no trace */
    FAILS(CPOL_ELIMIT, cpol_team_member_add(w.ctx, w.officer_a, &team, &w.aux2, CPOL_TEAM_ROLE_AUXILIARY, NULL, NULL));
    FAILS(CPOL_EPERM, cpol_team_member_add(w.ctx, w.aux_actor, &team, &w.vol[0], CPOL_TEAM_ROLE_MEMBER, NULL, NULL));
    OK(cpol_team_member_add(w.ctx, w.officer_a, &team, &w.vol[0], CPOL_TEAM_ROLE_MEMBER, "报名入队", &membership));
    OK(cpol_team_member_remove(w.ctx, w.officer_a, &membership, "搬离社区"));
    OK(cpol_team_set_officer(w.ctx, w.officer_a, &team, &w.officer2, "岗位调整"));
    snprintf(member_text, sizeof member_text, "member (membership ");
    cpol_id_format(&membership, member_text + strlen(member_text), CPOL_ID_STRING_SIZE);
    strcat(member_text, ")");

    f.object = &team;
    OK(cpol_audit_iter_new(w.ctx, w.sys, &f, &it));
    while ((rc = cpol_audit_iter_next(it, &e)) == CPOL_OK) {
        ck_assert_msg(k < sizeof actions / sizeof actions[0], "%s: more audit entries than steps", uri);
        ck_assert_str_eq(cpol_audit_entry_action(e), actions[k]);
        ck_assert_str_eq(cpol_audit_entry_object_kind(e), "team");
        ck_assert_int_eq(cpol_id_compare(cpol_audit_entry_object(e), &team), 0);
        ck_assert_int_eq(cpol_id_compare(cpol_audit_entry_actor(e), &w.officer), 0);
        ck_assert_int_eq(cpol_audit_entry_role(e), CPOL_ROLE_OFFICER);
        ck_assert(cpol_audit_entry_time(e) >= last);
        last = cpol_audit_entry_time(e);
        /* summaries name memberships, never people (not every reader of the trail may see them) */
        ck_assert(!strstr(cpol_audit_entry_before(e), "李警官") && !strstr(cpol_audit_entry_after(e), "李警官"));
        ck_assert(!strstr(cpol_audit_entry_before(e), "王警官") && !strstr(cpol_audit_entry_after(e), "王警官"));
        ck_assert(!strstr(cpol_audit_entry_before(e), "义警甲") && !strstr(cpol_audit_entry_after(e), "义警甲"));
        switch (k) {
        case 0:
            ck_assert_str_eq(cpol_audit_entry_before(e), "");
            ck_assert(strstr(cpol_audit_entry_after(e), "玉龙义警 (1+1+N), responsible officer's membership ") ==
                      cpol_audit_entry_after(e) + strlen("volunteer-police team "));
            break;
        case 2:
            ck_assert_str_eq(cpol_audit_entry_after(e), member_text);
            ck_assert_str_eq(cpol_audit_entry_reason(e), "报名入队");
            break;
        case 3:
            ck_assert_str_eq(cpol_audit_entry_before(e), member_text);
            ck_assert_str_eq(cpol_audit_entry_after(e), "left");
            ck_assert_str_eq(cpol_audit_entry_reason(e), "搬离社区");
            break;
        case 4:
            ck_assert(strstr(cpol_audit_entry_before(e), "officer's membership ") == cpol_audit_entry_before(e));
            ck_assert(strstr(cpol_audit_entry_after(e), "officer's membership ") == cpol_audit_entry_after(e));
            ck_assert_str_ne(cpol_audit_entry_before(e), cpol_audit_entry_after(e));
            ck_assert_str_eq(cpol_audit_entry_reason(e), "岗位调整");
            break;
        default:
            break;
        }
        k++;
    }
    ck_assert_int_eq(rc, CPOL_DONE);
    ck_assert_uint_eq(k, sizeof actions / sizeof actions[0]);
    cpol_audit_iter_free(it);
    world_close(&w);
}
END_TEST

/* ---- covert persons (治安信息员) ---- */

static int create_kind(world *w, const char *name, int kind, const cpol_id *officer, cpol_id *id)
{
    cpol_team_fields f = CPOL_TEAM_FIELDS_INIT;
    f.name = name;
    f.kind = kind;
    f.area = &w->community_a;
    f.officer = officer;
    return cpol_team_create(w->ctx, w->officer_a, &f, id);
}

static void check_team_view(const cv_secret *sec, const cpol_team *t)
{
    cv_id(sec, cpol_team_id(t), "team id");
    cv_id(sec, cpol_team_area(t), "team area");
    cv_id(sec, cpol_team_station(t), "team station");
    cv_id(sec, cpol_team_parent(t), "team parent");
    cv_id(sec, cpol_team_officer(t), "team officer");
    cv_text(sec, cpol_team_name(t), "team name");
}

/* Every membership of a roster read as `as`, checked against the secret; the count (-1 if refused). */
static int roster_seen(world *w, const cpol_actor *as, const cpol_id *team, const cv_secret *sec)
{
    cpol_membership_iter *it;
    const cpol_membership *m;
    int n = 0, rc = cpol_team_roster_iter_new(w->ctx, as, team, 1, &it);
    if (rc == CPOL_EPERM)
        return -1;
    OK(rc);
    while ((rc = cpol_membership_iter_next(it, &m)) == CPOL_OK) {
        cv_id(sec, cpol_membership_id(m), "roster membership");
        cv_id(sec, cpol_membership_person(m), "roster person");
        cv_id(sec, cpol_membership_team(m), "roster team");
        n++;
    }
    ck_assert_int_eq(rc, CPOL_DONE);
    cpol_membership_iter_free(it);
    return n;
}

static int report_members(world *w, const cpol_actor *as, const cpol_id *team)
{
    cpol_team_report *r;
    int n;
    OK(cpol_team_check(w->ctx, as, team, &r));
    n = cpol_team_report_members(r);
    cpol_team_report_free(r);
    return n;
}

static int person_teams(world *w, const cpol_actor *as, const cpol_id *person)
{
    cpol_membership_iter *it;
    const cpol_membership *m;
    int n = 0;
    OK(cpol_person_team_iter_new(w->ctx, as, person, &it));
    while (cpol_membership_iter_next(it, &m) == CPOL_OK)
        n++;
    cpol_membership_iter_free(it);
    return n;
}

START_TEST(only_active_informants_join_an_informant_network)
{
    world w;
    cpol_id network;
    snapshot s;
    world_open(&w, _i);
    OK(create_kind(&w, "玉龙信息员网络", CPOL_TEAM_INFORMANT_NETWORK, &w.officer, &network));
    s = take(&w, &network);
    FAILS(CPOL_ERULE, cpol_team_member_add(w.ctx, w.officer_a, &network, &w.vol[0], CPOL_TEAM_ROLE_MEMBER, NULL, NULL));
    MESSAGE_HAS("only a security informant (治安信息员) with an active assignment");
    MESSAGE_HAS("义警甲 holds none");
    expect_unchanged(&w, &network, &s, "a volunteer joining an informant network");
    FAILS(CPOL_ERULE, cpol_team_member_add(w.ctx, w.officer_a, &network, &w.aux, CPOL_TEAM_ROLE_AUXILIARY, NULL, NULL));
    FAILS(CPOL_ERULE, cpol_team_member_add(w.ctx, w.officer_a, &network, &w.resident, CPOL_TEAM_ROLE_UNIT_CONTACT,
                                           NULL, NULL));
    MESSAGE_HAS("informant network");
    expect_unchanged(&w, &network, &s, "staff and a unit contact joining an informant network");
    OK(cpol_team_member_add(w.ctx, w.officer_a, &network, &w.vol[2], CPOL_TEAM_ROLE_MEMBER, NULL, NULL));
    ck_assert_int_eq(count_roster(&w, &network, 0), 2);
    world_close(&w);
}
END_TEST

START_TEST(covert_members_are_invisible_to_readers_not_cleared)
{
    world w;
    cpol_id network, patrol, net_m, patrol_m, other_m, analyst, operator, informant2;
    cpol_actor *readers[4], *informant;
    cpol_team_iter *ti;
    const cpol_team *tv;
    cpol_team *t;
    cpol_membership *m;
    cpol_membership_iter *mi;
    cv_secret sec = {"信息员丙", {{{0}}}, 0};
    size_t i;
    int rc;
    world_open(&w, _i);
    analyst = staff(&w, &w.station_a, "分析员", CPOL_ROLE_ANALYST);
    operator = staff(&w, &w.station_a, "服务站员", CPOL_ROLE_OPERATOR);
    informant2 = volunteer(&w, "信息员庚", CPOL_ROLE_INFORMANT);
    OK(create_kind(&w, "玉龙信息员网络", CPOL_TEAM_INFORMANT_NETWORK, &w.officer, &network));
    OK(create_kind(&w, "玉龙巡逻队", CPOL_TEAM_PATROL, &w.officer, &patrol));
    OK(cpol_team_member_add(w.ctx, w.officer_a, &network, &w.vol[2], CPOL_TEAM_ROLE_MEMBER, NULL, &net_m));
    OK(cpol_team_member_add(w.ctx, w.officer_a, &network, &informant2, CPOL_TEAM_ROLE_MEMBER, NULL, &other_m));
    OK(cpol_team_member_add(w.ctx, w.officer_a, &patrol, &w.vol[0], CPOL_TEAM_ROLE_MEMBER, NULL, NULL));
    OK(cpol_team_member_add(w.ctx, w.officer_a, &patrol, &w.vol[2], CPOL_TEAM_ROLE_MEMBER, NULL, &patrol_m));
    cv_add(&sec, &w.vol[2]);
    cv_add(&sec, &net_m);
    cv_add(&sec, &patrol_m);
    cv_add(&sec, &informant2);
    cv_add(&sec, &other_m);
    readers[0] = w.aux_actor;
    readers[1] = actor(&w, &analyst, CPOL_ROLE_ANALYST);
    readers[2] = actor(&w, &operator, CPOL_ROLE_OPERATOR);
    readers[3] = w.volunteer_actor; /* 义警甲: a member of the patrol team, no person.view */

    for (i = 0; i < 4; i++) {
        const cpol_actor *as = readers[i];
        OK(cpol_team_get(w.ctx, as, &network, &t));
        check_team_view(&sec, t);
        cpol_team_free(t);
        OK(cpol_team_iter_new(w.ctx, as, NULL, &ti));
        while ((rc = cpol_team_iter_next(ti, &tv)) == CPOL_OK)
            check_team_view(&sec, tv);
        ck_assert_int_eq(rc, CPOL_DONE);
        cpol_team_iter_free(ti);
        /* the network's roster shows its officer only; the patrol team's its officer and 义警甲 */
        ck_assert_int_eq(roster_seen(&w, as, &network, &sec), i == 3 ? -1 : 1);
        ck_assert_int_eq(roster_seen(&w, as, &patrol, &sec), 2);
        /* counts agree with what the reader can list */
        ck_assert_int_eq(report_members(&w, as, &network), 0);
        ck_assert_int_eq(report_members(&w, as, &patrol), 1);
        /* the informant and their memberships do not exist for this reader */
        cv_not_found(cpol_person_team_iter_new(w.ctx, as, &w.vol[2], &mi), "person", &w.vol[2], "person teams");
        ck_assert_ptr_null(mi);
        cv_not_found(cpol_membership_get(w.ctx, as, &net_m, &m), "membership", &net_m, "membership get");
        cv_not_found(cpol_membership_get(w.ctx, as, &patrol_m, &m), "membership", &patrol_m, "membership get");
        ck_assert_ptr_null(m);
    }

    /* the officer (person.sensitive) sees everyone */
    {
        cv_secret none = {NULL, {{{0}}}, 0};
        ck_assert_int_eq(roster_seen(&w, w.officer_a, &network, &none), 3);
    }
    ck_assert_int_eq(report_members(&w, w.officer_a, &network), 2);
    ck_assert_int_eq(report_members(&w, w.officer_a, &patrol), 2);
    ck_assert_int_eq(person_teams(&w, w.officer_a, &w.vol[2]), 2);
    OK(cpol_membership_get(w.ctx, w.officer_a, &net_m, &m));
    ck_assert_int_eq(cpol_id_compare(cpol_membership_person(m), &w.vol[2]), 0);
    cpol_membership_free(m);

    /* the informant sees themself, never the other informant */
    informant = actor(&w, &w.vol[2], CPOL_ROLE_INFORMANT);
    ck_assert_int_eq(report_members(&w, informant, &network), 1);
    ck_assert_int_eq(person_teams(&w, informant, &w.vol[2]), 2);
    OK(cpol_membership_get(w.ctx, informant, &net_m, &m));
    cpol_membership_free(m);
    cv_not_found(cpol_membership_get(w.ctx, informant, &other_m, &m), "membership", &other_m, "other informant");
    {
        cv_secret other = {"信息员庚", {{{0}}}, 0};
        cv_add(&other, &informant2);
        cv_add(&other, &other_m);
        ck_assert_int_eq(roster_seen(&w, informant, &network, &other), 2);
    }
    cpol_actor_free(informant);
    cpol_actor_free(readers[1]);
    cpol_actor_free(readers[2]);
    world_close(&w);
}
END_TEST

/* An officer who once was an informant stays covert: their teams show no officer to uncleared readers. */
START_TEST(a_covert_officer_reads_as_nil)
{
    world w;
    cpol_id former, team;
    cpol_team *t;
    world_open(&w, _i);
    former = volunteer(&w, "原信息员", CPOL_ROLE_INFORMANT);
    OK(cpol_role_appoint(w.ctx, w.sys, &former, CPOL_ROLE_OFFICER, &w.station_a, NULL, NULL));
    OK(create_kind(&w, "锦绣巡逻队", CPOL_TEAM_PATROL, &former, &team));
    OK(cpol_team_get(w.ctx, w.aux_actor, &team, &t));
    ck_assert(cpol_id_is_nil(cpol_team_officer(t)));
    cpol_team_free(t);
    OK(cpol_team_get(w.ctx, w.officer_a, &team, &t));
    ck_assert_int_eq(cpol_id_compare(cpol_team_officer(t), &former), 0);
    cpol_team_free(t);
    world_close(&w);
}
END_TEST

/* ---- listing ---- */

START_TEST(teams_are_listed_by_area_kind_and_parent_with_paging)
{
    world w;
    cpol_team_filter f = CPOL_TEAM_FILTER_INIT;
    cpol_team_iter *it;
    const cpol_team *t;
    cpol_membership_iter *mi;
    const cpol_membership *m;
    cpol_id core, sub, patrol, other;
    char name[64];
    int k, n;
    world_open(&w, _i);
    OK(create_team(&w, w.officer_a, "玉龙社区警务团队", CPOL_TEAM_TEMPLATE_1_10_N, NULL, &w.officer, &core));
    for (k = 1; k <= 3; k++) {
        snprintf(name, sizeof name, "自治队%d", k);
        OK(create_team(&w, w.officer_a, name, CPOL_TEAM_TEMPLATE_NONE, &core, &w.officer, &sub));
    }
    {
        cpol_team_fields tf = CPOL_TEAM_FIELDS_INIT;
        tf.name = "忙畔巡逻队";
        tf.kind = CPOL_TEAM_PATROL;
        tf.composition = CPOL_TEAM_TEMPLATE_1_N;
        tf.area = &w.station_a;
        tf.officer = &w.officer2;
        OK(cpol_team_create(w.ctx, w.officer_a, &tf, &patrol));
        tf.area = &w.community_b;
        tf.officer = &w.officer_other;
        tf.name = "锦凤巡逻队";
        OK(cpol_team_create(w.ctx, w.officer_b, &tf, &other));
    }
    ck_assert_int_eq(count_teams(&w, NULL), 6);
    f.area = &w.station_a;
    ck_assert_int_eq(count_teams(&w, &f), 5);
    f.area = &w.community_a; /* the station-level patrol team is not below the community */
    ck_assert_int_eq(count_teams(&w, &f), 4);
    f.area = &w.bureau;
    ck_assert_int_eq(count_teams(&w, &f), 6);
    f.area = &w.station_b;
    ck_assert_int_eq(count_teams(&w, &f), 1);
    f.area = NULL;
    f.kind = CPOL_TEAM_PATROL;
    ck_assert_int_eq(count_teams(&w, &f), 2);
    f.kind = 0;
    f.parent = &core;
    ck_assert_int_eq(count_teams(&w, &f), 3);
    f.parent = &sub;
    ck_assert_int_eq(count_teams(&w, &f), 0);

    /* pages in creation order */
    f.parent = NULL;
    f.area = &w.station_a;
    f.offset = 1;
    f.limit = 2;
    OK(cpol_team_iter_new(w.ctx, w.sys, &f, &it));
    n = 0;
    while (cpol_team_iter_next(it, &t) == CPOL_OK) {
        snprintf(name, sizeof name, "自治队%d", ++n);
        ck_assert_str_eq(cpol_team_name(t), name);
        ck_assert_int_eq(cpol_id_compare(cpol_team_parent(t), &core), 0);
    }
    ck_assert_int_eq(n, 2);
    cpol_team_iter_free(it);
    f.offset = 4;
    ck_assert_int_eq(count_teams(&w, &f), 1);

    /* an iterator outlives its context */
    f = (cpol_team_filter)CPOL_TEAM_FILTER_INIT;
    f.kind = CPOL_TEAM_PATROL;
    OK(cpol_team_iter_new(w.ctx, w.sys, &f, &it));
    OK(cpol_person_team_iter_new(w.ctx, w.sys, &w.officer, &mi));
    OK(cpol_team_iter_next(it, &t));
    ck_assert_str_eq(cpol_team_name(t), "忙畔巡逻队");
    ck_assert_int_eq(cpol_id_compare(cpol_team_officer(t), &w.officer2), 0);

    /* the officer's teams: the core team and its three sub-teams */
    n = 0;
    while (cpol_membership_iter_next(mi, &m) == CPOL_OK) {
        ck_assert_int_eq(cpol_membership_role(m), CPOL_TEAM_ROLE_OFFICER);
        ck_assert_int_eq(cpol_membership_active(m), 1);
        ck_assert(cpol_membership_joined_at(m) > 0);
        n++;
    }
    ck_assert_int_eq(n, 4);
    world_close(&w);
    ck_assert_int_eq(cpol_team_iter_next(it, &t), CPOL_OK);
    ck_assert_str_eq(cpol_team_name(t), "锦凤巡逻队");
    ck_assert_int_eq(cpol_team_iter_next(it, &t), CPOL_DONE);
    cpol_team_iter_free(it);
    cpol_membership_iter_free(mi);
}
END_TEST

START_TEST(names_of_kinds_templates_and_roles)
{
    ck_assert_str_eq(cpol_team_kind_name(CPOL_TEAM_VOLUNTEER_POLICE), "volunteer-police team");
    ck_assert_str_eq(cpol_team_kind_name(CPOL_TEAM_SAFETY_STEWARDS), "safety stewards");
    ck_assert_str_eq(cpol_team_kind_name(CPOL_TEAM_INFORMANT_NETWORK), "informant network");
    ck_assert_str_eq(cpol_team_kind_name(0), "unknown");
    ck_assert_str_eq(cpol_team_kind_name(8), "unknown");
    ck_assert_str_eq(cpol_team_template_name(CPOL_TEAM_TEMPLATE_NONE), "none");
    ck_assert_str_eq(cpol_team_template_name(CPOL_TEAM_TEMPLATE_1_1_N), "1+1+N");
    ck_assert_str_eq(cpol_team_template_name(CPOL_TEAM_TEMPLATE_1_N), "1+N");
    ck_assert_str_eq(cpol_team_template_name(CPOL_TEAM_TEMPLATE_1_10_N), "1+10+N");
    ck_assert_str_eq(cpol_team_template_name(-1), "unknown");
    ck_assert_str_eq(cpol_team_template_name(4), "unknown");
    ck_assert_str_eq(cpol_team_role_name(CPOL_TEAM_ROLE_OFFICER), "responsible officer");
    ck_assert_str_eq(cpol_team_role_name(CPOL_TEAM_ROLE_UNIT_CONTACT), "unit contact");
    ck_assert_str_eq(cpol_team_role_name(0), "unknown");
    ck_assert_str_eq(cpol_team_role_name(6), "unknown");
}
END_TEST

static Suite *team_suite(void)
{
    Suite *s = suite_create("team");
    TCase *tc = tcase_create("team");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, create_needs_an_active_officer_of_the_station, 0, 2);
    tcase_add_loop_test(tc, one_officer_per_team, 0, 2);
    tcase_add_loop_test(tc, one_auxiliary_in_a_1_1_N_team, 0, 2);
    tcase_add_loop_test(tc, at_most_ten_subteams_under_a_1_10_N_team, 0, 2);
    tcase_add_loop_test(tc, who_may_be_a_member, 0, 2);
    tcase_add_loop_test(tc, only_team_managers_of_the_station_change_teams, 0, 2);
    tcase_add_loop_test(tc, bad_input_is_refused_before_anything_is_stored, 0, 2);
    tcase_add_loop_test(tc, every_step_is_audited_under_the_team_in_order, 0, 2);
    tcase_add_loop_test(tc, teams_are_listed_by_area_kind_and_parent_with_paging, 0, 2);
    tcase_add_loop_test(tc, only_active_informants_join_an_informant_network, 0, 2);
    tcase_add_loop_test(tc, covert_members_are_invisible_to_readers_not_cleared, 0, 2);
    tcase_add_loop_test(tc, a_covert_officer_reads_as_nil, 0, 2);
    tcase_add_test(tc, names_of_kinds_templates_and_roles);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(team_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
