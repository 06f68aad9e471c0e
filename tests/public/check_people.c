/* Public API: areas, person files, roles and the volunteer lifecycle,
 * permissions and masking, notes and the audit trail, on both backends. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <commpolice/commpolice.h>

#include "../support/test_util.h"

static const char *tmp;
static cpol_ctx *ctx;
static cpol_actor *sys;
static cpol_id bureau, station, other_station, community, grid, compound;

#define OK(call) ck_assert_msg((call) == CPOL_OK, "%s -> %s", #call, cpol_error_message())
#define FAILS(code, call)                                                                                   \
    do {                                                                                                    \
        int rc_ = (call);                                                                                   \
        ck_assert_msg(rc_ == (code), "%s -> %s (%s), expected %s", #call, cpol_status_name(rc_),           \
                      cpol_error_message(), cpol_status_name(code));                                        \
    } while (0)

/* A valid GB 11643 number from 17 digits. */
static const char *id_card(const char *first17)
{
    static char buf[8][19];
    static int n;
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    char *out = buf[n++ % 8];
    int i, sum = 0;
    for (i = 0; i < 17; i++)
        sum += (first17[i] - '0') * w[i];
    memcpy(out, first17, 17);
    out[17] = "10X98765432"[sum % 11];
    out[18] = '\0';
    return out;
}

static void setup_backend(int i)
{
    char uri[512];
    tmp = tu_tmpdir();
    if (i == 0)
        snprintf(uri, sizeof uri, "memory:");
    else
        tu_store_uri(uri, sizeof uri, tmp, "people.db"); /* sqlite, or postgresql (tests/postgres/) */
    OK(cpol_ctx_open(&ctx, uri, tu_options()));
    OK(cpol_actor_system(ctx, &sys));
    OK(cpol_area_create(ctx, sys, NULL, CPOL_AREA_BUREAU, "临翔分局", &bureau));
    OK(cpol_area_create(ctx, sys, &bureau, CPOL_AREA_STATION, "忙畔派出所", &station));
    OK(cpol_area_create(ctx, sys, &bureau, CPOL_AREA_STATION, "凤翔派出所", &other_station));
    OK(cpol_area_create(ctx, sys, &station, CPOL_AREA_COMMUNITY, "玉龙社区", &community));
    OK(cpol_area_create(ctx, sys, &community, CPOL_AREA_GRID, "第一网格", &grid));
    OK(cpol_area_create(ctx, sys, &grid, CPOL_AREA_COMPOUND, "玉龙小区", &compound));
}

static void teardown_backend(void)
{
    cpol_actor_free(sys);
    ck_assert_int_eq(cpol_ctx_close(ctx), CPOL_OK);
    tu_rmtree(tmp);
}

static cpol_id person(const char *name, const char *first17, const cpol_id *home)
{
    cpol_person_fields f = CPOL_PERSON_FIELDS_INIT;
    cpol_id id;
    f.name = name;
    f.id_card = id_card(first17);
    f.home_area = home;
    f.phone = "13912345678";
    OK(cpol_person_register(ctx, sys, &f, &id));
    return id;
}

static cpol_actor *staff(const char *name, const char *first17, int role, const cpol_id *where)
{
    cpol_id p = person(name, first17, &community);
    cpol_actor *a;
    OK(cpol_role_appoint(ctx, sys, &p, role, where, "任命", NULL));
    OK(cpol_actor_open(ctx, &p, role, &a));
    return a;
}

static int count_audit(const cpol_id *object)
{
    cpol_audit_filter f = CPOL_AUDIT_FILTER_INIT;
    cpol_audit_iter *it;
    const cpol_audit_entry *e;
    int n = 0;
    f.object = object;
    OK(cpol_audit_iter_new(ctx, sys, &f, &it));
    while (cpol_audit_iter_next(it, &e) == CPOL_OK)
        n++;
    cpol_audit_iter_free(it);
    return n;
}

/* ---- areas ---- */

START_TEST(area_tree_rules_and_walks)
{
    cpol_area_iter *it;
    const cpol_area *a;
    cpol_area *got;
    char seen[512] = "";
    cpol_id b2;
    setup_backend(_i);
    FAILS(CPOL_ERULE, cpol_area_create(ctx, sys, &grid, CPOL_AREA_COMMUNITY, "倒挂", NULL));
    FAILS(CPOL_ERULE, cpol_area_create(ctx, sys, NULL, CPOL_AREA_GRID, "无根网格", NULL));
    FAILS(CPOL_EEXISTS, cpol_area_create(ctx, sys, &community, CPOL_AREA_GRID, "第一网格", NULL));
    FAILS(CPOL_EEXISTS, cpol_area_create(ctx, sys, NULL, CPOL_AREA_BUREAU, "临翔分局", NULL));
    FAILS(CPOL_EINVALID, cpol_area_create(ctx, sys, &grid, 99, "x", NULL));
    FAILS(CPOL_EINVALID, cpol_area_create(ctx, sys, &grid, CPOL_AREA_BUILDING, "", NULL));
    FAILS(CPOL_EUTF8, cpol_area_create(ctx, sys, &grid, CPOL_AREA_BUILDING, "\xE4\xB8", NULL));
    memset(&b2, 0x11, sizeof b2);
    FAILS(CPOL_ENOTFOUND, cpol_area_create(ctx, sys, &b2, CPOL_AREA_BUILDING, "x", NULL));
    FAILS(CPOL_EMISUSE, cpol_area_create(ctx, NULL, &grid, CPOL_AREA_BUILDING, "x", NULL));
    /* a compound directly under a community skips the grid level: allowed */
    OK(cpol_area_create(ctx, sys, &community, CPOL_AREA_COMPOUND, "锦凤小区", NULL));
    OK(cpol_area_create(ctx, sys, &compound, CPOL_AREA_BUILDING, "1栋", &b2));

    OK(cpol_area_get(ctx, sys, &b2, &got));
    ck_assert_str_eq(cpol_area_name(got), "1栋");
    ck_assert_int_eq(cpol_area_kind(got), CPOL_AREA_BUILDING);
    ck_assert_int_eq(cpol_area_depth(got), 5);
    ck_assert_int_eq(cpol_id_compare(cpol_area_station(got), &station), 0);
    ck_assert_int_eq(cpol_id_compare(cpol_area_parent(got), &compound), 0);
    cpol_area_free(got);

    OK(cpol_area_iter_new(ctx, sys, &b2, CPOL_AREA_WALK_ANCESTORS, &it));
    while (cpol_area_iter_next(it, &a) == CPOL_OK) {
        strcat(seen, cpol_area_name(a));
        strcat(seen, "<");
    }
    cpol_area_iter_free(it);
    ck_assert_str_eq(seen, "玉龙小区<第一网格<玉龙社区<忙畔派出所<临翔分局<");

    seen[0] = '\0';
    OK(cpol_area_iter_new(ctx, sys, &station, CPOL_AREA_WALK_DESCENDANTS, &it));
    while (cpol_area_iter_next(it, &a) == CPOL_OK) {
        strcat(seen, cpol_area_name(a));
        strcat(seen, ";");
    }
    cpol_area_iter_free(it);
    ck_assert_str_eq(seen, "玉龙社区;第一网格;玉龙小区;1栋;锦凤小区;");

    seen[0] = '\0';
    OK(cpol_area_iter_new(ctx, sys, &bureau, CPOL_AREA_WALK_CHILDREN, &it));
    while (cpol_area_iter_next(it, &a) == CPOL_OK) {
        strcat(seen, cpol_area_name(a));
        strcat(seen, ";");
    }
    cpol_area_iter_free(it);
    ck_assert_str_eq(seen, "忙畔派出所;凤翔派出所;");
    FAILS(CPOL_EINVALID, cpol_area_iter_new(ctx, sys, &bureau, 9, &it));

    OK(cpol_area_rename(ctx, sys, &b2, "一栋"));
    {
        cpol_id g2;
        OK(cpol_area_create(ctx, sys, &community, CPOL_AREA_GRID, "第二网格", &g2));
        FAILS(CPOL_EEXISTS, cpol_area_rename(ctx, sys, &g2, "第一网格"));
        OK(cpol_area_rename(ctx, sys, &g2, "第二网格")); /* its own name is not a clash */
    }
    ck_assert_int_eq(count_audit(&b2), 2);
    teardown_backend();
}
END_TEST

/* ---- person files ---- */

START_TEST(person_file_validation)
{
    cpol_person_fields f = CPOL_PERSON_FIELDS_INIT;
    cpol_person *p;
    cpol_id id;
    char longname[CPOL_PERSON_NAME_MAX + 2];
    setup_backend(_i);
    f.name = "王伟";
    f.home_area = &compound;
    f.id_card = "53090219850312002";                   /* 17 characters */
    FAILS(CPOL_EINVALID, cpol_person_register(ctx, sys, &f, NULL));
    f.id_card = "5309021985031200211";                 /* 19 characters */
    FAILS(CPOL_EINVALID, cpol_person_register(ctx, sys, &f, NULL));
    f.id_card = "530902198503120020";                  /* wrong check digit */
    FAILS(CPOL_EINVALID, cpol_person_register(ctx, sys, &f, NULL));
    ck_assert(strstr(cpol_error_message(), "check character") != NULL);
    f.id_card = id_card("53090219850230002");          /* 30 February */
    FAILS(CPOL_EINVALID, cpol_person_register(ctx, sys, &f, NULL));
    ck_assert(strstr(cpol_error_message(), "birth date") != NULL);
    f.id_card = id_card("53090221000101002");          /* born in 2100 */
    FAILS(CPOL_EINVALID, cpol_person_register(ctx, sys, &f, NULL));
    f.id_card = id_card("99090219850312002");          /* no province 99 */
    FAILS(CPOL_EINVALID, cpol_person_register(ctx, sys, &f, NULL));
    f.id_card = id_card("53090219850312002");
    f.phone = "12345";
    FAILS(CPOL_EINVALID, cpol_person_register(ctx, sys, &f, NULL));
    f.phone = "0883-2123456";
    f.name = "";
    FAILS(CPOL_EINVALID, cpol_person_register(ctx, sys, &f, NULL));
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    f.name = longname;
    FAILS(CPOL_ETOOLONG, cpol_person_register(ctx, sys, &f, NULL));
    f.name = "\xFF\xFE";
    FAILS(CPOL_EUTF8, cpol_person_register(ctx, sys, &f, NULL));
    f.name = "王伟";
    f.categories = 0x100;
    FAILS(CPOL_EINVALID, cpol_person_register(ctx, sys, &f, NULL));
    f.categories = CPOL_CATEGORY_SECURITY_GUARD | CPOL_CATEGORY_COURIER;
    f.home_area = &bureau;
    FAILS(CPOL_ERULE, cpol_person_register(ctx, sys, &f, NULL));
    f.home_area = &compound;
    OK(cpol_person_register(ctx, sys, &f, &id));
    /* the same number again, also with a lower-case x elsewhere */
    f.name = "王伟二";
    FAILS(CPOL_EEXISTS, cpol_person_register(ctx, sys, &f, NULL));
    ck_assert(strstr(cpol_error_message(), "530***********") != NULL);

    OK(cpol_person_get(ctx, sys, &id, &p));
    ck_assert_str_eq(cpol_person_name(p), "王伟");
    ck_assert_int_eq(cpol_person_birth_date(p), 19850312);
    ck_assert_int_eq(cpol_person_categories(p), CPOL_CATEGORY_SECURITY_GUARD | CPOL_CATEGORY_COURIER);
    ck_assert_str_eq(cpol_person_phone(p), "0883-2123456");
    ck_assert_int_eq(cpol_id_compare(cpol_person_station(p), &station), 0);
    cpol_person_free(p);
    ck_assert_int_eq(count_audit(&id), 1);
    teardown_backend();
}
END_TEST

START_TEST(person_data_masked_for_roles_without_sensitive_permission)
{
    cpol_actor *officer, *operator_, *analyst;
    cpol_person *p;
    cpol_id someone;
    setup_backend(_i);
    officer = staff("张警官", "53090219800101001", CPOL_ROLE_OFFICER, &station);
    operator_ = staff("服务站小刘", "53090219900101002", CPOL_ROLE_OPERATOR, &station);
    analyst = staff("分析员", "53090219910101003", CPOL_ROLE_ANALYST, &station);
    someone = person("居民甲", "53090219700505004", &compound);
    OK(cpol_person_get(ctx, officer, &someone, &p));
    ck_assert_int_eq(cpol_person_masked(p), 0);
    ck_assert_str_eq(cpol_person_id_card(p), id_card("53090219700505004"));
    cpol_person_free(p);
    OK(cpol_person_get(ctx, operator_, &someone, &p));
    ck_assert_int_eq(cpol_person_masked(p), 1);
    ck_assert(strncmp(cpol_person_id_card(p), "530***********", 14) == 0);
    ck_assert_str_eq(cpol_person_phone(p), "139****5678");
    cpol_person_free(p);
    {
        cpol_person_iter *it;
        const cpol_person *q;
        int n = 0;
        OK(cpol_person_iter_new(ctx, analyst, NULL, &it));
        while (cpol_person_iter_next(it, &q) == CPOL_OK) {
            ck_assert_int_eq(cpol_person_masked(q), 1);
            ck_assert(strstr(cpol_person_id_card(q), "********") != NULL);
            n++;
        }
        cpol_person_iter_free(it);
        ck_assert_int_eq(n, 4);
    }
    /* a person reads their own file in full */
    OK(cpol_person_get(ctx, operator_, cpol_actor_person(operator_), &p));
    ck_assert_int_eq(cpol_person_masked(p), 0);
    cpol_person_free(p);
    cpol_actor_free(officer);
    cpol_actor_free(operator_);
    cpol_actor_free(analyst);
    teardown_backend();
}
END_TEST

/* ---- the volunteer lifecycle ---- */

START_TEST(volunteer_lifecycle_every_edge)
{
    cpol_actor *officer, *aux, *vol;
    cpol_id v, a;
    cpol_assignment *as;
    setup_backend(_i);
    officer = staff("张警官", "53090219800101001", CPOL_ROLE_OFFICER, &station);
    aux = staff("李辅警", "53090219850101002", CPOL_ROLE_AUXILIARY, &station);
    v = person("赵义警", "53090219950101003", &compound);
    /* staff role through the volunteer path and vice versa */
    FAILS(CPOL_ERULE, cpol_volunteer_apply(ctx, aux, &v, CPOL_ROLE_OFFICER, &community, NULL, NULL));
    FAILS(CPOL_ERULE, cpol_role_appoint(ctx, sys, &v, CPOL_ROLE_VOLUNTEER, &community, NULL, NULL));
    /* an auxiliary may record the application */
    OK(cpol_volunteer_apply(ctx, aux, &v, CPOL_ROLE_VOLUNTEER, &community, "自愿报名", &a));
    FAILS(CPOL_EEXISTS, cpol_volunteer_apply(ctx, aux, &v, CPOL_ROLE_VOLUNTEER, &community, NULL, NULL));
    /* admitting without review */
    FAILS(CPOL_ESTATE, cpol_assignment_step(ctx, officer, &a, CPOL_ASSIGNMENT_ADMITTED, NULL));
    ck_assert(strstr(cpol_error_message(), "allowed: under review") != NULL);
    FAILS(CPOL_ESTATE, cpol_assignment_step(ctx, officer, &a, CPOL_ASSIGNMENT_ACTIVE, NULL));
    /* an auxiliary may not review */
    FAILS(CPOL_EPERM, cpol_assignment_step(ctx, aux, &a, CPOL_ASSIGNMENT_UNDER_REVIEW, NULL));
    ck_assert(strstr(cpol_error_message(), "volunteer.review") != NULL);
    OK(cpol_assignment_step(ctx, officer, &a, CPOL_ASSIGNMENT_UNDER_REVIEW, NULL));
    FAILS(CPOL_EINVALID, cpol_assignment_step(ctx, officer, &a, CPOL_ASSIGNMENT_REJECTED, NULL));
    OK(cpol_assignment_step(ctx, officer, &a, CPOL_ASSIGNMENT_ADMITTED, "政审通过"));
    FAILS(CPOL_EPERM, cpol_actor_open(ctx, &v, CPOL_ROLE_VOLUNTEER, &vol));
    ck_assert(strstr(cpol_error_message(), "admitted") != NULL);
    OK(cpol_assignment_step(ctx, officer, &a, CPOL_ASSIGNMENT_ACTIVE, NULL));
    OK(cpol_actor_open(ctx, &v, CPOL_ROLE_VOLUNTEER, &vol));
    /* the volunteer may not register people nor step their own assignment */
    FAILS(CPOL_EPERM, cpol_assignment_step(ctx, vol, &a, CPOL_ASSIGNMENT_RETIRED, "不干了"));
    FAILS(CPOL_EINVALID, cpol_assignment_step(ctx, officer, &a, CPOL_ASSIGNMENT_SUSPENDED, ""));
    OK(cpol_assignment_step(ctx, officer, &a, CPOL_ASSIGNMENT_SUSPENDED, "巡逻缺勤三次"));
    /* the open actor handle stops working at once */
    FAILS(CPOL_EPERM, cpol_person_note_add(ctx, vol, &v, CPOL_NOTE_GENERAL, "x", NULL));
    ck_assert(strstr(cpol_error_message(), "suspended") != NULL);
    OK(cpol_assignment_step(ctx, officer, &a, CPOL_ASSIGNMENT_ACTIVE, "整改到位"));
    OK(cpol_person_note_add(ctx, officer, &v, CPOL_NOTE_DISCIPLINE, "缺勤三次，已约谈", NULL));
    OK(cpol_assignment_step(ctx, officer, &a, CPOL_ASSIGNMENT_RETIRED, "搬离辖区"));
    FAILS(CPOL_ESTATE, cpol_assignment_step(ctx, officer, &a, CPOL_ASSIGNMENT_ACTIVE, NULL));
    ck_assert(strstr(cpol_error_message(), "none (final state)") != NULL);
    /* kept: the file, the assignment, the note and the whole history */
    OK(cpol_assignment_get(ctx, officer, &a, &as));
    ck_assert_int_eq(cpol_assignment_status(as), CPOL_ASSIGNMENT_RETIRED);
    cpol_assignment_free(as);
    {
        int64_t n;
        OK(cpol_person_note_count(ctx, officer, &v, CPOL_NOTE_DISCIPLINE, &n));
        ck_assert_int_eq(n, 1);
    }
    {
        cpol_audit_filter f = CPOL_AUDIT_FILTER_INIT;
        cpol_audit_iter *it;
        const cpol_audit_entry *e;
        char actions[512] = "";
        f.object = &a;
        OK(cpol_audit_iter_new(ctx, officer, &f, &it));
        while (cpol_audit_iter_next(it, &e) == CPOL_OK) {
            strcat(actions, cpol_audit_entry_action(e));
            strcat(actions, ";");
        }
        cpol_audit_iter_free(it);
        ck_assert_str_eq(actions, "volunteer.apply;volunteer.review;volunteer.admit;volunteer.activate;"
                                  "volunteer.suspend;volunteer.reinstate;volunteer.retire;");
    }
    /* re-applying after retirement is allowed */
    OK(cpol_volunteer_apply(ctx, aux, &v, CPOL_ROLE_VOLUNTEER, &community, "回到辖区", NULL));
    cpol_actor_free(vol);
    cpol_actor_free(officer);
    cpol_actor_free(aux);
    teardown_backend();
}
END_TEST

START_TEST(station_scope_and_permissions)
{
    cpol_actor *officer, *leader, *foreign;
    cpol_id p, a, far_area;
    cpol_person_fields f = CPOL_PERSON_FIELDS_INIT;
    setup_backend(_i);
    officer = staff("张警官", "53090219800101001", CPOL_ROLE_OFFICER, &station);
    leader = staff("刘所长", "53090219750101002", CPOL_ROLE_LEADER, &station);
    foreign = staff("外所民警", "53090219820101003", CPOL_ROLE_OFFICER, &other_station);
    OK(cpol_area_create(ctx, sys, &other_station, CPOL_AREA_COMMUNITY, "锦凤社区", &far_area));
    p = person("居民乙", "53090219600101004", &compound);
    /* an officer may not appoint staff; a leader may */
    FAILS(CPOL_EPERM, cpol_role_appoint(ctx, officer, &p, CPOL_ROLE_AUXILIARY, &station, NULL, NULL));
    ck_assert(strstr(cpol_error_message(), "role.appoint") != NULL);
    OK(cpol_role_appoint(ctx, leader, &p, CPOL_ROLE_AUXILIARY, &station, NULL, &a));
    FAILS(CPOL_EEXISTS, cpol_role_appoint(ctx, leader, &p, CPOL_ROLE_AUXILIARY, &station, NULL, NULL));
    /* nobody steps their own assignment */
    {
        cpol_actor *aux;
        OK(cpol_actor_open(ctx, &p, CPOL_ROLE_AUXILIARY, &aux));
        FAILS(CPOL_EPERM, cpol_assignment_step(ctx, aux, &a, CPOL_ASSIGNMENT_SUSPENDED, "x"));
        cpol_actor_free(aux);
    }
    /* the other station's officer sees and changes nothing here: to a read,
     * a file of another station does not exist (no probe across stations) */
    {
        cpol_person *pp;
        FAILS(CPOL_ENOTFOUND, cpol_person_get(ctx, foreign, &p, &pp));
        ck_assert(strstr(cpol_error_message(), "does not exist") != NULL);
        f.name = "改名";
        FAILS(CPOL_EPERM, cpol_person_update(ctx, foreign, &p, &f));
        FAILS(CPOL_EPERM, cpol_area_create(ctx, foreign, &community, CPOL_AREA_GRID, "越权网格", NULL));
        OK(cpol_area_create(ctx, foreign, &far_area, CPOL_AREA_GRID, "本所网格", NULL));
        /* moving someone into another station needs the right there too */
        f.name = NULL;
        f.home_area = &far_area;
        FAILS(CPOL_EPERM, cpol_person_update(ctx, officer, &p, &f));
    }
    /* station-bound actors cannot create stations */
    FAILS(CPOL_EPERM, cpol_area_create(ctx, leader, &bureau, CPOL_AREA_STATION, "新所", NULL));
    /* the audit trail is for audit.view holders, scoped to their station */
    {
        cpol_audit_iter *it;
        const cpol_audit_entry *e;
        cpol_audit_filter af = CPOL_AUDIT_FILTER_INIT;
        cpol_actor *aux;
        int n = 0;
        FAILS(CPOL_EMISUSE, cpol_audit_iter_new(ctx, NULL, NULL, &it));
        OK(cpol_actor_open(ctx, &p, CPOL_ROLE_AUXILIARY, &aux));
        FAILS(CPOL_EPERM, cpol_audit_iter_new(ctx, aux, NULL, &it));
        ck_assert(strstr(cpol_error_message(), "audit.view") != NULL);
        cpol_actor_free(aux);
        af.object = &p;
        OK(cpol_audit_iter_new(ctx, foreign, &af, &it)); /* another station's entries are not shown */
        while (cpol_audit_iter_next(it, &e) == CPOL_OK)
            n++;
        cpol_audit_iter_free(it);
        ck_assert_int_eq(n, 0);
        OK(cpol_audit_iter_new(ctx, officer, &af, &it));
        while (cpol_audit_iter_next(it, &e) == CPOL_OK)
            n++;
        cpol_audit_iter_free(it);
        ck_assert_int_ge(n, 1);
    }
    cpol_actor_free(officer);
    cpol_actor_free(leader);
    cpol_actor_free(foreign);
    teardown_backend();
}
END_TEST

START_TEST(people_queries_filter_and_page)
{
    cpol_actor *officer;
    cpol_person_filter f = CPOL_PERSON_FILTER_INIT;
    cpol_person_iter *it;
    const cpol_person *p;
    int i, n;
    char first17[18];
    setup_backend(_i);
    officer = staff("张警官", "53090219800101001", CPOL_ROLE_OFFICER, &station);
    OK(cpol_batch_begin(ctx));
    for (i = 0; i < 25; i++) {
        cpol_id v, a;
        snprintf(first17, sizeof first17, "530902199001%02d%03d", i % 28 + 1, 100 + i);
        v = person("义警", first17, i < 20 ? &compound : &community);
        OK(cpol_volunteer_apply(ctx, officer, &v, CPOL_ROLE_VOLUNTEER, &community, NULL, &a));
        if (i % 5 != 0) {
            OK(cpol_assignment_step(ctx, officer, &a, CPOL_ASSIGNMENT_UNDER_REVIEW, NULL));
            OK(cpol_assignment_step(ctx, officer, &a, CPOL_ASSIGNMENT_ADMITTED, NULL));
            OK(cpol_assignment_step(ctx, officer, &a, CPOL_ASSIGNMENT_ACTIVE, NULL));
        }
    }
    OK(cpol_batch_commit(ctx));
    /* role + status: 20 active */
    f.role = CPOL_ROLE_VOLUNTEER;
    f.status = CPOL_ASSIGNMENT_ACTIVE;
    OK(cpol_person_iter_new(ctx, officer, &f, &it));
    for (n = 0; cpol_person_iter_next(it, &p) == CPOL_OK; n++)
        ;
    cpol_person_iter_free(it);
    ck_assert_int_eq(n, 20);
    /* + area subtree: home in the compound (i < 20) and active (i % 5 != 0): 16 */
    f.area = &compound;
    OK(cpol_person_iter_new(ctx, officer, &f, &it));
    for (n = 0; cpol_person_iter_next(it, &p) == CPOL_OK; n++)
        ;
    cpol_person_iter_free(it);
    ck_assert_int_eq(n, 16);
    /* area alone (the grid contains the compound): 20 volunteers */
    f.role = 0;
    f.status = 0;
    f.area = &grid;
    OK(cpol_person_iter_new(ctx, officer, &f, &it));
    for (n = 0; cpol_person_iter_next(it, &p) == CPOL_OK; n++)
        ;
    cpol_person_iter_free(it);
    ck_assert_int_eq(n, 20);
    /* paging: 26 people at the station (25 + the officer) in pages of 10 */
    f.area = NULL;
    f.limit = 10;
    for (i = 0; i < 3; i++) {
        f.offset = i * 10;
        OK(cpol_person_iter_new(ctx, officer, &f, &it));
        for (n = 0; cpol_person_iter_next(it, &p) == CPOL_OK; n++)
            ;
        cpol_person_iter_free(it);
        ck_assert_int_eq(n, i < 2 ? 10 : 6);
    }
    f.status = CPOL_ASSIGNMENT_ACTIVE; /* status without role */
    FAILS(CPOL_EINVALID, cpol_person_iter_new(ctx, officer, &f, &it));
    f.status = 0;
    f.version = 99;
    FAILS(CPOL_EVERSION, cpol_person_iter_new(ctx, officer, &f, &it));
    cpol_actor_free(officer);
    teardown_backend();
}
END_TEST

START_TEST(refusals_change_nothing)
{
    cpol_actor *aux;
    cpol_id p;
    cpol_person *pp;
    cpol_person_fields f = CPOL_PERSON_FIELDS_INIT;
    int before;
    setup_backend(_i);
    aux = staff("李辅警", "53090219850101002", CPOL_ROLE_AUXILIARY, &station);
    p = person("居民丙", "53090219600101004", &compound);
    before = count_audit(&p);
    f.name = "新名字";
    f.id_card = id_card("53090219850101002"); /* the auxiliary's own number: taken */
    FAILS(CPOL_EEXISTS, cpol_person_update(ctx, aux, &p, &f));
    FAILS(CPOL_EPERM, cpol_person_note_add(ctx, aux, &p, CPOL_NOTE_DISCIPLINE, "x", NULL));
    OK(cpol_person_get(ctx, sys, &p, &pp));
    ck_assert_str_eq(cpol_person_name(pp), "居民丙");
    cpol_person_free(pp);
    ck_assert_int_eq(count_audit(&p), before);
    cpol_actor_free(aux);
    teardown_backend();
}
END_TEST


/* ---- trust: covert people, masking, lookups, settings ---- */

/* A person with a phone of their own, taking `role` through the whole
 * admission as the system actor; *assignment_out receives the assignment. */
static cpol_id volunteer(const char *name, const char *first17, const char *phone, int role,
                         cpol_id *assignment_out)
{
    cpol_person_fields f = CPOL_PERSON_FIELDS_INIT;
    cpol_id id, a;
    f.name = name;
    f.id_card = id_card(first17);
    f.home_area = &compound;
    f.phone = phone;
    OK(cpol_person_register(ctx, sys, &f, &id));
    OK(cpol_volunteer_apply(ctx, sys, &id, role, &community, NULL, &a));
    OK(cpol_assignment_step(ctx, sys, &a, CPOL_ASSIGNMENT_UNDER_REVIEW, NULL));
    OK(cpol_assignment_step(ctx, sys, &a, CPOL_ASSIGNMENT_ADMITTED, NULL));
    OK(cpol_assignment_step(ctx, sys, &a, CPOL_ASSIGNMENT_ACTIVE, NULL));
    if (assignment_out)
        *assignment_out = a;
    return id;
}

/* What must never reach an uncleared reader about one covert person. */
typedef struct secret {
    cpol_id id, assignment;
    char id_text[37], name[64], card[19], phone[16], masked_phone[19];
} secret;

static void secret_init(secret *x, const cpol_id *id, const cpol_id *assignment, const char *name,
                        const char *card, const char *phone)
{
    memset(x, 0, sizeof *x);
    x->id = *id;
    x->assignment = *assignment;
    cpol_id_format(id, x->id_text, sizeof x->id_text);
    snprintf(x->name, sizeof x->name, "%s", name);
    snprintf(x->card, sizeof x->card, "%s", card);
    snprintf(x->phone, sizeof x->phone, "%s", phone);
    snprintf(x->masked_phone, sizeof x->masked_phone, "%.3s****%s", phone, phone + 7);
}

/* ck_assert that no id or text of a read names the secret person. */
static void assert_no_id(const secret *x, const cpol_id *id, const char *where)
{
    ck_assert_msg(!id || (cpol_id_compare(id, &x->id) != 0 && cpol_id_compare(id, &x->assignment) != 0),
                  "%s names %s", where, x->name);
}

static void assert_no_text(const secret *x, const char *text, const char *where)
{
    const char *needles[] = {x->id_text, x->name, x->card, x->phone, x->masked_phone};
    size_t i;
    for (i = 0; i < sizeof needles / sizeof needles[0]; i++)
        ck_assert_msg(!text || !strstr(text, needles[i]), "%s \"%s\" contains \"%s\"", where, text, needles[i]);
}

static void assert_person_clean(const secret *x, const cpol_person *p)
{
    assert_no_id(x, cpol_person_id(p), "person id");
    assert_no_text(x, cpol_person_name(p), "person name");
    assert_no_text(x, cpol_person_id_card(p), "id card");
    assert_no_text(x, cpol_person_phone(p), "phone");
    assert_no_text(x, cpol_person_skills(p), "skills");
}

/* Every listing of people `as` may make, none naming the secret. */
static void scan_people(const cpol_actor *as, const secret *x)
{
    static const int roles[] = {0, CPOL_ROLE_INFORMANT, CPOL_ROLE_VOLUNTEER, CPOL_ROLE_AUXILIARY};
    size_t i;
    for (i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        cpol_person_filter f = CPOL_PERSON_FILTER_INIT;
        cpol_person_iter *it;
        const cpol_person *p;
        int rc, n = 0;
        f.role = roles[i];
        OK(cpol_person_iter_new(ctx, as, &f, &it));
        while ((rc = cpol_person_iter_next(it, &p)) == CPOL_OK) {
            assert_person_clean(x, p);
            n++;
        }
        ck_assert_int_eq(rc, CPOL_DONE);
        cpol_person_iter_free(it);
        if (roles[i] == CPOL_ROLE_INFORMANT)
            ck_assert_int_eq(n, 0); /* a filter on the covert role matches nobody */
    }
}

/* The whole audit trail `as` may read, and the filters aimed at the secret. */
static void scan_audit(const cpol_actor *as, const secret *x)
{
    cpol_audit_filter f = CPOL_AUDIT_FILTER_INIT;
    cpol_audit_iter *it;
    const cpol_audit_entry *e;
    int pass, n;
    for (pass = 0; pass < 4; pass++) {
        f.actor_person = pass == 1 ? &x->id : NULL;
        f.object = pass == 2 ? &x->id : pass == 3 ? &x->assignment : NULL;
        OK(cpol_audit_iter_new(ctx, as, &f, &it));
        for (n = 0; cpol_audit_iter_next(it, &e) == CPOL_OK; n++) {
            assert_no_id(x, cpol_audit_entry_actor(e), "audit actor");
            assert_no_id(x, cpol_audit_entry_object(e), "audit object");
            ck_assert_int_ne(cpol_audit_entry_role(e), CPOL_ROLE_INFORMANT);
            assert_no_text(x, cpol_audit_entry_before(e), "audit before");
            assert_no_text(x, cpol_audit_entry_after(e), "audit after");
            assert_no_text(x, cpol_audit_entry_reason(e), "audit reason");
        }
        cpol_audit_iter_free(it);
        if (pass > 0)
            ck_assert_int_eq(n, 0);
    }
}

/* The single reads about the secret answer as for an id nobody holds. */
static void expect_absent(const cpol_actor *as, const secret *x, const cpol_id *nobody)
{
    cpol_person *p = NULL;
    cpol_assignment *a = NULL;
    cpol_assignment_iter *ai = NULL;
    cpol_dossier *d = NULL;
    int64_t n;
    int want = cpol_actor_can(as, CPOL_PERM_PERSON_VIEW) ? CPOL_ENOTFOUND : CPOL_EPERM;
    char unknown_card[19];
    snprintf(unknown_card, sizeof unknown_card, "%s", id_card("53090219991231999"));
    FAILS(want, cpol_person_get(ctx, as, &x->id, &p));
    FAILS(want, cpol_person_get(ctx, as, nobody, &p));
    FAILS(want, cpol_person_find_by_id_card(ctx, as, x->card, &p));
    if (want == CPOL_ENOTFOUND) {
        char masked[64];
        snprintf(masked, sizeof masked, "no person with ID-card number %.3s***********%s is registered", x->card,
                 x->card + 14);
        ck_assert_str_eq(cpol_error_message(), masked);
    }
    FAILS(want, cpol_person_find_by_id_card(ctx, as, unknown_card, &p));
    FAILS(want, cpol_assignment_iter_new(ctx, as, &x->id, &ai));
    FAILS(want, cpol_dossier_get(ctx, as, &x->id, &d));
    if (want == CPOL_ENOTFOUND)
        ck_assert(strstr(cpol_error_message(), "does not exist") != NULL);
    FAILS(want == CPOL_ENOTFOUND ? CPOL_ENOTFOUND : CPOL_EPERM, cpol_assignment_get(ctx, as, &x->assignment, &a));
    /* note counts need person.note, which no uncleared role holds: refused as for anyone */
    FAILS(CPOL_EPERM, cpol_person_note_count(ctx, as, &x->id, 0, &n));
    ck_assert_ptr_null(p);
    ck_assert_ptr_null(a);
    ck_assert_ptr_null(ai);
    ck_assert_ptr_null(d);
}

START_TEST(covert_people_are_invisible_to_uncleared_readers)
{
    cpol_actor *officer, *aux, *analyst, *operator_, *vol, *inf_actor, *dual_actor;
    cpol_actor *readers[4];
    cpol_id inf, inf_a, dual, dual_a, vol_id, nobody, resident;
    secret xs[2];
    cpol_person *p;
    cpol_person_fields f = CPOL_PERSON_FIELDS_INIT;
    size_t r, k;
    int64_t n;
    setup_backend(_i);
    officer = staff("张警官", "53090219800101001", CPOL_ROLE_OFFICER, &station);
    aux = staff("李辅警", "53090219850101002", CPOL_ROLE_AUXILIARY, &station);
    analyst = staff("分析员", "53090219910101003", CPOL_ROLE_ANALYST, &station);
    operator_ = staff("服务站小刘", "53090219900101004", CPOL_ROLE_OPERATOR, &station);
    vol_id = volunteer("赵义警", "53090219950101005", "13600000001", CPOL_ROLE_VOLUNTEER, NULL);
    OK(cpol_actor_open(ctx, &vol_id, CPOL_ROLE_VOLUNTEER, &vol));
    /* an informant only, and an auxiliary who is an informant too */
    inf = volunteer("线人孙某", "53090219760606006", "13711112222", CPOL_ROLE_INFORMANT, &inf_a);
    dual = person("辅警兼信息员", "53090219770707007", &compound);
    OK(cpol_role_appoint(ctx, sys, &dual, CPOL_ROLE_AUXILIARY, &station, NULL, NULL));
    OK(cpol_volunteer_apply(ctx, officer, &dual, CPOL_ROLE_INFORMANT, &community, "发展为信息员", &dual_a));
    secret_init(&xs[0], &inf, &inf_a, "线人孙某", id_card("53090219760606006"), "13711112222");
    secret_init(&xs[1], &dual, &dual_a, "辅警兼信息员", id_card("53090219770707007"), "13912345678");
    /* everyone here shares that phone: its masked form is not the dual's own */
    snprintf(xs[1].masked_phone, sizeof xs[1].masked_phone, "%s", xs[1].card);
    /* the covert people leave traces: a note, a file registered by the dual */
    OK(cpol_person_note_add(ctx, officer, &inf, CPOL_NOTE_COMMENDATION, "提供线索", NULL));
    OK(cpol_actor_open(ctx, &dual, CPOL_ROLE_AUXILIARY, &dual_actor));
    f.name = "居民丁";
    f.id_card = id_card("53090219600101008");
    f.home_area = &compound;
    OK(cpol_person_register(ctx, dual_actor, &f, &resident));
    memset(&nobody, 0x5A, sizeof nobody);

    readers[0] = aux;
    readers[1] = analyst;
    readers[2] = operator_;
    readers[3] = vol;
    for (r = 0; r < 4; r++)
        for (k = 0; k < 2; k++) {
            expect_absent(readers[r], &xs[k], &nobody);
            if (cpol_actor_can(readers[r], CPOL_PERM_PERSON_VIEW))
                scan_people(readers[r], &xs[k]);
            if (cpol_actor_can(readers[r], CPOL_PERM_AUDIT_VIEW))
                scan_audit(readers[r], &xs[k]);
        }
    /* the resident's file is there; the entry recording it names no actor */
    {
        cpol_audit_filter af = CPOL_AUDIT_FILTER_INIT;
        cpol_audit_iter *it;
        const cpol_audit_entry *e;
        af.object = &resident;
        OK(cpol_audit_iter_new(ctx, analyst, &af, &it));
        OK(cpol_audit_iter_next(it, &e));
        ck_assert_str_eq(cpol_audit_entry_action(e), "person.register");
        ck_assert_ptr_null(cpol_audit_entry_actor(e));
        ck_assert_int_eq(cpol_audit_entry_role(e), 0);
        cpol_audit_iter_free(it);
        OK(cpol_audit_iter_new(ctx, officer, &af, &it));
        OK(cpol_audit_iter_next(it, &e));
        ck_assert_int_eq(cpol_id_compare(cpol_audit_entry_actor(e), &dual), 0);
        ck_assert_int_eq(cpol_audit_entry_role(e), CPOL_ROLE_AUXILIARY);
        cpol_audit_iter_free(it);
    }
    /* writes by an uncleared actor naming a covert person: as for nobody */
    {
        int64_t before = count_audit(NULL);
        cpol_person_fields u = CPOL_PERSON_FIELDS_INIT;
        u.skills = "驾驶";
        FAILS(CPOL_ENOTFOUND, cpol_person_update(ctx, aux, &inf, &u));
        ck_assert(strstr(cpol_error_message(), "does not exist") != NULL);
        FAILS(CPOL_ENOTFOUND, cpol_volunteer_apply(ctx, aux, &inf, CPOL_ROLE_VOLUNTEER, &community, NULL, NULL));
        FAILS(CPOL_EPERM, cpol_assignment_step(ctx, aux, &inf_a, CPOL_ASSIGNMENT_SUSPENDED, "x"));
        /* an uncleared actor may not make anyone an informant */
        FAILS(CPOL_EPERM, cpol_volunteer_apply(ctx, aux, &vol_id, CPOL_ROLE_INFORMANT, &community, NULL, NULL));
        ck_assert(strstr(cpol_error_message(), "person.sensitive") != NULL);
        ck_assert_int_eq(count_audit(NULL), before);
        OK(cpol_person_get(ctx, sys, &inf, &p));
        ck_assert_str_eq(cpol_person_skills(p), "");
        cpol_person_free(p);
    }
    /* the officer sees them in full, and each sees themself */
    OK(cpol_person_get(ctx, officer, &inf, &p));
    ck_assert_str_eq(cpol_person_id_card(p), xs[0].card);
    cpol_person_free(p);
    OK(cpol_person_find_by_id_card(ctx, officer, xs[1].card, &p));
    ck_assert_int_eq(cpol_id_compare(cpol_person_id(p), &dual), 0);
    cpol_person_free(p);
    OK(cpol_person_note_count(ctx, officer, &inf, 0, &n));
    ck_assert_int_eq(n, 1);
    OK(cpol_actor_open(ctx, &inf, CPOL_ROLE_INFORMANT, &inf_actor));
    OK(cpol_person_get(ctx, inf_actor, &inf, &p));
    ck_assert_str_eq(cpol_person_phone(p), "13711112222");
    cpol_person_free(p);
    OK(cpol_person_note_count(ctx, inf_actor, &inf, 0, &n));
    ck_assert_int_eq(n, 1);
    {
        cpol_assignment_iter *ai;
        const cpol_assignment *a;
        OK(cpol_assignment_iter_new(ctx, inf_actor, &inf, &ai));
        OK(cpol_assignment_iter_next(ai, &a));
        ck_assert_int_eq(cpol_assignment_role(a), CPOL_ROLE_INFORMANT);
        cpol_assignment_iter_free(ai);
        OK(cpol_assignment_iter_new(ctx, officer, &dual, &ai));
        for (n = 0; cpol_assignment_iter_next(ai, &a) == CPOL_OK; n++)
            ;
        cpol_assignment_iter_free(ai);
        ck_assert_int_eq(n, 2);
    }
    cpol_actor_free(inf_actor);
    cpol_actor_free(dual_actor);
    cpol_actor_free(vol);
    cpol_actor_free(officer);
    cpol_actor_free(aux);
    cpol_actor_free(analyst);
    cpol_actor_free(operator_);
    teardown_backend();
}
END_TEST

START_TEST(a_handle_stops_clearing_when_its_role_is_suspended)
{
    cpol_actor *officer;
    cpol_id inf, inf_a, officer_a, officer_id;
    cpol_person *p;
    cpol_audit_iter *it;
    setup_backend(_i);
    officer_id = person("张警官", "53090219800101001", &community);
    OK(cpol_role_appoint(ctx, sys, &officer_id, CPOL_ROLE_OFFICER, &station, NULL, &officer_a));
    OK(cpol_actor_open(ctx, &officer_id, CPOL_ROLE_OFFICER, &officer));
    inf = volunteer("线人孙某", "53090219760606006", "13711112222", CPOL_ROLE_INFORMANT, &inf_a);
    OK(cpol_person_get(ctx, officer, &inf, &p));
    ck_assert_int_eq(cpol_person_masked(p), 0);
    cpol_person_free(p);
    OK(cpol_assignment_step(ctx, sys, &officer_a, CPOL_ASSIGNMENT_SUSPENDED, "停职检查"));
    p = NULL;
    FAILS(CPOL_EPERM, cpol_person_get(ctx, officer, &inf, &p));
    ck_assert(strstr(cpol_error_message(), "suspended") != NULL);
    ck_assert_ptr_null(p);
    FAILS(CPOL_EPERM, cpol_person_find_by_id_card(ctx, officer, id_card("53090219760606006"), &p));
    FAILS(CPOL_EPERM, cpol_audit_iter_new(ctx, officer, NULL, &it));
    /* still their own file */
    OK(cpol_person_get(ctx, officer, &officer_id, &p));
    cpol_person_free(p);
    cpol_actor_free(officer);
    teardown_backend();
}
END_TEST

START_TEST(masked_numbers_cannot_be_rebuilt)
{
    cpol_actor *officer, *operator_;
    cpol_id someone;
    cpol_person *p;
    cpol_person_iter *it;
    const cpol_person *q;
    const char *card;
    setup_backend(_i);
    officer = staff("张警官", "53090219800101001", CPOL_ROLE_OFFICER, &station);
    operator_ = staff("服务站小刘", "53090219900101002", CPOL_ROLE_OPERATOR, &station);
    someone = person("居民甲", "53090219700505004", &compound);
    card = id_card("53090219700505004");
    OK(cpol_person_get(ctx, operator_, &someone, &p));
    ck_assert_int_eq(cpol_person_masked(p), 1);
    ck_assert_int_eq(strlen(cpol_person_id_card(p)), 18);
    ck_assert(strncmp(cpol_person_id_card(p), "530***********", 14) == 0);
    ck_assert_str_eq(cpol_person_id_card(p) + 14, card + 14);
    ck_assert_int_eq(cpol_person_birth_date(p), 0); /* the hidden digits are the birth date */
    ck_assert_int_eq(cpol_person_birth_year(p), 1970);
    cpol_person_free(p);
    OK(cpol_person_iter_new(ctx, operator_, NULL, &it));
    while (cpol_person_iter_next(it, &q) == CPOL_OK) {
        ck_assert_int_eq(cpol_person_birth_date(q), 0);
        ck_assert(strstr(cpol_person_id_card(q), "***********") != NULL);
        ck_assert_int_gt(cpol_person_birth_year(q), 1900);
    }
    cpol_person_iter_free(it);
    OK(cpol_person_get(ctx, officer, &someone, &p));
    ck_assert_str_eq(cpol_person_id_card(p), card);
    ck_assert_int_eq(cpol_person_birth_date(p), 19700505);
    ck_assert_int_eq(cpol_person_birth_year(p), 1970);
    cpol_person_free(p);
    /* one's own file: in full */
    OK(cpol_person_get(ctx, operator_, cpol_actor_person(operator_), &p));
    ck_assert_int_eq(cpol_person_birth_date(p), 19900101);
    cpol_person_free(p);
    /* no audit summary holds a number or a name, masked or not */
    {
        cpol_audit_iter *ai;
        const cpol_audit_entry *e;
        OK(cpol_audit_iter_new(ctx, officer, NULL, &ai));
        while (cpol_audit_iter_next(ai, &e) == CPOL_OK) {
            ck_assert(!strstr(cpol_audit_entry_after(e), card));
            ck_assert(!strstr(cpol_audit_entry_after(e), "***"));
            ck_assert(!strstr(cpol_audit_entry_after(e), "居民甲"));
            ck_assert(!strstr(cpol_audit_entry_before(e), "居民甲"));
        }
        cpol_audit_iter_free(ai);
    }
    cpol_actor_free(officer);
    cpol_actor_free(operator_);
    teardown_backend();
}
END_TEST

START_TEST(id_card_lookups_and_uniqueness_stay_within_the_station)
{
    cpol_actor *officer, *foreign, *aux;
    cpol_id mine, theirs, far_area;
    cpol_person *p = NULL;
    cpol_person_fields f = CPOL_PERSON_FIELDS_INIT;
    char card[19], expected[128];
    int64_t audit_before;
    setup_backend(_i);
    officer = staff("张警官", "53090219800101001", CPOL_ROLE_OFFICER, &station);
    aux = staff("李辅警", "53090219850101002", CPOL_ROLE_AUXILIARY, &station);
    foreign = staff("外所民警", "53090219820101003", CPOL_ROLE_OFFICER, &other_station);
    OK(cpol_area_create(ctx, sys, &other_station, CPOL_AREA_COMMUNITY, "锦凤社区", &far_area));
    snprintf(card, sizeof card, "%s", id_card("53090219700505004"));
    mine = person("居民甲", "53090219700505004", &compound);
    /* another station finds nothing, in the words used for a number nobody holds */
    FAILS(CPOL_ENOTFOUND, cpol_person_find_by_id_card(ctx, foreign, card, &p));
    snprintf(expected, sizeof expected, "no person with ID-card number %.3s***********%s is registered", card,
             card + 14);
    ck_assert_str_eq(cpol_error_message(), expected);
    ck_assert_ptr_null(p);
    /* ... and may register the same number for its own file */
    f.name = "居民甲";
    f.id_card = card;
    f.home_area = &far_area;
    OK(cpol_person_register(ctx, foreign, &f, &theirs));
    OK(cpol_person_find_by_id_card(ctx, foreign, card, &p));
    ck_assert_int_eq(cpol_id_compare(cpol_person_id(p), &theirs), 0);
    cpol_person_free(p);
    OK(cpol_person_find_by_id_card(ctx, officer, card, &p));
    ck_assert_int_eq(cpol_id_compare(cpol_person_id(p), &mine), 0);
    cpol_person_free(p);
    OK(cpol_person_find_by_id_card(ctx, sys, card, &p)); /* everywhere: the earliest file */
    ck_assert_int_eq(cpol_id_compare(cpol_person_id(p), &mine), 0);
    cpol_person_free(p);
    /* a duplicate at the same station: refused, naming nothing but the number given */
    audit_before = count_audit(NULL);
    f.name = "冒名者";
    f.home_area = &compound;
    FAILS(CPOL_EEXISTS, cpol_person_register(ctx, aux, &f, NULL));
    snprintf(expected, sizeof expected, "a person with ID-card number %.3s***********%s is already registered "
             "at this station", card, card + 14);
    ck_assert_str_eq(cpol_error_message(), expected);
    /* moving the other station's file here would make a duplicate too */
    {
        cpol_person_fields m = CPOL_PERSON_FIELDS_INIT;
        m.home_area = &compound;
        FAILS(CPOL_EEXISTS, cpol_person_update(ctx, sys, &theirs, &m));
    }
    ck_assert_int_eq(count_audit(NULL), audit_before);
    OK(cpol_person_get(ctx, sys, &theirs, &p));
    ck_assert_int_eq(cpol_id_compare(cpol_person_station(p), &other_station), 0);
    cpol_person_free(p);
    cpol_actor_free(officer);
    cpol_actor_free(aux);
    cpol_actor_free(foreign);
    teardown_backend();
}
END_TEST

START_TEST(settings_need_settings_manage_and_are_audited)
{
    cpol_actor *officer, *leader, *bureau_leader, *operator_;
    cpol_setting_iter *it;
    const char *k, *v;
    char *value = NULL;
    int64_t before;
    setup_backend(_i);
    officer = staff("张警官", "53090219800101001", CPOL_ROLE_OFFICER, &station);
    leader = staff("刘所长", "53090219750101002", CPOL_ROLE_LEADER, &station);
    bureau_leader = staff("王局长", "53090219700101003", CPOL_ROLE_LEADER, &bureau);
    operator_ = staff("服务站小刘", "53090219900101004", CPOL_ROLE_OPERATOR, &station);
    OK(cpol_setting_set(ctx, sys, "kiosk.location", "桃源社区服务站"));
    before = count_audit(NULL);
    FAILS(CPOL_EPERM, cpol_setting_set(ctx, officer, "kiosk.location", "别处"));
    ck_assert(strstr(cpol_error_message(), "settings.manage") != NULL);
    FAILS(CPOL_EPERM, cpol_setting_set(ctx, leader, "kiosk.location", "别处")); /* settings lie above a station */
    FAILS(CPOL_EPERM, cpol_setting_delete(ctx, officer, "kiosk.location"));
    FAILS(CPOL_EPERM, cpol_setting_delete(ctx, operator_, "kiosk.location"));
    ck_assert_int_eq(count_audit(NULL), before);
    /* anyone active reads them */
    OK(cpol_setting_get(ctx, operator_, "kiosk.location", &value));
    ck_assert_str_eq(value, "桃源社区服务站");
    cpol_free(value);
    OK(cpol_setting_iter_new(ctx, officer, "kiosk.", &it));
    OK(cpol_setting_iter_next(it, &k, &v));
    ck_assert_str_eq(v, "桃源社区服务站");
    cpol_setting_iter_free(it);
    /* a bureau-wide leader changes them, each change audited */
    OK(cpol_setting_set(ctx, bureau_leader, "kiosk.location", "玉龙社区服务站"));
    OK(cpol_setting_delete(ctx, bureau_leader, "kiosk.location"));
    ck_assert_int_eq(count_audit(NULL), before + 2);
    {
        cpol_audit_filter af = CPOL_AUDIT_FILTER_INIT;
        cpol_audit_iter *ai;
        const cpol_audit_entry *e;
        af.actor_person = cpol_actor_person(bureau_leader);
        OK(cpol_audit_iter_new(ctx, sys, &af, &ai));
        OK(cpol_audit_iter_next(ai, &e));
        ck_assert_str_eq(cpol_audit_entry_object_kind(e), "setting");
        ck_assert_str_eq(cpol_audit_entry_action(e), "setting.set");
        ck_assert_str_eq(cpol_audit_entry_before(e), "kiosk.location=桃源社区服务站");
        ck_assert_str_eq(cpol_audit_entry_after(e), "kiosk.location=玉龙社区服务站");
        OK(cpol_audit_iter_next(ai, &e));
        ck_assert_str_eq(cpol_audit_entry_action(e), "setting.delete");
        ck_assert_str_eq(cpol_audit_entry_after(e), "");
        cpol_audit_iter_free(ai);
    }
    FAILS(CPOL_ENOTFOUND, cpol_setting_get(ctx, operator_, "kiosk.location", &value));
    FAILS(CPOL_EMISUSE, cpol_setting_get(ctx, NULL, "kiosk.location", &value));
    cpol_actor_free(officer);
    cpol_actor_free(leader);
    cpol_actor_free(bureau_leader);
    cpol_actor_free(operator_);
    teardown_backend();
}
END_TEST

START_TEST(areas_are_read_within_the_actor_scope)
{
    cpol_actor *officer, *foreign;
    cpol_area_iter *it;
    const cpol_area *a;
    cpol_area *got = NULL;
    char seen[256] = "";
    setup_backend(_i);
    officer = staff("张警官", "53090219800101001", CPOL_ROLE_OFFICER, &station);
    foreign = staff("外所民警", "53090219820101003", CPOL_ROLE_OFFICER, &other_station);
    OK(cpol_area_get(ctx, officer, &bureau, &got)); /* the areas above one's station */
    cpol_area_free(got);
    got = NULL;
    FAILS(CPOL_EPERM, cpol_area_get(ctx, foreign, &community, &got));
    ck_assert_ptr_null(got);
    FAILS(CPOL_EPERM, cpol_area_iter_new(ctx, foreign, &station, CPOL_AREA_WALK_DESCENDANTS, &it));
    OK(cpol_area_iter_new(ctx, foreign, &bureau, CPOL_AREA_WALK_DESCENDANTS, &it));
    while (cpol_area_iter_next(it, &a) == CPOL_OK) {
        strcat(seen, cpol_area_name(a));
        strcat(seen, ";");
    }
    cpol_area_iter_free(it);
    ck_assert_str_eq(seen, "凤翔派出所;");
    cpol_actor_free(officer);
    cpol_actor_free(foreign);
    teardown_backend();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("people");
    TCase *tc = tcase_create("people");
    SRunner *sr;
    int failed;
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, area_tree_rules_and_walks, 0, 2);
    tcase_add_loop_test(tc, person_file_validation, 0, 2);
    tcase_add_loop_test(tc, person_data_masked_for_roles_without_sensitive_permission, 0, 2);
    tcase_add_loop_test(tc, volunteer_lifecycle_every_edge, 0, 2);
    tcase_add_loop_test(tc, station_scope_and_permissions, 0, 2);
    tcase_add_loop_test(tc, people_queries_filter_and_page, 0, 2);
    tcase_add_loop_test(tc, refusals_change_nothing, 0, 2);
    tcase_add_loop_test(tc, covert_people_are_invisible_to_uncleared_readers, 0, 2);
    tcase_add_loop_test(tc, a_handle_stops_clearing_when_its_role_is_suspended, 0, 2);
    tcase_add_loop_test(tc, masked_numbers_cannot_be_rebuilt, 0, 2);
    tcase_add_loop_test(tc, id_card_lookups_and_uniqueness_stay_within_the_station, 0, 2);
    tcase_add_loop_test(tc, settings_need_settings_manage_and_are_audited, 0, 2);
    tcase_add_loop_test(tc, areas_are_read_within_the_actor_scope, 0, 2);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
