/**
 * @file commpolice/activity.h
 * @brief Patrols and activities: shifts, sign-ups, attendance and hours.
 *
 * A station schedules *shifts*: patrols (巡逻), publicity sessions
 * (普法/防范宣传) and other duties, each at an area, for a time window and a
 * number of places. Team members sign up, are checked in and completed by
 * an auxiliary or officer, and earn points in the ledger for completed time
 * ("巡逻、宣传、提供案件线索等任务量进行积分兑换"). A sign-up moves through
 *
 *     signed up → checked in → completed
 *               ↘ no-show     (only once the shift has started)
 *               ↘ cancelled   (only before the shift starts)
 *
 * Any other step is refused with #CPOL_ESTATE, naming the current state and
 * the steps allowed from it. Because completions earn points, nobody checks
 * themselves in, completes their own sign-up or marks themselves a no-show
 * (#CPOL_ERULE). Closing a shift records its audience (required for
 * publicity sessions), stops sign-ups and turns the sign-ups still waiting
 * into no-shows. Every change is audited.
 *
 * Every read names its actor. Shifts are reference data: any active actor of
 * the shift's station may read them. Sign-ups and activity time name
 * people: a person may always read their own; anyone else needs
 * #CPOL_PERM_PERSON_VIEW at the station.
 *
 * **Covert persons.** To a reader without a still-active
 * #CPOL_PERM_PERSON_SENSITIVE assignment, a person who holds or held the
 * informant role (other than the reader) does not exist: their sign-ups
 * are not listed (paging counts only the listed ones), cpol_signup_get()
 * and cpol_activity_minutes() answer #CPOL_ENOTFOUND as for an unknown id,
 * and writes by such an actor naming them are refused the same way. A
 * shift read by such a reader counts only the sign-ups it can list
 * (cpol_shift_signed_up()) and shows as its capacity the places open to it
 * (cpol_shift_capacity(): the places not held by hidden people), so that
 * places free = capacity − signed up holds for every reader.
 */
#ifndef COMMPOLICE_ACTIVITY_H
#define COMMPOLICE_ACTIVITY_H

#include "common.h"
#include "types.h"
#include "actor.h"

CPOL_BEGIN_DECL

/** Kinds of shift (stable values). */
typedef enum cpol_shift_kind_t {
    CPOL_SHIFT_PATROL = 1,    /**< patrol (巡逻) */
    CPOL_SHIFT_PUBLICITY = 2, /**< law or crime-prevention publicity session (普法/防范宣传) */
    CPOL_SHIFT_OTHER = 3      /**< other duty */
} cpol_shift_kind_t;

/** States of a shift (stable values). */
typedef enum cpol_shift_status_t {
    CPOL_SHIFT_OPEN = 1,  /**< taking sign-ups and attendance */
    CPOL_SHIFT_CLOSED = 2 /**< closed with its audience; no more sign-ups */
} cpol_shift_status_t;

/** States of a sign-up (stable values). */
typedef enum cpol_signup_status_t {
    CPOL_SIGNUP_SIGNED_UP = 1,  /**< signed up, waiting for the shift */
    CPOL_SIGNUP_CHECKED_IN = 2, /**< checked in on the shift */
    CPOL_SIGNUP_COMPLETED = 3,  /**< completed, with the minutes served (final) */
    CPOL_SIGNUP_NO_SHOW = 4,    /**< did not come (final) */
    CPOL_SIGNUP_CANCELLED = 5   /**< cancelled before the shift started (final) */
} cpol_signup_status_t;

/** Longest shift title, in bytes of UTF-8. */
#define CPOL_SHIFT_TITLE_MAX 200
/** Most places on one shift. */
#define CPOL_SHIFT_CAPACITY_MAX 1000
/** Longest shift, in minutes (one day). */
#define CPOL_SHIFT_MINUTES_MAX 1440

/** A shift (a snapshot). */
typedef struct cpol_shift cpol_shift;
/** An iterator over shifts. */
typedef struct cpol_shift_iter cpol_shift_iter;
/** A sign-up (a snapshot). */
typedef struct cpol_signup cpol_signup;
/** An iterator over sign-ups. */
typedef struct cpol_signup_iter cpol_signup_iter;

/**
 * The fields of a new shift, for cpol_shift_create(). Initialise with
 * #CPOL_SHIFT_FIELDS_INIT; the struct only grows at the end.
 */
typedef struct cpol_shift_fields {
    unsigned int version;  /**< #CPOL_SHIFT_FIELDS_VERSION */
    const cpol_id *team;   /**< the team on duty (one of the station's teams), or NULL */
    const cpol_id *area;   /**< where: an area within a police station (required) */
    int32_t kind;          /**< a #cpol_shift_kind_t (required) */
    const char *title;     /**< 1 to #CPOL_SHIFT_TITLE_MAX bytes of UTF-8 (required) */
    cpol_time starts_at;   /**< start (> 0) */
    cpol_time ends_at;     /**< end: after the start, at most #CPOL_SHIFT_MINUTES_MAX minutes later */
    int32_t capacity;      /**< places, 1 to #CPOL_SHIFT_CAPACITY_MAX */
} cpol_shift_fields;

/** The current version of #cpol_shift_fields. */
#define CPOL_SHIFT_FIELDS_VERSION 1
/** Initialiser for #cpol_shift_fields: everything unset. */
#define CPOL_SHIFT_FIELDS_INIT { CPOL_SHIFT_FIELDS_VERSION, NULL, NULL, 0, NULL, 0, 0, 0 }

/**
 * @param kind  a #cpol_shift_kind_t
 * @return its English name such as "patrol" (static; "unknown" for unknown values)
 * @since 0.1
 */
CPOL_API const char *cpol_shift_kind_name(int kind);
/**
 * @param status  a #cpol_shift_status_t
 * @return its name such as "closed" (static; "unknown" for unknown values)
 * @since 0.1
 */
CPOL_API const char *cpol_shift_status_name(int status);
/**
 * @param status  a #cpol_signup_status_t
 * @return its name such as "checked in" (static; "unknown" for unknown values)
 * @since 0.1
 */
CPOL_API const char *cpol_signup_status_name(int status);

/**
 * Schedule a shift.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_ACTIVITY_MANAGE at the area's station
 * @param fields  the shift
 * @param[out] id_out  receives the new shift's id (may be NULL)
 * @return #CPOL_OK; #CPOL_EMISUSE for NULL @p ctx, @p as, @p fields, area or title;
 *         #CPOL_EVERSION for an unknown fields version;
 *         #CPOL_EINVALID for an unknown kind, an empty title, capacity out of range, or
 *         times out of order or more than #CPOL_SHIFT_MINUTES_MAX minutes apart;
 *         #CPOL_ENOTFOUND if the area or team does not exist; #CPOL_ERULE if the area lies
 *         within no station or the team belongs to another station;
 *         #CPOL_EPERM; #CPOL_EUTF8; #CPOL_ETOOLONG; #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_shift_create(cpol_ctx *ctx, const cpol_actor *as, const cpol_shift_fields *fields,
                               cpol_id *id_out);

/**
 * Close a shift once it has started: record the audience reached, stop
 * sign-ups, and turn the sign-ups still "signed up" into no-shows (each
 * audited). Checked-in sign-ups stay checked in and may still be completed.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_ACTIVITY_RECORD at the shift's station
 * @param shift  the shift
 * @param audience_count  people reached (>= 0; > 0 for a publicity session)
 * @return #CPOL_OK; #CPOL_EMISUSE for NULL arguments; #CPOL_EINVALID for a negative count;
 *         #CPOL_ENOTFOUND; #CPOL_ESTATE if the shift is already closed or has not started;
 *         #CPOL_ERULE for a publicity session without audience; #CPOL_EPERM;
 *         #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_shift_close(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *shift, int64_t audience_count);

/**
 * Read a shift.
 * @ctor cpol_shift
 * @param ctx  an open context
 * @param as   the actor; any active actor at the shift's station (reference data)
 * @param id   the shift
 * @param[out] out  receives the shift (owned; free with cpol_shift_free()); NULL on failure
 * @return #CPOL_OK; #CPOL_ENOTFOUND; #CPOL_EPERM for an inactive actor or one
 *         of another station; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_shift_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, cpol_shift **out);
/**
 * Free a shift snapshot.
 * @dtor cpol_shift
 * @param shift  the snapshot, or NULL
 * @since 0.1
 */
CPOL_API void cpol_shift_free(cpol_shift *shift);
/**
 * @param s  a shift
 * @return its id (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_shift_id(const cpol_shift *s);
/**
 * @param s  a shift
 * @return the station it belongs to (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_shift_station(const cpol_shift *s);
/**
 * @param s  a shift
 * @return its area (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_shift_area(const cpol_shift *s);
/**
 * @param s  a shift
 * @return the team on duty (borrowed), or NULL if none was given
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_shift_team(const cpol_shift *s);
/**
 * @param s  a shift
 * @return its #cpol_shift_kind_t
 * @since 0.1
 */
CPOL_API int cpol_shift_kind(const cpol_shift *s);
/**
 * @param s  a shift
 * @return its title (borrowed)
 * @since 0.1
 */
CPOL_API const char *cpol_shift_title(const cpol_shift *s);
/**
 * @param s  a shift
 * @return when it starts
 * @since 0.1
 */
CPOL_API cpol_time cpol_shift_starts_at(const cpol_shift *s);
/**
 * @param s  a shift
 * @return when it ends
 * @since 0.1
 */
CPOL_API cpol_time cpol_shift_ends_at(const cpol_shift *s);
/**
 * @param s  a shift
 * @return its number of places; for a reader not cleared for covert
 *         persons, the places not held by people hidden from it
 * @since 0.1
 */
CPOL_API int32_t cpol_shift_capacity(const cpol_shift *s);
/**
 * @param s  a shift
 * @return its #cpol_shift_status_t
 * @since 0.1
 */
CPOL_API int cpol_shift_status(const cpol_shift *s);
/**
 * @param s  a shift
 * @return the places taken when the snapshot was read: sign-ups signed up,
 *         checked in or completed that the reader can list
 * @since 0.1
 */
CPOL_API int64_t cpol_shift_signed_up(const cpol_shift *s);
/**
 * @param s  a shift
 * @return the audience recorded when it was closed, -1 while it is open
 * @since 0.1
 */
CPOL_API int64_t cpol_shift_audience(const cpol_shift *s);
/**
 * @param s  a shift
 * @return when it was closed, 0 while it is open
 * @since 0.1
 */
CPOL_API cpol_time cpol_shift_closed_at(const cpol_shift *s);

/**
 * Which shifts to list. Zero / NULL fields do not filter. Initialise with
 * #CPOL_SHIFT_FILTER_INIT; the struct only grows at the end.
 */
typedef struct cpol_shift_filter {
    unsigned int version;   /**< #CPOL_SHIFT_FILTER_VERSION */
    const cpol_id *area;    /**< shifts at this area or below it */
    const cpol_id *team;    /**< shifts of this team */
    int32_t kind;           /**< shifts of this #cpol_shift_kind_t */
    cpol_time from;         /**< shifts starting at or after this time */
    cpol_time to;           /**< shifts starting before this time */
    int64_t offset;         /**< skip this many shifts (paging) */
    int64_t limit;          /**< at most this many (0: no limit) */
} cpol_shift_filter;

/** The current version of #cpol_shift_filter. */
#define CPOL_SHIFT_FILTER_VERSION 1
/** Initialiser for #cpol_shift_filter: every shift. */
#define CPOL_SHIFT_FILTER_INIT { CPOL_SHIFT_FILTER_VERSION, NULL, NULL, 0, 0, 0, 0, 0 }

/**
 * List shifts by start time: an actor bound to one station lists that
 * station's shifts only.
 * @ctor cpol_shift_iter
 * @param ctx  an open context
 * @param as   the actor; any active actor (reference data)
 * @param filter  which shifts, or NULL for all
 * @param[out] out  receives the iterator (owned; free with cpol_shift_iter_free())
 * @return #CPOL_OK; #CPOL_EVERSION; #CPOL_EINVALID for an unknown kind, negative times,
 *         offset or limit, or @p to before @p from; #CPOL_ENOTFOUND for an unknown area;
 *         #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_shift_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_shift_filter *filter,
                                 cpol_shift_iter **out);
/**
 * Next shift.
 * @param it  the iterator
 * @param[out] out  receives the shift (borrowed: valid until the next call on @p it)
 * @return #CPOL_OK; #CPOL_DONE at the end; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_shift_iter_next(cpol_shift_iter *it, const cpol_shift **out);
/**
 * Free an iterator (also after its context was closed).
 * @dtor cpol_shift_iter
 * @param it  the iterator, or NULL
 * @since 0.1
 */
CPOL_API void cpol_shift_iter_free(cpol_shift_iter *it);

/**
 * Sign a person up for a shift. Either the actor signs up themselves
 * (needs #CPOL_PERM_ACTIVITY_JOIN) or a manager signs someone up (needs
 * #CPOL_PERM_ACTIVITY_MANAGE), at the shift's station. Sign-ups stay open
 * until the shift ends or is closed.
 * @param ctx  an open context
 * @param as   the actor
 * @param shift  the shift
 * @param person  who signs up; must hold an active role at the shift's station
 * @param[out] signup_id  receives the sign-up's id (may be NULL)
 * @return #CPOL_OK; #CPOL_EMISUSE for NULL arguments; #CPOL_ENOTFOUND if the shift or person
 *         does not exist; #CPOL_ESTATE if the shift is closed or has ended;
 *         #CPOL_ERULE if the person holds no active role at the station;
 *         #CPOL_EEXISTS if the person is already signed up (and did not cancel);
 *         #CPOL_ELIMIT if every place is taken (the message gives the capacity);
 *         #CPOL_EPERM; #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_shift_signup(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *shift, const cpol_id *person,
                               cpol_id *signup_id);

/**
 * Check a signed-up person in on their shift.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_ACTIVITY_RECORD at the shift's station; not the person signed up
 * @param signup  the sign-up
 * @return #CPOL_OK; #CPOL_EMISUSE; #CPOL_ENOTFOUND; #CPOL_ESTATE if the sign-up is not
 *         "signed up" (the message lists the allowed steps); #CPOL_ERULE for one's own sign-up;
 *         #CPOL_EPERM; #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_signup_check_in(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *signup);

/**
 * Complete a checked-in sign-up once the shift has started, crediting the
 * time served.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_ACTIVITY_RECORD at the shift's station; not the person signed up
 * @param signup  the sign-up
 * @param minutes  the minutes served, 1 to #CPOL_SHIFT_MINUTES_MAX and at most the shift's
 *        length; or -1 to compute them from the context's clock: from the later of the
 *        check-in and the shift's start to the earlier of now and the shift's end (0 if
 *        that span is empty)
 * @return #CPOL_OK; #CPOL_EMISUSE; #CPOL_EINVALID for minutes out of range; #CPOL_ENOTFOUND;
 *         #CPOL_ESTATE if the sign-up is not checked in (the message lists the allowed steps)
 *         or the shift has not started; #CPOL_ERULE for one's own sign-up or more minutes
 *         than the shift lasts; #CPOL_EPERM; #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_signup_complete(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *signup, int32_t minutes);

/**
 * Mark a signed-up person who did not come, once the shift has started.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_ACTIVITY_RECORD at the shift's station; not the person signed up
 * @param signup  the sign-up
 * @return #CPOL_OK; #CPOL_EMISUSE; #CPOL_ENOTFOUND; #CPOL_ESTATE if the sign-up is not
 *         "signed up" (the message lists the allowed steps) or the shift has not started;
 *         #CPOL_ERULE for one's own sign-up; #CPOL_EPERM; #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_signup_no_show(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *signup);

/**
 * Cancel a sign-up before the shift starts, freeing its place. The person
 * may cancel their own sign-up (#CPOL_PERM_ACTIVITY_JOIN); anyone else
 * needs #CPOL_PERM_ACTIVITY_MANAGE at the shift's station.
 * @param ctx  an open context
 * @param as   the actor
 * @param signup  the sign-up
 * @param reason  why (may be NULL; at most #CPOL_REASON_MAX bytes), kept in the audit trail
 * @return #CPOL_OK; #CPOL_EMISUSE; #CPOL_ENOTFOUND; #CPOL_ESTATE if the sign-up is not
 *         "signed up" (the message lists the allowed steps) or the shift has started;
 *         #CPOL_EPERM; #CPOL_EUTF8; #CPOL_ETOOLONG; #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_signup_cancel(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *signup, const char *reason);

/**
 * Read a sign-up.
 * @ctor cpol_signup
 * @param ctx  an open context
 * @param as   the actor; the person signed up, or #CPOL_PERM_PERSON_VIEW at the shift's station
 * @param id   the sign-up
 * @param[out] out  receives the sign-up (owned; free with cpol_signup_free()); NULL on failure
 * @return #CPOL_OK; #CPOL_ENOTFOUND, also for the sign-up of a covert person
 *         hidden from @p as; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_signup_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, cpol_signup **out);
/**
 * Free a sign-up snapshot.
 * @dtor cpol_signup
 * @param signup  the snapshot, or NULL
 * @since 0.1
 */
CPOL_API void cpol_signup_free(cpol_signup *signup);
/**
 * @param s  a sign-up
 * @return its id (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_signup_id(const cpol_signup *s);
/**
 * @param s  a sign-up
 * @return the shift (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_signup_shift(const cpol_signup *s);
/**
 * @param s  a sign-up
 * @return the person signed up (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_signup_person(const cpol_signup *s);
/**
 * @param s  a sign-up
 * @return its #cpol_signup_status_t
 * @since 0.1
 */
CPOL_API int cpol_signup_status(const cpol_signup *s);
/**
 * @param s  a sign-up
 * @return when the person signed up
 * @since 0.1
 */
CPOL_API cpol_time cpol_signup_signed_up_at(const cpol_signup *s);
/**
 * @param s  a sign-up
 * @return when the person was checked in, 0 if never
 * @since 0.1
 */
CPOL_API cpol_time cpol_signup_checked_in_at(const cpol_signup *s);
/**
 * @param s  a sign-up
 * @return when it was completed, 0 if not completed
 * @since 0.1
 */
CPOL_API cpol_time cpol_signup_completed_at(const cpol_signup *s);
/**
 * @param s  a sign-up
 * @return the minutes credited on completion, 0 if not completed
 * @since 0.1
 */
CPOL_API int32_t cpol_signup_minutes(const cpol_signup *s);

/**
 * Which sign-ups to list. Zero / NULL fields do not filter. Initialise with
 * #CPOL_SIGNUP_FILTER_INIT; the struct only grows at the end.
 */
typedef struct cpol_signup_filter {
    unsigned int version;   /**< #CPOL_SIGNUP_FILTER_VERSION */
    const cpol_id *shift;   /**< sign-ups for this shift */
    const cpol_id *person;  /**< sign-ups of this person */
    int32_t status;         /**< sign-ups in this #cpol_signup_status_t */
    cpol_time from;         /**< for shifts starting at or after this time */
    cpol_time to;           /**< for shifts starting before this time */
    int64_t offset;         /**< skip this many sign-ups (paging) */
    int64_t limit;          /**< at most this many (0: no limit) */
} cpol_signup_filter;

/** The current version of #cpol_signup_filter. */
#define CPOL_SIGNUP_FILTER_VERSION 1
/** Initialiser for #cpol_signup_filter: every sign-up. */
#define CPOL_SIGNUP_FILTER_INIT { CPOL_SIGNUP_FILTER_VERSION, NULL, NULL, 0, 0, 0, 0, 0 }

/**
 * List sign-ups by the start of their shift, without those of covert
 * persons hidden from the reader (a filter on such a person lists nothing).
 * An actor bound to one station lists that station's sign-ups only.
 * @ctor cpol_signup_iter
 * @param ctx  an open context
 * @param as   the actor; a filter on the actor's own person needs nothing more;
 *             any other listing needs #CPOL_PERM_PERSON_VIEW
 * @param filter  which sign-ups, or NULL for all
 * @param[out] out  receives the iterator (owned; free with cpol_signup_iter_free())
 * @return #CPOL_OK; #CPOL_EVERSION; #CPOL_EINVALID for an unknown status, negative times,
 *         offset or limit, or @p to before @p from; #CPOL_EPERM; #CPOL_EMISUSE;
 *         #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_signup_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_signup_filter *filter,
                                  cpol_signup_iter **out);
/**
 * Next sign-up.
 * @param it  the iterator
 * @param[out] out  receives the sign-up (borrowed: valid until the next call on @p it)
 * @return #CPOL_OK; #CPOL_DONE at the end; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_signup_iter_next(cpol_signup_iter *it, const cpol_signup **out);
/**
 * Free an iterator (also after its context was closed).
 * @dtor cpol_signup_iter
 * @param it  the iterator, or NULL
 * @since 0.1
 */
CPOL_API void cpol_signup_iter_free(cpol_signup_iter *it);

/**
 * Total activity time of a person: the minutes of their completed sign-ups
 * for shifts starting in [@p from, @p to).
 * @param ctx  an open context
 * @param as   the actor; the person themself, or #CPOL_PERM_PERSON_VIEW at the person's station
 * @param person  the person
 * @param kind  only shifts of this #cpol_shift_kind_t, or 0 for all
 * @param from  earliest shift start counted (0: no lower bound)
 * @param to  first shift start no longer counted (0: no upper bound)
 * @param[out] minutes_out  receives the total
 * @return #CPOL_OK; #CPOL_ENOTFOUND if the person does not exist or is covert
 *         and hidden from @p as; #CPOL_EINVALID for an unknown kind, a negative
 *         bound or @p to before @p from; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_activity_minutes(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int kind,
                                   cpol_time from, cpol_time to, int64_t *minutes_out);

CPOL_END_DECL

#endif /* COMMPOLICE_ACTIVITY_H */
