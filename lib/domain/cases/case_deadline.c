/* Deadlines per risk grade and stage, stored per station (case_deadline,
 * defaults in case_names.c), and the overdue tick: no background thread,
 * the caller calls cpol_case_tick() and the context clock says what "now"
 * is, so an injected clock drives escalation in tests and simulations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <commpolice/area.h>
#include <commpolice/case.h>

#include "util/alloc.h"
#include "domain/cases/case_tables.h"
#include "domain/base/domain.h"
#include "domain/base/snapshot.h"
#include "domain/base/tables.h"

#define LIMIT_MIN_MS (60LL * 1000)
#define LIMIT_MAX_MS (365LL * 24 * 3600 * 1000)

static const cpol_column_def deadline_columns[DEADLINE_NCOLS] = {
    [DEADLINE_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [DEADLINE_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [DEADLINE_GRADE] = {"risk_grade", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [DEADLINE_STAGE] = {"stage", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [DEADLINE_LIMIT_MS] = {"limit_ms", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [DEADLINE_UPDATED_AT] = {"updated_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
};

static const cpol_index_def deadline_indexes[] = {
    {"case_deadline_station_grade_stage", 1, 3, {DEADLINE_STATION, DEADLINE_GRADE, DEADLINE_STAGE}},
};

const cpol_table cpol__table_case_deadline = {"case_deadline", DEADLINE_NCOLS, deadline_columns, 1,
                                              deadline_indexes, 0};

static int check_grade_stage(const char *func, int grade, int stage)
{
    if (!cpol__case_valid_grade(grade))
        return cpol__error(CPOL_EINVALID, "%s: %d is not a risk grade", func, grade);
    if (stage < CPOL_STAGE_SCREENING || stage > CPOL_STAGE_FOLLOWUP)
        return cpol__error(CPOL_EINVALID, "%s: %d is not a stage with a deadline per grade (screening, arrival, "
                                          "resolution, follow-up)",
                           func, stage);
    return CPOL_OK;
}

int cpol__case_require_station(cpol_ctx *ctx, const char *func, const cpol_id *station)
{
    cpol_id st;
    int has, kind, rc = cpol__area_lookup(ctx, station, &st, &has, NULL, &kind);
    if (rc >= 0 && kind != CPOL_AREA_STATION)
        rc = cpol__error(CPOL_EINVALID, "%s: the area is a %s, not a police station", func, cpol_area_kind_name(kind));
    return rc;
}

/* The stored row of (station, grade, stage): 1 and *out, 0, or <0. */
static int find_deadline(cpol_ctx *ctx, const cpol_id *station, int grade, int stage, cpol_record **out)
{
    cpol_query *q;
    int rc = cpol__query_new(&cpol__table_case_deadline, &q);
    *out = NULL;
    if (rc >= 0)
        rc = cpol__query_where_id(q, DEADLINE_STATION, CPOL_OP_EQ, station);
    if (rc >= 0)
        rc = cpol__query_where_int(q, DEADLINE_GRADE, CPOL_OP_EQ, grade);
    if (rc >= 0)
        rc = cpol__query_where_int(q, DEADLINE_STAGE, CPOL_OP_EQ, stage);
    if (rc < 0) {
        cpol__query_free(q);
        return rc;
    }
    return cpol__query_first(ctx, q, out);
}

int cpol__case_deadline(cpol_ctx *ctx, const cpol_id *station, int grade, int stage, int64_t *ms)
{
    cpol_record *r;
    int rc;
    if (!grade)
        grade = CPOL_RISK_GENERAL; /* not yet assessed */
    rc = find_deadline(ctx, station, grade, stage, &r);
    if (rc < 0)
        return rc;
    *ms = rc ? cpol__record_int(r, DEADLINE_LIMIT_MS) : cpol_case_deadline_default(grade, stage);
    cpol__record_free(r);
    return CPOL_OK;
}

typedef struct set_args {
    const cpol_actor *as;
    const cpol_id *station;
    int grade, stage;
    int64_t limit;
} set_args;

static int set_body(cpol_ctx *ctx, void *arg)
{
    set_args *a = arg;
    cpol_record *r = NULL;
    cpol_id id;
    char before[32], after[160];
    int found, rc = cpol__case_require_station(ctx, "cpol_case_deadline_set", a->station);
    if (rc >= 0)
        rc = cpol__authorize(ctx, a->as, CPOL_PERM_CASE_CONFIGURE, a->station);
    found = rc >= 0 ? find_deadline(ctx, a->station, a->grade, a->stage, &r) : 0;
    if (found < 0)
        return found;
    if (rc < 0)
        return rc;
    snprintf(before, sizeof before, "%lld ms",
             (long long)(found ? cpol__record_int(r, DEADLINE_LIMIT_MS) : cpol_case_deadline_default(a->grade, a->stage)));
    if (!found) {
        rc = cpol__record_new(&cpol__table_case_deadline, &r);
        cpol_id_new(ctx, &id);
        if (rc >= 0)
            rc = cpol__record_set_id(r, DEADLINE_ID, &id);
        if (rc >= 0)
            rc = cpol__record_set_id(r, DEADLINE_STATION, a->station);
        if (rc >= 0) {
            cpol__value_set_int(&r->vals[DEADLINE_GRADE], a->grade);
            cpol__value_set_int(&r->vals[DEADLINE_STAGE], a->stage);
        }
    }
    if (rc >= 0) {
        cpol__record_get_id(r, DEADLINE_ID, &id);
        cpol__value_set_int(&r->vals[DEADLINE_LIMIT_MS], a->limit);
        cpol__value_set_int(&r->vals[DEADLINE_UPDATED_AT], cpol_ctx_now(ctx));
        rc = found ? cpol__store_update(ctx->store, r) : cpol__store_insert(ctx->store, r);
    }
    if (rc >= 0) {
        snprintf(after, sizeof after, "%s %s: %lld ms", cpol_risk_grade_name(a->grade), cpol_case_stage_name(a->stage),
                 (long long)a->limit);
        rc = cpol__audit(ctx, a->as, "case_deadline", &id, a->station, "case.deadline.set", before, after, NULL);
    }
    cpol__record_free(r);
    return rc;
}

int cpol_case_deadline_set(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, int grade, int stage,
                           int64_t limit_ms)
{
    set_args a;
    int rc;
    if (!ctx || !as || !station)
        return cpol__null_arg("cpol_case_deadline_set", !ctx ? "ctx" : !as ? "as" : "station");
    rc = check_grade_stage("cpol_case_deadline_set", grade, stage);
    if (rc >= 0 && (limit_ms < LIMIT_MIN_MS || limit_ms > LIMIT_MAX_MS))
        rc = cpol__error(CPOL_EINVALID, "cpol_case_deadline_set: %lld ms is outside 1 minute to 365 days",
                         (long long)limit_ms);
    if (rc < 0)
        return rc;
    a.as = as;
    a.station = station;
    a.grade = grade;
    a.stage = stage;
    a.limit = limit_ms;
    return cpol__ctx_atomic(ctx, set_body, &a);
}

int cpol_case_deadline_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, int grade, int stage,
                           int64_t *out)
{
    int rc;
    if (!ctx || !as || !station || !out)
        return cpol__null_arg("cpol_case_deadline_get", !ctx ? "ctx" : !as ? "as" : !station ? "station" : "out");
    rc = check_grade_stage("cpol_case_deadline_get", grade, stage);
    if (rc >= 0)
        rc = cpol__case_require_station(ctx, "cpol_case_deadline_get", station);
    if (rc >= 0)
        rc = cpol__authorize(ctx, as, CPOL__PERM_ANY, station);
    if (rc >= 0)
        rc = cpol__case_deadline(ctx, station, grade, stage, out);
    return rc;
}

/* ---- the tick ---- */

struct cpol_case_overdue {
    cpol_id case_id;
    int stage, tier, escalated;
    cpol_time due_at;
    int64_t by;
};

struct cpol_case_overdue_iter {
    cpol_case_overdue *items;
    size_t n, cap, next;
};

/* What the tick needs of an open case, copied out of the cursor. */
typedef struct open_case {
    cpol_id id, station;
    int state, grade, tier, has_arrival;
    cpol_time reported, clock, resolved;
} open_case;

typedef struct tick_args {
    const cpol_actor *as;
    int escalate, bound;
    cpol_id station;
    cpol_case_overdue_iter *it;
    open_case *cases;
    size_t ncases;
} tick_args;

static int push_item(cpol_case_overdue_iter *it, const open_case *c, int stage, cpol_time due, cpol_time now)
{
    cpol_case_overdue *o = cpol__case_grow(it->items, &it->cap, it->n, sizeof *it->items);
    if (!o)
        return cpol__oom();
    it->items = o;
    o = &it->items[it->n++];
    memset(o, 0, sizeof *o);
    o->case_id = c->id;
    o->stage = stage;
    o->due_at = due;
    o->by = now - due;
    o->tier = c->tier;
    return CPOL_OK;
}

/* The rows the tick looks at: every case not yet closed or rejected. */
static int load_open_cases(cpol_ctx *ctx, tick_args *a)
{
    cpol_query *q;
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    size_t cap = 0;
    int rc = cpol__query_new(&cpol__table_case, &q);
    if (rc >= 0 && a->bound)
        rc = cpol__query_where_id(q, CASE_STATION, CPOL_OP_EQ, &a->station);
    if (rc >= 0)
        rc = cpol__query_where_int(q, CASE_STATE, CPOL_OP_LT, CPOL_CASE_CLOSED);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_case, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK) {
        open_case *o = cpol__case_grow(a->cases, &cap, a->ncases, sizeof *a->cases);
        if (!o) {
            rc = cpol__oom();
            break;
        }
        a->cases = o;
        o = &a->cases[a->ncases++];
        cpol__record_get_id(r, CASE_ID, &o->id);
        cpol__record_get_id(r, CASE_STATION, &o->station);
        o->state = (int)cpol__record_int(r, CASE_STATE);
        o->grade = (int)cpol__record_int(r, CASE_RISK_GRADE);
        o->tier = (int)cpol__record_int(r, CASE_TIER);
        o->has_arrival = r->vals[CASE_FIRST_ARRIVAL_AT].type != CPOL_VALUE_NULL;
        o->reported = cpol__record_int(r, CASE_REPORTED_AT);
        o->clock = cpol__record_int(r, CASE_CLOCK_AT);
        o->resolved = cpol__record_int(r, CASE_RESOLVED_AT);
    }
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(q);
    return rc == CPOL_DONE ? CPOL_OK : rc;
}

static int open_referral_deadline(cpol_ctx *ctx, const cpol_id *case_id, cpol_time *due)
{
    cpol_query *q;
    cpol_record *r;
    int rc = cpol__query_new(&cpol__table_case_referral, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, REFERRAL_CASE, CPOL_OP_EQ, case_id);
    if (rc >= 0)
        rc = cpol__query_where(q, REFERRAL_REPLIED_AT, CPOL_OP_EQ, &(cpol_value){0});
    if (rc < 0) {
        cpol__query_free(q);
        return rc;
    }
    rc = cpol__query_first(ctx, q, &r);
    if (rc > 0)
        *due = cpol__record_int(r, REFERRAL_DEADLINE);
    cpol__record_free(r);
    return rc;
}

/* Overdue handling: one tier up, the handler cleared, the clock restarted. */
static int overdue_apply(cpol_ctx *ctx, const cpol_actor *as, cpol_record *row, cpol__case_event *ev, void *arg)
{
    int tier = (int)cpol__record_int(row, CASE_TIER);
    (void)as;
    (void)arg;
    cpol__value_set_int(&row->vals[CASE_TIER], tier + 1);
    cpol__value_clear(&row->vals[CASE_HANDLER]);
    cpol__value_set_int(&row->vals[CASE_CLOCK_AT], cpol_ctx_now(ctx));
    snprintf(ev->detail, sizeof ev->detail, "tier %s (was %s): resolution overdue; a handler of the new tier is "
                                            "to be assigned",
             cpol_case_tier_name(tier + 1), cpol_case_tier_name(tier));
    return CPOL_OK;
}

static int check_case(cpol_ctx *ctx, tick_args *a, open_case *c, cpol_time now)
{
    int64_t limit;
    cpol_time due;
    int rc = CPOL_OK, before_resolution = c->state <= CPOL_CASE_HANDLING;
    if (c->state == CPOL_CASE_REPORTED) {
        rc = cpol__case_deadline(ctx, &c->station, c->grade, CPOL_STAGE_SCREENING, &limit);
        if (rc >= 0 && now > c->reported + limit)
            rc = push_item(a->it, c, CPOL_STAGE_SCREENING, c->reported + limit, now);
    }
    if (rc >= 0 && before_resolution && !c->has_arrival) {
        rc = cpol__case_deadline(ctx, &c->station, c->grade, CPOL_STAGE_ARRIVAL, &limit);
        if (rc >= 0 && now > c->clock + limit)
            rc = push_item(a->it, c, CPOL_STAGE_ARRIVAL, c->clock + limit, now);
    }
    if (rc >= 0 && before_resolution) {
        rc = cpol__case_deadline(ctx, &c->station, c->grade, CPOL_STAGE_RESOLUTION, &limit);
        if (rc >= 0 && now > c->clock + limit) {
            rc = push_item(a->it, c, CPOL_STAGE_RESOLUTION, c->clock + limit, now);
            if (rc >= 0 && a->escalate && (c->state == CPOL_CASE_ASSIGNED || c->state == CPOL_CASE_HANDLING) &&
                c->tier < CPOL_TIER_LEADERSHIP) {
                rc = cpol__case_step(ctx, a->as, &c->id, CPOL_STEP_ESCALATE, "overdue", overdue_apply, NULL);
                a->it->items[a->it->n - 1].escalated = 1;
                a->it->items[a->it->n - 1].tier = c->tier + 1;
            }
        }
    }
    if (rc >= 0 && (c->state == CPOL_CASE_RESOLVED || c->state == CPOL_CASE_FED_BACK)) {
        rc = cpol__case_deadline(ctx, &c->station, c->grade, CPOL_STAGE_FOLLOWUP, &limit);
        if (rc >= 0 && now > c->resolved + limit)
            rc = push_item(a->it, c, CPOL_STAGE_FOLLOWUP, c->resolved + limit, now);
    }
    if (rc >= 0 && c->state == CPOL_CASE_REFERRED) {
        rc = open_referral_deadline(ctx, &c->id, &due);
        if (rc > 0 && now > due)
            rc = push_item(a->it, c, CPOL_STAGE_REFERRAL, due, now);
    }
    return rc < 0 ? rc : CPOL_OK;
}

/* A bureau-wide actor sees only the stations under its bureau. */
static int may_see(cpol_ctx *ctx, const tick_args *a, const open_case *c)
{
    int rc;
    if (a->bound || a->as->system)
        return 1;
    rc = cpol__authorize(ctx, a->as, CPOL_PERM_CASE_VIEW, &c->station);
    if (rc == CPOL_EPERM) {
        cpol_error_clear();
        return 0;
    }
    return rc < 0 ? rc : 1;
}

static int tick_body(cpol_ctx *ctx, void *arg)
{
    tick_args *a = arg;
    cpol_time now = cpol_ctx_now(ctx);
    size_t i;
    int rc = load_open_cases(ctx, a);
    for (i = 0; rc >= 0 && i < a->ncases; i++) {
        rc = may_see(ctx, a, &a->cases[i]);
        if (rc > 0)
            rc = check_case(ctx, a, &a->cases[i], now);
    }
    return rc < 0 ? rc : CPOL_OK;
}

static int compare_items(const void *pa, const void *pb)
{
    const cpol_case_overdue *a = pa, *b = pb;
    int c;
    if (a->due_at != b->due_at)
        return a->due_at < b->due_at ? -1 : 1;
    c = cpol_id_compare(&a->case_id, &b->case_id);
    return c ? c : a->stage - b->stage;
}

static int tick_authorize(cpol_ctx *ctx, tick_args *a)
{
    cpol_id bureau;
    int bureau_wide, rc;
    a->bound = cpol__actor_scope(ctx, a->as, &a->station, &bureau, &bureau_wide);
    if (a->bound < 0)
        return a->bound;
    rc = cpol__authorize(ctx, a->as, CPOL_PERM_CASE_VIEW, a->bound ? &a->station : NULL);
    if (rc >= 0 && a->escalate)
        rc = cpol__authorize(ctx, a->as, CPOL_PERM_CASE_ESCALATE, a->bound ? &a->station : NULL);
    if (rc >= 0 && a->escalate && !a->as->system && !cpol_role_is_staff(a->as->role))
        rc = cpol__error(CPOL_EPERM, "the overdue tick escalates as staff or the system actor, not as a %s",
                         cpol_role_name(a->as->role));
    return rc;
}

int cpol_case_tick(cpol_ctx *ctx, const cpol_actor *as, int escalate, cpol_case_overdue_iter **out)
{
    tick_args a;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !out)
        return cpol__null_arg("cpol_case_tick", !ctx ? "ctx" : !as ? "as" : "out");
    if (escalate != 0 && escalate != 1)
        return cpol__error(CPOL_EINVALID, "cpol_case_tick: escalate must be 0 or 1, not %d", escalate);
    memset(&a, 0, sizeof a);
    a.as = as;
    a.escalate = escalate;
    a.it = cpol__calloc(1, sizeof *a.it);
    if (!a.it)
        return cpol__oom();
    rc = tick_authorize(ctx, &a);
    if (rc >= 0)
        rc = escalate ? cpol__ctx_atomic(ctx, tick_body, &a) : tick_body(ctx, &a);
    cpol_free(a.cases);
    if (rc < 0) {
        cpol_case_overdue_iter_free(a.it);
        return rc;
    }
    if (a.it->n > 1)
        qsort(a.it->items, a.it->n, sizeof a.it->items[0], compare_items);
    *out = a.it;
    return CPOL_OK;
}

int cpol_case_overdue_iter_next(cpol_case_overdue_iter *it, const cpol_case_overdue **out)
{
    if (!it || !out)
        return cpol__null_arg("cpol_case_overdue_iter_next", !it ? "it" : "out");
    if (it->next >= it->n)
        return CPOL_DONE;
    *out = &it->items[it->next++];
    return CPOL_OK;
}

void cpol_case_overdue_iter_free(cpol_case_overdue_iter *it)
{
    if (!it)
        return;
    cpol_free(it->items);
    cpol_free(it);
}

const cpol_id *cpol_case_overdue_case(const cpol_case_overdue *o) { return o ? &o->case_id : NULL; }
int cpol_case_overdue_stage(const cpol_case_overdue *o) { return o ? o->stage : 0; }
cpol_time cpol_case_overdue_due_at(const cpol_case_overdue *o) { return o ? o->due_at : 0; }
int64_t cpol_case_overdue_by(const cpol_case_overdue *o) { return o ? o->by : 0; }
int cpol_case_overdue_tier(const cpol_case_overdue *o) { return o ? o->tier : 0; }
int cpol_case_overdue_escalated(const cpol_case_overdue *o) { return o ? o->escalated : 0; }
