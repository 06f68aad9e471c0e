/* Areas: the jurisdiction tree. Each area stores the path of ids from its
 * root, so "this area and everything below" is one range query on the path
 * (areas never move, so paths never change). */
#include <stdio.h>
#include <string.h>

#include <commpolice/area.h>

#include "util/alloc.h"
#include "domain/base/domain.h"
#include "domain/base/tables.h"

#define PATH_STEP 33 /* 32 hex digits and a '/' */

static const cpol_column_def area_columns[AREA_NCOLS] = {
    [AREA_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [AREA_STATION] = {"station_id", CPOL_COLUMN_ID, 0},
    [AREA_PARENT] = {"parent_id", CPOL_COLUMN_ID, 0},
    [AREA_KIND] = {"kind", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL | CPOL__ENUM(CPOL_AREA_BUILDING)},
    [AREA_NAME] = {"name", CPOL_COLUMN_TEXT, CPOL_COLUMN_NOTNULL},
    [AREA_DEPTH] = {"depth", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL | CPOL__ENUM(6)},
    [AREA_PATH] = {"path", CPOL_COLUMN_TEXT, CPOL_COLUMN_NOTNULL},
    [AREA_CREATED_AT] = {"created_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
};

static const cpol_index_def area_indexes[] = {
    {"area_sibling_name", 1, 2, {AREA_PARENT, AREA_NAME}},
    {"area_path", 0, 1, {AREA_PATH}},
    {"area_station", 0, 1, {AREA_STATION}},
};

const cpol_table cpol__table_area = {"area", AREA_NCOLS, area_columns,
                                     sizeof area_indexes / sizeof area_indexes[0], area_indexes, 0};

struct cpol_area {
    cpol_record *row;
    cpol_id id, parent, station;
    int has_parent, has_station;
};

/* The part of the tree an actor may read: the system actor all of it; any
 * other actor its own station or bureau, everything below, and the areas
 * above (the path to the root names nobody and every row carries it).
 * `path` is that station's or bureau's path; NULL means everything. */
typedef struct area_scope {
    char *path;
} area_scope;

struct cpol_area_iter {
    cpol_cursor *cursor;   /* children and descendants */
    cpol_area current;
    area_scope scope;
    /* ancestors: ids parsed from the path, walked upwards */
    cpol_ctx *ctx;         /* only for ancestors; the iterator holds the store */
    cpol_store *store;
    cpol_id *ancestors;
    int nancestors, next;
};

/* The depth rank of a kind: a child must rank strictly below its parent. */
static int kind_rank(int kind)
{
    switch (kind) {
    case CPOL_AREA_BUREAU: return 1;
    case CPOL_AREA_STATION: return 2;
    case CPOL_AREA_COMMUNITY:
    case CPOL_AREA_VILLAGE: return 3;
    case CPOL_AREA_GRID: return 4;
    case CPOL_AREA_COMPOUND: return 5;
    case CPOL_AREA_BUILDING: return 6;
    default: return 0;
    }
}

const char *cpol_area_kind_name(int kind)
{
    static const char *const names[] = {NULL,   "bureau", "police station", "community",
                                        "village", "grid", "compound",       "building"};
    return kind_rank(kind) ? names[kind] : "unknown";
}

static void id_hex(const cpol_id *id, char out[33])
{
    static const char digits[] = "0123456789abcdef";
    int i;
    for (i = 0; i < 16; i++) {
        out[2 * i] = digits[id->bytes[i] >> 4];
        out[2 * i + 1] = digits[id->bytes[i] & 0xF];
    }
    out[32] = '\0';
}

static int parse_hex_id(const char *s, cpol_id *out)
{
    int i;
    for (i = 0; i < 32; i++) {
        char c = s[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0)
            return 0;
        if (i % 2 == 0)
            out->bytes[i / 2] = (unsigned char)(v << 4);
        else
            out->bytes[i / 2] |= (unsigned char)v;
    }
    return 1;
}

/* A stored path is 32 lower-case hex digits per area from the root down,
 * '/'-separated, ending with the area's own id. Subtree searches compute an
 * upper bound from its last character, so a damaged path must never reach
 * them (an empty one would index before the string). */
static int check_path(const cpol_record *r, const cpol_id *area)
{
    static const char hex[] = "0123456789abcdef";
    const char *path = cpol__record_text_or_empty(r, AREA_PATH);
    size_t len = strlen(path), i;
    char id[37];
    int ok = len >= 32 && (len + 1) % 33 == 0;
    for (i = 0; ok && i < len; i++)
        ok = (i % 33 == 32) ? path[i] == '/' : strchr(hex, path[i]) != NULL && path[i] != '\0';
    for (i = 0; ok && i < 16; i++)
        ok = path[len - 32 + 2 * i] == hex[area->bytes[i] >> 4] && path[len - 31 + 2 * i] == hex[area->bytes[i] & 15];
    if (ok)
        return CPOL_OK;
    cpol__id_text(area, id);
    return cpol__error(CPOL_ECORRUPT, "table area, row %s, column path: not the path of this area (damaged, or "
                                      "edited outside the library)",
                       id);
}

int cpol__area_lookup(cpol_ctx *ctx, const cpol_id *area, cpol_id *station_out, int *has_station,
                      char **path_out, int *kind_out)
{
    cpol_record *r;
    int rc = cpol__load(ctx, &cpol__table_area, area, "area", &r);
    if (rc < 0)
        return rc;
    rc = check_path(r, area);
    if (rc < 0) {
        cpol__record_free(r);
        return rc;
    }
    *has_station = cpol__record_get_id(r, AREA_STATION, station_out);
    if (kind_out)
        *kind_out = (int)cpol__record_int(r, AREA_KIND);
    if (path_out) {
        *path_out = cpol__strdup(cpol__record_text_or_empty(r, AREA_PATH));
        if (!*path_out)
            rc = cpol__oom();
    }
    cpol__record_free(r);
    return rc;
}

/* A sibling with this name already? (roots: among roots) */
static int sibling_name_taken(cpol_ctx *ctx, const cpol_id *parent, const char *name, size_t len,
                              const cpol_id *except)
{
    cpol_query *q;
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    int rc = cpol__query_new(&cpol__table_area, &q), found = 0;
    if (rc >= 0)
        rc = parent ? cpol__query_where_id(q, AREA_PARENT, CPOL_OP_EQ, parent)
                    : cpol__query_where(q, AREA_PARENT, CPOL_OP_EQ, &(cpol_value){0});
    if (rc >= 0)
        rc = cpol__query_where_text(q, AREA_NAME, CPOL_OP_EQ, name, len);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_area, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK) {
        cpol_id id;
        cpol__record_get_id(r, AREA_ID, &id);
        if (!except || cpol_id_compare(&id, except) != 0)
            found = 1;
    }
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(q);
    if (rc < 0 && rc != CPOL_DONE)
        return rc;
    return found;
}

typedef struct create_args {
    const cpol_actor *as;
    const cpol_id *parent;
    int kind;
    const char *name;
    size_t name_len;
    cpol_id id;
} create_args;

static int create_body(cpol_ctx *ctx, void *arg)
{
    create_args *a = arg;
    cpol_record *parent = NULL, *r = NULL;
    cpol_id station;
    int has_station = 0, depth = 0, rc;
    char hex[33];
    const char *parent_path = "";
    char *path = NULL;
    size_t plen;

    if (a->parent) {
        int pkind;
        rc = cpol__load(ctx, &cpol__table_area, a->parent, "parent area", &parent);
        if (rc < 0)
            return rc;
        pkind = (int)cpol__record_int(parent, AREA_KIND);
        if (kind_rank(a->kind) <= kind_rank(pkind)) {
            rc = cpol__error(CPOL_ERULE, "a %s cannot be placed under a %s (areas go bureau > station > "
                                         "community/village > grid > compound > building)",
                             cpol_area_kind_name(a->kind), cpol_area_kind_name(pkind));
            goto done;
        }
        has_station = cpol__record_get_id(parent, AREA_STATION, &station);
        depth = (int)cpol__record_int(parent, AREA_DEPTH) + 1;
        parent_path = cpol__record_text_or_empty(parent, AREA_PATH);
    } else if (a->kind != CPOL_AREA_BUREAU && a->kind != CPOL_AREA_STATION) {
        return cpol__error(CPOL_ERULE, "a %s needs a parent area: only bureaus and stations can be roots",
                           cpol_area_kind_name(a->kind));
    }
    rc = cpol__authorize(ctx, a->as, CPOL_PERM_AREA_MANAGE, has_station ? &station : NULL);
    if (rc < 0)
        goto done;
    rc = sibling_name_taken(ctx, a->parent, a->name, a->name_len, NULL);
    if (rc > 0)
        rc = cpol__error(CPOL_EEXISTS, "an area named \"%s\" already exists there", a->name);
    if (rc < 0)
        goto done;

    cpol_id_new(ctx, &a->id);
    if (a->kind == CPOL_AREA_STATION) {
        station = a->id;
        has_station = 1;
    }
    id_hex(&a->id, hex);
    plen = strlen(parent_path);
    path = cpol_malloc(plen + PATH_STEP + 1);
    rc = cpol__record_new(&cpol__table_area, &r);
    if (!path && rc >= 0)
        rc = cpol__oom();
    if (rc < 0)
        goto done;
    memcpy(path, parent_path, plen);
    if (plen)
        path[plen++] = '/';
    memcpy(path + plen, hex, 33);
    rc = cpol__record_set_id(r, AREA_ID, &a->id);
    if (rc >= 0)
        rc = cpol__record_set_id_or_null(r, AREA_STATION, has_station ? &station : NULL);
    if (rc >= 0)
        rc = cpol__record_set_id_or_null(r, AREA_PARENT, a->parent);
    cpol__value_set_int(&r->vals[AREA_KIND], a->kind);
    if (rc >= 0 && cpol__value_set_text(&r->vals[AREA_NAME], a->name, a->name_len) < 0)
        rc = cpol__oom();
    cpol__value_set_int(&r->vals[AREA_DEPTH], depth);
    if (rc >= 0)
        rc = cpol__record_set_text0(r, AREA_PATH, path);
    cpol__value_set_int(&r->vals[AREA_CREATED_AT], cpol_ctx_now(ctx));
    if (rc >= 0)
        rc = cpol__store_insert(ctx->store, r);
    if (rc >= 0) {
        char after[CPOL_AREA_NAME_MAX + 64];
        snprintf(after, sizeof after, "%s %s", cpol_area_kind_name(a->kind), a->name);
        rc = cpol__audit(ctx, a->as, "area", &a->id, has_station ? &station : NULL, "area.create", NULL, after,
                         NULL);
    }
done:
    cpol_free(path);
    cpol__record_free(r);
    cpol__record_free(parent);
    return rc;
}

int cpol_area_create(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *parent, int kind, const char *name,
                     cpol_id *id_out)
{
    create_args a;
    int rc;
    if (!ctx || !as)
        return cpol__null_arg("cpol_area_create", !ctx ? "ctx" : "as");
    if (!kind_rank(kind))
        return cpol__error(CPOL_EINVALID, "cpol_area_create: %d is not an area kind", kind);
    rc = cpol__check_name("cpol_area_create", "name", name, CPOL_AREA_NAME_MAX, &a.name_len);
    if (rc < 0)
        return rc;
    a.as = as;
    a.parent = parent;
    a.kind = kind;
    a.name = name;
    rc = cpol__ctx_atomic(ctx, create_body, &a);
    if (rc >= 0 && id_out)
        *id_out = a.id;
    return rc;
}

typedef struct rename_args {
    const cpol_actor *as;
    const cpol_id *id;
    const char *name;
    size_t name_len;
} rename_args;

static int rename_body(cpol_ctx *ctx, void *arg)
{
    rename_args *a = arg;
    cpol_record *r;
    cpol_id station, parent;
    int has_station, has_parent, rc;
    char before[CPOL_AREA_NAME_MAX + 1];
    rc = cpol__load(ctx, &cpol__table_area, a->id, "area", &r);
    if (rc < 0)
        return rc;
    has_station = cpol__record_get_id(r, AREA_STATION, &station);
    has_parent = cpol__record_get_id(r, AREA_PARENT, &parent);
    snprintf(before, sizeof before, "%s", cpol__record_text_or_empty(r, AREA_NAME));
    rc = cpol__authorize(ctx, a->as, CPOL_PERM_AREA_MANAGE, has_station ? &station : NULL);
    if (rc >= 0) {
        rc = sibling_name_taken(ctx, has_parent ? &parent : NULL, a->name, a->name_len, a->id);
        if (rc > 0)
            rc = cpol__error(CPOL_EEXISTS, "an area named \"%s\" already exists there", a->name);
    }
    if (rc >= 0 && cpol__value_set_text(&r->vals[AREA_NAME], a->name, a->name_len) < 0)
        rc = cpol__oom();
    if (rc >= 0)
        rc = cpol__store_update(ctx->store, r);
    if (rc >= 0)
        rc = cpol__audit(ctx, a->as, "area", a->id, has_station ? &station : NULL, "area.rename", before, a->name,
                         NULL);
    cpol__record_free(r);
    return rc;
}

int cpol_area_rename(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, const char *name)
{
    rename_args a;
    int rc;
    if (!ctx || !as || !id)
        return cpol__null_arg("cpol_area_rename", !ctx ? "ctx" : !as ? "as" : "id");
    rc = cpol__check_name("cpol_area_rename", "name", name, CPOL_AREA_NAME_MAX, &a.name_len);
    if (rc < 0)
        return rc;
    a.as = as;
    a.id = id;
    a.name = name;
    return cpol__ctx_atomic(ctx, rename_body, &a);
}

/* Fix the scope of `as` (an active actor, checked here). */
static int scope_open(cpol_ctx *ctx, const cpol_actor *as, area_scope *sc)
{
    cpol_id station, bureau, unused;
    int has_station, bound = cpol__authorize_own_scope(ctx, as, CPOL__PERM_ANY, &station, &bureau);
    sc->path = NULL;
    if (bound < 0)
        return bound;
    if (as->system)
        return CPOL_OK;
    return cpol__area_lookup(ctx, bound ? &station : &bureau, &unused, &has_station, &sc->path, NULL);
}

/* 1 if the row lies in the scope: at or below its root, or above it. */
static int scope_holds(const area_scope *sc, const cpol_record *row)
{
    const char *path = cpol__record_text_or_empty(row, AREA_PATH);
    size_t n, m;
    if (!sc->path)
        return 1;
    n = strlen(path);
    m = strlen(sc->path);
    return strncmp(path, sc->path, n < m ? n : m) == 0; /* paths are whole ids: a prefix is an ancestor */
}

static int scope_refuse(void)
{
    return cpol__error(CPOL_EPERM, "the area lies outside the actor's station or bureau");
}

/* Point the snapshot's cached ids at its row. */
static void area_refresh(cpol_area *a)
{
    cpol__record_get_id(a->row, AREA_ID, &a->id);
    a->has_parent = cpol__record_get_id(a->row, AREA_PARENT, &a->parent);
    a->has_station = cpol__record_get_id(a->row, AREA_STATION, &a->station);
}

int cpol_area_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, cpol_area **out)
{
    cpol_area *a;
    area_scope sc;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !id || !out)
        return cpol__null_arg("cpol_area_get", !ctx ? "ctx" : !as ? "as" : !id ? "id" : "out");
    a = cpol__calloc(1, sizeof *a);
    if (!a)
        return cpol__oom();
    rc = scope_open(ctx, as, &sc);
    if (rc >= 0)
        rc = cpol__load(ctx, &cpol__table_area, id, "area", &a->row);
    if (rc >= 0 && !scope_holds(&sc, a->row))
        rc = scope_refuse();
    cpol_free(sc.path);
    if (rc < 0) {
        cpol__record_free(a->row);
        cpol_free(a);
        return rc;
    }
    area_refresh(a);
    *out = a;
    return CPOL_OK;
}

void cpol_area_free(cpol_area *area)
{
    if (!area)
        return;
    cpol__record_free(area->row);
    cpol_free(area);
}

const cpol_id *cpol_area_id(const cpol_area *area)
{
    return area ? &area->id : NULL;
}

int cpol_area_kind(const cpol_area *area)
{
    return area ? (int)cpol__record_int(area->row, AREA_KIND) : 0;
}

const char *cpol_area_name(const cpol_area *area)
{
    return area ? cpol__record_text_or_empty(area->row, AREA_NAME) : "";
}

const cpol_id *cpol_area_parent(const cpol_area *area)
{
    return area && area->has_parent ? &area->parent : NULL;
}

const cpol_id *cpol_area_station(const cpol_area *area)
{
    return area && area->has_station ? &area->station : NULL;
}

int cpol_area_depth(const cpol_area *area)
{
    return area ? (int)cpol__record_int(area->row, AREA_DEPTH) : 0;
}

int cpol_area_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *from, int walk, cpol_area_iter **out)
{
    cpol_area_iter *it;
    cpol_record *start = NULL;
    cpol_query *q = NULL;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !from || !out)
        return cpol__null_arg("cpol_area_iter_new", !ctx ? "ctx" : !as ? "as" : !from ? "from" : "out");
    if (walk < CPOL_AREA_WALK_ANCESTORS || walk > CPOL_AREA_WALK_DESCENDANTS)
        return cpol__error(CPOL_EINVALID, "cpol_area_iter_new: %d is not a walk", walk);
    it = cpol__calloc(1, sizeof *it);
    if (!it)
        return cpol__oom();
    rc = scope_open(ctx, as, &it->scope);
    if (rc >= 0)
        rc = cpol__load(ctx, &cpol__table_area, from, "area", &start);
    if (rc >= 0 && !scope_holds(&it->scope, start))
        rc = scope_refuse();
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_area, &it->current.row);
    if (rc >= 0 && walk == CPOL_AREA_WALK_ANCESTORS) {
        /* the path lists the ancestors root first; walk it backwards */
        const char *path = cpol__record_text_or_empty(start, AREA_PATH);
        int depth = (int)cpol__record_int(start, AREA_DEPTH), i;
        it->ancestors = cpol__calloc((size_t)(depth ? depth : 1), sizeof *it->ancestors);
        if (!it->ancestors)
            rc = cpol__oom();
        for (i = 0; rc >= 0 && i < depth; i++)
            if (strlen(path) < (size_t)(i + 1) * PATH_STEP || !parse_hex_id(path + i * PATH_STEP, &it->ancestors[depth - 1 - i]))
                rc = cpol__error(CPOL_ECORRUPT, "area path \"%.80s\" is malformed", path);
        it->nancestors = depth;
        it->store = ctx->store;
        cpol__store_retain(ctx->store);
    } else if (rc >= 0) {
        rc = cpol__query_new(&cpol__table_area, &q);
        if (rc >= 0 && walk == CPOL_AREA_WALK_CHILDREN) {
            rc = cpol__query_where_id(q, AREA_PARENT, CPOL_OP_EQ, from);
        } else if (rc >= 0) {
            /* strictly below: path > own path + "/" and < own path + "0" */
            const char *path = cpol__record_text_or_empty(start, AREA_PATH);
            size_t len = strlen(path);
            char *lo = cpol_malloc(len + 2), *hi = cpol_malloc(len + 2);
            if (!lo || !hi) {
                rc = cpol__oom();
            } else {
                memcpy(lo, path, len);
                memcpy(hi, path, len);
                lo[len] = '/';
                hi[len] = '0';
                rc = cpol__query_where_text(q, AREA_PATH, CPOL_OP_GT, lo, len + 1);
                if (rc >= 0)
                    rc = cpol__query_where_text(q, AREA_PATH, CPOL_OP_LT, hi, len + 1);
                cpol__query_order(q, AREA_PATH, 0);
            }
            cpol_free(lo);
            cpol_free(hi);
        }
        if (rc >= 0)
            rc = cpol__cursor_open(ctx->store, q, &it->cursor);
    }
    cpol__record_free(start);
    cpol__query_free(q);
    if (rc < 0) {
        cpol_area_iter_free(it);
        return rc;
    }
    *out = it;
    return CPOL_OK;
}

static int next_row(cpol_area_iter *it);

int cpol_area_iter_next(cpol_area_iter *it, const cpol_area **out)
{
    int rc;
    if (!it || !out)
        return cpol__null_arg("cpol_area_iter_next", !it ? "it" : "out");
    do
        rc = next_row(it);
    while (rc == CPOL_OK && !scope_holds(&it->scope, it->current.row)); /* a bureau's other stations */
    if (rc != CPOL_OK)
        return rc;
    area_refresh(&it->current);
    *out = &it->current;
    return CPOL_OK;
}

static int next_row(cpol_area_iter *it)
{
    int rc;
    if (it->cursor) {
        rc = cpol__cursor_next(it->cursor, it->current.row);
    } else {
        if (it->next >= it->nancestors)
            return CPOL_DONE;
        cpol__record_reset(it->current.row);
        rc = cpol__record_set_id(it->current.row, AREA_ID, &it->ancestors[it->next++]);
        if (rc >= 0)
            rc = cpol__store_get(it->store, it->current.row);
        if (rc == CPOL_ENOTFOUND)
            rc = cpol__error(CPOL_ECORRUPT, "an ancestor area on the path is missing");
    }
    return rc;
}

void cpol_area_iter_free(cpol_area_iter *it)
{
    if (!it)
        return;
    cpol__cursor_close(it->cursor);
    if (it->store)
        cpol__store_release(it->store);
    cpol__record_free(it->current.row);
    cpol_free(it->scope.path);
    cpol_free(it->ancestors);
    cpol_free(it);
}
