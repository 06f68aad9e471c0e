/* Team memberships: who may fill which team role, adding and ending
 * memberships (never deleting them), and the roster iterators. */
#include <stdio.h>
#include <string.h>

#include <commpolice/person.h>
#include <commpolice/team.h>

#include "util/alloc.h"
#include "util/text.h"
#include "domain/base/domain.h"
#include "domain/base/reader.h"
#include "domain/base/snapshot.h"
#include "domain/base/tables.h"
#include "domain/teams/team_tables.h"

static const cpol_column_def membership_columns[MEMBER_NCOLS] = {
    [MEMBER_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [MEMBER_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [MEMBER_TEAM] = {"team_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [MEMBER_PERSON] = {"person_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [MEMBER_ROLE] = {"team_role", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [MEMBER_STATUS] = {"status", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [MEMBER_JOINED_AT] = {"joined_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
    [MEMBER_LEFT_AT] = {"left_at", CPOL_COLUMN_TIME, 0},
};

static const cpol_index_def membership_indexes[] = {
    {"membership_team_status_role", 0, 3, {MEMBER_TEAM, MEMBER_STATUS, MEMBER_ROLE}},
    {"membership_person", 0, 1, {MEMBER_PERSON}},
    {"membership_station", 0, 1, {MEMBER_STATION}},
};

const cpol_table cpol__table_membership = {"team_membership", MEMBER_NCOLS, membership_columns,
                                           sizeof membership_indexes / sizeof membership_indexes[0],
                                           membership_indexes, 0};

struct cpol_membership {
    cpol_record *row;
    cpol_id id, team, person;
};

struct cpol_membership_iter {
    cpol_store *store;   /* held: covert members are checked as rows come */
    cpol_cursor *cursor;
    cpol__reader reader;
    cpol_membership current;
};

void cpol__team_person_name(cpol_ctx *ctx, const cpol_id *person, char *buf, size_t size)
{
    cpol_record *p;
    if (cpol__load(ctx, &cpol__table_person, person, "person", &p) < 0) {
        snprintf(buf, size, "(unknown)");
        return;
    }
    snprintf(buf, size, "%s", cpol__record_text_or_empty(p, PERSON_NAME));
    cpol__record_free(p);
}

/* ---- who may fill a team role ---- */

/* Does an assignment of `assignment_role` qualify for `team_role`? */
static int role_fits(int team_role, int assignment_role)
{
    switch (team_role) {
    case CPOL_TEAM_ROLE_OFFICER: return assignment_role == CPOL_ROLE_OFFICER;
    case CPOL_TEAM_ROLE_AUXILIARY: return assignment_role == CPOL_ROLE_AUXILIARY;
    default: return !cpol_role_is_staff(assignment_role); /* members and leaders: any volunteer role */
    }
}

static const char *requirement(int team_role)
{
    switch (team_role) {
    case CPOL_TEAM_ROLE_OFFICER:
        return "一队一警: a team's responsible officer must hold an active community officer (社区民警) role "
               "at the team's station";
    case CPOL_TEAM_ROLE_AUXILIARY:
        return "a team's auxiliary officer must hold an active auxiliary officer (社区辅警) role at the team's "
               "station";
    default:
        return "a team member must hold an active volunteer role (义警, 治安信息员, 网格员, …) at the team's "
               "station";
    }
}

/* What the person's assignments say about a team role at one station. */
typedef struct role_scan {
    int active_here;  /* a fitting assignment, active, at the station */
    int role_here;    /* else: a fitting one at the station in another state */
    int status_here;
    int elsewhere;    /* else: a fitting active one at another station */
} role_scan;

static int scan_assignments(cpol_ctx *ctx, const cpol_id *person, int team_role, const cpol_id *station,
                            role_scan *s)
{
    cpol_query *q;
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    int rc = cpol__query_new(&cpol__table_assignment, &q);
    memset(s, 0, sizeof *s);
    if (rc >= 0)
        rc = cpol__query_where_id(q, ASSIGN_PERSON, CPOL_OP_EQ, person);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_assignment, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK) {
        int role = (int)cpol__record_int(r, ASSIGN_ROLE), status = (int)cpol__record_int(r, ASSIGN_STATUS);
        cpol_id at;
        if (!role_fits(team_role, role))
            continue;
        if (cpol__record_get_id(r, ASSIGN_STATION, &at) && cpol_id_compare(&at, station) == 0) {
            if (status == CPOL_ASSIGNMENT_ACTIVE) {
                s->active_here = 1;
            } else {
                s->role_here = role;
                s->status_here = status;
            }
        } else if (status == CPOL_ASSIGNMENT_ACTIVE) {
            s->elsewhere = 1;
        }
    }
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(q);
    return rc == CPOL_DONE ? CPOL_OK : rc;
}

int cpol__team_check_eligible(cpol_ctx *ctx, const cpol_record *person, int role, const cpol_id *station)
{
    const char *name = cpol__record_text_or_empty(person, PERSON_NAME);
    cpol_id id, home;
    role_scan s;
    int rc;
    cpol__record_get_id(person, PERSON_ID, &id);
    if (role == CPOL_TEAM_ROLE_UNIT_CONTACT) {
        cpol__record_get_id(person, PERSON_STATION, &home);
        if (cpol_id_compare(&home, station) != 0)
            return cpol__error(CPOL_ERULE, "a unit contact must be registered at the team's station; %s is "
                                           "registered at another station",
                               name);
        return CPOL_OK;
    }
    rc = scan_assignments(ctx, &id, role, station, &s);
    if (rc < 0 || s.active_here)
        return rc;
    if (s.role_here)
        return cpol__error(CPOL_ERULE, "%s; the %s assignment of %s there is %s", requirement(role),
                           cpol_role_name(s.role_here), name, cpol_assignment_status_name(s.status_here));
    if (s.elsewhere)
        return cpol__error(CPOL_ERULE, "%s; %s holds it at another station", requirement(role), name);
    return cpol__error(CPOL_ERULE, "%s; %s holds no such role", requirement(role), name);
}

/* 1 if `person` holds an active informant assignment at `station`. */
static int active_informant(cpol_ctx *ctx, const cpol_id *person, const cpol_id *station, int *yes)
{
    cpol_query *q = NULL;
    int64_t n = 0;
    int rc = cpol__query_new(&cpol__table_assignment, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, ASSIGN_PERSON, CPOL_OP_EQ, person);
    if (rc >= 0)
        rc = cpol__query_where_id(q, ASSIGN_STATION, CPOL_OP_EQ, station);
    if (rc >= 0)
        rc = cpol__query_where_int(q, ASSIGN_ROLE, CPOL_OP_EQ, CPOL_ROLE_INFORMANT);
    if (rc >= 0)
        rc = cpol__query_where_int(q, ASSIGN_STATUS, CPOL_OP_EQ, CPOL_ASSIGNMENT_ACTIVE);
    rc = cpol__count_rows(ctx, q, rc, &n);
    *yes = n > 0;
    return rc;
}

/* Membership of an informant network says "covert": only people who are
 * (active informants of the station) may join one, so the fact never names
 * anyone else. The officer is the team's, not a member of the network. */
static int check_network_member(cpol_ctx *ctx, const cpol_record *team, const cpol_record *person,
                                const cpol_id *station)
{
    cpol_id id;
    int yes, rc;
    if (cpol__record_int(team, TEAM_KIND) != CPOL_TEAM_INFORMANT_NETWORK)
        return CPOL_OK;
    cpol__record_get_id(person, PERSON_ID, &id);
    rc = active_informant(ctx, &id, station, &yes);
    if (rc >= 0 && !yes)
        rc = cpol__error(CPOL_ERULE, "only a security informant (治安信息员) with an active assignment at the "
                                     "team's station may join informant network %s; %s holds none",
                         cpol__record_text_or_empty(team, TEAM_NAME), cpol__record_text_or_empty(person, PERSON_NAME));
    return rc;
}

/* ---- membership rows ---- */

int cpol__membership_insert(cpol_ctx *ctx, const cpol_id *station, const cpol_id *team, const cpol_id *person,
                            int role, cpol_id *id_out)
{
    cpol_record *r;
    int rc = cpol__record_new(&cpol__table_membership, &r);
    if (rc < 0)
        return rc;
    cpol_id_new(ctx, id_out);
    rc = cpol__record_set_id(r, MEMBER_ID, id_out);
    if (rc >= 0)
        rc = cpol__record_set_id(r, MEMBER_STATION, station);
    if (rc >= 0)
        rc = cpol__record_set_id(r, MEMBER_TEAM, team);
    if (rc >= 0)
        rc = cpol__record_set_id(r, MEMBER_PERSON, person);
    cpol__value_set_int(&r->vals[MEMBER_ROLE], role);
    cpol__value_set_int(&r->vals[MEMBER_STATUS], CPOL__MEMBERSHIP_ACTIVE);
    cpol__value_set_int(&r->vals[MEMBER_JOINED_AT], cpol_ctx_now(ctx));
    if (rc >= 0)
        rc = cpol__store_insert(ctx->store, r);
    cpol__record_free(r);
    return rc;
}

int cpol__membership_end(cpol_ctx *ctx, cpol_record *membership)
{
    cpol__value_set_int(&membership->vals[MEMBER_STATUS], CPOL__MEMBERSHIP_LEFT);
    cpol__value_set_int(&membership->vals[MEMBER_LEFT_AT], cpol_ctx_now(ctx));
    return cpol__store_update(ctx->store, membership);
}

/* A query over one team's memberships (only the active ones unless include_left). */
static int roster_query(const cpol_id *team, int include_left, cpol_query **out)
{
    int rc = cpol__query_new(&cpol__table_membership, out);
    if (rc >= 0)
        rc = cpol__query_where_id(*out, MEMBER_TEAM, CPOL_OP_EQ, team);
    if (rc >= 0 && !include_left)
        rc = cpol__query_where_int(*out, MEMBER_STATUS, CPOL_OP_EQ, CPOL__MEMBERSHIP_ACTIVE);
    return rc;
}

int cpol__roster_cursor(cpol_ctx *ctx, const cpol_id *team, int include_left, cpol_cursor **out)
{
    cpol_query *q = NULL;
    int rc = roster_query(team, include_left, &q);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, out);
    cpol__query_free(q);
    return rc;
}

int cpol__membership_find_active(cpol_ctx *ctx, const cpol_id *team, const cpol_id *person, cpol_record **out)
{
    cpol_query *q = NULL;
    cpol_cursor *c = NULL;
    int rc = roster_query(team, 0, &q);
    *out = NULL;
    if (rc >= 0)
        rc = cpol__query_where_id(q, MEMBER_PERSON, CPOL_OP_EQ, person);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_membership, out);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    if (rc >= 0)
        rc = cpol__cursor_next(c, *out);
    cpol__cursor_close(c);
    cpol__query_free(q);
    if (rc == CPOL_OK)
        return 1;
    cpol__record_free(*out);
    *out = NULL;
    return rc == CPOL_DONE ? 0 : rc;
}

/* Active memberships of a team in one team role. */
static int count_active(cpol_ctx *ctx, const cpol_id *team, int role, int64_t *out)
{
    cpol_query *q = NULL;
    int rc = roster_query(team, 0, &q);
    if (rc >= 0)
        rc = cpol__query_where_int(q, MEMBER_ROLE, CPOL_OP_EQ, role);
    if (rc >= 0)
        rc = cpol__store_count(ctx->store, q, out);
    cpol__query_free(q);
    return rc;
}

/* "member (membership <uuid>)" for the audit trail: the membership, never
 * the person's name or id, since the trail's readers may not all see them. */
static void membership_summary(int role, const cpol_id *membership, char *buf, size_t size)
{
    char id[37];
    cpol__id_text(membership, id);
    snprintf(buf, size, "%s (membership %s)", cpol_team_role_name(role), id);
}

/* ---- adding ---- */

typedef struct add_args {
    const cpol_actor *as;
    const cpol_id *team, *person;
    int role;
    const char *reason;
    cpol_id id;
} add_args;

/* The rules a new member must pass, once the team and person are loaded. */
static int check_new_member(cpol_ctx *ctx, const add_args *a, const cpol_record *team, const cpol_record *person,
                            const cpol_id *station)
{
    const char *team_name = cpol__record_text_or_empty(team, TEAM_NAME);
    cpol_record *existing = NULL;
    int64_t n;
    int rc;
    if (a->role == CPOL_TEAM_ROLE_OFFICER) {
        char officer[CPOL_PERSON_NAME_MAX + 1];
        cpol_id id;
        cpol__record_get_id(team, TEAM_OFFICER, &id);
        cpol__team_person_name(ctx, &id, officer, sizeof officer);
        return cpol__error(CPOL_ERULE, "一队一警: team %s already has responsible officer %s; change it with "
                                       "cpol_team_set_officer()",
                           team_name, officer);
    }
    rc = cpol__membership_find_active(ctx, a->team, a->person, &existing);
    if (rc > 0)
        rc = cpol__error(CPOL_EEXISTS, "%s is already an active member of team %s (as %s)",
                         cpol__record_text_or_empty(person, PERSON_NAME), team_name,
                         cpol_team_role_name((int)cpol__record_int(existing, MEMBER_ROLE)));
    cpol__record_free(existing);
    if (rc >= 0)
        rc = cpol__team_check_eligible(ctx, person, a->role, station);
    if (rc >= 0)
        rc = check_network_member(ctx, team, person, station);
    if (rc >= 0 && a->role == CPOL_TEAM_ROLE_AUXILIARY &&
        cpol__record_int(team, TEAM_TEMPLATE) == CPOL_TEAM_TEMPLATE_1_1_N) {
        rc = count_active(ctx, a->team, CPOL_TEAM_ROLE_AUXILIARY, &n);
        if (rc >= 0 && n >= 1)
            rc = cpol__error(CPOL_ELIMIT, "a 1+1+N team has one auxiliary officer; team %s already has one",
                             team_name);
    }
    return rc;
}

static int add_body(cpol_ctx *ctx, void *arg)
{
    add_args *a = arg;
    cpol_record *team, *person = NULL;
    cpol_id station;
    char after[128];
    int hidden, rc = cpol__load(ctx, &cpol__table_team, a->team, "team", &team);
    if (rc < 0)
        return rc;
    cpol__record_get_id(team, TEAM_STATION, &station);
    rc = cpol__authorize(ctx, a->as, CPOL_PERM_TEAM_MANAGE, &station);
    if (rc >= 0)
        rc = cpol__load(ctx, &cpol__table_person, a->person, "person", &person);
    if (rc >= 0 && (rc = cpol__person_hidden(ctx, a->as, a->person, &hidden)) >= 0 && hidden)
        rc = cpol__not_found("person", a->person);
    if (rc >= 0)
        rc = check_new_member(ctx, a, team, person, &station);
    if (rc >= 0)
        rc = cpol__membership_insert(ctx, &station, a->team, a->person, a->role, &a->id);
    if (rc >= 0) {
        membership_summary(a->role, &a->id, after, sizeof after);
        rc = cpol__audit(ctx, a->as, "team", a->team, &station, "team.member.add", NULL, after, a->reason);
    }
    cpol__record_free(person);
    cpol__record_free(team);
    return rc;
}

int cpol_team_member_add(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *team, const cpol_id *person, int role,
                         const char *reason, cpol_id *id_out)
{
    add_args a;
    size_t len;
    int rc;
    if (!ctx || !as || !team || !person)
        return cpol__null_arg("cpol_team_member_add", !ctx ? "ctx" : !as ? "as" : !team ? "team" : "person");
    if (role < CPOL_TEAM_ROLE_OFFICER || role > CPOL_TEAM_ROLE_UNIT_CONTACT)
        return cpol__error(CPOL_EINVALID, "cpol_team_member_add: %d is not a team role", role);
    rc = cpol__check_optional("cpol_team_member_add", "reason", reason, CPOL_REASON_MAX, &len);
    if (rc < 0)
        return rc;
    a.as = as;
    a.team = team;
    a.person = person;
    a.role = role;
    a.reason = reason;
    rc = cpol__ctx_atomic(ctx, add_body, &a);
    if (rc >= 0 && id_out)
        *id_out = a.id;
    return rc;
}

/* ---- ending ---- */

typedef struct remove_args {
    const cpol_actor *as;
    const cpol_id *membership;
    const char *reason;
} remove_args;

static int remove_body(cpol_ctx *ctx, void *arg)
{
    remove_args *a = arg;
    cpol_record *m;
    cpol_id station, team, person;
    char name[CPOL_PERSON_NAME_MAX + 1], before[128];
    int hidden, role, rc = cpol__load(ctx, &cpol__table_membership, a->membership, "membership", &m);
    if (rc < 0)
        return rc;
    cpol__record_get_id(m, MEMBER_STATION, &station);
    cpol__record_get_id(m, MEMBER_TEAM, &team);
    cpol__record_get_id(m, MEMBER_PERSON, &person);
    role = (int)cpol__record_int(m, MEMBER_ROLE);
    rc = cpol__person_hidden(ctx, a->as, &person, &hidden);
    if (rc >= 0 && hidden)
        rc = cpol__not_found("membership", a->membership);
    if (rc >= 0)
        rc = cpol__authorize(ctx, a->as, CPOL_PERM_TEAM_MANAGE, &station);
    if (rc >= 0)
        cpol__team_person_name(ctx, &person, name, sizeof name);
    if (rc >= 0 && cpol__record_int(m, MEMBER_STATUS) != CPOL__MEMBERSHIP_ACTIVE)
        rc = cpol__error(CPOL_ESTATE, "the membership of %s has already ended", name);
    else if (rc >= 0 && role == CPOL_TEAM_ROLE_OFFICER)
        rc = cpol__error(CPOL_ERULE, "一队一警: the responsible officer %s cannot be removed, only replaced "
                                     "with cpol_team_set_officer()",
                         name);
    if (rc >= 0)
        rc = cpol__membership_end(ctx, m);
    if (rc >= 0) {
        membership_summary(role, a->membership, before, sizeof before);
        rc = cpol__audit(ctx, a->as, "team", &team, &station, "team.member.remove", before, "left", a->reason);
    }
    cpol__record_free(m);
    return rc;
}

int cpol_team_member_remove(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *membership, const char *reason)
{
    remove_args a;
    size_t len;
    int rc;
    if (!ctx || !as || !membership)
        return cpol__null_arg("cpol_team_member_remove", !ctx ? "ctx" : !as ? "as" : "membership");
    rc = cpol__check_text("cpol_team_member_remove", "reason", reason, 1, CPOL_REASON_MAX, &len);
    if (rc < 0)
        return rc;
    a.as = as;
    a.membership = membership;
    a.reason = reason;
    return cpol__ctx_atomic(ctx, remove_body, &a);
}

/* ---- reading ---- */

static void membership_refresh(cpol_membership *m)
{
    cpol__record_get_id(m->row, MEMBER_ID, &m->id);
    cpol__record_get_id(m->row, MEMBER_TEAM, &m->team);
    cpol__record_get_id(m->row, MEMBER_PERSON, &m->person);
}

/* Who may read a team's roster: anyone with person.view at the team's
 * station, and the team's own active members (they know each other; covert
 * ones stay hidden from them all the same). */
static int authorize_roster(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *team, const cpol_id *station)
{
    cpol_record *mine = NULL;
    int member = 0;
    if (!as->system) {
        member = cpol__membership_find_active(ctx, team, &as->person, &mine);
        cpol__record_free(mine);
        if (member < 0)
            return member;
    }
    return cpol__authorize(ctx, as, member ? CPOL__PERM_ANY : CPOL_PERM_PERSON_VIEW, station);
}

int cpol_membership_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, cpol_membership **out)
{
    cpol_membership *m;
    cpol_id station;
    int hidden, rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !id || !out)
        return cpol__null_arg("cpol_membership_get", !ctx ? "ctx" : !as ? "as" : !id ? "id" : "out");
    m = cpol__calloc(1, sizeof *m);
    if (!m)
        return cpol__oom();
    rc = cpol__load(ctx, &cpol__table_membership, id, "membership", &m->row);
    if (rc >= 0) {
        membership_refresh(m);
        cpol__record_get_id(m->row, MEMBER_STATION, &station);
        rc = cpol__person_hidden(ctx, as, &m->person, &hidden);
    }
    if (rc >= 0 && hidden)
        rc = cpol__not_found("membership", id);
    else if (rc >= 0 && (as->system || cpol_id_compare(&as->person, &m->person) != 0))
        rc = authorize_roster(ctx, as, &m->team, &station);
    if (rc < 0) {
        cpol_membership_free(m);
        return rc;
    }
    *out = m;
    return CPOL_OK;
}

void cpol_membership_free(cpol_membership *m)
{
    if (!m)
        return;
    cpol__record_free(m->row);
    cpol_free(m);
}

const cpol_id *cpol_membership_id(const cpol_membership *m) { return m ? &m->id : NULL; }
const cpol_id *cpol_membership_team(const cpol_membership *m) { return m ? &m->team : NULL; }
const cpol_id *cpol_membership_person(const cpol_membership *m) { return m ? &m->person : NULL; }
int cpol_membership_role(const cpol_membership *m) { return m ? (int)cpol__record_int(m->row, MEMBER_ROLE) : 0; }
cpol_time cpol_membership_joined_at(const cpol_membership *m) { return m ? cpol__record_int(m->row, MEMBER_JOINED_AT) : 0; }
cpol_time cpol_membership_left_at(const cpol_membership *m) { return m ? cpol__record_int(m->row, MEMBER_LEFT_AT) : 0; }

int cpol_membership_active(const cpol_membership *m)
{
    return m && cpol__record_int(m->row, MEMBER_STATUS) == CPOL__MEMBERSHIP_ACTIVE;
}

/* An iterator over an already opened cursor (taken over, also on failure),
 * for `reader`. */
static int membership_iter_wrap(cpol_ctx *ctx, cpol_cursor *cursor, const cpol__reader *reader,
                                cpol_membership_iter **out)
{
    cpol_membership_iter *it = cpol__calloc(1, sizeof *it);
    int rc;
    if (!it) {
        cpol__cursor_close(cursor);
        return cpol__oom();
    }
    it->cursor = cursor;
    it->reader = *reader;
    it->store = ctx->store;
    cpol__store_retain(ctx->store);
    rc = cpol__record_new(&cpol__table_membership, &it->current.row);
    if (rc < 0) {
        cpol_membership_iter_free(it);
        return rc;
    }
    *out = it;
    return CPOL_OK;
}

int cpol_team_roster_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *team, int include_left,
                              cpol_membership_iter **out)
{
    cpol__reader reader;
    cpol_record *row;
    cpol_cursor *c = NULL;
    cpol_id station;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !team || !out)
        return cpol__null_arg("cpol_team_roster_iter_new", !ctx ? "ctx" : !as ? "as" : !team ? "team" : "out");
    if (include_left != 0 && include_left != 1)
        return cpol__error(CPOL_EINVALID, "cpol_team_roster_iter_new: include_left must be 0 or 1, not %d",
                           include_left);
    rc = cpol__load(ctx, &cpol__table_team, team, "team", &row);
    if (rc < 0)
        return rc;
    cpol__record_get_id(row, TEAM_STATION, &station);
    cpol__record_free(row);
    rc = authorize_roster(ctx, as, team, &station);
    if (rc >= 0)
        rc = cpol__reader_open(ctx, as, &reader);
    if (rc >= 0)
        rc = cpol__roster_cursor(ctx, team, include_left, &c);
    return rc < 0 ? rc : membership_iter_wrap(ctx, c, &reader, out);
}

int cpol_person_team_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person,
                              cpol_membership_iter **out)
{
    cpol__reader reader;
    cpol_query *q = NULL;
    cpol_cursor *c = NULL;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !person || !out)
        return cpol__null_arg("cpol_person_team_iter_new", !ctx ? "ctx" : !as ? "as" : !person ? "person" : "out");
    rc = cpol__authorize_person_read(ctx, as, person, CPOL_PERM_PERSON_VIEW);
    if (rc >= 0)
        rc = cpol__query_new(&cpol__table_membership, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, MEMBER_PERSON, CPOL_OP_EQ, person);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    cpol__query_free(q);
    /* every row is about the one person the reader was just allowed to see */
    memset(&reader, 0, sizeof reader);
    reader.cleared = 1;
    return rc < 0 ? rc : membership_iter_wrap(ctx, c, &reader, out);
}

int cpol_membership_iter_next(cpol_membership_iter *it, const cpol_membership **out)
{
    int hidden = 1, rc = CPOL_OK;
    if (!it || !out)
        return cpol__null_arg("cpol_membership_iter_next", !it ? "it" : "out");
    while (rc == CPOL_OK && hidden) {
        rc = cpol__cursor_next(it->cursor, it->current.row);
        if (rc == CPOL_OK) {
            membership_refresh(&it->current);
            rc = cpol__reader_hides(it->store, &it->reader, &it->current.person, &hidden);
        }
    }
    if (rc != CPOL_OK)
        return rc;
    *out = &it->current;
    return CPOL_OK;
}

void cpol_membership_iter_free(cpol_membership_iter *it)
{
    if (!it)
        return;
    cpol__cursor_close(it->cursor);
    cpol__record_free(it->current.row);
    if (it->store)
        cpol__store_release(it->store);
    cpol_free(it);
}
