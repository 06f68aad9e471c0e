/**
 * @file commpolice/actor.h
 * @brief Roles, permissions and actors: who may do what.
 *
 * Every call that changes stored data is made *as* an actor: a person acting
 * in one of the roles they hold (an officer, a volunteer, a station leader).
 * A fixed permission table decides whether that role may take the step; it
 * denies by default. A refusal returns #CPOL_EPERM and the message names the
 * missing permission, for example
 * `"王伟 acting as volunteer police lacks permission volunteer.review"`.
 *
 * An actor also carries its police station (the station above the area its
 * role was given in): it may only act on that station's data. The *system*
 * actor (cpol_actor_system()) stands for the installation itself: it may do
 * everything everywhere and exists to set up the first areas and staff and
 * to import data. Every step it takes is audited like any other.
 *
 * An actor handle is checked again at every call, so a role that was
 * suspended or retired meanwhile stops working at once.
 */
#ifndef COMMPOLICE_ACTOR_H
#define COMMPOLICE_ACTOR_H

#include "common.h"
#include "types.h"

CPOL_BEGIN_DECL

/** Roles a person may hold (stable values; a person may hold several). */
typedef enum cpol_role_t {
    CPOL_ROLE_OFFICER = 1,        /**< community police officer (社区民警) */
    CPOL_ROLE_AUXILIARY = 2,      /**< auxiliary police officer (社区辅警) */
    CPOL_ROLE_VOLUNTEER = 3,      /**< volunteer police (义警) */
    CPOL_ROLE_INFORMANT = 4,      /**< security informant (治安信息员) */
    CPOL_ROLE_GRID_WORKER = 5,    /**< grid worker (网格员) */
    CPOL_ROLE_PROPERTY_GUARD = 6, /**< property security guard (物业保安) */
    CPOL_ROLE_BUILDING_HEAD = 7,  /**< building head (楼栋长) */
    CPOL_ROLE_LAWYER = 8,         /**< pro-bono lawyer (公益律师) */
    CPOL_ROLE_MEDIATOR = 9,       /**< mediator (调解员) */
    CPOL_ROLE_LEADER = 10,        /**< police station leader (所领导) */
    CPOL_ROLE_OPERATOR = 11,      /**< community service-station operator (服务站操作员) */
    CPOL_ROLE_ANALYST = 12        /**< analyst: reads everything it is shown, changes nothing */
} cpol_role_t;

/** Permissions (stable values). Which roles hold which is documented in docs/permissions.md. */
typedef enum cpol_permission_t {
    CPOL_PERM_AREA_MANAGE = 1,        /**< "area.manage": create and rename areas */
    CPOL_PERM_PERSON_REGISTER = 2,    /**< "person.register": create and edit person files */
    CPOL_PERM_PERSON_VIEW = 3,        /**< "person.view": read person files (masked) */
    CPOL_PERM_PERSON_SENSITIVE = 4,   /**< "person.sensitive": see full ID-card and phone numbers, and who tipped */
    CPOL_PERM_ROLE_APPOINT = 5,       /**< "role.appoint": give and end staff roles (officer, auxiliary, leader, operator, analyst) */
    CPOL_PERM_VOLUNTEER_ENROL = 6,    /**< "volunteer.enrol": record an application for a volunteer role */
    CPOL_PERM_VOLUNTEER_REVIEW = 7,   /**< "volunteer.review": review, admit and reject applications */
    CPOL_PERM_VOLUNTEER_MANAGE = 8,   /**< "volunteer.manage": activate, suspend, reinstate and retire volunteers */
    CPOL_PERM_PERSON_NOTE = 9,        /**< "person.note": add commendations and disciplinary notes */
    CPOL_PERM_TEAM_MANAGE = 10,       /**< "team.manage": create teams, set their officer, change members */
    CPOL_PERM_TRAINING_MANAGE = 11,   /**< "training.manage": courses, sessions, certificates */
    CPOL_PERM_TRAINING_RECORD = 12,   /**< "training.record": record attendance */
    CPOL_PERM_ACTIVITY_MANAGE = 13,   /**< "activity.manage": schedule patrol shifts and publicity sessions */
    CPOL_PERM_ACTIVITY_JOIN = 14,     /**< "activity.join": sign oneself up for a shift */
    CPOL_PERM_ACTIVITY_RECORD = 15,   /**< "activity.record": check people in, complete shifts, mark no-shows */
    CPOL_PERM_AUDIT_VIEW = 16,        /**< "audit.view": read the audit trail */
    CPOL_PERM_POINTS_AWARD = 17,      /**< "points.award": award points for verified activity */
    CPOL_PERM_POINTS_REDEEM = 18,     /**< "points.redeem": redeem points for goods at the service station */
    CPOL_PERM_POINTS_ADMIN = 19,      /**< "points.admin": earning rules, catalogue, reversals, refunds, expiry */
    CPOL_PERM_POINTS_VIEW = 20,       /**< "points.view": read others' balances and statements, leaderboards, verify */
    CPOL_PERM_CASE_REPORT = 21,       /**< "case.report": record incidents, disputes, hazards and leads */
    CPOL_PERM_CASE_TRIAGE = 22,       /**< "case.triage": verify, reject, assess, assign and refer cases */
    CPOL_PERM_CASE_HANDLE = 23,       /**< "case.handle": record arrivals, resolve cases (volunteer roles: only their own) */
    CPOL_PERM_CASE_ESCALATE = 24,     /**< "case.escalate": raise a case's tier (volunteer roles: only cases they handle) */
    CPOL_PERM_CASE_DEESCALATE = 25,   /**< "case.deescalate": lower a case's tier */
    CPOL_PERM_CASE_FOLLOWUP = 26,     /**< "case.followup": feedback to the reporter, follow-up visits */
    CPOL_PERM_CASE_CLOSE = 27,        /**< "case.close": evaluate and close, reopen */
    CPOL_PERM_CASE_SPOTCHECK = 28,    /**< "case.spotcheck": sample resolved cases and confirm or reopen them */
    CPOL_PERM_CASE_VIEW = 29,         /**< "case.view": read cases (reporters of protected tips masked), metrics, repeats */
    CPOL_PERM_CASE_CONFIGURE = 30,    /**< "case.configure": set the station's case deadlines */
    CPOL_PERM_SETTINGS_MANAGE = 31    /**< "settings.manage": store and remove installation settings (commpolice/setting.h) */
} cpol_permission_t;

/** The actor a call is made as; see commpolice/actor.h. */
typedef struct cpol_actor cpol_actor;

/**
 * Act as a person in one of their roles.
 *
 * @ctor cpol_actor
 * @param ctx     an open context
 * @param person  the person's id
 * @param role    a #cpol_role_t the person holds and that is active
 * @param[out] out  receives the actor (owned; free with cpol_actor_free()); NULL on failure
 * @return #CPOL_OK; #CPOL_EMISUSE for NULL arguments; #CPOL_EINVALID for an
 *         unknown role; #CPOL_ENOTFOUND if the person does not exist;
 *         #CPOL_EPERM if the person does not hold the role or it is not
 *         active (the message says its state); #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_actor_open(cpol_ctx *ctx, const cpol_id *person, int role, cpol_actor **out);

/**
 * The installation's own actor, for setting up the first areas and staff and
 * for imports. It holds every permission at every station.
 *
 * @ctor cpol_actor
 * @param ctx  an open context
 * @param[out] out  receives the actor (owned; free with cpol_actor_free())
 * @return #CPOL_OK; #CPOL_EMISUSE for NULL arguments; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_actor_system(cpol_ctx *ctx, cpol_actor **out);

/**
 * Free an actor.
 * @dtor cpol_actor
 * @param actor  the actor, or NULL
 * @since 0.1
 */
CPOL_API void cpol_actor_free(cpol_actor *actor);

/**
 * @param actor  an actor
 * @return the role it acts in, or 0 for the system actor or NULL
 * @since 0.1
 */
CPOL_API int cpol_actor_role(const cpol_actor *actor);

/**
 * @param actor  an actor
 * @return the person it acts for (borrowed, valid while the actor lives), or
 *         NULL for the system actor or NULL
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_actor_person(const cpol_actor *actor);

/**
 * Whether the actor's role holds a permission (by the permission table only;
 * a call may still be refused for the station or the object's state).
 * @param actor  an actor
 * @param permission  a #cpol_permission_t
 * @return 1 if held, 0 if not (also for NULL or unknown permissions)
 * @since 0.1
 */
CPOL_API int cpol_actor_can(const cpol_actor *actor, int permission);

/**
 * Whether a role holds a permission in the permission table.
 * @param role  a #cpol_role_t
 * @param permission  a #cpol_permission_t
 * @return 1 if held, 0 if not (also for unknown values)
 * @since 0.1
 */
CPOL_API int cpol_role_can(int role, int permission);

/**
 * @param role  a #cpol_role_t
 * @return its English name such as "community officer" (static; "unknown role" for unknown values)
 * @since 0.1
 */
CPOL_API const char *cpol_role_name(int role);

/**
 * @param role  a #cpol_role_t
 * @return its Chinese name such as "社区民警" (static, UTF-8; "未知角色" for unknown values)
 * @since 0.1
 */
CPOL_API const char *cpol_role_name_zh(int role);

/**
 * Whether a role is a staff role, given directly by a leader
 * (officer, auxiliary, leader, operator, analyst), rather than a volunteer
 * role that goes through application and review.
 * @param role  a #cpol_role_t
 * @return 1 for staff roles, 0 for volunteer roles and unknown values
 * @since 0.1
 */
CPOL_API int cpol_role_is_staff(int role);

/**
 * @param permission  a #cpol_permission_t
 * @return its name such as "volunteer.review" (static; "unknown" for unknown values)
 * @since 0.1
 */
CPOL_API const char *cpol_permission_name(int permission);

CPOL_END_DECL

#endif /* COMMPOLICE_ACTOR_H */
