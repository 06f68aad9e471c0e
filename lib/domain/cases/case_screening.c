/* Screening (核查): verifying a report, which earns a volunteer reporter
 * their lead points, and rejecting it as a duplicate or unfounded, which
 * withdraws them if it had been verified. */
#include <stdio.h>
#include <string.h>

#include <commpolice/case.h>
#include <commpolice/ledger.h>

#include "domain/cases/case_tables.h"
#include "domain/base/domain.h"
#include "domain/points/ledger_internal.h"

static int volunteer_role(int role)
{
    return !cpol_role_is_staff(role);
}

/* A reporter who holds an active volunteer role at the station earns lead
 * points, once per case (the award's source is the case id). */
static int award_lead(cpol_ctx *ctx, const cpol_actor *as, const cpol_record *row, cpol__case_event *ev)
{
    cpol_id reporter, case_id, station;
    int64_t awarded = 0;
    int rc;
    if (!cpol__record_get_id(row, CASE_REPORTER, &reporter))
        return CPOL_OK;
    cpol__record_get_id(row, CASE_ID, &case_id);
    cpol__record_get_id(row, CASE_STATION, &station);
    rc = cpol__case_holds_role(ctx, &reporter, &station, volunteer_role);
    if (rc <= 0)
        return rc;
    rc = cpol__points_auto_award(ctx, as, &reporter, CPOL_EARN_CASE_LEAD, &case_id, &awarded);
    if (rc >= 0 && awarded > 0) /* the reporter stays unnamed: tips are protected */
        snprintf(ev->detail, sizeof ev->detail, "lead points +%lld to the reporter", (long long)awarded);
    return rc;
}

/* 1 if the acting person recorded the report (the actor of its report step). */
static int recorded_it(const cpol_actor *as, const cpol_record *row)
{
    cpol_id recorder;
    return !as->system && cpol__record_get_id(row, CASE_RECORDED_BY, &recorder) &&
           cpol_id_compare(&recorder, &as->person) == 0;
}

static int verify_apply(cpol_ctx *ctx, const cpol_actor *as, cpol_record *row, cpol__case_event *ev, void *arg)
{
    (void)arg;
    if (cpol__case_is_reporter(as, row))
        return cpol__error(CPOL_ERULE, "nobody verifies their own report: screening is done by someone else");
    /* naming someone else as the reporter would otherwise let the recorder
     * verify a lead they made up and award its points to that person */
    if (recorded_it(as, row))
        return cpol__error(CPOL_ERULE, "nobody verifies a report they recorded, whatever reporter it names: "
                                       "screening is done by someone else");
    return award_lead(ctx, as, row, ev);
}

int cpol_case_verify(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, const char *note)
{
    int rc;
    if (!ctx || !as || !case_id)
        return cpol__null_arg("cpol_case_verify", !ctx ? "ctx" : !as ? "as" : "case_id");
    rc = cpol__case_check_note("cpol_case_verify", "note", note, 0);
    if (rc < 0)
        return rc;
    return cpol__case_run(ctx, as, case_id, CPOL_STEP_VERIFY, note, verify_apply, NULL);
}

typedef struct reject_args {
    int reason;
    const cpol_id *duplicate_of;
} reject_args;

static int check_original(cpol_ctx *ctx, const cpol_record *row, const cpol_id *original)
{
    cpol_record *o;
    cpol_id a, b;
    int rc = cpol__load(ctx, &cpol__table_case, original, "original case", &o);
    if (rc < 0)
        return rc;
    cpol__record_get_id(row, CASE_STATION, &a);
    cpol__record_get_id(o, CASE_STATION, &b);
    if (cpol_id_compare(&a, &b) != 0)
        rc = cpol__error(CPOL_ERULE, "a case is a duplicate only of a case of the same station");
    cpol__record_free(o);
    return rc;
}

static int reject_apply(cpol_ctx *ctx, const cpol_actor *as, cpol_record *row, cpol__case_event *ev, void *arg)
{
    reject_args *a = arg;
    cpol_id case_id;
    int rc = CPOL_OK;
    cpol__record_get_id(row, CASE_ID, &case_id);
    if (a->duplicate_of) {
        rc = check_original(ctx, row, a->duplicate_of);
        if (rc >= 0)
            rc = cpol__record_set_id(row, CASE_DUPLICATE_OF, a->duplicate_of);
        ev->subject = a->duplicate_of;
    }
    ev->outcome = a->reason;
    snprintf(ev->detail, sizeof ev->detail, "%s",
             a->reason == CPOL_REJECT_DUPLICATE ? "duplicate" : "unfounded");
    /* a verified lead that proves false or repeated earns nothing */
    if (rc >= 0 && ev->from != CPOL_CASE_REPORTED)
        rc = cpol__points_auto_reverse(ctx, as, CPOL_EARN_CASE_LEAD, &case_id, ev->note);
    return rc;
}

int cpol_case_reject(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, int reason,
                     const cpol_id *duplicate_of, const char *note)
{
    static const char func[] = "cpol_case_reject";
    reject_args a;
    int rc;
    if (!ctx || !as || !case_id)
        return cpol__null_arg(func, !ctx ? "ctx" : !as ? "as" : "case_id");
    if (reason != CPOL_REJECT_DUPLICATE && reason != CPOL_REJECT_UNFOUNDED)
        return cpol__error(CPOL_EINVALID, "%s: %d is not a rejection reason", func, reason);
    if ((reason == CPOL_REJECT_DUPLICATE) != (duplicate_of != NULL))
        return cpol__error(CPOL_EINVALID, reason == CPOL_REJECT_DUPLICATE
                                              ? "%s: a duplicate needs the original case (duplicate_of)"
                                              : "%s: duplicate_of is only for rejections as duplicate",
                           func);
    if (duplicate_of && cpol_id_compare(duplicate_of, case_id) == 0)
        return cpol__error(CPOL_EINVALID, "%s: a case cannot be a duplicate of itself", func);
    rc = cpol__case_check_note(func, "note", note, 1);
    if (rc < 0)
        return rc;
    a.reason = reason;
    a.duplicate_of = duplicate_of;
    return cpol__case_run(ctx, as, case_id, CPOL_STEP_REJECT, note, reject_apply, &a);
}
