/* Role assignments and the volunteer lifecycle (审核准入). The allowed steps
 * are one table; every step is checked against it, authorised and audited. */
#include <stdio.h>
#include <string.h>

#include <commpolice/area.h>
#include <commpolice/person.h>

#include "util/alloc.h"
#include "domain/base/domain.h"
#include "domain/base/tables.h"

static const cpol_column_def assignment_columns[ASSIGN_NCOLS] = {
    [ASSIGN_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [ASSIGN_STATION] = {"station_id", CPOL_COLUMN_ID, 0},
    /* encrypted: the holders of the informant role are covert (store/crypt.c) */
    [ASSIGN_PERSON] = {"person_id", CPOL_COLUMN_BLOB,
                       CPOL_COLUMN_NOTNULL | CPOL__SECRET(CPOL_COLUMN_ID, ASSIGN_PERSON_INDEX)},
    [ASSIGN_ROLE] = {"role", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL | CPOL__ENUM(CPOL_ROLE_ANALYST)},
    [ASSIGN_AREA] = {"area_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [ASSIGN_STATUS] = {"status", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL | CPOL__ENUM(CPOL_ASSIGNMENT_RETIRED)},
    [ASSIGN_SINCE] = {"since", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
    [ASSIGN_CREATED_AT] = {"created_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
    [ASSIGN_PERSON_INDEX] = {"person_index", CPOL_COLUMN_BLOB, CPOL__BLIND(ASSIGN_PERSON)},
};

static const cpol_index_def assignment_indexes[] = {
    {"assignment_person", 0, 1, {ASSIGN_PERSON_INDEX}},
    {"assignment_station_role", 0, 3, {ASSIGN_STATION, ASSIGN_ROLE, ASSIGN_STATUS}},
};

const cpol_table cpol__table_assignment = {"assignment", ASSIGN_NCOLS, assignment_columns,
                                           sizeof assignment_indexes / sizeof assignment_indexes[0],
                                           assignment_indexes, 0};

struct cpol_assignment {
    cpol_record *row;
    cpol_id id, person, area;
};

struct cpol_assignment_iter {
    cpol_cursor *cursor;
    cpol_assignment current;
};

/* 1 if the assignment's person is hidden from `as` (0 on error, *rc set). */
static int hidden_assignment(cpol_ctx *ctx, const cpol_actor *as, const cpol_record *row, int *rc)
{
    cpol_id person;
    int hidden;
    cpol__record_get_id(row, ASSIGN_PERSON, &person);
    *rc = cpol__person_hidden(ctx, as, &person, &hidden);
    return *rc >= 0 && hidden;
}

/* Whoever records that someone becomes an informant learns who they are:
 * only a cleared actor may, so the role is never known to an uncleared one. */
static int check_informant_enrolment(cpol_ctx *ctx, const cpol_actor *as, int role)
{
    int cleared;
    if (role != CPOL_ROLE_INFORMANT)
        return CPOL_OK;
    cleared = cpol__reader_cleared(ctx, as);
    if (cleared < 0)
        return cleared;
    return cleared ? CPOL_OK
                   : cpol__error(CPOL_EPERM, "enrolling a %s needs %s: the role is covert", cpol_role_name(role),
                                 cpol_permission_name(CPOL_PERM_PERSON_SENSITIVE));
}

/* The lifecycle: which step leads where, who may take it, whether a reason
 * is required, and the action recorded in the audit trail. */
typedef struct step_rule {
    int from, to;
    int review;          /* needs volunteer.review (else volunteer.manage / role.appoint) */
    int needs_reason;
    int volunteer_only;  /* review steps exist only for volunteer roles */
    const char *verb;
} step_rule;

static const step_rule steps[] = {
    {CPOL_ASSIGNMENT_APPLIED, CPOL_ASSIGNMENT_UNDER_REVIEW, 1, 0, 1, "review"},
    {CPOL_ASSIGNMENT_UNDER_REVIEW, CPOL_ASSIGNMENT_ADMITTED, 1, 0, 1, "admit"},
    {CPOL_ASSIGNMENT_UNDER_REVIEW, CPOL_ASSIGNMENT_REJECTED, 1, 1, 1, "reject"},
    {CPOL_ASSIGNMENT_ADMITTED, CPOL_ASSIGNMENT_ACTIVE, 0, 0, 1, "activate"},
    {CPOL_ASSIGNMENT_ADMITTED, CPOL_ASSIGNMENT_RETIRED, 0, 1, 1, "retire"},
    {CPOL_ASSIGNMENT_ACTIVE, CPOL_ASSIGNMENT_SUSPENDED, 0, 1, 0, "suspend"},
    {CPOL_ASSIGNMENT_ACTIVE, CPOL_ASSIGNMENT_RETIRED, 0, 1, 0, "retire"},
    {CPOL_ASSIGNMENT_SUSPENDED, CPOL_ASSIGNMENT_ACTIVE, 0, 0, 0, "reinstate"},
    {CPOL_ASSIGNMENT_SUSPENDED, CPOL_ASSIGNMENT_RETIRED, 0, 1, 0, "retire"},
};

const char *cpol_assignment_status_name(int status)
{
    static const char *const names[] = {NULL,     "applied",   "under review", "admitted",
                                        "rejected", "active", "suspended",    "retired"};
    return status >= CPOL_ASSIGNMENT_APPLIED && status <= CPOL_ASSIGNMENT_RETIRED ? names[status] : "unknown";
}

static const step_rule *find_step(int from, int to, int staff)
{
    size_t i;
    for (i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (steps[i].from == from && steps[i].to == to && !(staff && steps[i].volunteer_only))
            return &steps[i];
    return NULL;
}

/* "under review -> admitted, rejected" for the refusal message. */
static void allowed_steps(int from, int staff, char *buf, size_t size)
{
    size_t i, used = 0;
    buf[0] = '\0';
    for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        if (steps[i].from != from || (staff && steps[i].volunteer_only))
            continue;
        used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%s%s", used ? ", " : "",
                                 cpol_assignment_status_name(steps[i].to));
    }
    if (!buf[0])
        snprintf(buf, size, "none (final state)");
}

/* Is there a live (not rejected, not retired) assignment of person/role/area? */
static int live_duplicate(cpol_ctx *ctx, const cpol_id *person, int role, const cpol_id *area)
{
    cpol_query *q;
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    int rc = cpol__query_new(&cpol__table_assignment, &q), found = 0;
    if (rc >= 0)
        rc = cpol__query_where_id(q, ASSIGN_PERSON, CPOL_OP_EQ, person);
    if (rc >= 0)
        rc = cpol__query_where_int(q, ASSIGN_ROLE, CPOL_OP_EQ, role);
    if (rc >= 0)
        rc = cpol__query_where_id(q, ASSIGN_AREA, CPOL_OP_EQ, area);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_assignment, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK) {
        int64_t st = cpol__record_int(r, ASSIGN_STATUS);
        found |= st != CPOL_ASSIGNMENT_REJECTED && st != CPOL_ASSIGNMENT_RETIRED;
    }
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(q);
    if (rc < 0 && rc != CPOL_DONE)
        return rc;
    return found;
}

typedef struct open_args {
    const cpol_actor *as;
    const cpol_id *person, *area;
    int role, staff;
    const char *reason;
    cpol_id id;
} open_args;

static int open_body(cpol_ctx *ctx, void *arg)
{
    open_args *a = arg;
    cpol_record *person = NULL, *r = NULL;
    cpol_id station;
    int has_station, kind, rc;
    char after[256];
    rc = cpol__load(ctx, &cpol__table_person, a->person, "person", &person);
    if (rc >= 0)
        rc = cpol__area_lookup(ctx, a->area, &station, &has_station, NULL, &kind);
    if (rc >= 0 && !has_station &&
        !(a->staff && kind == CPOL_AREA_BUREAU && (a->role == CPOL_ROLE_LEADER || a->role == CPOL_ROLE_ANALYST)))
        rc = cpol__error(CPOL_ERULE, "a %s serves within a police station; only leaders and analysts may be "
                                     "appointed bureau-wide",
                         cpol_role_name(a->role));
    if (rc >= 0)
        rc = cpol__authorize(ctx, a->as, a->staff ? CPOL_PERM_ROLE_APPOINT : CPOL_PERM_VOLUNTEER_ENROL,
                             has_station ? &station : NULL);
    if (rc >= 0)
        rc = cpol__refuse_hidden_person(ctx, a->as, a->person);
    if (rc >= 0)
        rc = check_informant_enrolment(ctx, a->as, a->role);
    if (rc >= 0) {
        rc = live_duplicate(ctx, a->person, a->role, a->area);
        if (rc > 0)
            rc = cpol__error(CPOL_EEXISTS, "%s already holds or applied for the role %s there",
                             cpol__record_text_or_empty(person, PERSON_NAME), cpol_role_name(a->role));
    }
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_assignment, &r);
    if (rc >= 0) {
        cpol_time now = cpol_ctx_now(ctx);
        cpol_id_new(ctx, &a->id);
        rc = cpol__record_set_id(r, ASSIGN_ID, &a->id);
        if (rc >= 0)
            rc = cpol__record_set_id_or_null(r, ASSIGN_STATION, has_station ? &station : NULL);
        if (rc >= 0)
            rc = cpol__record_set_id(r, ASSIGN_PERSON, a->person);
        if (rc >= 0)
            rc = cpol__record_set_id(r, ASSIGN_AREA, a->area);
        cpol__value_set_int(&r->vals[ASSIGN_ROLE], a->role);
        cpol__value_set_int(&r->vals[ASSIGN_STATUS], a->staff ? CPOL_ASSIGNMENT_ACTIVE : CPOL_ASSIGNMENT_APPLIED);
        cpol__value_set_int(&r->vals[ASSIGN_SINCE], now);
        cpol__value_set_int(&r->vals[ASSIGN_CREATED_AT], now);
    }
    if (rc >= 0)
        rc = cpol__store_insert(ctx->store, r);
    if (rc >= 0) {
        /* no name: the assignment (the entry's object) says whose it is */
        snprintf(after, sizeof after, "%s %s", cpol_role_name(a->role), a->staff ? "active" : "applied");
        rc = cpol__audit(ctx, a->as, "assignment", &a->id, has_station ? &station : NULL,
                         a->staff ? "role.appoint" : "volunteer.apply", NULL, after, a->reason);
    }
    cpol__record_free(r);
    cpol__record_free(person);
    return rc;
}

static int open_assignment(const char *func, cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person,
                           int role, const cpol_id *area, const char *reason, int staff, cpol_id *id_out)
{
    open_args a;
    size_t len;
    int rc;
    if (!ctx || !as || !person || !area)
        return cpol__null_arg(func, !ctx ? "ctx" : !as ? "as" : !person ? "person" : "area");
    if (role < CPOL_ROLE_OFFICER || role > CPOL_ROLE_ANALYST)
        return cpol__error(CPOL_EINVALID, "%s: %d is not a role", func, role);
    if (cpol_role_is_staff(role) != staff)
        return cpol__error(CPOL_ERULE, staff ? "%s: %s is a volunteer role: use cpol_volunteer_apply()"
                                             : "%s: %s is a staff role: use cpol_role_appoint()",
                           func, cpol_role_name(role));
    rc = cpol__check_optional(func, "reason", reason, CPOL_REASON_MAX, &len);
    if (rc < 0)
        return rc;
    a.as = as;
    a.person = person;
    a.area = area;
    a.role = role;
    a.staff = staff;
    a.reason = reason;
    rc = cpol__ctx_atomic(ctx, open_body, &a);
    if (rc >= 0 && id_out)
        *id_out = a.id;
    return rc;
}

int cpol_role_appoint(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int role, const cpol_id *area,
                      const char *reason, cpol_id *id_out)
{
    return open_assignment("cpol_role_appoint", ctx, as, person, role, area, reason, 1, id_out);
}

int cpol_volunteer_apply(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int role,
                         const cpol_id *area, const char *reason, cpol_id *id_out)
{
    return open_assignment("cpol_volunteer_apply", ctx, as, person, role, area, reason, 0, id_out);
}

typedef struct step_args {
    const cpol_actor *as;
    const cpol_id *assignment;
    int to;
    const char *reason;
} step_args;

static int step_body(cpol_ctx *ctx, void *arg)
{
    step_args *a = arg;
    cpol_record *r;
    cpol_id station, person;
    const step_rule *rule;
    int has_station, from, role, staff, rc;
    char action[64], before[64];
    rc = cpol__load(ctx, &cpol__table_assignment, a->assignment, "assignment", &r);
    if (rc < 0)
        return rc;
    has_station = cpol__record_get_id(r, ASSIGN_STATION, &station);
    cpol__record_get_id(r, ASSIGN_PERSON, &person);
    from = (int)cpol__record_int(r, ASSIGN_STATUS);
    role = (int)cpol__record_int(r, ASSIGN_ROLE);
    staff = cpol_role_is_staff(role);
    rule = find_step(from, a->to, staff);
    if (!rule) {
        char allowed[160];
        allowed_steps(from, staff, allowed, sizeof allowed);
        rc = cpol__error(CPOL_ESTATE, "a %s assignment that is %s cannot become %s; allowed: %s",
                         cpol_role_name(role), cpol_assignment_status_name(from),
                         cpol_assignment_status_name(a->to), allowed);
    } else if (rule->needs_reason && (!a->reason || !a->reason[0])) {
        rc = cpol__error(CPOL_EINVALID, "cpol_assignment_step: a reason is required to %s", rule->verb);
    } else {
        int perm = staff ? CPOL_PERM_ROLE_APPOINT
                         : rule->review ? CPOL_PERM_VOLUNTEER_REVIEW : CPOL_PERM_VOLUNTEER_MANAGE;
        rc = cpol__authorize(ctx, a->as, perm, has_station ? &station : NULL);
        if (rc >= 0 && hidden_assignment(ctx, a->as, r, &rc))
            rc = cpol__not_found("assignment", a->assignment);
        if (rc >= 0 && !a->as->system && cpol_id_compare(&a->as->person, &person) == 0)
            rc = cpol__error(CPOL_ERULE, "nobody may %s their own assignment", rule->verb);
    }
    if (rc >= 0) {
        cpol__value_set_int(&r->vals[ASSIGN_STATUS], a->to);
        cpol__value_set_int(&r->vals[ASSIGN_SINCE], cpol_ctx_now(ctx));
        rc = cpol__store_update(ctx->store, r);
    }
    if (rc >= 0) {
        snprintf(action, sizeof action, "%s.%s", staff ? "role" : "volunteer", rule->verb);
        snprintf(before, sizeof before, "%s", cpol_assignment_status_name(from));
        rc = cpol__audit(ctx, a->as, "assignment", a->assignment, has_station ? &station : NULL, action, before,
                         cpol_assignment_status_name(a->to), a->reason);
    }
    cpol__record_free(r);
    return rc;
}

int cpol_assignment_step(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *assignment, int to,
                         const char *reason)
{
    step_args a;
    size_t len;
    int rc;
    if (!ctx || !as || !assignment)
        return cpol__null_arg("cpol_assignment_step", !ctx ? "ctx" : !as ? "as" : "assignment");
    if (to < CPOL_ASSIGNMENT_APPLIED || to > CPOL_ASSIGNMENT_RETIRED)
        return cpol__error(CPOL_EINVALID, "cpol_assignment_step: %d is not an assignment state", to);
    rc = cpol__check_optional("cpol_assignment_step", "reason", reason, CPOL_REASON_MAX, &len);
    if (rc < 0)
        return rc;
    a.as = as;
    a.assignment = assignment;
    a.to = to;
    a.reason = reason;
    return cpol__ctx_atomic(ctx, step_body, &a);
}

/* ---- reading ---- */

static void assignment_refresh(cpol_assignment *a)
{
    cpol__record_get_id(a->row, ASSIGN_ID, &a->id);
    cpol__record_get_id(a->row, ASSIGN_PERSON, &a->person);
    cpol__record_get_id(a->row, ASSIGN_AREA, &a->area);
}

int cpol_assignment_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, cpol_assignment **out)
{
    cpol_assignment *a;
    cpol_id station;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !id || !out)
        return cpol__null_arg("cpol_assignment_get", !ctx ? "ctx" : !as ? "as" : !id ? "id" : "out");
    a = cpol__calloc(1, sizeof *a);
    if (!a)
        return cpol__oom();
    rc = cpol__load(ctx, &cpol__table_assignment, id, "assignment", &a->row);
    if (rc >= 0) {
        assignment_refresh(a);
        /* one's own assignment; else person.view where it is held */
        if (as->system || cpol_id_compare(&as->person, &a->person) != 0)
            rc = cpol__authorize_about(ctx, as, CPOL_PERM_PERSON_VIEW,
                                       cpol__record_get_id(a->row, ASSIGN_STATION, &station) ? &station : NULL,
                                       "assignment", id);
        if (rc >= 0 && hidden_assignment(ctx, as, a->row, &rc))
            rc = cpol__not_found("assignment", id);
    }
    if (rc < 0) {
        cpol_assignment_free(a);
        return rc;
    }
    *out = a;
    return CPOL_OK;
}

void cpol_assignment_free(cpol_assignment *a)
{
    if (!a)
        return;
    cpol__record_free(a->row);
    cpol_free(a);
}

const cpol_id *cpol_assignment_id(const cpol_assignment *a) { return a ? &a->id : NULL; }
const cpol_id *cpol_assignment_person(const cpol_assignment *a) { return a ? &a->person : NULL; }
int cpol_assignment_role(const cpol_assignment *a) { return a ? (int)cpol__record_int(a->row, ASSIGN_ROLE) : 0; }
const cpol_id *cpol_assignment_area(const cpol_assignment *a) { return a ? &a->area : NULL; }
int cpol_assignment_status(const cpol_assignment *a) { return a ? (int)cpol__record_int(a->row, ASSIGN_STATUS) : 0; }
cpol_time cpol_assignment_since(const cpol_assignment *a) { return a ? cpol__record_int(a->row, ASSIGN_SINCE) : 0; }

int cpol_assignment_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person,
                             cpol_assignment_iter **out)
{
    cpol_assignment_iter *it;
    cpol_person *p = NULL;
    cpol_query *q = NULL;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !person || !out)
        return cpol__null_arg("cpol_assignment_iter_new", !ctx ? "ctx" : !as ? "as" : !person ? "person" : "out");
    /* whoever may read the file may list its roles: a covert person's file,
     * and so every assignment of theirs, does not exist for an uncleared reader */
    rc = cpol_person_get(ctx, as, person, &p);
    cpol_person_free(p);
    if (rc < 0)
        return rc;
    it = cpol__calloc(1, sizeof *it);
    if (!it)
        return cpol__oom();
    rc = cpol__query_new(&cpol__table_assignment, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, ASSIGN_PERSON, CPOL_OP_EQ, person);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_assignment, &it->current.row);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &it->cursor);
    cpol__query_free(q);
    if (rc < 0) {
        cpol_assignment_iter_free(it);
        return rc;
    }
    *out = it;
    return CPOL_OK;
}

int cpol_assignment_iter_next(cpol_assignment_iter *it, const cpol_assignment **out)
{
    int rc;
    if (!it || !out)
        return cpol__null_arg("cpol_assignment_iter_next", !it ? "it" : "out");
    rc = cpol__cursor_next(it->cursor, it->current.row);
    if (rc != CPOL_OK)
        return rc;
    assignment_refresh(&it->current);
    *out = &it->current;
    return CPOL_OK;
}

void cpol_assignment_iter_free(cpol_assignment_iter *it)
{
    if (!it)
        return;
    cpol__cursor_close(it->cursor);
    cpol__record_free(it->current.row);
    cpol_free(it);
}
