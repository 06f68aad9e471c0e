/* The Open311 GeoReport v2 projection: the cases of a listing filter as a
 * JSON array of service requests, each with every field of the spec's
 * service request (null when unknown), built with json-c. Times are ISO
 * 8601, in UTC ("Z") or at the caller's offset ("+08:00"); coordinates are
 * written from our own six-decimal text, so no locale can turn the decimal
 * point into a comma. Reporters and parties are never written. */
#define _DEFAULT_SOURCE /* gmtime_r */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include <commpolice/area.h>
#include <commpolice/case_metrics.h>

#include "util/versioned.h"
#include "util/alloc.h"
#include "domain/cases/case_tables.h"
#include "domain/base/domain.h"
#include "domain/base/snapshot.h"
#include "domain/base/tables.h"

#define MAX_OFFSET_MINUTES 840

/* The output: the array is framed here, one request per line, each
 * request's text from json-c. */
typedef struct sbuf {
    char *p;
    size_t n, cap;
    int oom;
} sbuf;

static void put(sbuf *b, const char *s, size_t len)
{
    if (b->oom)
        return;
    if (b->n + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        char *grown;
        while (cap < b->n + len + 1)
            cap *= 2;
        grown = cpol_realloc(b->p, cap);
        if (!grown) {
            b->oom = 1;
            return;
        }
        b->p = grown;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, len);
    b->n += len;
    b->p[b->n] = '\0';
}

static void puts_(sbuf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* One request under construction; json-c allocates with malloc, so a
 * failed allocation anywhere sets oom and the request is dropped. */
typedef struct req {
    json_object *o;
    int oom;
} req;

static void field(req *r, const char *name, json_object *v, int want)
{
    if (want && !v)
        r->oom = 1;
    if (json_object_object_add(r->o, name, v) != 0) {
        json_object_put(v);
        r->oom = 1;
    }
}

static void field_text(req *r, const char *name, const char *value)
{
    field(r, name, value ? json_object_new_string(value) : NULL, value != NULL);
}

/* ISO 8601 at the offset: "2025-05-28T12:00:00Z", "2025-05-28T20:00:00+08:00". */
static void field_time(req *r, const char *name, cpol_time t, int32_t offset)
{
    char text[40];
    int64_t local = t + (int64_t)offset * 60000, ms = ((local % 1000) + 1000) % 1000;
    time_t secs = (time_t)((local - ms) / 1000);
    struct tm tm;
    size_t n;
    if (!t || !gmtime_r(&secs, &tm)) {
        field_text(r, name, NULL);
        return;
    }
    n = strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
    if (offset)
        snprintf(text + n, sizeof text - n, "%c%02d:%02d", offset < 0 ? '-' : '+', (offset < 0 ? -offset : offset) / 60,
                 (offset < 0 ? -offset : offset) % 60);
    else
        snprintf(text + n, sizeof text - n, "Z");
    field_text(r, name, text);
}

/* Degrees with six decimals (about 0.1 m), independent of the locale. */
static void field_degrees(req *r, const char *name, double v)
{
    char text[48];
    long long micro;
    unsigned long long mag;
    if (!(v >= -180.0 && v <= 180.0)) /* stored rows are range-checked; never convert what cannot fit */
        v = 0.0;
    micro = (long long)(v * 1e6 + (v >= 0 ? 0.5 : -0.5));
    mag = micro < 0 ? (unsigned long long)-micro : (unsigned long long)micro;
    snprintf(text, sizeof text, "%s%llu.%06llu", micro < 0 ? "-" : "", mag / 1000000, mag % 1000000);
    field(r, name, json_object_new_double_s(v, text), 1);
}

/* The department of the case's latest referral, if it has one. */
static int latest_referral(cpol_ctx *ctx, const cpol_id *case_id, char *dept, size_t size)
{
    cpol_query *q;
    cpol_record *r;
    int rc = cpol__query_new(&cpol__table_case_referral, &q);
    dept[0] = '\0';
    if (rc >= 0)
        rc = cpol__query_where_id(q, REFERRAL_CASE, CPOL_OP_EQ, case_id);
    if (rc < 0) {
        cpol__query_free(q);
        return rc;
    }
    cpol__query_order(q, REFERRAL_REFERRED_AT, 1);
    rc = cpol__query_first(ctx, q, &r);
    if (rc > 0)
        snprintf(dept, size, "%s", cpol__record_text_or_empty(r, REFERRAL_DEPARTMENT));
    cpol__record_free(r);
    return rc;
}

static void status_notes(const cpol_record *row, const char *dept, char *out, size_t size)
{
    int state = (int)cpol__record_int(row, CASE_STATE), tier = (int)cpol__record_int(row, CASE_TIER);
    int outcome = (int)cpol__record_int(row, CASE_OUTCOME);
    size_t n = (size_t)snprintf(out, size, "%s", cpol_case_state_name(state));
    if (state == CPOL_CASE_REJECTED)
        snprintf(out + n, size - n, ": %s",
                 row->vals[CASE_DUPLICATE_OF].type != CPOL_VALUE_NULL ? "duplicate" : "unfounded");
    else if (state == CPOL_CASE_REFERRED)
        snprintf(out + n, size - n, " to %s", dept);
    else if (outcome)
        snprintf(out + n, size - n, ": %s%s%s", cpol_case_outcome_name(outcome), tier ? ", tier " : "",
                 tier ? cpol_case_tier_name(tier) : "");
    else if (tier)
        snprintf(out + n, size - n, ", tier %s", cpol_case_tier_name(tier));
}

typedef struct station_name {
    cpol_id id;
    int known;
    char name[CPOL_AREA_NAME_MAX + 1];
} station_name;

static int agency(cpol_ctx *ctx, const cpol_record *row, const char *dept, station_name *cache, char *out,
                  size_t size)
{
    cpol_id station;
    int state = (int)cpol__record_int(row, CASE_STATE);
    if (dept[0] && (state == CPOL_CASE_REFERRED || cpol__record_int(row, CASE_OUTCOME) == CPOL_OUTCOME_DEPARTMENT)) {
        snprintf(out, size, "%s", dept);
        return CPOL_OK;
    }
    cpol__record_get_id(row, CASE_STATION, &station);
    if (!cache->known || cpol_id_compare(&cache->id, &station) != 0) {
        cpol_record *a;
        int rc = cpol__load(ctx, &cpol__table_area, &station, "station", &a);
        if (rc < 0)
            return rc;
        snprintf(cache->name, sizeof cache->name, "%s", cpol__record_text_or_empty(a, AREA_NAME));
        cache->id = station;
        cache->known = 1;
        cpol__record_free(a);
    }
    snprintf(out, size, "%s", cache->name);
    return CPOL_OK;
}

/* The resolution deadline of an open case, 0 if none is running. */
static int expected(cpol_ctx *ctx, const cpol_record *row, cpol_time *out)
{
    cpol_id station;
    int64_t limit;
    int rc;
    *out = 0;
    if (cpol__record_int(row, CASE_STATE) > CPOL_CASE_HANDLING || !cpol__record_int(row, CASE_RISK_GRADE))
        return CPOL_OK;
    cpol__record_get_id(row, CASE_STATION, &station);
    rc = cpol__case_deadline(ctx, &station, (int)cpol__record_int(row, CASE_RISK_GRADE), CPOL_STAGE_RESOLUTION, &limit);
    if (rc >= 0)
        *out = cpol__record_int(row, CASE_CLOCK_AT) + limit;
    return rc;
}

static int write_request(cpol_ctx *ctx, sbuf *b, const cpol_record *row, station_name *cache, int32_t offset)
{
    cpol_id id, area;
    char text[CPOL_ID_STRING_SIZE], dept[CPOL_DEPARTMENT_NAME_MAX + 1], notes[CPOL_DEPARTMENT_NAME_MAX + 128];
    char who[CPOL_AREA_NAME_MAX + CPOL_DEPARTMENT_NAME_MAX + 1];
    int state = (int)cpol__record_int(row, CASE_STATE), category = (int)cpol__record_int(row, CASE_CATEGORY);
    int closed = state == CPOL_CASE_CLOSED || state == CPOL_CASE_REJECTED, located, rc;
    const char *address = cpol__record_text(row, CASE_ADDRESS);
    cpol_time due;
    req r;
    cpol__record_get_id(row, CASE_ID, &id);
    cpol__record_get_id(row, CASE_AREA, &area);
    rc = latest_referral(ctx, &id, dept, sizeof dept);
    if (rc >= 0)
        rc = agency(ctx, row, dept, cache, who, sizeof who);
    if (rc >= 0)
        rc = expected(ctx, row, &due);
    if (rc < 0)
        return rc;
    status_notes(row, dept, notes, sizeof notes);
    r.oom = 0;
    r.o = json_object_new_object();
    if (!r.o)
        return cpol__oom();
    /* the fields of a GeoReport v2 service request, in the spec's order */
    cpol__id_text(&id, text);
    field_text(&r, "service_request_id", text);
    field_text(&r, "status", closed ? "closed" : "open");
    field_text(&r, "status_notes", notes);
    field_text(&r, "service_name", cpol_case_category_name(category));
    field_text(&r, "service_code", cpol_case_category_code(category));
    field_text(&r, "description", cpol__record_text_or_empty(row, CASE_DESCRIPTION));
    field_text(&r, "agency_responsible", who);
    field_text(&r, "service_notice", NULL);
    field_time(&r, "requested_datetime", cpol__record_int(row, CASE_REPORTED_AT), offset);
    field_time(&r, "updated_datetime", state == CPOL_CASE_CLOSED ? cpol__record_int(row, CASE_CLOSED_AT)
                                                                 : cpol__record_int(row, CASE_UPDATED_AT), offset);
    field_time(&r, "expected_datetime", due, offset);
    field_text(&r, "address", address && address[0] ? address : NULL);
    cpol__id_text(&area, text);
    field_text(&r, "address_id", text);
    field_text(&r, "zipcode", NULL);
    located = row->vals[CASE_LATITUDE].type == CPOL_VALUE_REAL && row->vals[CASE_LONGITUDE].type == CPOL_VALUE_REAL;
    if (located) {
        field_degrees(&r, "lat", row->vals[CASE_LATITUDE].u.r);
        field_degrees(&r, "long", row->vals[CASE_LONGITUDE].u.r);
    } else {
        field_text(&r, "lat", NULL);
        field_text(&r, "long", NULL);
    }
    field_text(&r, "media_url", NULL);
    if (!r.oom) {
        size_t len = 0;
        const char *json = json_object_to_json_string_length(r.o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
                                                             &len);
        if (json)
            put(b, json, len);
        else
            r.oom = 1;
    }
    json_object_put(r.o);
    return r.oom ? cpol__oom() : CPOL_OK;
}

static int build(cpol_ctx *ctx, const cpol_actor *as, const cpol_case_filter *filter, int32_t offset, const char *func,
                 sbuf *b)
{
    cpol_case_filter f = CPOL_CASE_FILTER_INIT;
    station_name cache;
    cpol_query *q = NULL;
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    int rc = CPOL_OK, first = 1;
    memset(&cache, 0, sizeof cache);
    if (filter) {
        rc = cpol__case_take_filter(func, filter, &f);
    }
    if (rc >= 0)
        rc = cpol__case_filter_query(ctx, as, &f, &q);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_case, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    puts_(b, "[");
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK) {
        puts_(b, first ? "\n" : ",\n");
        first = 0;
        rc = write_request(ctx, b, r, &cache, offset);
    }
    puts_(b, first ? "]\n" : "\n]\n");
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(q);
    if (rc == CPOL_DONE)
        rc = CPOL_OK;
    if (rc >= 0 && b->oom)
        rc = cpol__oom();
    return rc;
}

int cpol_case_open311_write(cpol_ctx *ctx, const cpol_actor *as, const cpol_case_filter *filter, char *buf,
                            size_t size, size_t *needed_out)
{
    sbuf b;
    int rc;
    if (needed_out)
        *needed_out = 0;
    if (!ctx || !as || (!buf && size))
        return cpol__null_arg("cpol_case_open311_write", !ctx ? "ctx" : !as ? "as" : "buf");
    memset(&b, 0, sizeof b);
    rc = build(ctx, as, filter, 0, "cpol_case_open311_write", &b);
    if (rc >= 0) {
        if (needed_out)
            *needed_out = b.n + 1;
        if (size < b.n + 1)
            rc = cpol__error(CPOL_ETOOLONG, "cpol_case_open311_write: the JSON needs %zu bytes, the buffer has %zu",
                             b.n + 1, size);
        else
            memcpy(buf, b.p, b.n + 1);
    }
    cpol_free(b.p);
    return rc;
}

static int export_json(cpol_ctx *ctx, const cpol_actor *as, const cpol_case_filter *filter, int32_t offset,
                       const char *func, char **out)
{
    sbuf b;
    int rc;
    memset(&b, 0, sizeof b);
    rc = build(ctx, as, filter, offset, func, &b);
    if (rc < 0) {
        cpol_free(b.p);
        return rc;
    }
    *out = b.p;
    return CPOL_OK;
}

int cpol_case_open311_export(cpol_ctx *ctx, const cpol_actor *as, const cpol_case_filter *filter, char **out)
{
    if (out)
        *out = NULL;
    if (!ctx || !as || !out)
        return cpol__null_arg("cpol_case_open311_export", !ctx ? "ctx" : !as ? "as" : "out");
    return export_json(ctx, as, filter, 0, "cpol_case_open311_export", out);
}

int cpol_case_open311_export_with(cpol_ctx *ctx, const cpol_actor *as, const cpol_case_filter *filter,
                                  const cpol_open311_options *options, char **out)
{
    static const char func[] = "cpol_case_open311_export_with";
    cpol_open311_options o = CPOL_OPEN311_OPTIONS_INIT;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !out)
        return cpol__null_arg(func, !ctx ? "ctx" : !as ? "as" : "out");
    if (options) {
        rc = cpol__take_versioned(&o, options, CPOL__SIZES_V1(cpol_open311_options), CPOL_OPEN311_OPTIONS_VERSION,
                                  func, "options");
        if (rc < 0)
            return rc;
    }
    if (o.utc_offset_minutes < -MAX_OFFSET_MINUTES || o.utc_offset_minutes > MAX_OFFSET_MINUTES)
        return cpol__error(CPOL_EINVALID, "%s: a UTC offset of %d minutes is beyond ±14 hours", func,
                           (int)o.utc_offset_minutes);
    return export_json(ctx, as, filter, o.utc_offset_minutes, func, out);
}
