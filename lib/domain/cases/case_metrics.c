/* Metrics from the stored events. Each case of the cohort (reported in the
 * period at the area) is replayed from its case_event rows into a few facts
 * (first screening, first arrival, first resolution, last outcome, last
 * visit, …); the counts, rates and response times are sums and order
 * statistics over those facts, so each can be recomputed by hand with SQL
 * over case_event (docs/cases.md gives the definitions). */
#include <stdlib.h>
#include <string.h>

#include <commpolice/case_metrics.h>

#include "util/versioned.h"
#include "util/alloc.h"
#include "domain/cases/case_tables.h"
#include "domain/base/domain.h"
#include "domain/base/snapshot.h"
#include "domain/base/tables.h"
#include "domain/teams/team_tables.h"

#define METRIC_MAX CPOL_METRIC_ESCALATIONS
#define STAGE_MAX CPOL_STAGE_REFERRAL
#define DEFAULT_REPEAT_WINDOW_MS (30LL * 24 * 3600 * 1000)

typedef struct durations {
    int64_t *v;
    size_t n, cap;
} durations;

struct cpol_case_metrics {
    int64_t counts[METRIC_MAX + 1];
    int64_t done[STAGE_MAX + 1], median[STAGE_MAX + 1], p90[STAGE_MAX + 1];
};

/* A cohort case as stored now. */
typedef struct mcase {
    cpol_id id, station;
    char *path, *address;
    int category, grade;
    cpol_time reported;
} mcase;

/* What a case's history says. 0 times: never happened. */
typedef struct facts {
    int state, verified, reopened, reject_reason, outcome, resolved_tier, satisfaction, visited;
    int64_t escalations;
    cpol_time screened, arrived, resolved, visit;
} facts;

typedef struct metrics_args {
    const cpol_actor *as;
    cpol_case_metrics_query q;
    cpol_id station;
    mcase *cases;
    size_t ncases;
    durations stage[STAGE_MAX + 1];
    cpol_case_metrics *m;
} metrics_args;

static int push_duration(durations *d, int64_t v)
{
    int64_t *grown = cpol__case_grow(d->v, &d->cap, d->n, sizeof *d->v);
    if (!grown)
        return cpol__oom();
    d->v = grown;
    d->v[d->n++] = v;
    return CPOL_OK;
}

static int by_value(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return a < b ? -1 : a > b;
}

/* Median: the middle value, or the mean of the middle two (rounded down);
 * p90: nearest rank, the ceil(0.9 n)-th smallest. */
static void order_statistics(durations *d, int64_t *n, int64_t *median, int64_t *p90)
{
    *n = (int64_t)d->n;
    *median = *p90 = 0;
    if (!d->n)
        return;
    qsort(d->v, d->n, sizeof d->v[0], by_value);
    *median = d->n % 2 ? d->v[d->n / 2] : (d->v[d->n / 2 - 1] + d->v[d->n / 2]) / 2;
    *p90 = d->v[(9 * d->n + 9) / 10 - 1];
}

/* ---- the cohort ---- */

static int load_cohort(cpol_ctx *ctx, metrics_args *a)
{
    cpol_query *q = NULL;
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    size_t cap = 0;
    int rc = cpol__case_area_query(ctx, a->q.area, a->q.from, a->q.to, &q);
    if (rc >= 0 && a->q.category)
        rc = cpol__query_where_int(q, CASE_CATEGORY, CPOL_OP_EQ, a->q.category);
    if (rc >= 0 && a->q.team)
        rc = cpol__query_where_id(q, CASE_TEAM, CPOL_OP_EQ, a->q.team);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_case, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK) {
        mcase *k = cpol__case_grow(a->cases, &cap, a->ncases, sizeof *a->cases);
        if (!k) {
            rc = cpol__oom();
            break;
        }
        a->cases = k;
        k = &a->cases[a->ncases++];
        memset(k, 0, sizeof *k);
        cpol__record_get_id(r, CASE_ID, &k->id);
        cpol__record_get_id(r, CASE_STATION, &k->station);
        k->category = (int)cpol__record_int(r, CASE_CATEGORY);
        k->grade = (int)cpol__record_int(r, CASE_RISK_GRADE);
        k->reported = cpol__record_int(r, CASE_REPORTED_AT);
        k->path = cpol__strdup(cpol__record_text_or_empty(r, CASE_AREA_PATH));
        k->address = cpol__strdup(cpol__record_text_or_empty(r, CASE_ADDRESS));
        if (!k->path || !k->address)
            rc = cpol__oom();
    }
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(q);
    return rc == CPOL_DONE ? CPOL_OK : rc;
}

/* ---- replaying one case's history ---- */

static void earliest(cpol_time *slot, cpol_time t)
{
    if (!*slot || t < *slot)
        *slot = t;
}

static void replay_event(const cpol_record *e, void *arg)
{
    facts *f = arg;
    int step = (int)cpol__record_int(e, EVENT_STEP), to = (int)cpol__record_int(e, EVENT_TO);
    cpol_time at = cpol__record_int(e, EVENT_AT);
    f->state = to;
    switch (step) {
    case CPOL_STEP_VERIFY:
        f->verified = 1;
        earliest(&f->screened, at);
        break;
    case CPOL_STEP_REJECT:
        earliest(&f->screened, at);
        f->reject_reason = (int)cpol__record_int(e, EVENT_OUTCOME);
        break;
    case CPOL_STEP_ESCALATE: f->escalations++; break;
    case CPOL_STEP_ARRIVE: earliest(&f->arrived, at); break;
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

static int replay(cpol_ctx *ctx, const cpol_id *case_id, facts *f)
{
    memset(f, 0, sizeof *f);
    return cpol__case_events_each(ctx, case_id, replay_event, f);
}

/* ---- counting ---- */

static int after_resolution(int state)
{
    return state >= CPOL_CASE_RESOLVED && state <= CPOL_CASE_CLOSED;
}

/* Late (done after the deadline) or overdue (not done, still due, past it). */
static int breached(cpol_time done, cpol_time start, int64_t limit, int still_due, cpol_time now)
{
    return done ? done > start + limit : still_due && now > start + limit;
}

static int count_overdue(cpol_ctx *ctx, metrics_args *a, const mcase *k, const facts *f)
{
    static const int metric[] = {0, CPOL_METRIC_OVERDUE_SCREENING, CPOL_METRIC_OVERDUE_ARRIVAL,
                                 CPOL_METRIC_OVERDUE_RESOLUTION, CPOL_METRIC_OVERDUE_FOLLOWUP};
    cpol_time now = cpol_ctx_now(ctx);
    int open = f->state <= CPOL_CASE_HANDLING;
    int stage, rc = CPOL_OK;
    for (stage = CPOL_STAGE_SCREENING; rc >= 0 && stage <= CPOL_STAGE_FOLLOWUP; stage++) {
        int64_t limit;
        int late = 0;
        rc = cpol__case_deadline(ctx, &k->station, k->grade, stage, &limit);
        if (rc < 0)
            break;
        switch (stage) {
        case CPOL_STAGE_SCREENING:
            late = breached(f->screened, k->reported, limit, f->state == CPOL_CASE_REPORTED, now);
            break;
        case CPOL_STAGE_ARRIVAL: late = breached(f->arrived, k->reported, limit, open, now); break;
        case CPOL_STAGE_RESOLUTION: late = breached(f->resolved, k->reported, limit, open, now); break;
        default:
            late = f->resolved && breached(f->visit, f->resolved, limit,
                                           f->state == CPOL_CASE_RESOLVED || f->state == CPOL_CASE_FED_BACK, now);
            break;
        }
        a->m->counts[metric[stage]] += late;
    }
    return rc;
}

static int count_referrals(cpol_ctx *ctx, metrics_args *a, const mcase *k)
{
    cpol_query *q;
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    int rc = cpol__query_new(&cpol__table_case_referral, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, REFERRAL_CASE, CPOL_OP_EQ, &k->id);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_case_referral, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK) {
        cpol_time replied = cpol__record_int(r, REFERRAL_REPLIED_AT);
        a->m->counts[CPOL_METRIC_REFERRALS]++;
        if (!replied)
            continue;
        a->m->counts[CPOL_METRIC_REFERRALS_ANSWERED]++;
        a->m->counts[CPOL_METRIC_REFERRALS_ON_TIME] += replied <= cpol__record_int(r, REFERRAL_DEADLINE);
        rc = push_duration(&a->stage[CPOL_STAGE_REFERRAL], replied - cpol__record_int(r, REFERRAL_REFERRED_AT));
    }
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(q);
    return rc == CPOL_DONE ? CPOL_OK : rc;
}

/* A repeat call: an earlier case (reported within the window before it, or
 * at the same time but recorded first) of the same category at the same
 * area and address. */
static int is_repeat_call(cpol_ctx *ctx, const metrics_args *a, const mcase *k)
{
    cpol_query *q;
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    int64_t window = a->q.repeat_window_ms ? a->q.repeat_window_ms : DEFAULT_REPEAT_WINDOW_MS;
    int found = 0, rc = cpol__query_new(&cpol__table_case, &q);
    if (rc >= 0)
        rc = cpol__query_where_text(q, CASE_AREA_PATH, CPOL_OP_EQ, k->path, strlen(k->path));
    if (rc >= 0)
        rc = cpol__query_where_int(q, CASE_REPORTED_AT, CPOL_OP_GE, k->reported - window);
    if (rc >= 0)
        rc = cpol__query_where_int(q, CASE_REPORTED_AT, CPOL_OP_LE, k->reported);
    if (rc >= 0)
        rc = cpol__query_where_int(q, CASE_CATEGORY, CPOL_OP_EQ, k->category);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_case, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    while (rc >= 0 && !found && (rc = cpol__cursor_next(c, r)) == CPOL_OK) {
        cpol_id id;
        cpol__record_get_id(r, CASE_ID, &id);
        found = strcmp(cpol__record_text_or_empty(r, CASE_ADDRESS), k->address) == 0 &&
                (cpol__record_int(r, CASE_REPORTED_AT) < k->reported || cpol_id_compare(&id, &k->id) < 0);
    }
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(q);
    return rc < 0 && rc != CPOL_DONE ? rc : found;
}

static int record_durations(metrics_args *a, const mcase *k, const facts *f)
{
    int rc = CPOL_OK;
    if (f->screened)
        rc = push_duration(&a->stage[CPOL_STAGE_SCREENING], f->screened - k->reported);
    if (rc >= 0 && f->arrived)
        rc = push_duration(&a->stage[CPOL_STAGE_ARRIVAL], f->arrived - k->reported);
    if (rc >= 0 && f->resolved)
        rc = push_duration(&a->stage[CPOL_STAGE_RESOLUTION], f->resolved - k->reported);
    if (rc >= 0 && f->resolved && f->visit)
        rc = push_duration(&a->stage[CPOL_STAGE_FOLLOWUP], f->visit - f->resolved);
    return rc;
}

static void count_facts(int64_t *n, const facts *f)
{
    int resolved = after_resolution(f->state) && cpol__case_outcome_success(f->outcome);
    n[CPOL_METRIC_RECEIVED]++;
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
}

static int measure_case(cpol_ctx *ctx, metrics_args *a, const mcase *k)
{
    facts f;
    int rc = replay(ctx, &k->id, &f);
    if (rc < 0)
        return rc;
    count_facts(a->m->counts, &f);
    rc = record_durations(a, k, &f);
    if (rc >= 0)
        rc = count_overdue(ctx, a, k, &f);
    if (rc >= 0)
        rc = count_referrals(ctx, a, k);
    if (rc >= 0) {
        rc = is_repeat_call(ctx, a, k);
        if (rc > 0)
            a->m->counts[CPOL_METRIC_REPEAT_CALLS]++;
    }
    return rc < 0 ? rc : CPOL_OK;
}

/* ---- the public calls ---- */

/* q: the caller's query, already taken by its version (versioned.h). */
static int check_query(const cpol_case_metrics_query *q)
{
    static const char func[] = "cpol_case_metrics_compute";
    if (!q->area)
        return cpol__null_arg(func, "query->area");
    if (q->category < 0 || q->category > CPOL_CASE_NON_POLICE)
        return cpol__error(CPOL_EINVALID, "%s: %d is not a case category", func, (int)q->category);
    if (q->repeat_window_ms < 0)
        return cpol__error(CPOL_EINVALID, "%s: the repeat window %lld ms is negative", func,
                           (long long)q->repeat_window_ms);
    return cpol__check_time_range(func, q->from, q->to);
}

static int metrics_authorize(cpol_ctx *ctx, metrics_args *a)
{
    int rc = cpol__case_area_scope(ctx, a->as, a->q.area, "case metrics", &a->station);
    if (rc >= 0 && a->q.team) {
        cpol_record *t;
        rc = cpol__load(ctx, &cpol__table_team, a->q.team, "team", &t);
        cpol__record_free(t);
    }
    return rc;
}

int cpol_case_metrics_compute(cpol_ctx *ctx, const cpol_actor *as, const cpol_case_metrics_query *query,
                              cpol_case_metrics **out)
{
    static const char func_name[] = "cpol_case_metrics_compute";
    cpol_case_metrics_query taken;
    metrics_args a;
    size_t i;
    int s, rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !query || !out)
        return cpol__null_arg("cpol_case_metrics_compute", !ctx ? "ctx" : !as ? "as" : !query ? "query" : "out");
    {
        static const cpol_case_metrics_query defaults = CPOL_CASE_METRICS_QUERY_INIT;
        taken = defaults;
    }
    rc = cpol__take_versioned(&taken, query, CPOL__SIZES_V1(cpol_case_metrics_query), CPOL_CASE_METRICS_QUERY_VERSION, func_name, "query");
    if (rc >= 0)
        rc = check_query(&taken);
    if (rc < 0)
        return rc;
    memset(&a, 0, sizeof a);
    a.as = as;
    a.q = taken;
    a.m = cpol__calloc(1, sizeof *a.m);
    if (!a.m)
        return cpol__oom();
    rc = metrics_authorize(ctx, &a);
    if (rc >= 0)
        rc = load_cohort(ctx, &a);
    for (i = 0; rc >= 0 && i < a.ncases; i++)
        rc = measure_case(ctx, &a, &a.cases[i]);
    for (s = 1; s <= STAGE_MAX; s++) {
        if (rc >= 0)
            order_statistics(&a.stage[s], &a.m->done[s], &a.m->median[s], &a.m->p90[s]);
        cpol_free(a.stage[s].v);
    }
    for (i = 0; i < a.ncases; i++) {
        cpol_free(a.cases[i].path);
        cpol_free(a.cases[i].address);
    }
    cpol_free(a.cases);
    if (rc < 0) {
        cpol_free(a.m);
        return rc;
    }
    *out = a.m;
    return CPOL_OK;
}

void cpol_case_metrics_free(cpol_case_metrics *m)
{
    cpol_free(m);
}

int64_t cpol_case_metrics_count(const cpol_case_metrics *m, int metric)
{
    return m && metric >= 1 && metric <= METRIC_MAX ? m->counts[metric] : 0;
}

static double ratio(int64_t num, int64_t den)
{
    return den ? (double)num / (double)den : 0.0;
}

double cpol_case_metrics_rate(const cpol_case_metrics *m, int rate)
{
    const int64_t *n;
    if (!m)
        return 0.0;
    n = m->counts;
    switch (rate) {
    case CPOL_RATE_CLOSURE: return ratio(n[CPOL_METRIC_CLOSED], n[CPOL_METRIC_RECEIVED]);
    case CPOL_RATE_RESOLUTION: return ratio(n[CPOL_METRIC_RESOLVED], n[CPOL_METRIC_SCREENED]);
    case CPOL_RATE_ON_THE_SPOT: return ratio(n[CPOL_METRIC_ON_THE_SPOT], n[CPOL_METRIC_RESOLVED]);
    case CPOL_RATE_SATISFACTION: return ratio(n[CPOL_METRIC_SATISFIED], n[CPOL_METRIC_FOLLOWED_UP]);
    case CPOL_RATE_MEAN_SATISFACTION: return ratio(n[CPOL_METRIC_SATISFACTION_SUM], n[CPOL_METRIC_FOLLOWED_UP]);
    case CPOL_RATE_REFERRALS_ANSWERED: return ratio(n[CPOL_METRIC_REFERRALS_ANSWERED], n[CPOL_METRIC_REFERRALS]);
    case CPOL_RATE_REPEAT_CALLS: return ratio(n[CPOL_METRIC_REPEAT_CALLS], n[CPOL_METRIC_RECEIVED]);
    default: return 0.0;
    }
}

int cpol_case_metrics_response(const cpol_case_metrics *m, int stage, int64_t *count_out, int64_t *median_ms_out,
                               int64_t *p90_ms_out)
{
    if (!m)
        return cpol__null_arg("cpol_case_metrics_response", "m");
    if (stage < CPOL_STAGE_SCREENING || stage > STAGE_MAX)
        return cpol__error(CPOL_EINVALID, "cpol_case_metrics_response: %d is not a stage", stage);
    if (count_out)
        *count_out = m->done[stage];
    if (median_ms_out)
        *median_ms_out = m->median[stage];
    if (p90_ms_out)
        *p90_ms_out = m->p90[stage];
    return CPOL_OK;
}
