/* The case module's tables and the helpers its files share:
 *
 *   case_names.c     names of enum values, tier minimums, default deadlines
 *   case_intake.c    case_file and case_party: intake, parties
 *   case_workflow.c  case_event and the transition table; the step runner
 *   case_screening.c verifying (lead points) and rejecting
 *   case_tiers.c     who fits which tier; assess, assign, escalate, de-escalate
 *   case_handling.c  case_referral; arrivals, resolving, referrals
 *   case_closing.c   feedback, follow-up visits, closing (outcome points), reopening
 *   case_read.c      snapshots, masking, listings, the history
 *   case_insiders.c  who may not judge their own work; lowering a case's tier
 *   case_deadline.c  case_deadline; deadlines and the overdue tick
 *   case_responders.c duty_position; nearest on-duty responders
 *   case_spotcheck.c case_spot_check and the seeded sampler (case_rng.c)
 *   case_repeat.c    repeat analysis (一人多次、一地多起、一类多发)
 *   case_metrics.c   metrics computed from the stored events
 *   case_open311.c   GeoReport v2 JSON
 */
#ifndef CPOL_DOMAIN_CASE_TABLES_H
#define CPOL_DOMAIN_CASE_TABLES_H

#include <commpolice/case.h>
#include <commpolice/case_analysis.h>
#include <commpolice/case_metrics.h>

#include "util/versioned.h"
#include "domain/base/reader.h"
#include "store/record.h"
#include "store/store.h"

/* case_intake.c: one row per case, its current state (history in case_event) */
enum {
    CASE_ID, CASE_STATION, CASE_AREA,
    CASE_AREA_PATH,        /* copy of the area's path: "cases in this area or below" */
    CASE_SOURCE, CASE_CATEGORY, CASE_STATE,
    CASE_RISK_GRADE,       /* 0 until assessed */
    CASE_TIER,             /* 0 while unassigned */
    CASE_HANDLER,          /* NULL while nobody handles it */
    CASE_TEAM,             /* the last team named by an assignment; kept */
    CASE_OUTCOME,          /* 0 while not resolved */
    CASE_ADDRESS, CASE_LATITUDE, CASE_LONGITUDE, CASE_DESCRIPTION,
    CASE_REPORTER, CASE_REPORTER_NAME,
    CASE_CONFIDENTIAL,     /* the reporter is protected */
    CASE_RECORDED_BY,      /* the person who entered it; NULL for the system actor */
    CASE_DUPLICATE_OF,
    CASE_REPORTED_AT,
    CASE_CLOCK_AT,         /* start of the running arrival and resolution period: report, reopening or overdue escalation */
    CASE_FIRST_ARRIVAL_AT, CASE_RESOLVED_AT, CASE_CLOSED_AT,
    CASE_SATISFACTION, CASE_RECURRED, /* of the last follow-up visit */
    CASE_REOPEN_COUNT, CASE_UPDATED_AT,
    CASE_REPORTER_INDEX, CASE_HANDLER_INDEX, /* blind indexes of the encrypted reporter and handler */
    CASE_NCOLS
};
extern const cpol_table cpol__table_case;

/* case_intake.c */
enum { PARTY_ID, PARTY_STATION, PARTY_CASE, PARTY_PERSON, PARTY_NAME, PARTY_ADDED_AT, PARTY_NCOLS };
extern const cpol_table cpol__table_case_party;

/* case_workflow.c: one row per step taken, never changed */
enum {
    EVENT_ID, EVENT_STATION, EVENT_CASE, EVENT_STEP, EVENT_FROM, EVENT_TO,
    EVENT_AT,              /* when it took effect */
    EVENT_RECORDED_AT, EVENT_ACTOR, EVENT_ACTOR_ROLE, EVENT_SUBJECT, EVENT_TIER, EVENT_RISK_GRADE,
    EVENT_OUTCOME, EVENT_SATISFACTION, EVENT_RECURRED, EVENT_NOTE,
    EVENT_SUBJECT_ROLE,    /* arrive: the role the responder arrived in (schema 5; NULL before) */
    EVENT_NCOLS
};
extern const cpol_table cpol__table_case_event;

/* case_handling.c */
enum {
    REFERRAL_ID, REFERRAL_STATION, REFERRAL_CASE, REFERRAL_DEPARTMENT, REFERRAL_DEADLINE, REFERRAL_REFERRED_AT,
    REFERRAL_REPLIED_AT, REFERRAL_HANDLED, REFERRAL_REPLY, REFERRAL_NCOLS
};
extern const cpol_table cpol__table_case_referral;

/* case_deadline.c */
enum { DEADLINE_ID, DEADLINE_STATION, DEADLINE_GRADE, DEADLINE_STAGE, DEADLINE_LIMIT_MS, DEADLINE_UPDATED_AT,
       DEADLINE_NCOLS };
extern const cpol_table cpol__table_case_deadline;

/* case_spotcheck.c */
enum {
    SPOT_ID, SPOT_STATION, SPOT_CASE, SPOT_SEED, SPOT_SAMPLED_AT, SPOT_SAMPLED_BY, SPOT_RESULT, SPOT_DECIDED_AT,
    SPOT_DECIDED_BY, SPOT_NOTE, SPOT_NCOLS
};
extern const cpol_table cpol__table_case_spot_check;

/* case_responders.c */
enum { DUTY_ID, DUTY_STATION, DUTY_PERSON, DUTY_LATITUDE, DUTY_LONGITUDE, DUTY_ON_DUTY, DUTY_REPORTED_AT,
       DUTY_NCOLS };
extern const cpol_table cpol__table_duty_position;

/* ---- the step runner (case_workflow.c) ---- */

/* The event a step writes. The runner fills the defaults (to: the table's
 * target; at: now) before calling the step's apply function, which may
 * change them and fills the rest. */
typedef struct cpol__case_event {
    cpol_id id;            /* the event's id, made before apply runs */
    int step, from, to;
    cpol_time at;
    const cpol_id *subject;
    int outcome, satisfaction, recurred;
    int subject_role;      /* arrive: the responder's role, 0 if they hold none at the station */
    const char *note;
    char detail[192];      /* appended to the audit entry's "after" text */
} cpol__case_event;

/* Check the step's rules, change the case row (the runner stores it) and
 * write any rows of its own. */
typedef int (*cpol__case_apply)(cpol_ctx *ctx, const cpol_actor *as, cpol_record *row, cpol__case_event *ev,
                                void *arg);

/* Take a step inside the current atomic unit: load the case, authorise the
 * step's permission at its station (volunteer roles: only on cases they
 * handle, where the step says so), refuse a step the state does not allow
 * (CPOL_ESTATE naming the state and the allowed steps), apply, store the
 * case, append the event and audit it. */
int cpol__case_step(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, int step, const char *note,
                    cpol__case_apply apply, void *arg);
/* The same as one atomic unit (what the public step functions call). */
int cpol__case_run(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, int step, const char *note,
                   cpol__case_apply apply, void *arg);

/* Append an event row for a case row (used by the runner and intake). */
int cpol__case_event_insert(cpol_ctx *ctx, const cpol_actor *as, const cpol_record *row,
                            const cpol__case_event *ev);

/* Validate an optional note, or a required one with min 1. */
int cpol__case_check_note(const char *func, const char *what, const char *note, int required);

/* Refuse (CPOL_EINVALID naming func, what and both times) a time before
 * `not_before` (which is when `since_what` happened) or after now. */
int cpol__case_check_time(cpol_ctx *ctx, const char *func, const char *what, cpol_time t, cpol_time not_before,
                          const char *since_what);

/* Visit the events of a case in the order they were recorded. */
int cpol__case_events_each(cpol_ctx *ctx, const cpol_id *case_id, void (*visit)(const cpol_record *event, void *arg),
                           void *arg);

/* Make room for item n of an array of `cap` items of `size` bytes: the
 * array itself, or a larger copy (*cap updated), or NULL when out of
 * memory (the old array is left as it was). */
void *cpol__case_grow(void *items, size_t *cap, size_t n, size_t size);

/* Load a case row: CPOL_ENOTFOUND "case <id> does not exist". */
int cpol__case_load(cpol_ctx *ctx, const cpol_id *id, cpol_record **out);

/* 1 if the actor (a person) is the case's handler / reporter. */
int cpol__case_is_handler(const cpol_actor *as, const cpol_record *row);
int cpol__case_is_reporter(const cpol_actor *as, const cpol_record *row);

/* Reopen a case row (cpol_case_reopen(), a spot check that fails): back to
 * assessed (verified if never assessed), unassigned, unresolved, nobody on
 * the scene yet, its clock restarted now. */
void cpol__case_apply_reopen(cpol_ctx *ctx, cpol_record *row, cpol__case_event *ev);

/* ---- tiers (case_tiers.c) ---- */

/* CPOL_ERULE unless `person` holds an active role fitting `tier` at the
 * station (and, at the team tier, is an active member of `team`);
 * CPOL_ENOTFOUND for an unknown person or one hidden from `as`. */
int cpol__case_check_handler(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int tier,
                             const cpol_id *team, const cpol_id *station);

/* 1 if the person holds an active assignment at the station whose role
 * satisfies pred (NULL: any role), 0 if not, <0 on error. */
int cpol__case_holds_role(cpol_ctx *ctx, const cpol_id *person, const cpol_id *station, int (*pred)(int role));
/* Visit the roles of the person's active assignments at the station until
 * visit returns nonzero; returns that (1 if stopped), 0, or <0 on error. */
int cpol__case_each_role(cpol_ctx *ctx, const cpol_id *person, const cpol_id *station,
                         int (*visit)(int role, void *arg), void *arg);

/* Raise a case row's risk grade (assessment rules: a case assigned below the
 * new minimum returns to assessed). Used by cpol_case_assess() and the
 * repeat analysis; ev->to is set accordingly. */
int cpol__case_apply_grade(cpol_ctx *ctx, cpol_record *row, int grade, cpol__case_event *ev);

/* ---- reading (case_read.c) ---- */

/* Who reads a case, a listing or a history, fixed when it is opened (an
 * iterator outlives the call and the actor handle): the reader of
 * domain/base/reader.h, which decides who is hidden, plus what the case
 * rules need. */
typedef struct cpol__case_reader {
    cpol__reader hides;
    int cleared;       /* may learn who tipped (docs/permissions.md) */
    int has_self;      /* a person, not the system actor */
    cpol_id self;
} cpol__case_reader;
int cpol__case_reader_open(cpol_ctx *ctx, const cpol_actor *as, cpol__case_reader *r);
/* *hidden = 1 if `person` is hidden from the reader (covert, see reader.h). */
int cpol__case_reader_hides(cpol_store *store, cpol__case_reader *r, const cpol_id *person, int *hidden);

/* May `as` read the case (case.view at its station, or its reporter or
 * handler through an active assignment)? */
int cpol__case_may_read(cpol_ctx *ctx, const cpol_actor *as, const cpol_record *row);

/* *masked = 1 if the case's reporter must not be shown to the reader: the
 * case is protected (informant tip, confidential) and the reader is neither
 * cleared nor the reporter, or the reporter is a person hidden from the
 * reader (covert), whatever the case says. */
int cpol__case_reporter_masked(cpol_store *store, cpol__case_reader *r, const cpol_record *row, int *masked);

/* Writes by `as` that name `person` (as reporter, party, handler,
 * responder...): a person hidden from `as` is answered exactly as an unknown
 * one, CPOL_ENOTFOUND "<what> <uuid> does not exist", so a write is no
 * oracle for who is covert. */
int cpol__case_check_named(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, const char *what);

/* Check a listing filter (CPOL_EVERSION, CPOL_EINVALID naming func), and
 * build its query after authorising case.view, limited to the actor's
 * station if it is bound to one (paging included). */
/* Take a caller's filter (only its version's bytes) into f, which holds the
 * defaults, and check its values. */
int cpol__case_take_filter(const char *func, const cpol_case_filter *in, cpol_case_filter *f);
int cpol__case_filter_query(cpol_ctx *ctx, const cpol_actor *as, const cpol_case_filter *f, cpol_query **out);

/* path >= lo && path < hi selects an area and everything below it. */
int cpol__case_subtree(cpol_ctx *ctx, const cpol_id *area, char **lo, char **hi);

/* The station of an area that analyses or measures cases (`what` names the
 * call for the CPOL_ERULE when the area lies under no station), after
 * authorising case.view there. */
int cpol__case_area_scope(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *area, const char *what,
                          cpol_id *station_out);

/* A query over the cases at an area or below, reported in [from, to). */
int cpol__case_area_query(cpol_ctx *ctx, const cpol_id *area, cpol_time from, cpol_time to, cpol_query **out);

/* ---- insiders (case_insiders.c) ---- */

/* Nobody judges their own work: CPOL_ERULE if the acting person, at any
 * point of the case's history, handled it (its handler now, a handler named
 * by an assignment, escalation or de-escalation, a responder on the scene,
 * who resolved it) or recorded an arrival on its scene. The message says
 * "nobody <does> a case they handled: <judgement> is someone else's". The
 * system actor judges anything. */
int cpol__case_check_judge(cpol_ctx *ctx, const cpol_actor *as, const cpol_record *row, const char *does,
                           const char *judgement);

/* The tier the case was last at before it returned to triage (0 if never
 * assigned): a first assignment below it lowers the case. */
int cpol__case_prior_tier(cpol_ctx *ctx, const cpol_record *row, int *tier);

/* Lowering a case (its tier, or the risk grade that sets its minimum tier)
 * is a de-escalation: CPOL_EPERM unless `as` holds case.deescalate at the
 * case's station (the message says what is lowered, `what`), CPOL_EINVALID
 * without a reason. */
int cpol__case_check_lowering(cpol_ctx *ctx, const cpol_actor *as, const cpol_record *row, const char *func,
                              const char *what, const char *reason);

/* ---- deadlines (case_deadline.c) ---- */

/* CPOL_EINVALID (naming func) unless the area is a police station. */
int cpol__case_require_station(cpol_ctx *ctx, const char *func, const cpol_id *station);

/* The limit of (grade, stage) at a station; grade 0 counts as general. */
int cpol__case_deadline(cpol_ctx *ctx, const cpol_id *station, int grade, int stage, int64_t *ms);

/* ---- names (case_names.c) ---- */

int cpol__case_valid_grade(int grade);
int cpol__case_valid_tier(int tier);
int cpol__case_outcome_success(int outcome);

/* ---- seeded random numbers (case_rng.c): splitmix64 ---- */

typedef struct cpol__rng {
    uint64_t state;
} cpol__rng;

void cpol__rng_seed(cpol__rng *r, uint64_t seed);
uint64_t cpol__rng_next(cpol__rng *r);
/* A uniform integer in [0, bound), bound > 0, without modulo bias. */
uint64_t cpol__rng_below(cpol__rng *r, uint64_t bound);

#endif
