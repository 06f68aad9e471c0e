/* Nearest responders (一键指挥就近力量先期处置): team members report where
 * they are and whether they are on duty (duty_position, one current row per
 * person); a case's on-duty responders are ranked by great-circle distance.
 *
 * The haversine takes sin, cos, sqrt and asin from libm. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <commpolice/case_analysis.h>
#include <commpolice/team.h>

#include "util/alloc.h"
#include "domain/cases/case_tables.h"
#include "domain/base/domain.h"
#include "domain/base/snapshot.h"
#include "domain/base/tables.h"
#include "domain/teams/team_tables.h"

#define PI 3.14159265358979323846
#define EARTH_RADIUS_M 6371008.8 /* mean radius (IUGG) */

static const cpol_column_def duty_columns[DUTY_NCOLS] = {
    [DUTY_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [DUTY_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [DUTY_PERSON] = {"person_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [DUTY_LATITUDE] = {"latitude", CPOL_COLUMN_REAL, CPOL_COLUMN_NOTNULL | CPOL__MAGNITUDE(90)},
    [DUTY_LONGITUDE] = {"longitude", CPOL_COLUMN_REAL, CPOL_COLUMN_NOTNULL | CPOL__MAGNITUDE(180)},
    [DUTY_ON_DUTY] = {"on_duty", CPOL_COLUMN_BOOL, CPOL_COLUMN_NOTNULL},
    [DUTY_REPORTED_AT] = {"reported_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
};

static const cpol_index_def duty_indexes[] = {
    {"duty_position_person", 1, 1, {DUTY_PERSON}},
    {"duty_position_station_on_duty", 0, 2, {DUTY_STATION, DUTY_ON_DUTY}},
};

const cpol_table cpol__table_duty_position = {"duty_position", DUTY_NCOLS, duty_columns,
                                              sizeof duty_indexes / sizeof duty_indexes[0], duty_indexes, 0};

/* Great-circle distance (haversine) on the mean earth radius, with libm. */
static double haversine_m(double lat1, double lon1, double lat2, double lon2)
{
    double p1 = lat1 * PI / 180, p2 = lat2 * PI / 180;
    double dp = (lat2 - lat1) * PI / 180, dl = (lon2 - lon1) * PI / 180;
    double s1 = sin(dp / 2), s2 = sin(dl / 2);
    double a = s1 * s1 + cos(p1) * cos(p2) * s2 * s2;
    if (a > 1)
        a = 1;
    return 2 * EARTH_RADIUS_M * asin(sqrt(a));
}

/* ---- duty positions ---- */

typedef struct duty_args {
    const cpol_actor *as;
    const cpol_id *person;
    double lat, lon;
    int on_duty;
} duty_args;

static int find_duty(cpol_ctx *ctx, const cpol_id *person, cpol_record **out)
{
    cpol_query *q;
    int rc = cpol__query_new(&cpol__table_duty_position, &q);
    *out = NULL;
    if (rc >= 0)
        rc = cpol__query_where_id(q, DUTY_PERSON, CPOL_OP_EQ, person);
    if (rc < 0) {
        cpol__query_free(q);
        return rc;
    }
    return cpol__query_first(ctx, q, out);
}

static int duty_body(cpol_ctx *ctx, void *arg)
{
    duty_args *a = arg;
    cpol_record *p, *r = NULL;
    cpol_id station, id;
    int found = 0, rc = cpol__load(ctx, &cpol__table_person, a->person, "person", &p);
    if (rc >= 0)
        rc = cpol__case_check_named(ctx, a->as, a->person, "person");
    if (rc < 0) {
        cpol__record_free(p);
        return rc;
    }
    if (!cpol__record_get_id(p, PERSON_STATION, &station))
        rc = cpol__error(CPOL_ERULE, "the person is registered under no police station");
    if (rc >= 0 && (a->as->system || cpol_id_compare(&a->as->person, a->person) != 0))
        rc = cpol__authorize(ctx, a->as, CPOL_PERM_CASE_TRIAGE, &station);
    if (rc >= 0)
        found = rc = find_duty(ctx, a->person, &r);
    if (rc >= 0 && !found) {
        rc = cpol__record_new(&cpol__table_duty_position, &r);
        cpol_id_new(ctx, &id);
        if (rc >= 0)
            rc = cpol__record_set_id(r, DUTY_ID, &id);
        if (rc >= 0)
            rc = cpol__record_set_id(r, DUTY_PERSON, a->person);
    }
    if (rc >= 0)
        rc = cpol__record_set_id(r, DUTY_STATION, &station);
    if (rc >= 0)
        rc = cpol_record_set_real(r, DUTY_LATITUDE, a->lat);
    if (rc >= 0)
        rc = cpol_record_set_real(r, DUTY_LONGITUDE, a->lon);
    if (rc >= 0) {
        cpol__value_set_int(&r->vals[DUTY_ON_DUTY], a->on_duty);
        cpol__value_set_int(&r->vals[DUTY_REPORTED_AT], cpol_ctx_now(ctx));
        rc = found ? cpol__store_update(ctx->store, r) : cpol__store_insert(ctx->store, r);
    }
    if (rc >= 0) /* no coordinates in the audit trail: a position is personal data */
        rc = cpol__audit(ctx, a->as, "person", a->person, &station, "duty.report", "",
                         a->on_duty ? "on duty" : "off duty", NULL);
    cpol__record_free(r);
    cpol__record_free(p);
    return rc;
}

int cpol_duty_report(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, double latitude, double longitude,
                     int on_duty)
{
    duty_args a;
    if (!ctx || !as || !person)
        return cpol__null_arg("cpol_duty_report", !ctx ? "ctx" : !as ? "as" : "person");
    if (!(latitude >= -90.0 && latitude <= 90.0) || !(longitude >= -180.0 && longitude <= 180.0))
        return cpol__error(CPOL_EINVALID, "cpol_duty_report: (%g, %g) is not a latitude and longitude", latitude,
                           longitude);
    if (on_duty != 0 && on_duty != 1)
        return cpol__error(CPOL_EINVALID, "cpol_duty_report: on_duty must be 0 or 1, not %d", on_duty);
    a.as = as;
    a.person = person;
    a.lat = latitude;
    a.lon = longitude;
    a.on_duty = on_duty;
    return cpol__ctx_atomic(ctx, duty_body, &a);
}

/* ---- ranking ---- */

struct cpol_responder {
    cpol_id person, team;
    int team_role;
    double distance;
    cpol_time reported_at;
};

struct cpol_responder_iter {
    cpol_responder *items;
    size_t n, cap, next;
};

/* The people already considered: each is ranked once, with the first team they joined. */
typedef struct seen_set {
    cpol_id *ids;
    size_t n, cap;
} seen_set;

/* 1 if the person was seen before, else 0 after adding them, <0 when out of memory. */
static int seen_before(seen_set *s, const cpol_id *person)
{
    cpol_id *grown;
    size_t i;
    for (i = 0; i < s->n; i++)
        if (cpol_id_compare(&s->ids[i], person) == 0)
            return 1;
    grown = cpol__case_grow(s->ids, &s->cap, s->n, sizeof *s->ids);
    if (!grown)
        return cpol__oom();
    s->ids = grown;
    s->ids[s->n++] = *person;
    return 0;
}

static int add_responder(cpol_responder_iter *it, const cpol_responder *r)
{
    cpol_responder *grown = cpol__case_grow(it->items, &it->cap, it->n, sizeof *it->items);
    if (!grown)
        return cpol__oom();
    it->items = grown;
    it->items[it->n++] = *r;
    return CPOL_OK;
}

/* Where the ranking starts and who reads it. */
typedef struct ranking {
    double lat, lon;
    cpol__case_reader reader;
} ranking;

/* One active membership: rank its person if on duty, not ranked yet and
 * not hidden from the reader (an informant is nobody's nearest responder
 * to a reader who may not know them). */
static int consider(cpol_ctx *ctx, cpol_responder_iter *it, const cpol_record *m, ranking *k, seen_set *seen)
{
    cpol_record *duty = NULL;
    cpol_responder r;
    int hidden = 0, rc;
    memset(&r, 0, sizeof r);
    cpol__record_get_id(m, MEMBER_PERSON, &r.person);
    rc = seen_before(seen, &r.person);
    if (rc == 0)
        rc = cpol__case_reader_hides(ctx->store, &k->reader, &r.person, &hidden);
    if (rc != 0 || hidden)
        return rc < 0 ? rc : CPOL_OK;
    rc = find_duty(ctx, &r.person, &duty);
    if (rc <= 0 || !cpol__record_int(duty, DUTY_ON_DUTY)) {
        cpol__record_free(duty);
        return rc < 0 ? rc : CPOL_OK;
    }
    cpol__record_get_id(m, MEMBER_TEAM, &r.team);
    r.team_role = (int)cpol__record_int(m, MEMBER_ROLE);
    r.distance = haversine_m(k->lat, k->lon, duty->vals[DUTY_LATITUDE].u.r, duty->vals[DUTY_LONGITUDE].u.r);
    r.reported_at = cpol__record_int(duty, DUTY_REPORTED_AT);
    cpol__record_free(duty);
    return add_responder(it, &r);
}

static int rank_members(cpol_ctx *ctx, cpol_responder_iter *it, const cpol_id *station, ranking *k)
{
    cpol_query *q;
    cpol_cursor *c = NULL;
    cpol_record *m = NULL;
    seen_set seen = {NULL, 0, 0};
    int rc = cpol__query_new(&cpol__table_membership, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, MEMBER_STATION, CPOL_OP_EQ, station);
    if (rc >= 0)
        rc = cpol__query_where_int(q, MEMBER_STATUS, CPOL_OP_EQ, CPOL__MEMBERSHIP_ACTIVE);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_membership, &m);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, m)) == CPOL_OK)
        rc = consider(ctx, it, m, k, &seen);
    cpol__cursor_close(c);
    cpol__record_free(m);
    cpol__query_free(q);
    cpol_free(seen.ids);
    return rc == CPOL_DONE ? CPOL_OK : rc;
}

static int nearer(const void *pa, const void *pb)
{
    const cpol_responder *a = pa, *b = pb;
    if (a->distance != b->distance)
        return a->distance < b->distance ? -1 : 1;
    return cpol_id_compare(&a->person, &b->person);
}

int cpol_case_responders(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, int64_t limit,
                         cpol_responder_iter **out)
{
    cpol_record *row = NULL;
    cpol_responder_iter *it;
    cpol_id station;
    ranking k;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !case_id || !out)
        return cpol__null_arg("cpol_case_responders", !ctx ? "ctx" : !as ? "as" : !case_id ? "case_id" : "out");
    if (limit < 0)
        return cpol__error(CPOL_EINVALID, "cpol_case_responders: limit %lld is negative", (long long)limit);
    it = cpol__calloc(1, sizeof *it);
    if (!it)
        return cpol__oom();
    rc = cpol__case_load(ctx, case_id, &row);
    if (rc >= 0) {
        cpol__record_get_id(row, CASE_STATION, &station);
        rc = cpol__authorize(ctx, as, CPOL_PERM_CASE_TRIAGE, &station);
    }
    if (rc >= 0 && row->vals[CASE_LATITUDE].type != CPOL_VALUE_REAL)
        rc = cpol__error(CPOL_ERULE, "the case has no coordinates to measure distances from");
    if (rc >= 0)
        rc = cpol__case_reader_open(ctx, as, &k.reader);
    if (rc >= 0) {
        k.lat = row->vals[CASE_LATITUDE].u.r;
        k.lon = row->vals[CASE_LONGITUDE].u.r;
        rc = rank_members(ctx, it, &station, &k);
    }
    cpol__record_free(row);
    if (rc < 0) {
        cpol_responder_iter_free(it);
        return rc;
    }
    if (it->n > 1)
        qsort(it->items, it->n, sizeof it->items[0], nearer);
    if (limit && (size_t)limit < it->n)
        it->n = (size_t)limit;
    *out = it;
    return CPOL_OK;
}

int cpol_responder_iter_next(cpol_responder_iter *it, const cpol_responder **out)
{
    if (!it || !out)
        return cpol__null_arg("cpol_responder_iter_next", !it ? "it" : "out");
    if (it->next >= it->n)
        return CPOL_DONE;
    *out = &it->items[it->next++];
    return CPOL_OK;
}

void cpol_responder_iter_free(cpol_responder_iter *it)
{
    if (!it)
        return;
    cpol_free(it->items);
    cpol_free(it);
}

const cpol_id *cpol_responder_person(const cpol_responder *r) { return r ? &r->person : NULL; }
const cpol_id *cpol_responder_team(const cpol_responder *r) { return r ? &r->team : NULL; }
int cpol_responder_team_role(const cpol_responder *r) { return r ? r->team_role : 0; }
double cpol_responder_distance_m(const cpol_responder *r) { return r ? r->distance : 0.0; }
cpol_time cpol_responder_reported_at(const cpol_responder *r) { return r ? r->reported_at : 0; }
