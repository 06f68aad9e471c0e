/**
 * @file commpolice/case_analysis.h
 * @brief Around the case workflow: duty positions and the nearest on-duty
 *        responders (一键指挥就近力量先期处置), the station leader's spot checks
 *        of resolved cases (所长抽查), and repeat analysis
 *        (一人多次、一地多起、一类多发).
 *
 * **Responders.** Team members report where they are and whether they are
 * on duty (cpol_duty_report(); one current position per person, table
 * duty_position). cpol_case_responders() ranks the on-duty active members of
 * the teams of a case's station by great-circle distance (haversine, mean
 * earth radius 6,371,008.8 m) from the case's coordinates.
 *
 * **Spot checks.** cpol_spot_check_sample() draws a share of the station's
 * resolved or closed cases with a seeded random source (splitmix64): the same
 * seed over the same cases draws the same sample, on every backend. Each
 * check is then decided (cpol_spot_check_decide()): confirmed, or the case is
 * reopened. Both are steps of the case's history.
 *
 * **Repeats.** cpol_case_repeat_iter_new() groups a period's cases of an area
 * by person (reporter or party), by area, by address or by category, keeps
 * the groups at or above a threshold and ranks them; optionally it raises the
 * risk grade of each group's newest open case by one step.
 */
#ifndef COMMPOLICE_CASE_ANALYSIS_H
#define COMMPOLICE_CASE_ANALYSIS_H

#include "common.h"
#include "types.h"
#include "actor.h"

CPOL_BEGIN_DECL

/** One ranked responder. */
typedef struct cpol_responder cpol_responder;
/** An iterator over ranked responders. */
typedef struct cpol_responder_iter cpol_responder_iter;
/** One spot check of a case. */
typedef struct cpol_spot_check cpol_spot_check;
/** An iterator over spot checks. */
typedef struct cpol_spot_check_iter cpol_spot_check_iter;
/** One group of repeated cases. */
typedef struct cpol_case_repeat cpol_case_repeat;
/** An iterator over groups of repeated cases. */
typedef struct cpol_case_repeat_iter cpol_case_repeat_iter;

/**
 * Report a person's position and duty status (the latest report replaces the
 * previous one).
 * @param ctx  an open context
 * @param as   the actor: the person themselves, or one with #CPOL_PERM_CASE_TRIAGE at the person's station
 * @param person  whose position
 * @param latitude  WGS 84 degrees, -90 to 90
 * @param longitude  WGS 84 degrees, -180 to 180
 * @param on_duty  1 on duty, 0 off duty
 * @return #CPOL_OK; #CPOL_EINVALID for coordinates out of range or @p on_duty
 *         not 0 or 1; #CPOL_ENOTFOUND for an unknown person, or a covert
 *         person (informant) @p as may not know (as for an unknown id);
 *         #CPOL_EPERM; #CPOL_EMISUSE;
 *         #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_duty_report(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, double latitude,
                              double longitude, int on_duty);

/**
 * Rank the on-duty active members of the case's station's teams by distance
 * from the case, nearest first (ties by person id). Each person appears once,
 * with the first team they joined. Covert people (who hold or held the
 * informant role) are left out for a reader without
 * #CPOL_PERM_PERSON_SENSITIVE, unless it is them.
 * @ctor cpol_responder_iter
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_TRIAGE at the case's station
 * @param case_id  the case; it must have coordinates
 * @param limit  at most this many (0: all)
 * @param[out] out  receives the iterator (owned; free with cpol_responder_iter_free())
 * @return #CPOL_OK; #CPOL_ERULE if the case has no coordinates; #CPOL_EINVALID
 *         for a negative limit; #CPOL_ENOTFOUND; #CPOL_EPERM; #CPOL_EMISUSE;
 *         #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_responders(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, int64_t limit,
                                  cpol_responder_iter **out);
/**
 * Next responder.
 * @param it  the iterator
 * @param[out] out  receives it (borrowed: valid until the next call on @p it)
 * @return #CPOL_OK; #CPOL_DONE at the end; #CPOL_EMISUSE
 * @since 0.1
 */
CPOL_API int cpol_responder_iter_next(cpol_responder_iter *it, const cpol_responder **out);
/**
 * Free an iterator.
 * @dtor cpol_responder_iter
 * @param it  the iterator, or NULL
 * @since 0.1
 */
CPOL_API void cpol_responder_iter_free(cpol_responder_iter *it);
/**
 * @param r  a responder
 * @return the person (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_responder_person(const cpol_responder *r);
/**
 * @param r  a responder
 * @return the team they are on (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_responder_team(const cpol_responder *r);
/**
 * @param r  a responder
 * @return their #cpol_team_role_t in that team
 * @since 0.1
 */
CPOL_API int cpol_responder_team_role(const cpol_responder *r);
/**
 * @param r  a responder
 * @return the great-circle distance from the case in metres
 * @since 0.1
 */
CPOL_API double cpol_responder_distance_m(const cpol_responder *r);
/**
 * @param r  a responder
 * @return when they reported the position used
 * @since 0.1
 */
CPOL_API cpol_time cpol_responder_reported_at(const cpol_responder *r);

/** Results of a spot check (stable values). */
typedef enum cpol_spot_result_t {
    CPOL_SPOT_PENDING = 1,   /**< sampled, not yet decided */
    CPOL_SPOT_CONFIRMED = 2, /**< the result stands */
    CPOL_SPOT_REOPENED = 3   /**< the result did not hold: the case was reopened */
} cpol_spot_result_t;

/**
 * Sample resolved and closed cases of a station for spot checks and record a
 * pending check for each. The population: the station's cases that are
 * resolved, fed back, followed up or closed, resolved within [from, to), and
 * without a pending check, in the order they were recorded. The sample:
 * ceil(population × @p permille / 1000) cases drawn by a partial
 * Fisher–Yates shuffle driven by splitmix64 seeded with @p seed.
 * @ctor cpol_spot_check_iter
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_SPOTCHECK at the station
 * @param station  a police station
 * @param from  resolved at or after (0: no bound)
 * @param to  resolved before (0: no bound)
 * @param permille  the share to sample, 1 to 1000 (100 = 10 %)
 * @param seed  the random source's seed; record it to reproduce the sample
 * @param[out] out  receives the new checks in case order (owned; free with cpol_spot_check_iter_free())
 * @return #CPOL_OK; #CPOL_EINVALID for a share out of range, a bad window or
 *         an area that is not a station; #CPOL_ENOTFOUND; #CPOL_EPERM;
 *         #CPOL_EMISUSE; #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_spot_check_sample(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, cpol_time from,
                                    cpol_time to, int32_t permille, int64_t seed, cpol_spot_check_iter **out);

/**
 * Decide a pending spot check: confirm the case's result, or reopen the case
 * (it returns to "assessed" as with cpol_case_reopen()). Recorded as the
 * case's step #CPOL_STEP_SPOT_CONFIRM or #CPOL_STEP_SPOT_REOPEN. Nobody
 * checks a case they handled at any point or whose arrival on the scene
 * they recorded.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_SPOTCHECK at the check's station
 * @param check  the spot check
 * @param result  #CPOL_SPOT_CONFIRMED or #CPOL_SPOT_REOPENED
 * @param note  the finding: required to reopen, else optional (up to #CPOL_CASE_NOTE_MAX bytes)
 * @return #CPOL_OK; #CPOL_ESTATE if the check was already decided or the case
 *         was reopened meanwhile; #CPOL_EINVALID for another result or a
 *         missing note; #CPOL_ERULE if the actor handled the case (as its
 *         handler, a handler named by an assignment, escalation or
 *         de-escalation, a responder on the scene or who resolved it) or
 *         recorded an arrival on its scene; #CPOL_ENOTFOUND; #CPOL_EPERM; #CPOL_EMISUSE;
 *         #CPOL_EUTF8; #CPOL_ETOOLONG; #CPOL_EREADONLY; #CPOL_EBUSY;
 *         #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_spot_check_decide(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *check, int result,
                                    const char *note);

/**
 * List a station's spot checks in the order they were drawn.
 * @ctor cpol_spot_check_iter
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_VIEW at the station
 * @param station  a police station
 * @param pending_only  1 for the undecided checks only, 0 for all
 * @param[out] out  receives the iterator (owned; free with cpol_spot_check_iter_free())
 * @return #CPOL_OK; #CPOL_EINVALID if @p pending_only is not 0 or 1 or the
 *         area is not a station; #CPOL_ENOTFOUND; #CPOL_EPERM; #CPOL_EMISUSE;
 *         #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_spot_check_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, int pending_only,
                                      cpol_spot_check_iter **out);
/**
 * Next spot check.
 * @param it  the iterator
 * @param[out] out  receives it (borrowed: valid until the next call on @p it)
 * @return #CPOL_OK; #CPOL_DONE at the end; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_spot_check_iter_next(cpol_spot_check_iter *it, const cpol_spot_check **out);
/**
 * Free an iterator (also after its context was closed).
 * @dtor cpol_spot_check_iter
 * @param it  the iterator, or NULL
 * @since 0.1
 */
CPOL_API void cpol_spot_check_iter_free(cpol_spot_check_iter *it);
/**
 * @param s  a spot check
 * @return its id (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_spot_check_id(const cpol_spot_check *s);
/**
 * @param s  a spot check
 * @return the case checked (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_spot_check_case(const cpol_spot_check *s);
/**
 * @param s  a spot check
 * @return its #cpol_spot_result_t
 * @since 0.1
 */
CPOL_API int cpol_spot_check_result(const cpol_spot_check *s);
/**
 * @param s  a spot check
 * @return the seed of the sample it was drawn in
 * @since 0.1
 */
CPOL_API int64_t cpol_spot_check_seed(const cpol_spot_check *s);
/**
 * @param s  a spot check
 * @return when it was drawn
 * @since 0.1
 */
CPOL_API cpol_time cpol_spot_check_sampled_at(const cpol_spot_check *s);
/**
 * @param s  a spot check
 * @return when it was decided, 0 while pending
 * @since 0.1
 */
CPOL_API cpol_time cpol_spot_check_decided_at(const cpol_spot_check *s);
/**
 * @param s  a spot check
 * @return the decision's note, "" if none (borrowed)
 * @since 0.1
 */
CPOL_API const char *cpol_spot_check_note(const cpol_spot_check *s);
/**
 * @param result  a #cpol_spot_result_t
 * @return its name such as "confirmed" (static; "unknown" for unknown values)
 * @since 0.1
 */
CPOL_API const char *cpol_spot_result_name(int result);

/** What repeat analysis groups by (stable values). */
typedef enum cpol_repeat_kind_t {
    CPOL_REPEAT_PERSON = 1,   /**< one person many times (一人多次): a registered reporter or party */
    CPOL_REPEAT_AREA = 2,     /**< one place many incidents (一地多起): the same area */
    CPOL_REPEAT_ADDRESS = 3,  /**< one place many incidents: the same area and address */
    CPOL_REPEAT_CATEGORY = 4  /**< one kind frequent (一类多发): the same category */
} cpol_repeat_kind_t;

/**
 * What cpol_case_repeat_iter_new() analyses. Initialise with
 * #CPOL_CASE_REPEAT_QUERY_INIT; the struct only grows at the end.
 */
typedef struct cpol_case_repeat_query {
    unsigned int version;   /**< #CPOL_CASE_REPEAT_QUERY_VERSION */
    int32_t kind;           /**< a #cpol_repeat_kind_t (required) */
    const cpol_id *area;    /**< cases at this area or below (required; a station for all its cases) */
    cpol_time from;         /**< reported at or after (0: no bound) */
    cpol_time to;           /**< reported before (0: no bound) */
    int32_t threshold;      /**< keep groups of at least this many cases, 2 or more */
    int32_t raise_grade;    /**< 1: raise the risk grade of each group's newest assessed, unresolved case by one step */
    int64_t limit;          /**< at most this many groups (0: all) */
} cpol_case_repeat_query;

/** The current version of #cpol_case_repeat_query. */
#define CPOL_CASE_REPEAT_QUERY_VERSION 1
/** Initialiser for #cpol_case_repeat_query: threshold 3, nothing raised. */
#define CPOL_CASE_REPEAT_QUERY_INIT { CPOL_CASE_REPEAT_QUERY_VERSION, 0, NULL, 0, 0, 3, 0, 0 }

/**
 * Find groups of repeated cases, ranked by size (then by their newest case,
 * latest first). Every case reported in the window counts, duplicates
 * included (a repeated call is what is being looked for). Protected
 * reporters count only for readers who may see them, and a covert person
 * (reporter or party) is never a key for a reader without
 * #CPOL_PERM_PERSON_SENSITIVE. With raise_grade, the
 * newest case of each group, if assessed and not yet resolved, is
 * reassessed one grade higher (general → attention → high) with the note
 * "repeat: …", as cpol_case_assess() would (each case at most once per call).
 * @ctor cpol_case_repeat_iter
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_VIEW at the area's station, and
 *             #CPOL_PERM_CASE_TRIAGE with raise_grade
 * @param query  what to analyse
 * @param[out] out  receives the groups (owned; free with cpol_case_repeat_iter_free())
 * @return #CPOL_OK; #CPOL_EMISUSE for NULL arguments or a NULL area;
 *         #CPOL_EVERSION; #CPOL_EINVALID for an unknown kind, a threshold
 *         below 2, raise_grade not 0 or 1, a bad window or a negative limit;
 *         #CPOL_ERULE if the area lies under no station; #CPOL_ENOTFOUND;
 *         #CPOL_EPERM; #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_repeat_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_case_repeat_query *query,
                                       cpol_case_repeat_iter **out);
/**
 * Next group.
 * @param it  the iterator
 * @param[out] out  receives it (borrowed: valid until the next call on @p it)
 * @return #CPOL_OK; #CPOL_DONE at the end; #CPOL_EMISUSE
 * @since 0.1
 */
CPOL_API int cpol_case_repeat_iter_next(cpol_case_repeat_iter *it, const cpol_case_repeat **out);
/**
 * Free an iterator.
 * @dtor cpol_case_repeat_iter
 * @param it  the iterator, or NULL
 * @since 0.1
 */
CPOL_API void cpol_case_repeat_iter_free(cpol_case_repeat_iter *it);
/**
 * @param r  a group
 * @return the #cpol_repeat_kind_t it was grouped by
 * @since 0.1
 */
CPOL_API int cpol_case_repeat_kind(const cpol_case_repeat *r);
/**
 * @param r  a group
 * @return the person (#CPOL_REPEAT_PERSON; borrowed), else NULL
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_case_repeat_person(const cpol_case_repeat *r);
/**
 * @param r  a group
 * @return the area (#CPOL_REPEAT_AREA, #CPOL_REPEAT_ADDRESS; borrowed), else NULL
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_case_repeat_area(const cpol_case_repeat *r);
/**
 * @param r  a group
 * @return the address (#CPOL_REPEAT_ADDRESS), else "" (borrowed)
 * @since 0.1
 */
CPOL_API const char *cpol_case_repeat_address(const cpol_case_repeat *r);
/**
 * @param r  a group
 * @return the #cpol_case_category_t (#CPOL_REPEAT_CATEGORY), else 0
 * @since 0.1
 */
CPOL_API int cpol_case_repeat_category(const cpol_case_repeat *r);
/**
 * @param r  a group
 * @return how many cases it has
 * @since 0.1
 */
CPOL_API int64_t cpol_case_repeat_count(const cpol_case_repeat *r);
/**
 * @param r  a group
 * @return its newest case (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_case_repeat_newest(const cpol_case_repeat *r);
/**
 * @param r  a group
 * @return when its first case was reported
 * @since 0.1
 */
CPOL_API cpol_time cpol_case_repeat_first_at(const cpol_case_repeat *r);
/**
 * @param r  a group
 * @return when its newest case was reported
 * @since 0.1
 */
CPOL_API cpol_time cpol_case_repeat_last_at(const cpol_case_repeat *r);
/**
 * @param r  a group
 * @return 1 if this analysis raised the risk grade of the newest case, 0 if not
 * @since 0.1
 */
CPOL_API int cpol_case_repeat_raised(const cpol_case_repeat *r);

CPOL_END_DECL

#endif /* COMMPOLICE_CASE_ANALYSIS_H */
