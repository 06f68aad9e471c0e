/**
 * @file commpolice/case.h
 * @brief Incidents and disputes (矛盾纠纷, 隐患, 警情): intake from the four
 *        parties, the closed-loop workflow, risk grades and escalation tiers,
 *        referrals, follow-up visits, deadlines and the overdue tick.
 *
 * A *case* is one incident, dispute, hazard or lead reported at an area of a
 * police station (the station is its tenant). It moves through one explicit
 * transition table (排查—分流—处置—回访; 交办、核查、处置、反馈、评价、问效):
 *
 *     reported ─verify→ verified ─assess→ assessed ─assign→ assigned ─arrive→ handling
 *        │                 │                  │                │  resolve       │ resolve
 *        └─reject→ rejected ←─ (also from verified … handling)  ↓                ↓
 *                          verified/assessed/assigned/handling ─refer→ referred ─reply→ resolved
 *     resolved ─feedback→ fed back ─follow-up→ followed up ─close→ closed
 *     resolved, fed back, followed up, closed ─reopen→ assessed
 *
 * Each step is a function below. A step that the current state does not allow
 * is refused with #CPOL_ESTATE, and the message names the current state and
 * the steps it allows. Every step that is taken is kept as a row of the case's
 * history (cpol_case_event_iter_new(): step, from, to, actor, time, note) and
 * written to the audit trail (object kind "case", action "case.<step>").
 * Nothing is ever deleted; a refusal leaves the case exactly as it was.
 *
 * **Risk grades and tiers.** Assessment (研判) gives a risk grade: general,
 * attention or high (一般 / 关注类 / 重点高危). The grade fixes the lowest
 * escalation tier that may handle the case (cpol_risk_grade_min_tier()):
 * high → station leadership, attention → community officer, general → any
 * tier. Tiers, from the bottom: on the spot by an informant or building head
 * (信息员就地劝解), the team (auxiliary, property guard or grid worker of a team
 * of the station: 辅警+物业+网格员上门调解), the community officer (民警主导) and
 * station leadership (所领导牵头). The handler must hold an active role that
 * fits the tier. Escalation is explicit, with a reason; de-escalation needs
 * #CPOL_PERM_CASE_DEESCALATE (officers, leaders), and so does every other
 * way of lowering a case: a lower risk grade, or an assignment below the
 * tier a case back in triage was last at. Raising the risk grade of a
 * case already assigned below the new minimum sends it back to "assessed"
 * for a new assignment.
 *
 * **Closing.** A case is closed (评价) only after a follow-up visit (回访) was
 * recorded and found no recurrence; a case resolved at the leadership tier is
 * closed only by a station leader. Nobody judges their own work: whoever
 * reported or recorded a report does not verify it; whoever handled a case at
 * any point, or recorded an arrival on its scene, neither closes it nor
 * decides its spot check.
 *
 * **Reporter protection.** The reporter of an informant tip (or of any case
 * recorded as confidential) is stored, but shown only to actors holding
 * #CPOL_PERM_PERSON_SENSITIVE through an active assignment and to the
 * reporter: everyone else reads NULL from cpol_case_reporter(), "" from
 * cpol_case_reporter_name() and sees the reporter removed from the history.
 * For such a reader every field naming a covert person (one who holds or
 * held the informant role) is blanked too: the handler of a case they
 * handle on the spot, the actor and subject of their steps in the history
 * (docs/cases.md). Open311 exports never contain reporters.
 *
 * **Points.** Verifying a lead reported by a volunteer (any non-staff role)
 * awards #CPOL_EARN_CASE_LEAD to the reporter (once per case); rejecting it as
 * unfounded later withdraws that award. Closing a case mediated on the spot by
 * a volunteer awards #CPOL_EARN_MEDIATION to the handler; closing a rectified
 * hazard reported by a volunteer awards #CPOL_EARN_HAZARD to the reporter.
 * Amounts and caps follow the station's earning rules (commpolice/ledger.h).
 *
 * **Deadlines.** Each station may set, per risk grade, how long screening,
 * arrival, resolution and the follow-up visit may take
 * (cpol_case_deadline_set(); defaults in cpol_case_deadline_default()).
 * cpol_case_tick() lists what is overdue at the context clock's time and
 * raises the tier of cases whose handling is overdue by one step.
 *
 * Permissions: #CPOL_PERM_CASE_REPORT (intake), #CPOL_PERM_CASE_TRIAGE (verify,
 * reject, assess, assign, refer, record replies), #CPOL_PERM_CASE_HANDLE
 * (arrivals, resolving; volunteer roles only for their own arrival and for
 * cases they handle), #CPOL_PERM_CASE_ESCALATE, #CPOL_PERM_CASE_DEESCALATE,
 * #CPOL_PERM_CASE_FOLLOWUP (feedback and visits), #CPOL_PERM_CASE_CLOSE (close
 * and reopen), #CPOL_PERM_CASE_SPOTCHECK, #CPOL_PERM_CASE_VIEW,
 * #CPOL_PERM_CASE_CONFIGURE (deadlines). See docs/cases.md.
 */
#ifndef COMMPOLICE_CASE_H
#define COMMPOLICE_CASE_H

#include "common.h"
#include "types.h"
#include "actor.h"

CPOL_BEGIN_DECL

/** Where a case came from: the "four-party" sources (四方信息) and 110 (stable values). */
typedef enum cpol_case_source_t {
    CPOL_CASE_SOURCE_PROPERTY_ALERT = 1,     /**< property surveillance alert (物业监控异常) */
    CPOL_CASE_SOURCE_VOLUNTEER_PATROL = 2,   /**< finding of a volunteer patrol (义警排查发现) */
    CPOL_CASE_SOURCE_INFORMANT_TIP = 3,      /**< informant tip (信息员线索); the reporter is protected */
    CPOL_CASE_SOURCE_RESIDENT_COMPLAINT = 4, /**< resident complaint or suggestion (居民投诉建议) */
    CPOL_CASE_SOURCE_GRID_WORKER = 5,        /**< grid-worker report (网格员上报) */
    CPOL_CASE_SOURCE_DISPATCH_110 = 6        /**< 110 dispatch (110警情) */
} cpol_case_source_t;

/** What a case is about (stable values). */
typedef enum cpol_case_category_t {
    CPOL_CASE_NEIGHBOUR = 1,     /**< neighbour dispute (邻里纠纷) */
    CPOL_CASE_FAMILY = 2,        /**< family or marriage dispute (婚姻家庭纠纷) */
    CPOL_CASE_PROPERTY = 3,      /**< property-management dispute (物业纠纷) */
    CPOL_CASE_COMMERCIAL = 4,    /**< commercial dispute such as street occupation (占道经营等) */
    CPOL_CASE_HAZARD = 5,        /**< safety hazard: blocked fire passage, elevator fault, e-bike charging (安全隐患) */
    CPOL_CASE_THEFT_FRAUD = 6,   /**< theft or fraud lead (盗窃、诈骗线索) */
    CPOL_CASE_PUBLIC_ORDER = 7,  /**< public order (治安问题) */
    CPOL_CASE_NON_POLICE = 8     /**< non-police matter, to be referred (非警务事项) */
} cpol_case_category_t;

/** Workflow states (stable values); the transitions are in commpolice/case.h. */
typedef enum cpol_case_state_t {
    CPOL_CASE_REPORTED = 1,    /**< reported, waiting for screening (已上报) */
    CPOL_CASE_VERIFIED = 2,    /**< screened and verified (核查属实) */
    CPOL_CASE_ASSESSED = 3,    /**< risk grade assessed, waiting for assignment (已研判) */
    CPOL_CASE_ASSIGNED = 4,    /**< assigned to a handler at a tier (已交办) */
    CPOL_CASE_HANDLING = 5,    /**< someone is on the scene (处置中) */
    CPOL_CASE_REFERRED = 6,    /**< referred to a department, waiting for its reply (分流转办) */
    CPOL_CASE_RESOLVED = 7,    /**< resolved with an outcome (已处置) */
    CPOL_CASE_FED_BACK = 8,    /**< the reporter was told the result (已反馈) */
    CPOL_CASE_FOLLOWED_UP = 9, /**< a follow-up visit was made (已回访) */
    CPOL_CASE_CLOSED = 10,     /**< evaluated and closed (已办结) */
    CPOL_CASE_REJECTED = 11    /**< rejected at screening or later: duplicate or unfounded (不予受理) */
} cpol_case_state_t;

/** Risk grades (stable values). */
typedef enum cpol_risk_grade_t {
    CPOL_RISK_GENERAL = 1,   /**< general (一般): any tier may handle it */
    CPOL_RISK_ATTENTION = 2, /**< needs attention (关注类): the community officer at least */
    CPOL_RISK_HIGH = 3       /**< key high-risk (重点高危): station leadership */
} cpol_risk_grade_t;

/** Escalation tiers, from the bottom (stable values; higher is more senior). */
typedef enum cpol_case_tier_t {
    CPOL_TIER_ON_THE_SPOT = 1, /**< on the spot by an informant or building head (就地劝解) */
    CPOL_TIER_TEAM = 2,        /**< a team: auxiliary, property guard or grid worker (上门调解) */
    CPOL_TIER_OFFICER = 3,     /**< the community officer (民警主导) */
    CPOL_TIER_LEADERSHIP = 4   /**< station leadership (所领导牵头) */
} cpol_case_tier_t;

/** How a case was resolved (stable values). */
typedef enum cpol_case_outcome_t {
    CPOL_OUTCOME_MEDIATED = 1,    /**< mediated agreement (调解达成协议) */
    CPOL_OUTCOME_RECTIFIED = 2,   /**< hazard rectified (隐患整改) */
    CPOL_OUTCOME_HANDED_OVER = 3, /**< handed to case investigation (转案件侦办) */
    CPOL_OUTCOME_UNRESOLVED = 4,  /**< could not be resolved (未化解) */
    CPOL_OUTCOME_DEPARTMENT = 5   /**< handled by the department it was referred to (部门办结); set by cpol_case_referral_reply() */
} cpol_case_outcome_t;

/** Why a case was rejected (stable values). */
typedef enum cpol_case_reject_t {
    CPOL_REJECT_DUPLICATE = 1, /**< a duplicate of another case (重复) */
    CPOL_REJECT_UNFOUNDED = 2  /**< the report proved unfounded (不实) */
} cpol_case_reject_t;

/** The steps of the workflow, as recorded in a case's history (stable values). */
typedef enum cpol_case_step_t {
    CPOL_STEP_REPORT = 1,          /**< intake: cpol_case_report() */
    CPOL_STEP_VERIFY = 2,          /**< screening found it true: cpol_case_verify() */
    CPOL_STEP_REJECT = 3,          /**< rejected: cpol_case_reject() */
    CPOL_STEP_ASSESS = 4,          /**< risk grade given or changed: cpol_case_assess() */
    CPOL_STEP_ASSIGN = 5,          /**< assigned or reassigned: cpol_case_assign() */
    CPOL_STEP_ESCALATE = 6,        /**< tier raised: cpol_case_escalate(), or cpol_case_tick() for overdue handling */
    CPOL_STEP_DEESCALATE = 7,      /**< tier lowered: cpol_case_deescalate() */
    CPOL_STEP_ARRIVE = 8,          /**< a responder arrived on the scene: cpol_case_arrive() */
    CPOL_STEP_RESOLVE = 9,         /**< resolved with an outcome: cpol_case_resolve() */
    CPOL_STEP_REFER = 10,          /**< referred to a department: cpol_case_refer() */
    CPOL_STEP_REFERRAL_REPLY = 11, /**< the department replied: cpol_case_referral_reply() */
    CPOL_STEP_FEEDBACK = 12,       /**< result told to the reporter: cpol_case_feedback() */
    CPOL_STEP_FOLLOWUP = 13,       /**< follow-up visit: cpol_case_followup() */
    CPOL_STEP_CLOSE = 14,          /**< evaluated and closed: cpol_case_close() */
    CPOL_STEP_REOPEN = 15,         /**< reopened: cpol_case_reopen() */
    CPOL_STEP_SPOT_CONFIRM = 16,   /**< a spot check confirmed the result (commpolice/case_analysis.h) */
    CPOL_STEP_SPOT_REOPEN = 17     /**< a spot check reopened the case (commpolice/case_analysis.h) */
} cpol_case_step_t;

/** The timed stages of a case (stable values): deadlines, overdue items and response times. */
typedef enum cpol_case_stage_t {
    CPOL_STAGE_SCREENING = 1,  /**< reported → verified or rejected */
    CPOL_STAGE_ARRIVAL = 2,    /**< reported → first responder on the scene (到场时间; the tick counts from the last reopening or overdue escalation) */
    CPOL_STAGE_RESOLUTION = 3, /**< reported → resolved (the tick counts from the last reopening or overdue escalation) */
    CPOL_STAGE_FOLLOWUP = 4,   /**< resolved → first follow-up visit */
    CPOL_STAGE_REFERRAL = 5    /**< referred → the department's reply, by the deadline given with the referral (not configurable per grade) */
} cpol_case_stage_t;

/** Longest case description, in characters (Unicode code points, as Open311 counts them; up to 4 bytes of UTF-8 each). */
#define CPOL_CASE_DESCRIPTION_MAX 4000
/** Longest address, in bytes of UTF-8. */
#define CPOL_CASE_ADDRESS_MAX 200
/** Longest note or reason on a step, in bytes of UTF-8. */
#define CPOL_CASE_NOTE_MAX 2000
/** Longest department name for a referral, in bytes of UTF-8. */
#define CPOL_DEPARTMENT_NAME_MAX 200

/** A case (a snapshot read from storage, masked for the actor that read it). */
typedef struct cpol_case cpol_case;
/** An iterator over cases. */
typedef struct cpol_case_iter cpol_case_iter;
/** One step in a case's history. */
typedef struct cpol_case_event cpol_case_event;
/** An iterator over a case's history. */
typedef struct cpol_case_event_iter cpol_case_event_iter;
/** One overdue stage found by cpol_case_tick(). */
typedef struct cpol_case_overdue cpol_case_overdue;
/** An iterator over overdue stages. */
typedef struct cpol_case_overdue_iter cpol_case_overdue_iter;

/**
 * What cpol_case_report() needs. Initialise with #CPOL_CASE_FIELDS_INIT; the
 * struct only grows at the end.
 */
typedef struct cpol_case_fields {
    unsigned int version;      /**< #CPOL_CASE_FIELDS_VERSION */
    int32_t source;            /**< a #cpol_case_source_t (required) */
    int32_t category;          /**< a #cpol_case_category_t (required) */
    const cpol_id *area;       /**< where it happened: an area under a police station (required) */
    const char *address;       /**< street address or "3栋2单元", up to #CPOL_CASE_ADDRESS_MAX bytes (optional) */
    int32_t has_location;      /**< 1 if @ref latitude and @ref longitude are given, else 0 */
    double latitude;           /**< WGS 84 degrees, -90 to 90 (with @ref has_location) */
    double longitude;          /**< WGS 84 degrees, -180 to 180 (with @ref has_location) */
    const char *description;   /**< what happened, 1 to #CPOL_CASE_DESCRIPTION_MAX characters (required) */
    const cpol_id *reporter;   /**< the reporting person if registered; NULL: the acting person, unless @ref reporter_name is given */
    const char *reporter_name; /**< an unregistered reporter such as "居民王女士", up to #CPOL_PERSON_NAME_MAX bytes (optional) */
    int32_t confidential;      /**< 1 to protect the reporter's identity; informant tips are always protected */
    cpol_time reported_at;     /**< when it was reported; 0 means now; never in the future */
} cpol_case_fields;

/** The current version of #cpol_case_fields. */
#define CPOL_CASE_FIELDS_VERSION 1
/** Initialiser for #cpol_case_fields: everything unset. */
#define CPOL_CASE_FIELDS_INIT { CPOL_CASE_FIELDS_VERSION, 0, 0, NULL, NULL, 0, 0.0, 0.0, NULL, NULL, NULL, 0, 0 }

/**
 * Record a new case (state "reported").
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_REPORT at the area's station
 * @param fields  the case
 * @param[out] id_out  receives the new case's id (may be NULL)
 * @return #CPOL_OK; #CPOL_EMISUSE for NULL @p ctx, @p as or @p fields, or a
 *         NULL area or description; #CPOL_EVERSION for an unknown fields
 *         version; #CPOL_EINVALID for an unknown source or category, an empty
 *         description, coordinates out of range, a flag that is not 0 or 1,
 *         or a reporting time in the future or negative; #CPOL_EUTF8;
 *         #CPOL_ETOOLONG; #CPOL_ENOTFOUND if the area or reporter does not
 *         exist, or the reporter is a covert person (informant) and @p as
 *         may not know it (the same message as for an unknown id);
 *         #CPOL_ERULE if the area lies under no police station;
 *         #CPOL_EPERM; #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_report(cpol_ctx *ctx, const cpol_actor *as, const cpol_case_fields *fields,
                              cpol_id *id_out);

/**
 * Add a party to a case (a registered person, or a name for someone who is
 * not registered). Parties feed the "one person many times" analysis.
 * @param ctx  an open context
 * @param as   the actor: the case's reporter (with #CPOL_PERM_CASE_REPORT), or
 *             one with #CPOL_PERM_CASE_TRIAGE at the case's station
 * @param case_id  the case; it must not be closed or rejected
 * @param person  the party if registered, or NULL
 * @param name  the party's name if not registered (1 to #CPOL_PERSON_NAME_MAX
 *              bytes), or NULL; exactly one of @p person and @p name is given
 * @param[out] id_out  receives the party's id (may be NULL)
 * @return #CPOL_OK; #CPOL_EMISUSE for NULL @p ctx, @p as or @p case_id;
 *         #CPOL_EINVALID if both or neither of @p person and @p name are given
 *         or the name is empty; #CPOL_EUTF8; #CPOL_ETOOLONG; #CPOL_ENOTFOUND for
 *         an unknown case or person, or a covert person @p as may not know
 *         (as for an unknown id); #CPOL_EEXISTS if the person is already a
 *         party; #CPOL_ESTATE if the case is closed or rejected; #CPOL_EPERM;
 *         #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_party_add(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, const cpol_id *person,
                                 const char *name, cpol_id *id_out);

/**
 * Screening (核查) found the report true: reported → verified. A lead reported
 * by a volunteer earns #CPOL_EARN_CASE_LEAD points.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_TRIAGE at the case's station
 * @param case_id  the case
 * @param note  what was checked (may be NULL; up to #CPOL_CASE_NOTE_MAX bytes)
 * @return #CPOL_OK; #CPOL_ESTATE if the case is not "reported" (the message
 *         names the state and the allowed steps); #CPOL_ERULE if the actor
 *         reported the case (nobody verifies their own report) or recorded
 *         it, whatever reporter it names; #CPOL_EPERM;
 *         #CPOL_ENOTFOUND; #CPOL_EMISUSE; #CPOL_EUTF8; #CPOL_ETOOLONG;
 *         #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_verify(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, const char *note);

/**
 * Reject a case as a duplicate or unfounded, at screening or later (up to
 * handling). A verified lead rejected as unfounded loses its lead points.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_TRIAGE at the case's station
 * @param case_id  the case
 * @param reason  a #cpol_case_reject_t
 * @param duplicate_of  for #CPOL_REJECT_DUPLICATE, the original case (required; same station); else NULL
 * @param note  why: required, 1 to #CPOL_CASE_NOTE_MAX bytes
 * @return #CPOL_OK; #CPOL_ESTATE if the case is resolved, referred, closed or
 *         already rejected; #CPOL_EINVALID for an unknown reason, a missing or
 *         superfluous @p duplicate_of, the case itself as its original, or an
 *         empty note; #CPOL_ERULE if the original is of another station;
 *         #CPOL_EFUNDS if the lead points to withdraw were already spent;
 *         #CPOL_EPERM; #CPOL_ENOTFOUND; #CPOL_EMISUSE; #CPOL_EUTF8;
 *         #CPOL_ETOOLONG; #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_reject(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, int reason,
                              const cpol_id *duplicate_of, const char *note);

/**
 * Assess the risk grade (研判): verified → assessed; or change the grade of an
 * assessed, assigned or handled case. If the case is assigned at a tier below
 * the new grade's minimum, it returns to "assessed" and must be reassigned.
 * A lower grade lowers the minimum tier: it is a de-escalation.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_TRIAGE at the case's station,
 *             and #CPOL_PERM_CASE_DEESCALATE too for a lower grade
 * @param case_id  the case
 * @param grade  a #cpol_risk_grade_t
 * @param note  the reasoning (may be NULL; up to #CPOL_CASE_NOTE_MAX bytes;
 *              required for a lower grade, as its reason)
 * @return #CPOL_OK; #CPOL_ALREADY if the case already has this grade (nothing
 *         changes); #CPOL_ESTATE if the state allows no assessment;
 *         #CPOL_EINVALID for an unknown grade or a lower grade without a
 *         note; #CPOL_EPERM (for a lower grade: the message says it is a
 *         de-escalation); #CPOL_ENOTFOUND;
 *         #CPOL_EMISUSE; #CPOL_EUTF8; #CPOL_ETOOLONG; #CPOL_EREADONLY;
 *         #CPOL_EBUSY; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_assess(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, int grade,
                              const char *note);

/**
 * Assign (交办/分流) a case to a handler at a tier: assessed → assigned; or
 * reassign an assigned or handled case at the same or a higher tier.
 * The tier must not be below the risk grade's minimum, and the handler must
 * fit the tier: on the spot an active informant or building head; the team
 * tier an active auxiliary, property guard or grid worker who is an active
 * member of @p team; the officer tier an active community officer; the
 * leadership tier an active station leader, all at the case's station.
 * A case back in triage after a declined referral or a reopening keeps the
 * tier it was last at: assigning it lower is a de-escalation.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_TRIAGE at the case's station,
 *             and #CPOL_PERM_CASE_DEESCALATE too below the tier the case was
 *             last at
 * @param case_id  the case
 * @param tier  a #cpol_case_tier_t
 * @param handler  the person who handles it
 * @param team  the team that handles it: required at the team tier, optional
 *              (a team of the station) otherwise; kept as the case's team
 * @param note  instructions (may be NULL; up to #CPOL_CASE_NOTE_MAX bytes;
 *              required, as the reason, below the tier the case was last at)
 * @return #CPOL_OK; #CPOL_ERULE for a tier below the grade's minimum (the
 *         message names grade and minimum tier), a lower tier than the
 *         current one (use cpol_case_deescalate()), a handler who does not
 *         fit the tier, a missing team at the team tier, or a team of another
 *         station; #CPOL_ESTATE if the state allows no assignment;
 *         #CPOL_EINVALID for an unknown tier, or no note below the tier the
 *         case was last at; #CPOL_ENOTFOUND for an unknown case, handler or
 *         team, or a covert handler @p as may not know (as for an unknown
 *         id); #CPOL_EPERM (below the tier the case was last at: the message
 *         says it is a de-escalation); #CPOL_EMISUSE; #CPOL_EUTF8;
 *         #CPOL_ETOOLONG; #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_assign(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, int tier,
                              const cpol_id *handler, const cpol_id *team, const char *note);

/**
 * Escalate an assigned or handled case to a higher tier and its handler
 * (rules for handlers and teams as in cpol_case_assign()). A volunteer-role
 * actor may escalate only a case they handle.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_ESCALATE at the case's station
 * @param case_id  the case
 * @param tier  a #cpol_case_tier_t above the current one
 * @param handler  the new handler
 * @param team  the team (as in cpol_case_assign()), or NULL
 * @param reason  why: required, 1 to #CPOL_CASE_NOTE_MAX bytes
 * @return #CPOL_OK; #CPOL_ERULE if @p tier is not above the current tier or
 *         the handler or team does not fit; #CPOL_ESTATE; #CPOL_EINVALID for an
 *         unknown tier or an empty reason; #CPOL_EPERM (also for a volunteer
 *         who does not handle the case); #CPOL_ENOTFOUND; #CPOL_EMISUSE;
 *         #CPOL_EUTF8; #CPOL_ETOOLONG; #CPOL_EREADONLY; #CPOL_EBUSY;
 *         #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_escalate(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, int tier,
                                const cpol_id *handler, const cpol_id *team, const char *reason);

/**
 * Lower the tier of an assigned or handled case, not below the risk grade's
 * minimum (rules for handlers and teams as in cpol_case_assign()).
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_DEESCALATE at the case's station
 * @param case_id  the case
 * @param tier  a #cpol_case_tier_t below the current one
 * @param handler  the new handler
 * @param team  the team (as in cpol_case_assign()), or NULL
 * @param reason  why: required, 1 to #CPOL_CASE_NOTE_MAX bytes
 * @return #CPOL_OK; #CPOL_ERULE if @p tier is not below the current tier, is
 *         below the grade's minimum (the message names both), or the handler
 *         or team does not fit; #CPOL_ESTATE; #CPOL_EINVALID for an unknown
 *         tier or an empty reason; #CPOL_EPERM; #CPOL_ENOTFOUND; #CPOL_EMISUSE;
 *         #CPOL_EUTF8; #CPOL_ETOOLONG; #CPOL_EREADONLY; #CPOL_EBUSY;
 *         #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_deescalate(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, int tier,
                                  const cpol_id *handler, const cpol_id *team, const char *reason);

/**
 * Record that a responder arrived on the scene (到场). Allowed from "reported"
 * up to "handling", so the nearest forces can be recorded before the case is
 * formally assigned (先期处置); the first arrival at an assigned case moves it
 * to "handling". A volunteer-role actor may record only their own arrival.
 * The arrival records the role the responder arrived in, for the per-role
 * arrival times of cpol_case_metrics_arrival(): the role they act in when
 * they record their own arrival, else their active role at the station
 * that comes first among leader, officer, auxiliary, property guard, grid
 * worker, volunteer police, building head, mediator, lawyer, informant.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_HANDLE at the case's station
 * @param case_id  the case
 * @param responder  who arrived: a person registered at the case's station
 * @param arrived_at  when; 0 means now; not before the case was reported, not in the future
 * @param note  what they did (may be NULL; up to #CPOL_CASE_NOTE_MAX bytes)
 * @return #CPOL_OK; #CPOL_EINVALID for a time before the report (the message
 *         names both times) or in the future; #CPOL_EEXISTS if the responder's
 *         arrival is already recorded (since the case was last reopened);
 *         #CPOL_ERULE if the responder is
 *         registered at another station; #CPOL_ESTATE; #CPOL_EPERM;
 *         #CPOL_ENOTFOUND for an unknown case or responder, or a covert
 *         responder @p as may not know (as for an unknown id);
 *         #CPOL_EMISUSE; #CPOL_EUTF8; #CPOL_ETOOLONG;
 *         #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_arrive(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id,
                              const cpol_id *responder, cpol_time arrived_at, const char *note);

/**
 * Resolve a case with an outcome (处置结果): assigned or handling → resolved.
 * A volunteer-role actor may resolve only a case they handle.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_HANDLE at the case's station
 * @param case_id  the case
 * @param outcome  a #cpol_case_outcome_t other than #CPOL_OUTCOME_DEPARTMENT
 * @param note  what was done or agreed (may be NULL; up to #CPOL_CASE_NOTE_MAX bytes)
 * @return #CPOL_OK; #CPOL_ERULE if the case has no handler (the tick cleared
 *         it when escalating); #CPOL_ESTATE; #CPOL_EINVALID for an unknown
 *         outcome or #CPOL_OUTCOME_DEPARTMENT; #CPOL_EPERM (also for a
 *         volunteer who does not handle the case); #CPOL_ENOTFOUND;
 *         #CPOL_EMISUSE; #CPOL_EUTF8; #CPOL_ETOOLONG; #CPOL_EREADONLY;
 *         #CPOL_EBUSY; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_resolve(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, int outcome,
                               const char *note);

/**
 * Refer a (non-police) matter to a department (分流转办: 城管, 住建, 民政,
 * 司法所, …) with a reply deadline: verified, assessed, assigned or handling →
 * referred.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_TRIAGE at the case's station
 * @param case_id  the case
 * @param department  the department, 1 to #CPOL_DEPARTMENT_NAME_MAX bytes
 * @param deadline  when the department must reply; after now
 * @param note  what is asked of it (may be NULL; up to #CPOL_CASE_NOTE_MAX bytes)
 * @param[out] id_out  receives the referral's id (may be NULL)
 * @return #CPOL_OK; #CPOL_EINVALID for an empty department or a deadline not
 *         after now; #CPOL_ESTATE; #CPOL_EPERM; #CPOL_ENOTFOUND; #CPOL_EMISUSE;
 *         #CPOL_EUTF8; #CPOL_ETOOLONG; #CPOL_EREADONLY; #CPOL_EBUSY;
 *         #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_refer(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, const char *department,
                             cpol_time deadline, const char *note, cpol_id *id_out);

/**
 * Record the department's reply to the open referral: referred → resolved
 * (outcome #CPOL_OUTCOME_DEPARTMENT) when it handled the matter; when it
 * declined, the case returns to "assessed" (or "verified" if it was never
 * assessed) for the station to handle.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_TRIAGE at the case's station
 * @param case_id  the case
 * @param handled  1 if the department handled the matter, 0 if it declined
 * @param reply  the department's reply, 1 to #CPOL_CASE_NOTE_MAX bytes
 * @param replied_at  when it replied; 0 means now; not before the referral, not in the future
 * @return #CPOL_OK; #CPOL_ESTATE if the case is not referred; #CPOL_EINVALID
 *         for @p handled not 0 or 1, an empty reply, or a bad time;
 *         #CPOL_EPERM; #CPOL_ENOTFOUND; #CPOL_EMISUSE; #CPOL_EUTF8;
 *         #CPOL_ETOOLONG; #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_referral_reply(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, int handled,
                                      const char *reply, cpol_time replied_at);

/**
 * Tell the reporter the result (反馈): resolved → fed back.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_FOLLOWUP at the case's station
 * @param case_id  the case
 * @param note  what the reporter was told: required, 1 to #CPOL_CASE_NOTE_MAX bytes
 * @return #CPOL_OK; #CPOL_ESTATE; #CPOL_EINVALID for an empty note;
 *         #CPOL_EPERM; #CPOL_ENOTFOUND; #CPOL_EMISUSE; #CPOL_EUTF8;
 *         #CPOL_ETOOLONG; #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_feedback(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, const char *note);

/**
 * Record a follow-up visit (回访): fed back or followed up → followed up.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_FOLLOWUP at the case's station
 * @param case_id  the case
 * @param visited_at  when; 0 means now; not before the case was resolved, not in the future
 * @param satisfaction  the reporter's or parties' satisfaction, 1 (very dissatisfied) to 5 (very satisfied)
 * @param recurred  1 if the matter recurred (the case must then be reopened, not closed), else 0
 * @param note  what was found (may be NULL; up to #CPOL_CASE_NOTE_MAX bytes)
 * @return #CPOL_OK; #CPOL_EINVALID for a satisfaction outside 1..5,
 *         @p recurred not 0 or 1, or a bad time; #CPOL_ESTATE; #CPOL_EPERM;
 *         #CPOL_ENOTFOUND; #CPOL_EMISUSE; #CPOL_EUTF8; #CPOL_ETOOLONG;
 *         #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_followup(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, cpol_time visited_at,
                                int satisfaction, int recurred, const char *note);

/**
 * Evaluate and close a case (评价、办结): fed back or followed up → closed.
 * Closing needs a recorded follow-up visit that found no recurrence. Points
 * for an on-the-spot mediation or a rectified hazard are awarded here.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_CLOSE at the case's station
 * @param case_id  the case
 * @param note  the evaluation (may be NULL; up to #CPOL_CASE_NOTE_MAX bytes)
 * @return #CPOL_OK; #CPOL_ERULE without a follow-up visit, when the last
 *         visit found the matter recurred, for a case resolved at the
 *         leadership tier closed by someone who is not a station leader, or
 *         when the actor handled the case at any point of its history (a
 *         handler named by any assignment, escalation or de-escalation, a
 *         responder on the scene, who resolved it) or recorded an arrival on
 *         the scene; #CPOL_ESTATE; #CPOL_EPERM;
 *         #CPOL_ENOTFOUND; #CPOL_EMISUSE; #CPOL_EUTF8; #CPOL_ETOOLONG;
 *         #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_close(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, const char *note);

/**
 * Reopen a resolved, fed back, followed up or closed case, for example on
 * recurrence: it returns to "assessed" (grade kept, handler and tier
 * cleared) for a new assignment.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_CLOSE at the case's station
 * @param case_id  the case
 * @param reason  why: required, 1 to #CPOL_CASE_NOTE_MAX bytes
 * @return #CPOL_OK; #CPOL_ESTATE; #CPOL_EINVALID for an empty reason;
 *         #CPOL_EPERM; #CPOL_ENOTFOUND; #CPOL_EMISUSE; #CPOL_EUTF8;
 *         #CPOL_ETOOLONG; #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_reopen(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, const char *reason);

/**
 * Read a case. The actor needs #CPOL_PERM_CASE_VIEW at the case's station,
 * unless it reported or handles the case.
 * @ctor cpol_case
 * @param ctx  an open context
 * @param as   the actor
 * @param id   the case
 * @param[out] out  receives the case (owned; free with cpol_case_free()); NULL on failure
 * @return #CPOL_OK; #CPOL_ENOTFOUND; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, cpol_case **out);

/**
 * Free a case snapshot.
 * @dtor cpol_case
 * @param c  the case, or NULL
 * @since 0.1
 */
CPOL_API void cpol_case_free(cpol_case *c);

/**
 * @param c  a case
 * @return its id (borrowed, valid while @p c is)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_case_id(const cpol_case *c);
/**
 * @param c  a case
 * @return the station it belongs to (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_case_station(const cpol_case *c);
/**
 * @param c  a case
 * @return the area where it happened (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_case_area(const cpol_case *c);
/**
 * @param c  a case
 * @return its #cpol_case_source_t
 * @since 0.1
 */
CPOL_API int cpol_case_source(const cpol_case *c);
/**
 * @param c  a case
 * @return its #cpol_case_category_t
 * @since 0.1
 */
CPOL_API int cpol_case_category(const cpol_case *c);
/**
 * @param c  a case
 * @return its #cpol_case_state_t
 * @since 0.1
 */
CPOL_API int cpol_case_state(const cpol_case *c);
/**
 * @param c  a case
 * @return its #cpol_risk_grade_t, 0 before assessment
 * @since 0.1
 */
CPOL_API int cpol_case_risk_grade(const cpol_case *c);
/**
 * @param c  a case
 * @return its current #cpol_case_tier_t, 0 while unassigned
 * @since 0.1
 */
CPOL_API int cpol_case_tier(const cpol_case *c);
/**
 * @param c  a case
 * @return its current handler (borrowed), or NULL while it has none or when
 *         the handler is a covert person (an informant handling on the spot)
 *         the reader of this snapshot may not know
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_case_handler(const cpol_case *c);
/**
 * @param c  a case
 * @return the team responsible for it (borrowed), or NULL if no team was named
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_case_team(const cpol_case *c);
/**
 * @param c  a case
 * @return the #cpol_case_outcome_t of its resolution, 0 while it is not resolved
 * @since 0.1
 */
CPOL_API int cpol_case_outcome(const cpol_case *c);
/**
 * @param c  a case
 * @return the address, "" if none (borrowed)
 * @since 0.1
 */
CPOL_API const char *cpol_case_address(const cpol_case *c);
/**
 * @param c  a case
 * @return 1 if it has coordinates, 0 if not
 * @since 0.1
 */
CPOL_API int cpol_case_has_location(const cpol_case *c);
/**
 * @param c  a case
 * @return its latitude in degrees (0 without coordinates)
 * @since 0.1
 */
CPOL_API double cpol_case_latitude(const cpol_case *c);
/**
 * @param c  a case
 * @return its longitude in degrees (0 without coordinates)
 * @since 0.1
 */
CPOL_API double cpol_case_longitude(const cpol_case *c);
/**
 * @param c  a case
 * @return the description (borrowed)
 * @since 0.1
 */
CPOL_API const char *cpol_case_description(const cpol_case *c);
/**
 * @param c  a case
 * @return the registered reporter (borrowed), or NULL if none or masked for this reader
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_case_reporter(const cpol_case *c);
/**
 * @param c  a case
 * @return the unregistered reporter's name, "" if none or masked (borrowed)
 * @since 0.1
 */
CPOL_API const char *cpol_case_reporter_name(const cpol_case *c);
/**
 * @param c  a case
 * @return 1 if the reporter's identity is protected (informant tip or
 *         confidential), 0 otherwise; also 1 for a reader who may not know
 *         the reporter because they are covert (an informant's ordinary
 *         report reads like any confidential one)
 * @since 0.1
 */
CPOL_API int cpol_case_confidential(const cpol_case *c);
/**
 * @param c  a case
 * @return 1 if the reporter is hidden from the reader of this snapshot, 0 if shown
 * @since 0.1
 */
CPOL_API int cpol_case_reporter_masked(const cpol_case *c);
/**
 * @param c  a case
 * @return the original of a case rejected as a duplicate (borrowed), or NULL
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_case_duplicate_of(const cpol_case *c);
/**
 * @param c  a case
 * @return when it was reported
 * @since 0.1
 */
CPOL_API cpol_time cpol_case_reported_at(const cpol_case *c);
/**
 * @param c  a case
 * @return when it was last resolved, 0 if it is not resolved
 * @since 0.1
 */
CPOL_API cpol_time cpol_case_resolved_at(const cpol_case *c);
/**
 * @param c  a case
 * @return when it was closed, 0 if it is not closed
 * @since 0.1
 */
CPOL_API cpol_time cpol_case_closed_at(const cpol_case *c);
/**
 * @param c  a case
 * @return when it last changed
 * @since 0.1
 */
CPOL_API cpol_time cpol_case_updated_at(const cpol_case *c);
/**
 * @param c  a case
 * @return how often it was reopened
 * @since 0.1
 */
CPOL_API int32_t cpol_case_reopen_count(const cpol_case *c);
/**
 * @param c  a case
 * @return the satisfaction (1..5) of its last follow-up visit, 0 if none
 * @since 0.1
 */
CPOL_API int cpol_case_satisfaction(const cpol_case *c);

/**
 * Which cases to list. Zero / NULL fields do not filter. Initialise with
 * #CPOL_CASE_FILTER_INIT; the struct only grows at the end.
 */
typedef struct cpol_case_filter {
    unsigned int version;  /**< #CPOL_CASE_FILTER_VERSION */
    const cpol_id *area;   /**< cases at this area or below it (a station: all its cases) */
    int32_t state;         /**< cases in this #cpol_case_state_t */
    int32_t category;      /**< cases of this #cpol_case_category_t */
    const cpol_id *team;   /**< cases of this team */
    cpol_time from;        /**< reported at or after (0: no bound) */
    cpol_time to;          /**< reported before (0: no bound) */
    int64_t offset;        /**< skip this many cases (paging) */
    int64_t limit;         /**< at most this many (0: no limit) */
} cpol_case_filter;

/** The current version of #cpol_case_filter. */
#define CPOL_CASE_FILTER_VERSION 1
/** Initialiser for #cpol_case_filter: every case. */
#define CPOL_CASE_FILTER_INIT { CPOL_CASE_FILTER_VERSION, NULL, 0, 0, NULL, 0, 0, 0, 0 }

/**
 * List cases in the order they were recorded, reporters masked as for
 * cpol_case_get().
 * @ctor cpol_case_iter
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_VIEW; sees only its station's cases
 * @param filter  the filter, or NULL for every case
 * @param[out] out  receives the iterator (owned; free with cpol_case_iter_free())
 * @return #CPOL_OK; #CPOL_EVERSION; #CPOL_EINVALID for unknown values, a bad
 *         time window or a negative offset or limit; #CPOL_ENOTFOUND for an
 *         unknown area or team; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_case_filter *filter,
                                cpol_case_iter **out);
/**
 * Next case.
 * @param it  the iterator
 * @param[out] out  receives the case (borrowed: valid until the next call on @p it)
 * @return #CPOL_OK; #CPOL_DONE at the end; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_iter_next(cpol_case_iter *it, const cpol_case **out);
/**
 * Free an iterator (also after its context was closed).
 * @dtor cpol_case_iter
 * @param it  the iterator, or NULL
 * @since 0.1
 */
CPOL_API void cpol_case_iter_free(cpol_case_iter *it);

/**
 * List a case's history, one event per step taken, in the order recorded.
 * The reporter of a protected case is removed (subject and actor NULL) for
 * readers who may not see it.
 * @ctor cpol_case_event_iter
 * @param ctx  an open context
 * @param as   the actor: as for cpol_case_get()
 * @param case_id  the case
 * @param[out] out  receives the iterator (owned; free with cpol_case_event_iter_free())
 * @return #CPOL_OK; #CPOL_ENOTFOUND; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_event_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id,
                                      cpol_case_event_iter **out);
/**
 * Next event.
 * @param it  the iterator
 * @param[out] out  receives the event (borrowed: valid until the next call on @p it)
 * @return #CPOL_OK; #CPOL_DONE at the end; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_event_iter_next(cpol_case_event_iter *it, const cpol_case_event **out);
/**
 * Free an iterator (also after its context was closed).
 * @dtor cpol_case_event_iter
 * @param it  the iterator, or NULL
 * @since 0.1
 */
CPOL_API void cpol_case_event_iter_free(cpol_case_event_iter *it);

/**
 * @param e  an event
 * @return its id (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_case_event_id(const cpol_case_event *e);
/**
 * @param e  an event
 * @return the #cpol_case_step_t taken
 * @since 0.1
 */
CPOL_API int cpol_case_event_step(const cpol_case_event *e);
/**
 * @param e  an event
 * @return the #cpol_case_state_t before the step (0 for the report)
 * @since 0.1
 */
CPOL_API int cpol_case_event_from(const cpol_case_event *e);
/**
 * @param e  an event
 * @return the #cpol_case_state_t after the step
 * @since 0.1
 */
CPOL_API int cpol_case_event_to(const cpol_case_event *e);
/**
 * @param e  an event
 * @return when the step took effect (the arrival, visit or reply time given, else when it was recorded)
 * @since 0.1
 */
CPOL_API cpol_time cpol_case_event_at(const cpol_case_event *e);
/**
 * @param e  an event
 * @return when the step was recorded
 * @since 0.1
 */
CPOL_API cpol_time cpol_case_event_recorded_at(const cpol_case_event *e);
/**
 * @param e  an event
 * @return the person who took the step (borrowed), or NULL for the system
 *         actor or when masked: the protected reporter who recorded their
 *         report, or a covert person, for a reader who may not know them
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_case_event_actor(const cpol_case_event *e);
/**
 * @param e  an event
 * @return the #cpol_role_t the actor acted in, 0 for the system actor or when
 *         the actor is masked
 * @since 0.1
 */
CPOL_API int cpol_case_event_actor_role(const cpol_case_event *e);
/**
 * @param e  an event
 * @return whom the step concerns (borrowed): the reporter (report), the
 *         handler (assign, escalate, de-escalate), the responder (arrive), the
 *         original (reject as duplicate), the referral (refer, reply), the spot
 *         check; NULL otherwise or when masked (the protected reporter, or a
 *         covert person, for a reader who may not know them)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_case_event_subject(const cpol_case_event *e);
/**
 * @param e  an event
 * @return the case's #cpol_case_tier_t after the step (0 while unassigned)
 * @since 0.1
 */
CPOL_API int cpol_case_event_tier(const cpol_case_event *e);
/**
 * @param e  an event
 * @return the case's #cpol_risk_grade_t after the step (0 before assessment)
 * @since 0.1
 */
CPOL_API int cpol_case_event_risk_grade(const cpol_case_event *e);
/**
 * @param e  an event
 * @return the #cpol_case_outcome_t of a resolving step, the #cpol_case_reject_t
 *         of a rejection, 0 otherwise
 * @since 0.1
 */
CPOL_API int cpol_case_event_outcome(const cpol_case_event *e);
/**
 * @param e  an event
 * @return the satisfaction (1..5) of a follow-up visit, 0 otherwise
 * @since 0.1
 */
CPOL_API int cpol_case_event_satisfaction(const cpol_case_event *e);
/**
 * @param e  an event
 * @return 1 if a follow-up visit found the matter recurred, 0 otherwise
 * @since 0.1
 */
CPOL_API int cpol_case_event_recurred(const cpol_case_event *e);
/**
 * @param e  an event
 * @return the note or reason, "" if none (borrowed)
 * @since 0.1
 */
CPOL_API const char *cpol_case_event_note(const cpol_case_event *e);

/**
 * Set how long a stage may take for cases of one risk grade at a station
 * (stored in table case_deadline; replaces the default).
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_CONFIGURE at the station
 * @param station  a police station
 * @param grade  a #cpol_risk_grade_t
 * @param stage  #CPOL_STAGE_SCREENING, #CPOL_STAGE_ARRIVAL, #CPOL_STAGE_RESOLUTION or #CPOL_STAGE_FOLLOWUP
 * @param limit_ms  the time allowed in milliseconds: 1 minute to 365 days
 * @return #CPOL_OK; #CPOL_EINVALID for an unknown grade or stage, a limit out
 *         of range, or an area that is not a station; #CPOL_ENOTFOUND;
 *         #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_EREADONLY; #CPOL_EBUSY;
 *         #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_deadline_set(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, int grade,
                                    int stage, int64_t limit_ms);

/**
 * Read the time a stage may take at a station (the stored value, else the default).
 * @param ctx  an open context
 * @param as   the actor; any active role acting for the station (deadlines are
 *             reference data that name nobody)
 * @param station  a police station
 * @param grade  a #cpol_risk_grade_t
 * @param stage  as for cpol_case_deadline_set()
 * @param[out] out  receives the limit in milliseconds
 * @return #CPOL_OK; #CPOL_EINVALID for an unknown grade or stage or an area
 *         that is not a station; #CPOL_ENOTFOUND; #CPOL_EPERM for an actor
 *         no longer active or of another station; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_deadline_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, int grade,
                                    int stage, int64_t *out);

/**
 * The built-in time a stage may take (documented in docs/cases.md): general
 * 24 h screening, 24 h arrival, 7 days resolution, 7 days follow-up;
 * attention 2 h, 1 h, 3 days, 3 days; high 30 min, 15 min, 24 h, 24 h.
 * @param grade  a #cpol_risk_grade_t
 * @param stage  as for cpol_case_deadline_set()
 * @return the limit in milliseconds, or 0 for unknown values
 * @since 0.1
 */
CPOL_API int64_t cpol_case_deadline_default(int grade, int stage);

/**
 * Find every overdue stage of the open cases the actor may see, at the
 * context clock's time (no background threads: call it periodically), and
 * apply the escalation policy: a case assigned or in handling whose
 * resolution is overdue is raised one tier (recorded as an escalation with
 * reason "overdue"; the handler is cleared so that one of the new tier must
 * be assigned). The resolution clock then restarts, so each further full
 * period without resolution raises it again, up to station leadership.
 * Cases not yet assessed use the general grade's deadlines.
 * @ctor cpol_case_overdue_iter
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_CASE_VIEW (and #CPOL_PERM_CASE_ESCALATE
 *             with @p escalate) at its station; the system actor sees every station
 * @param escalate  1 to apply the escalation policy, 0 only to list
 * @param[out] out  receives the overdue stages, oldest deadline first (owned;
 *                  free with cpol_case_overdue_iter_free())
 * @return #CPOL_OK; #CPOL_EINVALID if @p escalate is not 0 or 1; #CPOL_EPERM;
 *         #CPOL_EMISUSE; #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_case_tick(cpol_ctx *ctx, const cpol_actor *as, int escalate, cpol_case_overdue_iter **out);
/**
 * Next overdue stage.
 * @param it  the iterator
 * @param[out] out  receives it (borrowed: valid until the next call on @p it)
 * @return #CPOL_OK; #CPOL_DONE at the end; #CPOL_EMISUSE
 * @since 0.1
 */
CPOL_API int cpol_case_overdue_iter_next(cpol_case_overdue_iter *it, const cpol_case_overdue **out);
/**
 * Free an iterator.
 * @dtor cpol_case_overdue_iter
 * @param it  the iterator, or NULL
 * @since 0.1
 */
CPOL_API void cpol_case_overdue_iter_free(cpol_case_overdue_iter *it);
/**
 * @param o  an overdue stage
 * @return the case (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_case_overdue_case(const cpol_case_overdue *o);
/**
 * @param o  an overdue stage
 * @return the #cpol_case_stage_t
 * @since 0.1
 */
CPOL_API int cpol_case_overdue_stage(const cpol_case_overdue *o);
/**
 * @param o  an overdue stage
 * @return when the stage was due
 * @since 0.1
 */
CPOL_API cpol_time cpol_case_overdue_due_at(const cpol_case_overdue *o);
/**
 * @param o  an overdue stage
 * @return by how many milliseconds it is overdue at the tick's time
 * @since 0.1
 */
CPOL_API int64_t cpol_case_overdue_by(const cpol_case_overdue *o);
/**
 * @param o  an overdue stage
 * @return the case's #cpol_case_tier_t after the tick (raised if escalated)
 * @since 0.1
 */
CPOL_API int cpol_case_overdue_tier(const cpol_case_overdue *o);
/**
 * @param o  an overdue stage
 * @return 1 if this tick escalated the case for it, 0 if not
 * @since 0.1
 */
CPOL_API int cpol_case_overdue_escalated(const cpol_case_overdue *o);

/**
 * The lowest tier a risk grade allows: high → leadership, attention →
 * officer, general → on the spot.
 * @param grade  a #cpol_risk_grade_t
 * @return a #cpol_case_tier_t, 0 for unknown grades
 * @since 0.1
 */
CPOL_API int cpol_risk_grade_min_tier(int grade);

/**
 * @param source  a #cpol_case_source_t
 * @return its English name such as "informant tip" (static; "unknown" for unknown values)
 * @since 0.1
 */
CPOL_API const char *cpol_case_source_name(int source);
/**
 * @param category  a #cpol_case_category_t
 * @return its English name such as "neighbour dispute" (static; "unknown" for unknown values)
 * @since 0.1
 */
CPOL_API const char *cpol_case_category_name(int category);
/**
 * @param category  a #cpol_case_category_t
 * @return its code such as "neighbour", the Open311 service_code (static; "unknown" for unknown values)
 * @since 0.1
 */
CPOL_API const char *cpol_case_category_code(int category);
/**
 * @param state  a #cpol_case_state_t
 * @return its name such as "fed back" (static; "unknown" for unknown values)
 * @since 0.1
 */
CPOL_API const char *cpol_case_state_name(int state);
/**
 * @param grade  a #cpol_risk_grade_t
 * @return its name such as "attention" (static; "unknown" for unknown values)
 * @since 0.1
 */
CPOL_API const char *cpol_risk_grade_name(int grade);
/**
 * @param tier  a #cpol_case_tier_t
 * @return its name such as "on the spot" (static; "unknown" for unknown values)
 * @since 0.1
 */
CPOL_API const char *cpol_case_tier_name(int tier);
/**
 * @param outcome  a #cpol_case_outcome_t
 * @return its name such as "mediated agreement" (static; "unknown" for unknown values)
 * @since 0.1
 */
CPOL_API const char *cpol_case_outcome_name(int outcome);
/**
 * @param step  a #cpol_case_step_t
 * @return its name such as "verify" (static; "unknown" for unknown values)
 * @since 0.1
 */
CPOL_API const char *cpol_case_step_name(int step);
/**
 * @param stage  a #cpol_case_stage_t
 * @return its name such as "arrival" (static; "unknown" for unknown values)
 * @since 0.1
 */
CPOL_API const char *cpol_case_stage_name(int stage);

CPOL_END_DECL

#endif /* COMMPOLICE_CASE_H */
