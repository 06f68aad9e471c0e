/* The cases' figures. Three reads whatever the number of cases: the cases
 * of the area reported in the period (and, for repeat calls, in the window
 * before it), the station's case_event rows since then recorded up to the
 * as-of time, and the station's referrals since then. Each event is folded
 * into its case's facts (first screening, arrivals per role, first
 * resolution, last outcome, last visit, …) in recorded order, found by a
 * binary search over the cases sorted by id; the counts, rates and response
 * times are sums and order statistics over those facts, so each can be
 * recomputed by hand with SQL over case_event (docs/cases.md). Repeat calls
 * are found in one pass over the cases sorted by place, kind and time. */
#include <stdlib.h>
#include <string.h>

#include <commpolice/actor.h>

#include "util/alloc.h"
#include "domain/cases/case_tables.h"
#include "domain/cases/case_metrics_internal.h"
#include "domain/base/domain.h"
#include "domain/base/snapshot.h"

/* What a case's history says as of the query's time. 0 times: never happened. */
typedef struct facts {
    int recorded;          /* its report was recorded by then: it counts */
    int state, grade, verified, reopened, reject_reason, outcome, resolved_tier, satisfaction, visited;
    int volunteer_on_scene;
    int64_t escalations;
    cpol_time screened, arrived, resolved, visit;
    cpol_time by_role[CPOL__ROLE_MAX + 1]; /* first arrival in each role */
} facts;

/* A case of the area: in the cohort, or only an earlier call it may repeat. */
typedef struct mcase {
    cpol_id id;
    char *path, *address;  /* address "" when none */
    int category, source, cohort;
    cpol_time reported;
    facts f;
} mcase;

typedef struct mreferral {
    cpol_id id;
    cpol_time referred, deadline;
} mreferral;

typedef struct cases_args {
    const cpol__metrics_scope *s;
    cpol_case_metrics *m;
    mcase *cases;          /* sorted by id */
    size_t n;
    mreferral *refs;       /* sorted by id */
    size_t nrefs;
    int64_t limits[CPOL_RISK_HIGH + 1][CPOL_STAGE_FOLLOWUP + 1];
    cpol__durations stage[CPOL__STAGE_MAX + 1], role[CPOL__ROLE_MAX + 1], police;
    int rc;                /* the first failure met while folding */
} cases_args;

static int by_id(const void *pa, const void *pb)
{
    return cpol_id_compare(pa, pb); /* both structs begin with their id */
}

/* The earliest time a read must reach back to: the period's start, less
 * the repeat window; 0 for no bound. */
static cpol_time reach_back(const cpol__metrics_scope *s)
{
    const cpol_case_metrics_query *q = s->q;
    return q->from > s->window ? q->from - s->window : 0;
}

/* ---- the cases ---- */

static int take_case(cases_args *a, const cpol_record *r, size_t *cap)
{
    const cpol_case_metrics_query *q = a->s->q;
    int category = (int)cpol__record_int(r, CASE_CATEGORY);
    mcase *k;
    cpol_id team;
    if (q->case_class && cpol_case_category_class(category) != q->case_class)
        return CPOL_OK; /* never the same kind as a cohort case either */
    k = cpol__case_grow(a->cases, cap, a->n, sizeof *a->cases);
    if (!k)
        return cpol__oom();
    a->cases = k;
    k = &a->cases[a->n++];
    memset(k, 0, sizeof *k);
    cpol__record_get_id(r, CASE_ID, &k->id);
    k->category = category;
    k->source = (int)cpol__record_int(r, CASE_SOURCE);
    k->reported = cpol__record_int(r, CASE_REPORTED_AT);
    k->cohort = k->reported >= q->from &&
                (!q->team || (cpol__record_get_id(r, CASE_TEAM, &team) && cpol_id_compare(&team, q->team) == 0));
    k->path = cpol__strdup(cpol__record_text_or_empty(r, CASE_AREA_PATH));
    k->address = cpol__strdup(cpol__record_text_or_empty(r, CASE_ADDRESS));
    return k->path && k->address ? CPOL_OK : cpol__oom();
}

static int load_cases(cpol_ctx *ctx, cases_args *a)
{
    const cpol_case_metrics_query *q = a->s->q;
    cpol_query *query = NULL;
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    size_t cap = 0;
    int rc = cpol__case_area_query(ctx, q->area, reach_back(a->s), q->to, &query);
    if (rc >= 0 && q->category)
        rc = cpol__query_where_int(query, CASE_CATEGORY, CPOL_OP_EQ, q->category);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_case, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, query, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK)
        rc = take_case(a, r, &cap);
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(query);
    if (rc == CPOL_DONE)
        rc = CPOL_OK;
    if (rc >= 0 && a->n > 1)
        qsort(a->cases, a->n, sizeof a->cases[0], by_id);
    return rc;
}

static int load_referrals(cpol_ctx *ctx, cases_args *a)
{
    cpol_query *q = NULL;
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    size_t cap = 0;
    int rc = cpol__query_new(&cpol__table_case_referral, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, REFERRAL_STATION, CPOL_OP_EQ, &a->s->station);
    if (rc >= 0)
        rc = cpol__query_where_range(q, REFERRAL_REFERRED_AT, reach_back(a->s), 0);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_case_referral, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK) {
        mreferral *f = cpol__case_grow(a->refs, &cap, a->nrefs, sizeof *a->refs);
        if (!f) {
            rc = cpol__oom();
            break;
        }
        a->refs = f;
        f = &a->refs[a->nrefs++];
        cpol__record_get_id(r, REFERRAL_ID, &f->id);
        f->referred = cpol__record_int(r, REFERRAL_REFERRED_AT);
        f->deadline = cpol__record_int(r, REFERRAL_DEADLINE);
    }
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(q);
    if (rc == CPOL_DONE)
        rc = CPOL_OK;
    if (rc >= 0 && a->nrefs > 1)
        qsort(a->refs, a->nrefs, sizeof a->refs[0], by_id);
    return rc;
}

/* ---- folding the events ---- */

static void earliest(cpol_time *slot, cpol_time t)
{
    if (!*slot || t < *slot)
        *slot = t;
}

static void fold_arrival(facts *f, const cpol_record *e, cpol_time at)
{
    int role = (int)cpol__record_int(e, EVENT_SUBJECT_ROLE);
    earliest(&f->arrived, at);
    if (role < 1 || role > CPOL__ROLE_MAX)
        return; /* recorded before schema 5: counts for "anyone" only */
    earliest(&f->by_role[role], at);
    f->volunteer_on_scene |= !cpol_role_is_staff(role);
}

/* A referral of a measured case: made, answered, answered on time. */
static void fold_referral(cases_args *a, const mcase *k, const cpol_record *e, cpol_time at, int reply)
{
    const mreferral *ref;
    cpol_id id;
    int rc;
    if (!k->cohort || !k->f.recorded || a->rc < 0)
        return;
    if (!reply) {
        a->m->counts[CPOL_METRIC_REFERRALS]++;
        return;
    }
    if (!cpol__record_get_id(e, EVENT_SUBJECT, &id) ||
        !(ref = bsearch(&id, a->refs, a->nrefs, sizeof *a->refs, by_id)))
        return; /* a reply without its referral row: counted as made, not as answered */
    a->m->counts[CPOL_METRIC_REFERRALS_ANSWERED]++;
    a->m->counts[CPOL_METRIC_REFERRALS_ON_TIME] += at <= ref->deadline;
    rc = cpol__durations_push(&a->stage[CPOL_STAGE_REFERRAL], at - ref->referred);
    if (rc < 0)
        a->rc = rc;
}

static void fold(cases_args *a, mcase *k, const cpol_record *e)
{
    facts *f = &k->f;
    int step = (int)cpol__record_int(e, EVENT_STEP), to = (int)cpol__record_int(e, EVENT_TO);
    cpol_time at = cpol__record_int(e, EVENT_AT);
    f->state = to;
    f->grade = (int)cpol__record_int(e, EVENT_RISK_GRADE);
    switch (step) {
    case CPOL_STEP_REPORT: f->recorded = 1; break;
    case CPOL_STEP_VERIFY:
        f->verified = 1;
        earliest(&f->screened, at);
        break;
    case CPOL_STEP_REJECT:
        earliest(&f->screened, at);
        f->reject_reason = (int)cpol__record_int(e, EVENT_OUTCOME);
        break;
    case CPOL_STEP_ESCALATE: f->escalations++; break;
    case CPOL_STEP_ARRIVE: fold_arrival(f, e, at); break;
    case CPOL_STEP_REFER: fold_referral(a, k, e, at, 0); break;
    case CPOL_STEP_REFERRAL_REPLY: fold_referral(a, k, e, at, 1); break;
    case CPOL_STEP_FOLLOWUP:
        f->visited = 1;
        earliest(&f->visit, at);
        f->satisfaction = (int)cpol__record_int(e, EVENT_SATISFACTION);
        break;
    case CPOL_STEP_REOPEN:
    case CPOL_STEP_SPOT_REOPEN: f->reopened = 1; break;
    default: break;
    }
    if (to == CPOL_CASE_RESOLVED && (step == CPOL_STEP_RESOLVE || step == CPOL_STEP_REFERRAL_REPLY)) {
        earliest(&f->resolved, at);
        f->outcome = (int)cpol__record_int(e, EVENT_OUTCOME);
        f->resolved_tier = (int)cpol__record_int(e, EVENT_TIER);
    }
}

/* The station's events since the reach-back time, recorded by the as-of
 * time, in recorded (id) order: one read for all the cases. */
static int fold_events(cpol_ctx *ctx, cases_args *a)
{
    cpol_query *q = NULL;
    cpol_cursor *c = NULL;
    cpol_record *e = NULL;
    int rc = cpol__query_new(&cpol__table_case_event, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, EVENT_STATION, CPOL_OP_EQ, &a->s->station);
    if (rc >= 0 && reach_back(a->s))
        rc = cpol__query_where_int(q, EVENT_AT, CPOL_OP_GE, reach_back(a->s));
    if (rc >= 0)
        rc = cpol__query_where_int(q, EVENT_RECORDED_AT, CPOL_OP_LE, a->s->as_of);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_case_event, &e);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    while (rc >= 0 && a->rc >= 0 && (rc = cpol__cursor_next(c, e)) == CPOL_OK) {
        cpol_id case_id;
        mcase *k;
        cpol__record_get_id(e, EVENT_CASE, &case_id);
        k = a->n ? bsearch(&case_id, a->cases, a->n, sizeof *a->cases, by_id) : NULL;
        if (k)
            fold(a, k, e);
    }
    cpol__cursor_close(c);
    cpol__record_free(e);
    cpol__query_free(q);
    if (rc == CPOL_DONE)
        rc = CPOL_OK;
    return rc < 0 ? rc : a->rc;
}

/* ---- counting ---- */

static int after_resolution(int state)
{
    return state >= CPOL_CASE_RESOLVED && state <= CPOL_CASE_CLOSED;
}

static int volunteer_source(int source)
{
    return source == CPOL_CASE_SOURCE_PROPERTY_ALERT || source == CPOL_CASE_SOURCE_VOLUNTEER_PATROL ||
           source == CPOL_CASE_SOURCE_INFORMANT_TIP || source == CPOL_CASE_SOURCE_GRID_WORKER;
}

static void count_facts(int64_t *n, const mcase *k)
{
    const facts *f = &k->f;
    int resolved = after_resolution(f->state) && cpol__case_outcome_success(f->outcome);
    int cls = cpol_case_category_class(k->category), lead = volunteer_source(k->source);
    n[CPOL_METRIC_RECEIVED]++;
    if (cls)
        n[CPOL_METRIC_CRIMINAL + cls - 1]++;
    n[CPOL_METRIC_SCREENED] += f->verified;
    n[CPOL_METRIC_REJECTED] += f->state == CPOL_CASE_REJECTED;
    n[CPOL_METRIC_DUPLICATES] += f->state == CPOL_CASE_REJECTED && f->reject_reason == CPOL_REJECT_DUPLICATE;
    n[CPOL_METRIC_RESOLVED] += resolved;
    n[CPOL_METRIC_UNRESOLVED] += after_resolution(f->state) && f->outcome == CPOL_OUTCOME_UNRESOLVED;
    n[CPOL_METRIC_ON_THE_SPOT] += resolved && f->resolved_tier == CPOL_TIER_ON_THE_SPOT;
    n[CPOL_METRIC_CLOSED] += f->state == CPOL_CASE_CLOSED;
    n[CPOL_METRIC_REOPENED] += f->reopened;
    n[CPOL_METRIC_FOLLOWED_UP] += f->visited;
    n[CPOL_METRIC_SATISFIED] += f->visited && f->satisfaction >= 4;
    n[CPOL_METRIC_SATISFACTION_SUM] += f->visited ? f->satisfaction : 0;
    n[CPOL_METRIC_ESCALATIONS] += f->escalations;
    n[CPOL_METRIC_HAZARDS_RECTIFIED] += cls == CPOL_CLASS_HAZARD && after_resolution(f->state) &&
                                        f->outcome == CPOL_OUTCOME_RECTIFIED;
    n[CPOL_METRIC_VOLUNTEER_LEADS] += lead;
    n[CPOL_METRIC_VOLUNTEER_ON_SCENE] += f->volunteer_on_scene;
    n[CPOL_METRIC_VOLUNTEER_SOLVED] += cls == CPOL_CLASS_CRIMINAL && resolved && (lead || f->volunteer_on_scene);
    n[CPOL_METRIC_OPINIONS] += k->source == CPOL_CASE_SOURCE_RESIDENT_COMPLAINT && f->verified;
}

/* Late (done after the deadline) or overdue (not done, still due, past it). */
static int breached(cpol_time done, cpol_time start, int64_t limit, int still_due, cpol_time now)
{
    return done ? done > start + limit : still_due && now > start + limit;
}

static void count_overdue(cases_args *a, const mcase *k)
{
    const facts *f = &k->f;
    const int64_t *limit = a->limits[f->grade >= 0 && f->grade <= CPOL_RISK_HIGH ? f->grade : 0];
    cpol_time now = a->s->as_of;
    int open = f->state <= CPOL_CASE_HANDLING;
    int64_t *n = a->m->counts;
    n[CPOL_METRIC_OVERDUE_SCREENING] += breached(f->screened, k->reported, limit[CPOL_STAGE_SCREENING],
                                                 f->state == CPOL_CASE_REPORTED, now);
    n[CPOL_METRIC_OVERDUE_ARRIVAL] += breached(f->arrived, k->reported, limit[CPOL_STAGE_ARRIVAL], open, now);
    n[CPOL_METRIC_OVERDUE_RESOLUTION] += breached(f->resolved, k->reported, limit[CPOL_STAGE_RESOLUTION], open, now);
    n[CPOL_METRIC_OVERDUE_FOLLOWUP] +=
        f->resolved && breached(f->visit, f->resolved, limit[CPOL_STAGE_FOLLOWUP],
                                f->state == CPOL_CASE_RESOLVED || f->state == CPOL_CASE_FED_BACK, now);
}

static int record_durations(cases_args *a, const mcase *k)
{
    const facts *f = &k->f;
    cpol_time police = 0;
    int role, rc = CPOL_OK;
    if (f->screened)
        rc = cpol__durations_push(&a->stage[CPOL_STAGE_SCREENING], f->screened - k->reported);
    if (rc >= 0 && f->arrived)
        rc = cpol__durations_push(&a->stage[CPOL_STAGE_ARRIVAL], f->arrived - k->reported);
    if (rc >= 0 && f->resolved)
        rc = cpol__durations_push(&a->stage[CPOL_STAGE_RESOLUTION], f->resolved - k->reported);
    if (rc >= 0 && f->resolved && f->visit)
        rc = cpol__durations_push(&a->stage[CPOL_STAGE_FOLLOWUP], f->visit - f->resolved);
    for (role = 1; rc >= 0 && role <= CPOL__ROLE_MAX; role++) {
        if (!f->by_role[role])
            continue;
        rc = cpol__durations_push(&a->role[role], f->by_role[role] - k->reported);
        if (cpol__police_role(role))
            earliest(&police, f->by_role[role]);
    }
    if (rc >= 0 && police)
        rc = cpol__durations_push(&a->police, police - k->reported);
    return rc;
}

/* ---- repeat calls: one pass over the cases sorted by place ---- */

static int by_place(const void *pa, const void *pb)
{
    const mcase *x = *(const mcase *const *)pa, *y = *(const mcase *const *)pb;
    int c = strcmp(x->path, y->path);
    if (!c)
        c = strcmp(x->address, y->address);
    if (!c && x->category != y->category)
        c = x->category < y->category ? -1 : 1;
    if (!c && x->reported != y->reported)
        c = x->reported < y->reported ? -1 : 1;
    return c ? c : cpol_id_compare(&x->id, &y->id);
}

static int same_place(const mcase *x, const mcase *y)
{
    return x->category == y->category && strcmp(x->path, y->path) == 0 && strcmp(x->address, y->address) == 0;
}

/* A repeat call: an earlier case (reported within the window before it, or
 * at the same time but recorded first) of the same category at the same
 * area and address, itself recorded by the as-of time. */
static int count_repeats(cases_args *a)
{
    mcase **order;
    size_t i, j;
    if (!a->n)
        return CPOL_OK;
    order = cpol_malloc(a->n * sizeof *order);
    if (!order)
        return cpol__oom();
    for (i = 0; i < a->n; i++)
        order[i] = &a->cases[i];
    qsort(order, a->n, sizeof *order, by_place);
    for (i = 1; i < a->n; i++) {
        const mcase *k = order[i];
        if (!k->cohort || !k->f.recorded)
            continue;
        for (j = i; j-- > 0;) {
            const mcase *e = order[j];
            if (!same_place(e, k) || e->reported < k->reported - a->s->window)
                break;
            if (e->f.recorded) {
                a->m->counts[CPOL_METRIC_REPEAT_CALLS]++;
                break;
            }
        }
    }
    cpol_free(order);
    return CPOL_OK;
}

/* ---- the whole ---- */

static int load_limits(cpol_ctx *ctx, cases_args *a)
{
    int grade, stage, rc = CPOL_OK;
    for (grade = 0; rc >= 0 && grade <= CPOL_RISK_HIGH; grade++)
        for (stage = CPOL_STAGE_SCREENING; rc >= 0 && stage <= CPOL_STAGE_FOLLOWUP; stage++)
            rc = cpol__case_deadline(ctx, &a->s->station, grade, stage, &a->limits[grade][stage]);
    return rc;
}

static int measure(cpol_ctx *ctx, cases_args *a)
{
    size_t i;
    int rc = load_limits(ctx, a);
    if (rc >= 0)
        rc = load_cases(ctx, a);
    if (rc >= 0)
        rc = load_referrals(ctx, a);
    if (rc >= 0)
        rc = fold_events(ctx, a);
    for (i = 0; rc >= 0 && i < a->n; i++) {
        const mcase *k = &a->cases[i];
        if (!k->cohort || !k->f.recorded)
            continue;
        count_facts(a->m->counts, k);
        count_overdue(a, k);
        rc = record_durations(a, k);
    }
    if (rc >= 0)
        rc = count_repeats(a);
    return rc;
}

int cpol__metrics_cases(cpol_ctx *ctx, const cpol__metrics_scope *s, cpol_case_metrics *m)
{
    cases_args a;
    size_t i;
    int r, rc;
    memset(&a, 0, sizeof a);
    a.s = s;
    a.m = m;
    rc = measure(ctx, &a);
    for (i = 1; i <= CPOL__STAGE_MAX; i++) {
        if (rc >= 0)
            cpol__durations_stats(&a.stage[i], &m->stage[i]);
        cpol_free(a.stage[i].v);
    }
    for (r = 1; r <= CPOL__ROLE_MAX; r++) {
        if (rc >= 0)
            cpol__durations_stats(&a.role[r], &m->arrival[r]);
        cpol_free(a.role[r].v);
    }
    if (rc >= 0)
        cpol__durations_stats(&a.police, &m->police);
    cpol_free(a.police.v);
    for (i = 0; i < a.n; i++) {
        cpol_free(a.cases[i].path);
        cpol_free(a.cases[i].address);
    }
    cpol_free(a.cases);
    cpol_free(a.refs);
    return rc;
}
