/* Intake from the four parties (四方信息) and 110: the case_file table, the
 * parties of a case, and cpol_case_report(), which writes the case with its
 * first event ("report"). */
#include <stdio.h>
#include <string.h>

#include <commpolice/case.h>
#include <commpolice/person.h>

#include "util/alloc.h"
#include "util/text.h"
#include "domain/cases/case_tables.h"
#include "domain/base/domain.h"
#include "domain/base/snapshot.h"
#include "domain/base/tables.h"
#include "domain/teams/team_tables.h"

static const cpol_column_def case_columns[CASE_NCOLS] = {
    [CASE_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [CASE_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [CASE_AREA] = {"area_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [CASE_AREA_PATH] = {"area_path", CPOL_COLUMN_TEXT, CPOL_COLUMN_NOTNULL},
    [CASE_SOURCE] = {"source", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL | CPOL__ENUM(CPOL_CASE_SOURCE_DISPATCH_110)},
    [CASE_CATEGORY] = {"category", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL | CPOL__ENUM(CPOL_CASE_NON_POLICE)},
    [CASE_STATE] = {"state", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL | CPOL__ENUM(CPOL_CASE_REJECTED)},
    [CASE_RISK_GRADE] = {"risk_grade", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL | CPOL__ENUM(CPOL_RISK_HIGH)},
    [CASE_TIER] = {"tier", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL | CPOL__ENUM(CPOL_TIER_LEADERSHIP)},
    /* who tipped and who handled on the spot: encrypted at rest (store/crypt.c) */
    [CASE_HANDLER] = {"handler_id", CPOL_COLUMN_BLOB, CPOL__SECRET(CPOL_COLUMN_ID, CASE_HANDLER_INDEX)},
    [CASE_TEAM] = {"team_id", CPOL_COLUMN_ID, 0},
    [CASE_OUTCOME] = {"outcome", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL | CPOL__ENUM(CPOL_OUTCOME_DEPARTMENT)},
    [CASE_ADDRESS] = {"address", CPOL_COLUMN_TEXT, 0},
    [CASE_LATITUDE] = {"latitude", CPOL_COLUMN_REAL, CPOL__MAGNITUDE(90)},
    [CASE_LONGITUDE] = {"longitude", CPOL_COLUMN_REAL, CPOL__MAGNITUDE(180)},
    [CASE_DESCRIPTION] = {"description", CPOL_COLUMN_TEXT, CPOL_COLUMN_NOTNULL},
    [CASE_REPORTER] = {"reporter_id", CPOL_COLUMN_BLOB, CPOL__SECRET(CPOL_COLUMN_ID, CASE_REPORTER_INDEX)},
    [CASE_REPORTER_NAME] = {"reporter_name", CPOL_COLUMN_BLOB, CPOL__SECRET(CPOL_COLUMN_TEXT, 0)},
    [CASE_CONFIDENTIAL] = {"confidential", CPOL_COLUMN_BOOL, CPOL_COLUMN_NOTNULL},
    [CASE_RECORDED_BY] = {"recorded_by", CPOL_COLUMN_BLOB, CPOL__SECRET(CPOL_COLUMN_ID, 0)},
    [CASE_DUPLICATE_OF] = {"duplicate_of", CPOL_COLUMN_ID, 0},
    [CASE_REPORTED_AT] = {"reported_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
    [CASE_CLOCK_AT] = {"clock_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
    [CASE_FIRST_ARRIVAL_AT] = {"first_arrival_at", CPOL_COLUMN_TIME, 0},
    [CASE_RESOLVED_AT] = {"resolved_at", CPOL_COLUMN_TIME, 0},
    [CASE_CLOSED_AT] = {"closed_at", CPOL_COLUMN_TIME, 0},
    [CASE_SATISFACTION] = {"satisfaction", CPOL_COLUMN_INT, CPOL__ENUM(5)},
    [CASE_RECURRED] = {"recurred", CPOL_COLUMN_BOOL, 0},
    [CASE_REOPEN_COUNT] = {"reopen_count", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [CASE_UPDATED_AT] = {"updated_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
    [CASE_REPORTER_INDEX] = {"reporter_index", CPOL_COLUMN_BLOB, CPOL__BLIND(CASE_REPORTER)},
    [CASE_HANDLER_INDEX] = {"handler_index", CPOL_COLUMN_BLOB, CPOL__BLIND(CASE_HANDLER)},
};

static const cpol_index_def case_indexes[] = {
    {"case_file_station_state", 0, 2, {CASE_STATION, CASE_STATE}},
    {"case_file_station_reported", 0, 2, {CASE_STATION, CASE_REPORTED_AT}},
    {"case_file_area_path", 0, 1, {CASE_AREA_PATH}},
    {"case_file_team", 0, 1, {CASE_TEAM}},
    {"case_file_handler", 0, 1, {CASE_HANDLER_INDEX}},
    {"case_file_reporter", 0, 1, {CASE_REPORTER_INDEX}},
};

const cpol_table cpol__table_case = {"case_file", CASE_NCOLS, case_columns,
                                     sizeof case_indexes / sizeof case_indexes[0], case_indexes, 0};

static const cpol_column_def party_columns[PARTY_NCOLS] = {
    [PARTY_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [PARTY_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [PARTY_CASE] = {"case_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [PARTY_PERSON] = {"person_id", CPOL_COLUMN_ID, 0},
    [PARTY_NAME] = {"name", CPOL_COLUMN_TEXT, 0},
    [PARTY_ADDED_AT] = {"added_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
};

static const cpol_index_def party_indexes[] = {
    {"case_party_case", 0, 1, {PARTY_CASE}},
    {"case_party_person", 0, 1, {PARTY_PERSON}},
    /* schema version 5: the parties of a station's cases since a time, in one read (repeat analysis) */
    {"case_party_station_added", 0, 2, {PARTY_STATION, PARTY_ADDED_AT}},
};

const cpol_table cpol__table_case_party = {"case_party", PARTY_NCOLS, party_columns,
                                           sizeof party_indexes / sizeof party_indexes[0], party_indexes, 0};

/* ---- cpol_case_report ---- */

static int check_flag(const char *func, const char *what, int32_t v)
{
    if (v != 0 && v != 1)
        return cpol__error(CPOL_EINVALID, "%s: %s must be 0 or 1, not %d", func, what, (int)v);
    return CPOL_OK;
}

static int check_location(const char *func, const cpol_case_fields *f)
{
    int rc = check_flag(func, "has_location", f->has_location);
    if (rc < 0 || !f->has_location)
        return rc;
    if (!(f->latitude >= -90.0 && f->latitude <= 90.0))
        return cpol__error(CPOL_EINVALID, "%s: latitude %g is not between -90 and 90", func, f->latitude);
    if (!(f->longitude >= -180.0 && f->longitude <= 180.0))
        return cpol__error(CPOL_EINVALID, "%s: longitude %g is not between -180 and 180", func, f->longitude);
    return CPOL_OK;
}

/* Everything about the fields that needs no storage. */
static int check_fields(cpol_ctx *ctx, const cpol_case_fields *f)
{
    static const char func[] = "cpol_case_report";
    size_t len;
    int rc;
    if (f->version == 0 || f->version > CPOL_CASE_FIELDS_VERSION)
        return cpol__error(CPOL_EVERSION, "%s: fields version %u is not supported", func, f->version);
    if (!f->area)
        return cpol__null_arg(func, "fields->area");
    if (f->source < CPOL_CASE_SOURCE_PROPERTY_ALERT || f->source > CPOL_CASE_SOURCE_DISPATCH_110)
        return cpol__error(CPOL_EINVALID, "%s: %d is not a case source", func, (int)f->source);
    if (f->category < CPOL_CASE_NEIGHBOUR || f->category > CPOL_CASE_NON_POLICE)
        return cpol__error(CPOL_EINVALID, "%s: %d is not a case category", func, (int)f->category);
    rc = cpol__check_text_chars(func, "description", f->description, 1, CPOL_CASE_DESCRIPTION_MAX, &len);
    if (rc >= 0)
        rc = cpol__check_optional(func, "address", f->address, CPOL_CASE_ADDRESS_MAX, &len);
    if (rc >= 0)
        rc = cpol__check_optional(func, "reporter_name", f->reporter_name, CPOL_PERSON_NAME_MAX, &len);
    if (rc >= 0)
        rc = check_location(func, f);
    if (rc >= 0)
        rc = check_flag(func, "confidential", f->confidential);
    if (rc >= 0 && f->reported_at < 0)
        rc = cpol__error(CPOL_EINVALID, "%s: reported_at %lld is negative", func, (long long)f->reported_at);
    if (rc >= 0 && f->reported_at)
        rc = cpol__case_check_time(ctx, func, "reported_at", f->reported_at, 0, "the epoch");
    return rc;
}

typedef struct report_args {
    const cpol_actor *as;
    const cpol_case_fields *f;
    cpol_id id;
} report_args;

static int fill_case_row(cpol_record *r, const report_args *a, const cpol_id *station, const char *path,
                         const cpol_id *reporter, cpol_time reported_at, cpol_time now)
{
    const cpol_case_fields *f = a->f;
    int rc = cpol__record_set_id(r, CASE_ID, &a->id);
    if (rc >= 0)
        rc = cpol__record_set_id(r, CASE_STATION, station);
    if (rc >= 0)
        rc = cpol__record_set_id(r, CASE_AREA, f->area);
    if (rc >= 0)
        rc = cpol__record_set_text0(r, CASE_AREA_PATH, path);
    if (rc >= 0)
        rc = cpol__record_set_text0(r, CASE_ADDRESS, f->address && f->address[0] ? f->address : NULL);
    if (rc >= 0 && f->has_location) {
        rc = cpol_record_set_real(r, CASE_LATITUDE, f->latitude);
        if (rc >= 0)
            rc = cpol_record_set_real(r, CASE_LONGITUDE, f->longitude);
    }
    if (rc >= 0)
        rc = cpol__record_set_text0(r, CASE_DESCRIPTION, f->description);
    if (rc >= 0)
        rc = cpol__record_set_id_or_null(r, CASE_REPORTER, reporter);
    if (rc >= 0)
        rc = cpol__record_set_text0(r, CASE_REPORTER_NAME,
                                    f->reporter_name && f->reporter_name[0] ? f->reporter_name : NULL);
    if (rc >= 0)
        rc = cpol__record_set_id_or_null(r, CASE_RECORDED_BY, a->as->system ? NULL : &a->as->person);
    cpol__value_set_int(&r->vals[CASE_SOURCE], f->source);
    cpol__value_set_int(&r->vals[CASE_CATEGORY], f->category);
    cpol__value_set_int(&r->vals[CASE_STATE], CPOL_CASE_REPORTED);
    cpol__value_set_int(&r->vals[CASE_RISK_GRADE], 0);
    cpol__value_set_int(&r->vals[CASE_TIER], 0);
    cpol__value_set_int(&r->vals[CASE_OUTCOME], 0);
    cpol__value_set_int(&r->vals[CASE_CONFIDENTIAL],
                        f->confidential || f->source == CPOL_CASE_SOURCE_INFORMANT_TIP);
    cpol__value_set_int(&r->vals[CASE_REPORTED_AT], reported_at);
    cpol__value_set_int(&r->vals[CASE_CLOCK_AT], reported_at);
    cpol__value_set_int(&r->vals[CASE_REOPEN_COUNT], 0);
    cpol__value_set_int(&r->vals[CASE_UPDATED_AT], now);
    return rc;
}

/* Who reported: the person named, else the acting person unless an
 * unregistered name was given. NULL when nobody is known. */
static const cpol_id *pick_reporter(const report_args *a)
{
    if (a->f->reporter)
        return a->f->reporter;
    if (a->f->reporter_name && a->f->reporter_name[0])
        return NULL;
    return a->as->system ? NULL : &a->as->person;
}

static int report_body(cpol_ctx *ctx, void *arg)
{
    report_args *a = arg;
    const cpol_case_fields *f = a->f;
    cpol_record *r = NULL;
    cpol__case_event ev;
    cpol_id station;
    const cpol_id *reporter = pick_reporter(a);
    char *path = NULL;
    int has_station, rc;
    cpol_time now = cpol_ctx_now(ctx), reported_at = f->reported_at ? f->reported_at : now;
    rc = cpol__area_lookup(ctx, f->area, &station, &has_station, &path, NULL);
    if (rc >= 0 && !has_station)
        rc = cpol__error(CPOL_ERULE, "a case happens in an area under a police station, not at a bureau");
    if (rc >= 0)
        rc = cpol__authorize(ctx, a->as, CPOL_PERM_CASE_REPORT, &station);
    if (rc >= 0 && f->reporter) {
        cpol_record *p;
        rc = cpol__load(ctx, &cpol__table_person, f->reporter, "reporter", &p);
        cpol__record_free(p);
        if (rc >= 0)
            rc = cpol__case_check_named(ctx, a->as, f->reporter, "reporter");
    }
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_case, &r);
    if (rc >= 0) {
        cpol_id_new(ctx, &a->id);
        rc = fill_case_row(r, a, &station, path, reporter, reported_at, now);
    }
    if (rc >= 0)
        rc = cpol__store_insert(ctx->store, r);
    if (rc >= 0) {
        memset(&ev, 0, sizeof ev);
        cpol_id_new(ctx, &ev.id);
        ev.step = CPOL_STEP_REPORT;
        ev.to = CPOL_CASE_REPORTED;
        ev.at = reported_at;
        ev.subject = reporter;
        rc = cpol__case_event_insert(ctx, a->as, r, &ev);
    }
    if (rc >= 0) {
        /* never the reporter: the audit trail is read more widely than tips may be */
        char after[256];
        snprintf(after, sizeof after, "reported; %s from %s", cpol_case_category_name(f->category),
                 cpol_case_source_name(f->source));
        rc = cpol__audit(ctx, a->as, "case", &a->id, &station, "case.report", "", after, NULL);
    }
    cpol__record_free(r);
    cpol_free(path);
    return rc;
}

int cpol_case_report(cpol_ctx *ctx, const cpol_actor *as, const cpol_case_fields *fields, cpol_id *id_out)
{
    report_args a;
    int rc;
    if (!ctx || !as || !fields)
        return cpol__null_arg("cpol_case_report", !ctx ? "ctx" : !as ? "as" : "fields");
    rc = check_fields(ctx, fields);
    if (rc < 0)
        return rc;
    memset(&a, 0, sizeof a);
    a.as = as;
    a.f = fields;
    rc = cpol__ctx_atomic(ctx, report_body, &a);
    if (rc >= 0 && id_out)
        *id_out = a.id;
    return rc;
}

/* ---- parties ---- */

typedef struct party_args {
    const cpol_actor *as;
    const cpol_id *case_id, *person;
    const char *name;
    cpol_id id;
} party_args;

static int party_exists(cpol_ctx *ctx, const cpol_id *case_id, const cpol_id *person)
{
    cpol_query *q;
    int64_t n = 0;
    int rc = cpol__query_new(&cpol__table_case_party, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, PARTY_CASE, CPOL_OP_EQ, case_id);
    if (rc >= 0)
        rc = cpol__query_where_id(q, PARTY_PERSON, CPOL_OP_EQ, person);
    if (rc >= 0)
        rc = cpol__store_count(ctx->store, q, &n);
    cpol__query_free(q);
    return rc < 0 ? rc : n > 0;
}

static int party_check(cpol_ctx *ctx, const party_args *a, const cpol_record *c, const cpol_id *station)
{
    char label[CPOL_PERSON_NAME_MAX + 1];
    int state = (int)cpol__record_int(c, CASE_STATE), rc;
    rc = cpol__authorize(ctx, a->as, cpol__case_is_reporter(a->as, c) ? CPOL_PERM_CASE_REPORT : CPOL_PERM_CASE_TRIAGE,
                         station);
    if (rc >= 0 && (state == CPOL_CASE_CLOSED || state == CPOL_CASE_REJECTED))
        rc = cpol__error(CPOL_ESTATE, "a case that is %s takes no new parties", cpol_case_state_name(state));
    if (rc < 0 || !a->person)
        return rc;
    rc = cpol__person_exists(ctx, a->person);
    if (rc >= 0)
        rc = cpol__case_check_named(ctx, a->as, a->person, "person");
    if (rc >= 0) {
        cpol__team_person_name(ctx, a->person, label, sizeof label);
        rc = party_exists(ctx, a->case_id, a->person);
        if (rc > 0)
            rc = cpol__error(CPOL_EEXISTS, "%s is already a party to the case", label);
    }
    return rc;
}

static int party_body(cpol_ctx *ctx, void *arg)
{
    party_args *a = arg;
    cpol_record *c, *r = NULL;
    cpol_id station;
    char party[37], after[64];
    int rc = cpol__case_load(ctx, a->case_id, &c);
    if (rc < 0)
        return rc;
    cpol__record_get_id(c, CASE_STATION, &station);
    rc = party_check(ctx, a, c, &station);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_case_party, &r);
    if (rc >= 0) {
        cpol_id_new(ctx, &a->id);
        rc = cpol__record_set_id(r, PARTY_ID, &a->id);
        if (rc >= 0)
            rc = cpol__record_set_id(r, PARTY_STATION, &station);
        if (rc >= 0)
            rc = cpol__record_set_id(r, PARTY_CASE, a->case_id);
        if (rc >= 0)
            rc = cpol__record_set_id_or_null(r, PARTY_PERSON, a->person);
        if (rc >= 0)
            rc = cpol__record_set_text0(r, PARTY_NAME, a->name);
        cpol__value_set_int(&r->vals[PARTY_ADDED_AT], cpol_ctx_now(ctx));
    }
    if (rc >= 0)
        rc = cpol__store_insert(ctx->store, r);
    if (rc >= 0) { /* the party row, not who it is: the trail is read more widely than parties may be */
        cpol__id_text(&a->id, party);
        snprintf(after, sizeof after, "party %s (%s)", party, a->person ? "registered person" : "by name");
        rc = cpol__audit(ctx, a->as, "case", a->case_id, &station, "case.party.add", "", after, NULL);
    }
    cpol__record_free(r);
    cpol__record_free(c);
    return rc;
}

int cpol_case_party_add(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *case_id, const cpol_id *person,
                        const char *name, cpol_id *id_out)
{
    party_args a;
    size_t len;
    int rc;
    if (!ctx || !as || !case_id)
        return cpol__null_arg("cpol_case_party_add", !ctx ? "ctx" : !as ? "as" : "case_id");
    if ((person != NULL) == (name != NULL))
        return cpol__error(CPOL_EINVALID, "cpol_case_party_add: give either a registered person or a name, "
                                          "not both and not neither");
    if (name) {
        rc = cpol__check_name("cpol_case_party_add", "name", name, CPOL_PERSON_NAME_MAX, &len);
        if (rc < 0)
            return rc;
    }
    memset(&a, 0, sizeof a);
    a.as = as;
    a.case_id = case_id;
    a.person = person;
    a.name = name;
    rc = cpol__ctx_atomic(ctx, party_body, &a);
    if (rc >= 0 && id_out)
        *id_out = a.id;
    return rc;
}
