/* Closing the loop: feedback to the reporter (反馈), follow-up visits (回访),
 * evaluation and closing (评价、办结) with the points a closed case earns,
 * and reopening. */
#include <stdio.h>
#include <string.h>

#include <commpolice/case.h>
#include <commpolice/ledger.h>

#include "domain/cases/case_tables.h"
#include "domain/base/domain.h"
#include "domain/points/ledger_internal.h"

/* ---- feedback ---- */

int cpol_case_feedback(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, const char *note)
{
    int rc;
    if (!ctx || !as || !case_id)
        return cpol__null_arg("cpol_case_feedback", !ctx ? "ctx" : !as ? "as" : "case_id");
    rc = cpol__case_check_note("cpol_case_feedback", "note", note, 1);
    if (rc < 0)
        return rc;
    return cpol__case_run(ctx, as, case_id, CPOL_STEP_FEEDBACK, note, NULL, NULL);
}

/* ---- follow-up visits ---- */

typedef struct visit_args {
    cpol_time visited_at;
    int satisfaction, recurred;
} visit_args;

static int visit_apply(cpol_ctx *ctx, const cpol_actor *as, cpol_record *row, cpol__case_event *ev, void *arg)
{
    visit_args *a = arg;
    cpol_time at = a->visited_at ? a->visited_at : cpol_ctx_now(ctx);
    int rc = cpol__case_check_time(ctx, "cpol_case_followup", "visited_at", at,
                                   cpol__record_int(row, CASE_RESOLVED_AT), "the case was resolved");
    (void)as;
    if (rc < 0)
        return rc;
    cpol__value_set_int(&row->vals[CASE_SATISFACTION], a->satisfaction);
    cpol__value_set_int(&row->vals[CASE_RECURRED], a->recurred);
    ev->at = at;
    ev->satisfaction = a->satisfaction;
    ev->recurred = a->recurred;
    snprintf(ev->detail, sizeof ev->detail, "satisfaction %d%s", a->satisfaction,
             a->recurred ? ", recurred" : "");
    return CPOL_OK;
}

int cpol_case_followup(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, cpol_time visited_at,
                       int satisfaction, int recurred, const char *note)
{
    static const char func[] = "cpol_case_followup";
    visit_args a;
    int rc;
    if (!ctx || !as || !case_id)
        return cpol__null_arg(func, !ctx ? "ctx" : !as ? "as" : "case_id");
    if (satisfaction < 1 || satisfaction > 5)
        return cpol__error(CPOL_EINVALID, "%s: satisfaction %d is outside 1..5", func, satisfaction);
    if (recurred != 0 && recurred != 1)
        return cpol__error(CPOL_EINVALID, "%s: recurred must be 0 or 1, not %d", func, recurred);
    if (visited_at < 0)
        return cpol__error(CPOL_EINVALID, "%s: visited_at %lld is negative", func, (long long)visited_at);
    rc = cpol__case_check_note(func, "note", note, 0);
    if (rc < 0)
        return rc;
    a.visited_at = visited_at;
    a.satisfaction = satisfaction;
    a.recurred = recurred;
    return cpol__case_run(ctx, as, case_id, CPOL_STEP_FOLLOWUP, note, visit_apply, &a);
}

/* ---- closing ---- */

static int volunteer_role(int role)
{
    return !cpol_role_is_staff(role);
}

/* Mediated on the spot by a volunteer → the handler earns mediation
 * points; a rectified hazard reported by a volunteer → the reporter earns
 * hazard points. Nobody is awarded for a case they close themselves. */
static int award_outcome(cpol_ctx *ctx, const cpol_actor *as, const cpol_record *row, cpol__case_event *ev)
{
    int outcome = (int)cpol__record_int(row, CASE_OUTCOME), kind = 0, rc;
    cpol_id person, station, case_id;
    int64_t awarded = 0;
    if (outcome == CPOL_OUTCOME_MEDIATED && cpol__record_int(row, CASE_TIER) == CPOL_TIER_ON_THE_SPOT &&
        cpol__record_get_id(row, CASE_HANDLER, &person))
        kind = CPOL_EARN_MEDIATION;
    else if (outcome == CPOL_OUTCOME_RECTIFIED && cpol__record_int(row, CASE_CATEGORY) == CPOL_CASE_HAZARD &&
             cpol__record_get_id(row, CASE_REPORTER, &person))
        kind = CPOL_EARN_HAZARD;
    if (!kind || (!as->system && cpol_id_compare(&person, &as->person) == 0))
        return CPOL_OK;
    cpol__record_get_id(row, CASE_STATION, &station);
    rc = cpol__case_holds_role(ctx, &person, &station, volunteer_role);
    if (rc <= 0)
        return rc;
    cpol__record_get_id(row, CASE_ID, &case_id);
    /* the source is the case: the ledger rewards it once per kind (a lead
     * award for the same case is of another kind) */
    rc = cpol__points_auto_award(ctx, as, &person, kind, &case_id, &awarded);
    if (rc >= 0 && awarded > 0)
        snprintf(ev->detail, sizeof ev->detail, "%s points +%lld", cpol_earning_kind_name(kind), (long long)awarded);
    return rc;
}

static int check_close(cpol_ctx *ctx, const cpol_actor *as, const cpol_record *row, const cpol__case_event *ev)
{
    const cpol_value *recurred = &row->vals[CASE_RECURRED];
    int tier = (int)cpol__record_int(row, CASE_TIER);
    if (ev->from == CPOL_CASE_FED_BACK)
        return cpol__error(CPOL_ERULE, "a case is closed only after a follow-up visit (回访); none is recorded");
    if (recurred->type == CPOL_VALUE_INT && recurred->u.i)
        return cpol__error(CPOL_ERULE, "the last follow-up visit found that the matter recurred: reopen the case "
                                       "instead of closing it");
    if (tier == CPOL_TIER_LEADERSHIP && !as->system && as->role != CPOL_ROLE_LEADER)
        return cpol__error(CPOL_ERULE, "a case handled at the station leadership tier is closed only by a station "
                                       "leader, not by a %s",
                           cpol_role_name(as->role));
    /* the whole history counts: a handler who reassigned the case away
     * before it was resolved still evaluates their own work */
    return cpol__case_check_judge(ctx, as, row, "closes", "the evaluation (评价)");
}

static int close_apply(cpol_ctx *ctx, const cpol_actor *as, cpol_record *row, cpol__case_event *ev, void *arg)
{
    int rc = check_close(ctx, as, row, ev);
    (void)arg;
    if (rc < 0)
        return rc;
    cpol__value_set_int(&row->vals[CASE_CLOSED_AT], ev->at);
    return award_outcome(ctx, as, row, ev);
}

int cpol_case_close(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, const char *note)
{
    int rc;
    if (!ctx || !as || !case_id)
        return cpol__null_arg("cpol_case_close", !ctx ? "ctx" : !as ? "as" : "case_id");
    rc = cpol__case_check_note("cpol_case_close", "note", note, 0);
    if (rc < 0)
        return rc;
    return cpol__case_run(ctx, as, case_id, CPOL_STEP_CLOSE, note, close_apply, NULL);
}

/* ---- reopening ---- */

void cpol__case_apply_reopen(cpol_ctx *ctx, cpol_record *row, cpol__case_event *ev)
{
    static const unsigned int cleared[] = {CASE_HANDLER,      CASE_FIRST_ARRIVAL_AT, CASE_RESOLVED_AT,
                                           CASE_CLOSED_AT,    CASE_SATISFACTION,     CASE_RECURRED};
    size_t i;
    ev->to = cpol__record_int(row, CASE_RISK_GRADE) ? CPOL_CASE_ASSESSED : CPOL_CASE_VERIFIED;
    for (i = 0; i < sizeof cleared / sizeof cleared[0]; i++)
        cpol__value_clear(&row->vals[cleared[i]]);
    cpol__value_set_int(&row->vals[CASE_TIER], 0);
    cpol__value_set_int(&row->vals[CASE_OUTCOME], 0);
    cpol__value_set_int(&row->vals[CASE_CLOCK_AT], cpol_ctx_now(ctx));
    cpol__value_set_int(&row->vals[CASE_REOPEN_COUNT], cpol__record_int(row, CASE_REOPEN_COUNT) + 1);
    snprintf(ev->detail, sizeof ev->detail, "reopened (%lld)", (long long)cpol__record_int(row, CASE_REOPEN_COUNT));
}

static int reopen_apply(cpol_ctx *ctx, const cpol_actor *as, cpol_record *row, cpol__case_event *ev, void *arg)
{
    (void)as;
    (void)arg;
    cpol__case_apply_reopen(ctx, row, ev);
    return CPOL_OK;
}

int cpol_case_reopen(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, const char *reason)
{
    int rc;
    if (!ctx || !as || !case_id)
        return cpol__null_arg("cpol_case_reopen", !ctx ? "ctx" : !as ? "as" : "case_id");
    rc = cpol__case_check_note("cpol_case_reopen", "reason", reason, 1);
    if (rc < 0)
        return rc;
    return cpol__case_run(ctx, as, case_id, CPOL_STEP_REOPEN, reason, reopen_apply, NULL);
}
