/* Sign-ups for shifts: signing up, the steps of a sign-up (one table of
 * allowed steps, as for assignments), closing a shift, reading sign-ups and
 * a person's activity time. */
#include <stdio.h>

#include <commpolice/activity.h>
#include <commpolice/person.h>

#include "domain/base/domain.h"
#include "domain/points/ledger_internal.h"
#include "domain/base/snapshot.h"
#include "domain/base/tables.h"
#include "domain/activity/activity_tables.h"

#define MS_PER_MINUTE 60000LL

/* When a step may be taken, relative to the shift's start. */
enum { ANY_TIME, BEFORE_START, AFTER_START };

/* The steps a sign-up may take. A recorded step needs activity.record and
 * is never taken on one's own sign-up (completions earn points); the other
 * (cancelling) is taken by the person (activity.join) or a manager. */
typedef struct signup_step {
    int from, to;
    const char *verb;   /* audit action "signup.<verb>" */
    const char *label;  /* for messages */
    int when;
    int recorded;
} signup_step;

static const signup_step steps[] = {
    {CPOL_SIGNUP_SIGNED_UP, CPOL_SIGNUP_CHECKED_IN, "check_in", "checking in", ANY_TIME, 1},
    {CPOL_SIGNUP_CHECKED_IN, CPOL_SIGNUP_COMPLETED, "complete", "completing", AFTER_START, 1},
    {CPOL_SIGNUP_SIGNED_UP, CPOL_SIGNUP_NO_SHOW, "no_show", "marking a no-show", AFTER_START, 1},
    {CPOL_SIGNUP_SIGNED_UP, CPOL_SIGNUP_CANCELLED, "cancel", "cancelling", BEFORE_START, 0},
};

#define NO_SHOW_STEP (&steps[2])

const char *cpol_signup_status_name(int status)
{
    static const char *const names[] = {NULL, "signed up", "checked in", "completed", "no-show", "cancelled"};
    return status >= CPOL_SIGNUP_SIGNED_UP && status <= CPOL_SIGNUP_CANCELLED ? names[status] : "unknown";
}

static const signup_step *find_step(int from, int to)
{
    size_t i;
    for (i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (steps[i].from == from && steps[i].to == to)
            return &steps[i];
    return NULL;
}

/* "checked in, no-show, cancelled" for the refusal message. */
static void allowed_steps(int from, char *buf, size_t size)
{
    size_t i, used = 0;
    buf[0] = '\0';
    for (i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (steps[i].from == from)
            used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%s%s", used ? ", " : "",
                                     cpol_signup_status_name(steps[i].to));
    if (!buf[0])
        snprintf(buf, size, "none (final state)");
}

static int is_self(const cpol_actor *as, const cpol_id *person)
{
    return !as->system && cpol_id_compare(&as->person, person) == 0;
}

/* One signs oneself up or off with activity.join; anyone else needs activity.manage. */
static int authorize_self_or_manager(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person,
                                     const cpol_id *station)
{
    return cpol__authorize(ctx, as, is_self(as, person) ? CPOL_PERM_ACTIVITY_JOIN : CPOL_PERM_ACTIVITY_MANAGE,
                           station);
}

/* The shift's start relative to now must suit `when`; `what` names the step. */
static int check_timing(cpol_ctx *ctx, const cpol_record *shift, int when, const char *what)
{
    cpol_time starts = cpol__record_int(shift, SHIFT_STARTS_AT);
    int started = cpol_ctx_now(ctx) >= starts;
    char at[CPOL__TIME_TEXT];
    if (when == ANY_TIME || (when == AFTER_START) == started)
        return CPOL_OK;
    cpol__time_text(starts, at);
    return started ? cpol__error(CPOL_ESTATE, "%s is only possible before the shift starts (it started at %s)",
                                 what, at)
                   : cpol__error(CPOL_ESTATE, "%s is only possible once the shift has started (it starts at %s)",
                                 what, at);
}

/* ---- signing up ---- */

typedef struct signup_args {
    const cpol_actor *as;
    const cpol_id *shift, *person;
    cpol_id id;
} signup_args;

/* Sign-ups are taken until the shift is closed or over. */
static int check_taking_signups(cpol_ctx *ctx, const cpol_record *shift)
{
    char at[CPOL__TIME_TEXT];
    if (cpol__record_int(shift, SHIFT_STATUS) == CPOL_SHIFT_CLOSED)
        return cpol__error(CPOL_ESTATE, "the shift is closed: it takes no more sign-ups");
    if (cpol_ctx_now(ctx) < cpol__record_int(shift, SHIFT_ENDS_AT))
        return CPOL_OK;
    cpol__time_text(cpol__record_int(shift, SHIFT_ENDS_AT), at);
    return cpol__error(CPOL_ESTATE, "the shift ended at %s: it takes no more sign-ups", at);
}

static int holds_active_role(cpol_ctx *ctx, const cpol_id *person, const cpol_id *station, const char *name)
{
    cpol_query *q = NULL;
    int64_t n;
    int rc = cpol__query_new(&cpol__table_assignment, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, ASSIGN_PERSON, CPOL_OP_EQ, person);
    if (rc >= 0)
        rc = cpol__query_where_id(q, ASSIGN_STATION, CPOL_OP_EQ, station);
    if (rc >= 0)
        rc = cpol__query_where_int(q, ASSIGN_STATUS, CPOL_OP_EQ, CPOL_ASSIGNMENT_ACTIVE);
    rc = cpol__count_rows(ctx, q, rc, &n);
    if (rc >= 0 && n == 0)
        rc = cpol__error(CPOL_ERULE, "%s holds no active role at the shift's police station", name);
    return rc;
}

static int already_signed_up(cpol_ctx *ctx, const cpol_id *shift, const cpol_id *person, const char *name)
{
    cpol_query *q = NULL;
    int64_t n;
    int rc = cpol__query_new(&cpol__table_signup, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, SIGNUP_SHIFT, CPOL_OP_EQ, shift);
    if (rc >= 0)
        rc = cpol__query_where_id(q, SIGNUP_PERSON, CPOL_OP_EQ, person);
    if (rc >= 0)
        rc = cpol__query_where_int(q, SIGNUP_STATUS, CPOL_OP_NE, CPOL_SIGNUP_CANCELLED);
    rc = cpol__count_rows(ctx, q, rc, &n);
    if (rc >= 0 && n > 0)
        rc = cpol__error(CPOL_EEXISTS, "%s is already signed up for this shift", name);
    return rc;
}

static int check_place_free(cpol_ctx *ctx, const cpol_id *shift_id, const cpol_record *shift)
{
    int64_t taken, capacity = cpol__record_int(shift, SHIFT_CAPACITY);
    int rc = cpol__shift_places_taken(ctx->store, shift_id, &taken);
    /* no numbers: the actor may see fewer places than the shift has (activity.h) */
    if (rc >= 0 && taken >= capacity)
        rc = cpol__error(CPOL_ELIMIT, "the shift is full: every place is taken");
    return rc;
}

static int insert_signup(cpol_ctx *ctx, signup_args *a, const cpol_record *shift)
{
    cpol_record *r;
    cpol_time now = cpol_ctx_now(ctx);
    int rc = cpol__record_new(&cpol__table_signup, &r);
    if (rc < 0)
        return rc;
    cpol_id_new(ctx, &a->id);
    rc = cpol__record_set_id(r, SIGNUP_ID, &a->id);
    if (rc >= 0)
        rc = cpol__value_copy(&r->vals[SIGNUP_STATION], &shift->vals[SHIFT_STATION]);
    if (rc >= 0)
        rc = cpol__record_set_id(r, SIGNUP_SHIFT, a->shift);
    if (rc >= 0)
        rc = cpol__record_set_id(r, SIGNUP_PERSON, a->person);
    cpol__value_set_int(&r->vals[SIGNUP_KIND], cpol__record_int(shift, SHIFT_KIND));
    cpol__value_set_int(&r->vals[SIGNUP_STARTS_AT], cpol__record_int(shift, SHIFT_STARTS_AT));
    cpol__value_set_int(&r->vals[SIGNUP_STATUS], CPOL_SIGNUP_SIGNED_UP);
    cpol__value_set_int(&r->vals[SIGNUP_SIGNED_UP_AT], now);
    cpol__value_set_int(&r->vals[SIGNUP_MINUTES], 0);
    cpol__value_set_int(&r->vals[SIGNUP_UPDATED_AT], now);
    if (rc >= 0)
        rc = cpol__store_insert(ctx->store, r);
    cpol__record_free(r);
    return rc;
}

static int signup_body(cpol_ctx *ctx, void *arg)
{
    signup_args *a = arg;
    cpol_record *shift, *person = NULL;
    cpol_id station;
    const char *name = "";
    char after[CPOL_SHIFT_TITLE_MAX + 16];
    int hidden, rc = cpol__load(ctx, &cpol__table_shift, a->shift, "shift", &shift);
    if (rc < 0)
        return rc;
    cpol__record_get_id(shift, SHIFT_STATION, &station);
    rc = authorize_self_or_manager(ctx, a->as, a->person, &station);
    if (rc >= 0)
        rc = check_taking_signups(ctx, shift);
    if (rc >= 0) {
        rc = cpol__load(ctx, &cpol__table_person, a->person, "person", &person);
        name = person ? cpol__record_text_or_empty(person, PERSON_NAME) : "";
    }
    /* a person hidden from the actor is refused as an unknown one */
    if (rc >= 0 && (rc = cpol__person_hidden(ctx, a->as, a->person, &hidden)) >= 0 && hidden)
        rc = cpol__not_found("person", a->person);
    if (rc >= 0)
        rc = holds_active_role(ctx, a->person, &station, name);
    if (rc >= 0)
        rc = already_signed_up(ctx, a->shift, a->person, name);
    if (rc >= 0)
        rc = check_place_free(ctx, a->shift, shift);
    if (rc >= 0)
        rc = insert_signup(ctx, a, shift);
    if (rc >= 0) {
        /* filed under the sign-up; summaries carry no names */
        snprintf(after, sizeof after, "for \"%s\"", cpol__record_text_or_empty(shift, SHIFT_TITLE));
        rc = cpol__audit(ctx, a->as, "signup", &a->id, &station, "signup.create", NULL, after, NULL);
    }
    cpol__record_free(person);
    cpol__record_free(shift);
    return rc;
}

int cpol_shift_signup(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *shift, const cpol_id *person,
                      cpol_id *signup_id)
{
    signup_args a;
    int rc;
    if (!ctx || !as || !shift || !person)
        return cpol__null_arg("cpol_shift_signup", !ctx ? "ctx" : !as ? "as" : !shift ? "shift" : "person");
    a.as = as;
    a.shift = shift;
    a.person = person;
    rc = cpol__ctx_atomic(ctx, signup_body, &a);
    if (rc >= 0 && signup_id)
        *signup_id = a.id;
    return rc;
}

/* ---- the steps of a sign-up ---- */

/* The minutes a completion credits: as requested (at most the shift's
 * length), or (-1) the time between the later of check-in and start and the
 * earlier of now and the end. */
static int completion_minutes(cpol_ctx *ctx, const cpol_record *signup, const cpol_record *shift,
                              int32_t requested, int64_t *out)
{
    cpol_time starts = cpol__record_int(shift, SHIFT_STARTS_AT), ends = cpol__record_int(shift, SHIFT_ENDS_AT);
    cpol_time from = cpol__record_int(signup, SIGNUP_CHECKED_IN_AT), until = cpol_ctx_now(ctx);
    int64_t length = (ends - starts) / MS_PER_MINUTE;
    if (requested >= 0) {
        *out = requested;
        if (requested > length)
            return cpol__error(CPOL_ERULE, "%d minutes is more than the shift lasts (%lld minutes)", (int)requested,
                               (long long)length);
        return CPOL_OK;
    }
    if (from < starts)
        from = starts;
    if (until > ends)
        until = ends;
    *out = until > from ? (until - from) / MS_PER_MINUTE : 0;
    return CPOL_OK;
}

/* Move a loaded sign-up along `step`, store it and audit the step. */
static int apply_step(cpol_ctx *ctx, const cpol_actor *as, cpol_record *signup, const signup_step *step,
                      int64_t minutes, const char *reason)
{
    cpol_time now = cpol_ctx_now(ctx);
    cpol_id id, station;
    char action[32], after[48];
    int rc;
    cpol__value_set_int(&signup->vals[SIGNUP_STATUS], step->to);
    cpol__value_set_int(&signup->vals[SIGNUP_UPDATED_AT], now);
    if (step->to == CPOL_SIGNUP_CHECKED_IN)
        cpol__value_set_int(&signup->vals[SIGNUP_CHECKED_IN_AT], now);
    if (step->to == CPOL_SIGNUP_COMPLETED) {
        cpol__value_set_int(&signup->vals[SIGNUP_COMPLETED_AT], now);
        cpol__value_set_int(&signup->vals[SIGNUP_MINUTES], minutes);
    }
    rc = cpol__store_update(ctx->store, signup);
    if (rc < 0)
        return rc;
    cpol__record_get_id(signup, SIGNUP_ID, &id);
    cpol__record_get_id(signup, SIGNUP_STATION, &station);
    snprintf(action, sizeof action, "signup.%s", step->verb);
    if (step->to == CPOL_SIGNUP_COMPLETED)
        snprintf(after, sizeof after, "completed, %lld minutes", (long long)minutes);
    else
        snprintf(after, sizeof after, "%s", cpol_signup_status_name(step->to));
    return cpol__audit(ctx, as, "signup", &id, &station, action, cpol_signup_status_name(step->from), after, reason);
}

typedef struct step_args {
    const cpol_actor *as;
    const cpol_id *signup;
    int to;
    int32_t minutes;
    const char *reason;
} step_args;

/* Who may take the step: see signup_step. */
static int authorize_step(cpol_ctx *ctx, const cpol_actor *as, const signup_step *step, const cpol_id *person,
                          const cpol_id *station)
{
    int rc;
    if (!step->recorded)
        return authorize_self_or_manager(ctx, as, person, station);
    rc = cpol__authorize(ctx, as, CPOL_PERM_ACTIVITY_RECORD, station);
    if (rc >= 0 && is_self(as, person))
        rc = cpol__error(CPOL_ERULE, "nobody may record their own shift (%s): it earns points", step->label);
    return rc;
}

/* A completed patrol or publicity session earns points by the station's
 * rule, in the same transaction as the completion (the sign-up is the
 * source, so it is rewarded once). Other duties earn nothing. */
static int award_completion(cpol_ctx *ctx, const cpol_actor *as, const cpol_record *signup, const cpol_id *person)
{
    int64_t kind = cpol__record_int(signup, SIGNUP_KIND);
    cpol_id id;
    if (kind != CPOL_SHIFT_PATROL && kind != CPOL_SHIFT_PUBLICITY)
        return CPOL_OK;
    cpol__record_get_id(signup, SIGNUP_ID, &id);
    return cpol__points_auto_award(ctx, as, person, kind == CPOL_SHIFT_PATROL ? CPOL_EARN_PATROL : CPOL_EARN_PUBLICITY,
                                   &id, NULL);
}

static int step_body(cpol_ctx *ctx, void *arg)
{
    step_args *a = arg;
    cpol_record *signup, *shift = NULL;
    cpol_id shift_id, person, station;
    const signup_step *step;
    int64_t minutes = 0;
    int hidden, from, rc = cpol__load(ctx, &cpol__table_signup, a->signup, "sign-up", &signup);
    if (rc < 0)
        return rc;
    cpol__record_get_id(signup, SIGNUP_SHIFT, &shift_id);
    cpol__record_get_id(signup, SIGNUP_PERSON, &person);
    cpol__record_get_id(signup, SIGNUP_STATION, &station);
    from = (int)cpol__record_int(signup, SIGNUP_STATUS);
    step = find_step(from, a->to);
    /* the sign-up of a person hidden from the actor does not exist for it */
    rc = cpol__person_hidden(ctx, a->as, &person, &hidden);
    if (rc >= 0 && hidden)
        rc = cpol__not_found("sign-up", a->signup);
    if (rc >= 0)
        rc = cpol__load(ctx, &cpol__table_shift, &shift_id, "shift", &shift);
    if (rc >= 0 && !step) {
        char allowed[80];
        allowed_steps(from, allowed, sizeof allowed);
        rc = cpol__error(CPOL_ESTATE, "a sign-up that is %s cannot become %s; allowed: %s",
                         cpol_signup_status_name(from), cpol_signup_status_name(a->to), allowed);
    }
    if (rc >= 0)
        rc = authorize_step(ctx, a->as, step, &person, &station);
    if (rc >= 0)
        rc = check_timing(ctx, shift, step->when, step->label);
    if (rc >= 0 && step->to == CPOL_SIGNUP_COMPLETED)
        rc = completion_minutes(ctx, signup, shift, a->minutes, &minutes);
    if (rc >= 0)
        rc = apply_step(ctx, a->as, signup, step, minutes, a->reason);
    if (rc >= 0 && step->to == CPOL_SIGNUP_COMPLETED)
        rc = award_completion(ctx, a->as, signup, &person);
    cpol__record_free(shift);
    cpol__record_free(signup);
    return rc;
}

static int take_step(const char *func, cpol_ctx *ctx, const cpol_actor *as, const cpol_id *signup, int to,
                     int32_t minutes, const char *reason)
{
    step_args a;
    if (!ctx || !as || !signup)
        return cpol__null_arg(func, !ctx ? "ctx" : !as ? "as" : "signup");
    a.as = as;
    a.signup = signup;
    a.to = to;
    a.minutes = minutes;
    a.reason = reason;
    return cpol__ctx_atomic(ctx, step_body, &a);
}

int cpol_signup_check_in(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *signup)
{
    return take_step("cpol_signup_check_in", ctx, as, signup, CPOL_SIGNUP_CHECKED_IN, 0, NULL);
}

int cpol_signup_complete(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *signup, int32_t minutes)
{
    if (minutes != -1 && (minutes < 1 || minutes > CPOL_SHIFT_MINUTES_MAX))
        return cpol__error(CPOL_EINVALID, "cpol_signup_complete: minutes %d is neither -1 (from the clock) nor in "
                                          "1..%d", (int)minutes, CPOL_SHIFT_MINUTES_MAX);
    return take_step("cpol_signup_complete", ctx, as, signup, CPOL_SIGNUP_COMPLETED, minutes, NULL);
}

int cpol_signup_no_show(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *signup)
{
    return take_step("cpol_signup_no_show", ctx, as, signup, CPOL_SIGNUP_NO_SHOW, 0, NULL);
}

int cpol_signup_cancel(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *signup, const char *reason)
{
    size_t len;
    int rc = cpol__check_optional("cpol_signup_cancel", "reason", reason, CPOL_REASON_MAX, &len);
    if (rc < 0)
        return rc;
    return take_step("cpol_signup_cancel", ctx, as, signup, CPOL_SIGNUP_CANCELLED, 0, reason);
}

/* ---- closing a shift ---- */

typedef struct close_args {
    const cpol_actor *as;
    const cpol_id *shift;
    int64_t audience;
} close_args;

/* Load one sign-up of the shift still "signed up": 1 and *out, or 0 if none. */
static int next_waiting(cpol_ctx *ctx, const cpol_id *shift, cpol_record **out)
{
    cpol_query *q = NULL;
    int rc = cpol__query_new(&cpol__table_signup, &q);
    *out = NULL;
    if (rc >= 0)
        rc = cpol__query_where_id(q, SIGNUP_SHIFT, CPOL_OP_EQ, shift);
    if (rc >= 0)
        rc = cpol__query_where_int(q, SIGNUP_STATUS, CPOL_OP_EQ, CPOL_SIGNUP_SIGNED_UP);
    if (rc < 0) {
        cpol__query_free(q);
        return rc;
    }
    return cpol__query_first(ctx, q, out);
}

/* Everyone still waiting when the shift closes did not come. */
static int mark_no_shows(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *shift, int64_t *count)
{
    cpol_record *signup;
    int rc;
    *count = 0;
    while ((rc = next_waiting(ctx, shift, &signup)) > 0) {
        rc = apply_step(ctx, as, signup, NO_SHOW_STEP, 0, "the shift was closed");
        cpol__record_free(signup);
        if (rc < 0)
            return rc;
        ++*count;
    }
    return rc;
}

static int check_closable(cpol_ctx *ctx, const cpol_record *shift, int64_t audience)
{
    if (cpol__record_int(shift, SHIFT_STATUS) == CPOL_SHIFT_CLOSED)
        return cpol__error(CPOL_ESTATE, "the shift is already closed; allowed: none (final state)");
    if (audience == 0 && cpol__record_int(shift, SHIFT_KIND) == CPOL_SHIFT_PUBLICITY)
        return cpol__error(CPOL_ERULE, "a publicity session is closed with the number of people it reached");
    return check_timing(ctx, shift, AFTER_START, "closing the shift");
}

static int close_body(cpol_ctx *ctx, void *arg)
{
    close_args *a = arg;
    cpol_record *shift;
    cpol_id station;
    int64_t no_shows = 0;
    char after[96];
    int rc = cpol__load(ctx, &cpol__table_shift, a->shift, "shift", &shift);
    if (rc < 0)
        return rc;
    cpol__record_get_id(shift, SHIFT_STATION, &station);
    rc = cpol__authorize(ctx, a->as, CPOL_PERM_ACTIVITY_RECORD, &station);
    if (rc >= 0)
        rc = check_closable(ctx, shift, a->audience);
    if (rc >= 0)
        rc = mark_no_shows(ctx, a->as, a->shift, &no_shows);
    if (rc >= 0) {
        cpol__value_set_int(&shift->vals[SHIFT_STATUS], CPOL_SHIFT_CLOSED);
        cpol__value_set_int(&shift->vals[SHIFT_AUDIENCE], a->audience);
        cpol__value_set_int(&shift->vals[SHIFT_CLOSED_AT], cpol_ctx_now(ctx));
        rc = cpol__store_update(ctx->store, shift);
    }
    if (rc >= 0) {
        snprintf(after, sizeof after, "closed, audience %lld, %lld no-shows", (long long)a->audience,
                 (long long)no_shows);
        rc = cpol__audit(ctx, a->as, "shift", a->shift, &station, "shift.close", "open", after, NULL);
    }
    cpol__record_free(shift);
    return rc;
}

int cpol_shift_close(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *shift, int64_t audience_count)
{
    close_args a;
    if (!ctx || !as || !shift)
        return cpol__null_arg("cpol_shift_close", !ctx ? "ctx" : !as ? "as" : "shift");
    if (audience_count < 0)
        return cpol__error(CPOL_EINVALID, "cpol_shift_close: the audience count %lld is negative",
                           (long long)audience_count);
    a.as = as;
    a.shift = shift;
    a.audience = audience_count;
    return cpol__ctx_atomic(ctx, close_body, &a);
}
