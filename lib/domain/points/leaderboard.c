/* Leaderboards: points earned per person in a period, ranked. */
#include <stdlib.h>
#include <string.h>

#include <commpolice/team.h>

#include "util/versioned.h"
#include "domain/points/ledger_internal.h"
#include "domain/base/tables.h"
#include "domain/teams/team_tables.h"

struct cpol_leaderboard_entry {
    cpol_id person;
    int64_t points, rank;
    char *name;
};

struct cpol_leaderboard_iter {
    cpol_leaderboard_entry *entries;
    size_t n, next;
};

static int by_person(const void *a, const void *b)
{
    return cpol_id_compare(&((const cpol_leaderboard_entry *)a)->person,
                           &((const cpol_leaderboard_entry *)b)->person);
}

static int by_points(const void *pa, const void *pb)
{
    const cpol_leaderboard_entry *a = pa, *b = pb;
    int c;
    if (a->points != b->points)
        return a->points > b->points ? -1 : 1;
    c = strcmp(a->name, b->name);
    return c ? c : cpol_id_compare(&a->person, &b->person);
}

static int push(cpol_leaderboard_iter *it, size_t *cap, const cpol_id *person, int64_t points)
{
    if (it->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        cpol_leaderboard_entry *grown = cpol_realloc(it->entries, ncap * sizeof *grown);
        if (!grown)
            return cpol__oom();
        it->entries = grown;
        *cap = ncap;
    }
    memset(&it->entries[it->n], 0, sizeof it->entries[it->n]);
    it->entries[it->n].person = *person;
    it->entries[it->n].points = points;
    it->n++;
    return CPOL_OK;
}

/* One entry per person: awards minus reversals at the station in the period. */
static int collect(cpol_ctx *ctx, const cpol_leaderboard_filter *f, cpol_leaderboard_iter *it)
{
    cpol_query *q;
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    size_t cap = 0, i, out;
    int rc = cpol__query_new(&cpol__table_transfer, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, TRANSFER_STATION, CPOL_OP_EQ, f->station);
    if (rc >= 0)
        rc = cpol__query_where_int(q, TRANSFER_AT, CPOL_OP_GE, f->from);
    if (rc >= 0 && f->to)
        rc = cpol__query_where_int(q, TRANSFER_AT, CPOL_OP_LT, f->to);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_transfer, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK) {
        int64_t kind = cpol__record_int(r, TRANSFER_KIND), amount = cpol__record_int(r, TRANSFER_AMOUNT);
        cpol_id person;
        if (kind != CPOL_TRANSFER_AWARD && kind != CPOL_TRANSFER_REVERSAL)
            continue;
        cpol__record_get_id(r, TRANSFER_PERSON, &person);
        rc = push(it, &cap, &person, kind == CPOL_TRANSFER_AWARD ? amount : -amount);
    }
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(q);
    if (rc < 0 && rc != CPOL_DONE)
        return rc;
    /* merge the rows of each person (none: qsort must not see a NULL array) */
    if (it->n > 1)
        qsort(it->entries, it->n, sizeof *it->entries, by_person);
    for (i = 0, out = 0; i < it->n; i++) {
        if (out > 0 && cpol_id_compare(&it->entries[out - 1].person, &it->entries[i].person) == 0)
            it->entries[out - 1].points += it->entries[i].points;
        else
            it->entries[out++] = it->entries[i];
    }
    it->n = out;
    return CPOL_OK;
}

/* Is the person an active member of the team? (An internal check: the
 * leaderboard's reader was authorized already and hidden people are dropped
 * from its entries, so no roster read is needed.) */
static int in_team(cpol_ctx *ctx, const cpol_id *team, const cpol_id *person, int *yes)
{
    cpol_record *m = NULL;
    int rc = cpol__membership_find_active(ctx, team, person, &m);
    cpol__record_free(m);
    *yes = rc > 0;
    return rc < 0 ? rc : CPOL_OK;
}

/* Drop people outside the area or team, and covert people the reader may
 * not see (before ranking, so no gap in the ranks betrays them); fill in
 * names. */
static int scope(cpol_ctx *ctx, const cpol_actor *as, const cpol_leaderboard_filter *f, cpol_leaderboard_iter *it)
{
    char *lo = NULL;
    size_t i, out = 0, lo_len = 0;
    int cleared = cpol__reader_cleared(ctx, as), rc = cleared < 0 ? cleared : CPOL_OK;
    if (f->area) {
        cpol_id st;
        int has;
        rc = cpol__area_lookup(ctx, f->area, &st, &has, &lo, NULL);
        lo_len = lo ? strlen(lo) : 0;
    }
    for (i = 0; rc >= 0 && i < it->n; i++) {
        cpol_leaderboard_entry *e = &it->entries[i];
        cpol_record *p;
        int keep = 1;
        rc = cpol__load(ctx, &cpol__table_person, &e->person, "person", &p);
        if (rc < 0)
            break;
        if (lo) {
            const char *path = cpol__record_text_or_empty(p, PERSON_HOME_PATH);
            keep = strncmp(path, lo, lo_len) == 0 && (path[lo_len] == '\0' || path[lo_len] == '/');
        }
        if (keep && f->team)
            rc = in_team(ctx, f->team, &e->person, &keep);
        if (rc >= 0 && keep) {
            int hidden;
            rc = cpol__person_hidden_for(ctx, as, cleared, &e->person, &hidden);
            keep = !hidden;
        }
        if (rc >= 0 && keep) {
            e->name = cpol__strdup(cpol__record_text_or_empty(p, PERSON_NAME));
            if (!e->name)
                rc = cpol__oom();
            else
                it->entries[out++] = *e;
        }
        cpol__record_free(p);
    }
    it->n = out; /* only kept entries own a name */
    cpol_free(lo);
    return rc;
}

int cpol_leaderboard_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_leaderboard_filter *filter,
                              cpol_leaderboard_iter **out)
{
    cpol_leaderboard_iter *it;
    cpol_leaderboard_filter f;
    size_t i;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !filter || !out)
        return cpol__null_arg("cpol_leaderboard_iter_new", !ctx ? "ctx" : !as ? "as" : !filter ? "filter" : "out");
    memset(&f, 0, sizeof f);
    rc = cpol__take_versioned(&f, filter, CPOL__SIZES_V1(cpol_leaderboard_filter), CPOL_LEADERBOARD_FILTER_VERSION,
                              "cpol_leaderboard_iter_new", "filter");
    if (rc < 0)
        return rc;
    if (!f.station)
        return cpol__error(CPOL_EINVALID, "cpol_leaderboard_iter_new: the filter needs a station");
    if ((f.to && f.to <= f.from) || f.limit < 0)
        return cpol__error(CPOL_EINVALID, "cpol_leaderboard_iter_new: empty period or negative limit");
    rc = cpol__authorize(ctx, as, CPOL_PERM_POINTS_VIEW, f.station);
    if (rc < 0)
        return rc;
    it = cpol__calloc(1, sizeof *it);
    if (!it)
        return cpol__oom();
    rc = collect(ctx, &f, it);
    if (rc >= 0)
        rc = scope(ctx, as, &f, it);
    if (rc < 0) {
        cpol_leaderboard_iter_free(it);
        return rc;
    }
    if (it->n > 1)
        qsort(it->entries, it->n, sizeof *it->entries, by_points);
    for (i = 0; i < it->n; i++)
        it->entries[i].rank = i > 0 && it->entries[i].points == it->entries[i - 1].points ? it->entries[i - 1].rank
                                                                                           : (int64_t)i + 1;
    if (f.limit && (size_t)f.limit < it->n) {
        for (i = (size_t)f.limit; i < it->n; i++)
            cpol_free(it->entries[i].name);
        it->n = (size_t)f.limit;
    }
    *out = it;
    return CPOL_OK;
}

int cpol_leaderboard_iter_next(cpol_leaderboard_iter *it, const cpol_leaderboard_entry **out)
{
    if (!it || !out)
        return cpol__null_arg("cpol_leaderboard_iter_next", !it ? "it" : "out");
    if (it->next >= it->n)
        return CPOL_DONE;
    *out = &it->entries[it->next++];
    return CPOL_OK;
}

void cpol_leaderboard_iter_free(cpol_leaderboard_iter *it)
{
    size_t i;
    if (!it)
        return;
    for (i = 0; i < it->n; i++)
        cpol_free(it->entries[i].name);
    cpol_free(it->entries);
    cpol_free(it);
}

const cpol_id *cpol_leaderboard_entry_person(const cpol_leaderboard_entry *e) { return e ? &e->person : NULL; }
const char *cpol_leaderboard_entry_name(const cpol_leaderboard_entry *e) { return e && e->name ? e->name : ""; }
int64_t cpol_leaderboard_entry_points(const cpol_leaderboard_entry *e) { return e ? e->points : 0; }
int64_t cpol_leaderboard_entry_rank(const cpol_leaderboard_entry *e) { return e ? e->rank : 0; }
