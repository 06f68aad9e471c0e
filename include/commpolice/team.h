/**
 * @file commpolice/team.h
 * @brief Teams (社区警务团队): kinds, composition templates, one responsible
 *        officer per team (一队一警), members and sub-teams.
 *
 * A team belongs to an area inside a police station (the station is its
 * tenant) and has a kind (义警队, 巡逻队, 调解队, 平安管家, …) and optionally
 * a composition template from the seeds:
 *
 * - "1+1+N": one community officer, one auxiliary officer, N ≥ 1 volunteer
 *   police or informants (Lincang, 临翔);
 * - "1+N": one community officer, N ≥ 1 members from the social forces
 *   (Guiyang Guizhu station, 贵筑派出所);
 * - "1+10+N": one community officer, 1 to 10 self-governing sub-teams (child
 *   teams) and N ≥ 1 social units represented by unit contacts (Chongqing
 *   Dadukou, 大渡口).
 *
 * **一队一警.** Every team has exactly one responsible officer at all times:
 * cpol_team_create() requires one, cpol_team_member_add() refuses a second,
 * cpol_team_member_remove() refuses to remove them, and only
 * cpol_team_set_officer() replaces them (the old officer's membership ends
 * and stays on the roster's history). The officer must hold an active
 * community-officer role (#CPOL_ROLE_OFFICER) at the team's station.
 *
 * **Members.** A membership is a row (team, person, team role, joined, left);
 * ending one keeps the row. A person is active at most once per team. Who may
 * fill a team role: an auxiliary must hold an active #CPOL_ROLE_AUXILIARY at
 * the station (a 1+1+N team takes one); members and leaders an active
 * volunteer role (any role for which cpol_role_is_staff() is 0); unit
 * contacts any person registered at the station.
 *
 * Changes need #CPOL_PERM_TEAM_MANAGE at the team's station and are recorded
 * in the audit trail under the team's id (object kind "team"; actions
 * "team.create", "team.member.add", "team.member.remove", "team.officer.set").
 * cpol_team_check() tells whether a team meets its template.
 *
 * **Informant networks.** Only a person who holds an active security
 * informant (治安信息员, #CPOL_ROLE_INFORMANT) assignment at the team's
 * station may join a team of kind #CPOL_TEAM_INFORMANT_NETWORK, in any team
 * role but the responsible officer's (#CPOL_ERULE otherwise): being on such
 * a team never names anyone who is not covert.
 *
 * **Reading.** Every read names its actor. Teams and team reports are
 * reference data: any active actor of the team's station may read them.
 * Rosters and memberships name people: they need #CPOL_PERM_PERSON_VIEW at
 * the team's station, except that an active member of a team may read its
 * roster and a person may always read their own memberships.
 *
 * **Covert persons.** A person who holds or ever held the informant role is
 * covert: to a reader without a still-active #CPOL_PERM_PERSON_SENSITIVE
 * assignment (and who is not that person) they do not exist. Rosters skip
 * their memberships (an informant network's roster shows its officer only),
 * cpol_membership_get() and cpol_person_team_iter_new() answer
 * #CPOL_ENOTFOUND as for an unknown id, a team's officer who is covert reads
 * as the nil id, and a team report counts only the members the reader can
 * list (its verdict and message judge those counts). Writes naming a covert
 * person by such an actor are refused as for an unknown person.
 */
#ifndef COMMPOLICE_TEAM_H
#define COMMPOLICE_TEAM_H

#include "common.h"
#include "types.h"
#include "actor.h"

CPOL_BEGIN_DECL

/** Kinds of team (stable values). */
typedef enum cpol_team_kind_t {
    CPOL_TEAM_VOLUNTEER_POLICE = 1,   /**< volunteer-police team (义警队) */
    CPOL_TEAM_PATROL = 2,             /**< voluntary patrol team (义务巡逻队) */
    CPOL_TEAM_MEDIATION = 3,          /**< voluntary dispute-mediation team (义务纠纷调解队) */
    CPOL_TEAM_SAFETY_STEWARDS = 4,    /**< compound safety stewards (平安管家) */
    CPOL_TEAM_SHOP_JOINT_DEFENCE = 5, /**< shop joint defence (铺铺联防) */
    CPOL_TEAM_RESCUE = 6,             /**< rescue team (救援队) */
    CPOL_TEAM_INFORMANT_NETWORK = 7   /**< informant network (信息员网络) */
} cpol_team_kind_t;

/** Composition templates a team may declare (stable values). */
typedef enum cpol_team_template_t {
    CPOL_TEAM_TEMPLATE_NONE = 0,  /**< no template: only the one responsible officer is required */
    CPOL_TEAM_TEMPLATE_1_1_N = 1, /**< "1+1+N": one officer, one auxiliary, N ≥ 1 volunteers or informants */
    CPOL_TEAM_TEMPLATE_1_N = 2,   /**< "1+N": one officer, N ≥ 1 members */
    CPOL_TEAM_TEMPLATE_1_10_N = 3 /**< "1+10+N": one officer, 1 to 10 sub-teams, N ≥ 1 unit contacts */
} cpol_team_template_t;

/** The role a person fills in a team (stable values). */
typedef enum cpol_team_role_t {
    CPOL_TEAM_ROLE_OFFICER = 1,     /**< the responsible community officer (责任民警); exactly one */
    CPOL_TEAM_ROLE_AUXILIARY = 2,   /**< auxiliary officer (社区辅警) */
    CPOL_TEAM_ROLE_MEMBER = 3,      /**< member: a volunteer, informant, guard, grid worker, lawyer, … */
    CPOL_TEAM_ROLE_LEADER = 4,      /**< team leader or captain (队长): a member who leads */
    CPOL_TEAM_ROLE_UNIT_CONTACT = 5 /**< contact person of a social unit (社会单元) in a 1+10+N team */
} cpol_team_role_t;

/** Longest team name, in bytes of UTF-8. */
#define CPOL_TEAM_NAME_MAX 200
/** Most sub-teams a 1+10+N team may have. */
#define CPOL_TEAM_SUBTEAMS_MAX 10

/** A team (a snapshot read from storage). */
typedef struct cpol_team cpol_team;
/** An iterator over teams. */
typedef struct cpol_team_iter cpol_team_iter;
/** A membership: one person's place in one team (a snapshot). */
typedef struct cpol_membership cpol_membership;
/** An iterator over memberships. */
typedef struct cpol_membership_iter cpol_membership_iter;
/** The result of checking a team against its template. */
typedef struct cpol_team_report cpol_team_report;

/**
 * What cpol_team_create() needs. Initialise with #CPOL_TEAM_FIELDS_INIT; the
 * struct only grows at the end.
 */
typedef struct cpol_team_fields {
    unsigned int version;   /**< #CPOL_TEAM_FIELDS_VERSION */
    const char *name;       /**< 1 to #CPOL_TEAM_NAME_MAX bytes of UTF-8, unique within the station (required) */
    int32_t kind;           /**< a #cpol_team_kind_t (required) */
    int32_t composition;    /**< a #cpol_team_template_t (#CPOL_TEAM_TEMPLATE_NONE by default) */
    const cpol_id *area;    /**< the area the team serves: a station or an area below one (required) */
    const cpol_id *parent;  /**< the 1+10+N team this one is a sub-team of, or NULL */
    const cpol_id *officer; /**< the responsible officer: a person with an active officer role at the station (required) */
} cpol_team_fields;

/** The current version of #cpol_team_fields. */
#define CPOL_TEAM_FIELDS_VERSION 1
/** Initialiser for #cpol_team_fields: everything unset. */
#define CPOL_TEAM_FIELDS_INIT { CPOL_TEAM_FIELDS_VERSION, NULL, 0, CPOL_TEAM_TEMPLATE_NONE, NULL, NULL, NULL }

/**
 * Create a team with its responsible officer as its first member.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_TEAM_MANAGE at the area's station
 * @param fields  the team
 * @param[out] id_out  receives the new team's id (may be NULL)
 * @return #CPOL_OK; #CPOL_EMISUSE for NULL @p ctx, @p as, @p fields or a NULL
 *         name, area or officer; #CPOL_EVERSION for an unknown fields version;
 *         #CPOL_EINVALID for an unknown kind or template, or an empty name;
 *         #CPOL_EUTF8; #CPOL_ETOOLONG; #CPOL_ENOTFOUND if the area, parent or
 *         officer does not exist; #CPOL_ERULE if the area lies under no
 *         station, the parent is of another station or not a 1+10+N team,
 *         or the officer holds no active community-officer role at the
 *         station (一队一警); #CPOL_ELIMIT if the parent already has
 *         #CPOL_TEAM_SUBTEAMS_MAX sub-teams; #CPOL_EEXISTS if the station
 *         already has a team of this name; #CPOL_EPERM; #CPOL_EREADONLY;
 *         #CPOL_EBUSY; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_team_create(cpol_ctx *ctx, const cpol_actor *as, const cpol_team_fields *fields,
                              cpol_id *id_out);

/**
 * Replace a team's responsible officer: the current officer's membership ends
 * (it stays on the roster's history) and the new officer joins.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_TEAM_MANAGE at the team's station
 * @param team  the team
 * @param person  the new officer: an active community officer at the team's station
 * @param reason  why (may be NULL; up to #CPOL_REASON_MAX bytes)
 * @return #CPOL_OK; #CPOL_ALREADY if @p person already is the officer
 *         (nothing changes); #CPOL_ERULE if @p person holds no active
 *         community-officer role at the station; #CPOL_EEXISTS if @p person
 *         is an active member of the team in another role; #CPOL_ENOTFOUND;
 *         #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_EUTF8; #CPOL_ETOOLONG;
 *         #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_team_set_officer(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *team,
                                   const cpol_id *person, const char *reason);

/**
 * Add a person to a team in a team role other than the officer's.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_TEAM_MANAGE at the team's station
 * @param team  the team
 * @param person  the person
 * @param role  a #cpol_team_role_t
 * @param reason  why (may be NULL; up to #CPOL_REASON_MAX bytes)
 * @param[out] id_out  receives the membership's id (may be NULL)
 * @return #CPOL_OK; #CPOL_ERULE for #CPOL_TEAM_ROLE_OFFICER (一队一警: the
 *         team already has its officer; use cpol_team_set_officer()) or when
 *         the person does not hold what the role needs at the station (see
 *         commpolice/team.h), or, for an informant network, holds no active
 *         informant assignment there; #CPOL_ELIMIT for a second auxiliary in a 1+1+N
 *         team; #CPOL_EEXISTS if the person is already an active member;
 *         #CPOL_EINVALID for an unknown role; #CPOL_ENOTFOUND; #CPOL_EPERM;
 *         #CPOL_EMISUSE; #CPOL_EUTF8; #CPOL_ETOOLONG; #CPOL_EREADONLY;
 *         #CPOL_EBUSY; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_team_member_add(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *team, const cpol_id *person,
                                  int role, const char *reason, cpol_id *id_out);

/**
 * End a membership (the row stays, with the time it ended).
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_TEAM_MANAGE at the team's station
 * @param membership  the membership
 * @param reason  why: required, 1 to #CPOL_REASON_MAX bytes
 * @return #CPOL_OK; #CPOL_ERULE for the responsible officer's membership
 *         (use cpol_team_set_officer()); #CPOL_ESTATE if the membership has
 *         already ended; #CPOL_EINVALID for an empty reason; #CPOL_ENOTFOUND;
 *         #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_EUTF8; #CPOL_ETOOLONG;
 *         #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_team_member_remove(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *membership,
                                     const char *reason);

/**
 * Read a team.
 * @ctor cpol_team
 * @param ctx  an open context
 * @param as   the actor; any active actor at the team's station (reference data)
 * @param id   the team
 * @param[out] out  receives the team (owned; free with cpol_team_free()); NULL on failure
 * @return #CPOL_OK; #CPOL_ENOTFOUND; #CPOL_EPERM for an inactive actor or
 *         one of another station; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_team_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, cpol_team **out);

/**
 * Free a team snapshot.
 * @dtor cpol_team
 * @param team  the team, or NULL
 * @since 0.1
 */
CPOL_API void cpol_team_free(cpol_team *team);

/**
 * @param team  a team
 * @return its id (borrowed, valid while @p team is)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_team_id(const cpol_team *team);
/**
 * @param team  a team
 * @return its name (borrowed)
 * @since 0.1
 */
CPOL_API const char *cpol_team_name(const cpol_team *team);
/**
 * @param team  a team
 * @return its #cpol_team_kind_t
 * @since 0.1
 */
CPOL_API int cpol_team_kind(const cpol_team *team);
/**
 * @param team  a team
 * @return its #cpol_team_template_t
 * @since 0.1
 */
CPOL_API int cpol_team_template(const cpol_team *team);
/**
 * @param team  a team
 * @return the area it serves (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_team_area(const cpol_team *team);
/**
 * @param team  a team
 * @return the station it belongs to (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_team_station(const cpol_team *team);
/**
 * @param team  a team
 * @return the 1+10+N team it is a sub-team of (borrowed), or NULL
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_team_parent(const cpol_team *team);
/**
 * @param team  a team
 * @return the person id of its responsible officer (borrowed); the nil id
 *         when the officer is a covert person hidden from the reader
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_team_officer(const cpol_team *team);
/**
 * @param team  a team
 * @return when it was created
 * @since 0.1
 */
CPOL_API cpol_time cpol_team_created_at(const cpol_team *team);

/**
 * Which teams to list. Zero / NULL fields do not filter. Initialise with
 * #CPOL_TEAM_FILTER_INIT; the struct only grows at the end.
 */
typedef struct cpol_team_filter {
    unsigned int version;  /**< #CPOL_TEAM_FILTER_VERSION */
    const cpol_id *area;   /**< teams serving this area or an area below it (a station: all its teams) */
    int32_t kind;          /**< teams of this #cpol_team_kind_t */
    const cpol_id *parent; /**< sub-teams of this team */
    int64_t offset;        /**< skip this many teams (paging) */
    int64_t limit;         /**< at most this many (0: no limit) */
} cpol_team_filter;

/** The current version of #cpol_team_filter. */
#define CPOL_TEAM_FILTER_VERSION 1
/** Initialiser for #cpol_team_filter: every team. */
#define CPOL_TEAM_FILTER_INIT { CPOL_TEAM_FILTER_VERSION, NULL, 0, NULL, 0, 0 }

/**
 * List teams in creation order: an actor bound to one station lists that
 * station's teams only.
 * @ctor cpol_team_iter
 * @param ctx  an open context
 * @param as   the actor; any active actor (reference data)
 * @param filter  the filter, or NULL for every team
 * @param[out] out  receives the iterator (owned; free with cpol_team_iter_free())
 * @return #CPOL_OK; #CPOL_EVERSION for an unknown filter version;
 *         #CPOL_EINVALID for an unknown kind or a negative offset or limit;
 *         #CPOL_ENOTFOUND for an unknown area or parent; #CPOL_EPERM for an
 *         inactive actor; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_team_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_team_filter *filter,
                                cpol_team_iter **out);
/**
 * Next team.
 * @param it  the iterator
 * @param[out] out  receives the team (borrowed: valid until the next call on @p it)
 * @return #CPOL_OK; #CPOL_DONE at the end; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_team_iter_next(cpol_team_iter *it, const cpol_team **out);
/**
 * Free an iterator (also after its context was closed).
 * @dtor cpol_team_iter
 * @param it  the iterator, or NULL
 * @since 0.1
 */
CPOL_API void cpol_team_iter_free(cpol_team_iter *it);

/**
 * List a team's memberships in the order people joined, without those of
 * covert persons hidden from the reader.
 * @ctor cpol_membership_iter
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_PERSON_VIEW at the team's station,
 *             or to be an active member of the team
 * @param team  the team
 * @param include_left  1 to include memberships that have ended, 0 for the active ones only
 * @param[out] out  receives the iterator (owned; free with cpol_membership_iter_free())
 * @return #CPOL_OK; #CPOL_ENOTFOUND for an unknown team; #CPOL_EINVALID if
 *         @p include_left is not 0 or 1; #CPOL_EPERM; #CPOL_EMISUSE;
 *         #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_team_roster_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *team, int include_left,
                                       cpol_membership_iter **out);

/**
 * List a person's memberships in every team, active and ended, oldest first
 * (tell them apart with cpol_membership_active()).
 * @ctor cpol_membership_iter
 * @param ctx  an open context
 * @param as   the actor; the person themself, or #CPOL_PERM_PERSON_VIEW at the person's station
 * @param person  the person
 * @param[out] out  receives the iterator (owned; free with cpol_membership_iter_free())
 * @return #CPOL_OK; #CPOL_ENOTFOUND for an unknown person or a covert one
 *         hidden from @p as; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_person_team_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person,
                                       cpol_membership_iter **out);

/**
 * Next membership.
 * @param it  the iterator
 * @param[out] out  receives the membership (borrowed: valid until the next call on @p it)
 * @return #CPOL_OK; #CPOL_DONE at the end; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_membership_iter_next(cpol_membership_iter *it, const cpol_membership **out);
/**
 * Free an iterator (also after its context was closed).
 * @dtor cpol_membership_iter
 * @param it  the iterator, or NULL
 * @since 0.1
 */
CPOL_API void cpol_membership_iter_free(cpol_membership_iter *it);

/**
 * Read a membership.
 * @ctor cpol_membership
 * @param ctx  an open context
 * @param as   the actor; the member themself, an active member of the team, or
 *             #CPOL_PERM_PERSON_VIEW at the team's station
 * @param id   the membership
 * @param[out] out  receives it (owned; free with cpol_membership_free()); NULL on failure
 * @return #CPOL_OK; #CPOL_ENOTFOUND, also for the membership of a covert
 *         person hidden from @p as; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_membership_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, cpol_membership **out);
/**
 * Free a membership snapshot.
 * @dtor cpol_membership
 * @param m  the snapshot, or NULL
 * @since 0.1
 */
CPOL_API void cpol_membership_free(cpol_membership *m);

/**
 * @param m  a membership
 * @return its id (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_membership_id(const cpol_membership *m);
/**
 * @param m  a membership
 * @return the team (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_membership_team(const cpol_membership *m);
/**
 * @param m  a membership
 * @return the person (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_membership_person(const cpol_membership *m);
/**
 * @param m  a membership
 * @return the #cpol_team_role_t
 * @since 0.1
 */
CPOL_API int cpol_membership_role(const cpol_membership *m);
/**
 * @param m  a membership
 * @return when the person joined
 * @since 0.1
 */
CPOL_API cpol_time cpol_membership_joined_at(const cpol_membership *m);
/**
 * @param m  a membership
 * @return when the membership ended, 0 while it is active
 * @since 0.1
 */
CPOL_API cpol_time cpol_membership_left_at(const cpol_membership *m);
/**
 * @param m  a membership
 * @return 1 while the membership is active, 0 once it has ended (or for NULL)
 * @since 0.1
 */
CPOL_API int cpol_membership_active(const cpol_membership *m);

/**
 * Count a team's active members by team role and its sub-teams, and check
 * them against the team's template. The counts are those of the roster the
 * reader could list: a reader not cleared for covert persons counts
 * without them, and the verdict judges those counts.
 * @ctor cpol_team_report
 * @param ctx  an open context
 * @param as   the actor; any active actor at the team's station (the report names nobody)
 * @param team  the team
 * @param[out] out  receives the report (owned; free with cpol_team_report_free())
 * @return #CPOL_OK (also when the team does not meet its template: see
 *         cpol_team_report_ok()); #CPOL_ENOTFOUND; #CPOL_EPERM; #CPOL_EMISUSE;
 *         #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_team_check(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *team, cpol_team_report **out);
/**
 * Free a report.
 * @dtor cpol_team_report
 * @param report  the report, or NULL
 * @since 0.1
 */
CPOL_API void cpol_team_report_free(cpol_team_report *report);
/**
 * @param report  a report
 * @return the #cpol_team_template_t the team was checked against
 * @since 0.1
 */
CPOL_API int cpol_team_report_template(const cpol_team_report *report);
/**
 * @param report  a report
 * @return 1 if the team meets its template, 0 if not (or for NULL)
 * @since 0.1
 */
CPOL_API int cpol_team_report_ok(const cpol_team_report *report);
/**
 * @param report  a report
 * @return the first rule the team breaks, such as "1+1+N needs exactly one
 *         auxiliary officer, the team has 0"; "" when it meets its template (borrowed)
 * @since 0.1
 */
CPOL_API const char *cpol_team_report_message(const cpol_team_report *report);
/**
 * @param report  a report
 * @return the number of active responsible officers (1 for every valid team)
 * @since 0.1
 */
CPOL_API int cpol_team_report_officers(const cpol_team_report *report);
/**
 * @param report  a report
 * @return the number of active auxiliary officers
 * @since 0.1
 */
CPOL_API int cpol_team_report_auxiliaries(const cpol_team_report *report);
/**
 * @param report  a report
 * @return the number of active members, team leaders included (the N of 1+1+N and 1+N)
 * @since 0.1
 */
CPOL_API int cpol_team_report_members(const cpol_team_report *report);
/**
 * @param report  a report
 * @return the number of active unit contacts (the N of 1+10+N)
 * @since 0.1
 */
CPOL_API int cpol_team_report_unit_contacts(const cpol_team_report *report);
/**
 * @param report  a report
 * @return the number of sub-teams (the 10 of 1+10+N)
 * @since 0.1
 */
CPOL_API int cpol_team_report_subteams(const cpol_team_report *report);

/**
 * @param kind  a #cpol_team_kind_t
 * @return its English name such as "volunteer-police team" (static; "unknown" for unknown values)
 * @since 0.1
 */
CPOL_API const char *cpol_team_kind_name(int kind);
/**
 * @param composition  a #cpol_team_template_t
 * @return its name such as "1+1+N", "none" for #CPOL_TEAM_TEMPLATE_NONE (static; "unknown" for unknown values)
 * @since 0.1
 */
CPOL_API const char *cpol_team_template_name(int composition);
/**
 * @param role  a #cpol_team_role_t
 * @return its English name such as "responsible officer" (static; "unknown" for unknown values)
 * @since 0.1
 */
CPOL_API const char *cpol_team_role_name(int role);

CPOL_END_DECL

#endif /* COMMPOLICE_TEAM_H */
