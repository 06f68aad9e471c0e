/* Risk grades and escalation tiers: who fits which tier, assessment,
 * assignment, escalation and de-escalation. The grade fixes the lowest tier
 * (cpol_risk_grade_min_tier()); every change of grade or tier is a step of
 * the workflow, recorded and audited by the runner. */
#include <stdio.h>
#include <string.h>

#include <commpolice/case.h>
#include <commpolice/person.h>

#include "domain/cases/case_tables.h"
#include "domain/base/domain.h"
#include "domain/base/tables.h"
#include "domain/teams/team_tables.h"

static int on_the_spot_role(int role)
{
    return role == CPOL_ROLE_INFORMANT || role == CPOL_ROLE_BUILDING_HEAD;
}

static int team_tier_role(int role)
{
    return role == CPOL_ROLE_AUXILIARY || role == CPOL_ROLE_PROPERTY_GUARD || role == CPOL_ROLE_GRID_WORKER;
}

static int officer_role(int role)
{
    return role == CPOL_ROLE_OFFICER;
}

static int leader_role(int role)
{
    return role == CPOL_ROLE_LEADER;
}

typedef struct tier_rule {
    int (*fits)(int role);
    const char *who;
} tier_rule;

static const tier_rule tier_rules[] = {
    {NULL, NULL},
    {on_the_spot_role, "an active security informant (治安信息员) or building head (楼栋长)"},
    {team_tier_role, "an active auxiliary officer (社区辅警), property guard (物业保安) or grid worker (网格员)"},
    {officer_role, "an active community officer (社区民警)"},
    {leader_role, "an active station leader (所领导)"},
};

int cpol__case_each_role(cpol_ctx *ctx, const cpol_id *person, const cpol_id *station,
                         int (*visit)(int role, void *arg), void *arg)
{
    cpol_query *q;
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    int stop = 0, rc = cpol__query_new(&cpol__table_assignment, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, ASSIGN_PERSON, CPOL_OP_EQ, person);
    if (rc >= 0)
        rc = cpol__query_where_id(q, ASSIGN_STATION, CPOL_OP_EQ, station);
    if (rc >= 0)
        rc = cpol__query_where_int(q, ASSIGN_STATUS, CPOL_OP_EQ, CPOL_ASSIGNMENT_ACTIVE);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_assignment, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    while (rc >= 0 && !stop && (rc = cpol__cursor_next(c, r)) == CPOL_OK)
        stop = visit((int)cpol__record_int(r, ASSIGN_ROLE), arg);
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(q);
    return rc < 0 && rc != CPOL_DONE ? rc : stop;
}

static int fits(int role, void *arg)
{
    int (*pred)(int role) = *(int (**)(int))arg;
    return !pred || pred(role);
}

int cpol__case_holds_role(cpol_ctx *ctx, const cpol_id *person, const cpol_id *station, int (*pred)(int role))
{
    return cpol__case_each_role(ctx, person, station, fits, &pred);
}

/* The team named with an assignment: of the case's station; at the team
 * tier the handler must be one of its active members. */
static int check_team(cpol_ctx *ctx, const cpol_id *team, const cpol_id *person, int tier, const cpol_id *station,
                      const char *name)
{
    cpol_record *t, *m = NULL;
    cpol_id team_station;
    int rc;
    if (!team)
        return tier == CPOL_TIER_TEAM
                   ? cpol__error(CPOL_ERULE, "the team tier (上门调解) needs the team that handles the case")
                   : CPOL_OK;
    rc = cpol__load(ctx, &cpol__table_team, team, "team", &t);
    if (rc < 0)
        return rc;
    cpol__record_get_id(t, TEAM_STATION, &team_station);
    if (cpol_id_compare(&team_station, station) != 0)
        rc = cpol__error(CPOL_ERULE, "team %s belongs to another station than the case",
                         cpol__record_text_or_empty(t, TEAM_NAME));
    if (rc >= 0 && tier == CPOL_TIER_TEAM) {
        rc = cpol__membership_find_active(ctx, team, person, &m);
        if (rc == 0)
            rc = cpol__error(CPOL_ERULE, "at the team tier the handler must be an active member of the team; %s "
                                         "is not a member of %s",
                             name, cpol__record_text_or_empty(t, TEAM_NAME));
    }
    cpol__record_free(m);
    cpol__record_free(t);
    return rc < 0 ? rc : CPOL_OK;
}

int cpol__case_check_handler(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int tier,
                             const cpol_id *team, const cpol_id *station)
{
    cpol_record *p;
    char name[CPOL_PERSON_NAME_MAX + 1];
    int rc = cpol__load(ctx, &cpol__table_person, person, "handler", &p);
    if (rc < 0)
        return rc;
    rc = cpol__case_check_named(ctx, as, person, "handler");
    if (rc < 0) {
        cpol__record_free(p);
        return rc;
    }
    snprintf(name, sizeof name, "%s", cpol__record_text_or_empty(p, PERSON_NAME));
    cpol__record_free(p);
    rc = cpol__case_holds_role(ctx, person, station, tier_rules[tier].fits);
    if (rc == 0)
        return cpol__error(CPOL_ERULE, "the %s tier is handled by %s of the case's station; %s holds no such role",
                           cpol_case_tier_name(tier), tier_rules[tier].who, name);
    if (rc < 0)
        return rc;
    return check_team(ctx, team, person, tier, station, name);
}

int cpol__case_apply_grade(cpol_ctx *ctx, cpol_record *row, int grade, cpol__case_event *ev)
{
    int before = (int)cpol__record_int(row, CASE_RISK_GRADE), tier = (int)cpol__record_int(row, CASE_TIER);
    (void)ctx;
    cpol__value_set_int(&row->vals[CASE_RISK_GRADE], grade);
    snprintf(ev->detail, sizeof ev->detail, "risk grade %s (was %s)", cpol_risk_grade_name(grade),
             before ? cpol_risk_grade_name(before) : "unassessed");
    if ((ev->from == CPOL_CASE_ASSIGNED || ev->from == CPOL_CASE_HANDLING) &&
        tier < cpol_risk_grade_min_tier(grade)) {
        /* tier follows risk: the case needs a handler of a fitting tier */
        ev->to = CPOL_CASE_ASSESSED;
        cpol__value_set_int(&row->vals[CASE_TIER], 0);
        cpol__value_clear(&row->vals[CASE_HANDLER]);
        snprintf(ev->detail + strlen(ev->detail), sizeof ev->detail - strlen(ev->detail),
                 "; the %s tier is below the minimum %s: reassign", cpol_case_tier_name(tier),
                 cpol_case_tier_name(cpol_risk_grade_min_tier(grade)));
    }
    return CPOL_OK;
}

static int assess_apply(cpol_ctx *ctx, const cpol_actor *as, cpol_record *row, cpol__case_event *ev, void *arg)
{
    int grade = *(const int *)arg, before = (int)cpol__record_int(row, CASE_RISK_GRADE), rc = CPOL_OK;
    char what[96];
    if (before == grade)
        return CPOL_ALREADY;
    if (grade < before) { /* a lower grade lowers the minimum tier: the way round de-escalation */
        snprintf(what, sizeof what, "reassessing from risk grade %s to %s", cpol_risk_grade_name(before),
                 cpol_risk_grade_name(grade));
        rc = cpol__case_check_lowering(ctx, as, row, "cpol_case_assess", what, ev->note);
    }
    return rc < 0 ? rc : cpol__case_apply_grade(ctx, row, grade, ev);
}

int cpol_case_assess(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, int grade, const char *note)
{
    int rc;
    if (!ctx || !as || !case_id)
        return cpol__null_arg("cpol_case_assess", !ctx ? "ctx" : !as ? "as" : "case_id");
    if (!cpol__case_valid_grade(grade))
        return cpol__error(CPOL_EINVALID, "cpol_case_assess: %d is not a risk grade", grade);
    rc = cpol__case_check_note("cpol_case_assess", "note", note, 0);
    if (rc < 0)
        return rc;
    return cpol__case_run(ctx, as, case_id, CPOL_STEP_ASSESS, note, assess_apply, &grade);
}

/* ---- assignment, escalation, de-escalation ---- */

typedef struct tier_args {
    int tier;
    const cpol_id *handler, *team;
} tier_args;

/* A first assignment after the case returned to triage (a declined
 * referral, a reopening) may not quietly land below the tier the case was
 * at: that is a de-escalation. */
static int check_reassignment(cpol_ctx *ctx, const cpol_actor *as, const cpol_record *row, int tier,
                              const char *note)
{
    char what[128];
    int prior, rc;
    if (cpol__record_int(row, CASE_TIER))
        return CPOL_OK; /* assigned now: check_tier_move() refuses lowering */
    rc = cpol__case_prior_tier(ctx, row, &prior);
    if (rc < 0 || tier >= prior)
        return rc;
    snprintf(what, sizeof what, "assigning at the %s tier a case that was at the %s tier", cpol_case_tier_name(tier),
             cpol_case_tier_name(prior));
    return cpol__case_check_lowering(ctx, as, row, "cpol_case_assign", what, note);
}

/* The tier rules of each of the three steps. */
static int check_tier_move(int step, const cpol_record *row, int tier)
{
    int grade = (int)cpol__record_int(row, CASE_RISK_GRADE), current = (int)cpol__record_int(row, CASE_TIER);
    int min = cpol_risk_grade_min_tier(grade);
    if (!grade)
        return cpol__error(CPOL_ERULE, "the case has no risk grade yet: assess it first");
    if (step == CPOL_STEP_ESCALATE && tier <= current)
        return cpol__error(CPOL_ERULE, "escalation raises the tier; the case is at the %s tier, %s is not above it",
                           cpol_case_tier_name(current), cpol_case_tier_name(tier));
    if (step == CPOL_STEP_DEESCALATE && tier >= current)
        return cpol__error(CPOL_ERULE, "de-escalation lowers the tier; the case is at the %s tier, %s is not below it",
                           cpol_case_tier_name(current), cpol_case_tier_name(tier));
    if (tier < min)
        return cpol__error(CPOL_ERULE, "a case of risk grade %s needs at least the %s tier; %s is below it",
                           cpol_risk_grade_name(grade), cpol_case_tier_name(min), cpol_case_tier_name(tier));
    if (step == CPOL_STEP_ASSIGN && current && tier < current)
        return cpol__error(CPOL_ERULE, "the case is at the %s tier: lowering it to %s is a de-escalation "
                                       "(cpol_case_deescalate())",
                           cpol_case_tier_name(current), cpol_case_tier_name(tier));
    return CPOL_OK;
}

static int tier_apply(cpol_ctx *ctx, const cpol_actor *as, cpol_record *row, cpol__case_event *ev, void *arg)
{
    tier_args *a = arg;
    cpol_id station;
    int before = (int)cpol__record_int(row, CASE_TIER), rc;
    cpol__record_get_id(row, CASE_STATION, &station);
    rc = check_tier_move(ev->step, row, a->tier);
    if (rc >= 0 && ev->step == CPOL_STEP_ASSIGN)
        rc = check_reassignment(ctx, as, row, a->tier, ev->note);
    if (rc >= 0)
        rc = cpol__case_check_handler(ctx, as, a->handler, a->tier, a->team, &station);
    if (rc < 0)
        return rc;
    cpol__value_set_int(&row->vals[CASE_TIER], a->tier);
    rc = cpol__record_set_id(row, CASE_HANDLER, a->handler);
    if (rc >= 0 && a->team)
        rc = cpol__record_set_id(row, CASE_TEAM, a->team);
    /* the handler is the event's subject; the audit summary names nobody
     * (the trail is read more widely than who handles may be) */
    ev->subject = a->handler;
    if (before && before != a->tier)
        snprintf(ev->detail, sizeof ev->detail, "tier %s (was %s)", cpol_case_tier_name(a->tier),
                 cpol_case_tier_name(before));
    else
        snprintf(ev->detail, sizeof ev->detail, "tier %s", cpol_case_tier_name(a->tier));
    return rc;
}

static int tier_step(const char *func, cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, int step,
                     int tier, const cpol_id *handler, const cpol_id *team, const char *note, int reason_required)
{
    tier_args a;
    int rc;
    if (!ctx || !as || !case_id || !handler)
        return cpol__null_arg(func, !ctx ? "ctx" : !as ? "as" : !case_id ? "case_id" : "handler");
    if (!cpol__case_valid_tier(tier))
        return cpol__error(CPOL_EINVALID, "%s: %d is not an escalation tier", func, tier);
    rc = cpol__case_check_note(func, reason_required ? "reason" : "note", note, reason_required);
    if (rc < 0)
        return rc;
    a.tier = tier;
    a.handler = handler;
    a.team = team;
    return cpol__case_run(ctx, as, case_id, step, note, tier_apply, &a);
}

int cpol_case_assign(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, int tier, const cpol_id *handler,
                     const cpol_id *team, const char *note)
{
    return tier_step("cpol_case_assign", ctx, as, case_id, CPOL_STEP_ASSIGN, tier, handler, team, note, 0);
}

int cpol_case_escalate(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, int tier,
                       const cpol_id *handler, const cpol_id *team, const char *reason)
{
    return tier_step("cpol_case_escalate", ctx, as, case_id, CPOL_STEP_ESCALATE, tier, handler, team, reason, 1);
}

int cpol_case_deescalate(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, int tier,
                         const cpol_id *handler, const cpol_id *team, const char *reason)
{
    return tier_step("cpol_case_deescalate", ctx, as, case_id, CPOL_STEP_DEESCALATE, tier, handler, team, reason, 1);
}
