/* The Open311 GeoReport v2 projection: the cases of a listing filter as a
 * JSON array of service requests. Times are ISO 8601 UTC; numbers are
 * written without the C library's locale (a host that sets LC_NUMERIC to a
 * decimal comma must still get valid JSON). Reporters and parties are
 * never written. */
#include <stdio.h>
#include <string.h>

#include <commpolice/area.h>
#include <commpolice/case_metrics.h>

#include "util/versioned.h"
#include "util/alloc.h"
#include "domain/cases/case_tables.h"
#include "domain/base/domain.h"
#include "domain/base/snapshot.h"
#include "domain/base/tables.h"

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

/* A JSON string: quotes, backslashes and control characters escaped; UTF-8 as is. */
static void put_string(sbuf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    char esc[8];
    puts_(b, "\"");
    for (; *p; p++) {
        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*p;
            put(b, esc, 2);
        } else if (*p < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", *p);
            puts_(b, esc);
        } else {
            put(b, (const char *)p, 1);
        }
    }
    puts_(b, "\"");
}

static void put_field(sbuf *b, const char *name, const char *value)
{
    puts_(b, ",\"");
    puts_(b, name);
    puts_(b, "\":");
    put_string(b, value);
}

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm). */
static void civil(int64_t days, int *y, int *m, int *d)
{
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static void put_time(sbuf *b, const char *name, cpol_time t)
{
    char text[32];
    int64_t secs = t >= 0 ? t / 1000 : (t - 999) / 1000, days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rest = secs - days * 86400;
    int y, m, d;
    civil(days, &y, &m, &d);
    snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(rest / 3600), (int)(rest / 60 % 60),
             (int)(rest % 60));
    put_field(b, name, text);
}

/* Degrees with six decimals (about 0.1 m), independent of the locale. */
static void put_degrees(sbuf *b, const char *name, double v)
{
    char text[48];
    long long micro;
    if (!(v >= -180.0 && v <= 180.0)) /* stored rows are range-checked; never convert what cannot fit */
        v = 0.0;
    micro = (long long)(v * 1e6 + (v >= 0 ? 0.5 : -0.5));
    unsigned long long mag = micro < 0 ? (unsigned long long)-micro : (unsigned long long)micro;
    snprintf(text, sizeof text, ",\"%s\":%s%llu.%06llu", name, micro < 0 ? "-" : "", mag / 1000000, mag % 1000000);
    puts_(b, text);
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

static int write_request(cpol_ctx *ctx, sbuf *b, const cpol_record *row, station_name *cache)
{
    cpol_id id, area;
    char text[CPOL_ID_STRING_SIZE], dept[CPOL_DEPARTMENT_NAME_MAX + 1], notes[CPOL_DEPARTMENT_NAME_MAX + 128];
    char who[CPOL_AREA_NAME_MAX + CPOL_DEPARTMENT_NAME_MAX + 1];
    int state = (int)cpol__record_int(row, CASE_STATE), category = (int)cpol__record_int(row, CASE_CATEGORY);
    int closed = state == CPOL_CASE_CLOSED || state == CPOL_CASE_REJECTED, rc;
    cpol_time due;
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
    cpol__id_text(&id, text);
    puts_(b, "{\"service_request_id\":");
    put_string(b, text);
    put_field(b, "status", closed ? "closed" : "open");
    put_field(b, "status_notes", notes);
    put_field(b, "service_name", cpol_case_category_name(category));
    put_field(b, "service_code", cpol_case_category_code(category));
    put_field(b, "description", cpol__record_text_or_empty(row, CASE_DESCRIPTION));
    put_field(b, "agency_responsible", who);
    put_time(b, "requested_datetime", cpol__record_int(row, CASE_REPORTED_AT));
    put_time(b, "updated_datetime", state == CPOL_CASE_CLOSED ? cpol__record_int(row, CASE_CLOSED_AT)
                                                              : cpol__record_int(row, CASE_UPDATED_AT));
    if (due)
        put_time(b, "expected_datetime", due);
    put_field(b, "address", cpol__record_text_or_empty(row, CASE_ADDRESS));
    cpol__id_text(&area, text);
    put_field(b, "address_id", text);
    if (row->vals[CASE_LATITUDE].type == CPOL_VALUE_REAL) {
        put_degrees(b, "lat", row->vals[CASE_LATITUDE].u.r);
        put_degrees(b, "long", row->vals[CASE_LONGITUDE].u.r);
    }
    puts_(b, "}");
    return CPOL_OK;
}

static int build(cpol_ctx *ctx, const cpol_actor *as, const cpol_case_filter *filter, const char *func, sbuf *b)
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
        rc = write_request(ctx, b, r, &cache);
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
    rc = build(ctx, as, filter, "cpol_case_open311_write", &b);
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

int cpol_case_open311_export(cpol_ctx *ctx, const cpol_actor *as, const cpol_case_filter *filter, char **out)
{
    sbuf b;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !out)
        return cpol__null_arg("cpol_case_open311_export", !ctx ? "ctx" : !as ? "as" : "out");
    memset(&b, 0, sizeof b);
    rc = build(ctx, as, filter, "cpol_case_open311_export", &b);
    if (rc < 0) {
        cpol_free(b.p);
        return rc;
    }
    *out = b.p;
    return CPOL_OK;
}
