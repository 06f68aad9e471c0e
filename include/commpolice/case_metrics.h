/**
 * @file commpolice/case_metrics.h
 * @brief Case metrics computed from the stored events (办结率, 化解率, 满意度,
 *        到场时间, …) and the Open311 GeoReport v2 projection.
 *
 * **Metrics.** A metrics query takes the cases reported in a period at an
 * area (and optionally of a team and a category) and computes, from each
 * case's stored history as it stands at the context clock's time, the counts
 * of #cpol_case_metric_t, the rates of #cpol_case_rate_t and the response
 * times per #cpol_case_stage_t. The definitions (docs/cases.md) are chosen so
 * that every figure can be recomputed by hand from the case_event table; for
 * example 1,352 closed of 1,391 received is a closure rate of 97.2 %, and 438
 * successfully resolved of 440 screened a resolution rate of 99.5 %.
 *
 * **Open311.** cpol_case_open311_write() and cpol_case_open311_export() write
 * the cases of a filter as a GeoReport v2 JSON array of service requests:
 * service_request_id, status ("open", or "closed" for closed and rejected
 * cases), status_notes (state, outcome or rejection reason, tier),
 * service_code (cpol_case_category_code()), service_name, description,
 * agency_responsible (the department of an open or answered referral, else
 * the police station), requested_datetime, updated_datetime (the close time
 * for closed cases) and, for open assessed cases, expected_datetime (the
 * resolution deadline), all ISO 8601 in UTC; address, address_id (the area)
 * and lat/long when known. Reporters and parties are never exported.
 */
#ifndef COMMPOLICE_CASE_METRICS_H
#define COMMPOLICE_CASE_METRICS_H

#include "common.h"
#include "types.h"
#include "actor.h"
#include "case.h"

CPOL_BEGIN_DECL

/** Computed metrics (owned by the caller). */
typedef struct cpol_case_metrics cpol_case_metrics;

/** Counts a metrics computation yields (stable values); definitions in docs/cases.md. */
typedef enum cpol_case_metric_t {
    CPOL_METRIC_RECEIVED = 1,           /**< cases reported in the period (接报) */
    CPOL_METRIC_SCREENED = 2,           /**< of those, verified by screening at some point (排查核实) */
    CPOL_METRIC_REJECTED = 3,           /**< now rejected (duplicate or unfounded) */
    CPOL_METRIC_DUPLICATES = 4,         /**< now rejected as duplicates */
    CPOL_METRIC_RESOLVED = 5,           /**< now resolved or later with an outcome other than "unresolved" (化解) */
    CPOL_METRIC_UNRESOLVED = 6,         /**< now resolved or later with the outcome "unresolved" */
    CPOL_METRIC_ON_THE_SPOT = 7,        /**< resolved cases whose resolution was at the on-the-spot tier (就地化解) */
    CPOL_METRIC_CLOSED = 8,             /**< now closed (办结) */
    CPOL_METRIC_REOPENED = 9,           /**< reopened at least once */
    CPOL_METRIC_FOLLOWED_UP = 10,       /**< with at least one follow-up visit */
    CPOL_METRIC_SATISFIED = 11,         /**< whose last visit scored 4 or 5 */
    CPOL_METRIC_SATISFACTION_SUM = 12,  /**< sum of the last visits' scores */
    CPOL_METRIC_OVERDUE_SCREENING = 13, /**< screened late, or still unscreened past the deadline */
    CPOL_METRIC_OVERDUE_ARRIVAL = 14,   /**< first arrival late, or none yet past the deadline (open cases) */
    CPOL_METRIC_OVERDUE_RESOLUTION = 15, /**< first resolution late, or none yet past the deadline (open cases) */
    CPOL_METRIC_OVERDUE_FOLLOWUP = 16,  /**< first visit late, or none yet past the deadline (resolved cases) */
    CPOL_METRIC_REFERRALS = 17,         /**< referrals made for these cases (分流转办) */
    CPOL_METRIC_REFERRALS_ANSWERED = 18, /**< of those, answered by the department */
    CPOL_METRIC_REFERRALS_ON_TIME = 19, /**< of those, answered by their deadline */
    CPOL_METRIC_REPEAT_CALLS = 20,      /**< cases with an earlier case of the same category, area and address within the repeat window */
    CPOL_METRIC_ESCALATIONS = 21        /**< escalation steps taken for these cases (explicit and overdue) */
} cpol_case_metric_t;

/** Rates derived from the counts (stable values); each is 0 when its denominator is 0. */
typedef enum cpol_case_rate_t {
    CPOL_RATE_CLOSURE = 1,            /**< 办结率: closed / received */
    CPOL_RATE_RESOLUTION = 2,         /**< 化解率: resolved / screened */
    CPOL_RATE_ON_THE_SPOT = 3,        /**< on-the-spot resolution: on the spot / resolved */
    CPOL_RATE_SATISFACTION = 4,       /**< 满意度: satisfied / followed up */
    CPOL_RATE_MEAN_SATISFACTION = 5,  /**< mean score of the last visits: satisfaction sum / followed up (1 to 5) */
    CPOL_RATE_REFERRALS_ANSWERED = 6, /**< referrals answered / referrals */
    CPOL_RATE_REPEAT_CALLS = 7        /**< repeat calls / received */
} cpol_case_rate_t;

/**
 * Which cases to measure. Initialise with #CPOL_CASE_METRICS_QUERY_INIT; the
 * struct only grows at the end.
 */
typedef struct cpol_case_metrics_query {
    unsigned int version;       /**< #CPOL_CASE_METRICS_QUERY_VERSION */
    const cpol_id *area;        /**< cases at this area or below (required; a station for all its cases) */
    const cpol_id *team;        /**< only cases of this team, or NULL */
    int32_t category;           /**< only cases of this #cpol_case_category_t, or 0 */
    cpol_time from;             /**< reported at or after (0: no bound) */
    cpol_time to;               /**< reported before (0: no bound) */
    int64_t repeat_window_ms;   /**< look-back of #CPOL_METRIC_REPEAT_CALLS (0: 30 days) */
} cpol_case_metrics_query;

/** The current version of #cpol_case_metrics_query. */
#define CPOL_CASE_METRICS_QUERY_VERSION 1
/** Initialiser for #cpol_case_metrics_query: no area yet, all time. */
#define CPOL_CASE_METRICS_QUERY_INIT { CPOL_CASE_METRICS_QUERY_VERSION, NULL, NULL, 0, 0, 0, 0 }

/**
 * Compute the metrics of the cases a query selects.
 * @ctor cpol_case_metrics
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_VIEW at the area's station
 * @param query  what to measure
 * @param[out] out  receives the metrics (owned; free with cpol_case_metrics_free())
 * @return #CPOL_OK; #CPOL_EMISUSE for NULL arguments or a NULL area;
 *         #CPOL_EVERSION; #CPOL_EINVALID for an unknown category, a bad window
 *         or a negative repeat window; #CPOL_ERULE if the area lies under no
 *         station; #CPOL_ENOTFOUND for an unknown area or team; #CPOL_EPERM;
 *         #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_metrics_compute(cpol_ctx *ctx, const cpol_actor *as, const cpol_case_metrics_query *query,
                                       cpol_case_metrics **out);
/**
 * Free computed metrics.
 * @dtor cpol_case_metrics
 * @param m  the metrics, or NULL
 * @since 0.1
 */
CPOL_API void cpol_case_metrics_free(cpol_case_metrics *m);
/**
 * A count.
 * @param m  the metrics
 * @param metric  a #cpol_case_metric_t
 * @return the count; 0 for NULL or unknown values
 * @since 0.1
 */
CPOL_API int64_t cpol_case_metrics_count(const cpol_case_metrics *m, int metric);
/**
 * A rate, as a fraction (0.972 for 97.2 %).
 * @param m  the metrics
 * @param rate  a #cpol_case_rate_t
 * @return the rate; 0 when its denominator is 0, for NULL or unknown values
 * @since 0.1
 */
CPOL_API double cpol_case_metrics_rate(const cpol_case_metrics *m, int rate);
/**
 * Response times of a stage over the measured cases that completed it:
 * screening and arrival and resolution from the report, follow-up from the
 * first resolution, referral reply from the referral. The median of an even
 * number of times is the mean of the middle two (rounded down to the
 * millisecond); the 90th percentile is the nearest-rank value, the
 * ceil(0.9 n)-th smallest.
 * @param m  the metrics
 * @param stage  a #cpol_case_stage_t
 * @param[out] count_out  receives how many cases completed the stage (may be NULL)
 * @param[out] median_ms_out  receives the median in milliseconds, 0 if none (may be NULL)
 * @param[out] p90_ms_out  receives the 90th percentile in milliseconds, 0 if none (may be NULL)
 * @return #CPOL_OK; #CPOL_EMISUSE if @p m is NULL; #CPOL_EINVALID for an unknown stage
 * @since 0.1
 */
CPOL_API int cpol_case_metrics_response(const cpol_case_metrics *m, int stage, int64_t *count_out,
                                        int64_t *median_ms_out, int64_t *p90_ms_out);

/**
 * Write the cases of a filter as Open311 GeoReport v2 JSON into a caller
 * buffer (see commpolice/case_metrics.h for the fields).
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_VIEW (see cpol_case_iter_new())
 * @param filter  which cases, or NULL for all the actor may see
 * @param[out] buf  receives the JSON and a NUL; or NULL with @p size 0 to ask for the size
 * @param size  its size in bytes
 * @param[out] needed_out  receives the size the JSON needs, terminating NUL included (may be NULL)
 * @return #CPOL_OK; #CPOL_ETOOLONG if @p size is smaller than needed (the
 *         buffer then holds nothing useful); the errors of
 *         cpol_case_iter_new(); #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_open311_write(cpol_ctx *ctx, const cpol_actor *as, const cpol_case_filter *filter, char *buf,
                                     size_t size, size_t *needed_out);

/**
 * The same JSON in memory the library allocates.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_VIEW
 * @param filter  which cases, or NULL for all the actor may see
 * @param[out] out  receives the NUL-terminated JSON (owned; free with cpol_free()); NULL on failure
 * @return #CPOL_OK; the errors of cpol_case_iter_new(); #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_open311_export(cpol_ctx *ctx, const cpol_actor *as, const cpol_case_filter *filter,
                                      char **out);

CPOL_END_DECL

#endif /* COMMPOLICE_CASE_METRICS_H */
