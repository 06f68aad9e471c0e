/* Handling (处置): responders arriving on the scene, resolving with an
 * outcome, and referring non-police matters to a department (分流转办) with
 * a reply deadline (the case_referral table). */
#include <stdio.h>
#include <string.h>

#include <commpolice/case.h>
#include <commpolice/person.h>

#include "util/text.h"
#include "domain/cases/case_tables.h"
#include "domain/base/domain.h"
#include "domain/base/snapshot.h"
#include "domain/base/tables.h"
#include "domain/teams/team_tables.h"

static const cpol_column_def referral_columns[REFERRAL_NCOLS] = {
    [REFERRAL_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [REFERRAL_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [REFERRAL_CASE] = {"case_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [REFERRAL_DEPARTMENT] = {"department", CPOL_COLUMN_TEXT, CPOL_COLUMN_NOTNULL},
    [REFERRAL_DEADLINE] = {"deadline", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
    [REFERRAL_REFERRED_AT] = {"referred_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
    [REFERRAL_REPLIED_AT] = {"replied_at", CPOL_COLUMN_TIME, 0},
    [REFERRAL_HANDLED] = {"handled", CPOL_COLUMN_BOOL, 0},
    [REFERRAL_REPLY] = {"reply", CPOL_COLUMN_TEXT, 0},
};

static const cpol_index_def referral_indexes[] = {
    {"case_referral_case", 0, 1, {REFERRAL_CASE}},
    {"case_referral_station", 0, 2, {REFERRAL_STATION, REFERRAL_REFERRED_AT}},
};

const cpol_table cpol__table_case_referral = {"case_referral", REFERRAL_NCOLS, referral_columns,
                                              sizeof referral_indexes / sizeof referral_indexes[0],
                                              referral_indexes, 0};

/* ---- arrivals ---- */

typedef struct arrive_args {
    const cpol_id *responder;
    cpol_time arrived_at;
} arrive_args;

typedef struct arrival_scan {
    const cpol_id *responder;
    int found;
} arrival_scan;

/* An arrival counts in the current round of handling: since the last reopening. */
static void scan_arrival(const cpol_record *e, void *arg)
{
    arrival_scan *s = arg;
    int step = (int)cpol__record_int(e, EVENT_STEP);
    cpol_id subject;
    if (step == CPOL_STEP_REOPEN || step == CPOL_STEP_SPOT_REOPEN)
        s->found = 0;
    else if (step == CPOL_STEP_ARRIVE && cpol__record_get_id(e, EVENT_SUBJECT, &subject))
        s->found |= cpol_id_compare(&subject, s->responder) == 0;
}

static int arrival_recorded(cpol_ctx *ctx, const cpol_id *case_id, const cpol_id *responder)
{
    arrival_scan s;
    int rc;
    s.responder = responder;
    s.found = 0;
    rc = cpol__case_events_each(ctx, case_id, scan_arrival, &s);
    return rc < 0 ? rc : s.found;
}

static int check_responder(cpol_ctx *ctx, const cpol_actor *as, const cpol_record *row, const cpol_id *responder,
                           char *name, size_t size)
{
    cpol_record *p;
    cpol_id case_id, station, home;
    int rc;
    if (!as->system && !cpol_role_is_staff(as->role) && cpol_id_compare(&as->person, responder) != 0) {
        cpol__team_person_name(ctx, &as->person, name, size);
        return cpol__error(CPOL_EPERM, "%s acting as %s may record only their own arrival", name,
                           cpol_role_name(as->role));
    }
    rc = cpol__load(ctx, &cpol__table_person, responder, "responder", &p);
    if (rc < 0)
        return rc;
    rc = cpol__case_check_named(ctx, as, responder, "responder");
    if (rc < 0) {
        cpol__record_free(p);
        return rc;
    }
    snprintf(name, size, "%s", cpol__record_text_or_empty(p, PERSON_NAME));
    cpol__record_get_id(p, PERSON_STATION, &home);
    cpol__record_free(p);
    cpol__record_get_id(row, CASE_STATION, &station);
    cpol__record_get_id(row, CASE_ID, &case_id);
    if (cpol_id_compare(&home, &station) != 0)
        return cpol__error(CPOL_ERULE, "responder %s is registered at another station than the case", name);
    rc = arrival_recorded(ctx, &case_id, responder);
    if (rc > 0)
        rc = cpol__error(CPOL_EEXISTS, "the arrival of %s is already recorded", name);
    return rc;
}

/* The order in which a responder's roles are taken (see responder_role()). */
static const int arrival_order[] = {CPOL_ROLE_LEADER,         CPOL_ROLE_OFFICER,     CPOL_ROLE_AUXILIARY,
                                    CPOL_ROLE_PROPERTY_GUARD, CPOL_ROLE_GRID_WORKER, CPOL_ROLE_VOLUNTEER,
                                    CPOL_ROLE_BUILDING_HEAD,  CPOL_ROLE_MEDIATOR,    CPOL_ROLE_LAWYER,
                                    CPOL_ROLE_INFORMANT,      CPOL_ROLE_OPERATOR,    CPOL_ROLE_ANALYST};
#define NORDER (sizeof arrival_order / sizeof arrival_order[0])

static int earlier_in_order(int role, void *arg)
{
    size_t *best = arg, i;
    for (i = 0; i < *best; i++)
        if (arrival_order[i] == role)
            *best = i;
    return 0;
}

/* The role a responder arrives in (per-role arrival times, case_metrics.c):
 * the role they act in when they record their own arrival; else their
 * active role at the case's station that comes first in arrival_order
 * (police before auxiliaries before the volunteer roles, the informant role
 * last, so a guard who is also an informant arrives as a guard); 0 if none. */
static int responder_role(cpol_ctx *ctx, const cpol_actor *as, const cpol_record *row, const cpol_id *responder,
                          int *role)
{
    cpol_id station;
    size_t best = NORDER;
    int rc;
    *role = 0;
    if (!as->system && cpol_id_compare(&as->person, responder) == 0) {
        *role = as->role;
        return CPOL_OK;
    }
    cpol__record_get_id(row, CASE_STATION, &station);
    rc = cpol__case_each_role(ctx, responder, &station, earlier_in_order, &best);
    if (rc >= 0 && best < NORDER)
        *role = arrival_order[best];
    return rc < 0 ? rc : CPOL_OK;
}

static int arrive_apply(cpol_ctx *ctx, const cpol_actor *as, cpol_record *row, cpol__case_event *ev, void *arg)
{
    arrive_args *a = arg;
    const cpol_value *first = &row->vals[CASE_FIRST_ARRIVAL_AT];
    cpol_time reported = cpol__record_int(row, CASE_REPORTED_AT);
    cpol_time at = a->arrived_at ? a->arrived_at : cpol_ctx_now(ctx);
    char name[CPOL_PERSON_NAME_MAX + 1];
    int rc = check_responder(ctx, as, row, a->responder, name, sizeof name);
    if (rc >= 0)
        rc = cpol__case_check_time(ctx, "cpol_case_arrive", "arrived_at", at, reported, "the case was reported");
    if (rc >= 0)
        rc = responder_role(ctx, as, row, a->responder, &ev->subject_role);
    if (rc < 0)
        return rc;
    if (first->type == CPOL_VALUE_NULL || at < cpol__record_int(row, CASE_FIRST_ARRIVAL_AT))
        cpol__value_set_int(&row->vals[CASE_FIRST_ARRIVAL_AT], at);
    ev->at = at;
    ev->subject = a->responder; /* who arrived: the subject, never the audit summary */
    snprintf(ev->detail, sizeof ev->detail, "on the scene %lld s after the report",
             (long long)((at - reported) / 1000));
    return CPOL_OK;
}

int cpol_case_arrive(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, const cpol_id *responder,
                     cpol_time arrived_at, const char *note)
{
    arrive_args a;
    int rc;
    if (!ctx || !as || !case_id || !responder)
        return cpol__null_arg("cpol_case_arrive", !ctx ? "ctx" : !as ? "as" : !case_id ? "case_id" : "responder");
    if (arrived_at < 0)
        return cpol__error(CPOL_EINVALID, "cpol_case_arrive: arrived_at %lld is negative", (long long)arrived_at);
    rc = cpol__case_check_note("cpol_case_arrive", "note", note, 0);
    if (rc < 0)
        return rc;
    a.responder = responder;
    a.arrived_at = arrived_at;
    return cpol__case_run(ctx, as, case_id, CPOL_STEP_ARRIVE, note, arrive_apply, &a);
}

/* ---- resolving ---- */

static int resolve_apply(cpol_ctx *ctx, const cpol_actor *as, cpol_record *row, cpol__case_event *ev, void *arg)
{
    int outcome = *(const int *)arg;
    cpol_id handler;
    (void)ctx;
    (void)as;
    if (!cpol__record_get_id(row, CASE_HANDLER, &handler))
        return cpol__error(CPOL_ERULE, "the case has no handler at the %s tier: assign one before resolving it",
                           cpol_case_tier_name((int)cpol__record_int(row, CASE_TIER)));
    cpol__value_set_int(&row->vals[CASE_OUTCOME], outcome);
    cpol__value_set_int(&row->vals[CASE_RESOLVED_AT], ev->at);
    ev->outcome = outcome;
    snprintf(ev->detail, sizeof ev->detail, "%s at the %s tier", cpol_case_outcome_name(outcome),
             cpol_case_tier_name((int)cpol__record_int(row, CASE_TIER)));
    return CPOL_OK;
}

int cpol_case_resolve(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, int outcome, const char *note)
{
    int rc;
    if (!ctx || !as || !case_id)
        return cpol__null_arg("cpol_case_resolve", !ctx ? "ctx" : !as ? "as" : "case_id");
    if (outcome < CPOL_OUTCOME_MEDIATED || outcome > CPOL_OUTCOME_UNRESOLVED)
        return cpol__error(CPOL_EINVALID, outcome == CPOL_OUTCOME_DEPARTMENT
                                              ? "cpol_case_resolve: %d (handled by the department) is recorded by "
                                                "cpol_case_referral_reply()"
                                              : "cpol_case_resolve: %d is not an outcome",
                           outcome);
    rc = cpol__case_check_note("cpol_case_resolve", "note", note, 0);
    if (rc < 0)
        return rc;
    return cpol__case_run(ctx, as, case_id, CPOL_STEP_RESOLVE, note, resolve_apply, &outcome);
}

/* ---- referrals ---- */

typedef struct refer_args {
    const char *department;
    cpol_time deadline;
    cpol_id id;
} refer_args;

static int refer_apply(cpol_ctx *ctx, const cpol_actor *as, cpol_record *row, cpol__case_event *ev, void *arg)
{
    refer_args *a = arg;
    cpol_record *r;
    cpol_id station, case_id;
    char due[CPOL__TIME_TEXT];
    int rc = cpol__record_new(&cpol__table_case_referral, &r);
    (void)as;
    if (rc < 0)
        return rc;
    cpol__record_get_id(row, CASE_STATION, &station);
    cpol__record_get_id(row, CASE_ID, &case_id);
    cpol_id_new(ctx, &a->id);
    rc = cpol__record_set_id(r, REFERRAL_ID, &a->id);
    if (rc >= 0)
        rc = cpol__record_set_id(r, REFERRAL_STATION, &station);
    if (rc >= 0)
        rc = cpol__record_set_id(r, REFERRAL_CASE, &case_id);
    if (rc >= 0)
        rc = cpol__record_set_text0(r, REFERRAL_DEPARTMENT, a->department);
    cpol__value_set_int(&r->vals[REFERRAL_DEADLINE], a->deadline);
    cpol__value_set_int(&r->vals[REFERRAL_REFERRED_AT], cpol_ctx_now(ctx));
    if (rc >= 0)
        rc = cpol__store_insert(ctx->store, r);
    cpol__record_free(r);
    ev->subject = &a->id;
    cpol__time_text(a->deadline, due);
    snprintf(ev->detail, sizeof ev->detail, "referred to %.100s, reply due %s", a->department, due);
    return rc;
}

int cpol_case_refer(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, const char *department,
                    cpol_time deadline, const char *note, cpol_id *id_out)
{
    refer_args a;
    size_t len;
    int rc;
    if (!ctx || !as || !case_id)
        return cpol__null_arg("cpol_case_refer", !ctx ? "ctx" : !as ? "as" : "case_id");
    rc = cpol__check_name("cpol_case_refer", "department", department, CPOL_DEPARTMENT_NAME_MAX, &len);
    if (rc >= 0)
        rc = cpol__case_check_note("cpol_case_refer", "note", note, 0);
    if (rc >= 0 && deadline <= cpol_ctx_now(ctx)) {
        char t[CPOL__TIME_TEXT];
        cpol__time_text(deadline, t);
        rc = cpol__error(CPOL_EINVALID, "cpol_case_refer: the reply deadline %s is not in the future", t);
    }
    if (rc < 0)
        return rc;
    memset(&a, 0, sizeof a);
    a.department = department;
    a.deadline = deadline;
    rc = cpol__case_run(ctx, as, case_id, CPOL_STEP_REFER, note, refer_apply, &a);
    if (rc >= 0 && id_out)
        *id_out = a.id;
    return rc;
}

typedef struct reply_args {
    int handled;
    const char *reply;
    cpol_time replied_at;
    cpol_id referral; /* the event's subject */
} reply_args;

/* The referral still waiting for its reply (a referred case has one). */
static int open_referral(cpol_ctx *ctx, const cpol_record *row, cpol_record **out)
{
    cpol_query *q;
    cpol_id case_id;
    int rc = cpol__query_new(&cpol__table_case_referral, &q);
    cpol__record_get_id(row, CASE_ID, &case_id);
    if (rc >= 0)
        rc = cpol__query_where_id(q, REFERRAL_CASE, CPOL_OP_EQ, &case_id);
    if (rc >= 0)
        rc = cpol__query_where(q, REFERRAL_REPLIED_AT, CPOL_OP_EQ, &(cpol_value){0});
    if (rc < 0) {
        cpol__query_free(q);
        return rc;
    }
    rc = cpol__query_first(ctx, q, out);
    return rc == 0 ? cpol__error(CPOL_ECORRUPT, "a referred case has no open referral") : rc;
}

/* Declined: back to the station's own triage, unassigned. */
static void return_to_triage(cpol_record *row, cpol__case_event *ev)
{
    ev->to = cpol__record_int(row, CASE_RISK_GRADE) ? CPOL_CASE_ASSESSED : CPOL_CASE_VERIFIED;
    cpol__value_set_int(&row->vals[CASE_TIER], 0);
    cpol__value_clear(&row->vals[CASE_HANDLER]);
}

static int reply_apply(cpol_ctx *ctx, const cpol_actor *as, cpol_record *row, cpol__case_event *ev, void *arg)
{
    reply_args *a = arg;
    cpol_record *ref = NULL;
    cpol_time at = a->replied_at ? a->replied_at : cpol_ctx_now(ctx);
    int rc = open_referral(ctx, row, &ref);
    (void)as;
    if (rc >= 0)
        rc = cpol__case_check_time(ctx, "cpol_case_referral_reply", "replied_at", at,
                                   cpol__record_int(ref, REFERRAL_REFERRED_AT), "the referral");
    if (rc >= 0) {
        cpol__value_set_int(&ref->vals[REFERRAL_REPLIED_AT], at);
        cpol__value_set_int(&ref->vals[REFERRAL_HANDLED], a->handled);
        rc = cpol__record_set_text0(ref, REFERRAL_REPLY, a->reply);
    }
    if (rc >= 0)
        rc = cpol__store_update(ctx->store, ref);
    if (rc >= 0) {
        cpol__record_get_id(ref, REFERRAL_ID, &a->referral);
        ev->subject = &a->referral;
        ev->at = at;
        snprintf(ev->detail, sizeof ev->detail, "%.100s %s", cpol__record_text_or_empty(ref, REFERRAL_DEPARTMENT),
                 a->handled ? "handled it" : "declined it");
        if (a->handled) {
            ev->outcome = CPOL_OUTCOME_DEPARTMENT;
            cpol__value_set_int(&row->vals[CASE_OUTCOME], CPOL_OUTCOME_DEPARTMENT);
            cpol__value_set_int(&row->vals[CASE_RESOLVED_AT], at);
        } else {
            return_to_triage(row, ev);
        }
    }
    cpol__record_free(ref);
    return rc;
}

int cpol_case_referral_reply(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, int handled,
                             const char *reply, cpol_time replied_at)
{
    reply_args a;
    int rc;
    if (!ctx || !as || !case_id)
        return cpol__null_arg("cpol_case_referral_reply", !ctx ? "ctx" : !as ? "as" : "case_id");
    if (handled != 0 && handled != 1)
        return cpol__error(CPOL_EINVALID, "cpol_case_referral_reply: handled must be 0 or 1, not %d", handled);
    if (replied_at < 0)
        return cpol__error(CPOL_EINVALID, "cpol_case_referral_reply: replied_at %lld is negative",
                           (long long)replied_at);
    rc = cpol__case_check_note("cpol_case_referral_reply", "reply", reply, 1);
    if (rc < 0)
        return rc;
    a.handled = handled;
    a.reply = reply;
    a.replied_at = replied_at;
    return cpol__case_run(ctx, as, case_id, CPOL_STEP_REFERRAL_REPLY, reply, reply_apply, &a);
}
