/* Patrols and activities: the tables and scheduling shifts. Sign-ups, their
 * steps and closing a shift are in activity_signup.c; reading shifts and
 * sign-ups in activity_query.c. */
#include <stdio.h>
#include <string.h>

#include <commpolice/activity.h>

#include "util/alloc.h"
#include "domain/base/domain.h"
#include "domain/base/snapshot.h"
#include "domain/base/tables.h"
#include "domain/activity/activity_tables.h"
#include "domain/teams/team_tables.h"

#define MS_PER_MINUTE 60000LL

static const cpol_column_def shift_columns[SHIFT_NCOLS] = {
    [SHIFT_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [SHIFT_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [SHIFT_AREA] = {"area_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [SHIFT_AREA_PATH] = {"area_path", CPOL_COLUMN_TEXT, CPOL_COLUMN_NOTNULL},
    [SHIFT_TEAM] = {"team_id", CPOL_COLUMN_ID, 0},
    [SHIFT_KIND] = {"kind", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [SHIFT_TITLE] = {"title", CPOL_COLUMN_TEXT, CPOL_COLUMN_NOTNULL},
    [SHIFT_STARTS_AT] = {"starts_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
    [SHIFT_ENDS_AT] = {"ends_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
    [SHIFT_CAPACITY] = {"capacity", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [SHIFT_STATUS] = {"status", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [SHIFT_AUDIENCE] = {"audience", CPOL_COLUMN_INT, 0},
    [SHIFT_CLOSED_AT] = {"closed_at", CPOL_COLUMN_TIME, 0},
    [SHIFT_CREATED_AT] = {"created_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
};
static const cpol_index_def shift_indexes[] = {
    {"shift_station_start", 0, 2, {SHIFT_STATION, SHIFT_STARTS_AT}},
    {"shift_area_path", 0, 1, {SHIFT_AREA_PATH}},
    {"shift_team_start", 0, 2, {SHIFT_TEAM, SHIFT_STARTS_AT}},
    {"shift_start", 0, 1, {SHIFT_STARTS_AT}},
};
const cpol_table cpol__table_shift = {"shift", SHIFT_NCOLS, shift_columns,
                                      sizeof shift_indexes / sizeof shift_indexes[0], shift_indexes, 0};

static const cpol_column_def signup_columns[SIGNUP_NCOLS] = {
    [SIGNUP_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [SIGNUP_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [SIGNUP_SHIFT] = {"shift_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [SIGNUP_PERSON] = {"person_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [SIGNUP_KIND] = {"shift_kind", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [SIGNUP_STARTS_AT] = {"shift_starts_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
    [SIGNUP_STATUS] = {"status", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [SIGNUP_SIGNED_UP_AT] = {"signed_up_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
    [SIGNUP_CHECKED_IN_AT] = {"checked_in_at", CPOL_COLUMN_TIME, 0},
    [SIGNUP_COMPLETED_AT] = {"completed_at", CPOL_COLUMN_TIME, 0},
    [SIGNUP_MINUTES] = {"minutes", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [SIGNUP_UPDATED_AT] = {"updated_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
};
static const cpol_index_def signup_indexes[] = {
    {"shift_signup_shift_status", 0, 2, {SIGNUP_SHIFT, SIGNUP_STATUS}},
    {"shift_signup_shift_person", 0, 2, {SIGNUP_SHIFT, SIGNUP_PERSON}},
    {"shift_signup_person", 0, 3, {SIGNUP_PERSON, SIGNUP_STATUS, SIGNUP_STARTS_AT}},
    {"shift_signup_start", 0, 1, {SIGNUP_STARTS_AT}},
};
const cpol_table cpol__table_signup = {"shift_signup", SIGNUP_NCOLS, signup_columns,
                                       sizeof signup_indexes / sizeof signup_indexes[0], signup_indexes, 0};

const char *cpol_shift_kind_name(int kind)
{
    static const char *const names[] = {NULL, "patrol", "publicity session", "other duty"};
    return kind >= CPOL_SHIFT_PATROL && kind <= CPOL_SHIFT_OTHER ? names[kind] : "unknown";
}

const char *cpol_shift_status_name(int status)
{
    static const char *const names[] = {NULL, "open", "closed"};
    return status >= CPOL_SHIFT_OPEN && status <= CPOL_SHIFT_CLOSED ? names[status] : "unknown";
}

/* The sign-ups of a shift that hold a place. */
static int places_query(const cpol_id *shift, cpol_query **q)
{
    /* the place-holding states are the first three, so one range condition */
    int rc = cpol__query_new(&cpol__table_signup, q);
    if (rc >= 0)
        rc = cpol__query_where_id(*q, SIGNUP_SHIFT, CPOL_OP_EQ, shift);
    if (rc >= 0)
        rc = cpol__query_where_int(*q, SIGNUP_STATUS, CPOL_OP_LE, CPOL_SIGNUP_COMPLETED);
    return rc;
}

int cpol__shift_places_taken(cpol_store *store, const cpol_id *shift, int64_t *out)
{
    cpol_query *q = NULL;
    int rc = places_query(shift, &q);
    *out = 0;
    if (rc >= 0)
        rc = cpol__store_count(store, q, out);
    cpol__query_free(q);
    return rc;
}

int cpol__shift_places_hidden(cpol_store *store, cpol__reader *reader, const cpol_id *shift, int64_t *out)
{
    cpol_query *q = NULL;
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    cpol_id person;
    int hidden, rc;
    *out = 0;
    if (reader->cleared)
        return CPOL_OK;
    rc = places_query(shift, &q);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_signup, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(store, q, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK) {
        cpol__record_get_id(r, SIGNUP_PERSON, &person);
        rc = cpol__reader_hides(store, reader, &person, &hidden);
        *out += rc >= 0 && hidden;
    }
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(q);
    return rc == CPOL_DONE ? CPOL_OK : rc;
}

/* ---- scheduling ---- */

typedef struct shift_args {
    const cpol_actor *as;
    const cpol_shift_fields *f;
    size_t title_len;
    cpol_id id;
} shift_args;

static int check_fields(const cpol_shift_fields *f, size_t *title_len)
{
    static const char func[] = "cpol_shift_create";
    int rc;
    if (f->version == 0 || f->version > CPOL_SHIFT_FIELDS_VERSION)
        return cpol__error(CPOL_EVERSION, "%s: fields version %u is not supported", func, f->version);
    if (!f->area)
        return cpol__null_arg(func, "fields->area");
    if (f->kind < CPOL_SHIFT_PATROL || f->kind > CPOL_SHIFT_OTHER)
        return cpol__error(CPOL_EINVALID, "%s: %d is not a shift kind", func, (int)f->kind);
    rc = cpol__check_name(func, "title", f->title, CPOL_SHIFT_TITLE_MAX, title_len);
    if (rc < 0)
        return rc;
    if (f->starts_at <= 0 || f->ends_at <= f->starts_at)
        return cpol__error(CPOL_EINVALID, "%s: a shift must start after the epoch and end after it starts", func);
    if (f->ends_at - f->starts_at > CPOL_SHIFT_MINUTES_MAX * MS_PER_MINUTE)
        return cpol__error(CPOL_EINVALID, "%s: a shift lasts at most %d hours", func, CPOL_SHIFT_MINUTES_MAX / 60);
    if (f->capacity < 1 || f->capacity > CPOL_SHIFT_CAPACITY_MAX)
        return cpol__error(CPOL_EINVALID, "%s: capacity %d is outside 1..%d", func, (int)f->capacity,
                           CPOL_SHIFT_CAPACITY_MAX);
    return CPOL_OK;
}

static int fill_shift(cpol_ctx *ctx, cpol_record *r, shift_args *a, const cpol_id *station, const char *path)
{
    const cpol_shift_fields *f = a->f;
    int rc;
    cpol_id_new(ctx, &a->id);
    rc = cpol__record_set_id(r, SHIFT_ID, &a->id);
    if (rc >= 0)
        rc = cpol__record_set_id(r, SHIFT_STATION, station);
    if (rc >= 0)
        rc = cpol__record_set_id(r, SHIFT_AREA, f->area);
    if (rc >= 0)
        rc = cpol__record_set_text0(r, SHIFT_AREA_PATH, path);
    if (rc >= 0)
        rc = cpol__record_set_id_or_null(r, SHIFT_TEAM, f->team);
    if (rc >= 0 && cpol__value_set_text(&r->vals[SHIFT_TITLE], f->title, a->title_len) < 0)
        rc = cpol__oom();
    cpol__value_set_int(&r->vals[SHIFT_KIND], f->kind);
    cpol__value_set_int(&r->vals[SHIFT_STARTS_AT], f->starts_at);
    cpol__value_set_int(&r->vals[SHIFT_ENDS_AT], f->ends_at);
    cpol__value_set_int(&r->vals[SHIFT_CAPACITY], f->capacity);
    cpol__value_set_int(&r->vals[SHIFT_STATUS], CPOL_SHIFT_OPEN);
    cpol__value_set_int(&r->vals[SHIFT_CREATED_AT], cpol_ctx_now(ctx));
    return rc;
}

/* The team on duty must be one of the station's own teams. */
static int check_team(cpol_ctx *ctx, const cpol_id *team, const cpol_id *station)
{
    cpol_record *t;
    cpol_id team_station;
    int rc = cpol__load(ctx, &cpol__table_team, team, "team", &t);
    if (rc < 0)
        return rc;
    cpol__record_get_id(t, TEAM_STATION, &team_station);
    if (cpol_id_compare(&team_station, station) != 0)
        rc = cpol__error(CPOL_ERULE, "the team \"%s\" belongs to another police station than the shift's area",
                         cpol__record_text_or_empty(t, TEAM_NAME));
    cpol__record_free(t);
    return rc;
}

static int shift_body(cpol_ctx *ctx, void *arg)
{
    shift_args *a = arg;
    cpol_record *r = NULL;
    cpol_id station;
    int has_station;
    char *path = NULL;
    char after[CPOL_SHIFT_TITLE_MAX + 100], start[CPOL__TIME_TEXT], end[CPOL__TIME_TEXT];
    int rc = cpol__area_lookup(ctx, a->f->area, &station, &has_station, &path, NULL);
    if (rc >= 0 && !has_station)
        rc = cpol__error(CPOL_ERULE, "a shift takes place within a police station, not above one");
    if (rc >= 0)
        rc = cpol__authorize(ctx, a->as, CPOL_PERM_ACTIVITY_MANAGE, &station);
    if (rc >= 0 && a->f->team)
        rc = check_team(ctx, a->f->team, &station);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_shift, &r);
    if (rc >= 0)
        rc = fill_shift(ctx, r, a, &station, path);
    if (rc >= 0)
        rc = cpol__store_insert(ctx->store, r);
    if (rc >= 0) {
        cpol__time_text(a->f->starts_at, start);
        cpol__time_text(a->f->ends_at, end);
        snprintf(after, sizeof after, "%s \"%s\" %s to %s, %d places", cpol_shift_kind_name(a->f->kind),
                 a->f->title, start, end, (int)a->f->capacity);
        rc = cpol__audit(ctx, a->as, "shift", &a->id, &station, "shift.create", NULL, after, NULL);
    }
    cpol_free(path);
    cpol__record_free(r);
    return rc;
}

int cpol_shift_create(cpol_ctx *ctx, const cpol_actor *as, const cpol_shift_fields *fields, cpol_id *id_out)
{
    shift_args a;
    int rc;
    if (!ctx || !as || !fields)
        return cpol__null_arg("cpol_shift_create", !ctx ? "ctx" : !as ? "as" : "fields");
    rc = check_fields(fields, &a.title_len);
    if (rc < 0)
        return rc;
    a.as = as;
    a.f = fields;
    rc = cpol__ctx_atomic(ctx, shift_body, &a);
    if (rc >= 0 && id_out)
        *id_out = a.id;
    return rc;
}
