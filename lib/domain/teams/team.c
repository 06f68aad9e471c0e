/* Teams: creating them with their one responsible officer (一队一警),
 * replacing the officer, reading and listing them. Memberships live in
 * team_member.c, template checks in team_report.c. */
#include <stdio.h>
#include <string.h>

#include <commpolice/area.h>
#include <commpolice/person.h>
#include <commpolice/team.h>

#include "util/versioned.h"
#include "util/alloc.h"
#include "domain/base/domain.h"
#include "domain/base/reader.h"
#include "domain/base/tables.h"
#include "domain/teams/team_tables.h"

static const cpol_column_def team_columns[TEAM_NCOLS] = {
    [TEAM_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [TEAM_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [TEAM_NAME] = {"name", CPOL_COLUMN_TEXT, CPOL_COLUMN_NOTNULL},
    [TEAM_KIND] = {"kind", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [TEAM_TEMPLATE] = {"template", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [TEAM_AREA] = {"area_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [TEAM_AREA_PATH] = {"area_path", CPOL_COLUMN_TEXT, CPOL_COLUMN_NOTNULL},
    [TEAM_PARENT] = {"parent_id", CPOL_COLUMN_ID, 0},
    [TEAM_OFFICER] = {"officer_person_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [TEAM_CREATED_AT] = {"created_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
};

static const cpol_index_def team_indexes[] = {
    {"team_station_name", 1, 2, {TEAM_STATION, TEAM_NAME}},
    {"team_area_path", 0, 1, {TEAM_AREA_PATH}},
    {"team_parent", 0, 1, {TEAM_PARENT}},
    {"team_officer", 0, 1, {TEAM_OFFICER}},
};

const cpol_table cpol__table_team = {"team", TEAM_NCOLS, team_columns,
                                     sizeof team_indexes / sizeof team_indexes[0], team_indexes, 0};

struct cpol_team {
    cpol_record *row;
    cpol_id id, station, area, parent, officer;
    int has_parent;
};

struct cpol_team_iter {
    cpol_store *store;   /* held: covert officers are checked as rows come */
    cpol_cursor *cursor;
    cpol__reader reader;
    cpol_team current;
};

/* ---- names ---- */

const char *cpol_team_kind_name(int kind)
{
    static const char *const names[] = {NULL,
                                        "volunteer-police team",
                                        "patrol team",
                                        "mediation team",
                                        "safety stewards",
                                        "shop joint-defence team",
                                        "rescue team",
                                        "informant network"};
    return kind >= CPOL_TEAM_VOLUNTEER_POLICE && kind <= CPOL_TEAM_INFORMANT_NETWORK ? names[kind] : "unknown";
}

const char *cpol_team_template_name(int composition)
{
    static const char *const names[] = {"none", "1+1+N", "1+N", "1+10+N"};
    return composition >= CPOL_TEAM_TEMPLATE_NONE && composition <= CPOL_TEAM_TEMPLATE_1_10_N ? names[composition]
                                                                                              : "unknown";
}

const char *cpol_team_role_name(int role)
{
    static const char *const names[] = {NULL, "responsible officer", "auxiliary officer", "member", "team leader",
                                        "unit contact"};
    return role >= CPOL_TEAM_ROLE_OFFICER && role <= CPOL_TEAM_ROLE_UNIT_CONTACT ? names[role] : "unknown";
}

int cpol__team_count_subteams(cpol_ctx *ctx, const cpol_id *parent, int64_t *out)
{
    cpol_query *q;
    int rc = cpol__query_new(&cpol__table_team, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, TEAM_PARENT, CPOL_OP_EQ, parent);
    if (rc >= 0)
        rc = cpol__store_count(ctx->store, q, out);
    cpol__query_free(q);
    return rc;
}

/* ---- creating ---- */

typedef struct create_args {
    const cpol_actor *as;
    const cpol_team_fields *f;
    size_t name_len;
    cpol_id id;
} create_args;

/* A team can hang under a parent of its station that is a 1+10+N team with room left. */
static int check_parent(cpol_ctx *ctx, const cpol_id *parent_id, const cpol_id *station)
{
    cpol_record *parent;
    cpol_id parent_station;
    int64_t n;
    int rc = cpol__load(ctx, &cpol__table_team, parent_id, "parent team", &parent);
    if (rc < 0)
        return rc;
    cpol__record_get_id(parent, TEAM_STATION, &parent_station);
    if (cpol_id_compare(&parent_station, station) != 0)
        rc = cpol__error(CPOL_ERULE, "a sub-team must belong to the same station as its parent team %s",
                         cpol__record_text_or_empty(parent, TEAM_NAME));
    else if (cpol__record_int(parent, TEAM_TEMPLATE) != CPOL_TEAM_TEMPLATE_1_10_N)
        rc = cpol__error(CPOL_ERULE, "only a 1+10+N team has sub-teams; team %s is %s",
                         cpol__record_text_or_empty(parent, TEAM_NAME),
                         cpol_team_template_name((int)cpol__record_int(parent, TEAM_TEMPLATE)));
    else if ((rc = cpol__team_count_subteams(ctx, parent_id, &n)) >= 0 && n >= CPOL_TEAM_SUBTEAMS_MAX)
        rc = cpol__error(CPOL_ELIMIT, "a 1+10+N team has at most %d sub-teams; team %s already has %lld",
                         CPOL_TEAM_SUBTEAMS_MAX, cpol__record_text_or_empty(parent, TEAM_NAME), (long long)n);
    cpol__record_free(parent);
    return rc;
}

static int name_taken(cpol_ctx *ctx, const cpol_id *station, const char *name, size_t len)
{
    cpol_query *q;
    int64_t n = 0;
    int rc = cpol__query_new(&cpol__table_team, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, TEAM_STATION, CPOL_OP_EQ, station);
    if (rc >= 0)
        rc = cpol__query_where_text(q, TEAM_NAME, CPOL_OP_EQ, name, len);
    if (rc >= 0)
        rc = cpol__store_count(ctx->store, q, &n);
    cpol__query_free(q);
    if (rc >= 0 && n > 0)
        rc = cpol__error(CPOL_EEXISTS, "the station already has a team named \"%s\"", name);
    return rc;
}

/* The officer must exist and hold an active officer role at the station;
 * `name` (may be NULL) receives the name for messages. */
static int check_officer(cpol_ctx *ctx, const cpol_id *person, const cpol_id *station, char *name, size_t size)
{
    cpol_record *p;
    int rc = cpol__load(ctx, &cpol__table_person, person, "officer", &p);
    if (rc < 0)
        return rc;
    if (name)
        snprintf(name, size, "%s", cpol__record_text_or_empty(p, PERSON_NAME));
    rc = cpol__team_check_eligible(ctx, p, CPOL_TEAM_ROLE_OFFICER, station);
    cpol__record_free(p);
    return rc;
}

static int fill_team_row(cpol_ctx *ctx, cpol_record *r, const create_args *a, const cpol_id *station,
                         const char *path)
{
    const cpol_team_fields *f = a->f;
    int rc = cpol__record_set_id(r, TEAM_ID, &a->id);
    if (rc >= 0)
        rc = cpol__record_set_id(r, TEAM_STATION, station);
    if (rc >= 0 && cpol__value_set_text(&r->vals[TEAM_NAME], f->name, a->name_len) < 0)
        rc = cpol__oom();
    cpol__value_set_int(&r->vals[TEAM_KIND], f->kind);
    cpol__value_set_int(&r->vals[TEAM_TEMPLATE], f->composition);
    if (rc >= 0)
        rc = cpol__record_set_id(r, TEAM_AREA, f->area);
    if (rc >= 0)
        rc = cpol__record_set_text0(r, TEAM_AREA_PATH, path);
    if (rc >= 0)
        rc = cpol__record_set_id_or_null(r, TEAM_PARENT, f->parent);
    if (rc >= 0)
        rc = cpol__record_set_id(r, TEAM_OFFICER, f->officer);
    cpol__value_set_int(&r->vals[TEAM_CREATED_AT], cpol_ctx_now(ctx));
    return rc;
}

static int create_body(cpol_ctx *ctx, void *arg)
{
    create_args *a = arg;
    const cpol_team_fields *f = a->f;
    cpol_record *r = NULL;
    cpol_id station, membership;
    char *path = NULL, member_id[37], after[CPOL_TEAM_NAME_MAX + 128];
    int has_station, rc = cpol__area_lookup(ctx, f->area, &station, &has_station, &path, NULL);
    if (rc >= 0 && !has_station)
        rc = cpol__error(CPOL_ERULE, "a team serves an area within a police station; the area is above the "
                                     "station level");
    if (rc >= 0)
        rc = cpol__authorize(ctx, a->as, CPOL_PERM_TEAM_MANAGE, &station);
    if (rc >= 0 && f->parent)
        rc = check_parent(ctx, f->parent, &station);
    if (rc >= 0)
        rc = name_taken(ctx, &station, f->name, a->name_len);
    if (rc >= 0)
        rc = check_officer(ctx, f->officer, &station, NULL, 0);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_team, &r);
    if (rc >= 0) {
        cpol_id_new(ctx, &a->id);
        rc = fill_team_row(ctx, r, a, &station, path);
    }
    if (rc >= 0)
        rc = cpol__store_insert(ctx->store, r);
    if (rc >= 0)
        rc = cpol__membership_insert(ctx, &station, &a->id, f->officer, CPOL_TEAM_ROLE_OFFICER, &membership);
    /* audit summaries name memberships, never people: the trail is read by
     * roles that may not learn every person's name */
    if (rc >= 0) {
        cpol__id_text(&membership, member_id);
        snprintf(after, sizeof after, "%s %s (%s), responsible officer's membership %s", cpol_team_kind_name(f->kind),
                 f->name, cpol_team_template_name(f->composition), member_id);
        rc = cpol__audit(ctx, a->as, "team", &a->id, &station, "team.create", NULL, after, NULL);
    }
    cpol__record_free(r);
    cpol_free(path);
    return rc;
}

static int check_fields(const cpol_team_fields *f, size_t *name_len)
{
    static const char func[] = "cpol_team_create";
    if (f->version == 0 || f->version > CPOL_TEAM_FIELDS_VERSION)
        return cpol__error(CPOL_EVERSION, "%s: fields version %u is not supported", func, f->version);
    if (!f->area || !f->officer)
        return cpol__null_arg(func, !f->area ? "fields->area" : "fields->officer (一队一警: every team has one)");
    if (f->kind < CPOL_TEAM_VOLUNTEER_POLICE || f->kind > CPOL_TEAM_INFORMANT_NETWORK)
        return cpol__error(CPOL_EINVALID, "%s: %d is not a team kind", func, (int)f->kind);
    if (f->composition < CPOL_TEAM_TEMPLATE_NONE || f->composition > CPOL_TEAM_TEMPLATE_1_10_N)
        return cpol__error(CPOL_EINVALID, "%s: %d is not a team template", func, (int)f->composition);
    return cpol__check_name(func, "name", f->name, CPOL_TEAM_NAME_MAX, name_len);
}

int cpol_team_create(cpol_ctx *ctx, const cpol_actor *as, const cpol_team_fields *fields, cpol_id *id_out)
{
    create_args a;
    int rc;
    if (!ctx || !as || !fields)
        return cpol__null_arg("cpol_team_create", !ctx ? "ctx" : !as ? "as" : "fields");
    rc = check_fields(fields, &a.name_len);
    if (rc < 0)
        return rc;
    a.as = as;
    a.f = fields;
    rc = cpol__ctx_atomic(ctx, create_body, &a);
    if (rc >= 0 && id_out)
        *id_out = a.id;
    return rc;
}

/* ---- replacing the officer ---- */

typedef struct officer_args {
    const cpol_actor *as;
    const cpol_id *team, *person;
    const char *reason;
} officer_args;

/* The new officer may not already be on the team in another role. */
static int check_not_member(cpol_ctx *ctx, const cpol_id *team, const cpol_id *person, const char *team_name,
                            const char *name)
{
    cpol_record *existing;
    int rc = cpol__membership_find_active(ctx, team, person, &existing);
    if (rc > 0)
        rc = cpol__error(CPOL_EEXISTS, "%s is already an active member of team %s (as %s); end that membership "
                                       "first",
                         name, team_name, cpol_team_role_name((int)cpol__record_int(existing, MEMBER_ROLE)));
    cpol__record_free(existing);
    return rc;
}

/* End the current officer's membership (exactly one is active); *ended receives its id. */
static int end_officer_membership(cpol_ctx *ctx, const cpol_id *team, const cpol_id *officer, cpol_id *ended)
{
    cpol_record *m;
    int rc = cpol__membership_find_active(ctx, team, officer, &m);
    if (rc == 0)
        return cpol__error(CPOL_ECORRUPT, "the team's responsible officer has no active membership");
    if (rc > 0) {
        cpol__record_get_id(m, MEMBER_ID, ended);
        rc = cpol__membership_end(ctx, m);
    }
    cpol__record_free(m);
    return rc;
}

static int officer_body(cpol_ctx *ctx, void *arg)
{
    officer_args *a = arg;
    cpol_record *team;
    cpol_id station, old, ended, membership;
    char name[CPOL_PERSON_NAME_MAX + 1], id[37], before[64], after[64];
    const char *team_name;
    int rc = cpol__load(ctx, &cpol__table_team, a->team, "team", &team);
    if (rc < 0)
        return rc;
    team_name = cpol__record_text_or_empty(team, TEAM_NAME);
    cpol__record_get_id(team, TEAM_STATION, &station);
    cpol__record_get_id(team, TEAM_OFFICER, &old);
    rc = cpol__authorize(ctx, a->as, CPOL_PERM_TEAM_MANAGE, &station);
    if (rc >= 0)
        rc = check_officer(ctx, a->person, &station, name, sizeof name);
    if (rc >= 0 && cpol_id_compare(&old, a->person) == 0)
        rc = CPOL_ALREADY;
    if (rc == CPOL_OK)
        rc = check_not_member(ctx, a->team, a->person, team_name, name);
    if (rc == CPOL_OK)
        rc = end_officer_membership(ctx, a->team, &old, &ended);
    if (rc == CPOL_OK)
        rc = cpol__membership_insert(ctx, &station, a->team, a->person, CPOL_TEAM_ROLE_OFFICER, &membership);
    if (rc == CPOL_OK)
        rc = cpol__record_set_id(team, TEAM_OFFICER, a->person);
    if (rc == CPOL_OK)
        rc = cpol__store_update(ctx->store, team);
    if (rc == CPOL_OK) {
        cpol__id_text(&ended, id);
        snprintf(before, sizeof before, "officer's membership %s", id);
        cpol__id_text(&membership, id);
        snprintf(after, sizeof after, "officer's membership %s", id);
        rc = cpol__audit(ctx, a->as, "team", a->team, &station, "team.officer.set", before, after, a->reason);
    }
    cpol__record_free(team);
    return rc;
}

int cpol_team_set_officer(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *team, const cpol_id *person,
                          const char *reason)
{
    officer_args a;
    size_t len;
    int rc;
    if (!ctx || !as || !team || !person)
        return cpol__null_arg("cpol_team_set_officer", !ctx ? "ctx" : !as ? "as" : !team ? "team" : "person");
    rc = cpol__check_optional("cpol_team_set_officer", "reason", reason, CPOL_REASON_MAX, &len);
    if (rc < 0)
        return rc;
    a.as = as;
    a.team = team;
    a.person = person;
    a.reason = reason;
    return cpol__ctx_atomic(ctx, officer_body, &a);
}

/* ---- reading ---- */

/* Fill the cached ids; an officer hidden from the reader reads as nil (the
 * team itself is reference data and stays listed). */
static int team_refresh(cpol_store *store, cpol__reader *reader, cpol_team *t)
{
    int hidden, rc;
    cpol__record_get_id(t->row, TEAM_ID, &t->id);
    cpol__record_get_id(t->row, TEAM_STATION, &t->station);
    cpol__record_get_id(t->row, TEAM_AREA, &t->area);
    cpol__record_get_id(t->row, TEAM_OFFICER, &t->officer);
    t->has_parent = cpol__record_get_id(t->row, TEAM_PARENT, &t->parent);
    rc = cpol__reader_hides(store, reader, &t->officer, &hidden);
    if (rc >= 0 && hidden)
        memset(&t->officer, 0, sizeof t->officer);
    return rc;
}

int cpol_team_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, cpol_team **out)
{
    cpol__reader reader;
    cpol_team *t;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !id || !out)
        return cpol__null_arg("cpol_team_get", !ctx ? "ctx" : !as ? "as" : !id ? "id" : "out");
    t = cpol__calloc(1, sizeof *t);
    if (!t)
        return cpol__oom();
    rc = cpol__load(ctx, &cpol__table_team, id, "team", &t->row);
    if (rc >= 0) {
        cpol__record_get_id(t->row, TEAM_STATION, &t->station);
        rc = cpol__authorize(ctx, as, CPOL__PERM_ANY, &t->station);
    }
    if (rc >= 0)
        rc = cpol__reader_open(ctx, as, &reader);
    if (rc >= 0)
        rc = team_refresh(ctx->store, &reader, t);
    if (rc < 0) {
        cpol_team_free(t);
        return rc;
    }
    *out = t;
    return CPOL_OK;
}

void cpol_team_free(cpol_team *team)
{
    if (!team)
        return;
    cpol__record_free(team->row);
    cpol_free(team);
}

const cpol_id *cpol_team_id(const cpol_team *team) { return team ? &team->id : NULL; }
const char *cpol_team_name(const cpol_team *team) { return team ? cpol__record_text_or_empty(team->row, TEAM_NAME) : ""; }
int cpol_team_kind(const cpol_team *team) { return team ? (int)cpol__record_int(team->row, TEAM_KIND) : 0; }
int cpol_team_template(const cpol_team *team) { return team ? (int)cpol__record_int(team->row, TEAM_TEMPLATE) : 0; }
const cpol_id *cpol_team_area(const cpol_team *team) { return team ? &team->area : NULL; }
const cpol_id *cpol_team_station(const cpol_team *team) { return team ? &team->station : NULL; }
const cpol_id *cpol_team_parent(const cpol_team *team) { return team && team->has_parent ? &team->parent : NULL; }
const cpol_id *cpol_team_officer(const cpol_team *team) { return team ? &team->officer : NULL; }
cpol_time cpol_team_created_at(const cpol_team *team) { return team ? cpol__record_int(team->row, TEAM_CREATED_AT) : 0; }

/* Restrict q to teams whose area is `area` or below it: its path is the
 * area's path or starts with it (areas never move, so paths never change). */
static int where_in_subtree(cpol_ctx *ctx, cpol_query *q, const cpol_id *area)
{
    cpol_id station;
    int has_station;
    char *lo = NULL, *hi;
    size_t len;
    int rc = cpol__area_lookup(ctx, area, &station, &has_station, &lo, NULL);
    if (rc < 0)
        return rc;
    len = strlen(lo);
    hi = cpol__strndup(lo, len);
    if (!hi) {
        cpol_free(lo);
        return cpol__oom();
    }
    hi[len - 1] = (char)(hi[len - 1] + 1); /* last hex digit + 1: past every longer path below */
    rc = cpol__query_where_text(q, TEAM_AREA_PATH, CPOL_OP_GE, lo, len);
    if (rc >= 0)
        rc = cpol__query_where_text(q, TEAM_AREA_PATH, CPOL_OP_LT, hi, len);
    cpol_free(lo);
    cpol_free(hi);
    return rc;
}

/* `station` (may be NULL) bounds the listing to one station's teams. */
static int team_query(cpol_ctx *ctx, const cpol_team_filter *f, const cpol_id *station, cpol_query **out)
{
    int rc = cpol__query_new(&cpol__table_team, out);
    if (rc >= 0 && station)
        rc = cpol__query_where_id(*out, TEAM_STATION, CPOL_OP_EQ, station);
    if (rc >= 0 && f->area)
        rc = where_in_subtree(ctx, *out, f->area);
    if (rc >= 0 && f->kind)
        rc = cpol__query_where_int(*out, TEAM_KIND, CPOL_OP_EQ, f->kind);
    if (rc >= 0 && f->parent) {
        cpol_record *parent;
        rc = cpol__load(ctx, &cpol__table_team, f->parent, "parent team", &parent);
        cpol__record_free(parent);
        if (rc >= 0)
            rc = cpol__query_where_id(*out, TEAM_PARENT, CPOL_OP_EQ, f->parent);
    }
    if (rc >= 0)
        cpol__query_page(*out, f->offset, f->limit ? f->limit : -1);
    return rc;
}

int cpol_team_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_team_filter *filter, cpol_team_iter **out)
{
    cpol_team_filter f = CPOL_TEAM_FILTER_INIT;
    cpol_team_iter *it;
    cpol_query *q = NULL;
    cpol_id station;
    int rc, bound;
    if (out)
        *out = NULL;
    if (!ctx || !as || !out)
        return cpol__null_arg("cpol_team_iter_new", !ctx ? "ctx" : !as ? "as" : "out");
    if (filter) {
        rc = cpol__take_versioned(&f, filter, CPOL__SIZES_V1(cpol_team_filter), CPOL_TEAM_FILTER_VERSION,
                                  "cpol_team_iter_new", "filter");
        if (rc < 0)
            return rc;
    }
    if (f.kind < 0 || f.kind > CPOL_TEAM_INFORMANT_NETWORK || f.offset < 0 || f.limit < 0)
        return cpol__error(CPOL_EINVALID, "cpol_team_iter_new: a filter value is out of range (kind %d; offset "
                                          "and limit must not be negative)",
                           (int)f.kind);
    bound = cpol__listing_scope(ctx, as, CPOL__PERM_ANY, &station);
    if (bound < 0)
        return bound;
    it = cpol__calloc(1, sizeof *it);
    if (!it)
        return cpol__oom();
    it->store = ctx->store;
    cpol__store_retain(ctx->store);
    rc = cpol__reader_open(ctx, as, &it->reader);
    if (rc >= 0)
        rc = team_query(ctx, &f, bound ? &station : NULL, &q);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_team, &it->current.row);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &it->cursor);
    cpol__query_free(q);
    if (rc < 0) {
        cpol_team_iter_free(it);
        return rc;
    }
    *out = it;
    return CPOL_OK;
}

int cpol_team_iter_next(cpol_team_iter *it, const cpol_team **out)
{
    int rc;
    if (!it || !out)
        return cpol__null_arg("cpol_team_iter_next", !it ? "it" : "out");
    rc = cpol__cursor_next(it->cursor, it->current.row);
    if (rc == CPOL_OK)
        rc = team_refresh(it->store, &it->reader, &it->current);
    if (rc != CPOL_OK)
        return rc;
    *out = &it->current;
    return CPOL_OK;
}

void cpol_team_iter_free(cpol_team_iter *it)
{
    if (!it)
        return;
    cpol__cursor_close(it->cursor);
    cpol__record_free(it->current.row);
    if (it->store)
        cpol__store_release(it->store);
    cpol_free(it);
}
