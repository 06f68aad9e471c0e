/* Spot checks (所长抽查): a station leader samples a share of the resolved
 * and closed cases with a seeded random source and confirms or reopens each
 * (table case_spot_check). The population is ordered by case id, which is
 * creation order, so the same seed over the same cases draws the same sample
 * on every backend. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <commpolice/area.h>
#include <commpolice/case_analysis.h>

#include "util/alloc.h"
#include "domain/cases/case_tables.h"
#include "domain/base/domain.h"
#include "domain/base/snapshot.h"
#include "domain/base/tables.h"

static const cpol_column_def spot_columns[SPOT_NCOLS] = {
    [SPOT_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [SPOT_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [SPOT_CASE] = {"case_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [SPOT_SEED] = {"seed", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [SPOT_SAMPLED_AT] = {"sampled_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
    [SPOT_SAMPLED_BY] = {"sampled_by", CPOL_COLUMN_ID, 0},
    [SPOT_RESULT] = {"result", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [SPOT_DECIDED_AT] = {"decided_at", CPOL_COLUMN_TIME, 0},
    [SPOT_DECIDED_BY] = {"decided_by", CPOL_COLUMN_ID, 0},
    [SPOT_NOTE] = {"note", CPOL_COLUMN_TEXT, 0},
};

static const cpol_index_def spot_indexes[] = {
    {"case_spot_check_station_result", 0, 2, {SPOT_STATION, SPOT_RESULT}},
    {"case_spot_check_case", 0, 1, {SPOT_CASE}},
};

const cpol_table cpol__table_case_spot_check = {"case_spot_check", SPOT_NCOLS, spot_columns,
                                                sizeof spot_indexes / sizeof spot_indexes[0], spot_indexes, 0};

struct cpol_spot_check {
    cpol_record *row;   /* first member: see snapshot.h */
    cpol_id id, case_id;
};

/* Lists walk a cursor; a fresh sample walks the ids it just wrote. */
struct cpol_spot_check_iter {
    cpol_store *store;
    cpol_cursor *cursor;
    cpol_id *ids;
    size_t n, next;
    cpol_spot_check current;
};

const char *cpol_spot_result_name(int result)
{
    static const char *const names[] = {NULL, "pending", "confirmed", "reopened"};
    return result >= CPOL_SPOT_PENDING && result <= CPOL_SPOT_REOPENED ? names[result] : "unknown";
}

static cpol_spot_check_iter *iter_alloc(cpol_ctx *ctx)
{
    cpol_spot_check_iter *it = cpol__calloc(1, sizeof *it);
    if (!it)
        return NULL;
    if (cpol__record_new(&cpol__table_case_spot_check, &it->current.row) < 0) {
        cpol_free(it);
        return NULL;
    }
    it->store = ctx->store;
    cpol__store_retain(ctx->store);
    return it;
}

/* ---- sampling ---- */

typedef struct sample_args {
    const cpol_actor *as;
    const cpol_id *station;
    cpol_time from, to;
    int32_t permille;
    int64_t seed;
    cpol_id *population;
    size_t n, k;
    cpol_id *checks;   /* the k checks written */
} sample_args;

static int has_pending_check(cpol_ctx *ctx, const cpol_id *case_id)
{
    cpol_query *q;
    int64_t n = 0;
    int rc = cpol__query_new(&cpol__table_case_spot_check, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, SPOT_CASE, CPOL_OP_EQ, case_id);
    if (rc >= 0)
        rc = cpol__query_where_int(q, SPOT_RESULT, CPOL_OP_EQ, CPOL_SPOT_PENDING);
    rc = cpol__count_rows(ctx, q, rc, &n);
    return rc < 0 ? rc : n > 0;
}

/* The station's resolved-or-later cases resolved in the window, without a
 * pending check, in creation (id) order. */
static int load_population(cpol_ctx *ctx, sample_args *a)
{
    cpol_query *q;
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    size_t cap = 0;
    int rc = cpol__query_new(&cpol__table_case, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, CASE_STATION, CPOL_OP_EQ, a->station);
    if (rc >= 0)
        rc = cpol__query_where_int(q, CASE_STATE, CPOL_OP_GE, CPOL_CASE_RESOLVED);
    if (rc >= 0)
        rc = cpol__query_where_int(q, CASE_STATE, CPOL_OP_LE, CPOL_CASE_CLOSED);
    if (rc >= 0)
        rc = cpol__query_where_range(q, CASE_RESOLVED_AT, a->from, a->to);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_case, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK) {
        cpol_id *grown = cpol__case_grow(a->population, &cap, a->n, sizeof *a->population);
        if (!grown) {
            rc = cpol__oom();
            break;
        }
        a->population = grown;
        cpol__record_get_id(r, CASE_ID, &a->population[a->n++]);
    }
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(q);
    return rc == CPOL_DONE ? CPOL_OK : rc;
}

static int drop_pending(cpol_ctx *ctx, sample_args *a)
{
    size_t i, kept = 0;
    for (i = 0; i < a->n; i++) {
        int rc = has_pending_check(ctx, &a->population[i]);
        if (rc < 0)
            return rc;
        if (!rc)
            a->population[kept++] = a->population[i];
    }
    a->n = kept;
    return CPOL_OK;
}

static int by_id(const void *pa, const void *pb)
{
    return cpol_id_compare(pa, pb);
}

/* Partial Fisher–Yates: the first k places end up a uniform sample. */
static void draw(sample_args *a)
{
    cpol__rng rng;
    size_t i;
    a->k = (size_t)(((uint64_t)a->n * (uint64_t)a->permille + 999) / 1000);
    cpol__rng_seed(&rng, (uint64_t)a->seed);
    for (i = 0; i < a->k; i++) {
        size_t j = i + (size_t)cpol__rng_below(&rng, (uint64_t)(a->n - i));
        cpol_id t = a->population[i];
        a->population[i] = a->population[j];
        a->population[j] = t;
    }
    if (a->k > 1)
        qsort(a->population, a->k, sizeof a->population[0], by_id);
}

static int write_check(cpol_ctx *ctx, sample_args *a, const cpol_id *case_id, cpol_id *id)
{
    cpol_record *r;
    char after[64];
    int rc = cpol__record_new(&cpol__table_case_spot_check, &r);
    if (rc < 0)
        return rc;
    cpol_id_new(ctx, id);
    rc = cpol__record_set_id(r, SPOT_ID, id);
    if (rc >= 0)
        rc = cpol__record_set_id(r, SPOT_STATION, a->station);
    if (rc >= 0)
        rc = cpol__record_set_id(r, SPOT_CASE, case_id);
    if (rc >= 0)
        rc = cpol__record_set_id_or_null(r, SPOT_SAMPLED_BY, a->as->system ? NULL : &a->as->person);
    cpol__value_set_int(&r->vals[SPOT_SEED], a->seed);
    cpol__value_set_int(&r->vals[SPOT_SAMPLED_AT], cpol_ctx_now(ctx));
    cpol__value_set_int(&r->vals[SPOT_RESULT], CPOL_SPOT_PENDING);
    if (rc >= 0)
        rc = cpol__store_insert(ctx->store, r);
    cpol__record_free(r);
    snprintf(after, sizeof after, "sampled for a spot check (seed %lld)", (long long)a->seed);
    if (rc >= 0)
        rc = cpol__audit(ctx, a->as, "case", case_id, a->station, "case.spotcheck.sample", "", after, NULL);
    return rc;
}

static int sample_body(cpol_ctx *ctx, void *arg)
{
    sample_args *a = arg;
    size_t i;
    int rc = cpol__case_require_station(ctx, "cpol_spot_check_sample", a->station);
    if (rc >= 0)
        rc = cpol__authorize(ctx, a->as, CPOL_PERM_CASE_SPOTCHECK, a->station);
    if (rc >= 0)
        rc = load_population(ctx, a);
    if (rc >= 0)
        rc = drop_pending(ctx, a);
    if (rc < 0)
        return rc;
    draw(a);
    a->checks = cpol__calloc(a->k ? a->k : 1, sizeof *a->checks);
    if (!a->checks)
        return cpol__oom();
    for (i = 0; rc >= 0 && i < a->k; i++)
        rc = write_check(ctx, a, &a->population[i], &a->checks[i]);
    return rc;
}

int cpol_spot_check_sample(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, cpol_time from, cpol_time to,
                           int32_t permille, int64_t seed, cpol_spot_check_iter **out)
{
    sample_args a;
    cpol_spot_check_iter *it;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !station || !out)
        return cpol__null_arg("cpol_spot_check_sample", !ctx ? "ctx" : !as ? "as" : !station ? "station" : "out");
    if (permille < 1 || permille > 1000)
        return cpol__error(CPOL_EINVALID, "cpol_spot_check_sample: the share %d‰ is outside 1..1000", (int)permille);
    rc = cpol__check_time_range("cpol_spot_check_sample", from, to);
    if (rc < 0)
        return rc;
    memset(&a, 0, sizeof a);
    a.as = as;
    a.station = station;
    a.from = from;
    a.to = to;
    a.permille = permille;
    a.seed = seed;
    it = iter_alloc(ctx);
    rc = it ? cpol__ctx_atomic(ctx, sample_body, &a) : cpol__oom();
    cpol_free(a.population);
    if (rc < 0) {
        cpol_free(a.checks);
        cpol_spot_check_iter_free(it);
        return rc;
    }
    it->ids = a.checks;
    it->n = a.k;
    *out = it;
    return CPOL_OK;
}

/* ---- deciding ---- */

typedef struct decide_args {
    const cpol_actor *as;
    const cpol_id *check;
    int result;
    const char *note;
} decide_args;

/* A check is independent or worthless. */
static int check_checker(cpol_ctx *ctx, const cpol_actor *as, const cpol_record *row)
{
    return cpol__case_check_judge(ctx, as, row, "spot-checks", "the check (抽查)");
}

static int confirm_apply(cpol_ctx *ctx, const cpol_actor *as, cpol_record *row, cpol__case_event *ev, void *arg)
{
    int rc = check_checker(ctx, as, row);
    ev->subject = arg;
    snprintf(ev->detail, sizeof ev->detail, "spot check confirmed the result");
    return rc;
}

static int reopen_apply(cpol_ctx *ctx, const cpol_actor *as, cpol_record *row, cpol__case_event *ev, void *arg)
{
    int rc = check_checker(ctx, as, row);
    if (rc < 0)
        return rc;
    cpol__case_apply_reopen(ctx, row, ev);
    ev->subject = arg;
    return CPOL_OK;
}

static int decide_body(cpol_ctx *ctx, void *arg)
{
    decide_args *a = arg;
    cpol_record *r;
    cpol_id station, case_id;
    int reopen = a->result == CPOL_SPOT_REOPENED, rc;
    rc = cpol__load(ctx, &cpol__table_case_spot_check, a->check, "spot check", &r);
    if (rc < 0)
        return rc;
    cpol__record_get_id(r, SPOT_STATION, &station);
    cpol__record_get_id(r, SPOT_CASE, &case_id);
    rc = cpol__authorize(ctx, a->as, CPOL_PERM_CASE_SPOTCHECK, &station);
    if (rc >= 0 && cpol__record_int(r, SPOT_RESULT) != CPOL_SPOT_PENDING)
        rc = cpol__error(CPOL_ESTATE, "the spot check was already decided: %s",
                         cpol_spot_result_name((int)cpol__record_int(r, SPOT_RESULT)));
    if (rc >= 0)
        rc = cpol__case_step(ctx, a->as, &case_id, reopen ? CPOL_STEP_SPOT_REOPEN : CPOL_STEP_SPOT_CONFIRM, a->note,
                             reopen ? reopen_apply : confirm_apply, (void *)a->check);
    if (rc >= 0) {
        cpol__value_set_int(&r->vals[SPOT_RESULT], a->result);
        cpol__value_set_int(&r->vals[SPOT_DECIDED_AT], cpol_ctx_now(ctx));
        rc = cpol__record_set_id_or_null(r, SPOT_DECIDED_BY, a->as->system ? NULL : &a->as->person);
        if (rc >= 0)
            rc = cpol__record_set_text0(r, SPOT_NOTE, a->note);
        if (rc >= 0)
            rc = cpol__store_update(ctx->store, r);
    }
    cpol__record_free(r);
    return rc;
}

int cpol_spot_check_decide(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *check, int result, const char *note)
{
    decide_args a;
    int rc;
    if (!ctx || !as || !check)
        return cpol__null_arg("cpol_spot_check_decide", !ctx ? "ctx" : !as ? "as" : "check");
    if (result != CPOL_SPOT_CONFIRMED && result != CPOL_SPOT_REOPENED)
        return cpol__error(CPOL_EINVALID, "cpol_spot_check_decide: the result must be confirmed or reopened, not %d",
                           result);
    rc = cpol__case_check_note("cpol_spot_check_decide", "note", note, result == CPOL_SPOT_REOPENED);
    if (rc < 0)
        return rc;
    a.as = as;
    a.check = check;
    a.result = result;
    a.note = note;
    return cpol__ctx_atomic(ctx, decide_body, &a);
}

/* ---- reading ---- */

int cpol_spot_check_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, int pending_only,
                             cpol_spot_check_iter **out)
{
    cpol_spot_check_iter *it;
    cpol_query *q = NULL;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !station || !out)
        return cpol__null_arg("cpol_spot_check_iter_new", !ctx ? "ctx" : !as ? "as" : !station ? "station" : "out");
    if (pending_only != 0 && pending_only != 1)
        return cpol__error(CPOL_EINVALID, "cpol_spot_check_iter_new: pending_only must be 0 or 1");
    rc = cpol__case_require_station(ctx, "cpol_spot_check_iter_new", station);
    if (rc >= 0)
        rc = cpol__authorize(ctx, as, CPOL_PERM_CASE_VIEW, station);
    if (rc >= 0)
        rc = cpol__query_new(&cpol__table_case_spot_check, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, SPOT_STATION, CPOL_OP_EQ, station);
    if (rc >= 0 && pending_only)
        rc = cpol__query_where_int(q, SPOT_RESULT, CPOL_OP_EQ, CPOL_SPOT_PENDING);
    it = rc >= 0 ? iter_alloc(ctx) : NULL;
    if (rc >= 0 && !it)
        rc = cpol__oom();
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &it->cursor);
    cpol__query_free(q);
    if (rc < 0) {
        cpol_spot_check_iter_free(it);
        return rc;
    }
    *out = it;
    return CPOL_OK;
}

int cpol_spot_check_iter_next(cpol_spot_check_iter *it, const cpol_spot_check **out)
{
    int rc;
    if (!it || !out)
        return cpol__null_arg("cpol_spot_check_iter_next", !it ? "it" : "out");
    if (it->cursor) {
        rc = cpol__cursor_next(it->cursor, it->current.row);
    } else {
        if (it->next >= it->n)
            return CPOL_DONE;
        cpol__record_reset(it->current.row);
        rc = cpol__record_set_id(it->current.row, SPOT_ID, &it->ids[it->next++]);
        if (rc >= 0)
            rc = cpol__store_get(it->store, it->current.row);
    }
    if (rc != CPOL_OK)
        return rc;
    cpol__record_get_id(it->current.row, SPOT_ID, &it->current.id);
    cpol__record_get_id(it->current.row, SPOT_CASE, &it->current.case_id);
    *out = &it->current;
    return CPOL_OK;
}

void cpol_spot_check_iter_free(cpol_spot_check_iter *it)
{
    if (!it)
        return;
    cpol__cursor_close(it->cursor);
    cpol__record_free(it->current.row);
    if (it->store)
        cpol__store_release(it->store);
    cpol_free(it->ids);
    cpol_free(it);
}

const cpol_id *cpol_spot_check_id(const cpol_spot_check *s) { return s ? &s->id : NULL; }
const cpol_id *cpol_spot_check_case(const cpol_spot_check *s) { return s ? &s->case_id : NULL; }
int cpol_spot_check_result(const cpol_spot_check *s) { return s ? (int)cpol__record_int(s->row, SPOT_RESULT) : 0; }
int64_t cpol_spot_check_seed(const cpol_spot_check *s) { return s ? cpol__record_int(s->row, SPOT_SEED) : 0; }
cpol_time cpol_spot_check_sampled_at(const cpol_spot_check *s)
{
    return s ? cpol__record_int(s->row, SPOT_SAMPLED_AT) : 0;
}
cpol_time cpol_spot_check_decided_at(const cpol_spot_check *s)
{
    return s ? cpol__record_int(s->row, SPOT_DECIDED_AT) : 0;
}
const char *cpol_spot_check_note(const cpol_spot_check *s)
{
    return s ? cpol__record_text_or_empty(s->row, SPOT_NOTE) : "";
}
