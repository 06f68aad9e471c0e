/*
 * tip_to_close: the main job of libcommpolice, through the public API.
 *
 * A security informant (治安信息员) of the "1+1+N" team 玉龙义警 tips the
 * community officer off; the tip is verified (the informant earns lead
 * points), graded, assigned, handled, fed back, followed up and closed by
 * the station leader (排查—分流—处置—回访); the informant then spends the
 * points on goods of the community service station: the kiosk operator may
 * not even learn that an informant exists, so their officer redeems for
 * them, and a retried request is charged once.
 *
 *   ./tip_to_close [DATABASE]        (default: ./district.db)
 *
 * The first run sets up the station and its people; a later run on the
 * same file finds them again (their ids are kept as settings) and takes one
 * more tip through the workflow. Every call names its actor: the system
 * actor only bootstraps the station and its leader.
 */
#include <stdio.h>
#include <string.h>

#include <commpolice/commpolice.h>

#define FAIL(call) fail(#call, (call))
#define CHECK(call)                                                                                       \
    do {                                                                                                  \
        if (FAIL(call))                                                                                   \
            return 1;                                                                                     \
    } while (0)

/* Print a failed call with the library's explanation; returns 1 on failure. */
static int fail(const char *call, int rc)
{
    if (rc >= 0)
        return 0;
    fprintf(stderr, "tip_to_close: %s: %s: %s\n", call, cpol_status_name(rc), cpol_error_message());
    return 1;
}

/* A real deployment fetches the key from its key service; this one is fixed. */
static int demo_key(void *payload, const char *key_id, unsigned char key[CPOL_KEY_LEN])
{
    size_t i;
    (void)payload;
    if (strcmp(key_id, "tip-to-close-demo") != 0)
        return -1;
    for (i = 0; i < CPOL_KEY_LEN; i++)
        key[i] = (unsigned char)(0x3C ^ (i * 7));
    return 0;
}

/* The people and places of the station, found again on a later run. */
typedef struct station {
    cpol_id station, community, leader, officer, auxiliary, operator_, informant, team, item;
} station;

static const char *const names[] = {"station", "community", "leader", "officer", "auxiliary",
                                    "operator", "informant", "team", "item"};

static cpol_id *slot(station *s, size_t i)
{
    cpol_id *slots[] = {&s->station, &s->community, &s->leader, &s->officer, &s->auxiliary,
                        &s->operator_, &s->informant, &s->team, &s->item};
    return slots[i];
}

/* Keep (save = 1) or find (save = 0) the ids as settings "example.<name>". */
static int ids(cpol_ctx *ctx, const cpol_actor *sys, station *s, int save)
{
    size_t i;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        char key[64], text[CPOL_ID_STRING_SIZE], *value = NULL;
        int rc;
        snprintf(key, sizeof key, "example.%s", names[i]);
        if (save) {
            CHECK(cpol_id_format(slot(s, i), text, sizeof text));
            CHECK(cpol_setting_set(ctx, sys, key, text));
            continue;
        }
        rc = cpol_setting_get(ctx, sys, key, &value);
        if (rc == CPOL_ENOTFOUND && i == 0)
            return -1; /* a new database */
        if (FAIL(rc))
            return 1;
        rc = cpol_id_parse(slot(s, i), value);
        cpol_free(value);
        CHECK(rc);
    }
    return 0;
}

static int person(cpol_ctx *ctx, const cpol_actor *as, const char *name, const char *id_card,
                  const cpol_id *home, cpol_id *out)
{
    cpol_person_fields f = CPOL_PERSON_FIELDS_INIT;
    f.name = name;
    f.id_card = id_card; /* sensitive: stored encrypted, shown masked */
    f.phone = "13912345678";
    f.home_area = home;
    return cpol_person_register(ctx, as, &f, out);
}

/* The station 忙畔派出所 with its leader, officer, auxiliary and kiosk
 * operator, an informant admitted to the 1+1+N team, earning rules and a
 * catalogue. */
static int set_up(cpol_ctx *ctx, const cpol_actor *sys, station *s)
{
    cpol_team_fields tf = CPOL_TEAM_FIELDS_INIT;
    cpol_actor *leader = NULL, *officer = NULL;
    cpol_id bureau, application;
    int failed = 1;
    CHECK(cpol_area_create(ctx, sys, NULL, CPOL_AREA_BUREAU, "临翔分局", &bureau));
    CHECK(cpol_area_create(ctx, sys, &bureau, CPOL_AREA_STATION, "忙畔派出所", &s->station));
    CHECK(person(ctx, sys, "石所长", "530902198001010019", &s->station, &s->leader));
    CHECK(cpol_role_appoint(ctx, sys, &s->leader, CPOL_ROLE_LEADER, &s->station, "所长", NULL));
    CHECK(cpol_actor_open(ctx, &s->leader, CPOL_ROLE_LEADER, &leader));
    /* from here on the leader acts */
    if (FAIL(cpol_area_create(ctx, leader, &s->station, CPOL_AREA_COMMUNITY, "玉龙社区", &s->community))
        || FAIL(person(ctx, leader, "李警官", "530902198202020029", &s->community, &s->officer))
        || FAIL(cpol_role_appoint(ctx, leader, &s->officer, CPOL_ROLE_OFFICER, &s->station, NULL, NULL))
        || FAIL(person(ctx, leader, "张辅警", "530902198503030036", &s->community, &s->auxiliary))
        || FAIL(cpol_role_appoint(ctx, leader, &s->auxiliary, CPOL_ROLE_AUXILIARY, &s->station, NULL, NULL))
        || FAIL(person(ctx, leader, "服务站吴", "530902198804040043", &s->community, &s->operator_))
        || FAIL(cpol_role_appoint(ctx, leader, &s->operator_, CPOL_ROLE_OPERATOR, &s->station, NULL, NULL))
        || FAIL(cpol_earning_rule_set(ctx, leader, &s->station, CPOL_EARN_CASE_LEAD, 20, 0, 0))
        || FAIL(cpol_shop_item_create(ctx, leader, &s->station, "洗衣液2公斤", 15, 50, &s->item))
        || FAIL(cpol_actor_open(ctx, &s->officer, CPOL_ROLE_OFFICER, &officer)))
        goto done;
    /* the officer enrols and admits the informant (审核准入) and forms the team */
    tf.name = "玉龙义警";
    tf.kind = CPOL_TEAM_VOLUNTEER_POLICE;
    tf.composition = CPOL_TEAM_TEMPLATE_1_1_N;
    tf.area = &s->community;
    tf.officer = &s->officer;
    if (FAIL(person(ctx, officer, "快递员王", "530902199005050055", &s->community, &s->informant))
        || FAIL(cpol_volunteer_apply(ctx, officer, &s->informant, CPOL_ROLE_INFORMANT, &s->community, NULL,
                                     &application))
        || FAIL(cpol_assignment_step(ctx, officer, &application, CPOL_ASSIGNMENT_UNDER_REVIEW, NULL))
        || FAIL(cpol_assignment_step(ctx, officer, &application, CPOL_ASSIGNMENT_ADMITTED, NULL))
        || FAIL(cpol_assignment_step(ctx, officer, &application, CPOL_ASSIGNMENT_ACTIVE, NULL))
        || FAIL(cpol_team_create(ctx, officer, &tf, &s->team))
        || FAIL(cpol_team_member_add(ctx, officer, &s->team, &s->auxiliary, CPOL_TEAM_ROLE_AUXILIARY, NULL, NULL))
        || FAIL(cpol_team_member_add(ctx, officer, &s->team, &s->informant, CPOL_TEAM_ROLE_MEMBER, NULL, NULL)))
        goto done;
    failed = ids(ctx, sys, s, 1);
done:
    cpol_actor_free(officer);
    cpol_actor_free(leader);
    return failed;
}

/* One tip from report to close; the actors are the people whose job each step is. */
static int tip(cpol_ctx *ctx, const station *s, cpol_actor *const who[5])
{
    const cpol_actor *informant = who[0], *officer = who[1], *aux = who[2], *leader = who[3], *kiosk = who[4];
    cpol_case_fields f = CPOL_CASE_FIELDS_INIT;
    cpol_case_event_iter *history = NULL;
    const cpol_case_event *e;
    cpol_id c, request;
    int64_t before = 0, after = 0, charged = 0, again = 0;
    int rc;

    f.source = CPOL_CASE_SOURCE_INFORMANT_TIP; /* the reporter is protected */
    f.category = CPOL_CASE_THEFT_FRAUD;
    f.area = &s->community;
    f.address = "玉龙路快递点";
    f.description = "快递点附近有人收购银行卡";
    CHECK(cpol_case_report(ctx, informant, &f, &c));                 /* 上报 */
    CHECK(cpol_case_verify(ctx, officer, &c, "核实属实"));             /* 核查: the lead earns points */
    CHECK(cpol_case_assess(ctx, officer, &c, CPOL_RISK_ATTENTION, "涉嫌帮信")); /* 研判: the officer's tier at least */
    CHECK(cpol_case_assign(ctx, aux, &c, CPOL_TIER_OFFICER, &s->officer, &s->team, NULL)); /* 交办 */
    CHECK(cpol_case_arrive(ctx, officer, &c, &s->officer, 0, "到场"));  /* 处置 */
    CHECK(cpol_case_resolve(ctx, officer, &c, CPOL_OUTCOME_HANDED_OVER, "移交刑侦"));
    CHECK(cpol_case_feedback(ctx, aux, &c, "已向信息员反馈"));          /* 反馈 */
    CHECK(cpol_case_followup(ctx, aux, &c, 0, 5, 0, "回访: 已无人收卡")); /* 回访 */
    CHECK(cpol_case_close(ctx, leader, &c, "评价: 办结"));             /* 评价: not by who handled it */

    printf("case history:\n");
    CHECK(cpol_case_event_iter_new(ctx, leader, &c, &history));
    while ((rc = cpol_case_event_iter_next(history, &e)) == CPOL_OK)
        printf("  %-12s -> %-12s (%s)\n", cpol_case_step_name(cpol_case_event_step(e)),
               cpol_case_state_name(cpol_case_event_to(e)), cpol_role_name(cpol_case_event_actor_role(e)));
    cpol_case_event_iter_free(history);
    CHECK(rc == CPOL_DONE ? CPOL_OK : rc);

    /* An informant is covert: to the service-station operator they do not
     * exist, so their officer redeems their points for them. */
    rc = cpol_points_balance(ctx, kiosk, &s->informant, &before, NULL);
    printf("the kiosk operator asks for the informant's balance: %s\n", cpol_status_name(rc));
    if (rc != CPOL_ENOTFOUND)
        return 1;
    kiosk = officer;
    /* 积分兑换: the request id is stored before sending, so a retry after a
     * lost answer is charged once (CPOL_ALREADY). */
    CHECK(cpol_points_balance(ctx, kiosk, &s->informant, &before, NULL));
    CHECK(cpol_id_new(ctx, &request));
    CHECK(cpol_shop_redeem(ctx, kiosk, &request, &s->informant, &s->item, 1, 0, &charged));
    rc = cpol_shop_redeem(ctx, kiosk, &request, &s->informant, &s->item, 1, 0, &again);
    CHECK(rc);
    CHECK(cpol_points_balance(ctx, kiosk, &s->informant, &after, NULL));
    printf("points: %lld before, %lld charged, retry %s, %lld after\n", (long long)before, (long long)charged,
           rc == CPOL_ALREADY ? "charged nothing" : "CHARGED AGAIN", (long long)after);
    return rc == CPOL_ALREADY && after == before - charged ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "./district.db";
    char uri[4096];
    cpol_open_options o = CPOL_OPEN_OPTIONS_INIT;
    cpol_ctx *ctx = NULL;
    cpol_actor *sys = NULL, *who[5] = {NULL, NULL, NULL, NULL, NULL};
    station s;
    int failed = 1, found, i;
    const int roles[5] = {CPOL_ROLE_INFORMANT, CPOL_ROLE_OFFICER, CPOL_ROLE_AUXILIARY, CPOL_ROLE_LEADER,
                          CPOL_ROLE_OPERATOR};

    if ((size_t)snprintf(uri, sizeof uri, "sqlite:%s", path) >= sizeof uri)
        return 1;
    o.key_id = "tip-to-close-demo";
    o.key = demo_key;
    if (FAIL(cpol_ctx_open(&ctx, uri, &o)))
        return 1;
    if (FAIL(cpol_actor_system(ctx, &sys)))
        goto done;
    found = ids(ctx, sys, &s, 0);
    if (found > 0)
        goto done;
    if (found < 0) {
        printf("new database %s: setting up 忙畔派出所\n", path);
        if (FAIL(cpol_batch_begin(ctx)))
            goto done;
        if (set_up(ctx, sys, &s)) {
            cpol_batch_rollback(ctx); /* nothing half set up is kept */
            goto done;
        }
        if (FAIL(cpol_batch_commit(ctx)))
            goto done;
    } else {
        printf("found 忙畔派出所 in %s\n", path);
    }
    for (i = 0; i < 5; i++) {
        const cpol_id *p[5] = {&s.informant, &s.officer, &s.auxiliary, &s.leader, &s.operator_};
        if (FAIL(cpol_actor_open(ctx, p[i], roles[i], &who[i])))
            goto done;
    }
    failed = tip(ctx, &s, who);
done:
    for (i = 0; i < 5; i++)
        cpol_actor_free(who[i]);
    cpol_actor_free(sys);
    if (FAIL(cpol_ctx_close(ctx)))
        failed = 1;
    return failed;
}
