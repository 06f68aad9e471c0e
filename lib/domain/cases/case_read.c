/* Reading cases: snapshots, listings and a case's history, with the reporter
 * of a protected case (informant tips, confidential reports) hidden from
 * every reader who is not cleared (docs/permissions.md) and not the
 * reporter, and every field that names a covert person (reporter, handler,
 * an event's actor or subject) blanked for such a reader. The reader is
 * fixed when the snapshot or listing is made (domain/base/reader.h). */
#include <stddef.h>
#include <string.h>

#include <commpolice/case.h>

#include "util/versioned.h"
#include "util/alloc.h"
#include "domain/cases/case_tables.h"
#include "domain/base/domain.h"
#include "domain/base/snapshot.h"
#include "domain/base/tables.h"
#include "domain/teams/team_tables.h"

struct cpol_case {
    cpol_record *row;      /* first member: see snapshot.h */
    cpol_id id, station, area, handler, team, reporter, duplicate_of;
    int has_handler, has_team, has_reporter, has_duplicate;
    int masked;            /* the reporter is hidden from this reader */
    int confidential;      /* as this reader sees it (see case_refresh()) */
    cpol__case_reader reader;   /* who reads, fixed when the snapshot or listing was made */
};

struct cpol_case_iter {
    cpol__snapshot_iter base;
    cpol_case current;
};

struct cpol_case_event {
    cpol_record *row;      /* first member: see snapshot.h */
    cpol_id id, actor, subject;
    int has_actor;         /* 1 shown, 0 none, -1 hidden (its role hidden too) */
    int has_subject;
    int hide_reporter;     /* set by the iterator: the reader may not see who reported */
    cpol_id reporter;
    int has_reporter;
    cpol__case_reader reader;
};

struct cpol_case_event_iter {
    cpol__snapshot_iter base;
    cpol_case_event current;
};

/* ---- access ---- */

int cpol__case_may_read(cpol_ctx *ctx, const cpol_actor *as, const cpol_record *row)
{
    cpol_id station;
    int own = cpol__case_is_reporter(as, row) || cpol__case_is_handler(as, row);
    cpol__record_get_id(row, CASE_STATION, &station);
    /* one's own case needs no case.view, but still a role that works now */
    return cpol__authorize(ctx, as, own ? CPOL__PERM_ANY : CPOL_PERM_CASE_VIEW, &station);
}

int cpol__case_reader_open(cpol_ctx *ctx, const cpol_actor *as, cpol__case_reader *r)
{
    int rc = cpol__reader_open(ctx, as, &r->hides);
    r->cleared = r->hides.cleared;
    r->has_self = as && !as->system;
    if (r->has_self)
        r->self = as->person;
    return rc;
}

int cpol__case_reader_hides(cpol_store *store, cpol__case_reader *r, const cpol_id *person, int *hidden)
{
    return cpol__reader_hides(store, &r->hides, person, hidden);
}

int cpol__case_reporter_masked(cpol_store *store, cpol__case_reader *r, const cpol_record *row, int *masked)
{
    cpol_id reporter;
    int hidden = 0, rc = CPOL_OK;
    int has = cpol__record_get_id(row, CASE_REPORTER, &reporter);
    *masked = 0;
    if (has && r->has_self && cpol_id_compare(&reporter, &r->self) == 0)
        return CPOL_OK;
    if (has)
        rc = cpol__case_reader_hides(store, r, &reporter, &hidden);
    *masked = hidden || (cpol__record_int(row, CASE_CONFIDENTIAL) && !r->cleared);
    return rc;
}

int cpol__case_check_named(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, const char *what)
{
    int hidden, rc = cpol__person_hidden(ctx, as, person, &hidden);
    if (rc >= 0 && hidden)
        rc = cpol__not_found(what, person);
    return rc;
}

/* ---- snapshots ---- */

static int case_refresh(cpol_store *store, void *snap)
{
    cpol_case *c = snap;
    int hidden = 0, rc;
    cpol__record_get_id(c->row, CASE_ID, &c->id);
    cpol__record_get_id(c->row, CASE_STATION, &c->station);
    cpol__record_get_id(c->row, CASE_AREA, &c->area);
    c->has_handler = cpol__record_get_id(c->row, CASE_HANDLER, &c->handler);
    c->has_team = cpol__record_get_id(c->row, CASE_TEAM, &c->team);
    c->has_reporter = cpol__record_get_id(c->row, CASE_REPORTER, &c->reporter);
    c->has_duplicate = cpol__record_get_id(c->row, CASE_DUPLICATE_OF, &c->duplicate_of);
    rc = cpol__case_reporter_masked(store, &c->reader, c->row, &c->masked);
    /* a covert reporter of a case not marked confidential reads as a
     * confidential report: a masked reporter on an ordinary case would say
     * that its reporter is an informant */
    c->confidential = (int)cpol__record_int(c->row, CASE_CONFIDENTIAL) || c->masked;
    if (rc >= 0 && c->has_handler) /* an informant handling on the spot */
        rc = cpol__case_reader_hides(store, &c->reader, &c->handler, &hidden);
    if (hidden)
        c->has_handler = 0;
    return rc;
}

int cpol_case_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, cpol_case **out)
{
    cpol_case *c;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !id || !out)
        return cpol__null_arg("cpol_case_get", !ctx ? "ctx" : !as ? "as" : !id ? "id" : "out");
    c = cpol__calloc(1, sizeof *c);
    if (!c)
        return cpol__oom();
    rc = cpol__case_load(ctx, id, &c->row);
    if (rc >= 0)
        rc = cpol__case_may_read(ctx, as, c->row);
    if (rc >= 0)
        rc = cpol__case_reader_open(ctx, as, &c->reader);
    if (rc >= 0)
        rc = case_refresh(ctx->store, c);
    if (rc < 0) {
        cpol_case_free(c);
        return rc;
    }
    *out = c;
    return CPOL_OK;
}

void cpol_case_free(cpol_case *c)
{
    cpol__snapshot_free(c);
}

#define GET_ID(name, field) \
    const cpol_id *cpol_case_##name(const cpol_case *c) { return c ? &c->field : NULL; }
#define GET_OPT_ID(name, field, flag) \
    const cpol_id *cpol_case_##name(const cpol_case *c) { return c && c->flag ? &c->field : NULL; }
#define GET_INT(name, col) \
    int cpol_case_##name(const cpol_case *c) { return c ? (int)cpol__record_int(c->row, col) : 0; }
#define GET_TIME(name, col) \
    cpol_time cpol_case_##name(const cpol_case *c) { return c ? cpol__record_int(c->row, col) : 0; }

GET_ID(id, id)
GET_ID(station, station)
GET_ID(area, area)
GET_OPT_ID(handler, handler, has_handler)
GET_OPT_ID(team, team, has_team)
GET_OPT_ID(duplicate_of, duplicate_of, has_duplicate)
GET_INT(source, CASE_SOURCE)
GET_INT(category, CASE_CATEGORY)
GET_INT(state, CASE_STATE)
GET_INT(risk_grade, CASE_RISK_GRADE)
GET_INT(tier, CASE_TIER)
GET_INT(outcome, CASE_OUTCOME)
GET_INT(satisfaction, CASE_SATISFACTION)
GET_TIME(reported_at, CASE_REPORTED_AT)
GET_TIME(resolved_at, CASE_RESOLVED_AT)
GET_TIME(closed_at, CASE_CLOSED_AT)
GET_TIME(updated_at, CASE_UPDATED_AT)

const cpol_id *cpol_case_reporter(const cpol_case *c)
{
    return c && c->has_reporter && !c->masked ? &c->reporter : NULL;
}

const char *cpol_case_reporter_name(const cpol_case *c)
{
    return c && !c->masked ? cpol__record_text_or_empty(c->row, CASE_REPORTER_NAME) : "";
}

int cpol_case_reporter_masked(const cpol_case *c)
{
    return c ? c->masked : 0;
}

int cpol_case_confidential(const cpol_case *c)
{
    return c ? c->confidential : 0;
}

const char *cpol_case_address(const cpol_case *c)
{
    return c ? cpol__record_text_or_empty(c->row, CASE_ADDRESS) : "";
}

const char *cpol_case_description(const cpol_case *c)
{
    return c ? cpol__record_text_or_empty(c->row, CASE_DESCRIPTION) : "";
}

int cpol_case_has_location(const cpol_case *c)
{
    return c && c->row->vals[CASE_LATITUDE].type == CPOL_VALUE_REAL;
}

double cpol_case_latitude(const cpol_case *c)
{
    return cpol_case_has_location(c) ? c->row->vals[CASE_LATITUDE].u.r : 0.0;
}

double cpol_case_longitude(const cpol_case *c)
{
    return cpol_case_has_location(c) ? c->row->vals[CASE_LONGITUDE].u.r : 0.0;
}

int32_t cpol_case_reopen_count(const cpol_case *c)
{
    return c ? (int32_t)cpol__record_int(c->row, CASE_REOPEN_COUNT) : 0;
}

/* ---- listing ---- */

int cpol__case_subtree(cpol_ctx *ctx, const cpol_id *area, char **lo, char **hi)
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

int cpol__case_area_scope(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *area, const char *what,
                          cpol_id *station_out)
{
    int has_station, rc = cpol__area_lookup(ctx, area, station_out, &has_station, NULL, NULL);
    if (rc >= 0 && !has_station)
        rc = cpol__error(CPOL_ERULE, "%s works within a police station; the area lies under none", what);
    if (rc >= 0)
        rc = cpol__authorize(ctx, as, CPOL_PERM_CASE_VIEW, station_out);
    return rc;
}

int cpol__case_area_query(cpol_ctx *ctx, const cpol_id *area, cpol_time from, cpol_time to, cpol_query **out)
{
    char *lo = NULL, *hi = NULL;
    int rc = area ? cpol__case_subtree(ctx, area, &lo, &hi) : CPOL_OK;
    *out = NULL;
    if (rc >= 0)
        rc = cpol__query_new(&cpol__table_case, out);
    if (rc >= 0 && lo) {
        rc = cpol__query_where_text(*out, CASE_AREA_PATH, CPOL_OP_GE, lo, strlen(lo));
        if (rc >= 0)
            rc = cpol__query_where_text(*out, CASE_AREA_PATH, CPOL_OP_LT, hi, strlen(hi));
    }
    if (rc >= 0)
        rc = cpol__query_where_range(*out, CASE_REPORTED_AT, from, to);
    cpol_free(lo);
    cpol_free(hi);
    if (rc < 0) {
        cpol__query_free(*out);
        *out = NULL;
    }
    return rc;
}

int cpol__case_take_filter(const char *func, const cpol_case_filter *in, cpol_case_filter *f)
{
    int rc = cpol__take_versioned(f, in, CPOL__SIZES_V1(cpol_case_filter), CPOL_CASE_FILTER_VERSION, func, "filter");
    if (rc < 0)
        return rc;
    if (f->state < 0 || f->state > CPOL_CASE_REJECTED || f->category < 0 || f->category > CPOL_CASE_NON_POLICE ||
        f->offset < 0 || f->limit < 0)
        return cpol__error(CPOL_EINVALID, "%s: a filter value is out of range (state, category, offset or limit)",
                           func);
    return cpol__check_time_range(func, f->from, f->to);
}

static int team_exists(cpol_ctx *ctx, const cpol_id *team)
{
    cpol_record *t;
    int rc = cpol__load(ctx, &cpol__table_team, team, "team", &t);
    cpol__record_free(t);
    return rc;
}

int cpol__case_filter_query(cpol_ctx *ctx, const cpol_actor *as, const cpol_case_filter *f, cpol_query **out)
{
    cpol_id station, bureau;
    int bureau_wide, bound, rc;
    *out = NULL;
    bound = cpol__actor_scope(ctx, as, &station, &bureau, &bureau_wide);
    if (bound < 0)
        return bound;
    rc = cpol__authorize(ctx, as, CPOL_PERM_CASE_VIEW, bound ? &station : NULL);
    if (rc >= 0 && f->team)
        rc = team_exists(ctx, f->team);
    if (rc >= 0)
        rc = cpol__case_area_query(ctx, f->area, f->from, f->to, out);
    if (rc >= 0 && bound)
        rc = cpol__query_where_id(*out, CASE_STATION, CPOL_OP_EQ, &station);
    if (rc >= 0 && f->state)
        rc = cpol__query_where_int(*out, CASE_STATE, CPOL_OP_EQ, f->state);
    if (rc >= 0 && f->category)
        rc = cpol__query_where_int(*out, CASE_CATEGORY, CPOL_OP_EQ, f->category);
    if (rc >= 0 && f->team)
        rc = cpol__query_where_id(*out, CASE_TEAM, CPOL_OP_EQ, f->team);
    if (rc >= 0)
        cpol__query_page(*out, f->offset, f->limit ? f->limit : -1);
    if (rc < 0) {
        cpol__query_free(*out);
        *out = NULL;
    }
    return rc;
}

int cpol_case_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_case_filter *filter, cpol_case_iter **out)
{
    cpol_case_filter f = CPOL_CASE_FILTER_INIT;
    cpol__case_reader reader;
    cpol_query *q = NULL;
    void *it = NULL;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !out)
        return cpol__null_arg("cpol_case_iter_new", !ctx ? "ctx" : !as ? "as" : "out");
    if (filter) {
        rc = cpol__case_take_filter("cpol_case_iter_new", filter, &f);
        if (rc < 0)
            return rc;
    }
    rc = cpol__case_filter_query(ctx, as, &f, &q);
    if (rc >= 0)
        rc = cpol__case_reader_open(ctx, as, &reader);
    if (rc >= 0)
        rc = cpol__snapshot_iter_new(ctx, q, sizeof(cpol_case_iter), offsetof(cpol_case_iter, current),
                                     case_refresh, &it);
    cpol__query_free(q);
    if (rc < 0)
        return rc;
    ((cpol_case_iter *)it)->current.reader = reader;
    *out = it;
    return CPOL_OK;
}

int cpol_case_iter_next(cpol_case_iter *it, const cpol_case **out)
{
    int rc;
    if (!it || !out)
        return cpol__null_arg("cpol_case_iter_next", !it ? "it" : "out");
    rc = cpol__snapshot_iter_next(it);
    if (rc == CPOL_OK)
        *out = &it->current;
    return rc;
}

void cpol_case_iter_free(cpol_case_iter *it)
{
    cpol__snapshot_iter_free(it);
}

/* ---- history ---- */

/* A person field of an event the reader may not see: the masked reporter
 * of the case, or anyone covert (an informant recording, handling, arriving). */
static int event_hides(cpol_store *store, cpol_case_event *e, const cpol_id *person, int *hidden)
{
    *hidden = e->hide_reporter && e->has_reporter && cpol_id_compare(person, &e->reporter) == 0;
    return *hidden ? CPOL_OK : cpol__case_reader_hides(store, &e->reader, person, hidden);
}

static int event_refresh(cpol_store *store, void *snap)
{
    cpol_case_event *e = snap;
    int hidden = 0, rc = CPOL_OK;
    cpol__record_get_id(e->row, EVENT_ID, &e->id);
    e->has_actor = cpol__record_get_id(e->row, EVENT_ACTOR, &e->actor);
    e->has_subject = cpol__record_get_id(e->row, EVENT_SUBJECT, &e->subject);
    if (e->has_actor)
        rc = event_hides(store, e, &e->actor, &hidden);
    if (hidden)
        e->has_actor = -1;
    hidden = 0;
    /* subjects that are not people (a referral, the original case) are never covert */
    if (rc >= 0 && e->has_subject)
        rc = event_hides(store, e, &e->subject, &hidden);
    if (hidden)
        e->has_subject = 0;
    return rc;
}

int cpol_case_event_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id,
                             cpol_case_event_iter **out)
{
    cpol_record *row = NULL;
    cpol_query *q = NULL;
    cpol__case_reader reader;
    void *it = NULL;
    int masked = 0, rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !case_id || !out)
        return cpol__null_arg("cpol_case_event_iter_new", !ctx ? "ctx" : !as ? "as" : !case_id ? "case_id" : "out");
    rc = cpol__case_load(ctx, case_id, &row);
    if (rc >= 0)
        rc = cpol__case_may_read(ctx, as, row);
    if (rc >= 0)
        rc = cpol__case_reader_open(ctx, as, &reader);
    if (rc >= 0)
        rc = cpol__case_reporter_masked(ctx->store, &reader, row, &masked);
    if (rc >= 0)
        rc = cpol__query_new(&cpol__table_case_event, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, EVENT_CASE, CPOL_OP_EQ, case_id);
    if (rc >= 0)
        rc = cpol__snapshot_iter_new(ctx, q, sizeof(cpol_case_event_iter), offsetof(cpol_case_event_iter, current),
                                     event_refresh, &it);
    if (rc >= 0) {
        cpol_case_event *e = &((cpol_case_event_iter *)it)->current;
        e->hide_reporter = masked;
        e->has_reporter = cpol__record_get_id(row, CASE_REPORTER, &e->reporter);
        e->reader = reader;
        *out = it;
    }
    cpol__query_free(q);
    cpol__record_free(row);
    return rc < 0 ? rc : CPOL_OK;
}

int cpol_case_event_iter_next(cpol_case_event_iter *it, const cpol_case_event **out)
{
    int rc;
    if (!it || !out)
        return cpol__null_arg("cpol_case_event_iter_next", !it ? "it" : "out");
    rc = cpol__snapshot_iter_next(it);
    if (rc == CPOL_OK)
        *out = &it->current;
    return rc;
}

void cpol_case_event_iter_free(cpol_case_event_iter *it)
{
    cpol__snapshot_iter_free(it);
}

const cpol_id *cpol_case_event_id(const cpol_case_event *e) { return e ? &e->id : NULL; }
const cpol_id *cpol_case_event_actor(const cpol_case_event *e) { return e && e->has_actor > 0 ? &e->actor : NULL; }
const cpol_id *cpol_case_event_subject(const cpol_case_event *e) { return e && e->has_subject ? &e->subject : NULL; }

#define EVENT_INT(name, col) \
    int cpol_case_event_##name(const cpol_case_event *e) { return e ? (int)cpol__record_int(e->row, col) : 0; }

EVENT_INT(step, EVENT_STEP)
EVENT_INT(from, EVENT_FROM)
EVENT_INT(to, EVENT_TO)
EVENT_INT(tier, EVENT_TIER)
EVENT_INT(risk_grade, EVENT_RISK_GRADE)
EVENT_INT(outcome, EVENT_OUTCOME)
EVENT_INT(satisfaction, EVENT_SATISFACTION)
EVENT_INT(recurred, EVENT_RECURRED)

int cpol_case_event_actor_role(const cpol_case_event *e)
{
    return e && e->has_actor >= 0 ? (int)cpol__record_int(e->row, EVENT_ACTOR_ROLE) : 0;
}

cpol_time cpol_case_event_at(const cpol_case_event *e) { return e ? cpol__record_int(e->row, EVENT_AT) : 0; }
cpol_time cpol_case_event_recorded_at(const cpol_case_event *e)
{
    return e ? cpol__record_int(e->row, EVENT_RECORDED_AT) : 0;
}
const char *cpol_case_event_note(const cpol_case_event *e)
{
    return e ? cpol__record_text_or_empty(e->row, EVENT_NOTE) : "";
}
