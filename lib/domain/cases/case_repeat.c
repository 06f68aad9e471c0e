/* Repeat analysis (一人多次、一地多起、一类多发): the cases of an area and
 * period are keyed by person, area, address or category; keys with at least
 * `threshold` cases form ranked groups; optionally the newest open case of
 * each group is reassessed one risk grade higher. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <commpolice/case_analysis.h>

#include "util/versioned.h"
#include "util/alloc.h"
#include "domain/cases/case_tables.h"
#include "domain/base/domain.h"
#include "domain/base/snapshot.h"
#include "domain/base/tables.h"

struct cpol_case_repeat {
    int kind, category, raised;
    cpol_id key;          /* the person or the area */
    char *address;
    int64_t count;
    cpol_id newest;
    cpol_time first_at, last_at;
};

struct cpol_case_repeat_iter {
    cpol_case_repeat *groups;
    size_t n, next;
};

/* What the analysis needs of one case. */
typedef struct rcase {
    cpol_id id, area, reporter;
    char *address;
    int category, state, grade, has_reporter;
    int raised;            /* reassessed by this call: a case is raised once per call */
    cpol_time reported;
} rcase;

/* One (key, case) pair: a case has one key per kind, except by person. */
typedef struct rpair {
    cpol_id key;
    const char *address;
    int category;
    size_t c;
} rpair;

typedef struct repeat_args {
    const cpol_actor *as;
    cpol__case_reader reader;   /* persons hidden from it are never a key */
    cpol_case_repeat_query q;
    cpol_id station;
    rcase *cases;
    size_t ncases;
    rpair *pairs;
    size_t npairs, cap;
    cpol_case_repeat_iter *it;
} repeat_args;

static const char *kind_label(int kind)
{
    switch (kind) {
    case CPOL_REPEAT_PERSON: return "一人多次 one person many times";
    case CPOL_REPEAT_CATEGORY: return "一类多发 one kind frequent";
    default: return "一地多起 one place many incidents";
    }
}

static int add_pair(repeat_args *a, const cpol_id *key, const char *address, int category, size_t c)
{
    rpair *p;
    p = cpol__case_grow(a->pairs, &a->cap, a->npairs, sizeof *a->pairs);
    if (!p)
        return cpol__oom();
    a->pairs = p;
    p = &a->pairs[a->npairs++];
    memset(p, 0, sizeof *p);
    if (key)
        p->key = *key;
    p->address = address;
    p->category = category;
    p->c = c;
    return CPOL_OK;
}

static int load_cases(cpol_ctx *ctx, repeat_args *a)
{
    cpol_query *q = NULL;
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    size_t cap = 0;
    int masked = 0, rc = cpol__case_area_query(ctx, a->q.area, a->q.from, a->q.to, &q);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_case, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK) {
        rcase *k = cpol__case_grow(a->cases, &cap, a->ncases, sizeof *a->cases);
        if (!k) {
            rc = cpol__oom();
            break;
        }
        a->cases = k;
        k = &a->cases[a->ncases];
        memset(k, 0, sizeof *k);
        cpol__record_get_id(r, CASE_ID, &k->id);
        cpol__record_get_id(r, CASE_AREA, &k->area);
        rc = cpol__case_reporter_masked(ctx->store, &a->reader, r, &masked);
        k->has_reporter = cpol__record_get_id(r, CASE_REPORTER, &k->reporter) && !masked;
        k->category = (int)cpol__record_int(r, CASE_CATEGORY);
        k->state = (int)cpol__record_int(r, CASE_STATE);
        k->grade = (int)cpol__record_int(r, CASE_RISK_GRADE);
        k->reported = cpol__record_int(r, CASE_REPORTED_AT);
        if (cpol__record_text(r, CASE_ADDRESS) && !(k->address = cpol__strdup(cpol__record_text(r, CASE_ADDRESS))))
            rc = cpol__oom();
        a->ncases++;
    }
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(q);
    return rc == CPOL_DONE ? CPOL_OK : rc;
}

static int by_case_id(const void *pa, const void *pb)
{
    return cpol_id_compare(pa, pb); /* rcase begins with its id */
}

/* The registered parties of the station's cases since the period began (a
 * party is added after its case was reported), in one read; each is a key
 * of its case unless hidden from the reader. Duplicates (a party named
 * twice, or also the reporter) are removed when the pairs are sorted. */
static int party_pairs(cpol_ctx *ctx, repeat_args *a)
{
    cpol_query *q;
    cpol_cursor *cur = NULL;
    cpol_record *r = NULL;
    int rc = cpol__query_new(&cpol__table_case_party, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, PARTY_STATION, CPOL_OP_EQ, &a->station);
    if (rc >= 0)
        rc = cpol__query_where_range(q, PARTY_ADDED_AT, a->q.from, 0);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_case_party, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &cur);
    while (rc >= 0 && (rc = cpol__cursor_next(cur, r)) == CPOL_OK) {
        cpol_id person, case_id;
        const rcase *k;
        int hidden = 0;
        if (!cpol__record_get_id(r, PARTY_PERSON, &person))
            continue;
        cpol__record_get_id(r, PARTY_CASE, &case_id);
        k = a->ncases ? bsearch(&case_id, a->cases, a->ncases, sizeof *a->cases, by_case_id) : NULL;
        if (!k)
            continue; /* a case of another area or period */
        rc = cpol__case_reader_hides(ctx->store, &a->reader, &person, &hidden);
        if (rc >= 0 && !hidden)
            rc = add_pair(a, &person, NULL, 0, (size_t)(k - a->cases));
    }
    cpol__cursor_close(cur);
    cpol__record_free(r);
    cpol__query_free(q);
    return rc == CPOL_DONE ? CPOL_OK : rc;
}

static int make_pairs(cpol_ctx *ctx, repeat_args *a)
{
    size_t c;
    int rc = CPOL_OK;
    if (a->ncases > 1)
        qsort(a->cases, a->ncases, sizeof a->cases[0], by_case_id);
    for (c = 0; rc >= 0 && c < a->ncases; c++) {
        const rcase *k = &a->cases[c];
        switch (a->q.kind) {
        case CPOL_REPEAT_PERSON: rc = k->has_reporter ? add_pair(a, &k->reporter, NULL, 0, c) : CPOL_OK; break;
        case CPOL_REPEAT_AREA: rc = add_pair(a, &k->area, NULL, 0, c); break;
        case CPOL_REPEAT_ADDRESS: rc = k->address ? add_pair(a, &k->area, k->address, 0, c) : CPOL_OK; break;
        default: rc = add_pair(a, NULL, NULL, k->category, c); break;
        }
    }
    if (rc >= 0 && a->q.kind == CPOL_REPEAT_PERSON)
        rc = party_pairs(ctx, a);
    return rc;
}

static int compare_keys(const rpair *x, const rpair *y)
{
    int c = cpol_id_compare(&x->key, &y->key);
    if (c)
        return c;
    if (x->category != y->category)
        return x->category < y->category ? -1 : 1;
    return strcmp(x->address ? x->address : "", y->address ? y->address : "");
}

/* By key, then by case: a key's pairs of one case lie side by side. */
static int by_key(const void *pa, const void *pb)
{
    const rpair *x = pa, *y = pb;
    int c = compare_keys(x, y);
    return c ? c : (x->c > y->c) - (x->c < y->c);
}

/* Drop repeated (key, case) pairs from the sorted pairs: each case counts
 * once per key. */
static void unique_pairs(repeat_args *a)
{
    size_t i, n = 0;
    for (i = 0; i < a->npairs; i++)
        if (!n || a->pairs[i].c != a->pairs[n - 1].c || compare_keys(&a->pairs[i], &a->pairs[n - 1]) != 0)
            a->pairs[n++] = a->pairs[i];
    a->npairs = n;
}

/* Bigger first, then the latest newest case, then the key. */
static int by_rank(const void *pa, const void *pb)
{
    const cpol_case_repeat *x = pa, *y = pb;
    int c;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    if (x->last_at != y->last_at)
        return x->last_at > y->last_at ? -1 : 1;
    c = cpol_id_compare(&x->key, &y->key);
    if (c)
        return c;
    if (x->category != y->category)
        return x->category - y->category;
    return strcmp(x->address ? x->address : "", y->address ? y->address : "");
}

static int newer(const rcase *x, const rcase *y)
{
    return x->reported > y->reported || (x->reported == y->reported && cpol_id_compare(&x->id, &y->id) > 0);
}

/* Fold the sorted pairs [from, to) of one key into a group. */
static int fold_group(repeat_args *a, size_t from, size_t to, cpol_case_repeat *g)
{
    const rpair *p = &a->pairs[from];
    const rcase *newest = &a->cases[p->c];
    size_t i;
    memset(g, 0, sizeof *g);
    g->kind = a->q.kind;
    g->key = p->key;
    g->category = p->category;
    g->count = (int64_t)(to - from);
    g->first_at = g->last_at = newest->reported;
    for (i = from; i < to; i++) {
        const rcase *k = &a->cases[a->pairs[i].c];
        if (k->reported < g->first_at)
            g->first_at = k->reported;
        if (newer(k, newest))
            newest = k;
    }
    g->last_at = newest->reported;
    g->newest = newest->id;
    if (p->address && !(g->address = cpol__strdup(p->address)))
        return cpol__oom();
    return CPOL_OK;
}

static int build_groups(repeat_args *a)
{
    size_t i = 0, j, n = 0;
    int rc = CPOL_OK;
    if (a->npairs > 1)
        qsort(a->pairs, a->npairs, sizeof a->pairs[0], by_key);
    unique_pairs(a);
    a->it->groups = cpol__calloc(a->npairs ? a->npairs : 1, sizeof *a->it->groups);
    if (!a->it->groups)
        return cpol__oom();
    while (rc >= 0 && i < a->npairs) {
        for (j = i + 1; j < a->npairs && compare_keys(&a->pairs[i], &a->pairs[j]) == 0; j++)
            ;
        if ((int64_t)(j - i) >= a->q.threshold)
            rc = fold_group(a, i, j, &a->it->groups[n++]);
        i = j;
    }
    a->it->n = n;
    if (n > 1)
        qsort(a->it->groups, n, sizeof a->it->groups[0], by_rank);
    if (a->q.limit && (size_t)a->q.limit < a->it->n) {
        for (i = (size_t)a->q.limit; i < a->it->n; i++)
            cpol_free(a->it->groups[i].address);
        a->it->n = (size_t)a->q.limit;
    }
    return rc;
}

/* ---- raising the newest case's grade ---- */

static int raise_apply(cpol_ctx *ctx, const cpol_actor *as, cpol_record *row, cpol__case_event *ev, void *arg)
{
    (void)as;
    (void)arg;
    return cpol__case_apply_grade(ctx, row, (int)cpol__record_int(row, CASE_RISK_GRADE) + 1, ev);
}

static rcase *find_case(const repeat_args *a, const cpol_id *id)
{
    return a->ncases ? bsearch(id, a->cases, a->ncases, sizeof *a->cases, by_case_id) : NULL;
}

static int raise_newest(cpol_ctx *ctx, repeat_args *a)
{
    size_t i;
    int rc = CPOL_OK;
    for (i = 0; rc >= 0 && i < a->it->n; i++) {
        cpol_case_repeat *g = &a->it->groups[i];
        rcase *k = find_case(a, &g->newest);
        char note[160], since[CPOL__TIME_TEXT];
        if (!k || k->raised || k->grade < CPOL_RISK_GENERAL || k->grade >= CPOL_RISK_HIGH ||
            k->state < CPOL_CASE_ASSESSED || k->state > CPOL_CASE_HANDLING)
            continue;
        cpol__time_text(g->first_at, since);
        snprintf(note, sizeof note, "repeat: %s, %lld cases since %s", kind_label(g->kind), (long long)g->count, since);
        rc = cpol__case_step(ctx, a->as, &g->newest, CPOL_STEP_ASSESS, note, raise_apply, NULL);
        g->raised = k->raised = rc >= 0;
    }
    return rc;
}

static int repeat_body(cpol_ctx *ctx, void *arg)
{
    repeat_args *a = arg;
    int rc = load_cases(ctx, a);
    if (rc >= 0)
        rc = make_pairs(ctx, a);
    if (rc >= 0)
        rc = build_groups(a);
    if (rc >= 0 && a->q.raise_grade)
        rc = raise_newest(ctx, a);
    return rc;
}

/* q: the caller's query, already taken by its version (versioned.h). */
static int check_query(const cpol_case_repeat_query *q)
{
    static const char func[] = "cpol_case_repeat_iter_new";
    if (!q->area)
        return cpol__null_arg(func, "query->area");
    if (q->kind < CPOL_REPEAT_PERSON || q->kind > CPOL_REPEAT_CATEGORY)
        return cpol__error(CPOL_EINVALID, "%s: %d is not a repeat kind", func, (int)q->kind);
    if (q->threshold < 2)
        return cpol__error(CPOL_EINVALID, "%s: a threshold of %d is no repetition (2 or more)", func,
                           (int)q->threshold);
    if ((q->raise_grade != 0 && q->raise_grade != 1) || q->limit < 0)
        return cpol__error(CPOL_EINVALID, "%s: raise_grade must be 0 or 1 and limit not negative", func);
    return cpol__check_time_range(func, q->from, q->to);
}

static int repeat_authorize(cpol_ctx *ctx, repeat_args *a)
{
    int rc = cpol__case_area_scope(ctx, a->as, a->q.area, "repeat analysis", &a->station);
    if (rc >= 0 && a->q.raise_grade)
        rc = cpol__authorize(ctx, a->as, CPOL_PERM_CASE_TRIAGE, &a->station);
    if (rc >= 0)
        rc = cpol__case_reader_open(ctx, a->as, &a->reader);
    return rc;
}

int cpol_case_repeat_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_case_repeat_query *query,
                              cpol_case_repeat_iter **out)
{
    static const char func_name[] = "cpol_case_repeat_iter_new";
    cpol_case_repeat_query taken;
    repeat_args a;
    size_t i;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !query || !out)
        return cpol__null_arg("cpol_case_repeat_iter_new", !ctx ? "ctx" : !as ? "as" : !query ? "query" : "out");
    {
        static const cpol_case_repeat_query defaults = CPOL_CASE_REPEAT_QUERY_INIT;
        taken = defaults;
    }
    rc = cpol__take_versioned(&taken, query, CPOL__SIZES_V1(cpol_case_repeat_query), CPOL_CASE_REPEAT_QUERY_VERSION, func_name, "query");
    if (rc >= 0)
        rc = check_query(&taken);
    if (rc < 0)
        return rc;
    memset(&a, 0, sizeof a);
    a.as = as;
    a.q = taken;
    a.it = cpol__calloc(1, sizeof *a.it);
    if (!a.it)
        return cpol__oom();
    rc = repeat_authorize(ctx, &a);
    if (rc >= 0)
        rc = a.q.raise_grade ? cpol__ctx_atomic(ctx, repeat_body, &a) : repeat_body(ctx, &a);
    for (i = 0; i < a.ncases; i++)
        cpol_free(a.cases[i].address);
    cpol_free(a.cases);
    cpol_free(a.pairs);
    if (rc < 0) {
        cpol_case_repeat_iter_free(a.it);
        return rc;
    }
    *out = a.it;
    return CPOL_OK;
}

int cpol_case_repeat_iter_next(cpol_case_repeat_iter *it, const cpol_case_repeat **out)
{
    if (!it || !out)
        return cpol__null_arg("cpol_case_repeat_iter_next", !it ? "it" : "out");
    if (it->next >= it->n)
        return CPOL_DONE;
    *out = &it->groups[it->next++];
    return CPOL_OK;
}

void cpol_case_repeat_iter_free(cpol_case_repeat_iter *it)
{
    size_t i;
    if (!it)
        return;
    for (i = 0; i < it->n; i++)
        cpol_free(it->groups[i].address);
    cpol_free(it->groups);
    cpol_free(it);
}

int cpol_case_repeat_kind(const cpol_case_repeat *r) { return r ? r->kind : 0; }
const cpol_id *cpol_case_repeat_person(const cpol_case_repeat *r)
{
    return r && r->kind == CPOL_REPEAT_PERSON ? &r->key : NULL;
}
const cpol_id *cpol_case_repeat_area(const cpol_case_repeat *r)
{
    return r && (r->kind == CPOL_REPEAT_AREA || r->kind == CPOL_REPEAT_ADDRESS) ? &r->key : NULL;
}
const char *cpol_case_repeat_address(const cpol_case_repeat *r) { return r && r->address ? r->address : ""; }
int cpol_case_repeat_category(const cpol_case_repeat *r) { return r ? r->category : 0; }
int64_t cpol_case_repeat_count(const cpol_case_repeat *r) { return r ? r->count : 0; }
const cpol_id *cpol_case_repeat_newest(const cpol_case_repeat *r) { return r ? &r->newest : NULL; }
cpol_time cpol_case_repeat_first_at(const cpol_case_repeat *r) { return r ? r->first_at : 0; }
cpol_time cpol_case_repeat_last_at(const cpol_case_repeat *r) { return r ? r->last_at : 0; }
int cpol_case_repeat_raised(const cpol_case_repeat *r) { return r ? r->raised : 0; }
