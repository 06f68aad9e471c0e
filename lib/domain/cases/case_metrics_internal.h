/* What the metrics files share:
 *
 *   case_metrics.c        the public calls: checking the query, reading the
 *                         figures, changes between two computations, the
 *                         earlier periods (环比, 同比)
 *   case_metrics_cases.c  the cases' figures: the cases of the area read
 *                         once, the station's events since the period read
 *                         once, each case's facts folded from its events
 *                         as of the query's time; repeat calls in one pass
 *                         over the cases sorted by place
 *   case_metrics_teams.c  what the teams did, from the shifts of the area:
 *                         officer hours in the community, publicity reach
 *
 * Every figure costs a constant number of queries plus a sort, whatever the
 * number of cases (issue 13: no per-case query). */
#ifndef CPOL_DOMAIN_CASE_METRICS_INTERNAL_H
#define CPOL_DOMAIN_CASE_METRICS_INTERNAL_H

#include <commpolice/case_metrics.h>

#include "store/context.h"

#define CPOL__METRIC_MAX CPOL_METRIC_PUBLICITY_PARTICIPANTS
#define CPOL__STAGE_MAX CPOL_STAGE_REFERRAL
#define CPOL__ROLE_MAX CPOL_ROLE_ANALYST

/* Order statistics of one set of durations. */
typedef struct cpol__order_stats {
    int64_t n, median, p90;
} cpol__order_stats;

struct cpol_case_metrics {
    int64_t counts[CPOL__METRIC_MAX + 1];
    cpol__order_stats stage[CPOL__STAGE_MAX + 1];
    cpol__order_stats arrival[CPOL__ROLE_MAX + 1]; /* index: the role; 0 unused (stage[ARRIVAL]) */
    cpol__order_stats police;                      /* officer or leader */
    cpol_time from, to, as_of;                     /* the period measured and its as-of time */
};

/* A growable array of durations (ms). */
typedef struct cpol__durations {
    int64_t *v;
    size_t n, cap;
} cpol__durations;

int cpol__durations_push(cpol__durations *d, int64_t v);
/* Sort and reduce (frees nothing). */
void cpol__durations_stats(cpol__durations *d, cpol__order_stats *out);

/* The query as the figures see it (checked, defaults filled in). */
typedef struct cpol__metrics_scope {
    const cpol_case_metrics_query *q;
    cpol_id station;     /* of the area */
    cpol_time as_of;     /* the query's, or now */
    int64_t window;      /* the repeat window */
} cpol__metrics_scope;

/* The cases' figures (case_metrics_cases.c). */
int cpol__metrics_cases(cpol_ctx *ctx, const cpol__metrics_scope *s, cpol_case_metrics *m);
/* The teams' figures (case_metrics_teams.c). */
int cpol__metrics_teams(cpol_ctx *ctx, const cpol__metrics_scope *s, cpol_case_metrics *m);

/* 1 if the role is a police officer's for CPOL_ARRIVAL_POLICE and officer hours. */
int cpol__police_role(int role);

#endif
