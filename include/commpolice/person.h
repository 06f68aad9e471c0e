/**
 * @file commpolice/person.h
 * @brief People (一人一档): real-name files, the roles they hold, review-based
 *        admission of volunteers, and notes that are never deleted.
 *
 * A person file holds a name, a resident ID-card number (checked against its
 * GB 11643 check digit and birth date; unique among the files of one police
 * station, so a person may have a file at two stations), a phone number, a
 * home area, skills and occupation categories. ID-card and phone numbers are
 * sensitive personal information: every read masks them
 * ("350***********1234", "138****5678") and withholds the birth date (only
 * the year is given, cpol_person_birth_year()) unless the actor holds
 * #CPOL_PERM_PERSON_SENSITIVE or reads their own file, so that no field
 * gives the hidden digits back.
 *
 * Security informants (治安信息员) are covert: a person who holds or ever
 * held #CPOL_ROLE_INFORMANT does not exist for a reader without
 * #CPOL_PERM_PERSON_SENSITIVE (other than that person): their file,
 * assignments and notes answer #CPOL_ENOTFOUND exactly as an unknown id,
 * listings skip them, and writes that name them are refused the same way.
 * Only an actor holding #CPOL_PERM_PERSON_SENSITIVE may enrol someone as an
 * informant.
 *
 * A person holds roles through *assignments*: a role at an area with a
 * status. Staff roles (cpol_role_is_staff()) are appointed and active at
 * once. Volunteer roles go through review-based admission (审核准入):
 *
 *     applied → under review → admitted → active ⇄ suspended
 *                            ↘ rejected            ↘ retired (also from active)
 *
 * Each step is taken by a permitted actor with a reason and recorded in the
 * audit trail; cpol_assignment_step() refuses any other step with
 * #CPOL_ESTATE, naming the current state and the steps allowed from it.
 * Nothing is deleted: a retired volunteer's file, history and notes remain.
 */
#ifndef COMMPOLICE_PERSON_H
#define COMMPOLICE_PERSON_H

#include "common.h"
#include "types.h"
#include "actor.h"

CPOL_BEGIN_DECL

/** Longest person name, in bytes of UTF-8. */
#define CPOL_PERSON_NAME_MAX 100
/** Longest skills text, in bytes of UTF-8. */
#define CPOL_PERSON_SKILLS_MAX 500
/** Longest reason or note text, in bytes of UTF-8. */
#define CPOL_REASON_MAX 2000

/**
 * Occupation categories (bits): the seeds' "三保两员两车一服" groups from
 * which informants are recruited.
 */
typedef enum cpol_category_t {
    CPOL_CATEGORY_SECURITY_GUARD = 0x01, /**< 保安 security guard */
    CPOL_CATEGORY_CLEANER = 0x02,        /**< 保洁 cleaner */
    CPOL_CATEGORY_DOMESTIC = 0x04,       /**< 保姆 domestic helper */
    CPOL_CATEGORY_COURIER = 0x08,        /**< 快递员 courier */
    CPOL_CATEGORY_FOOD_DELIVERY = 0x10,  /**< 外卖员 food-delivery rider */
    CPOL_CATEGORY_TAXI = 0x20,           /**< 出租车司机 taxi driver */
    CPOL_CATEGORY_RIDE_HAILING = 0x40,   /**< 网约车司机 ride-hailing driver */
    CPOL_CATEGORY_SERVICE = 0x80         /**< 服务行业 service-trade worker */
} cpol_category_t;

/** All category bits. */
#define CPOL_CATEGORY_ALL 0xFFu

/** Assignment states (stable values). */
typedef enum cpol_assignment_status_t {
    CPOL_ASSIGNMENT_APPLIED = 1,      /**< applied, waiting for review */
    CPOL_ASSIGNMENT_UNDER_REVIEW = 2, /**< being reviewed */
    CPOL_ASSIGNMENT_ADMITTED = 3,     /**< admitted, not yet active */
    CPOL_ASSIGNMENT_REJECTED = 4,     /**< rejected (final) */
    CPOL_ASSIGNMENT_ACTIVE = 5,       /**< active: the person may act in the role */
    CPOL_ASSIGNMENT_SUSPENDED = 6,    /**< suspended: may not act until reinstated */
    CPOL_ASSIGNMENT_RETIRED = 7       /**< retired (final) */
} cpol_assignment_status_t;

/** Kinds of note on a person file. */
typedef enum cpol_note_kind_t {
    CPOL_NOTE_GENERAL = 1,      /**< general remark */
    CPOL_NOTE_COMMENDATION = 2, /**< commendation (表彰) */
    CPOL_NOTE_DISCIPLINE = 3,   /**< disciplinary note (处分) */
    CPOL_NOTE_EXIT = 4          /**< exit interview or reason for leaving */
} cpol_note_kind_t;

/**
 * The fields of a person file, for cpol_person_register() and
 * cpol_person_update(). Initialise with #CPOL_PERSON_FIELDS_INIT. In an
 * update, NULL pointers (and categories == -1) leave a field unchanged.
 */
typedef struct cpol_person_fields {
    unsigned int version;      /**< #CPOL_PERSON_FIELDS_VERSION */
    const char *name;          /**< real name, 1 to #CPOL_PERSON_NAME_MAX bytes (required to register) */
    const char *id_card;       /**< 18-character resident ID-card number (required to register) */
    const char *phone;         /**< mobile (11 digits starting with 1) or landline (0, area code, '-', number); optional */
    const cpol_id *home_area;  /**< the area the person lives in (required to register) */
    const char *skills;        /**< free text such as "急救, 驾驶"; optional */
    int32_t categories;        /**< #cpol_category_t bits; -1 leaves unchanged in an update */
} cpol_person_fields;

/** The current version of #cpol_person_fields. */
#define CPOL_PERSON_FIELDS_VERSION 1
/** Initialiser for #cpol_person_fields: everything unset. */
#define CPOL_PERSON_FIELDS_INIT { CPOL_PERSON_FIELDS_VERSION, NULL, NULL, NULL, NULL, NULL, -1 }

/** A person file (a snapshot, masked for the actor that read it). */
typedef struct cpol_person cpol_person;
/** An iterator over person files. */
typedef struct cpol_person_iter cpol_person_iter;
/** A role assignment (a snapshot). */
typedef struct cpol_assignment cpol_assignment;
/** An iterator over assignments. */
typedef struct cpol_assignment_iter cpol_assignment_iter;

/**
 * Check a resident ID-card number (GB 11643-1999): 18 characters, 17 digits
 * and a check character (digit or X), a province code that exists, a real
 * birth date not in the future, and the check character computed from the
 * others. Needs no context.
 * @param id_card  the number
 * @return #CPOL_OK; #CPOL_EMISUSE if NULL; #CPOL_EINVALID with a message naming the problem
 * @since 0.1
 */
CPOL_API int cpol_id_card_check(const char *id_card);

/**
 * Register a person.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_PERSON_REGISTER at the home area's station
 * @param fields  the file; name, id_card and home_area are required
 * @param[out] id_out  receives the new person's id (may be NULL)
 * @return #CPOL_OK; #CPOL_EEXISTS if a file with this ID-card number is
 *         already registered at the home area's station (the message names
 *         no one and no other station); #CPOL_EINVALID for a bad ID-card number,
 *         phone, empty name or category bits; #CPOL_ENOTFOUND if the home
 *         area does not exist; #CPOL_EPERM; #CPOL_EVERSION; #CPOL_EUTF8;
 *         #CPOL_ETOOLONG; #CPOL_EMISUSE; #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_person_register(cpol_ctx *ctx, const cpol_actor *as, const cpol_person_fields *fields,
                                  cpol_id *id_out);

/**
 * Change fields of a person file (NULL fields stay as they are).
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_PERSON_REGISTER at the person's station
 *             (and at the new station when the home area moves there)
 * @param person  the person
 * @param fields  the fields to change
 * @return as cpol_person_register() (the number must be free at the station the
 *         file ends up at), plus #CPOL_ENOTFOUND for an unknown person or one
 *         hidden from the actor
 * @since 0.1
 */
CPOL_API int cpol_person_update(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person,
                                const cpol_person_fields *fields);

/**
 * Read a person file. A person may always read their own file (in full).
 * @ctor cpol_person
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_PERSON_VIEW at the person's station
 *             (numbers masked without #CPOL_PERM_PERSON_SENSITIVE)
 * @param id   the person; a covert person is #CPOL_ENOTFOUND for an actor without
 *             #CPOL_PERM_PERSON_SENSITIVE, as an unknown id
 * @param[out] out  receives the file (owned; free with cpol_person_free())
 * @return #CPOL_OK; #CPOL_ENOTFOUND; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_person_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, cpol_person **out);

/**
 * Find a person by ID-card number (for a kiosk that scans an ID card).
 * Looks only within the actor's scope: its station for a station-bound
 * actor, the stations under its bureau for a bureau-wide one, everywhere for
 * the system actor (the earliest registered file when several stations hold
 * the number). A number held only outside that scope, or only by a person
 * hidden from the actor, is #CPOL_ENOTFOUND with the same message as a
 * number nobody holds. One's own number always finds one's own file.
 * @ctor cpol_person
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_PERSON_VIEW
 * @param id_card  the number (checked as in cpol_id_card_check())
 * @param[out] out  receives the file (owned; free with cpol_person_free())
 * @return #CPOL_OK; #CPOL_ENOTFOUND; #CPOL_EINVALID; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_person_find_by_id_card(cpol_ctx *ctx, const cpol_actor *as, const char *id_card,
                                         cpol_person **out);

/**
 * Free a person snapshot.
 * @dtor cpol_person
 * @param person  the snapshot, or NULL
 * @since 0.1
 */
CPOL_API void cpol_person_free(cpol_person *person);

/**
 * @param p  a person
 * @return the id (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_person_id(const cpol_person *p);
/**
 * @param p  a person
 * @return the name (borrowed)
 * @since 0.1
 */
CPOL_API const char *cpol_person_name(const cpol_person *p);
/**
 * @param p  a person
 * @return the ID-card number, masked unless the reader may see it (borrowed)
 * @since 0.1
 */
CPOL_API const char *cpol_person_id_card(const cpol_person *p);
/**
 * @param p  a person
 * @return the phone number, masked unless the reader may see it; "" if none (borrowed)
 * @since 0.1
 */
CPOL_API const char *cpol_person_phone(const cpol_person *p);
/**
 * @param p  a person
 * @return 1 if the ID-card and phone numbers are masked in this snapshot, 0 if full
 * @since 0.1
 */
CPOL_API int cpol_person_masked(const cpol_person *p);
/**
 * @param p  a person
 * @return the home area (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_person_home_area(const cpol_person *p);
/**
 * @param p  a person
 * @return the station of the home area (borrowed), or NULL if the area is under no station
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_person_station(const cpol_person *p);
/**
 * @param p  a person
 * @return the skills text, "" if none (borrowed)
 * @since 0.1
 */
CPOL_API const char *cpol_person_skills(const cpol_person *p);
/**
 * @param p  a person
 * @return the #cpol_category_t bits
 * @since 0.1
 */
CPOL_API int32_t cpol_person_categories(const cpol_person *p);
/**
 * @param p  a person
 * @return the birth date from the ID-card number as YYYYMMDD (e.g. 19850312);
 *         0 when the snapshot is masked (cpol_person_masked()): the date is the
 *         part of the number the mask hides
 * @since 0.1
 */
CPOL_API int32_t cpol_person_birth_date(const cpol_person *p);
/**
 * @param p  a person
 * @return the year of birth (e.g. 1985), also when the snapshot is masked; 0 for NULL
 * @since 0.1
 */
CPOL_API int32_t cpol_person_birth_year(const cpol_person *p);
/**
 * @param p  a person
 * @return when the file was registered
 * @since 0.1
 */
CPOL_API cpol_time cpol_person_registered_at(const cpol_person *p);

/**
 * Which people to list. Zero / NULL fields do not filter.
 * Initialise with #CPOL_PERSON_FILTER_INIT; the struct only grows at the end.
 */
typedef struct cpol_person_filter {
    unsigned int version;   /**< #CPOL_PERSON_FILTER_VERSION */
    const cpol_id *area;    /**< people whose home area is this area or below it */
    int32_t role;           /**< people holding this #cpol_role_t (in any status unless @ref status is set) */
    int32_t status;         /**< together with the role filter: only assignments in this #cpol_assignment_status_t */
    int32_t categories;     /**< people with any of these #cpol_category_t bits */
    int64_t offset;         /**< skip this many people (paging) */
    int64_t limit;          /**< at most this many (0: no limit) */
} cpol_person_filter;

/** The current version of #cpol_person_filter. */
#define CPOL_PERSON_FILTER_VERSION 1
/** Initialiser for #cpol_person_filter: everyone. */
#define CPOL_PERSON_FILTER_INIT { CPOL_PERSON_FILTER_VERSION, NULL, 0, 0, 0, 0, 0 }

/**
 * List people (masked as for cpol_person_get()), in registration order.
 * Covert people are skipped for an actor without #CPOL_PERM_PERSON_SENSITIVE
 * before paging (a filter on #CPOL_ROLE_INFORMANT lists nobody to it).
 * @ctor cpol_person_iter
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_PERSON_VIEW; sees only its station's people
 * @param filter  the filter, or NULL for everyone
 * @param[out] out  receives the iterator (owned; free with cpol_person_iter_free())
 * @return #CPOL_OK; #CPOL_EPERM; #CPOL_EINVALID for bad filter values; #CPOL_EVERSION;
 *         #CPOL_ENOTFOUND for an unknown area; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_person_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_person_filter *filter,
                                  cpol_person_iter **out);
/**
 * Next person.
 * @param it  the iterator
 * @param[out] out  receives the person (borrowed: valid until the next call on @p it)
 * @return #CPOL_OK; #CPOL_DONE at the end; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_person_iter_next(cpol_person_iter *it, const cpol_person **out);
/**
 * Free an iterator (also after its context was closed).
 * @dtor cpol_person_iter
 * @param it  the iterator, or NULL
 * @since 0.1
 */
CPOL_API void cpol_person_iter_free(cpol_person_iter *it);

/**
 * Give a person a staff role (officer, auxiliary, leader, operator, analyst),
 * active at once.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_ROLE_APPOINT at the area's station
 * @param person  the person (#CPOL_ENOTFOUND if hidden from @p as)
 * @param role  a staff #cpol_role_t
 * @param area  where the role is held (a station, or a bureau for bureau-wide leaders and analysts)
 * @param reason  why (may be NULL)
 * @param[out] id_out  receives the assignment's id (may be NULL)
 * @return #CPOL_OK; #CPOL_ERULE if @p role is not a staff role; #CPOL_EEXISTS if
 *         the person already holds the role there and it is not retired or rejected;
 *         #CPOL_ENOTFOUND; #CPOL_EPERM; #CPOL_EINVALID; #CPOL_EMISUSE; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_role_appoint(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int role,
                               const cpol_id *area, const char *reason, cpol_id *id_out);

/**
 * Record an application for a volunteer role (state "applied").
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_VOLUNTEER_ENROL at the area's station, and
 *             #CPOL_PERM_PERSON_SENSITIVE too for #CPOL_ROLE_INFORMANT
 * @param person  the applicant (#CPOL_ENOTFOUND if hidden from @p as)
 * @param role  a volunteer #cpol_role_t (not a staff role)
 * @param area  where the person will serve (a station or an area below it)
 * @param reason  the application's motivation or source (may be NULL)
 * @param[out] id_out  receives the assignment's id (may be NULL)
 * @return #CPOL_OK; #CPOL_ERULE for a staff role; #CPOL_EEXISTS if the person
 *         already holds or applied for the role there (and was not rejected or retired);
 *         #CPOL_ENOTFOUND; #CPOL_EPERM; #CPOL_EINVALID; #CPOL_EMISUSE; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_volunteer_apply(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int role,
                                  const cpol_id *area, const char *reason, cpol_id *id_out);

/**
 * Move an assignment to another state (see the diagram in commpolice/person.h).
 * Review steps (to under review, admitted, rejected) need
 * #CPOL_PERM_VOLUNTEER_REVIEW; activating, suspending, reinstating and retiring
 * need #CPOL_PERM_VOLUNTEER_MANAGE for volunteer roles and
 * #CPOL_PERM_ROLE_APPOINT for staff roles. Nobody may take a step on their
 * own assignment.
 * @param ctx  an open context
 * @param as   the actor (permission as above, at the assignment's station)
 * @param assignment  the assignment (#CPOL_ENOTFOUND if its person is hidden from @p as)
 * @param to   the target #cpol_assignment_status_t
 * @param reason  why: required (1 to #CPOL_REASON_MAX bytes) for reject, suspend and retire
 * @return #CPOL_OK; #CPOL_ESTATE if the step is not allowed from the current
 *         state (the message names both and the allowed steps); #CPOL_EPERM;
 *         #CPOL_ERULE for a step on one's own assignment; #CPOL_EINVALID for an
 *         unknown state or a missing reason; #CPOL_ENOTFOUND; #CPOL_EMISUSE; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_assignment_step(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *assignment, int to,
                                  const char *reason);

/**
 * Read an assignment.
 * @ctor cpol_assignment
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_PERSON_VIEW where the role is held, unless
 *             the assignment is its own
 * @param id   the assignment; #CPOL_ENOTFOUND, as an unknown id, when its person
 *             is hidden from @p as
 * @param[out] out  receives it (owned; free with cpol_assignment_free())
 * @return #CPOL_OK; #CPOL_ENOTFOUND; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_assignment_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, cpol_assignment **out);
/**
 * Free an assignment snapshot.
 * @dtor cpol_assignment
 * @param a  the snapshot, or NULL
 * @since 0.1
 */
CPOL_API void cpol_assignment_free(cpol_assignment *a);
/**
 * @param a  an assignment
 * @return its id (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_assignment_id(const cpol_assignment *a);
/**
 * @param a  an assignment
 * @return the person (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_assignment_person(const cpol_assignment *a);
/**
 * @param a  an assignment
 * @return the #cpol_role_t
 * @since 0.1
 */
CPOL_API int cpol_assignment_role(const cpol_assignment *a);
/**
 * @param a  an assignment
 * @return the area where the role is held (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_assignment_area(const cpol_assignment *a);
/**
 * @param a  an assignment
 * @return the #cpol_assignment_status_t
 * @since 0.1
 */
CPOL_API int cpol_assignment_status(const cpol_assignment *a);
/**
 * @param a  an assignment
 * @return when it entered its current state
 * @since 0.1
 */
CPOL_API cpol_time cpol_assignment_since(const cpol_assignment *a);

/**
 * List a person's assignments, oldest first (history of each is in the audit trail).
 * @ctor cpol_assignment_iter
 * @param ctx  an open context
 * @param as   the actor; may read the person's file (as cpol_person_get())
 * @param person  the person; #CPOL_ENOTFOUND when hidden from @p as
 * @param[out] out  receives the iterator (owned; free with cpol_assignment_iter_free())
 * @return #CPOL_OK; #CPOL_ENOTFOUND; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_assignment_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person,
                                      cpol_assignment_iter **out);
/**
 * Next assignment.
 * @param it  the iterator
 * @param[out] out  receives it (borrowed: valid until the next call on @p it)
 * @return #CPOL_OK; #CPOL_DONE at the end; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_assignment_iter_next(cpol_assignment_iter *it, const cpol_assignment **out);
/**
 * Free an iterator (also after its context was closed).
 * @dtor cpol_assignment_iter
 * @param it  the iterator, or NULL
 * @since 0.1
 */
CPOL_API void cpol_assignment_iter_free(cpol_assignment_iter *it);

/**
 * @param status  a #cpol_assignment_status_t
 * @return its name such as "under review" (static; "unknown" for unknown values)
 * @since 0.1
 */
CPOL_API const char *cpol_assignment_status_name(int status);

/**
 * Add a note to a person file. Notes are never changed or deleted.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_PERSON_NOTE at the person's station
 * @param person  the person (#CPOL_ENOTFOUND if hidden from @p as)
 * @param kind  a #cpol_note_kind_t
 * @param text  1 to #CPOL_REASON_MAX bytes of UTF-8
 * @param[out] id_out  receives the note's id (may be NULL)
 * @return #CPOL_OK; #CPOL_ENOTFOUND; #CPOL_EPERM; #CPOL_EINVALID; #CPOL_EUTF8;
 *         #CPOL_ETOOLONG; #CPOL_EMISUSE; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_person_note_add(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int kind,
                                  const char *text, cpol_id *id_out);

/**
 * Count a person's notes of a kind (0 = all kinds); the texts are listed by
 * the audit trail (action "person.note") for readers with #CPOL_PERM_AUDIT_VIEW.
 * Notes (disciplinary ones above all) are personal data.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_PERSON_NOTE at the person's station, unless
 *             counting its own notes
 * @param person  the person; #CPOL_ENOTFOUND when hidden from @p as
 * @param kind  a #cpol_note_kind_t or 0
 * @param[out] out  receives the count
 * @return #CPOL_OK; #CPOL_ENOTFOUND; #CPOL_EPERM; #CPOL_EINVALID; #CPOL_EMISUSE; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_person_note_count(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int kind,
                                    int64_t *out);

CPOL_END_DECL

#endif /* COMMPOLICE_PERSON_H */
