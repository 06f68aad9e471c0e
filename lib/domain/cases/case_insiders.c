/* Insider rules: nobody judges their own work, and nobody lowers a case
 * without the de-escalation permission by a detour. Both read the case's
 * history (case_event), since the case row keeps only its current handler
 * and tier: a handler reassigned away, or a tier reset by a declined
 * referral or a reopening, is still there. */
#include <stdio.h>
#include <string.h>

#include <commpolice/case.h>

#include "domain/cases/case_tables.h"
#include "domain/base/domain.h"
#include "domain/teams/team_tables.h"

/* ---- who did what on the case ---- */

typedef struct involvement {
    int handled, recorded_arrival;
} involvement;

typedef struct involvement_scan {
    const cpol_id *person;
    involvement *out;
} involvement_scan;

static int names(const cpol_record *e, unsigned int col, const cpol_id *person)
{
    cpol_id p;
    return cpol__record_get_id(e, col, &p) && cpol_id_compare(&p, person) == 0;
}

static void scan_involvement(const cpol_record *e, void *arg)
{
    involvement_scan *s = arg;
    int step = (int)cpol__record_int(e, EVENT_STEP);
    switch (step) {
    case CPOL_STEP_ASSIGN:
    case CPOL_STEP_ESCALATE:
    case CPOL_STEP_DEESCALATE: /* the subject is the handler named */
        s->out->handled |= names(e, EVENT_SUBJECT, s->person);
        break;
    case CPOL_STEP_ARRIVE: /* the subject was on the scene, the actor recorded it */
        s->out->handled |= names(e, EVENT_SUBJECT, s->person);
        s->out->recorded_arrival |= names(e, EVENT_ACTOR, s->person);
        break;
    case CPOL_STEP_RESOLVE: s->out->handled |= names(e, EVENT_ACTOR, s->person); break;
    default: break;
    }
}

static int involved(cpol_ctx *ctx, const cpol_actor *as, const cpol_record *row, involvement *out)
{
    involvement_scan s;
    cpol_id case_id;
    memset(out, 0, sizeof *out);
    if (as->system)
        return CPOL_OK;
    out->handled = cpol__case_is_handler(as, row);
    s.person = &as->person;
    s.out = out;
    cpol__record_get_id(row, CASE_ID, &case_id);
    return cpol__case_events_each(ctx, &case_id, scan_involvement, &s);
}

int cpol__case_check_judge(cpol_ctx *ctx, const cpol_actor *as, const cpol_record *row, const char *does,
                           const char *judgement)
{
    involvement inv;
    int rc = involved(ctx, as, row, &inv);
    if (rc >= 0 && inv.handled)
        rc = cpol__error(CPOL_ERULE, "nobody %s a case they handled: %s is someone else's", does, judgement);
    if (rc >= 0 && inv.recorded_arrival)
        rc = cpol__error(CPOL_ERULE, "nobody %s a case whose arrival on the scene they recorded: %s is someone "
                                     "else's",
                         does, judgement);
    return rc;
}

/* ---- lowering ---- */

static void scan_tier(const cpol_record *e, void *arg)
{
    int tier = (int)cpol__record_int(e, EVENT_TIER);
    if (tier)
        *(int *)arg = tier;
}

int cpol__case_prior_tier(cpol_ctx *ctx, const cpol_record *row, int *tier)
{
    cpol_id case_id;
    *tier = 0;
    cpol__record_get_id(row, CASE_ID, &case_id);
    return cpol__case_events_each(ctx, &case_id, scan_tier, tier);
}

int cpol__case_check_lowering(cpol_ctx *ctx, const cpol_actor *as, const cpol_record *row, const char *func,
                              const char *what, const char *reason)
{
    cpol_id station;
    char who[128];
    int rc;
    cpol__record_get_id(row, CASE_STATION, &station);
    rc = cpol__authorize(ctx, as, CPOL_PERM_CASE_DEESCALATE, &station);
    if (rc == CPOL_EPERM) {
        /* the generic message would not say why a triage step needs it */
        cpol__team_person_name(ctx, &as->person, who, sizeof who);
        return cpol__error(CPOL_EPERM, "%s lowers the case, a de-escalation: it needs permission case.deescalate, "
                                       "which %s acting as %s lacks",
                           what, who, cpol_role_name(as->role));
    }
    if (rc >= 0 && (!reason || !reason[0]))
        rc = cpol__error(CPOL_EINVALID, "%s: %s lowers the case, a de-escalation: give the reason as the note", func,
                         what);
    return rc;
}
