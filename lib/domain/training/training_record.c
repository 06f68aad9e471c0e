/* Training: attendance, certificates, and a person's training record. */
#include <stdio.h>

#include <commpolice/person.h>
#include <commpolice/training.h>

#include "domain/base/domain.h"
#include "domain/points/ledger_internal.h"
#include "domain/base/reader.h"
#include "domain/base/snapshot.h"
#include "domain/base/tables.h"
#include "domain/training/training_tables.h"

#define MS_PER_DAY 86400000LL

struct cpol_training_record {
    cpol_record *row;
    cpol_id id, session, course;
};

struct cpol_training_record_iter {
    cpol__snapshot_iter base;
    cpol_training_record current;
};

struct cpol_certificate {
    cpol_record *row;
    cpol_id id, course;
};

struct cpol_certificate_iter {
    cpol__snapshot_iter base;
    cpol_certificate current;
};

/* Load the person a training write names. A person hidden from the actor
 * is refused exactly as an unknown one, so writes are no oracle either. */
static int load_named_person(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, cpol_record **out)
{
    int hidden, rc = cpol__load(ctx, &cpol__table_person, person, "person", out);
    if (rc >= 0 && (rc = cpol__person_hidden(ctx, as, person, &hidden)) >= 0 && hidden)
        rc = cpol__not_found("person", person);
    return rc;
}

/* The trainee: must exist and be registered at the station running the course. */
static int load_trainee(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, const cpol_id *station,
                        cpol_record **out)
{
    cpol_id home;
    int rc = load_named_person(ctx, as, person, out);
    if (rc < 0)
        return rc;
    cpol__record_get_id(*out, PERSON_STATION, &home);
    if (cpol_id_compare(&home, station) != 0)
        return cpol__error(CPOL_ERULE, "%s is registered at another police station than the one running the course",
                           cpol__record_text_or_empty(*out, PERSON_NAME));
    return CPOL_OK;
}

/* Training earns points, so nobody records it for themselves. */
static int refuse_self(const cpol_actor *as, const cpol_id *person, const char *what)
{
    if (!as->system && cpol_id_compare(&as->person, person) == 0)
        return cpol__error(CPOL_ERULE, "nobody may %s for themselves", what);
    return CPOL_OK;
}

/* ---- attendance ---- */

typedef struct attend_args {
    const cpol_actor *as;
    const cpol_id *session, *person;
    int attended;
    cpol_id id;
} attend_args;

static int already_recorded(cpol_ctx *ctx, const cpol_id *session, const cpol_id *person, const char *name)
{
    cpol_query *q = NULL;
    int64_t n;
    int rc = cpol__query_new(&cpol__table_attendance, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, ATTEND_SESSION, CPOL_OP_EQ, session);
    if (rc >= 0)
        rc = cpol__query_where_id(q, ATTEND_PERSON, CPOL_OP_EQ, person);
    rc = cpol__count_rows(ctx, q, rc, &n);
    if (rc >= 0 && n > 0)
        rc = cpol__error(CPOL_EEXISTS, "the attendance of %s at this session is already recorded", name);
    return rc;
}

static int session_started(cpol_ctx *ctx, const cpol_record *session)
{
    cpol_time starts = cpol__record_int(session, TSESSION_STARTS_AT);
    char when[CPOL__TIME_TEXT];
    if (cpol_ctx_now(ctx) >= starts)
        return CPOL_OK;
    cpol__time_text(starts, when);
    return cpol__error(CPOL_ESTATE, "the session has not started yet (it starts at %s); attendance is recorded "
                                    "once it has started", when);
}

static int insert_attendance(cpol_ctx *ctx, attend_args *a, const cpol_record *session, const cpol_record *course)
{
    cpol_record *r;
    int rc = cpol__record_new(&cpol__table_attendance, &r);
    if (rc < 0)
        return rc;
    cpol_id_new(ctx, &a->id);
    rc = cpol__record_set_id(r, ATTEND_ID, &a->id);
    if (rc >= 0)
        rc = cpol__value_copy(&r->vals[ATTEND_STATION], &session->vals[TSESSION_STATION]);
    if (rc >= 0)
        rc = cpol__record_set_id(r, ATTEND_SESSION, a->session);
    if (rc >= 0)
        rc = cpol__value_copy(&r->vals[ATTEND_COURSE], &session->vals[TSESSION_COURSE]);
    if (rc >= 0)
        rc = cpol__record_set_id(r, ATTEND_PERSON, a->person);
    cpol__value_set_int(&r->vals[ATTEND_KIND], cpol__record_int(course, COURSE_KIND));
    cpol__value_set_int(&r->vals[ATTEND_STARTS_AT], cpol__record_int(session, TSESSION_STARTS_AT));
    cpol__value_set_int(&r->vals[ATTEND_MINUTES], cpol__record_int(session, TSESSION_MINUTES));
    cpol__value_set_int(&r->vals[ATTEND_PRESENT], a->attended);
    cpol__value_set_int(&r->vals[ATTEND_RECORDED_AT], cpol_ctx_now(ctx));
    if (rc >= 0)
        rc = cpol__store_insert(ctx->store, r);
    cpol__record_free(r);
    return rc;
}

static int attend_body(cpol_ctx *ctx, void *arg)
{
    attend_args *a = arg;
    cpol_record *session, *course = NULL, *person = NULL;
    cpol_id station, course_id;
    char after[CPOL_COURSE_TITLE_MAX + 64], when[CPOL__TIME_TEXT];
    int rc = cpol__load(ctx, &cpol__table_training_session, a->session, "training session", &session);
    if (rc < 0)
        return rc;
    cpol__record_get_id(session, TSESSION_STATION, &station);
    cpol__record_get_id(session, TSESSION_COURSE, &course_id);
    rc = cpol__load(ctx, &cpol__table_course, &course_id, "course", &course);
    if (rc >= 0)
        rc = cpol__authorize(ctx, a->as, CPOL_PERM_TRAINING_RECORD, &station);
    if (rc >= 0)
        rc = load_trainee(ctx, a->as, a->person, &station, &person);
    if (rc >= 0)
        rc = refuse_self(a->as, a->person, "record their own training attendance");
    if (rc >= 0)
        rc = session_started(ctx, session);
    if (rc >= 0)
        rc = already_recorded(ctx, a->session, a->person, cpol__record_text_or_empty(person, PERSON_NAME));
    if (rc >= 0)
        rc = insert_attendance(ctx, a, session, course);
    /* attending earns training points by the station's rule, once per attendance */
    if (rc >= 0 && a->attended)
        rc = cpol__points_auto_award(ctx, a->as, a->person, CPOL_EARN_TRAINING, &a->id, NULL);
    if (rc >= 0) {
        cpol__time_text(cpol__record_int(session, TSESSION_STARTS_AT), when);
        /* the entry is filed under the attendance, not the person: audit
         * summaries carry no names (not every reader of the trail may see them) */
        snprintf(after, sizeof after, "%s at \"%s\" %s", a->attended ? "present" : "absent",
                 cpol__record_text_or_empty(course, COURSE_TITLE), when);
        rc = cpol__audit(ctx, a->as, "attendance", &a->id, &station, "training.attend", NULL, after, NULL);
    }
    cpol__record_free(person);
    cpol__record_free(course);
    cpol__record_free(session);
    return rc;
}

int cpol_training_attend(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *session, const cpol_id *person,
                         int attended, cpol_id *id_out)
{
    attend_args a;
    int rc;
    if (!ctx || !as || !session || !person)
        return cpol__null_arg("cpol_training_attend", !ctx ? "ctx" : !as ? "as" : !session ? "session" : "person");
    if (attended != 0 && attended != 1)
        return cpol__error(CPOL_EINVALID, "cpol_training_attend: attended must be 1 (present) or 0 (absent), not %d",
                           attended);
    a.as = as;
    a.session = session;
    a.person = person;
    a.attended = attended;
    rc = cpol__ctx_atomic(ctx, attend_body, &a);
    if (rc >= 0 && id_out)
        *id_out = a.id;
    return rc;
}

/* ---- certificates ---- */

typedef struct issue_args {
    const cpol_actor *as;
    const cpol_id *course, *person;
    cpol_id id;
} issue_args;

static int attended_course(cpol_ctx *ctx, const cpol_id *course, const cpol_id *person, const char *name)
{
    cpol_query *q = NULL;
    int64_t n;
    int rc = cpol__query_new(&cpol__table_attendance, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, ATTEND_COURSE, CPOL_OP_EQ, course);
    if (rc >= 0)
        rc = cpol__query_where_id(q, ATTEND_PERSON, CPOL_OP_EQ, person);
    if (rc >= 0)
        rc = cpol__query_where_int(q, ATTEND_PRESENT, CPOL_OP_EQ, 1);
    rc = cpol__count_rows(ctx, q, rc, &n);
    if (rc >= 0 && n == 0)
        rc = cpol__error(CPOL_ERULE, "%s attended no session of the course: a certificate needs attendance", name);
    return rc;
}

static int holds_unexpired(cpol_ctx *ctx, const cpol_id *course, const cpol_id *person, const char *name)
{
    cpol_query *q = NULL;
    int64_t n;
    int rc = cpol__query_new(&cpol__table_certificate, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, CERT_PERSON, CPOL_OP_EQ, person);
    if (rc >= 0)
        rc = cpol__query_where_id(q, CERT_COURSE, CPOL_OP_EQ, course);
    if (rc >= 0)
        rc = cpol__query_where_int(q, CERT_EXPIRES_AT, CPOL_OP_GT, cpol_ctx_now(ctx));
    rc = cpol__count_rows(ctx, q, rc, &n);
    if (rc >= 0 && n > 0)
        rc = cpol__error(CPOL_EEXISTS, "%s already holds an unexpired certificate of this course", name);
    return rc;
}

static int insert_certificate(cpol_ctx *ctx, issue_args *a, const cpol_record *course, cpol_time expires)
{
    cpol_record *r;
    int rc = cpol__record_new(&cpol__table_certificate, &r);
    if (rc < 0)
        return rc;
    cpol_id_new(ctx, &a->id);
    rc = cpol__record_set_id(r, CERT_ID, &a->id);
    if (rc >= 0)
        rc = cpol__value_copy(&r->vals[CERT_STATION], &course->vals[COURSE_STATION]);
    if (rc >= 0)
        rc = cpol__record_set_id(r, CERT_COURSE, a->course);
    if (rc >= 0)
        rc = cpol__record_set_id(r, CERT_PERSON, a->person);
    cpol__value_set_int(&r->vals[CERT_KIND], cpol__record_int(course, COURSE_KIND));
    cpol__value_set_int(&r->vals[CERT_ISSUED_AT], cpol_ctx_now(ctx));
    cpol__value_set_int(&r->vals[CERT_EXPIRES_AT], expires);
    if (rc >= 0)
        rc = cpol__store_insert(ctx->store, r);
    cpol__record_free(r);
    return rc;
}

static int issue_body(cpol_ctx *ctx, void *arg)
{
    issue_args *a = arg;
    cpol_record *course, *person = NULL;
    cpol_id station;
    int64_t days;
    cpol_time expires;
    const char *name = "";
    char after[CPOL_COURSE_TITLE_MAX + 64], until[CPOL__TIME_TEXT];
    int rc = cpol__load(ctx, &cpol__table_course, a->course, "course", &course);
    if (rc < 0)
        return rc;
    cpol__record_get_id(course, COURSE_STATION, &station);
    days = cpol__record_int(course, COURSE_CERT_VALID_DAYS);
    expires = cpol_ctx_now(ctx) + days * MS_PER_DAY;
    rc = cpol__authorize(ctx, a->as, CPOL_PERM_TRAINING_MANAGE, &station);
    if (rc >= 0 && days == 0)
        rc = cpol__error(CPOL_ERULE, "the course \"%s\" grants no certificate",
                         cpol__record_text_or_empty(course, COURSE_TITLE));
    if (rc >= 0) {
        rc = load_named_person(ctx, a->as, a->person, &person);
        name = person ? cpol__record_text_or_empty(person, PERSON_NAME) : "";
    }
    if (rc >= 0)
        rc = refuse_self(a->as, a->person, "issue a certificate");
    if (rc >= 0)
        rc = attended_course(ctx, a->course, a->person, name);
    if (rc >= 0)
        rc = holds_unexpired(ctx, a->course, a->person, name);
    if (rc >= 0)
        rc = insert_certificate(ctx, a, course, expires);
    if (rc >= 0) {
        cpol__time_text(expires, until);
        snprintf(after, sizeof after, "\"%s\" valid until %s", cpol__record_text_or_empty(course, COURSE_TITLE),
                 until);
        rc = cpol__audit(ctx, a->as, "certificate", &a->id, &station, "certificate.issue", NULL, after, NULL);
    }
    cpol__record_free(person);
    cpol__record_free(course);
    return rc;
}

int cpol_certificate_issue(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *course, const cpol_id *person,
                           cpol_id *id_out)
{
    issue_args a;
    int rc;
    if (!ctx || !as || !course || !person)
        return cpol__null_arg("cpol_certificate_issue", !ctx ? "ctx" : !as ? "as" : !course ? "course" : "person");
    a.as = as;
    a.course = course;
    a.person = person;
    rc = cpol__ctx_atomic(ctx, issue_body, &a);
    if (rc >= 0 && id_out)
        *id_out = a.id;
    return rc;
}

/* ---- reading a person's record ---- */

int cpol_certificate_valid(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int kind, cpol_time at,
                           int *valid_out)
{
    cpol_query *q = NULL;
    int64_t n;
    int rc;
    if (!ctx || !as || !person || !valid_out)
        return cpol__null_arg("cpol_certificate_valid",
                              !ctx ? "ctx" : !as ? "as" : !person ? "person" : "valid_out");
    *valid_out = 0;
    if (kind < CPOL_COURSE_POLICE_SKILLS || kind > CPOL_COURSE_FIRE_DRILL)
        return cpol__error(CPOL_EINVALID, "cpol_certificate_valid: %d is not a course kind", kind);
    rc = cpol__authorize_person_read(ctx, as, person, CPOL_PERM_PERSON_VIEW);
    if (rc >= 0)
        rc = cpol__query_new(&cpol__table_certificate, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, CERT_PERSON, CPOL_OP_EQ, person);
    if (rc >= 0)
        rc = cpol__query_where_int(q, CERT_KIND, CPOL_OP_EQ, kind);
    if (rc >= 0)
        rc = cpol__query_where_int(q, CERT_ISSUED_AT, CPOL_OP_LE, at);
    if (rc >= 0)
        rc = cpol__query_where_int(q, CERT_EXPIRES_AT, CPOL_OP_GT, at);
    rc = cpol__count_rows(ctx, q, rc, &n);
    if (rc >= 0)
        *valid_out = n > 0;
    return rc;
}

int cpol_training_minutes(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, cpol_time from,
                          cpol_time to, int64_t *minutes_out)
{
    cpol_query *q = NULL;
    int rc;
    if (!ctx || !as || !person || !minutes_out)
        return cpol__null_arg("cpol_training_minutes",
                              !ctx ? "ctx" : !as ? "as" : !person ? "person" : "minutes_out");
    *minutes_out = 0;
    rc = cpol__check_time_range("cpol_training_minutes", from, to);
    if (rc >= 0)
        rc = cpol__authorize_person_read(ctx, as, person, CPOL_PERM_PERSON_VIEW);
    if (rc >= 0)
        rc = cpol__query_new(&cpol__table_attendance, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, ATTEND_PERSON, CPOL_OP_EQ, person);
    if (rc >= 0)
        rc = cpol__query_where_int(q, ATTEND_PRESENT, CPOL_OP_EQ, 1);
    if (rc >= 0)
        rc = cpol__query_where_range(q, ATTEND_STARTS_AT, from, to);
    return cpol__sum_rows(ctx, q, rc, ATTEND_MINUTES, minutes_out);
}

/* An iterator over one person's rows of table t, ordered by column `order`,
 * for a reader allowed to see that person (then every row is theirs). */
static int person_rows_iter(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, const cpol_table *t,
                            int person_col, int order, size_t size, size_t snap_offset,
                            cpol__snapshot_refresh refresh, void **out)
{
    cpol_query *q = NULL;
    int rc = cpol__authorize_person_read(ctx, as, person, CPOL_PERM_PERSON_VIEW);
    if (rc >= 0)
        rc = cpol__query_new(t, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, person_col, CPOL_OP_EQ, person);
    if (rc >= 0) {
        cpol__query_order(q, order, 0);
        rc = cpol__snapshot_iter_new(ctx, q, size, snap_offset, refresh, out);
    }
    cpol__query_free(q);
    return rc;
}

static int record_refresh(cpol_store *store, void *snap)
{
    cpol_training_record *r = snap;
    (void)store;
    cpol__record_get_id(r->row, ATTEND_ID, &r->id);
    cpol__record_get_id(r->row, ATTEND_SESSION, &r->session);
    cpol__record_get_id(r->row, ATTEND_COURSE, &r->course);
    return CPOL_OK;
}

int cpol_training_record_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person,
                                  cpol_training_record_iter **out)
{
    void *it = NULL;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !person || !out)
        return cpol__null_arg("cpol_training_record_iter_new", !ctx ? "ctx" : !as ? "as" : !person ? "person" : "out");
    rc = person_rows_iter(ctx, as, person, &cpol__table_attendance, ATTEND_PERSON, ATTEND_STARTS_AT,
                          sizeof(cpol_training_record_iter), offsetof(cpol_training_record_iter, current),
                          record_refresh, &it);
    *out = it;
    return rc;
}

int cpol_training_record_iter_next(cpol_training_record_iter *it, const cpol_training_record **out)
{
    int rc;
    if (!it || !out)
        return cpol__null_arg("cpol_training_record_iter_next", !it ? "it" : "out");
    rc = cpol__snapshot_iter_next(it);
    if (rc == CPOL_OK)
        *out = &it->current;
    return rc;
}

void cpol_training_record_iter_free(cpol_training_record_iter *it) { cpol__snapshot_iter_free(it); }
const cpol_id *cpol_training_record_id(const cpol_training_record *r) { return r ? &r->id : NULL; }
const cpol_id *cpol_training_record_session(const cpol_training_record *r) { return r ? &r->session : NULL; }
const cpol_id *cpol_training_record_course(const cpol_training_record *r) { return r ? &r->course : NULL; }
int cpol_training_record_kind(const cpol_training_record *r) { return r ? (int)cpol__record_int(r->row, ATTEND_KIND) : 0; }
cpol_time cpol_training_record_starts_at(const cpol_training_record *r)
{
    return r ? cpol__record_int(r->row, ATTEND_STARTS_AT) : 0;
}
int32_t cpol_training_record_minutes(const cpol_training_record *r)
{
    return r ? (int32_t)cpol__record_int(r->row, ATTEND_MINUTES) : 0;
}
int cpol_training_record_attended(const cpol_training_record *r)
{
    return r ? (int)cpol__record_int(r->row, ATTEND_PRESENT) : 0;
}

static int certificate_refresh(cpol_store *store, void *snap)
{
    cpol_certificate *c = snap;
    (void)store;
    cpol__record_get_id(c->row, CERT_ID, &c->id);
    cpol__record_get_id(c->row, CERT_COURSE, &c->course);
    return CPOL_OK;
}

int cpol_certificate_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person,
                              cpol_certificate_iter **out)
{
    void *it = NULL;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !person || !out)
        return cpol__null_arg("cpol_certificate_iter_new", !ctx ? "ctx" : !as ? "as" : !person ? "person" : "out");
    rc = person_rows_iter(ctx, as, person, &cpol__table_certificate, CERT_PERSON, CERT_ISSUED_AT,
                          sizeof(cpol_certificate_iter), offsetof(cpol_certificate_iter, current),
                          certificate_refresh, &it);
    *out = it;
    return rc;
}

int cpol_certificate_iter_next(cpol_certificate_iter *it, const cpol_certificate **out)
{
    int rc;
    if (!it || !out)
        return cpol__null_arg("cpol_certificate_iter_next", !it ? "it" : "out");
    rc = cpol__snapshot_iter_next(it);
    if (rc == CPOL_OK)
        *out = &it->current;
    return rc;
}

void cpol_certificate_iter_free(cpol_certificate_iter *it) { cpol__snapshot_iter_free(it); }
const cpol_id *cpol_certificate_id(const cpol_certificate *c) { return c ? &c->id : NULL; }
const cpol_id *cpol_certificate_course(const cpol_certificate *c) { return c ? &c->course : NULL; }
int cpol_certificate_kind(const cpol_certificate *c) { return c ? (int)cpol__record_int(c->row, CERT_KIND) : 0; }
cpol_time cpol_certificate_issued_at(const cpol_certificate *c) { return c ? cpol__record_int(c->row, CERT_ISSUED_AT) : 0; }
cpol_time cpol_certificate_expires_at(const cpol_certificate *c)
{
    return c ? cpol__record_int(c->row, CERT_EXPIRES_AT) : 0;
}
