/* Metrics: the public calls. The figures themselves come from
 * case_metrics_cases.c (the cases and their events) and
 * case_metrics_teams.c (shifts); here the query is checked, the figures are
 * read, two computations are compared, and the earlier periods of a
 * comparison (环比, 同比) are worked out on the station's calendar. */
#define _DEFAULT_SOURCE /* timegm, gmtime_r */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <commpolice/case_metrics.h>

#include "util/versioned.h"
#include "util/alloc.h"
#include "domain/cases/case_tables.h"
#include "domain/cases/case_metrics_internal.h"
#include "domain/base/domain.h"
#include "domain/base/snapshot.h"
#include "domain/teams/team_tables.h"

#define DEFAULT_REPEAT_WINDOW_MS (30LL * 24 * 3600 * 1000)
#define MAX_OFFSET_MINUTES 840 /* UTC-14:00 to UTC+14:00 */
#define WEEK_MS (7LL * 24 * 3600 * 1000)

/* ---- durations (shared with case_metrics_cases.c) ---- */

int cpol__durations_push(cpol__durations *d, int64_t v)
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
void cpol__durations_stats(cpol__durations *d, cpol__order_stats *out)
{
    out->n = (int64_t)d->n;
    out->median = out->p90 = 0;
    if (!d->n)
        return;
    qsort(d->v, d->n, sizeof d->v[0], by_value);
    out->median = d->n % 2 ? d->v[d->n / 2] : (d->v[d->n / 2 - 1] + d->v[d->n / 2]) / 2;
    out->p90 = d->v[(9 * d->n + 9) / 10 - 1];
}

int cpol__police_role(int role)
{
    return role == CPOL_ROLE_OFFICER || role == CPOL_ROLE_LEADER;
}

/* ---- classes ---- */

int cpol_case_category_class(int category)
{
    switch (category) {
    case CPOL_CASE_NEIGHBOUR:
    case CPOL_CASE_FAMILY:
    case CPOL_CASE_PROPERTY:
    case CPOL_CASE_COMMERCIAL: return CPOL_CLASS_DISPUTE;
    case CPOL_CASE_HAZARD: return CPOL_CLASS_HAZARD;
    case CPOL_CASE_THEFT_FRAUD: return CPOL_CLASS_CRIMINAL;
    case CPOL_CASE_PUBLIC_ORDER: return CPOL_CLASS_PUBLIC_ORDER;
    case CPOL_CASE_NON_POLICE: return CPOL_CLASS_HELP;
    default: return 0;
    }
}

const char *cpol_case_class_name(int case_class)
{
    static const char *const names[] = {"unknown", "criminal", "public order", "dispute", "hazard", "help"};
    return case_class >= CPOL_CLASS_CRIMINAL && case_class <= CPOL_CLASS_HELP ? names[case_class] : names[0];
}

/* ---- periods ---- */

static int check_offset(const char *func, int32_t offset)
{
    if (offset < -MAX_OFFSET_MINUTES || offset > MAX_OFFSET_MINUTES)
        return cpol__error(CPOL_EINVALID, "%s: a UTC offset of %d minutes is beyond ±14 hours", func, (int)offset);
    return CPOL_OK;
}

/* The same local date and time one calendar year earlier (29 February:
 * 28 February), on the calendar of `offset` minutes east of UTC. */
static int year_earlier(cpol_time t, int32_t offset, cpol_time *out)
{
    int64_t local = t + (int64_t)offset * 60000;
    int64_t ms = ((local % 1000) + 1000) % 1000;
    time_t secs = (time_t)((local - ms) / 1000), back;
    struct tm tm;
    if (!gmtime_r(&secs, &tm))
        return cpol__error(CPOL_EINVALID, "cpol_case_period_earlier: time %lld is out of range", (long long)t);
    tm.tm_year -= 1;
    if (tm.tm_mon == 1 && tm.tm_mday == 29)
        tm.tm_mday = 28;
    back = timegm(&tm);
    *out = (cpol_time)back * 1000 + ms - (int64_t)offset * 60000;
    return CPOL_OK;
}

int cpol_case_period_earlier(cpol_time from, cpol_time to, int period, int32_t utc_offset_minutes,
                             cpol_time *from_out, cpol_time *to_out)
{
    static const char func[] = "cpol_case_period_earlier";
    int rc;
    if (!from_out || !to_out)
        return cpol__null_arg(func, !from_out ? "from_out" : "to_out");
    *from_out = *to_out = 0;
    if (from <= 0 || to <= from)
        return cpol__error(CPOL_EINVALID, "%s: a comparison needs a bounded period, from %lld before to %lld", func,
                           (long long)from, (long long)to);
    if (period != CPOL_PERIOD_PREVIOUS && period != CPOL_PERIOD_YEAR_EARLIER)
        return cpol__error(CPOL_EINVALID, "%s: %d is not a period", func, period);
    rc = check_offset(func, utc_offset_minutes);
    if (rc < 0)
        return rc;
    if (period == CPOL_PERIOD_PREVIOUS) {
        *from_out = from - (to - from);
        *to_out = from;
    } else {
        rc = year_earlier(from, utc_offset_minutes, from_out);
        if (rc >= 0)
            rc = year_earlier(to, utc_offset_minutes, to_out);
        if (rc < 0)
            return rc;
    }
    if (*from_out <= 0) {
        *from_out = *to_out = 0;
        return cpol__error(CPOL_EINVALID, "%s: the earlier period would begin before 1970", func);
    }
    return CPOL_OK;
}

/* ---- computing ---- */

/* q: the caller's query, already taken by its version (versioned.h). */
static int check_query(const cpol_case_metrics_query *q)
{
    static const char func[] = "cpol_case_metrics_compute";
    if (!q->area)
        return cpol__null_arg(func, "query->area");
    if (q->category < 0 || q->category > CPOL_CASE_NON_POLICE)
        return cpol__error(CPOL_EINVALID, "%s: %d is not a case category", func, (int)q->category);
    if (q->case_class < 0 || q->case_class > CPOL_CLASS_HELP)
        return cpol__error(CPOL_EINVALID, "%s: %d is not a case class", func, (int)q->case_class);
    if (q->repeat_window_ms < 0)
        return cpol__error(CPOL_EINVALID, "%s: the repeat window %lld ms is negative", func,
                           (long long)q->repeat_window_ms);
    if (q->as_of < 0)
        return cpol__error(CPOL_EINVALID, "%s: the as-of time %lld is negative", func, (long long)q->as_of);
    if (check_offset(func, q->utc_offset_minutes) < 0)
        return CPOL_EINVALID;
    return cpol__check_time_range(func, q->from, q->to);
}

static int take_query(const cpol_case_metrics_query *in, cpol_case_metrics_query *q)
{
    static const cpol_case_metrics_query defaults = CPOL_CASE_METRICS_QUERY_INIT;
    static const size_t sizes[] = {0, offsetof(cpol_case_metrics_query, as_of), sizeof(cpol_case_metrics_query)};
    int rc;
    *q = defaults;
    rc = cpol__take_versioned(q, in, sizes, CPOL_CASE_METRICS_QUERY_VERSION, "cpol_case_metrics_compute", "query");
    return rc < 0 ? rc : check_query(q);
}

static int authorize(cpol_ctx *ctx, const cpol_actor *as, const cpol_case_metrics_query *q, cpol_id *station)
{
    int rc = cpol__case_area_scope(ctx, as, q->area, "case metrics", station);
    if (rc >= 0 && q->team) {
        cpol_record *t;
        rc = cpol__load(ctx, &cpol__table_team, q->team, "team", &t);
        cpol__record_free(t);
    }
    return rc;
}

/* q: checked. */
static int compute(cpol_ctx *ctx, const cpol_actor *as, const cpol_case_metrics_query *q, cpol_case_metrics **out)
{
    cpol__metrics_scope s;
    cpol_case_metrics *m;
    int rc;
    memset(&s, 0, sizeof s);
    s.q = q;
    s.as_of = q->as_of ? q->as_of : cpol_ctx_now(ctx);
    s.window = q->repeat_window_ms ? q->repeat_window_ms : DEFAULT_REPEAT_WINDOW_MS;
    m = cpol__calloc(1, sizeof *m);
    if (!m)
        return cpol__oom();
    m->from = q->from;
    m->to = q->to;
    m->as_of = s.as_of;
    rc = authorize(ctx, as, q, &s.station);
    if (rc >= 0)
        rc = cpol__metrics_cases(ctx, &s, m);
    if (rc >= 0)
        rc = cpol__metrics_teams(ctx, &s, m);
    if (rc < 0) {
        cpol_free(m);
        return rc;
    }
    *out = m;
    return CPOL_OK;
}

int cpol_case_metrics_compute(cpol_ctx *ctx, const cpol_actor *as, const cpol_case_metrics_query *query,
                              cpol_case_metrics **out)
{
    cpol_case_metrics_query q;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !query || !out)
        return cpol__null_arg("cpol_case_metrics_compute", !ctx ? "ctx" : !as ? "as" : !query ? "query" : "out");
    rc = take_query(query, &q);
    return rc < 0 ? rc : compute(ctx, as, &q, out);
}

int cpol_case_metrics_compute_earlier(cpol_ctx *ctx, const cpol_actor *as, const cpol_case_metrics_query *query,
                                      int period, cpol_case_metrics **out)
{
    static const char func[] = "cpol_case_metrics_compute_earlier";
    cpol_case_metrics_query q;
    cpol_time as_of, ignored;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !query || !out)
        return cpol__null_arg(func, !ctx ? "ctx" : !as ? "as" : !query ? "query" : "out");
    rc = take_query(query, &q);
    if (rc >= 0 && (!q.from || !q.to))
        rc = cpol__error(CPOL_EINVALID, "%s: a comparison needs a query with both from and to", func);
    if (rc < 0)
        return rc;
    as_of = q.as_of ? q.as_of : cpol_ctx_now(ctx);
    /* the as-of time moves back with the period, by the same calendar */
    if (period == CPOL_PERIOD_PREVIOUS) {
        as_of -= q.to - q.from;
    } else if (as_of > 0) {
        rc = cpol_case_period_earlier(as_of, as_of + 1, period, q.utc_offset_minutes, &as_of, &ignored);
    }
    if (rc >= 0)
        rc = cpol_case_period_earlier(q.from, q.to, period, q.utc_offset_minutes, &q.from, &q.to);
    if (rc < 0)
        return rc;
    q.as_of = as_of > 0 ? as_of : 1;
    return compute(ctx, as, &q, out);
}

void cpol_case_metrics_free(cpol_case_metrics *m)
{
    cpol_free(m);
}

/* ---- reading ---- */

int64_t cpol_case_metrics_count(const cpol_case_metrics *m, int metric)
{
    return m && metric >= 1 && metric <= CPOL__METRIC_MAX ? m->counts[metric] : 0;
}

static double ratio(int64_t num, int64_t den)
{
    return den ? (double)num / (double)den : 0.0;
}

/* Officer hours per week per officer over [from, to) (to: the as-of time when open). */
static double hours_per_week(const cpol_case_metrics *m)
{
    cpol_time to = m->to ? m->to : m->as_of;
    double weeks;
    if (!m->from || to <= m->from || !m->counts[CPOL_METRIC_OFFICERS])
        return 0.0;
    weeks = (double)(to - m->from) / (double)WEEK_MS;
    return (double)m->counts[CPOL_METRIC_OFFICER_MINUTES] / 60.0 / (double)m->counts[CPOL_METRIC_OFFICERS] / weeks;
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
    case CPOL_RATE_HAZARDS_RECTIFIED: return ratio(n[CPOL_METRIC_HAZARDS_RECTIFIED], n[CPOL_METRIC_HAZARDS]);
    case CPOL_RATE_OFFICER_HOURS_PER_WEEK: return hours_per_week(m);
    default: return 0.0;
    }
}

static void put_stats(const cpol__order_stats *s, int64_t *count_out, int64_t *median_ms_out, int64_t *p90_ms_out)
{
    if (count_out)
        *count_out = s->n;
    if (median_ms_out)
        *median_ms_out = s->median;
    if (p90_ms_out)
        *p90_ms_out = s->p90;
}

int cpol_case_metrics_response(const cpol_case_metrics *m, int stage, int64_t *count_out, int64_t *median_ms_out,
                               int64_t *p90_ms_out)
{
    if (!m)
        return cpol__null_arg("cpol_case_metrics_response", "m");
    if (stage < CPOL_STAGE_SCREENING || stage > CPOL__STAGE_MAX)
        return cpol__error(CPOL_EINVALID, "cpol_case_metrics_response: %d is not a stage", stage);
    put_stats(&m->stage[stage], count_out, median_ms_out, p90_ms_out);
    return CPOL_OK;
}

int cpol_case_metrics_arrival(const cpol_case_metrics *m, int who, int64_t *count_out, int64_t *median_ms_out,
                              int64_t *p90_ms_out)
{
    static const char func[] = "cpol_case_metrics_arrival";
    if (!m)
        return cpol__null_arg(func, "m");
    if (who == CPOL_ROLE_INFORMANT)
        return cpol__error(CPOL_EINVALID, "%s: arrivals of security informants are not a figure: who tipped is "
                                          "protected (they count in CPOL_ARRIVAL_ANYONE)", func);
    if (who == CPOL_ARRIVAL_ANYONE)
        put_stats(&m->stage[CPOL_STAGE_ARRIVAL], count_out, median_ms_out, p90_ms_out);
    else if (who == CPOL_ARRIVAL_POLICE)
        put_stats(&m->police, count_out, median_ms_out, p90_ms_out);
    else if (who >= 1 && who <= CPOL__ROLE_MAX)
        put_stats(&m->arrival[who], count_out, median_ms_out, p90_ms_out);
    else
        return cpol__error(CPOL_EINVALID, "%s: %d is neither a role nor CPOL_ARRIVAL_ANYONE or CPOL_ARRIVAL_POLICE",
                           func, who);
    return CPOL_OK;
}

/* ---- change ---- */

static double relative(double now, double before)
{
    return before != 0.0 ? (now - before) / before : NAN;
}

int cpol_case_metrics_count_change(const cpol_case_metrics *now, const cpol_case_metrics *before, int metric,
                                   int64_t *delta_out, double *relative_out)
{
    static const char func[] = "cpol_case_metrics_count_change";
    int64_t a, b;
    if (!now || !before)
        return cpol__null_arg(func, !now ? "now" : "before");
    if (metric < 1 || metric > CPOL__METRIC_MAX)
        return cpol__error(CPOL_EINVALID, "%s: %d is not a metric", func, metric);
    a = now->counts[metric];
    b = before->counts[metric];
    if (delta_out)
        *delta_out = a - b;
    if (relative_out)
        *relative_out = relative((double)a, (double)b);
    return CPOL_OK;
}

int cpol_case_metrics_rate_change(const cpol_case_metrics *now, const cpol_case_metrics *before, int rate,
                                  double *points_out, double *relative_out)
{
    static const char func[] = "cpol_case_metrics_rate_change";
    double a, b, unit;
    if (!now || !before)
        return cpol__null_arg(func, !now ? "now" : "before");
    if (rate < CPOL_RATE_CLOSURE || rate > CPOL_RATE_OFFICER_HOURS_PER_WEEK)
        return cpol__error(CPOL_EINVALID, "%s: %d is not a rate", func, rate);
    /* fractions change in percentage points; a score and hours in their own unit */
    unit = rate == CPOL_RATE_MEAN_SATISFACTION || rate == CPOL_RATE_OFFICER_HOURS_PER_WEEK ? 1.0 : 100.0;
    a = cpol_case_metrics_rate(now, rate);
    b = cpol_case_metrics_rate(before, rate);
    if (points_out)
        *points_out = (a - b) * unit;
    if (relative_out)
        *relative_out = relative(a, b);
    return CPOL_OK;
}
