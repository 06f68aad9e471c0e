/**
 * @file commpolice/training.h
 * @brief Training (社区警校): courses, sessions, attendance, hours and certificates.
 *
 * A police station trains its team members in police skills, dispute
 * mediation, the law, fraud prevention, first aid and fire drills. A
 * *course* belongs to one station; it is held in *sessions* (a start time
 * and a length); the attendance of each person at each session is recorded
 * once, after the session has started. A course may grant a *certificate*
 * valid for a number of days, issued only to people who attended at least
 * one of its sessions.
 *
 * Nobody records their own attendance or issues themselves a certificate:
 * training earns points in the ledger, so the record must come from
 * someone else (#CPOL_ERULE).
 *
 * Every read names its actor. Courses and sessions are reference data: any
 * active actor of the course's station may read them. A person's training
 * record, minutes and certificates are about that person: the person
 * themself may always read them; anyone else needs #CPOL_PERM_PERSON_VIEW
 * at the person's station. For a covert person (one who holds or held the
 * informant role) and a reader without a still-active
 * #CPOL_PERM_PERSON_SENSITIVE assignment, these reads answer
 * #CPOL_ENOTFOUND exactly as for an unknown person, and recording their
 * attendance or issuing them a certificate is refused the same way.
 */
#ifndef COMMPOLICE_TRAINING_H
#define COMMPOLICE_TRAINING_H

#include "common.h"
#include "types.h"
#include "actor.h"

CPOL_BEGIN_DECL

/** Kinds of course (stable values). */
typedef enum cpol_course_kind_t {
    CPOL_COURSE_POLICE_SKILLS = 1, /**< police skills (警务技能) */
    CPOL_COURSE_MEDIATION = 2,     /**< dispute mediation (矛盾纠纷调解) */
    CPOL_COURSE_LAW = 3,           /**< law education (普法) */
    CPOL_COURSE_ANTI_FRAUD = 4,    /**< fraud prevention (反诈) */
    CPOL_COURSE_FIRST_AID = 5,     /**< first aid (急救) */
    CPOL_COURSE_FIRE_DRILL = 6     /**< fire drill (消防演练) */
} cpol_course_kind_t;

/** Longest course title, in bytes of UTF-8. */
#define CPOL_COURSE_TITLE_MAX 200
/** Longest validity of a certificate, in days (ten years). */
#define CPOL_CERT_VALID_DAYS_MAX 3660
/** Longest training session, in minutes (one day). */
#define CPOL_SESSION_MINUTES_MAX 1440

/** A course (a snapshot). */
typedef struct cpol_course cpol_course;
/** An iterator over courses. */
typedef struct cpol_course_iter cpol_course_iter;
/** A training session (a snapshot). */
typedef struct cpol_training_session cpol_training_session;
/** An iterator over training sessions. */
typedef struct cpol_training_session_iter cpol_training_session_iter;
/** One attendance entry of a person's training record (borrowed from its iterator). */
typedef struct cpol_training_record cpol_training_record;
/** An iterator over a person's training record. */
typedef struct cpol_training_record_iter cpol_training_record_iter;
/** A certificate (borrowed from its iterator). */
typedef struct cpol_certificate cpol_certificate;
/** An iterator over a person's certificates. */
typedef struct cpol_certificate_iter cpol_certificate_iter;

/**
 * @param kind  a #cpol_course_kind_t
 * @return its English name such as "first aid" (static; "unknown" for unknown values)
 * @since 0.1
 */
CPOL_API const char *cpol_course_kind_name(int kind);

/**
 * Create a course.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_TRAINING_MANAGE at @p station
 * @param station  the police station (an area of kind #CPOL_AREA_STATION) that runs the course
 * @param kind  a #cpol_course_kind_t
 * @param title  1 to #CPOL_COURSE_TITLE_MAX bytes of UTF-8
 * @param cert_valid_days  0 if the course grants no certificate, else how many days
 *        (1 to #CPOL_CERT_VALID_DAYS_MAX) a certificate stays valid
 * @param[out] id_out  receives the new course's id (may be NULL)
 * @return #CPOL_OK; #CPOL_EMISUSE for NULL @p ctx, @p as, @p station or @p title;
 *         #CPOL_EINVALID for an unknown kind, an empty title or days out of range;
 *         #CPOL_ENOTFOUND if the area does not exist; #CPOL_ERULE if it is not a station;
 *         #CPOL_EPERM; #CPOL_EUTF8; #CPOL_ETOOLONG; #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_course_create(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, int kind,
                                const char *title, int32_t cert_valid_days, cpol_id *id_out);

/**
 * Read a course.
 * @ctor cpol_course
 * @param ctx  an open context
 * @param as   the actor; any active actor at the course's station (reference data)
 * @param id   the course
 * @param[out] out  receives the course (owned; free with cpol_course_free()); NULL on failure
 * @return #CPOL_OK; #CPOL_ENOTFOUND; #CPOL_EPERM for an inactive actor or one
 *         of another station; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_course_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, cpol_course **out);
/**
 * Free a course snapshot.
 * @dtor cpol_course
 * @param course  the snapshot, or NULL
 * @since 0.1
 */
CPOL_API void cpol_course_free(cpol_course *course);
/**
 * @param course  a course
 * @return its id (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_course_id(const cpol_course *course);
/**
 * @param course  a course
 * @return the station that runs it (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_course_station(const cpol_course *course);
/**
 * @param course  a course
 * @return its #cpol_course_kind_t
 * @since 0.1
 */
CPOL_API int cpol_course_kind(const cpol_course *course);
/**
 * @param course  a course
 * @return its title (borrowed)
 * @since 0.1
 */
CPOL_API const char *cpol_course_title(const cpol_course *course);
/**
 * @param course  a course
 * @return how many days its certificates stay valid; 0 if it grants none
 * @since 0.1
 */
CPOL_API int32_t cpol_course_cert_valid_days(const cpol_course *course);
/**
 * @param course  a course
 * @return when it was created
 * @since 0.1
 */
CPOL_API cpol_time cpol_course_created_at(const cpol_course *course);

/**
 * List a station's courses, in creation order.
 * @ctor cpol_course_iter
 * @param ctx  an open context
 * @param as   the actor; any active actor at @p station (reference data)
 * @param station  the station
 * @param kind  only courses of this #cpol_course_kind_t, or 0 for all
 * @param[out] out  receives the iterator (owned; free with cpol_course_iter_free())
 * @return #CPOL_OK; #CPOL_EINVALID for an unknown kind; #CPOL_EPERM;
 *         #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_course_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, int kind,
                                  cpol_course_iter **out);
/**
 * Next course.
 * @param it  the iterator
 * @param[out] out  receives the course (borrowed: valid until the next call on @p it)
 * @return #CPOL_OK; #CPOL_DONE at the end; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_course_iter_next(cpol_course_iter *it, const cpol_course **out);
/**
 * Free an iterator (also after its context was closed).
 * @dtor cpol_course_iter
 * @param it  the iterator, or NULL
 * @since 0.1
 */
CPOL_API void cpol_course_iter_free(cpol_course_iter *it);

/**
 * Schedule (or record) a session of a course. Sessions may lie in the past,
 * to record training that already took place.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_TRAINING_MANAGE at the course's station
 * @param course  the course
 * @param starts_at  when the session starts (> 0)
 * @param minutes  its length, 1 to #CPOL_SESSION_MINUTES_MAX
 * @param location  where it is held: an area within the course's station, or NULL
 * @param[out] id_out  receives the new session's id (may be NULL)
 * @return #CPOL_OK; #CPOL_EMISUSE for NULL @p ctx, @p as or @p course;
 *         #CPOL_EINVALID for a start time or length out of range;
 *         #CPOL_ENOTFOUND if the course or location does not exist;
 *         #CPOL_ERULE if the location lies outside the course's station;
 *         #CPOL_EPERM; #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_training_session_create(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *course,
                                          cpol_time starts_at, int32_t minutes, const cpol_id *location,
                                          cpol_id *id_out);

/**
 * Read a training session.
 * @ctor cpol_training_session
 * @param ctx  an open context
 * @param as   the actor; any active actor at the course's station (reference data)
 * @param id   the session
 * @param[out] out  receives the session (owned; free with cpol_training_session_free()); NULL on failure
 * @return #CPOL_OK; #CPOL_ENOTFOUND; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_training_session_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id,
                                       cpol_training_session **out);
/**
 * Free a session snapshot.
 * @dtor cpol_training_session
 * @param session  the snapshot, or NULL
 * @since 0.1
 */
CPOL_API void cpol_training_session_free(cpol_training_session *session);
/**
 * @param session  a session
 * @return its id (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_training_session_id(const cpol_training_session *session);
/**
 * @param session  a session
 * @return its course (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_training_session_course(const cpol_training_session *session);
/**
 * @param session  a session
 * @return the course's station (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_training_session_station(const cpol_training_session *session);
/**
 * @param session  a session
 * @return when it starts
 * @since 0.1
 */
CPOL_API cpol_time cpol_training_session_starts_at(const cpol_training_session *session);
/**
 * @param session  a session
 * @return its length in minutes
 * @since 0.1
 */
CPOL_API int32_t cpol_training_session_minutes(const cpol_training_session *session);
/**
 * @param session  a session
 * @return where it is held (borrowed), or NULL if no location was given
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_training_session_location(const cpol_training_session *session);

/**
 * List a course's sessions by start time.
 * @ctor cpol_training_session_iter
 * @param ctx  an open context
 * @param as   the actor; any active actor at the course's station (reference data)
 * @param course  the course
 * @param[out] out  receives the iterator (owned; free with cpol_training_session_iter_free())
 * @return #CPOL_OK; #CPOL_ENOTFOUND if the course does not exist; #CPOL_EPERM;
 *         #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_training_session_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *course,
                                            cpol_training_session_iter **out);
/**
 * Next session.
 * @param it  the iterator
 * @param[out] out  receives the session (borrowed: valid until the next call on @p it)
 * @return #CPOL_OK; #CPOL_DONE at the end; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_training_session_iter_next(cpol_training_session_iter *it,
                                             const cpol_training_session **out);
/**
 * Free an iterator (also after its context was closed).
 * @dtor cpol_training_session_iter
 * @param it  the iterator, or NULL
 * @since 0.1
 */
CPOL_API void cpol_training_session_iter_free(cpol_training_session_iter *it);

/**
 * Record whether a person attended a session (once per person and session).
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_TRAINING_RECORD at the course's station
 * @param session  the session; it must have started by the context's clock
 * @param person  the trainee, registered at the course's station
 * @param attended  1 present, 0 absent
 * @param[out] id_out  receives the attendance entry's id (may be NULL)
 * @return #CPOL_OK; #CPOL_EMISUSE for NULL @p ctx, @p as, @p session or @p person;
 *         #CPOL_EINVALID if @p attended is not 0 or 1;
 *         #CPOL_ENOTFOUND if the session or person does not exist;
 *         #CPOL_ESTATE if the session has not started yet;
 *         #CPOL_EEXISTS if the person's attendance at the session is already recorded;
 *         #CPOL_ERULE if the person is registered at another station, or is the actor;
 *         #CPOL_EPERM; #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_training_attend(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *session,
                                  const cpol_id *person, int attended, cpol_id *id_out);

/**
 * List a person's attendance entries by session start time.
 * @ctor cpol_training_record_iter
 * @param ctx  an open context
 * @param as   the actor; the person themself, or #CPOL_PERM_PERSON_VIEW at the person's station
 * @param person  the person
 * @param[out] out  receives the iterator (owned; free with cpol_training_record_iter_free())
 * @return #CPOL_OK; #CPOL_ENOTFOUND if the person does not exist or is covert
 *         and hidden from @p as; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_training_record_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person,
                                           cpol_training_record_iter **out);
/**
 * Next attendance entry.
 * @param it  the iterator
 * @param[out] out  receives the entry (borrowed: valid until the next call on @p it)
 * @return #CPOL_OK; #CPOL_DONE at the end; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_training_record_iter_next(cpol_training_record_iter *it, const cpol_training_record **out);
/**
 * Free an iterator (also after its context was closed).
 * @dtor cpol_training_record_iter
 * @param it  the iterator, or NULL
 * @since 0.1
 */
CPOL_API void cpol_training_record_iter_free(cpol_training_record_iter *it);
/**
 * @param r  an attendance entry
 * @return the entry's id (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_training_record_id(const cpol_training_record *r);
/**
 * @param r  an attendance entry
 * @return the session (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_training_record_session(const cpol_training_record *r);
/**
 * @param r  an attendance entry
 * @return the session's course (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_training_record_course(const cpol_training_record *r);
/**
 * @param r  an attendance entry
 * @return the course's #cpol_course_kind_t
 * @since 0.1
 */
CPOL_API int cpol_training_record_kind(const cpol_training_record *r);
/**
 * @param r  an attendance entry
 * @return when the session started
 * @since 0.1
 */
CPOL_API cpol_time cpol_training_record_starts_at(const cpol_training_record *r);
/**
 * @param r  an attendance entry
 * @return the session's length in minutes
 * @since 0.1
 */
CPOL_API int32_t cpol_training_record_minutes(const cpol_training_record *r);
/**
 * @param r  an attendance entry
 * @return 1 if the person was present, 0 if absent
 * @since 0.1
 */
CPOL_API int cpol_training_record_attended(const cpol_training_record *r);

/**
 * Total training time of a person: the minutes of the sessions they
 * attended (present) that start in [@p from, @p to).
 * @param ctx  an open context
 * @param as   the actor; the person themself, or #CPOL_PERM_PERSON_VIEW at the person's station
 * @param person  the person
 * @param from  earliest session start counted (0: no lower bound)
 * @param to  first session start no longer counted (0: no upper bound)
 * @param[out] minutes_out  receives the total
 * @return #CPOL_OK; #CPOL_ENOTFOUND if the person does not exist or is covert
 *         and hidden from @p as; #CPOL_EINVALID for a negative bound or @p to
 *         before @p from; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_training_minutes(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, cpol_time from,
                                   cpol_time to, int64_t *minutes_out);

/**
 * Issue a certificate of a course to a person who attended (present) at
 * least one of its sessions. It is valid from now for the course's
 * cpol_course_cert_valid_days() days.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_TRAINING_MANAGE at the course's station
 * @param course  the course
 * @param person  the trainee
 * @param[out] id_out  receives the certificate's id (may be NULL)
 * @return #CPOL_OK; #CPOL_EMISUSE for NULL @p ctx, @p as, @p course or @p person;
 *         #CPOL_ENOTFOUND if the course or person does not exist;
 *         #CPOL_ERULE if the course grants no certificate, the person attended none of
 *         its sessions, or the person is the actor;
 *         #CPOL_EEXISTS if the person already holds an unexpired certificate of the course;
 *         #CPOL_EPERM; #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_certificate_issue(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *course,
                                    const cpol_id *person, cpol_id *id_out);

/**
 * Whether a person holds a certificate of a kind of course that is valid
 * at a time (issued at or before it, expiring after it).
 * @param ctx  an open context
 * @param as   the actor; the person themself, or #CPOL_PERM_PERSON_VIEW at the person's station
 * @param person  the person
 * @param kind  a #cpol_course_kind_t
 * @param at  the time to check, such as cpol_ctx_now()
 * @param[out] valid_out  receives 1 if such a certificate exists, else 0
 * @return #CPOL_OK; #CPOL_ENOTFOUND if the person does not exist or is covert
 *         and hidden from @p as; #CPOL_EINVALID for an unknown kind; #CPOL_EPERM;
 *         #CPOL_EMISUSE; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_certificate_valid(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int kind,
                                    cpol_time at, int *valid_out);

/**
 * List a person's certificates (expired ones too), oldest first.
 * @ctor cpol_certificate_iter
 * @param ctx  an open context
 * @param as   the actor; the person themself, or #CPOL_PERM_PERSON_VIEW at the person's station
 * @param person  the person
 * @param[out] out  receives the iterator (owned; free with cpol_certificate_iter_free())
 * @return #CPOL_OK; #CPOL_ENOTFOUND if the person does not exist or is covert
 *         and hidden from @p as; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_certificate_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person,
                                       cpol_certificate_iter **out);
/**
 * Next certificate.
 * @param it  the iterator
 * @param[out] out  receives the certificate (borrowed: valid until the next call on @p it)
 * @return #CPOL_OK; #CPOL_DONE at the end; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_certificate_iter_next(cpol_certificate_iter *it, const cpol_certificate **out);
/**
 * Free an iterator (also after its context was closed).
 * @dtor cpol_certificate_iter
 * @param it  the iterator, or NULL
 * @since 0.1
 */
CPOL_API void cpol_certificate_iter_free(cpol_certificate_iter *it);
/**
 * @param c  a certificate
 * @return its id (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_certificate_id(const cpol_certificate *c);
/**
 * @param c  a certificate
 * @return the course it was issued for (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_certificate_course(const cpol_certificate *c);
/**
 * @param c  a certificate
 * @return the course's #cpol_course_kind_t
 * @since 0.1
 */
CPOL_API int cpol_certificate_kind(const cpol_certificate *c);
/**
 * @param c  a certificate
 * @return when it was issued
 * @since 0.1
 */
CPOL_API cpol_time cpol_certificate_issued_at(const cpol_certificate *c);
/**
 * @param c  a certificate
 * @return when it expires (it is valid before this time)
 * @since 0.1
 */
CPOL_API cpol_time cpol_certificate_expires_at(const cpol_certificate *c);

CPOL_END_DECL

#endif /* COMMPOLICE_TRAINING_H */
