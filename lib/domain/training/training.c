/* Training (社区警校): the tables, courses and their sessions. Attendance,
 * certificates and a person's record are in training_record.c. */
#include <stdio.h>
#include <string.h>

#include <commpolice/area.h>
#include <commpolice/training.h>

#include "domain/base/domain.h"
#include "domain/base/snapshot.h"
#include "domain/base/tables.h"
#include "domain/training/training_tables.h"

static const cpol_column_def course_columns[COURSE_NCOLS] = {
    [COURSE_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [COURSE_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [COURSE_KIND] = {"kind", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [COURSE_TITLE] = {"title", CPOL_COLUMN_TEXT, CPOL_COLUMN_NOTNULL},
    [COURSE_CERT_VALID_DAYS] = {"cert_valid_days", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [COURSE_CREATED_AT] = {"created_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
};
static const cpol_index_def course_indexes[] = {
    {"course_station_kind", 0, 2, {COURSE_STATION, COURSE_KIND}},
};
const cpol_table cpol__table_course = {"course", COURSE_NCOLS, course_columns,
                                       sizeof course_indexes / sizeof course_indexes[0], course_indexes, 0};

static const cpol_column_def session_columns[TSESSION_NCOLS] = {
    [TSESSION_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [TSESSION_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [TSESSION_COURSE] = {"course_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [TSESSION_STARTS_AT] = {"starts_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
    [TSESSION_MINUTES] = {"minutes", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [TSESSION_LOCATION] = {"location_area_id", CPOL_COLUMN_ID, 0},
    [TSESSION_CREATED_AT] = {"created_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
};
static const cpol_index_def session_indexes[] = {
    {"training_session_course", 0, 2, {TSESSION_COURSE, TSESSION_STARTS_AT}},
    {"training_session_station", 0, 2, {TSESSION_STATION, TSESSION_STARTS_AT}},
};
const cpol_table cpol__table_training_session = {"training_session", TSESSION_NCOLS, session_columns,
                                                 sizeof session_indexes / sizeof session_indexes[0],
                                                 session_indexes, 0};

static const cpol_column_def attendance_columns[ATTEND_NCOLS] = {
    [ATTEND_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [ATTEND_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [ATTEND_SESSION] = {"session_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [ATTEND_COURSE] = {"course_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [ATTEND_KIND] = {"course_kind", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [ATTEND_PERSON] = {"person_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [ATTEND_STARTS_AT] = {"starts_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
    [ATTEND_MINUTES] = {"minutes", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [ATTEND_PRESENT] = {"present", CPOL_COLUMN_BOOL, CPOL_COLUMN_NOTNULL},
    [ATTEND_RECORDED_AT] = {"recorded_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
};
static const cpol_index_def attendance_indexes[] = {
    {"training_attendance_session_person", 1, 2, {ATTEND_SESSION, ATTEND_PERSON}},
    {"training_attendance_person", 0, 2, {ATTEND_PERSON, ATTEND_STARTS_AT}},
    {"training_attendance_course_person", 0, 3, {ATTEND_COURSE, ATTEND_PERSON, ATTEND_PRESENT}},
};
const cpol_table cpol__table_attendance = {"training_attendance", ATTEND_NCOLS, attendance_columns,
                                           sizeof attendance_indexes / sizeof attendance_indexes[0],
                                           attendance_indexes, 0};

static const cpol_column_def certificate_columns[CERT_NCOLS] = {
    [CERT_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [CERT_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [CERT_COURSE] = {"course_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [CERT_KIND] = {"course_kind", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [CERT_PERSON] = {"person_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [CERT_ISSUED_AT] = {"issued_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
    [CERT_EXPIRES_AT] = {"expires_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
};
static const cpol_index_def certificate_indexes[] = {
    {"certificate_person_kind", 0, 3, {CERT_PERSON, CERT_KIND, CERT_EXPIRES_AT}},
    {"certificate_person_course", 0, 2, {CERT_PERSON, CERT_COURSE}},
};
const cpol_table cpol__table_certificate = {"certificate", CERT_NCOLS, certificate_columns,
                                            sizeof certificate_indexes / sizeof certificate_indexes[0],
                                            certificate_indexes, 0};

struct cpol_course {
    cpol_record *row;
    cpol_id id, station;
};

struct cpol_course_iter {
    cpol__snapshot_iter base;
    cpol_course current;
};

struct cpol_training_session {
    cpol_record *row;
    cpol_id id, course, station, location;
    int has_location;
};

struct cpol_training_session_iter {
    cpol__snapshot_iter base;
    cpol_training_session current;
};

const char *cpol_course_kind_name(int kind)
{
    static const char *const names[] = {NULL,       "police skills", "dispute mediation", "law education",
                                        "fraud prevention", "first aid", "fire drill"};
    return kind >= CPOL_COURSE_POLICE_SKILLS && kind <= CPOL_COURSE_FIRE_DRILL ? names[kind] : "unknown";
}

/* ---- courses ---- */

typedef struct course_args {
    const cpol_actor *as;
    const cpol_id *station;
    int kind;
    const char *title;
    size_t title_len;
    int32_t days;
    cpol_id id;
} course_args;

/* The station argument must name a station: courses are run by one. */
static int check_is_station(cpol_ctx *ctx, const cpol_id *area)
{
    cpol_id station;
    int has_station, kind;
    int rc = cpol__area_lookup(ctx, area, &station, &has_station, NULL, &kind);
    if (rc >= 0 && kind != CPOL_AREA_STATION)
        rc = cpol__error(CPOL_ERULE, "a course is run by a police station, not by a %s",
                         cpol_area_kind_name(kind));
    return rc;
}

static int course_body(cpol_ctx *ctx, void *arg)
{
    course_args *a = arg;
    cpol_record *r = NULL;
    char after[CPOL_COURSE_TITLE_MAX + 80];
    int rc = check_is_station(ctx, a->station);
    if (rc >= 0)
        rc = cpol__authorize(ctx, a->as, CPOL_PERM_TRAINING_MANAGE, a->station);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_course, &r);
    if (rc >= 0) {
        cpol_id_new(ctx, &a->id);
        rc = cpol__record_set_id(r, COURSE_ID, &a->id);
        if (rc >= 0)
            rc = cpol__record_set_id(r, COURSE_STATION, a->station);
        cpol__value_set_int(&r->vals[COURSE_KIND], a->kind);
        if (rc >= 0 && cpol__value_set_text(&r->vals[COURSE_TITLE], a->title, a->title_len) < 0)
            rc = cpol__oom();
        cpol__value_set_int(&r->vals[COURSE_CERT_VALID_DAYS], a->days);
        cpol__value_set_int(&r->vals[COURSE_CREATED_AT], cpol_ctx_now(ctx));
    }
    if (rc >= 0)
        rc = cpol__store_insert(ctx->store, r);
    if (rc >= 0) {
        snprintf(after, sizeof after, "%s \"%s\" certificate_days=%d", cpol_course_kind_name(a->kind), a->title,
                 (int)a->days);
        rc = cpol__audit(ctx, a->as, "course", &a->id, a->station, "course.create", NULL, after, NULL);
    }
    cpol__record_free(r);
    return rc;
}

int cpol_course_create(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, int kind, const char *title,
                       int32_t cert_valid_days, cpol_id *id_out)
{
    course_args a;
    int rc;
    if (!ctx || !as || !station)
        return cpol__null_arg("cpol_course_create", !ctx ? "ctx" : !as ? "as" : "station");
    if (kind < CPOL_COURSE_POLICE_SKILLS || kind > CPOL_COURSE_FIRE_DRILL)
        return cpol__error(CPOL_EINVALID, "cpol_course_create: %d is not a course kind", kind);
    if (cert_valid_days < 0 || cert_valid_days > CPOL_CERT_VALID_DAYS_MAX)
        return cpol__error(CPOL_EINVALID, "cpol_course_create: cert_valid_days %d is outside 0..%d",
                           (int)cert_valid_days, CPOL_CERT_VALID_DAYS_MAX);
    rc = cpol__check_name("cpol_course_create", "title", title, CPOL_COURSE_TITLE_MAX, &a.title_len);
    if (rc < 0)
        return rc;
    a.as = as;
    a.station = station;
    a.kind = kind;
    a.title = title;
    a.days = cert_valid_days;
    rc = cpol__ctx_atomic(ctx, course_body, &a);
    if (rc >= 0 && id_out)
        *id_out = a.id;
    return rc;
}

static int course_refresh(cpol_store *store, void *snap)
{
    cpol_course *c = snap;
    (void)store;
    cpol__record_get_id(c->row, COURSE_ID, &c->id);
    cpol__record_get_id(c->row, COURSE_STATION, &c->station);
    return CPOL_OK;
}

/* Reference data: any active actor of the station that runs it reads it.
 * On refusal the snapshot is freed and *snap set to NULL. */
static int authorize_station_read(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, void **snap)
{
    int rc = cpol__authorize(ctx, as, CPOL__PERM_ANY, station);
    if (rc < 0) {
        cpol__snapshot_free(*snap);
        *snap = NULL;
    }
    return rc;
}

int cpol_course_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, cpol_course **out)
{
    void *snap;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !id || !out)
        return cpol__null_arg("cpol_course_get", !ctx ? "ctx" : !as ? "as" : !id ? "id" : "out");
    rc = cpol__snapshot_get(ctx, &cpol__table_course, id, "course", sizeof(cpol_course), course_refresh, &snap);
    if (rc >= 0)
        rc = authorize_station_read(ctx, as, &((cpol_course *)snap)->station, &snap);
    *out = snap;
    return rc;
}

void cpol_course_free(cpol_course *course) { cpol__snapshot_free(course); }
const cpol_id *cpol_course_id(const cpol_course *c) { return c ? &c->id : NULL; }
const cpol_id *cpol_course_station(const cpol_course *c) { return c ? &c->station : NULL; }
int cpol_course_kind(const cpol_course *c) { return c ? (int)cpol__record_int(c->row, COURSE_KIND) : 0; }
const char *cpol_course_title(const cpol_course *c) { return c ? cpol__record_text_or_empty(c->row, COURSE_TITLE) : ""; }
int32_t cpol_course_cert_valid_days(const cpol_course *c)
{
    return c ? (int32_t)cpol__record_int(c->row, COURSE_CERT_VALID_DAYS) : 0;
}
cpol_time cpol_course_created_at(const cpol_course *c) { return c ? cpol__record_int(c->row, COURSE_CREATED_AT) : 0; }

int cpol_course_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, int kind,
                         cpol_course_iter **out)
{
    cpol_query *q = NULL;
    void *it = NULL;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !station || !out)
        return cpol__null_arg("cpol_course_iter_new", !ctx ? "ctx" : !as ? "as" : !station ? "station" : "out");
    if (kind < 0 || kind > CPOL_COURSE_FIRE_DRILL)
        return cpol__error(CPOL_EINVALID, "cpol_course_iter_new: %d is not a course kind", kind);
    rc = cpol__authorize(ctx, as, CPOL__PERM_ANY, station);
    if (rc >= 0)
        rc = cpol__query_new(&cpol__table_course, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, COURSE_STATION, CPOL_OP_EQ, station);
    if (rc >= 0 && kind)
        rc = cpol__query_where_int(q, COURSE_KIND, CPOL_OP_EQ, kind);
    if (rc >= 0)
        rc = cpol__snapshot_iter_new(ctx, q, sizeof(cpol_course_iter), offsetof(cpol_course_iter, current),
                                     course_refresh, &it);
    cpol__query_free(q);
    *out = it;
    return rc;
}

int cpol_course_iter_next(cpol_course_iter *it, const cpol_course **out)
{
    int rc;
    if (!it || !out)
        return cpol__null_arg("cpol_course_iter_next", !it ? "it" : "out");
    rc = cpol__snapshot_iter_next(it);
    if (rc == CPOL_OK)
        *out = &it->current;
    return rc;
}

void cpol_course_iter_free(cpol_course_iter *it) { cpol__snapshot_iter_free(it); }

/* ---- sessions ---- */

typedef struct session_args {
    const cpol_actor *as;
    const cpol_id *course, *location;
    cpol_time starts_at;
    int32_t minutes;
    cpol_id id;
} session_args;

/* A session's location must lie within the course's station. */
static int check_location(cpol_ctx *ctx, const cpol_id *location, const cpol_id *station)
{
    cpol_id where;
    int has_station;
    int rc = cpol__area_lookup(ctx, location, &where, &has_station, NULL, NULL);
    if (rc >= 0 && (!has_station || cpol_id_compare(&where, station) != 0))
        rc = cpol__error(CPOL_ERULE, "the session's location lies outside the course's police station");
    return rc;
}

static int session_body(cpol_ctx *ctx, void *arg)
{
    session_args *a = arg;
    cpol_record *course, *r = NULL;
    cpol_id station;
    char after[CPOL_COURSE_TITLE_MAX + 80], when[CPOL__TIME_TEXT];
    int rc = cpol__load(ctx, &cpol__table_course, a->course, "course", &course);
    if (rc < 0)
        return rc;
    cpol__record_get_id(course, COURSE_STATION, &station);
    rc = cpol__authorize(ctx, a->as, CPOL_PERM_TRAINING_MANAGE, &station);
    if (rc >= 0 && a->location)
        rc = check_location(ctx, a->location, &station);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_training_session, &r);
    if (rc >= 0) {
        cpol_id_new(ctx, &a->id);
        rc = cpol__record_set_id(r, TSESSION_ID, &a->id);
        if (rc >= 0)
            rc = cpol__record_set_id(r, TSESSION_STATION, &station);
        if (rc >= 0)
            rc = cpol__record_set_id(r, TSESSION_COURSE, a->course);
        if (rc >= 0)
            rc = cpol__record_set_id_or_null(r, TSESSION_LOCATION, a->location);
        cpol__value_set_int(&r->vals[TSESSION_STARTS_AT], a->starts_at);
        cpol__value_set_int(&r->vals[TSESSION_MINUTES], a->minutes);
        cpol__value_set_int(&r->vals[TSESSION_CREATED_AT], cpol_ctx_now(ctx));
    }
    if (rc >= 0)
        rc = cpol__store_insert(ctx->store, r);
    if (rc >= 0) {
        cpol__time_text(a->starts_at, when);
        snprintf(after, sizeof after, "\"%s\" at %s for %d min", cpol__record_text_or_empty(course, COURSE_TITLE),
                 when, (int)a->minutes);
        rc = cpol__audit(ctx, a->as, "training_session", &a->id, &station, "training_session.create", NULL, after,
                         NULL);
    }
    cpol__record_free(r);
    cpol__record_free(course);
    return rc;
}

int cpol_training_session_create(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *course, cpol_time starts_at,
                                 int32_t minutes, const cpol_id *location, cpol_id *id_out)
{
    session_args a;
    int rc;
    if (!ctx || !as || !course)
        return cpol__null_arg("cpol_training_session_create", !ctx ? "ctx" : !as ? "as" : "course");
    if (starts_at <= 0)
        return cpol__error(CPOL_EINVALID, "cpol_training_session_create: starts_at must be a time after the epoch");
    if (minutes < 1 || minutes > CPOL_SESSION_MINUTES_MAX)
        return cpol__error(CPOL_EINVALID, "cpol_training_session_create: minutes %d is outside 1..%d", (int)minutes,
                           CPOL_SESSION_MINUTES_MAX);
    a.as = as;
    a.course = course;
    a.location = location;
    a.starts_at = starts_at;
    a.minutes = minutes;
    rc = cpol__ctx_atomic(ctx, session_body, &a);
    if (rc >= 0 && id_out)
        *id_out = a.id;
    return rc;
}

static int session_refresh(cpol_store *store, void *snap)
{
    cpol_training_session *s = snap;
    (void)store;
    cpol__record_get_id(s->row, TSESSION_ID, &s->id);
    cpol__record_get_id(s->row, TSESSION_COURSE, &s->course);
    cpol__record_get_id(s->row, TSESSION_STATION, &s->station);
    s->has_location = cpol__record_get_id(s->row, TSESSION_LOCATION, &s->location);
    return CPOL_OK;
}

int cpol_training_session_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id,
                              cpol_training_session **out)
{
    void *snap;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !id || !out)
        return cpol__null_arg("cpol_training_session_get", !ctx ? "ctx" : !as ? "as" : !id ? "id" : "out");
    rc = cpol__snapshot_get(ctx, &cpol__table_training_session, id, "training session",
                            sizeof(cpol_training_session), session_refresh, &snap);
    if (rc >= 0)
        rc = authorize_station_read(ctx, as, &((cpol_training_session *)snap)->station, &snap);
    *out = snap;
    return rc;
}

void cpol_training_session_free(cpol_training_session *s) { cpol__snapshot_free(s); }
const cpol_id *cpol_training_session_id(const cpol_training_session *s) { return s ? &s->id : NULL; }
const cpol_id *cpol_training_session_course(const cpol_training_session *s) { return s ? &s->course : NULL; }
const cpol_id *cpol_training_session_station(const cpol_training_session *s) { return s ? &s->station : NULL; }
cpol_time cpol_training_session_starts_at(const cpol_training_session *s)
{
    return s ? cpol__record_int(s->row, TSESSION_STARTS_AT) : 0;
}
int32_t cpol_training_session_minutes(const cpol_training_session *s)
{
    return s ? (int32_t)cpol__record_int(s->row, TSESSION_MINUTES) : 0;
}
const cpol_id *cpol_training_session_location(const cpol_training_session *s)
{
    return s && s->has_location ? &s->location : NULL;
}

int cpol_training_session_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *course,
                                   cpol_training_session_iter **out)
{
    cpol_record *c;
    cpol_query *q = NULL;
    cpol_id station;
    void *it = NULL;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !course || !out)
        return cpol__null_arg("cpol_training_session_iter_new",
                              !ctx ? "ctx" : !as ? "as" : !course ? "course" : "out");
    rc = cpol__load(ctx, &cpol__table_course, course, "course", &c);
    if (rc < 0)
        return rc;
    cpol__record_get_id(c, COURSE_STATION, &station);
    cpol__record_free(c);
    rc = cpol__authorize(ctx, as, CPOL__PERM_ANY, &station);
    if (rc < 0)
        return rc;
    rc = cpol__query_new(&cpol__table_training_session, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, TSESSION_COURSE, CPOL_OP_EQ, course);
    if (rc >= 0) {
        cpol__query_order(q, TSESSION_STARTS_AT, 0);
        rc = cpol__snapshot_iter_new(ctx, q, sizeof(cpol_training_session_iter),
                                     offsetof(cpol_training_session_iter, current), session_refresh, &it);
    }
    cpol__query_free(q);
    *out = it;
    return rc;
}

int cpol_training_session_iter_next(cpol_training_session_iter *it, const cpol_training_session **out)
{
    int rc;
    if (!it || !out)
        return cpol__null_arg("cpol_training_session_iter_next", !it ? "it" : "out");
    rc = cpol__snapshot_iter_next(it);
    if (rc == CPOL_OK)
        *out = &it->current;
    return rc;
}

void cpol_training_session_iter_free(cpol_training_session_iter *it) { cpol__snapshot_iter_free(it); }
