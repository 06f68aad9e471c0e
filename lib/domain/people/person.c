/* Person files (一人一档) and the notes kept on them. */
#include <stdio.h>
#include <string.h>

#include <commpolice/person.h>

#include "util/alloc.h"
#include "domain/base/domain.h"
#include "domain/base/sensitive.h"
#include "domain/people/person_internal.h"
#include "domain/base/tables.h"

static const cpol_column_def person_columns[PERSON_NCOLS] = {
    [PERSON_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [PERSON_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    /* personal data, encrypted at rest (store/crypt.c) */
    [PERSON_NAME] = {"name", CPOL_COLUMN_BLOB, CPOL_COLUMN_NOTNULL | CPOL__SECRET(CPOL_COLUMN_TEXT, 0)},
    [PERSON_ID_CARD] = {"id_card", CPOL_COLUMN_BLOB,
                        CPOL_COLUMN_NOTNULL | CPOL__SECRET(CPOL_COLUMN_TEXT, PERSON_ID_CARD_INDEX)},
    [PERSON_PHONE] = {"phone", CPOL_COLUMN_BLOB, CPOL__SECRET(CPOL_COLUMN_TEXT, 0)},
    [PERSON_HOME_AREA] = {"home_area_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [PERSON_HOME_PATH] = {"home_path", CPOL_COLUMN_TEXT, CPOL_COLUMN_NOTNULL},
    [PERSON_SKILLS] = {"skills", CPOL_COLUMN_TEXT, 0},
    [PERSON_CATEGORIES] = {"categories", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [PERSON_BIRTH_DATE] = {"birth_date", CPOL_COLUMN_BLOB, CPOL_COLUMN_NOTNULL | CPOL__SECRET(CPOL_COLUMN_INT, 0)},
    [PERSON_REGISTERED_AT] = {"registered_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
    [PERSON_UPDATED_AT] = {"updated_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
    [PERSON_ID_CARD_INDEX] = {"id_card_index", CPOL_COLUMN_BLOB, CPOL__BLIND(PERSON_ID_CARD)},
};

/* An ID-card number is unique per station, not in the database: a person may
 * have a file at two stations, and a uniqueness error must never tell one
 * station about another's files. (The unique index "person_id_card" of
 * schema 2 was database-wide; it has a new name so its narrower successor is
 * created beside it.) */
static const cpol_index_def person_indexes[] = {
    {"person_station_id_card", 1, 2, {PERSON_STATION, PERSON_ID_CARD_INDEX}},
    {"person_card", 0, 1, {PERSON_ID_CARD_INDEX}},
    {"person_station", 0, 1, {PERSON_STATION}},
    {"person_home_path", 0, 1, {PERSON_HOME_PATH}},
};

const cpol_table cpol__table_person = {"person", PERSON_NCOLS, person_columns,
                                       sizeof person_indexes / sizeof person_indexes[0], person_indexes, 0};

static const cpol_column_def note_columns[NOTE_NCOLS] = {
    [NOTE_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [NOTE_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [NOTE_PERSON] = {"person_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [NOTE_KIND] = {"kind", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [NOTE_TEXT] = {"text", CPOL_COLUMN_TEXT, CPOL_COLUMN_NOTNULL},
    [NOTE_AUTHOR] = {"author_person_id", CPOL_COLUMN_ID, 0},
    [NOTE_AT] = {"at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
};

static const cpol_index_def note_indexes[] = {{"note_person", 0, 1, {NOTE_PERSON}}};

const cpol_table cpol__table_note = {"person_note", NOTE_NCOLS, note_columns, 1, note_indexes, 0};


/* ---- validation of the fields ---- */

typedef struct checked_fields {
    char id_card[19];
    int32_t birth;
    size_t name_len, skills_len, phone_len;
} checked_fields;

static int check_fields(cpol_ctx *ctx, const char *func, const cpol_person_fields *f, int registering,
                        checked_fields *c)
{
    int rc;
    if (f->version == 0 || f->version > CPOL_PERSON_FIELDS_VERSION)
        return cpol__error(CPOL_EVERSION, "%s: fields version %u is not supported", func, f->version);
    if (registering || f->name) {
        rc = cpol__check_name(func, "name", f->name, CPOL_PERSON_NAME_MAX, &c->name_len);
        if (rc < 0)
            return rc;
    }
    if (registering || f->id_card) {
        rc = cpol__id_card_validate(func, f->id_card, cpol_ctx_now(ctx), c->id_card, &c->birth);
        if (rc < 0)
            return rc;
    }
    if (registering && !f->home_area)
        return cpol__null_arg(func, "home_area");
    c->phone_len = 0;
    if (f->phone && f->phone[0]) {
        rc = cpol__phone_validate(func, f->phone, &c->phone_len);
        if (rc < 0)
            return rc;
    }
    rc = cpol__check_optional(func, "skills", f->skills, CPOL_PERSON_SKILLS_MAX, &c->skills_len);
    if (rc < 0)
        return rc;
    if (f->categories != -1 && (f->categories < 0 || (f->categories & ~(int32_t)CPOL_CATEGORY_ALL)))
        return cpol__error(CPOL_EINVALID, "%s: categories 0x%x has bits that are not categories", func,
                           (unsigned)f->categories);
    return CPOL_OK;
}

/* A short summary for the audit trail: no personal data at all (no name, no
 * number, masked or not); the entry's object id says whose file it is. */
static void summarize(const cpol_record *r, char *buf, size_t size)
{
    char area[37];
    cpol_id home;
    cpol__record_get_id(r, PERSON_HOME_AREA, &home);
    cpol__id_text(&home, area);
    snprintf(buf, size, "home area %s, categories 0x%x", area, (unsigned)cpol__record_int(r, PERSON_CATEGORIES));
}

/* The fields an update names, for its audit entry ("name, phone"). */
static void changed_fields(const cpol_person_fields *f, char *buf, size_t size)
{
    snprintf(buf, size, "; changed:%s%s%s%s%s%s", f->name ? " name" : "", f->id_card ? " id_card" : "",
             f->phone ? " phone" : "", f->home_area ? " home_area" : "", f->skills ? " skills" : "",
             f->categories != -1 ? " categories" : "");
}

/* Is the number taken at `station` by another file? The refusal talks about
 * that station only and names nothing but the (masked) number given. */
static int id_card_taken(cpol_ctx *ctx, const char *id_card, const cpol_id *station, const cpol_id *except)
{
    cpol_query *q;
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    int rc = cpol__query_new(&cpol__table_person, &q), found = 0;
    if (rc >= 0)
        rc = cpol__query_where_id(q, PERSON_STATION, CPOL_OP_EQ, station);
    if (rc >= 0)
        rc = cpol__query_where_text(q, PERSON_ID_CARD, CPOL_OP_EQ, id_card, strlen(id_card));
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_person, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK) {
        cpol_id id;
        cpol__record_get_id(r, PERSON_ID, &id);
        found |= !except || cpol_id_compare(&id, except) != 0;
    }
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(q);
    if (rc < 0 && rc != CPOL_DONE)
        return rc;
    if (found) {
        char masked[19];
        cpol__id_card_mask(id_card, masked);
        return cpol__error(CPOL_EEXISTS, "a person with ID-card number %s is already registered at this station",
                           masked);
    }
    return CPOL_OK;
}

/* Fill the columns given in f into r (home area resolved by the caller). */
static int apply_fields(cpol_record *r, const cpol_person_fields *f, const checked_fields *c)
{
    int rc = CPOL_OK;
    if (f->name && cpol__value_set_text(&r->vals[PERSON_NAME], f->name, c->name_len) < 0)
        rc = cpol__oom();
    if (rc >= 0 && f->id_card) {
        rc = cpol__record_set_text0(r, PERSON_ID_CARD, c->id_card);
        cpol__value_set_int(&r->vals[PERSON_BIRTH_DATE], c->birth);
    }
    if (rc >= 0 && f->phone)
        rc = cpol__record_set_text0(r, PERSON_PHONE, f->phone[0] ? f->phone : NULL);
    if (rc >= 0 && f->skills)
        rc = cpol__record_set_text0(r, PERSON_SKILLS, f->skills[0] ? f->skills : NULL);
    if (f->categories != -1)
        cpol__value_set_int(&r->vals[PERSON_CATEGORIES], f->categories);
    return rc;
}

/* Resolve the home area: its station (required) and path. */
static int set_home(cpol_ctx *ctx, cpol_record *r, const cpol_id *area, cpol_id *station)
{
    char *path = NULL;
    int has_station, rc = cpol__area_lookup(ctx, area, station, &has_station, &path, NULL);
    if (rc >= 0 && !has_station)
        rc = cpol__error(CPOL_ERULE, "the home area must lie within a police station");
    if (rc >= 0)
        rc = cpol__record_set_id(r, PERSON_HOME_AREA, area);
    if (rc >= 0)
        rc = cpol__record_set_id(r, PERSON_STATION, station);
    if (rc >= 0)
        rc = cpol__record_set_text0(r, PERSON_HOME_PATH, path);
    cpol_free(path);
    return rc;
}

typedef struct person_args {
    const cpol_actor *as;
    const cpol_person_fields *f;
    checked_fields c;
    const cpol_id *person;  /* update */
    cpol_id id;             /* register */
} person_args;

static int register_body(cpol_ctx *ctx, void *arg)
{
    person_args *a = arg;
    cpol_record *r;
    cpol_id station;
    char after[256];
    int rc = cpol__record_new(&cpol__table_person, &r);
    if (rc < 0)
        return rc;
    rc = set_home(ctx, r, a->f->home_area, &station);
    if (rc >= 0)
        rc = cpol__authorize(ctx, a->as, CPOL_PERM_PERSON_REGISTER, &station);
    if (rc >= 0)
        rc = id_card_taken(ctx, a->c.id_card, &station, NULL);
    if (rc >= 0) {
        cpol_time now = cpol_ctx_now(ctx);
        cpol_id_new(ctx, &a->id);
        rc = cpol__record_set_id(r, PERSON_ID, &a->id);
        cpol__value_set_int(&r->vals[PERSON_CATEGORIES], 0);
        cpol__value_set_int(&r->vals[PERSON_REGISTERED_AT], now);
        cpol__value_set_int(&r->vals[PERSON_UPDATED_AT], now);
    }
    if (rc >= 0)
        rc = apply_fields(r, a->f, &a->c);
    if (rc >= 0)
        rc = cpol__store_insert(ctx->store, r);
    if (rc >= 0) {
        summarize(r, after, sizeof after);
        rc = cpol__audit(ctx, a->as, "person", &a->id, &station, "person.register", NULL, after, NULL);
    }
    cpol__record_free(r);
    return rc;
}

int cpol_person_register(cpol_ctx *ctx, const cpol_actor *as, const cpol_person_fields *fields, cpol_id *id_out)
{
    person_args a;
    int rc;
    if (!ctx || !as || !fields)
        return cpol__null_arg("cpol_person_register", !ctx ? "ctx" : !as ? "as" : "fields");
    rc = check_fields(ctx, "cpol_person_register", fields, 1, &a.c);
    if (rc < 0)
        return rc;
    a.as = as;
    a.f = fields;
    rc = cpol__ctx_atomic(ctx, register_body, &a);
    if (rc >= 0 && id_out)
        *id_out = a.id;
    return rc;
}

static int update_body(cpol_ctx *ctx, void *arg)
{
    person_args *a = arg;
    cpol_record *r;
    cpol_id station, old_station;
    char before[256], after[384];
    int rc = cpol__load(ctx, &cpol__table_person, a->person, "person", &r);
    if (rc < 0)
        return rc;
    cpol__record_get_id(r, PERSON_STATION, &station);
    old_station = station;
    summarize(r, before, sizeof before);
    rc = cpol__authorize(ctx, a->as, CPOL_PERM_PERSON_REGISTER, &station);
    if (rc >= 0)
        rc = cpol__refuse_hidden_person(ctx, a->as, a->person);
    if (rc >= 0 && a->f->home_area) {
        cpol_id new_station;
        rc = set_home(ctx, r, a->f->home_area, &new_station);
        /* moving someone to another station needs the right there too */
        if (rc >= 0 && cpol_id_compare(&new_station, &station) != 0)
            rc = cpol__authorize(ctx, a->as, CPOL_PERM_PERSON_REGISTER, &new_station);
        station = new_station;
    }
    /* a new number, or the old one at a new station, must be free there */
    if (rc >= 0 && (a->f->id_card || cpol_id_compare(&old_station, &station) != 0))
        rc = id_card_taken(ctx, a->f->id_card ? a->c.id_card : cpol__record_text_or_empty(r, PERSON_ID_CARD),
                           &station, a->person);
    if (rc >= 0)
        rc = apply_fields(r, a->f, &a->c);
    cpol__value_set_int(&r->vals[PERSON_UPDATED_AT], cpol_ctx_now(ctx));
    if (rc >= 0)
        rc = cpol__store_update(ctx->store, r);
    if (rc >= 0) {
        summarize(r, after, sizeof after);
        changed_fields(a->f, after + strlen(after), sizeof after - strlen(after));
        rc = cpol__audit(ctx, a->as, "person", a->person, &station, "person.update", before, after, NULL);
    }
    cpol__record_free(r);
    return rc;
}

int cpol_person_update(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, const cpol_person_fields *fields)
{
    person_args a;
    int rc;
    if (!ctx || !as || !person || !fields)
        return cpol__null_arg("cpol_person_update", !ctx ? "ctx" : !as ? "as" : !person ? "person" : "fields");
    rc = check_fields(ctx, "cpol_person_update", fields, 0, &a.c);
    if (rc < 0)
        return rc;
    a.as = as;
    a.f = fields;
    a.person = person;
    return cpol__ctx_atomic(ctx, update_body, &a);
}

/* ---- reading ---- */

void cpol__person_refresh(cpol_person *p, int sensitive)
{
    const char *card = cpol__record_text_or_empty(p->row, PERSON_ID_CARD);
    const char *phone = cpol__record_text_or_empty(p->row, PERSON_PHONE);
    cpol__record_get_id(p->row, PERSON_ID, &p->id);
    cpol__record_get_id(p->row, PERSON_HOME_AREA, &p->home_area);
    cpol__record_get_id(p->row, PERSON_STATION, &p->station);
    p->masked = !sensitive;
    if (sensitive) {
        snprintf(p->id_card, sizeof p->id_card, "%s", card);
        snprintf(p->phone, sizeof p->phone, "%s", phone);
    } else {
        cpol__id_card_mask(card, p->id_card);
        cpol__phone_mask(phone, p->phone);
    }
}

/* May `as` read this person, and in full? <0 when refused; *hidden set when
 * the person is covert and `as` not cleared (the caller answers "not found"
 * in its own words). Authorisation comes first, so that an actor without
 * person.view gets the same refusal for a covert person as for anyone. */
static int read_access(cpol_ctx *ctx, const cpol_actor *as, const cpol_record *row, int *sensitive, int *hidden)
{
    cpol_id id, station;
    int rc, cleared;
    cpol__record_get_id(row, PERSON_ID, &id);
    cpol__record_get_id(row, PERSON_STATION, &station);
    *hidden = 0;
    if (!as->system && cpol_id_compare(&id, &as->person) == 0) {
        *sensitive = 1; /* one's own file */
        return CPOL_OK;
    }
    rc = cpol__authorize_about(ctx, as, CPOL_PERM_PERSON_VIEW, &station, "person", &id);
    if (rc < 0)
        return rc;
    cleared = cpol__reader_cleared(ctx, as);
    if (cleared < 0)
        return cleared;
    *sensitive = cleared;
    return cpol__person_hidden_for(ctx, as, cleared, &id, hidden);
}

/* Wrap an authorised row into a snapshot (takes the row). */
static int snapshot(cpol_record *row, int sensitive, cpol_person **out)
{
    cpol_person *p = cpol__calloc(1, sizeof *p);
    if (!p) {
        cpol__record_free(row);
        return cpol__oom();
    }
    p->row = row;
    cpol__person_refresh(p, sensitive);
    *out = p;
    return CPOL_OK;
}

int cpol_person_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, cpol_person **out)
{
    cpol_record *row;
    int rc, sensitive, hidden;
    if (out)
        *out = NULL;
    if (!ctx || !as || !id || !out)
        return cpol__null_arg("cpol_person_get", !ctx ? "ctx" : !as ? "as" : !id ? "id" : "out");
    rc = cpol__may_read_person(ctx, as, id, CPOL_PERM_PERSON_VIEW);
    if (rc >= 0)
        rc = cpol__load(ctx, &cpol__table_person, id, "person", &row);
    if (rc < 0)
        return rc;
    rc = read_access(ctx, as, row, &sensitive, &hidden);
    if (rc >= 0 && hidden)
        rc = cpol__not_found("person", id);
    if (rc < 0) {
        cpol__record_free(row);
        return rc;
    }
    return snapshot(row, sensitive, out);
}

/* May `as` (bureau-wide, for `bureau`) see a file of `station`? */
static int station_under(cpol_ctx *ctx, const cpol_id *station, const cpol_id *bureau)
{
    cpol_record *st;
    cpol_id parent;
    int under, rc = cpol__load(ctx, &cpol__table_area, station, "station", &st);
    if (rc < 0)
        return rc;
    under = cpol__record_get_id(st, AREA_PARENT, &parent) && cpol_id_compare(&parent, bureau) == 0;
    cpol__record_free(st);
    return under;
}

/* The first file holding `norm` within the actor's scope (in registration
 * order), into row: CPOL_OK, CPOL_DONE if none. Another station's files are
 * never looked at, so the answer says nothing about them. */
static int find_in_scope(cpol_ctx *ctx, const cpol_actor *as, const char *norm, cpol_record *row)
{
    cpol_query *q = NULL;
    cpol_cursor *c = NULL;
    cpol_id station, bureau;
    int rc = cpol__authorize_own_scope(ctx, as, CPOL_PERM_PERSON_VIEW, &station, &bureau), bound = rc;
    if (rc < 0)
        return rc;
    rc = cpol__query_new(&cpol__table_person, &q);
    if (rc >= 0 && bound)
        rc = cpol__query_where_id(q, PERSON_STATION, CPOL_OP_EQ, &station);
    if (rc >= 0)
        rc = cpol__query_where_text(q, PERSON_ID_CARD, CPOL_OP_EQ, norm, 18);
    if (rc >= 0) {
        cpol__query_order(q, PERSON_ID, 0);
        rc = cpol__cursor_open(ctx->store, q, &c);
    }
    while (rc >= 0 && (rc = cpol__cursor_next(c, row)) == CPOL_OK) {
        cpol_id at;
        if (bound || as->system)
            break;
        cpol__record_get_id(row, PERSON_STATION, &at);
        rc = station_under(ctx, &at, &bureau);
        if (rc != 0) {
            rc = rc > 0 ? CPOL_OK : rc;
            break;
        }
    }
    cpol__cursor_close(c);
    cpol__query_free(q);
    return rc;
}

/* One's own number finds one's own file, whatever one's permissions. */
static int own_file(cpol_ctx *ctx, const cpol_actor *as, const char *norm, cpol_record **row)
{
    int rc;
    *row = NULL;
    if (as->system)
        return 0;
    rc = cpol__load(ctx, &cpol__table_person, &as->person, "person", row);
    if (rc < 0)
        return rc;
    if (strcmp(cpol__record_text_or_empty(*row, PERSON_ID_CARD), norm) == 0)
        return 1;
    cpol__record_free(*row);
    *row = NULL;
    return 0;
}

int cpol_person_find_by_id_card(cpol_ctx *ctx, const cpol_actor *as, const char *id_card, cpol_person **out)
{
    char norm[19];
    cpol_record *row = NULL;
    int rc, sensitive = 0, hidden = 0;
    if (out)
        *out = NULL;
    if (!ctx || !as || !out)
        return cpol__null_arg("cpol_person_find_by_id_card", !ctx ? "ctx" : !as ? "as" : "out");
    rc = cpol__id_card_validate("cpol_person_find_by_id_card", id_card, cpol_ctx_now(ctx), norm, NULL);
    if (rc < 0)
        return rc;
    rc = own_file(ctx, as, norm, &row);
    if (rc > 0)
        return snapshot(row, 1, out);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_person, &row);
    if (rc >= 0)
        rc = find_in_scope(ctx, as, norm, row);
    if (rc == CPOL_OK)
        rc = read_access(ctx, as, row, &sensitive, &hidden);
    /* nobody in scope, or a covert holder: the same words either way */
    if (rc == CPOL_DONE || (rc >= 0 && hidden)) {
        char masked[19];
        cpol__id_card_mask(norm, masked);
        rc = cpol__error(CPOL_ENOTFOUND, "no person with ID-card number %s is registered", masked);
    }
    if (rc < 0) {
        cpol__record_free(row);
        return rc;
    }
    return snapshot(row, sensitive, out);
}

void cpol_person_free(cpol_person *person)
{
    if (!person)
        return;
    cpol__record_free(person->row);
    cpol_free(person);
}

const cpol_id *cpol_person_id(const cpol_person *p) { return p ? &p->id : NULL; }
const char *cpol_person_name(const cpol_person *p) { return p ? cpol__record_text_or_empty(p->row, PERSON_NAME) : ""; }
const char *cpol_person_id_card(const cpol_person *p) { return p ? p->id_card : ""; }
const char *cpol_person_phone(const cpol_person *p) { return p ? p->phone : ""; }
int cpol_person_masked(const cpol_person *p) { return p ? p->masked : 1; }
const cpol_id *cpol_person_home_area(const cpol_person *p) { return p ? &p->home_area : NULL; }
const cpol_id *cpol_person_station(const cpol_person *p) { return p ? &p->station : NULL; }
const char *cpol_person_skills(const cpol_person *p) { return p ? cpol__record_text_or_empty(p->row, PERSON_SKILLS) : ""; }
int32_t cpol_person_categories(const cpol_person *p) { return p ? (int32_t)cpol__record_int(p->row, PERSON_CATEGORIES) : 0; }
/* The full date would give back the digits the mask hides. */
int32_t cpol_person_birth_date(const cpol_person *p) { return p && !p->masked ? (int32_t)cpol__record_int(p->row, PERSON_BIRTH_DATE) : 0; }
int32_t cpol_person_birth_year(const cpol_person *p) { return p ? (int32_t)(cpol__record_int(p->row, PERSON_BIRTH_DATE) / 10000) : 0; }
cpol_time cpol_person_registered_at(const cpol_person *p) { return p ? cpol__record_int(p->row, PERSON_REGISTERED_AT) : 0; }
