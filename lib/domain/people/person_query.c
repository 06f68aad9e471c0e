/* Listing people: by station, area subtree, role and status, categories,
 * with paging. Without a role filter the person table is scanned through
 * its indexes; with one, the assignments of that role drive the walk and
 * each person is looked up once. */
#include <string.h>

#include "util/versioned.h"
#include "util/alloc.h"
#include "domain/base/domain.h"
#include "domain/base/reader.h"
#include "domain/people/person_internal.h"
#include "domain/base/tables.h"

struct cpol_person_iter {
    cpol_store *store;
    cpol_cursor *cursor;     /* person rows, or assignment rows when filtering by role */
    cpol_record *driver;     /* the cursor's current row */
    int by_role;
    cpol_id last_person;     /* by role: the same person may hold the role twice */
    int have_last;
    char *path_lo, *path_hi; /* area subtree bounds, checked per row when driven by role */
    char *scope_lo, *scope_hi; /* a bureau-wide reader: its bureau's subtree, checked per row */
    int32_t categories;
    int64_t skip, left;      /* paging still to apply; left < 0: no limit */
    cpol__reader reader;     /* covert people are skipped unless cleared (before paging: pages stay full) */
    cpol_person current;
};

/* path >= lo && path < hi selects an area and everything below it. */
static int subtree_bounds(cpol_ctx *ctx, const cpol_id *area, char **lo, char **hi)
{
    cpol_id station;
    int has_station;
    size_t len;
    int rc = cpol__area_lookup(ctx, area, &station, &has_station, lo, NULL);
    if (rc < 0)
        return rc;
    len = strlen(*lo);
    *hi = cpol__strndup(*lo, len);
    if (!*hi)
        return cpol__oom();
    (*hi)[len - 1] = (char)((*hi)[len - 1] + 1); /* last hex digit + 1: past every longer path below */
    return CPOL_OK;
}

int cpol_person_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_person_filter *filter,
                         cpol_person_iter **out)
{
    cpol_person_filter f = CPOL_PERSON_FILTER_INIT;
    cpol_person_iter *it;
    cpol_query *q = NULL;
    cpol_id station, bureau;
    int rc, bound;
    if (out)
        *out = NULL;
    if (!ctx || !as || !out)
        return cpol__null_arg("cpol_person_iter_new", !ctx ? "ctx" : !as ? "as" : "out");
    if (filter) {
        int vrc = cpol__take_versioned(&f, filter, CPOL__SIZES_V1(cpol_person_filter), CPOL_PERSON_FILTER_VERSION,
                                       "cpol_person_iter_new", "filter");
        if (vrc < 0)
            return vrc;
    }
    if (f.offset < 0 || f.limit < 0 || f.role < 0 || f.role > CPOL_ROLE_ANALYST || f.status < 0 ||
        f.status > CPOL_ASSIGNMENT_RETIRED || (f.status && !f.role) || f.categories < 0 ||
        (f.categories & ~(int32_t)CPOL_CATEGORY_ALL))
        return cpol__error(CPOL_EINVALID, "cpol_person_iter_new: a filter value is out of range "
                                          "(status needs a role; offset and limit must not be negative)");
    bound = cpol__authorize_own_scope(ctx, as, CPOL_PERM_PERSON_VIEW, &station, &bureau);
    if (bound < 0)
        return bound;
    it = cpol__calloc(1, sizeof *it);
    if (!it)
        return cpol__oom();
    rc = cpol__reader_open(ctx, as, &it->reader);
    it->categories = f.categories;
    it->skip = f.offset;
    it->left = f.limit ? f.limit : -1;
    it->by_role = f.role != 0;
    if (rc >= 0 && !bound && !as->system)
        rc = subtree_bounds(ctx, &bureau, &it->scope_lo, &it->scope_hi);
    if (rc >= 0 && f.area)
        rc = subtree_bounds(ctx, f.area, &it->path_lo, &it->path_hi);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_person, &it->current.row);
    if (rc >= 0 && it->by_role) {
        rc = cpol__query_new(&cpol__table_assignment, &q);
        if (rc >= 0 && bound)
            rc = cpol__query_where_id(q, ASSIGN_STATION, CPOL_OP_EQ, &station);
        if (rc >= 0)
            rc = cpol__query_where_int(q, ASSIGN_ROLE, CPOL_OP_EQ, f.role);
        if (rc >= 0 && f.status)
            rc = cpol__query_where_int(q, ASSIGN_STATUS, CPOL_OP_EQ, f.status);
        if (rc >= 0) {
            cpol__query_order(q, ASSIGN_PERSON, 0);
            rc = cpol__record_new(&cpol__table_assignment, &it->driver);
        }
    } else if (rc >= 0) {
        rc = cpol__query_new(&cpol__table_person, &q);
        if (rc >= 0 && bound)
            rc = cpol__query_where_id(q, PERSON_STATION, CPOL_OP_EQ, &station);
        if (rc >= 0 && it->path_lo) {
            rc = cpol__query_where_text(q, PERSON_HOME_PATH, CPOL_OP_GE, it->path_lo, strlen(it->path_lo));
            if (rc >= 0)
                rc = cpol__query_where_text(q, PERSON_HOME_PATH, CPOL_OP_LT, it->path_hi, strlen(it->path_hi));
        }
    }
    if (rc >= 0) {
        it->store = ctx->store;
        cpol__store_retain(ctx->store);
        rc = cpol__cursor_open(ctx->store, q, &it->cursor);
    }
    cpol__query_free(q);
    if (rc < 0) {
        cpol_person_iter_free(it);
        return rc;
    }
    it->current.masked = !it->reader.cleared;
    *out = it;
    return CPOL_OK;
}

/* Load the next candidate person row into it->current.row: CPOL_OK/DONE. */
static int next_candidate(cpol_person_iter *it)
{
    int rc;
    if (!it->by_role)
        return cpol__cursor_next(it->cursor, it->current.row);
    for (;;) {
        cpol_id person;
        rc = cpol__cursor_next(it->cursor, it->driver);
        if (rc != CPOL_OK)
            return rc;
        cpol__record_get_id(it->driver, ASSIGN_PERSON, &person);
        if (it->have_last && cpol_id_compare(&person, &it->last_person) == 0)
            continue;
        it->last_person = person;
        it->have_last = 1;
        cpol__record_reset(it->current.row);
        rc = cpol__record_set_id(it->current.row, PERSON_ID, &person);
        if (rc >= 0)
            rc = cpol__store_get(it->store, it->current.row);
        if (rc == CPOL_ENOTFOUND)
            return cpol__error(CPOL_ECORRUPT, "an assignment names a person who does not exist");
        return rc;
    }
}

/* 1 if the current row is listed, 0 if not, <0 on a storage error. */
static int wanted(cpol_person_iter *it)
{
    const cpol_record *r = it->current.row;
    cpol_id id;
    int hidden, rc;
    if (it->categories && !(cpol__record_int(r, PERSON_CATEGORIES) & it->categories))
        return 0;
    if (it->by_role && it->path_lo) {
        const char *path = cpol__record_text_or_empty(r, PERSON_HOME_PATH);
        if (strcmp(path, it->path_lo) < 0 || strcmp(path, it->path_hi) >= 0)
            return 0;
    }
    if (it->scope_lo) {
        const char *path = cpol__record_text_or_empty(r, PERSON_HOME_PATH);
        if (strcmp(path, it->scope_lo) < 0 || strcmp(path, it->scope_hi) >= 0)
            return 0;
    }
    cpol__record_get_id(r, PERSON_ID, &id);
    rc = cpol__reader_hides(it->store, &it->reader, &id, &hidden);
    return rc < 0 ? rc : !hidden;
}

int cpol_person_iter_next(cpol_person_iter *it, const cpol_person **out)
{
    int rc;
    if (!it || !out)
        return cpol__null_arg("cpol_person_iter_next", !it ? "it" : "out");
    for (;;) {
        if (it->left == 0)
            return CPOL_DONE;
        rc = next_candidate(it);
        if (rc != CPOL_OK)
            return rc;
        rc = wanted(it);
        if (rc < 0)
            return rc;
        if (!rc)
            continue;
        if (!cpol__page_take(&it->skip, &it->left))
            continue;
        cpol__person_refresh(&it->current, !it->current.masked);
        *out = &it->current;
        return CPOL_OK;
    }
}

void cpol_person_iter_free(cpol_person_iter *it)
{
    if (!it)
        return;
    cpol__cursor_close(it->cursor);
    if (it->store)
        cpol__store_release(it->store);
    cpol__record_free(it->driver);
    cpol__record_free(it->current.row);
    cpol_free(it->path_lo);
    cpol_free(it->path_hi);
    cpol_free(it->scope_lo);
    cpol_free(it->scope_hi);
    cpol_free(it);
}
