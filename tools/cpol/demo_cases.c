/* cpol demo: the month's cases, each a short script of workflow steps taken
 * by the people whose job they are (排查—分流—处置—回访; see demo.h). */
#include <string.h>

#include "demo_agenda.h"

/* Who takes a step. */
enum {
    W_LEADER = 1, W_DEPUTY, W_LI, W_YANG, W_HE, W_ZHANG, W_LUO,
    W_REPORTER, /* the volunteer-role person who reported it */
    W_HELPER    /* the volunteer-role person who handles it */
};

enum {
    OP_VERIFY = 1, OP_ASSESS, OP_ASSIGN, OP_ARRIVE, OP_RESOLVE, OP_REFER, OP_REPLY, OP_FEEDBACK, OP_FOLLOWUP,
    OP_CLOSE, OP_REJECT_DUPLICATE, OP_AWAIT_CLOCK
};

typedef struct step {
    int op;
    int64_t delay; /* after the previous step */
    int who;
    int arg;       /* grade, tier, outcome or satisfaction */
    int handler;   /* for OP_ASSIGN and OP_ARRIVE: who handles or arrives */
} step;

#define STEPS_MAX 12

typedef struct script {
    int source, category;
    const char *description[3];
    step steps[STEPS_MAX];
} script;

/* The scripts. The people: see demo_world.c. Nobody judges their own work:
 * whoever recorded a report does not verify it, whoever handled a case
 * does not close it. */
static const script scenarios[DEMO_SCENARIOS] = {
    [S_TIP] = {CPOL_CASE_SOURCE_INFORMANT_TIP, CPOL_CASE_THEFT_FRAUD,
               {"快递点附近有人收购银行卡", "出租屋疑似有人从事电信诈骗", "有人在小区兜售来历不明的电动车"},
               {{OP_VERIFY, 40 * MIN_MS, W_LI, 0, 0},
                {OP_ASSESS, 20 * MIN_MS, W_LI, CPOL_RISK_ATTENTION, 0},
                {OP_ASSIGN, 10 * MIN_MS, W_ZHANG, CPOL_TIER_OFFICER, W_LI},
                {OP_ARRIVE, 30 * MIN_MS, W_LI, 0, W_LI},
                {OP_RESOLVE, DAY_MS, W_LI, CPOL_OUTCOME_HANDED_OVER, 0},
                {OP_FEEDBACK, 2 * HOUR_MS, W_ZHANG, 0, 0},
                {OP_FOLLOWUP, 3 * DAY_MS, W_ZHANG, 5, 0},
                {OP_CLOSE, HOUR_MS, W_LEADER, 0, 0}}},
    [S_ALERT] = {CPOL_CASE_SOURCE_PROPERTY_ALERT, CPOL_CASE_HAZARD,
                 {"监控发现楼道电动车充电", "消防通道被车辆堵塞", "地下车库监控发现可疑人员徘徊"},
                 {{OP_VERIFY, HOUR_MS, W_LUO, 0, 0},
                  {OP_ASSESS, 30 * MIN_MS, W_LUO, CPOL_RISK_GENERAL, 0},
                  {OP_ASSIGN, 10 * MIN_MS, W_LUO, CPOL_TIER_TEAM, W_HELPER},
                  {OP_ARRIVE, 40 * MIN_MS, W_HELPER, 0, W_HELPER},
                  {OP_RESOLVE, 3 * HOUR_MS, W_HELPER, CPOL_OUTCOME_RECTIFIED, 0},
                  {OP_FEEDBACK, HOUR_MS, W_LUO, 0, 0},
                  {OP_FOLLOWUP, 2 * DAY_MS, W_LUO, 4, 0},
                  {OP_CLOSE, HOUR_MS, W_YANG, 0, 0}}},
    [S_COMPLAINT] = {CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, CPOL_CASE_NEIGHBOUR,
                     {"楼上装修噪音扰民", "邻居占用公共过道堆放杂物", "宠物狗夜间吠叫引发争吵"},
                     {{OP_VERIFY, 2 * HOUR_MS, W_YANG, 0, 0},
                      {OP_ASSESS, 10 * MIN_MS, W_YANG, CPOL_RISK_GENERAL, 0},
                      {OP_ASSIGN, 10 * MIN_MS, W_YANG, CPOL_TIER_ON_THE_SPOT, W_HELPER},
                      {OP_ARRIVE, HOUR_MS, W_HELPER, 0, W_HELPER},
                      {OP_RESOLVE, 2 * HOUR_MS, W_HELPER, CPOL_OUTCOME_MEDIATED, 0},
                      {OP_FEEDBACK, HOUR_MS, W_LUO, 0, 0},
                      {OP_FOLLOWUP, 2 * DAY_MS, W_LUO, 5, 0},
                      {OP_CLOSE, HOUR_MS, W_YANG, 0, 0}}},
    [S_GRID] = {CPOL_CASE_SOURCE_GRID_WORKER, CPOL_CASE_NON_POLICE,
                {"小区门口路灯损坏", "人行道井盖缺失", "垃圾清运不及时"},
                {{OP_VERIFY, 3 * HOUR_MS, W_LUO, 0, 0},
                 {OP_REFER, HOUR_MS, W_LUO, 0, 0},
                 {OP_REPLY, 2 * DAY_MS, W_LUO, 1, 0},
                 {OP_FEEDBACK, HOUR_MS, W_LUO, 0, 0},
                 {OP_FOLLOWUP, 2 * DAY_MS, W_LUO, 4, 0},
                 {OP_CLOSE, HOUR_MS, W_YANG, 0, 0}}},
    [S_110] = {CPOL_CASE_SOURCE_DISPATCH_110, CPOL_CASE_PUBLIC_ORDER,
               {"烧烤摊酒后打架", "村民因宅基地界线发生肢体冲突", "KTV门口多人聚集争执"},
               {{OP_VERIFY, 5 * MIN_MS, W_ZHANG, 0, 0},
                {OP_ASSESS, 5 * MIN_MS, W_LI, CPOL_RISK_HIGH, 0},
                {OP_ASSIGN, 5 * MIN_MS, W_LI, CPOL_TIER_LEADERSHIP, W_LEADER},
                {OP_ARRIVE, 10 * MIN_MS, W_HE, 0, W_HE},
                {OP_RESOLVE, 4 * HOUR_MS, W_LEADER, CPOL_OUTCOME_MEDIATED, 0},
                {OP_FEEDBACK, 2 * HOUR_MS, W_ZHANG, 0, 0},
                {OP_FOLLOWUP, DAY_MS, W_ZHANG, 4, 0},
                {OP_CLOSE, HOUR_MS, W_DEPUTY, 0, 0}}},
    [S_PATROL_FIND] = {CPOL_CASE_SOURCE_VOLUNTEER_PATROL, CPOL_CASE_COMMERCIAL,
                       {"巡逻发现商户占道经营", "夜市摊位占用消防通道", "流动摊贩堵塞小区入口"},
                       {{OP_VERIFY, HOUR_MS, W_LI, 0, 0},
                        {OP_ASSESS, 10 * MIN_MS, W_LI, CPOL_RISK_GENERAL, 0},
                        {OP_ASSIGN, 10 * MIN_MS, W_LI, CPOL_TIER_TEAM, W_ZHANG},
                        {OP_ARRIVE, HOUR_MS, W_ZHANG, 0, W_ZHANG},
                        {OP_RESOLVE, 3 * HOUR_MS, W_ZHANG, CPOL_OUTCOME_MEDIATED, 0},
                        {OP_FEEDBACK, HOUR_MS, W_LI, 0, 0},
                        {OP_FOLLOWUP, 2 * DAY_MS, W_LI, 4, 0},
                        {OP_CLOSE, HOUR_MS, W_LI, 0, 0}}},
    [S_DUPLICATE] = {CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, CPOL_CASE_HAZARD,
                     {"居民再次反映楼道电动车充电", "居民电话反映消防通道堵塞", "居民反映车库有可疑人员"},
                     {{OP_REJECT_DUPLICATE, HOUR_MS, W_YANG, 0, 0}}},
    [S_OVERDUE] = {CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, CPOL_CASE_HAZARD,
                   {"电动车在楼道内违规充电屡劝不改", "电动车在楼道内违规充电屡劝不改", "电动车在楼道内违规充电屡劝不改"},
                   {{OP_VERIFY, HOUR_MS, W_YANG, 0, 0},
                    {OP_ASSESS, 30 * MIN_MS, W_YANG, CPOL_RISK_ATTENTION, 0},
                    {OP_ASSIGN, 10 * MIN_MS, W_LUO, CPOL_TIER_OFFICER, W_YANG},
                    {OP_ARRIVE, HOUR_MS, W_YANG, 0, W_YANG},
                    /* nobody resolves it: the clock escalates it to the leadership tier */
                    {OP_AWAIT_CLOCK, DAY_MS, 0, 0, 0},
                    {OP_ASSIGN, HOUR_MS, W_LUO, CPOL_TIER_LEADERSHIP, W_LEADER},
                    {OP_RESOLVE, 5 * HOUR_MS, W_LEADER, CPOL_OUTCOME_RECTIFIED, 0},
                    {OP_FEEDBACK, HOUR_MS, W_LUO, 0, 0},
                    {OP_FOLLOWUP, 2 * DAY_MS, W_LUO, 4, 0},
                    {OP_CLOSE, HOUR_MS, W_DEPUTY, 0, 0}}},
};

/* The helper of a case: the guard, building head or volunteer it involves. */
static const cpol_id *person_of(demo *d, const demo_case *k, int who, int *role)
{
    switch (who) {
    case W_LEADER: *role = CPOL_ROLE_LEADER; return &d->leader;
    case W_DEPUTY: *role = CPOL_ROLE_LEADER; return &d->deputy;
    case W_LI: *role = CPOL_ROLE_OFFICER; return &d->officer_li;
    case W_YANG: *role = CPOL_ROLE_OFFICER; return &d->officer_yang;
    case W_HE: *role = CPOL_ROLE_OFFICER; return &d->officer_he;
    case W_ZHANG: *role = CPOL_ROLE_AUXILIARY; return &d->aux_zhang;
    case W_LUO: *role = CPOL_ROLE_AUXILIARY; return &d->aux_luo;
    default: break;
    }
    switch (k->scenario) {
    case S_TIP: *role = CPOL_ROLE_INFORMANT; return &d->informants[k->helper % DEMO_INFORMANTS];
    case S_ALERT:
        /* reported by one guard of a compound, handled by the other */
        *role = CPOL_ROLE_PROPERTY_GUARD;
        return &d->guards[(k->helper % DEMO_GUARDS) ^ (who == W_HELPER)];
    case S_COMPLAINT: *role = CPOL_ROLE_BUILDING_HEAD; return &d->heads[k->helper % DEMO_HEADS];
    case S_GRID: *role = CPOL_ROLE_GRID_WORKER; return &d->grid[k->helper % DEMO_GRID];
    case S_PATROL_FIND: *role = CPOL_ROLE_VOLUNTEER; return &d->volunteers[k->helper % DEMO_VOLUNTEERS];
    default: *role = CPOL_ROLE_BUILDING_HEAD; return &d->heads[k->helper % 2];
    }
}

/* Where a case happens, and its address (a few addresses recur: hot spots). */
static const cpol_id *place_of(demo *d, const demo_case *k, const char **address)
{
    static const char *const garden[] = {"锦凤花园2栋", "锦凤花园2栋", "锦凤花园5栋", "锦凤花园地下车库"};
    static const char *const court[] = {"文华苑1栋", "文华苑3栋", "文华苑北门"};
    static const char *const yulong[] = {"玉龙小区3栋", "玉龙路菜市场", "玉龙小区东门"};
    uint32_t pick = (uint32_t)k->helper * 2654435761u >> 7;
    switch (k->scenario) {
    case S_ALERT:
    case S_GRID:
        if ((k->helper % DEMO_GUARDS) < 2) {
            *address = garden[pick % 4];
            return &d->garden;
        }
        *address = court[pick % 3];
        return &d->court;
    case S_COMPLAINT:
        *address = (k->helper % DEMO_HEADS) < 2 ? garden[pick % 4] : court[pick % 3];
        return (k->helper % DEMO_HEADS) < 2 ? &d->garden : &d->court;
    case S_110:
        if (k->helper % 2) {
            *address = "南片村村委会旁";
            return &d->village;
        }
        *address = yulong[pick % 3];
        return &d->yulong_compound;
    case S_OVERDUE:
    case S_DUPLICATE: *address = "锦凤花园2栋"; return &d->garden;
    default: *address = yulong[pick % 3]; return &d->yulong_compound;
    }
}

static const cpol_id *team_of(demo *d, const demo_case *k)
{
    if (k->scenario == S_ALERT)
        return (k->helper % DEMO_GUARDS) < 2 ? &d->team_garden : &d->team_court;
    if (k->scenario == S_PATROL_FIND)
        return &d->team_yulong;
    return NULL;
}

int demo_case_report(demo *d, int scenario, int helper, cpol_time at)
{
    cpol_case_fields f = CPOL_CASE_FIELDS_INIT;
    demo_case *k;
    const script *s = &scenarios[scenario];
    const cpol_actor *as;
    const char *address;
    int role;
    if (d->n_cases == DEMO_MAX_CASES)
        return 1;
    k = &d->cases[d->n_cases];
    memset(k, 0, sizeof *k);
    k->scenario = scenario;
    k->helper = helper;
    f.source = s->source;
    f.category = s->category;
    f.description = s->description[(unsigned)helper % 3];
    f.area = place_of(d, k, &address);
    f.address = address;
    if (scenario == S_COMPLAINT || scenario == S_DUPLICATE || scenario == S_OVERDUE) {
        /* a resident at the counter: the auxiliary records it */
        as = demo_as(d, &d->aux_luo, CPOL_ROLE_AUXILIARY);
        f.reporter_name = scenario == S_OVERDUE ? "居民刘先生" : "居民王女士";
    } else if (scenario == S_110) {
        as = demo_as(d, &d->officer_he, CPOL_ROLE_OFFICER);
        f.reporter_name = "110指挥中心";
    } else {
        const cpol_id *p = person_of(d, k, W_REPORTER, &role);
        as = demo_as(d, p, role);
    }
    if (!as || !demo_ok(d, cpol_case_report(d->ctx, as, &f, &k->id), "reporting a case"))
        return 0;
    d->n_cases++;
    return demo_agenda_add(d, at + s->steps[0].delay, EV_CASE, d->n_cases - 1);
}

/* The latest case of another scenario at the same place, as the original of a duplicate. */
static const cpol_id *original_of(demo *d, const demo_case *k)
{
    int i;
    for (i = (int)(k - d->cases) - 1; i >= 0; i--)
        if (d->cases[i].scenario == S_ALERT && (d->cases[i].helper % DEMO_GUARDS) < 2)
            return &d->cases[i].id;
    return NULL;
}

static int run_step(demo *d, demo_case *k, const step *st)
{
    int role, hrole = 0;
    const cpol_id *who = person_of(d, k, st->who, &role);
    const cpol_id *handler = st->handler ? person_of(d, k, st->handler, &hrole) : NULL;
    const cpol_actor *as = st->op == OP_AWAIT_CLOCK ? NULL : demo_as(d, who, role);
    cpol_time now = d->c->fixed_now;
    if (!as && st->op != OP_AWAIT_CLOCK)
        return -1;
    switch (st->op) {
    case OP_VERIFY: return cpol_case_verify(d->ctx, as, &k->id, "现场核实属实");
    case OP_ASSESS: return cpol_case_assess(d->ctx, as, &k->id, st->arg, "研判定级");
    case OP_ASSIGN: return cpol_case_assign(d->ctx, as, &k->id, st->arg, handler, team_of(d, k), "请及时处置");
    case OP_ARRIVE: return cpol_case_arrive(d->ctx, as, &k->id, handler, 0, "到场");
    case OP_RESOLVE: return cpol_case_resolve(d->ctx, as, &k->id, st->arg, "已处置");
    case OP_REFER:
        return cpol_case_refer(d->ctx, as, &k->id, k->helper % 2 ? "城管执法中队" : "住建局", now + 3 * DAY_MS,
                               "非警务事项, 请按职责处理", NULL);
    case OP_REPLY: return cpol_case_referral_reply(d->ctx, as, &k->id, st->arg, "已派人修复", 0);
    case OP_FEEDBACK: return cpol_case_feedback(d->ctx, as, &k->id, "已向报告人反馈处置结果");
    case OP_FOLLOWUP: return cpol_case_followup(d->ctx, as, &k->id, 0, st->arg, 0, "回访: 未再发生");
    case OP_CLOSE: return cpol_case_close(d->ctx, as, &k->id, "评价: 办结");
    case OP_REJECT_DUPLICATE: {
        const cpol_id *orig = original_of(d, k);
        return orig ? cpol_case_reject(d->ctx, as, &k->id, CPOL_REJECT_DUPLICATE, orig, "与已受理警情重复")
                    : cpol_case_reject(d->ctx, as, &k->id, CPOL_REJECT_UNFOUNDED, NULL, "核实不实");
    }
    default: return CPOL_EINVALID;
    }
}

int demo_case_step(demo *d, int index)
{
    demo_case *k = &d->cases[index];
    const script *s = &scenarios[k->scenario];
    const step *st = &s->steps[k->step];
    int rc;
    if (st->op == OP_AWAIT_CLOCK) {
        cpol_case *c = NULL;
        int waiting;
        if (!demo_ok(d, cpol_case_get(d->ctx, d->sys, &k->id, &c), "reading a case"))
            return 0;
        /* waits until the overdue tick has raised it to the leadership tier */
        waiting = cpol_case_tier(c) < CPOL_TIER_LEADERSHIP;
        cpol_case_free(c);
        if (waiting)
            return demo_agenda_add(d, d->c->fixed_now + st->delay, EV_CASE, index);
    } else {
        char what[96];
        rc = run_step(d, k, st);
        snprintf(what, sizeof what, "case %d (script %d), step %d", index + 1, k->scenario, k->step + 1);
        if (!demo_ok(d, rc, what))
            return 0;
    }
    k->step++;
    if (k->step == STEPS_MAX || !s->steps[k->step].op) {
        k->ok = 1;
        return 1;
    }
    return demo_agenda_add(d, d->c->fixed_now + s->steps[k->step].delay, EV_CASE, index);
}
