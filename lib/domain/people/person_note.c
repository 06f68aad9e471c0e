/* Notes on person files: commendations, disciplinary notes, exits. They are
 * only ever appended; the text is also kept in the audit trail. */
#include <stdio.h>

#include <commpolice/person.h>

#include "util/text.h"
#include "domain/base/domain.h"
#include "domain/base/tables.h"

typedef struct note_args {
    const cpol_actor *as;
    const cpol_id *person;
    int kind;
    const char *text;
    size_t len;
    cpol_id id;
} note_args;

static const char *note_action(int kind)
{
    switch (kind) {
    case CPOL_NOTE_COMMENDATION: return "person.commend";
    case CPOL_NOTE_DISCIPLINE: return "person.discipline";
    case CPOL_NOTE_EXIT: return "person.exit";
    default: return "person.note";
    }
}

static int note_body(cpol_ctx *ctx, void *arg)
{
    note_args *a = arg;
    cpol_record *p, *r = NULL;
    cpol_id station;
    int rc = cpol__load(ctx, &cpol__table_person, a->person, "person", &p);
    if (rc < 0)
        return rc;
    cpol__record_get_id(p, PERSON_STATION, &station);
    rc = cpol__authorize(ctx, a->as, CPOL_PERM_PERSON_NOTE, &station);
    if (rc >= 0)
        rc = cpol__refuse_hidden_person(ctx, a->as, a->person);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_note, &r);
    if (rc >= 0) {
        cpol_id_new(ctx, &a->id);
        rc = cpol__record_set_id(r, NOTE_ID, &a->id);
        if (rc >= 0)
            rc = cpol__record_set_id(r, NOTE_STATION, &station);
        if (rc >= 0)
            rc = cpol__record_set_id(r, NOTE_PERSON, a->person);
        cpol__value_set_int(&r->vals[NOTE_KIND], a->kind);
        if (rc >= 0 && cpol__value_set_text(&r->vals[NOTE_TEXT], a->text, a->len) < 0)
            rc = cpol__oom();
        if (rc >= 0)
            rc = cpol__record_set_id_or_null(r, NOTE_AUTHOR, a->as->system ? NULL : &a->as->person);
        cpol__value_set_int(&r->vals[NOTE_AT], cpol_ctx_now(ctx));
    }
    if (rc >= 0)
        rc = cpol__store_insert(ctx->store, r);
    if (rc >= 0)
        rc = cpol__audit(ctx, a->as, "person", a->person, &station, note_action(a->kind), NULL, a->text, NULL);
    cpol__record_free(r);
    cpol__record_free(p);
    return rc;
}

int cpol_person_note_add(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int kind, const char *text,
                         cpol_id *id_out)
{
    note_args a;
    int rc;
    if (!ctx || !as || !person)
        return cpol__null_arg("cpol_person_note_add", !ctx ? "ctx" : !as ? "as" : "person");
    if (kind < CPOL_NOTE_GENERAL || kind > CPOL_NOTE_EXIT)
        return cpol__error(CPOL_EINVALID, "cpol_person_note_add: %d is not a note kind", kind);
    rc = cpol__check_text("cpol_person_note_add", "text", text, 1, CPOL_REASON_MAX, &a.len);
    if (rc < 0)
        return rc;
    a.as = as;
    a.person = person;
    a.kind = kind;
    a.text = text;
    rc = cpol__ctx_atomic(ctx, note_body, &a);
    if (rc >= 0 && id_out)
        *id_out = a.id;
    return rc;
}

/* Notes are personal data: person.note at the person's station, or one's
 * own; a person hidden from the reader has no notes to count. */
static int count_access(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person)
{
    cpol_record *p;
    cpol_id station;
    int rc = cpol__may_read_person(ctx, as, person, CPOL_PERM_PERSON_NOTE);
    if (rc >= 0)
        rc = cpol__load(ctx, &cpol__table_person, person, "person", &p);
    if (rc < 0)
        return rc;
    cpol__record_get_id(p, PERSON_STATION, &station);
    cpol__record_free(p);
    if (as->system || cpol_id_compare(&as->person, person) != 0)
        rc = cpol__authorize_about(ctx, as, CPOL_PERM_PERSON_NOTE, &station, "person", person);
    return rc < 0 ? rc : cpol__refuse_hidden_person(ctx, as, person);
}

int cpol_person_note_count(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int kind, int64_t *out)
{
    cpol_query *q;
    int rc;
    if (!ctx || !as || !person || !out)
        return cpol__null_arg("cpol_person_note_count", !ctx ? "ctx" : !as ? "as" : !person ? "person" : "out");
    if (kind < 0 || kind > CPOL_NOTE_EXIT)
        return cpol__error(CPOL_EINVALID, "cpol_person_note_count: %d is not a note kind", kind);
    rc = count_access(ctx, as, person);
    if (rc < 0)
        return rc;
    rc = cpol__query_new(&cpol__table_note, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, NOTE_PERSON, CPOL_OP_EQ, person);
    if (rc >= 0 && kind)
        rc = cpol__query_where_int(q, NOTE_KIND, CPOL_OP_EQ, kind);
    if (rc >= 0)
        rc = cpol__store_count(ctx->store, q, out);
    cpol__query_free(q);
    return rc;
}
