/* Patrols and activities: reading shifts and sign-ups, and a person's
 * activity time. */
#include <string.h>

#include <commpolice/activity.h>

#include "util/alloc.h"
#include "domain/base/domain.h"
#include "domain/base/snapshot.h"
#include "domain/base/tables.h"
#include "domain/activity/activity_tables.h"

struct cpol_shift {
    cpol_record *row;
    cpol_id id, station, area, team;
    int has_team;
    int64_t taken;
};

struct cpol_shift_iter {
    cpol__snapshot_iter base;
    cpol_shift current;
};

struct cpol_signup {
    cpol_record *row;
    cpol_id id, shift, person;
};

struct cpol_signup_iter {
    cpol__snapshot_iter base;
    cpol_signup current;
};

/* ---- shifts ---- */

static int shift_refresh(cpol_store *store, void *snap)
{
    cpol_shift *s = snap;
    cpol__record_get_id(s->row, SHIFT_ID, &s->id);
    cpol__record_get_id(s->row, SHIFT_STATION, &s->station);
    cpol__record_get_id(s->row, SHIFT_AREA, &s->area);
    s->has_team = cpol__record_get_id(s->row, SHIFT_TEAM, &s->team);
    return cpol__shift_places_taken(store, &s->id, &s->taken);
}

int cpol_shift_get(cpol_ctx *ctx, const cpol_id *id, cpol_shift **out)
{
    void *snap;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !id || !out)
        return cpol__null_arg("cpol_shift_get", !ctx ? "ctx" : !id ? "id" : "out");
    rc = cpol__snapshot_get(ctx, &cpol__table_shift, id, "shift", sizeof(cpol_shift), shift_refresh, &snap);
    *out = snap;
    return rc;
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
int32_t cpol_shift_capacity(const cpol_shift *s) { return s ? (int32_t)cpol__record_int(s->row, SHIFT_CAPACITY) : 0; }
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

int cpol_shift_iter_new(cpol_ctx *ctx, const cpol_shift_filter *filter, cpol_shift_iter **out)
{
    cpol_shift_filter f = CPOL_SHIFT_FILTER_INIT;
    cpol_query *q = NULL;
    void *it = NULL;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !out)
        return cpol__null_arg("cpol_shift_iter_new", !ctx ? "ctx" : "out");
    if (filter)
        f = *filter;
    rc = check_filter(&f);
    if (rc >= 0)
        rc = cpol__query_new(&cpol__table_shift, &q);
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

int cpol_signup_get(cpol_ctx *ctx, const cpol_id *id, cpol_signup **out)
{
    void *snap;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !id || !out)
        return cpol__null_arg("cpol_signup_get", !ctx ? "ctx" : !id ? "id" : "out");
    rc = cpol__snapshot_get(ctx, &cpol__table_signup, id, "sign-up", sizeof(cpol_signup), signup_refresh, &snap);
    *out = snap;
    return rc;
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

int cpol_signup_iter_new(cpol_ctx *ctx, const cpol_signup_filter *filter, cpol_signup_iter **out)
{
    cpol_signup_filter f = CPOL_SIGNUP_FILTER_INIT;
    cpol_query *q = NULL;
    void *it = NULL;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !out)
        return cpol__null_arg("cpol_signup_iter_new", !ctx ? "ctx" : "out");
    if (filter)
        f = *filter;
    rc = check_signup_filter(&f);
    if (rc >= 0)
        rc = cpol__query_new(&cpol__table_signup, &q);
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
        cpol__query_page(q, f.offset, f.limit ? f.limit : -1);
        rc = cpol__snapshot_iter_new(ctx, q, sizeof(cpol_signup_iter), offsetof(cpol_signup_iter, current),
                                     signup_refresh, &it);
    }
    cpol__query_free(q);
    *out = it;
    return rc;
}

int cpol_signup_iter_next(cpol_signup_iter *it, const cpol_signup **out)
{
    int rc;
    if (!it || !out)
        return cpol__null_arg("cpol_signup_iter_next", !it ? "it" : "out");
    rc = cpol__snapshot_iter_next(it);
    if (rc == CPOL_OK)
        *out = &it->current;
    return rc;
}

void cpol_signup_iter_free(cpol_signup_iter *it) { cpol__snapshot_iter_free(it); }

int cpol_activity_minutes(cpol_ctx *ctx, const cpol_id *person, int kind, cpol_time from, cpol_time to,
                          int64_t *minutes_out)
{
    cpol_query *q = NULL;
    int rc;
    if (!ctx || !person || !minutes_out)
        return cpol__null_arg("cpol_activity_minutes", !ctx ? "ctx" : !person ? "person" : "minutes_out");
    *minutes_out = 0;
    if (kind < 0 || kind > CPOL_SHIFT_OTHER)
        return cpol__error(CPOL_EINVALID, "cpol_activity_minutes: %d is not a shift kind", kind);
    rc = cpol__check_time_range("cpol_activity_minutes", from, to);
    if (rc >= 0)
        rc = cpol__person_exists(ctx, person);
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
