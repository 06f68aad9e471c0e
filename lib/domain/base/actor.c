/* Actors, roles and the permission table. */
#include <stdio.h>
#include <string.h>

#include <commpolice/actor.h>
#include <commpolice/person.h>

#include "util/alloc.h"
#include "domain/base/domain.h"
#include "domain/base/tables.h"

#define PERM(p) (1u << (p))
#define ROLE_MAX CPOL_ROLE_ANALYST
#define PERM_MAX CPOL_PERM_SETTINGS_MANAGE

/* Cases (commpolice/case.h): volunteer roles that report and act on the
 * spot may record their own arrival, resolve and escalate what they handle
 * (the case code checks "their own"); staff triage, follow up and close. */
#define CASE_SPOT_PERMS (PERM(CPOL_PERM_CASE_REPORT) | PERM(CPOL_PERM_CASE_HANDLE) | PERM(CPOL_PERM_CASE_ESCALATE))
#define CASE_STAFF_PERMS (CASE_SPOT_PERMS | PERM(CPOL_PERM_CASE_TRIAGE) | PERM(CPOL_PERM_CASE_FOLLOWUP) | \
                          PERM(CPOL_PERM_CASE_VIEW))

/* Deny by default: a role holds exactly the permissions listed here. The
 * table is documented, row by row, in docs/permissions.md. */
static const uint32_t role_permissions[ROLE_MAX + 1] = {
    [CPOL_ROLE_OFFICER] = PERM(CPOL_PERM_AREA_MANAGE) | PERM(CPOL_PERM_PERSON_REGISTER) |
                          PERM(CPOL_PERM_PERSON_VIEW) | PERM(CPOL_PERM_PERSON_SENSITIVE) |
                          PERM(CPOL_PERM_VOLUNTEER_ENROL) | PERM(CPOL_PERM_VOLUNTEER_REVIEW) |
                          PERM(CPOL_PERM_VOLUNTEER_MANAGE) | PERM(CPOL_PERM_PERSON_NOTE) |
                          PERM(CPOL_PERM_TEAM_MANAGE) | PERM(CPOL_PERM_TRAINING_MANAGE) |
                          PERM(CPOL_PERM_TRAINING_RECORD) | PERM(CPOL_PERM_ACTIVITY_MANAGE) |
                          PERM(CPOL_PERM_ACTIVITY_JOIN) | PERM(CPOL_PERM_ACTIVITY_RECORD) |
                          PERM(CPOL_PERM_AUDIT_VIEW) | PERM(CPOL_PERM_POINTS_AWARD) |
                          PERM(CPOL_PERM_POINTS_REDEEM) | PERM(CPOL_PERM_POINTS_ADMIN) |
                          PERM(CPOL_PERM_POINTS_VIEW) | CASE_STAFF_PERMS | PERM(CPOL_PERM_CASE_DEESCALATE) |
                          PERM(CPOL_PERM_CASE_CLOSE),
    [CPOL_ROLE_AUXILIARY] = PERM(CPOL_PERM_PERSON_REGISTER) | PERM(CPOL_PERM_PERSON_VIEW) |
                            PERM(CPOL_PERM_VOLUNTEER_ENROL) | PERM(CPOL_PERM_TRAINING_RECORD) |
                            PERM(CPOL_PERM_ACTIVITY_MANAGE) | PERM(CPOL_PERM_ACTIVITY_JOIN) |
                            PERM(CPOL_PERM_ACTIVITY_RECORD) | PERM(CPOL_PERM_POINTS_AWARD) |
                            PERM(CPOL_PERM_POINTS_REDEEM) | PERM(CPOL_PERM_POINTS_VIEW) | CASE_STAFF_PERMS,
    [CPOL_ROLE_VOLUNTEER] = PERM(CPOL_PERM_ACTIVITY_JOIN) | PERM(CPOL_PERM_CASE_REPORT) | PERM(CPOL_PERM_CASE_HANDLE),
    [CPOL_ROLE_INFORMANT] = PERM(CPOL_PERM_ACTIVITY_JOIN) | CASE_SPOT_PERMS,
    [CPOL_ROLE_GRID_WORKER] = PERM(CPOL_PERM_PERSON_VIEW) | PERM(CPOL_PERM_VOLUNTEER_ENROL) |
                              PERM(CPOL_PERM_ACTIVITY_JOIN) | CASE_SPOT_PERMS | PERM(CPOL_PERM_CASE_VIEW),
    [CPOL_ROLE_PROPERTY_GUARD] = PERM(CPOL_PERM_ACTIVITY_JOIN) | CASE_SPOT_PERMS,
    [CPOL_ROLE_BUILDING_HEAD] = PERM(CPOL_PERM_ACTIVITY_JOIN) | CASE_SPOT_PERMS,
    [CPOL_ROLE_LAWYER] = PERM(CPOL_PERM_ACTIVITY_JOIN),
    [CPOL_ROLE_MEDIATOR] = PERM(CPOL_PERM_ACTIVITY_JOIN),
    [CPOL_ROLE_LEADER] = 0xFFFFFFFFu,
    [CPOL_ROLE_OPERATOR] = PERM(CPOL_PERM_PERSON_VIEW) | PERM(CPOL_PERM_POINTS_REDEEM) |
                           PERM(CPOL_PERM_POINTS_VIEW),
    [CPOL_ROLE_ANALYST] = PERM(CPOL_PERM_PERSON_VIEW) | PERM(CPOL_PERM_AUDIT_VIEW) | PERM(CPOL_PERM_POINTS_VIEW) |
                          PERM(CPOL_PERM_CASE_VIEW),
};

static const char *const role_names[ROLE_MAX + 1][2] = {
    [CPOL_ROLE_OFFICER] = {"community officer", "社区民警"},
    [CPOL_ROLE_AUXILIARY] = {"auxiliary officer", "社区辅警"},
    [CPOL_ROLE_VOLUNTEER] = {"volunteer police", "义警"},
    [CPOL_ROLE_INFORMANT] = {"security informant", "治安信息员"},
    [CPOL_ROLE_GRID_WORKER] = {"grid worker", "网格员"},
    [CPOL_ROLE_PROPERTY_GUARD] = {"property guard", "物业保安"},
    [CPOL_ROLE_BUILDING_HEAD] = {"building head", "楼栋长"},
    [CPOL_ROLE_LAWYER] = {"pro-bono lawyer", "公益律师"},
    [CPOL_ROLE_MEDIATOR] = {"mediator", "调解员"},
    [CPOL_ROLE_LEADER] = {"station leader", "所领导"},
    [CPOL_ROLE_OPERATOR] = {"service-station operator", "服务站操作员"},
    [CPOL_ROLE_ANALYST] = {"analyst", "分析员"},
};

static const char *const permission_names[PERM_MAX + 1] = {
    [CPOL_PERM_AREA_MANAGE] = "area.manage",
    [CPOL_PERM_PERSON_REGISTER] = "person.register",
    [CPOL_PERM_PERSON_VIEW] = "person.view",
    [CPOL_PERM_PERSON_SENSITIVE] = "person.sensitive",
    [CPOL_PERM_ROLE_APPOINT] = "role.appoint",
    [CPOL_PERM_VOLUNTEER_ENROL] = "volunteer.enrol",
    [CPOL_PERM_VOLUNTEER_REVIEW] = "volunteer.review",
    [CPOL_PERM_VOLUNTEER_MANAGE] = "volunteer.manage",
    [CPOL_PERM_PERSON_NOTE] = "person.note",
    [CPOL_PERM_TEAM_MANAGE] = "team.manage",
    [CPOL_PERM_TRAINING_MANAGE] = "training.manage",
    [CPOL_PERM_TRAINING_RECORD] = "training.record",
    [CPOL_PERM_ACTIVITY_MANAGE] = "activity.manage",
    [CPOL_PERM_ACTIVITY_JOIN] = "activity.join",
    [CPOL_PERM_ACTIVITY_RECORD] = "activity.record",
    [CPOL_PERM_AUDIT_VIEW] = "audit.view",
    [CPOL_PERM_POINTS_AWARD] = "points.award",
    [CPOL_PERM_POINTS_REDEEM] = "points.redeem",
    [CPOL_PERM_POINTS_ADMIN] = "points.admin",
    [CPOL_PERM_POINTS_VIEW] = "points.view",
    [CPOL_PERM_CASE_REPORT] = "case.report",
    [CPOL_PERM_CASE_TRIAGE] = "case.triage",
    [CPOL_PERM_CASE_HANDLE] = "case.handle",
    [CPOL_PERM_CASE_ESCALATE] = "case.escalate",
    [CPOL_PERM_CASE_DEESCALATE] = "case.deescalate",
    [CPOL_PERM_CASE_FOLLOWUP] = "case.followup",
    [CPOL_PERM_CASE_CLOSE] = "case.close",
    [CPOL_PERM_CASE_SPOTCHECK] = "case.spotcheck",
    [CPOL_PERM_CASE_VIEW] = "case.view",
    [CPOL_PERM_CASE_CONFIGURE] = "case.configure",
    [CPOL_PERM_SETTINGS_MANAGE] = "settings.manage",
};

static int valid_role(int role)
{
    return role >= CPOL_ROLE_OFFICER && role <= ROLE_MAX;
}

int cpol_role_can(int role, int permission)
{
    if (!valid_role(role) || permission < 1 || permission > PERM_MAX)
        return 0;
    return (role_permissions[role] & PERM(permission)) != 0;
}

const char *cpol_role_name(int role)
{
    return valid_role(role) ? role_names[role][0] : "unknown role";
}

const char *cpol_role_name_zh(int role)
{
    return valid_role(role) ? role_names[role][1] : "未知角色";
}

int cpol_role_is_staff(int role)
{
    return role == CPOL_ROLE_OFFICER || role == CPOL_ROLE_AUXILIARY || role == CPOL_ROLE_LEADER ||
           role == CPOL_ROLE_OPERATOR || role == CPOL_ROLE_ANALYST;
}

const char *cpol_permission_name(int permission)
{
    return permission >= 1 && permission <= PERM_MAX ? permission_names[permission] : "unknown";
}

int cpol_actor_can(const cpol_actor *actor, int permission)
{
    if (!actor || permission < 1 || permission > PERM_MAX)
        return 0;
    return actor->system || cpol_role_can(actor->role, permission);
}

int cpol_actor_role(const cpol_actor *actor)
{
    return actor && !actor->system ? actor->role : 0;
}

const cpol_id *cpol_actor_person(const cpol_actor *actor)
{
    return actor && !actor->system ? &actor->person : NULL;
}

int cpol__actor_sees_sensitive(const cpol_actor *as)
{
    return cpol_actor_can(as, CPOL_PERM_PERSON_SENSITIVE);
}

int cpol__reader_cleared(cpol_ctx *ctx, const cpol_actor *as)
{
    cpol_record *row;
    int rc, status;
    if (!as)
        return 0;
    if (as->system)
        return 1;
    if (!cpol_role_can(as->role, CPOL_PERM_PERSON_SENSITIVE))
        return 0;
    /* The handle may predate a suspension: clearance follows the stored
     * assignment, never the handle. */
    rc = cpol__load(ctx, &cpol__table_assignment, &as->assignment, "assignment", &row);
    if (rc == CPOL_ENOTFOUND)
        return 0;
    if (rc < 0)
        return rc;
    status = (int)cpol__record_int(row, ASSIGN_STATUS);
    cpol__record_free(row);
    return status == CPOL_ASSIGNMENT_ACTIVE;
}

int cpol__person_covert(cpol_ctx *ctx, const cpol_id *person, int *covert)
{
    cpol_query *q = NULL;
    cpol_cursor *c = NULL;
    cpol_record *row = NULL;
    int rc;
    *covert = 0;
    rc = cpol__query_new(&cpol__table_assignment, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, ASSIGN_PERSON, CPOL_OP_EQ, person);
    if (rc >= 0)
        rc = cpol__query_where_int(q, ASSIGN_ROLE, CPOL_OP_EQ, CPOL_ROLE_INFORMANT);
    if (rc >= 0)
        cpol__query_page(q, 0, 1);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_assignment, &row);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    if (rc >= 0) {
        rc = cpol__cursor_next(c, row);
        if (rc == CPOL_OK)
            *covert = 1;
        if (rc == CPOL_DONE || rc == CPOL_OK)
            rc = CPOL_OK;
    }
    cpol__cursor_close(c);
    cpol__record_free(row);
    cpol__query_free(q);
    return rc;
}

int cpol__person_hidden_for(cpol_ctx *ctx, const cpol_actor *as, int cleared, const cpol_id *person,
                            int *hidden)
{
    *hidden = 0;
    if (!person || cpol_id_is_nil(person) || cleared)
        return CPOL_OK;
    if (as && !as->system && cpol_id_compare(&as->person, person) == 0)
        return CPOL_OK;
    return cpol__person_covert(ctx, person, hidden);
}

int cpol__person_hidden(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int *hidden)
{
    int cleared;
    *hidden = 0;
    if (!person || cpol_id_is_nil(person))
        return CPOL_OK;
    cleared = cpol__reader_cleared(ctx, as);
    if (cleared < 0)
        return cleared;
    return cpol__person_hidden_for(ctx, as, cleared, person, hidden);
}

int cpol__not_found(const char *what, const cpol_id *id)
{
    char text[37];
    cpol__id_text(id, text);
    return cpol__error(CPOL_ENOTFOUND, "%s %s does not exist", what, text);
}

int cpol__refuse_hidden_person(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person)
{
    int hidden, rc = cpol__person_hidden(ctx, as, person, &hidden);
    if (rc < 0)
        return rc;
    return hidden ? cpol__not_found("person", person) : CPOL_OK;
}

int cpol_actor_system(cpol_ctx *ctx, cpol_actor **out)
{
    cpol_actor *a;
    if (out)
        *out = NULL;
    if (!ctx)
        return cpol__null_arg("cpol_actor_system", "ctx");
    if (!out)
        return cpol__null_arg("cpol_actor_system", "out");
    a = cpol__calloc(1, sizeof *a);
    if (!a)
        return cpol__oom();
    a->system = 1;
    *out = a;
    return CPOL_OK;
}

int cpol_actor_open(cpol_ctx *ctx, const cpol_id *person, int role, cpol_actor **out)
{
    cpol_record *row = NULL, *p = NULL;
    cpol_query *q = NULL;
    cpol_cursor *c = NULL;
    cpol_actor *a = NULL;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !person || !out)
        return cpol__null_arg("cpol_actor_open", !ctx ? "ctx" : !person ? "person" : "out");
    if (!valid_role(role))
        return cpol__error(CPOL_EINVALID, "cpol_actor_open: %d is not a role", role);
    rc = cpol__load(ctx, &cpol__table_person, person, "person", &p);
    if (rc < 0)
        return rc;
    rc = cpol__query_new(&cpol__table_assignment, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, ASSIGN_PERSON, CPOL_OP_EQ, person);
    if (rc >= 0)
        rc = cpol__query_where_int(q, ASSIGN_ROLE, CPOL_OP_EQ, role);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_assignment, &row);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    if (rc >= 0) {
        int best = 0; /* the status of the best assignment seen, for the message */
        while ((rc = cpol__cursor_next(c, row)) == CPOL_OK) {
            int status = (int)cpol__record_int(row, ASSIGN_STATUS);
            if (status == CPOL_ASSIGNMENT_ACTIVE) {
                a = cpol__calloc(1, sizeof *a);
                if (!a) {
                    rc = cpol__oom();
                    break;
                }
                a->person = *person;
                a->role = role;
                cpol__record_get_id(row, ASSIGN_ID, &a->assignment);
                break;
            }
            best = status;
        }
        if (rc == CPOL_DONE)
            rc = cpol__error(CPOL_EPERM, "%s does not hold the role %s (%s)%s%s",
                             cpol__record_text_or_empty(p, PERSON_NAME), cpol_role_name(role),
                             cpol_role_name_zh(role), best ? ": the assignment is " : "",
                             best ? cpol_assignment_status_name(best) : "");
    }
    cpol__cursor_close(c);
    cpol__record_free(row);
    cpol__record_free(p);
    cpol__query_free(q);
    if (rc < 0) {
        cpol_free(a);
        return rc;
    }
    *out = a;
    return CPOL_OK;
}

void cpol_actor_free(cpol_actor *actor)
{
    cpol_free(actor);
}

/* Name of the acting person, for messages. */
static void actor_label(cpol_ctx *ctx, const cpol_actor *as, char *buf, size_t size)
{
    cpol_record *p;
    if (cpol__load(ctx, &cpol__table_person, &as->person, "person", &p) < 0) {
        cpol__id_text(&as->person, buf);
        return;
    }
    snprintf(buf, size, "%s", cpol__record_text_or_empty(p, PERSON_NAME));
    cpol__record_free(p);
}

int cpol__actor_scope(cpol_ctx *ctx, const cpol_actor *as, cpol_id *station_out, cpol_id *bureau_out,
                      int *bureau_wide)
{
    cpol_record *row;
    int rc, bound;
    *bureau_wide = 0;
    if (as->system)
        return 0;
    rc = cpol__load(ctx, &cpol__table_assignment, &as->assignment, "assignment", &row);
    if (rc < 0)
        return rc;
    bound = cpol__record_get_id(row, ASSIGN_STATION, station_out);
    if (!bound) {
        *bureau_wide = 1;
        if (bureau_out)
            cpol__record_get_id(row, ASSIGN_AREA, bureau_out);
    }
    cpol__record_free(row);
    return bound;
}

int cpol__authorize_own_scope(cpol_ctx *ctx, const cpol_actor *as, int perm, cpol_id *station_out,
                              cpol_id *bureau_out)
{
    int bureau_wide, bound, rc;
    if (!as)
        return cpol__error(CPOL_EMISUSE, "the actor is NULL: every call is made as an actor");
    bound = cpol__actor_scope(ctx, as, station_out, bureau_out, &bureau_wide);
    if (bound < 0)
        return bound;
    rc = cpol__authorize(ctx, as, perm, bound ? station_out : NULL);
    return rc < 0 ? rc : bound;
}

int cpol__may_read_person(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int perm)
{
    cpol_id station;
    int rc;
    if (as && !as->system && cpol_id_compare(&as->person, person) == 0)
        return CPOL_OK;
    rc = cpol__authorize_own_scope(ctx, as, perm, &station, NULL);
    return rc < 0 ? rc : CPOL_OK;
}

/* The part of an authorization that names no object: the assignment is
 * still active and its role holds `perm`. Fills the actor's scope. */
static int authorize_role(cpol_ctx *ctx, const cpol_actor *as, int perm, int *bound, cpol_id *own_station,
                          cpol_id *area)
{
    cpol_record *row;
    char who[128];
    int rc, status;
    rc = cpol__load(ctx, &cpol__table_assignment, &as->assignment, "assignment", &row);
    if (rc < 0)
        return rc;
    status = (int)cpol__record_int(row, ASSIGN_STATUS);
    *bound = cpol__record_get_id(row, ASSIGN_STATION, own_station);
    cpol__record_get_id(row, ASSIGN_AREA, area);
    cpol__record_free(row);
    if (status != CPOL_ASSIGNMENT_ACTIVE) {
        actor_label(ctx, as, who, sizeof who);
        return cpol__error(CPOL_EPERM, "%s may no longer act as %s: the assignment is %s", who,
                           cpol_role_name(as->role), cpol_assignment_status_name(status));
    }
    if (perm != CPOL__PERM_ANY && !cpol_role_can(as->role, perm)) {
        actor_label(ctx, as, who, sizeof who);
        return cpol__error(CPOL_EPERM, "%s acting as %s lacks permission %s", who, cpol_role_name(as->role),
                           cpol_permission_name(perm));
    }
    return CPOL_OK;
}

/* The part that depends on the object: its station lies in the actor's
 * scope (NULL: above the stations, for bureau-wide actors only). */
static int authorize_station(cpol_ctx *ctx, const cpol_actor *as, int perm, int bound, const cpol_id *own_station,
                             const cpol_id *area, const cpol_id *station)
{
    int rc;
    if (!station)
        return bound ? cpol__error(CPOL_EPERM, "acting as %s of one station, %s may not change data above "
                                               "the station level",
                                   cpol_role_name(as->role), cpol_permission_name(perm))
                     : CPOL_OK;
    if (bound) {
        if (cpol_id_compare(own_station, station) != 0) {
            char mine[37], theirs[37];
            cpol__id_text(own_station, mine);
            cpol__id_text(station, theirs);
            return cpol__error(CPOL_EPERM, "the actor acts for station %s; the object belongs to station %s",
                               mine, theirs);
        }
        return CPOL_OK;
    }
    /* bureau-wide: the station must sit under the actor's bureau */
    {
        cpol_record *st;
        cpol_id parent;
        int under;
        rc = cpol__load(ctx, &cpol__table_area, station, "station", &st);
        if (rc < 0)
            return rc;
        under = cpol__record_get_id(st, AREA_PARENT, &parent) && cpol_id_compare(&parent, area) == 0;
        cpol__record_free(st);
        if (!under)
            return cpol__error(CPOL_EPERM, "the station is not under the actor's bureau");
    }
    return CPOL_OK;
}

int cpol__authorize(cpol_ctx *ctx, const cpol_actor *as, int perm, const cpol_id *station)
{
    cpol_id own_station, area;
    int bound, rc;
    if (!as)
        return cpol__error(CPOL_EMISUSE, "the actor is NULL: every change is made as an actor");
    if (as->system)
        return CPOL_OK;
    rc = authorize_role(ctx, as, perm, &bound, &own_station, &area);
    return rc < 0 ? rc : authorize_station(ctx, as, perm, bound, &own_station, &area, station);
}

int cpol__authorize_about(cpol_ctx *ctx, const cpol_actor *as, int perm, const cpol_id *station, const char *what,
                          const cpol_id *id)
{
    cpol_id own_station, area;
    int bound, rc;
    if (!as)
        return cpol__error(CPOL_EMISUSE, "the actor is NULL: every read is made as an actor");
    if (as->system)
        return CPOL_OK;
    rc = authorize_role(ctx, as, perm, &bound, &own_station, &area);
    if (rc < 0)
        return rc;
    rc = authorize_station(ctx, as, perm, bound, &own_station, &area, station);
    return rc == CPOL_EPERM ? cpol__not_found(what, id) : rc;
}
