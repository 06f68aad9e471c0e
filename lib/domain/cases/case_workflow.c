/* The case workflow: one transition table, the step runner every workflow
 * function goes through, and the case_event table it appends to. A step is
 * allowed only where the table lists it; the runner authorises, applies the
 * step's own rules, stores the case, appends the event and audits, all in
 * the caller's atomic unit, so a refusal leaves nothing behind. */
#include <stdio.h>
#include <string.h>

#include <commpolice/case.h>

#include "util/text.h"
#include "domain/cases/case_tables.h"
#include "domain/base/domain.h"
#include "domain/base/snapshot.h"
#include "domain/teams/team_tables.h"

static const cpol_column_def event_columns[EVENT_NCOLS] = {
    [EVENT_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [EVENT_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [EVENT_CASE] = {"case_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [EVENT_STEP] = {"step", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL | CPOL__ENUM(CPOL_STEP_SPOT_REOPEN)},
    [EVENT_FROM] = {"from_state", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL | CPOL__ENUM(CPOL_CASE_REJECTED)},
    [EVENT_TO] = {"to_state", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL | CPOL__ENUM(CPOL_CASE_REJECTED)},
    [EVENT_AT] = {"at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
    [EVENT_RECORDED_AT] = {"recorded_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
    /* who took each step, and whom it named: encrypted (an informant's steps are who tipped) */
    [EVENT_ACTOR] = {"actor_person_id", CPOL_COLUMN_BLOB, CPOL__SECRET(CPOL_COLUMN_ID, 0)},
    [EVENT_ACTOR_ROLE] = {"actor_role", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL | CPOL__ENUM(CPOL_ROLE_ANALYST)},
    [EVENT_SUBJECT] = {"subject_id", CPOL_COLUMN_BLOB, CPOL__SECRET(CPOL_COLUMN_ID, 0)},
    [EVENT_TIER] = {"tier", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL | CPOL__ENUM(CPOL_TIER_LEADERSHIP)},
    [EVENT_RISK_GRADE] = {"risk_grade", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL | CPOL__ENUM(CPOL_RISK_HIGH)},
    [EVENT_OUTCOME] = {"outcome", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL | CPOL__ENUM(CPOL_OUTCOME_DEPARTMENT)},
    [EVENT_SATISFACTION] = {"satisfaction", CPOL_COLUMN_INT, 0},
    [EVENT_RECURRED] = {"recurred", CPOL_COLUMN_BOOL, 0},
    [EVENT_NOTE] = {"note", CPOL_COLUMN_TEXT, CPOL_COLUMN_NOTNULL},
    /* schema version 5: per-role arrival times (metrics); NULL for other steps and older rows */
    [EVENT_SUBJECT_ROLE] = {"subject_role", CPOL_COLUMN_INT, CPOL__ENUM(CPOL_ROLE_ANALYST)},
};

static const cpol_index_def event_indexes[] = {
    {"case_event_case", 0, 1, {EVENT_CASE}},
    {"case_event_station_at", 0, 2, {EVENT_STATION, EVENT_AT}},
};

/* Append-only: the case history is only ever inserted (record_event()),
 * with an event id fresh from cpol_id_new(), never updated or removed, and
 * no index is unique, so an insert cannot conflict (a backend may batch them). */
const cpol_table cpol__table_case_event = {"case_event", EVENT_NCOLS, event_columns,
                                           sizeof event_indexes / sizeof event_indexes[0], event_indexes,
                                           CPOL_TABLE_APPEND_ONLY};

/* Who besides the permission's holders is limited, for volunteer roles. */
enum {
    ANYONE = 0,
    OWN_CASE = 1,   /* a volunteer role may take it only on a case they handle */
    OWN_ARRIVAL = 2 /* a volunteer role may record only their own arrival (checked by the step) */
};

#define S(state) (1u << CPOL_CASE_##state)
#define STAY 0
#define OPEN_BEFORE_RESOLUTION (S(REPORTED) | S(VERIFIED) | S(ASSESSED) | S(ASSIGNED) | S(HANDLING))
#define AFTER_RESOLUTION (S(RESOLVED) | S(FED_BACK) | S(FOLLOWED_UP) | S(CLOSED))

/* The transition table: step, the states it may be taken from, the state it
 * leads to (STAY: unchanged), the permission and the volunteer limit. Two
 * steps choose between two documented targets: an assessment that raises
 * the minimum tier above the assigned one returns the case to "assessed";
 * a referral the department declines returns it to "assessed" (or
 * "verified" if it never was). */
typedef struct step_rule {
    int step;
    unsigned int from;
    int to;
    int perm;
    int scope;
} step_rule;

static const step_rule steps[] = {
    {CPOL_STEP_VERIFY, S(REPORTED), CPOL_CASE_VERIFIED, CPOL_PERM_CASE_TRIAGE, ANYONE},
    {CPOL_STEP_REJECT, OPEN_BEFORE_RESOLUTION, CPOL_CASE_REJECTED, CPOL_PERM_CASE_TRIAGE, ANYONE},
    {CPOL_STEP_ASSESS, S(VERIFIED), CPOL_CASE_ASSESSED, CPOL_PERM_CASE_TRIAGE, ANYONE},
    {CPOL_STEP_ASSESS, S(ASSESSED) | S(ASSIGNED) | S(HANDLING), STAY, CPOL_PERM_CASE_TRIAGE, ANYONE},
    {CPOL_STEP_ASSIGN, S(ASSESSED), CPOL_CASE_ASSIGNED, CPOL_PERM_CASE_TRIAGE, ANYONE},
    {CPOL_STEP_ASSIGN, S(ASSIGNED) | S(HANDLING), STAY, CPOL_PERM_CASE_TRIAGE, ANYONE},
    {CPOL_STEP_ESCALATE, S(ASSIGNED) | S(HANDLING), STAY, CPOL_PERM_CASE_ESCALATE, OWN_CASE},
    {CPOL_STEP_DEESCALATE, S(ASSIGNED) | S(HANDLING), STAY, CPOL_PERM_CASE_DEESCALATE, ANYONE},
    {CPOL_STEP_ARRIVE, S(REPORTED) | S(VERIFIED) | S(ASSESSED) | S(HANDLING), STAY, CPOL_PERM_CASE_HANDLE,
     OWN_ARRIVAL},
    {CPOL_STEP_ARRIVE, S(ASSIGNED), CPOL_CASE_HANDLING, CPOL_PERM_CASE_HANDLE, OWN_ARRIVAL},
    {CPOL_STEP_RESOLVE, S(ASSIGNED) | S(HANDLING), CPOL_CASE_RESOLVED, CPOL_PERM_CASE_HANDLE, OWN_CASE},
    {CPOL_STEP_REFER, S(VERIFIED) | S(ASSESSED) | S(ASSIGNED) | S(HANDLING), CPOL_CASE_REFERRED,
     CPOL_PERM_CASE_TRIAGE, ANYONE},
    {CPOL_STEP_REFERRAL_REPLY, S(REFERRED), CPOL_CASE_RESOLVED, CPOL_PERM_CASE_TRIAGE, ANYONE},
    {CPOL_STEP_FEEDBACK, S(RESOLVED), CPOL_CASE_FED_BACK, CPOL_PERM_CASE_FOLLOWUP, ANYONE},
    {CPOL_STEP_FOLLOWUP, S(FED_BACK) | S(FOLLOWED_UP), CPOL_CASE_FOLLOWED_UP, CPOL_PERM_CASE_FOLLOWUP, ANYONE},
    {CPOL_STEP_CLOSE, S(FED_BACK) | S(FOLLOWED_UP), CPOL_CASE_CLOSED, CPOL_PERM_CASE_CLOSE, ANYONE},
    {CPOL_STEP_REOPEN, AFTER_RESOLUTION, CPOL_CASE_ASSESSED, CPOL_PERM_CASE_CLOSE, ANYONE},
    {CPOL_STEP_SPOT_CONFIRM, AFTER_RESOLUTION, STAY, CPOL_PERM_CASE_SPOTCHECK, ANYONE},
    {CPOL_STEP_SPOT_REOPEN, AFTER_RESOLUTION, CPOL_CASE_ASSESSED, CPOL_PERM_CASE_SPOTCHECK, ANYONE},
};

#define NSTEPS (sizeof steps / sizeof steps[0])

/* The audit action of each step. */
static const char *step_action(int step)
{
    static const char *const actions[] = {NULL,           "case.report",     "case.verify",   "case.reject",
                                          "case.assess",  "case.assign",     "case.escalate", "case.deescalate",
                                          "case.arrive",  "case.resolve",    "case.refer",    "case.referral_reply",
                                          "case.feedback", "case.followup",  "case.close",    "case.reopen",
                                          "case.spotcheck.confirm", "case.spotcheck.reopen"};
    return step >= 1 && step <= CPOL_STEP_SPOT_REOPEN ? actions[step] : "case.unknown";
}

static const step_rule *find_rule(int step, int from)
{
    size_t i;
    for (i = 0; i < NSTEPS; i++)
        if (steps[i].step == step && (steps[i].from & (1u << from)))
            return &steps[i];
    return NULL;
}

static const step_rule *any_rule(int step)
{
    size_t i;
    for (i = 0; i < NSTEPS; i++)
        if (steps[i].step == step)
            return &steps[i];
    return NULL;
}

/* "verify, reject, arrive" for the refusal message. */
static void allowed_steps(int from, char *buf, size_t size)
{
    size_t i, used = 0;
    int listed[CPOL_STEP_SPOT_REOPEN + 1] = {0};
    buf[0] = '\0';
    for (i = 0; i < NSTEPS; i++) {
        if (!(steps[i].from & (1u << from)) || listed[steps[i].step])
            continue;
        listed[steps[i].step] = 1;
        used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%s%s", used ? ", " : "",
                                 cpol_case_step_name(steps[i].step));
    }
    if (!buf[0])
        snprintf(buf, size, "none (final state)");
}

int cpol__case_events_each(cpol_ctx *ctx, const cpol_id *case_id, void (*visit)(const cpol_record *event, void *arg),
                           void *arg)
{
    cpol_query *q;
    cpol_cursor *c = NULL;
    cpol_record *e = NULL;
    int rc = cpol__query_new(&cpol__table_case_event, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, EVENT_CASE, CPOL_OP_EQ, case_id);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_case_event, &e);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, e)) == CPOL_OK)
        visit(e, arg);
    cpol__cursor_close(c);
    cpol__record_free(e);
    cpol__query_free(q);
    return rc == CPOL_DONE ? CPOL_OK : rc;
}

void *cpol__case_grow(void *items, size_t *cap, size_t n, size_t size)
{
    size_t more;
    void *grown;
    if (n < *cap)
        return items;
    more = *cap ? 2 * *cap : 64;
    grown = cpol_realloc(items, more * size);
    if (grown)
        *cap = more;
    return grown;
}

int cpol__case_load(cpol_ctx *ctx, const cpol_id *id, cpol_record **out)
{
    return cpol__load(ctx, &cpol__table_case, id, "case", out);
}

static int same_person(const cpol_actor *as, const cpol_record *row, unsigned int col)
{
    cpol_id p;
    return !as->system && cpol__record_get_id(row, col, &p) && cpol_id_compare(&p, &as->person) == 0;
}

int cpol__case_is_handler(const cpol_actor *as, const cpol_record *row)
{
    return same_person(as, row, CASE_HANDLER);
}

int cpol__case_is_reporter(const cpol_actor *as, const cpol_record *row)
{
    return same_person(as, row, CASE_REPORTER);
}

int cpol__case_check_note(const char *func, const char *what, const char *note, int required)
{
    size_t len;
    if (required)
        return cpol__check_text(func, what, note, 1, CPOL_CASE_NOTE_MAX, &len);
    return cpol__check_optional(func, what, note, CPOL_CASE_NOTE_MAX, &len);
}

int cpol__case_check_time(cpol_ctx *ctx, const char *func, const char *what, cpol_time t, cpol_time not_before,
                          const char *since_what)
{
    char a[CPOL__TIME_TEXT], b[CPOL__TIME_TEXT];
    cpol_time now = cpol_ctx_now(ctx);
    cpol__time_text(t, a);
    if (t < not_before) {
        cpol__time_text(not_before, b);
        return cpol__error(CPOL_EINVALID, "%s: %s %s is before %s (%s)", func, what, a, since_what, b);
    }
    if (t > now) {
        cpol__time_text(now, b);
        return cpol__error(CPOL_EINVALID, "%s: %s %s is in the future (now is %s)", func, what, a, b);
    }
    return CPOL_OK;
}

int cpol__case_event_insert(cpol_ctx *ctx, const cpol_actor *as, const cpol_record *row,
                            const cpol__case_event *ev)
{
    cpol_record *r;
    cpol_id station, case_id;
    int rc = cpol__record_new(&cpol__table_case_event, &r);
    if (rc < 0)
        return rc;
    cpol__record_get_id(row, CASE_ID, &case_id);
    cpol__record_get_id(row, CASE_STATION, &station);
    rc = cpol__record_set_id(r, EVENT_ID, &ev->id);
    if (rc >= 0)
        rc = cpol__record_set_id(r, EVENT_STATION, &station);
    if (rc >= 0)
        rc = cpol__record_set_id(r, EVENT_CASE, &case_id);
    if (rc >= 0)
        rc = cpol__record_set_id_or_null(r, EVENT_ACTOR, as->system ? NULL : &as->person);
    if (rc >= 0)
        rc = cpol__record_set_id_or_null(r, EVENT_SUBJECT, ev->subject);
    if (rc >= 0)
        rc = cpol__record_set_text0(r, EVENT_NOTE, ev->note ? ev->note : "");
    cpol__value_set_int(&r->vals[EVENT_STEP], ev->step);
    cpol__value_set_int(&r->vals[EVENT_FROM], ev->from);
    cpol__value_set_int(&r->vals[EVENT_TO], ev->to);
    cpol__value_set_int(&r->vals[EVENT_AT], ev->at);
    cpol__value_set_int(&r->vals[EVENT_RECORDED_AT], cpol_ctx_now(ctx));
    cpol__value_set_int(&r->vals[EVENT_ACTOR_ROLE], as->system ? 0 : as->role);
    cpol__value_set_int(&r->vals[EVENT_TIER], cpol__record_int(row, CASE_TIER));
    cpol__value_set_int(&r->vals[EVENT_RISK_GRADE], cpol__record_int(row, CASE_RISK_GRADE));
    cpol__value_set_int(&r->vals[EVENT_OUTCOME], ev->outcome);
    if (ev->step == CPOL_STEP_ARRIVE && ev->subject_role)
        cpol__value_set_int(&r->vals[EVENT_SUBJECT_ROLE], ev->subject_role);
    if (ev->step == CPOL_STEP_FOLLOWUP) {
        cpol__value_set_int(&r->vals[EVENT_SATISFACTION], ev->satisfaction);
        cpol__value_set_int(&r->vals[EVENT_RECURRED], ev->recurred);
    }
    if (rc >= 0)
        rc = cpol__store_insert(ctx->store, r);
    cpol__record_free(r);
    return rc;
}

/* Volunteer roles hold case.handle and case.escalate for what they do on
 * the spot; the table's scope limits them to their own cases. */
static int check_scope(cpol_ctx *ctx, const cpol_actor *as, const step_rule *rule, const cpol_record *row)
{
    char who[128];
    if (as->system || cpol_role_is_staff(as->role) || rule->scope != OWN_CASE || cpol__case_is_handler(as, row))
        return CPOL_OK;
    cpol__team_person_name(ctx, &as->person, who, sizeof who);
    return cpol__error(CPOL_EPERM, "%s acting as %s may %s only a case they handle", who, cpol_role_name(as->role),
                       cpol_case_step_name(rule->step));
}

static int audit_step(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, const cpol_id *station,
                      const cpol__case_event *ev)
{
    char after[256];
    snprintf(after, sizeof after, "%s%s%s", cpol_case_state_name(ev->to), ev->detail[0] ? "; " : "", ev->detail);
    return cpol__audit(ctx, as, "case", case_id, station, step_action(ev->step), cpol_case_state_name(ev->from),
                       after, ev->note);
}

int cpol__case_step(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, int step, const char *note,
                    cpol__case_apply apply, void *arg)
{
    cpol_record *row;
    cpol__case_event ev;
    const step_rule *rule;
    cpol_id station;
    int rc = cpol__case_load(ctx, case_id, &row);
    if (rc < 0)
        return rc;
    cpol__record_get_id(row, CASE_STATION, &station);
    memset(&ev, 0, sizeof ev);
    ev.step = step;
    ev.from = (int)cpol__record_int(row, CASE_STATE);
    ev.note = note;
    rc = cpol__authorize(ctx, as, any_rule(step)->perm, &station);
    rule = find_rule(step, ev.from);
    if (rc >= 0 && !rule) {
        char allowed[256];
        allowed_steps(ev.from, allowed, sizeof allowed);
        rc = cpol__error(CPOL_ESTATE, "a case that is %s cannot take the step \"%s\"; allowed: %s",
                         cpol_case_state_name(ev.from), cpol_case_step_name(step), allowed);
    }
    if (rc >= 0)
        rc = check_scope(ctx, as, rule, row);
    if (rc >= 0) {
        cpol_id_new(ctx, &ev.id);
        ev.to = rule->to == STAY ? ev.from : rule->to;
        ev.at = cpol_ctx_now(ctx);
        if (apply)
            rc = apply(ctx, as, row, &ev, arg);
    }
    if (rc == CPOL_ALREADY) { /* the step would change nothing */
        cpol__record_free(row);
        return rc;
    }
    if (rc >= 0) {
        cpol__value_set_int(&row->vals[CASE_STATE], ev.to);
        cpol__value_set_int(&row->vals[CASE_UPDATED_AT], cpol_ctx_now(ctx));
        rc = cpol__store_update(ctx->store, row);
    }
    if (rc >= 0)
        rc = cpol__case_event_insert(ctx, as, row, &ev);
    if (rc >= 0)
        rc = audit_step(ctx, as, case_id, &station, &ev);
    cpol__record_free(row);
    return rc;
}

typedef struct run_args {
    const cpol_actor *as;
    const cpol_id *case_id;
    int step;
    const char *note;
    cpol__case_apply apply;
    void *arg;
} run_args;

static int run_body(cpol_ctx *ctx, void *arg)
{
    run_args *a = arg;
    return cpol__case_step(ctx, a->as, a->case_id, a->step, a->note, a->apply, a->arg);
}

int cpol__case_run(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, int step, const char *note,
                   cpol__case_apply apply, void *arg)
{
    run_args a;
    a.as = as;
    a.case_id = case_id;
    a.step = step;
    a.note = note;
    a.apply = apply;
    a.arg = arg;
    return cpol__ctx_atomic(ctx, run_body, &a);
}
