/**
 * @file commpolice/case_metrics.h
 * @brief Case metrics computed from the stored events (办结率, 化解率, 满意度,
 *        到场时间, …) and the Open311 GeoReport v2 projection.
 *
 * **Metrics.** A metrics query takes the cases reported in a period at an
 * area (and optionally of a team, a category or a 警情 class) and computes,
 * from each case's stored history as it stood at the query's as-of time (by
 * default the context clock's now: only events recorded up to then count),
 * the counts of #cpol_case_metric_t, the rates of #cpol_case_rate_t, the
 * response times per #cpol_case_stage_t and the first arrival per responder
 * role, and, from the shifts of the area, what the teams did (officer hours
 * in the community, publicity reach). The definitions (docs/cases.md) are
 * chosen so that every figure can be recomputed by hand from the tables; for
 * example 1,352 closed of 1,391 received is a closure rate of 97.2 %, and 438
 * successfully resolved of 440 screened a resolution rate of 99.5 %.
 *
 * **Change over time.** cpol_case_metrics_compute_earlier() computes the same
 * query for the previous period of the same length (环比) or the same period
 * a year earlier (同比); cpol_case_metrics_count_change() and
 * cpol_case_metrics_rate_change() give the absolute and relative change
 * (percentage points for rates).
 *
 * **Open311.** cpol_case_open311_write() and cpol_case_open311_export() write
 * the cases of a filter as a GeoReport v2 JSON array of service requests:
 * service_request_id, status ("open", or "closed" for closed and rejected
 * cases), status_notes (state, outcome or rejection reason, tier),
 * service_code (cpol_case_category_code()), service_name, description,
 * agency_responsible (the department of an open or answered referral, else
 * the police station), requested_datetime, updated_datetime (the close time
 * for closed cases) and, for open assessed cases, expected_datetime (the
 * resolution deadline), all ISO 8601 in UTC (or at a local offset, with
 * cpol_case_open311_export_with()); address, address_id (the area), zipcode,
 * lat/long and media_url. Every field of the GeoReport v2 service request is
 * present in every request, `null` when the library does not know it.
 * Reporters and parties are never exported.
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
    CPOL_METRIC_ESCALATIONS = 21,       /**< escalation steps taken for these cases (explicit and overdue) */
    CPOL_METRIC_CRIMINAL = 22,          /**< of the received, of class #CPOL_CLASS_CRIMINAL (刑事警情) */
    CPOL_METRIC_PUBLIC_ORDER = 23,      /**< of the received, of class #CPOL_CLASS_PUBLIC_ORDER (治安警情) */
    CPOL_METRIC_DISPUTES = 24,          /**< of the received, of class #CPOL_CLASS_DISPUTE (矛盾纠纷) */
    CPOL_METRIC_HAZARDS = 25,           /**< of the received, of class #CPOL_CLASS_HAZARD: hazards found (排查隐患) */
    CPOL_METRIC_HELP = 26,              /**< of the received, of class #CPOL_CLASS_HELP (求助及非警务) */
    CPOL_METRIC_HAZARDS_RECTIFIED = 27, /**< hazards now resolved or later with the outcome "rectified" (整改) */
    CPOL_METRIC_VOLUNTEER_LEADS = 28,   /**< cases that came from a volunteer source: patrol, informant, property or grid worker (线索) */
    CPOL_METRIC_VOLUNTEER_ON_SCENE = 29, /**< cases with a responder on the scene in a volunteer (non-staff) role */
    CPOL_METRIC_VOLUNTEER_SOLVED = 30,  /**< criminal-class cases resolved with a volunteer lead or a volunteer on the scene (协助破案) */
    CPOL_METRIC_OPINIONS = 31,          /**< resident complaints and suggestions found true at screening (有效社情民意) */
    CPOL_METRIC_OFFICER_MINUTES = 32,   /**< minutes police officers (officers, leaders) served on completed shifts at the area (驻社区时间) */
    CPOL_METRIC_OFFICERS = 33,          /**< distinct police officers with such minutes */
    CPOL_METRIC_PUBLICITY_SESSIONS = 34, /**< publicity shifts at the area, started in the period and closed (宣传活动) */
    CPOL_METRIC_PUBLICITY_AUDIENCE = 35, /**< the audience recorded when they were closed (受众人次) */
    CPOL_METRIC_PUBLICITY_PARTICIPANTS = 36 /**< distinct people who completed a sign-up for them (参与宣传) */
} cpol_case_metric_t;

/** 警情 classes: how the seeds count incidents (stable values); see cpol_case_category_class(). */
typedef enum cpol_case_class_t {
    CPOL_CLASS_CRIMINAL = 1,     /**< criminal (刑事): theft and fraud leads */
    CPOL_CLASS_PUBLIC_ORDER = 2, /**< public order (治安) */
    CPOL_CLASS_DISPUTE = 3,      /**< disputes (矛盾纠纷): neighbour, family, property management, commercial */
    CPOL_CLASS_HAZARD = 4,       /**< safety hazards (安全隐患) */
    CPOL_CLASS_HELP = 5          /**< help and non-police matters (求助、非警务) */
} cpol_case_class_t;

/** Who arrived, for cpol_case_metrics_arrival() besides a #cpol_role_t (stable values). */
typedef enum cpol_case_arrival_t {
    CPOL_ARRIVAL_ANYONE = 0,  /**< the first responder of any role (the #CPOL_STAGE_ARRIVAL figure) */
    CPOL_ARRIVAL_POLICE = 100 /**< the first police officer: a community officer or a station leader (民警到场) */
} cpol_case_arrival_t;

/** Which earlier period cpol_case_metrics_compute_earlier() measures (stable values). */
typedef enum cpol_case_period_t {
    CPOL_PERIOD_PREVIOUS = 1,    /**< the period of the same length just before (环比) */
    CPOL_PERIOD_YEAR_EARLIER = 2 /**< the same calendar period one year earlier (同比) */
} cpol_case_period_t;

/** Rates derived from the counts (stable values); each is 0 when its denominator is 0. */
typedef enum cpol_case_rate_t {
    CPOL_RATE_CLOSURE = 1,            /**< 办结率: closed / received */
    CPOL_RATE_RESOLUTION = 2,         /**< 化解率: resolved / screened */
    CPOL_RATE_ON_THE_SPOT = 3,        /**< on-the-spot resolution: on the spot / resolved */
    CPOL_RATE_SATISFACTION = 4,       /**< 满意度: satisfied / followed up */
    CPOL_RATE_MEAN_SATISFACTION = 5,  /**< mean score of the last visits: satisfaction sum / followed up (1 to 5) */
    CPOL_RATE_REFERRALS_ANSWERED = 6, /**< referrals answered / referrals */
    CPOL_RATE_REPEAT_CALLS = 7,       /**< repeat calls / received */
    CPOL_RATE_HAZARDS_RECTIFIED = 8,  /**< hazards rectified / hazards found */
    CPOL_RATE_OFFICER_HOURS_PER_WEEK = 9 /**< hours per week per police officer: officer minutes / 60 / officers / weeks of [from, to) (to: the as-of time when 0); 0 without from */
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
    /* version 2 */
    cpol_time as_of;            /**< count only events recorded at or before this time (0: the context clock's now); since version 2 */
    int32_t case_class;         /**< only cases of this #cpol_case_class_t, or 0; since version 2 */
    int32_t utc_offset_minutes; /**< the station's offset from UTC, for the calendar of #CPOL_PERIOD_YEAR_EARLIER (480 for China); since version 2 */
} cpol_case_metrics_query;

/** The current version of #cpol_case_metrics_query. */
#define CPOL_CASE_METRICS_QUERY_VERSION 2
/** Initialiser for #cpol_case_metrics_query: no area yet, all time, as of now. */
#define CPOL_CASE_METRICS_QUERY_INIT { CPOL_CASE_METRICS_QUERY_VERSION, NULL, NULL, 0, 0, 0, 0, 0, 0, 0 }

/**
 * Compute the metrics of the cases a query selects.
 * @ctor cpol_case_metrics
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_VIEW at the area's station
 * @param query  what to measure
 * @param[out] out  receives the metrics (owned; free with cpol_case_metrics_free())
 * @return #CPOL_OK; #CPOL_EMISUSE for NULL arguments or a NULL area;
 *         #CPOL_EVERSION; #CPOL_EINVALID for an unknown category or class, a
 *         bad window, a negative repeat window or as-of time, or an offset
 *         beyond ±14 h; #CPOL_ERULE if the area lies under no
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
 * A rate, as a fraction (0.972 for 97.2 %); #CPOL_RATE_MEAN_SATISFACTION is
 * a score (1 to 5) and #CPOL_RATE_OFFICER_HOURS_PER_WEEK hours.
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
 * First arrival on the scene by responders of one role, over the measured
 * cases where one arrived: the time from the report to the earliest arrival
 * of a responder who arrived in that role (the role is recorded with each
 * arrival, see cpol_case_arrive()). Median and 90th percentile as in
 * cpol_case_metrics_response(). In the Lincang dispute of 28 May the guard
 * is on the scene at 2 minutes (#CPOL_ROLE_PROPERTY_GUARD, and
 * #CPOL_ARRIVAL_ANYONE) and the community officer at 3
 * (#CPOL_ROLE_OFFICER, and #CPOL_ARRIVAL_POLICE). Arrivals recorded before
 * schema version 5 carry no role and count only for #CPOL_ARRIVAL_ANYONE.
 * @param m  the metrics
 * @param who  a #cpol_role_t, #CPOL_ARRIVAL_ANYONE or #CPOL_ARRIVAL_POLICE;
 *             never #CPOL_ROLE_INFORMANT (who tipped is not a figure)
 * @param[out] count_out  receives how many cases had such an arrival (may be NULL)
 * @param[out] median_ms_out  receives the median in milliseconds, 0 if none (may be NULL)
 * @param[out] p90_ms_out  receives the 90th percentile in milliseconds, 0 if none (may be NULL)
 * @return #CPOL_OK; #CPOL_EMISUSE if @p m is NULL; #CPOL_EINVALID for an
 *         unknown value or the informant role
 * @since 0.1
 */
CPOL_API int cpol_case_metrics_arrival(const cpol_case_metrics *m, int who, int64_t *count_out,
                                       int64_t *median_ms_out, int64_t *p90_ms_out);

/**
 * The earlier period a comparison measures: for #CPOL_PERIOD_PREVIOUS
 * [from − (to − from), from); for #CPOL_PERIOD_YEAR_EARLIER both ends one
 * calendar year earlier on the local calendar of @p utc_offset_minutes (the
 * same local date and time; 29 February becomes 28 February).
 * @param from  the start of the period (ms since the epoch, not 0)
 * @param to  its end (after @p from)
 * @param period  a #cpol_case_period_t
 * @param utc_offset_minutes  the local offset from UTC, −840 to 840 (480 for China)
 * @param[out] from_out  receives the earlier start
 * @param[out] to_out  receives the earlier end
 * @return #CPOL_OK; #CPOL_EMISUSE for NULL outputs; #CPOL_EINVALID for an
 *         empty or unbounded period, an unknown period or offset, or an
 *         earlier period before the epoch
 * @since 0.1
 */
CPOL_API int cpol_case_period_earlier(cpol_time from, cpol_time to, int period, int32_t utc_offset_minutes,
                                      cpol_time *from_out, cpol_time *to_out);

/**
 * Compute the metrics of the same query for an earlier period (see
 * cpol_case_period_earlier()): the period and the as-of time (the query's,
 * or now) move back together, so both periods are measured with the same
 * time to close their cases, and a figure reported at a month's end can be
 * reproduced later.
 * @ctor cpol_case_metrics
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_VIEW at the area's station
 * @param query  what to measure; needs both from and to
 * @param period  a #cpol_case_period_t
 * @param[out] out  receives the earlier period's metrics (owned; free with cpol_case_metrics_free())
 * @return #CPOL_OK; #CPOL_EINVALID for a query without from or to or an
 *         unknown period; the errors of cpol_case_metrics_compute()
 * @since 0.1
 */
CPOL_API int cpol_case_metrics_compute_earlier(cpol_ctx *ctx, const cpol_actor *as,
                                               const cpol_case_metrics_query *query, int period,
                                               cpol_case_metrics **out);

/**
 * Change of a count between two computations: Dadukou's criminal 警情 "down
 * 31.9 %" is a relative change of −0.319 of #CPOL_METRIC_CRIMINAL.
 * @param now  the later metrics
 * @param before  the earlier metrics (cpol_case_metrics_compute_earlier())
 * @param metric  a #cpol_case_metric_t
 * @param[out] delta_out  receives now − before (may be NULL)
 * @param[out] relative_out  receives (now − before) / before, NaN when before is 0 (may be NULL)
 * @return #CPOL_OK; #CPOL_EMISUSE for NULL metrics; #CPOL_EINVALID for an unknown metric
 * @since 0.1
 */
CPOL_API int cpol_case_metrics_count_change(const cpol_case_metrics *now, const cpol_case_metrics *before,
                                            int metric, int64_t *delta_out, double *relative_out);

/**
 * Change of a rate between two computations, in percentage points for the
 * rates that are fractions (Dadukou's dispute resolution rate "up 3.5" is
 * +3.5 points) and in the rate's own unit for
 * #CPOL_RATE_MEAN_SATISFACTION (score) and #CPOL_RATE_OFFICER_HOURS_PER_WEEK
 * (hours: 6 → 40 is +34).
 * @param now  the later metrics
 * @param before  the earlier metrics
 * @param rate  a #cpol_case_rate_t
 * @param[out] points_out  receives the difference (may be NULL)
 * @param[out] relative_out  receives (now − before) / before, NaN when before is 0 (may be NULL)
 * @return #CPOL_OK; #CPOL_EMISUSE for NULL metrics; #CPOL_EINVALID for an unknown rate
 * @since 0.1
 */
CPOL_API int cpol_case_metrics_rate_change(const cpol_case_metrics *now, const cpol_case_metrics *before,
                                           int rate, double *points_out, double *relative_out);

/**
 * The 警情 class of a category: theft and fraud leads are criminal, public
 * order is public order, the four dispute categories are disputes, hazards
 * are hazards, non-police matters are help.
 * @param category  a #cpol_case_category_t
 * @return its #cpol_case_class_t, 0 for unknown values
 * @since 0.1
 */
CPOL_API int cpol_case_category_class(int category);

/**
 * @param case_class  a #cpol_case_class_t
 * @return its name ("criminal", "public order", "dispute", "hazard", "help"), "unknown" otherwise
 * @since 0.1
 */
CPOL_API const char *cpol_case_class_name(int case_class);

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

/**
 * How cpol_case_open311_export_with() writes. Initialise with
 * #CPOL_OPEN311_OPTIONS_INIT; the struct only grows at the end.
 */
typedef struct cpol_open311_options {
    unsigned int version;       /**< #CPOL_OPEN311_OPTIONS_VERSION */
    int32_t utc_offset_minutes; /**< 0: times in UTC with "Z"; else this offset, −840 to 840 (480: "+08:00") */
} cpol_open311_options;

/** The current version of #cpol_open311_options. */
#define CPOL_OPEN311_OPTIONS_VERSION 1
/** Initialiser for #cpol_open311_options: UTC. */
#define CPOL_OPEN311_OPTIONS_INIT { CPOL_OPEN311_OPTIONS_VERSION, 0 }

/**
 * The Open311 JSON of cpol_case_open311_export(), written as @p options say
 * (a station's local time: 2025-05-28T20:00:00+08:00).
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_VIEW
 * @param filter  which cases, or NULL for all the actor may see
 * @param options  how to write, or NULL for the defaults (UTC)
 * @param[out] out  receives the NUL-terminated JSON (owned; free with cpol_free()); NULL on failure
 * @return #CPOL_OK; #CPOL_EVERSION; #CPOL_EINVALID for an offset beyond
 *         ±14 h; the errors of cpol_case_iter_new(); #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_open311_export_with(cpol_ctx *ctx, const cpol_actor *as, const cpol_case_filter *filter,
                                           const cpol_open311_options *options, char **out);

CPOL_END_DECL

#endif /* COMMPOLICE_CASE_METRICS_H */
