/* Patrols and activities: reading shifts and sign-ups, and a person's
 * activity time. */
#include <string.h>

#include <commpolice/activity.h>

#include "util/versioned.h"
#include "util/alloc.h"
#include "domain/base/domain.h"
#include "domain/base/snapshot.h"
#include "domain/base/tables.h"
#include "domain/activity/activity_tables.h"

struct cpol_shift {
    cpol_record *row;
    cpol_id id, station, area, team;
    int has_team;
    int64_t taken, capacity;  /* as the reader sees them (see activity.h) */
    cpol__reader *reader;     /* who reads; NULL until known */
};

struct cpol_shift_iter {
    cpol__snapshot_iter base;
    cpol_shift current;
    cpol__reader reader;
};

struct cpol_signup {
    cpol_record *row;
    cpol_id id, shift, person;
};

struct cpol_signup_iter {
    cpol__snapshot_iter base;
    cpol_signup current;
    cpol__reader reader;
    int64_t skip, left;       /* paging over the listed rows only (-1: no limit) */
};

/* ---- shifts ---- */

/* The places a reader sees: those held by people hidden from it are taken
 * off both the count and the capacity, so the two still tell the places free. */
static int shift_places(cpol_store *store, cpol_shift *s)
{
    int64_t hidden = 0;
    int rc = cpol__shift_places_taken(store, &s->id, &s->taken);
    if (rc >= 0)
        rc = cpol__shift_places_hidden(store, s->reader, &s->id, &hidden);
    s->taken -= hidden;
    s->capacity = cpol__record_int(s->row, SHIFT_CAPACITY) - hidden;
    return rc;
}

static int shift_refresh(cpol_store *store, void *snap)
{
    cpol_shift *s = snap;
    cpol__record_get_id(s->row, SHIFT_ID, &s->id);
    cpol__record_get_id(s->row, SHIFT_STATION, &s->station);
    cpol__record_get_id(s->row, SHIFT_AREA, &s->area);
    s->has_team = cpol__record_get_id(s->row, SHIFT_TEAM, &s->team);
    return s->reader ? shift_places(store, s) : CPOL_OK;
}

int cpol_shift_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, cpol_shift **out)
{
    cpol__reader reader;
    cpol_shift *s;
    void *snap;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !id || !out)
        return cpol__null_arg("cpol_shift_get", !ctx ? "ctx" : !as ? "as" : !id ? "id" : "out");
    rc = cpol__snapshot_get(ctx, &cpol__table_shift, id, "shift", sizeof(cpol_shift), shift_refresh, &snap);
    if (rc < 0)
        return rc;
    s = snap;
    rc = cpol__authorize(ctx, as, CPOL__PERM_ANY, &s->station);
    if (rc >= 0)
        rc = cpol__reader_open(ctx, as, &reader);
    if (rc >= 0) {
        s->reader = &reader;
        rc = shift_places(ctx->store, s);
        s->reader = NULL; /* the counts are fixed; the reader does not outlive this call */
    }
    if (rc < 0) {
        cpol__snapshot_free(snap);
        return rc;
    }
    *out = s;
    return CPOL_OK;
}

void cpol_shift_free(cpol_shift *s) { cpol__snapshot_free(s); }
const cpol_id *cpol_shift_id(const cpol_shift *s) { return s ? &s->id : NULL; }
const cpol_id *cpol_shift_station(const cpol_shift *s) { return s ? &s->station : NULL; }
const cpol_id *cpol_shift_area(const cpol_shift *s) { return s ? &s->area : NULL; }
const cpol_id *cpol_shift_team(const cpol_shift *s) { return s && s->has_team ? &s->team : NULL; }
int cpol_shift_kind(const cpol_shift *s) { return s ? (int)cpol__record_int(s->row, SHIFT_KIND) : 0; }
const char *cpol_shift_title(const cpol_shift *s) { return s ? cpol__record_text_or_empty(s->row, SHIFT_TITLE) : ""; }
cpol_time cpol_shift_starts_at(const cpol_shift *s) { return s ? cpol__record_int(s->row, SHIFT_STARTS_AT) : 0; }
cpol_time cpol_shift_ends_at(const cpol_shift *s) { return s ? cpol__record_int(s->row, SHIFT_ENDS_AT) : 0; }
int32_t cpol_shift_capacity(const cpol_shift *s) { return s ? (int32_t)s->capacity : 0; }
int cpol_shift_status(const cpol_shift *s) { return s ? (int)cpol__record_int(s->row, SHIFT_STATUS) : 0; }
int64_t cpol_shift_signed_up(const cpol_shift *s) { return s ? s->taken : 0; }
cpol_time cpol_shift_closed_at(const cpol_shift *s) { return s ? cpol__record_int(s->row, SHIFT_CLOSED_AT) : 0; }

int64_t cpol_shift_audience(const cpol_shift *s)
{
    if (!s || s->row->vals[SHIFT_AUDIENCE].type == CPOL_VALUE_NULL)
        return -1;
    return cpol__record_int(s->row, SHIFT_AUDIENCE);
}

/* Shifts at an area or below: area_path in [path, path + "0"), as '/' < '0'. */
static int where_subtree(cpol_ctx *ctx, cpol_query *q, const cpol_id *area)
{
    cpol_id station;
    int has_station;
    char *path = NULL, *hi = NULL;
    size_t len;
    int rc = cpol__area_lookup(ctx, area, &station, &has_station, &path, NULL);
    if (rc < 0)
        return rc;
    len = strlen(path);
    hi = cpol_malloc(len + 2);
    if (!hi) {
        rc = cpol__oom();
    } else {
        memcpy(hi, path, len);
        hi[len] = '0';
        hi[len + 1] = '\0';
        rc = cpol__query_where_text(q, SHIFT_AREA_PATH, CPOL_OP_GE, path, len);
        if (rc >= 0)
            rc = cpol__query_where_text(q, SHIFT_AREA_PATH, CPOL_OP_LT, hi, len + 1);
    }
    cpol_free(hi);
    cpol_free(path);
    return rc;
}

static int check_filter(const cpol_shift_filter *f)
{
    static const char func[] = "cpol_shift_iter_new";
    if (f->version == 0 || f->version > CPOL_SHIFT_FILTER_VERSION)
        return cpol__error(CPOL_EVERSION, "%s: filter version %u is not supported", func, f->version);
    if (f->kind < 0 || f->kind > CPOL_SHIFT_OTHER)
        return cpol__error(CPOL_EINVALID, "%s: %d is not a shift kind", func, (int)f->kind);
    if (f->offset < 0 || f->limit < 0)
        return cpol__error(CPOL_EINVALID, "%s: offset and limit must not be negative", func);
    return cpol__check_time_range(func, f->from, f->to);
}

int cpol_shift_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_shift_filter *filter, cpol_shift_iter **out)
{
    cpol_shift_filter f = CPOL_SHIFT_FILTER_INIT;
    cpol_query *q = NULL;
    cpol_id station;
    void *it = NULL;
    int rc, bound = 0;
    if (out)
        *out = NULL;
    if (!ctx || !as || !out)
        return cpol__null_arg("cpol_shift_iter_new", !ctx ? "ctx" : !as ? "as" : "out");
    if (filter && (rc = cpol__take_versioned(&f, filter, CPOL__SIZES_V1(cpol_shift_filter), CPOL_SHIFT_FILTER_VERSION,
                                             "cpol_shift_iter_new", "filter")) < 0)
        return rc;
    rc = check_filter(&f);
    if (rc >= 0)
        rc = bound = cpol__listing_scope(ctx, as, CPOL__PERM_ANY, &station);
    if (rc >= 0)
        rc = cpol__query_new(&cpol__table_shift, &q);
    if (rc >= 0 && bound)
        rc = cpol__query_where_id(q, SHIFT_STATION, CPOL_OP_EQ, &station);
    if (rc >= 0 && f.area)
        rc = where_subtree(ctx, q, f.area);
    if (rc >= 0 && f.team)
        rc = cpol__query_where_id(q, SHIFT_TEAM, CPOL_OP_EQ, f.team);
    if (rc >= 0 && f.kind)
        rc = cpol__query_where_int(q, SHIFT_KIND, CPOL_OP_EQ, f.kind);
    if (rc >= 0)
        rc = cpol__query_where_range(q, SHIFT_STARTS_AT, f.from, f.to);
    if (rc >= 0) {
        cpol__query_order(q, SHIFT_STARTS_AT, 0);
        cpol__query_page(q, f.offset, f.limit ? f.limit : -1);
        rc = cpol__snapshot_iter_new(ctx, q, sizeof(cpol_shift_iter), offsetof(cpol_shift_iter, current),
                                     shift_refresh, &it);
    }
    cpol__query_free(q);
    if (rc >= 0) {
        cpol_shift_iter *si = it;
        rc = cpol__reader_open(ctx, as, &si->reader);
        si->current.reader = &si->reader;
    }
    if (rc < 0) {
        cpol__snapshot_iter_free(it);
        return rc;
    }
    *out = it;
    return rc;
}

int cpol_shift_iter_next(cpol_shift_iter *it, const cpol_shift **out)
{
    int rc;
    if (!it || !out)
        return cpol__null_arg("cpol_shift_iter_next", !it ? "it" : "out");
    rc = cpol__snapshot_iter_next(it);
    if (rc == CPOL_OK)
        *out = &it->current;
    return rc;
}

void cpol_shift_iter_free(cpol_shift_iter *it) { cpol__snapshot_iter_free(it); }

/* ---- sign-ups ---- */

static int signup_refresh(cpol_store *store, void *snap)
{
    cpol_signup *s = snap;
    (void)store;
    cpol__record_get_id(s->row, SIGNUP_ID, &s->id);
    cpol__record_get_id(s->row, SIGNUP_SHIFT, &s->shift);
    cpol__record_get_id(s->row, SIGNUP_PERSON, &s->person);
    return CPOL_OK;
}

int cpol_signup_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, cpol_signup **out)
{
    cpol_signup *s;
    cpol_id station;
    void *snap;
    int hidden, rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !id || !out)
        return cpol__null_arg("cpol_signup_get", !ctx ? "ctx" : !as ? "as" : !id ? "id" : "out");
    rc = cpol__snapshot_get(ctx, &cpol__table_signup, id, "sign-up", sizeof(cpol_signup), signup_refresh, &snap);
    if (rc < 0)
        return rc;
    s = snap;
    cpol__record_get_id(s->row, SIGNUP_STATION, &station);
    rc = cpol__person_hidden(ctx, as, &s->person, &hidden);
    if (rc >= 0 && hidden)
        rc = cpol__not_found("sign-up", id);
    else if (rc >= 0 && (as->system || cpol_id_compare(&as->person, &s->person) != 0))
        rc = cpol__authorize(ctx, as, CPOL_PERM_PERSON_VIEW, &station);
    if (rc < 0) {
        cpol__snapshot_free(snap);
        return rc;
    }
    *out = s;
    return CPOL_OK;
}

void cpol_signup_free(cpol_signup *s) { cpol__snapshot_free(s); }
const cpol_id *cpol_signup_id(const cpol_signup *s) { return s ? &s->id : NULL; }
const cpol_id *cpol_signup_shift(const cpol_signup *s) { return s ? &s->shift : NULL; }
const cpol_id *cpol_signup_person(const cpol_signup *s) { return s ? &s->person : NULL; }
int cpol_signup_status(const cpol_signup *s) { return s ? (int)cpol__record_int(s->row, SIGNUP_STATUS) : 0; }
cpol_time cpol_signup_signed_up_at(const cpol_signup *s) { return s ? cpol__record_int(s->row, SIGNUP_SIGNED_UP_AT) : 0; }
cpol_time cpol_signup_checked_in_at(const cpol_signup *s) { return s ? cpol__record_int(s->row, SIGNUP_CHECKED_IN_AT) : 0; }
cpol_time cpol_signup_completed_at(const cpol_signup *s) { return s ? cpol__record_int(s->row, SIGNUP_COMPLETED_AT) : 0; }
int32_t cpol_signup_minutes(const cpol_signup *s) { return s ? (int32_t)cpol__record_int(s->row, SIGNUP_MINUTES) : 0; }

static int check_signup_filter(const cpol_signup_filter *f)
{
    static const char func[] = "cpol_signup_iter_new";
    if (f->version == 0 || f->version > CPOL_SIGNUP_FILTER_VERSION)
        return cpol__error(CPOL_EVERSION, "%s: filter version %u is not supported", func, f->version);
    if (f->status < 0 || f->status > CPOL_SIGNUP_CANCELLED)
        return cpol__error(CPOL_EINVALID, "%s: %d is not a sign-up state", func, (int)f->status);
    if (f->offset < 0 || f->limit < 0)
        return cpol__error(CPOL_EINVALID, "%s: offset and limit must not be negative", func);
    return cpol__check_time_range(func, f->from, f->to);
}

/* Who may list sign-ups: anyone their own (needing nothing more, as for
 * their file), else person.view; 1 and *station when bound to one station. */
static int signup_scope(cpol_ctx *ctx, const cpol_actor *as, const cpol_signup_filter *f, cpol_id *station)
{
    if (f->person && !as->system && cpol_id_compare(f->person, &as->person) == 0)
        return 0;
    return cpol__listing_scope(ctx, as, CPOL_PERM_PERSON_VIEW, station);
}

int cpol_signup_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_signup_filter *filter,
                         cpol_signup_iter **out)
{
    cpol_signup_filter f = CPOL_SIGNUP_FILTER_INIT;
    cpol__reader reader;
    cpol_query *q = NULL;
    cpol_id station;
    void *it = NULL;
    int rc, bound = 0;
    if (out)
        *out = NULL;
    if (!ctx || !as || !out)
        return cpol__null_arg("cpol_signup_iter_new", !ctx ? "ctx" : !as ? "as" : "out");
    if (filter && (rc = cpol__take_versioned(&f, filter, CPOL__SIZES_V1(cpol_signup_filter),
                                             CPOL_SIGNUP_FILTER_VERSION, "cpol_signup_iter_new", "filter")) < 0)
        return rc;
    rc = check_signup_filter(&f);
    if (rc >= 0)
        rc = bound = signup_scope(ctx, as, &f, &station);
    if (rc >= 0)
        rc = cpol__reader_open(ctx, as, &reader);
    if (rc >= 0)
        rc = cpol__query_new(&cpol__table_signup, &q);
    if (rc >= 0 && bound)
        rc = cpol__query_where_id(q, SIGNUP_STATION, CPOL_OP_EQ, &station);
    if (rc >= 0 && f.shift)
        rc = cpol__query_where_id(q, SIGNUP_SHIFT, CPOL_OP_EQ, f.shift);
    if (rc >= 0 && f.person)
        rc = cpol__query_where_id(q, SIGNUP_PERSON, CPOL_OP_EQ, f.person);
    if (rc >= 0 && f.status)
        rc = cpol__query_where_int(q, SIGNUP_STATUS, CPOL_OP_EQ, f.status);
    if (rc >= 0)
        rc = cpol__query_where_range(q, SIGNUP_STARTS_AT, f.from, f.to);
    if (rc >= 0) {
        cpol__query_order(q, SIGNUP_STARTS_AT, 0);
        /* a reader who cannot see everyone pages over what it is shown,
         * or the gaps would count the hidden rows */
        if (reader.cleared)
            cpol__query_page(q, f.offset, f.limit ? f.limit : -1);
        rc = cpol__snapshot_iter_new(ctx, q, sizeof(cpol_signup_iter), offsetof(cpol_signup_iter, current),
                                     signup_refresh, &it);
    }
    cpol__query_free(q);
    if (rc >= 0) {
        cpol_signup_iter *si = it;
        si->reader = reader;
        si->skip = reader.cleared ? 0 : f.offset;
        si->left = reader.cleared || !f.limit ? -1 : f.limit;
    }
    *out = it;
    return rc;
}

int cpol_signup_iter_next(cpol_signup_iter *it, const cpol_signup **out)
{
    int hidden = 1, rc = CPOL_OK;
    if (!it || !out)
        return cpol__null_arg("cpol_signup_iter_next", !it ? "it" : "out");
    if (it->left == 0)
        return CPOL_DONE;
    while (rc == CPOL_OK && (hidden || it->skip > 0)) {
        if (!hidden)
            it->skip--;
        rc = cpol__snapshot_iter_next(it);
        if (rc == CPOL_OK)
            rc = cpol__reader_hides(it->base.store, &it->reader, &it->current.person, &hidden);
    }
    if (rc != CPOL_OK)
        return rc;
    if (it->left > 0)
        it->left--;
    *out = &it->current;
    return CPOL_OK;
}

void cpol_signup_iter_free(cpol_signup_iter *it) { cpol__snapshot_iter_free(it); }

int cpol_activity_minutes(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int kind, cpol_time from,
                          cpol_time to, int64_t *minutes_out)
{
    cpol_query *q = NULL;
    int rc;
    if (!ctx || !as || !person || !minutes_out)
        return cpol__null_arg("cpol_activity_minutes",
                              !ctx ? "ctx" : !as ? "as" : !person ? "person" : "minutes_out");
    *minutes_out = 0;
    if (kind < 0 || kind > CPOL_SHIFT_OTHER)
        return cpol__error(CPOL_EINVALID, "cpol_activity_minutes: %d is not a shift kind", kind);
    rc = cpol__check_time_range("cpol_activity_minutes", from, to);
    if (rc >= 0)
        rc = cpol__authorize_person_read(ctx, as, person, CPOL_PERM_PERSON_VIEW);
    if (rc >= 0)
        rc = cpol__query_new(&cpol__table_signup, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, SIGNUP_PERSON, CPOL_OP_EQ, person);
    if (rc >= 0)
        rc = cpol__query_where_int(q, SIGNUP_STATUS, CPOL_OP_EQ, CPOL_SIGNUP_COMPLETED);
    if (rc >= 0 && kind)
        rc = cpol__query_where_int(q, SIGNUP_KIND, CPOL_OP_EQ, kind);
    if (rc >= 0)
        rc = cpol__query_where_range(q, SIGNUP_STARTS_AT, from, to);
    return cpol__sum_rows(ctx, q, rc, SIGNUP_MINUTES, minutes_out);
}
