/* What the teams did (问效 beyond the cases), read from the activity
 * module's tables, never changed here: the shifts at the area that started
 * in the period (of the query's team, if it names one) and their completed
 * sign-ups.
 *
 * - Community time of police officers (离所入室, 驻社区时间): the minutes
 *   of completed sign-ups, on shifts of any kind at the area, of people who
 *   held the officer or leader role at the station when the shift started
 *   (appointed before it, not retired by then).
 * - Publicity reach: the publicity shifts closed by the as-of time, their
 *   recorded audience, and the distinct people who completed a sign-up.
 *
 * Four reads whatever the size: the officers' assignments (two), the
 * shifts, the sign-ups. */
#include <stdlib.h>
#include <string.h>

#include <commpolice/activity.h>
#include <commpolice/person.h>

#include "util/alloc.h"
#include "domain/cases/case_tables.h"
#include "domain/cases/case_metrics_internal.h"
#include "domain/activity/activity_tables.h"
#include "domain/base/domain.h"
#include "domain/base/snapshot.h"
#include "domain/base/tables.h"

typedef struct mshift {
    cpol_id id;
    int kind;
} mshift;

/* One appointment as a police officer: from `since` until `until` (0: still). */
typedef struct officer {
    cpol_id person;
    cpol_time since, until;
} officer;

typedef struct teams_args {
    const cpol__metrics_scope *s;
    cpol_case_metrics *m;
    officer *officers;     /* sorted by person */
    size_t nofficers, officers_cap;
    mshift *shifts;        /* sorted by id */
    size_t nshifts;
    cpol_id *served, *participants; /* people, with repeats */
    size_t nserved, served_cap, nparticipants, participants_cap;
} teams_args;

static int by_id(const void *pa, const void *pb)
{
    return cpol_id_compare(pa, pb);
}

static int push_id(cpol_id **ids, size_t *n, size_t *cap, const cpol_id *id)
{
    cpol_id *grown = cpol__case_grow(*ids, cap, *n, sizeof **ids);
    if (!grown)
        return cpol__oom();
    *ids = grown;
    grown[(*n)++] = *id;
    return CPOL_OK;
}

static int64_t distinct(cpol_id *ids, size_t n)
{
    size_t i;
    int64_t count = n ? 1 : 0;
    if (n > 1)
        qsort(ids, n, sizeof *ids, by_id);
    for (i = 1; i < n; i++)
        count += cpol_id_compare(&ids[i - 1], &ids[i]) != 0;
    return count;
}

static int load_officers(cpol_ctx *ctx, teams_args *a, int role)
{
    cpol_query *q = NULL;
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    int rc = cpol__query_new(&cpol__table_assignment, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, ASSIGN_STATION, CPOL_OP_EQ, &a->s->station);
    if (rc >= 0)
        rc = cpol__query_where_int(q, ASSIGN_ROLE, CPOL_OP_EQ, role);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_assignment, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK) {
        officer *o = cpol__case_grow(a->officers, &a->officers_cap, a->nofficers, sizeof *a->officers);
        if (!o) {
            rc = cpol__oom();
            break;
        }
        a->officers = o;
        o = &a->officers[a->nofficers++];
        cpol__record_get_id(r, ASSIGN_PERSON, &o->person);
        o->since = cpol__record_int(r, ASSIGN_CREATED_AT);
        o->until = cpol__record_int(r, ASSIGN_STATUS) == CPOL_ASSIGNMENT_RETIRED ? cpol__record_int(r, ASSIGN_SINCE)
                                                                                   : 0;
    }
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(q);
    return rc == CPOL_DONE ? CPOL_OK : rc;
}

/* Was `person` a police officer at the station at time t? */
static int officer_at(const teams_args *a, const cpol_id *person, cpol_time t)
{
    const officer *o = a->nofficers ? bsearch(person, a->officers, a->nofficers, sizeof *a->officers, by_id) : NULL;
    size_t i;
    if (!o)
        return 0;
    for (i = (size_t)(o - a->officers); i > 0 && cpol_id_compare(&a->officers[i - 1].person, person) == 0; i--)
        ;
    for (; i < a->nofficers && cpol_id_compare(&a->officers[i].person, person) == 0; i++)
        if (a->officers[i].since <= t && (!a->officers[i].until || a->officers[i].until > t))
            return 1;
    return 0;
}

static int load_shifts(cpol_ctx *ctx, teams_args *a)
{
    const cpol_case_metrics_query *q = a->s->q;
    cpol_query *query = NULL;
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    char *lo = NULL, *hi = NULL;
    size_t cap = 0;
    int64_t *n = a->m->counts;
    int rc = cpol__case_subtree(ctx, q->area, &lo, &hi);
    if (rc >= 0)
        rc = cpol__query_new(&cpol__table_shift, &query);
    if (rc >= 0)
        rc = cpol__query_where_text(query, SHIFT_AREA_PATH, CPOL_OP_GE, lo, strlen(lo));
    if (rc >= 0)
        rc = cpol__query_where_text(query, SHIFT_AREA_PATH, CPOL_OP_LT, hi, strlen(hi));
    if (rc >= 0)
        rc = cpol__query_where_range(query, SHIFT_STARTS_AT, q->from, q->to);
    if (rc >= 0 && q->team)
        rc = cpol__query_where_id(query, SHIFT_TEAM, CPOL_OP_EQ, q->team);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_shift, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, query, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK) {
        mshift *sh;
        int kind = (int)cpol__record_int(r, SHIFT_KIND);
        cpol_time closed = cpol__record_int(r, SHIFT_CLOSED_AT);
        if (cpol__record_int(r, SHIFT_CREATED_AT) > a->s->as_of)
            continue;
        if (kind == CPOL_SHIFT_PUBLICITY && closed && closed <= a->s->as_of) {
            n[CPOL_METRIC_PUBLICITY_SESSIONS]++;
            n[CPOL_METRIC_PUBLICITY_AUDIENCE] += cpol__record_int(r, SHIFT_AUDIENCE);
        }
        sh = cpol__case_grow(a->shifts, &cap, a->nshifts, sizeof *a->shifts);
        if (!sh) {
            rc = cpol__oom();
            break;
        }
        a->shifts = sh;
        sh = &a->shifts[a->nshifts++];
        cpol__record_get_id(r, SHIFT_ID, &sh->id);
        sh->kind = kind;
    }
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(query);
    cpol_free(lo);
    cpol_free(hi);
    if (rc == CPOL_DONE)
        rc = CPOL_OK;
    if (rc >= 0 && a->nshifts > 1)
        qsort(a->shifts, a->nshifts, sizeof *a->shifts, by_id);
    return rc;
}

static int take_signup(teams_args *a, const cpol_record *r)
{
    const mshift *sh;
    cpol_id shift, person;
    int rc = CPOL_OK;
    if (cpol__record_int(r, SIGNUP_COMPLETED_AT) > a->s->as_of)
        return CPOL_OK;
    cpol__record_get_id(r, SIGNUP_SHIFT, &shift);
    cpol__record_get_id(r, SIGNUP_PERSON, &person);
    sh = a->nshifts ? bsearch(&shift, a->shifts, a->nshifts, sizeof *a->shifts, by_id) : NULL;
    if (!sh)
        return CPOL_OK; /* another area's or team's shift */
    if (officer_at(a, &person, cpol__record_int(r, SIGNUP_STARTS_AT))) {
        a->m->counts[CPOL_METRIC_OFFICER_MINUTES] += cpol__record_int(r, SIGNUP_MINUTES);
        rc = push_id(&a->served, &a->nserved, &a->served_cap, &person);
    }
    if (rc >= 0 && sh->kind == CPOL_SHIFT_PUBLICITY)
        rc = push_id(&a->participants, &a->nparticipants, &a->participants_cap, &person);
    return rc;
}

static int fold_signups(cpol_ctx *ctx, teams_args *a)
{
    const cpol_case_metrics_query *q = a->s->q;
    cpol_query *query = NULL;
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    int rc = cpol__query_new(&cpol__table_signup, &query);
    if (rc >= 0)
        rc = cpol__query_where_id(query, SIGNUP_STATION, CPOL_OP_EQ, &a->s->station);
    if (rc >= 0)
        rc = cpol__query_where_range(query, SIGNUP_STARTS_AT, q->from, q->to);
    if (rc >= 0)
        rc = cpol__query_where_int(query, SIGNUP_STATUS, CPOL_OP_EQ, CPOL_SIGNUP_COMPLETED);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_signup, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, query, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK)
        rc = take_signup(a, r);
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(query);
    return rc == CPOL_DONE ? CPOL_OK : rc;
}

int cpol__metrics_teams(cpol_ctx *ctx, const cpol__metrics_scope *s, cpol_case_metrics *m)
{
    teams_args a;
    int rc;
    memset(&a, 0, sizeof a);
    a.s = s;
    a.m = m;
    rc = load_officers(ctx, &a, CPOL_ROLE_OFFICER);
    if (rc >= 0)
        rc = load_officers(ctx, &a, CPOL_ROLE_LEADER);
    if (rc >= 0 && a.nofficers > 1)
        qsort(a.officers, a.nofficers, sizeof *a.officers, by_id);
    if (rc >= 0)
        rc = load_shifts(ctx, &a);
    if (rc >= 0 && a.nshifts)
        rc = fold_signups(ctx, &a);
    if (rc >= 0) {
        m->counts[CPOL_METRIC_OFFICERS] = distinct(a.served, a.nserved);
        m->counts[CPOL_METRIC_PUBLICITY_PARTICIPANTS] = distinct(a.participants, a.nparticipants);
    }
    cpol_free(a.officers);
    cpol_free(a.shifts);
    cpol_free(a.served);
    cpol_free(a.participants);
    return rc;
}
