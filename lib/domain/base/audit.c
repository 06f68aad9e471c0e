/* The audit trail: one append-only table, written in the same atomic unit
 * as the change it records. */
#include <string.h>

#include <commpolice/audit.h>

#include "util/versioned.h"
#include "util/alloc.h"
#include "domain/base/domain.h"
#include "domain/base/reader.h"
#include "domain/base/tables.h"

static const cpol_column_def audit_columns[AUDIT_NCOLS] = {
    [AUDIT_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [AUDIT_STATION] = {"station_id", CPOL_COLUMN_ID, 0},
    [AUDIT_AT] = {"at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
    /* encrypted: the actor of an informant's steps is who tipped (store/crypt.c) */
    [AUDIT_ACTOR] = {"actor_person_id", CPOL_COLUMN_BLOB, CPOL__SECRET(CPOL_COLUMN_ID, AUDIT_ACTOR_INDEX)},
    [AUDIT_ROLE] = {"actor_role", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [AUDIT_KIND] = {"object_kind", CPOL_COLUMN_TEXT, CPOL_COLUMN_NOTNULL},
    [AUDIT_OBJECT] = {"object_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [AUDIT_ACTION] = {"action", CPOL_COLUMN_TEXT, CPOL_COLUMN_NOTNULL},
    [AUDIT_BEFORE] = {"before", CPOL_COLUMN_TEXT, CPOL_COLUMN_NOTNULL},
    [AUDIT_AFTER] = {"after", CPOL_COLUMN_TEXT, CPOL_COLUMN_NOTNULL},
    [AUDIT_REASON] = {"reason", CPOL_COLUMN_TEXT, CPOL_COLUMN_NOTNULL},
    [AUDIT_CHAIN] = {"chain_id", CPOL_COLUMN_ID, 0},
    [AUDIT_SEQ] = {"chain_seq", CPOL_COLUMN_INT, 0},
    [AUDIT_ROWS] = {"rows_written", CPOL_COLUMN_BLOB, 0},
    [AUDIT_HASH] = {"entry_hash", CPOL_COLUMN_BLOB, 0},
    [AUDIT_ACTOR_INDEX] = {"actor_index", CPOL_COLUMN_BLOB, CPOL__BLIND(AUDIT_ACTOR)},
};

static const cpol_index_def audit_indexes[] = {
    {"audit_object", 0, 1, {AUDIT_OBJECT}},
    {"audit_actor", 0, 1, {AUDIT_ACTOR_INDEX}},
    {"audit_station", 0, 1, {AUDIT_STATION}},
    {"audit_chain", 0, 2, {AUDIT_CHAIN, AUDIT_SEQ}},
};

/* Append-only: cpol__audit() only ever inserts, with an id fresh from
 * cpol_id_new(); entries are never updated or removed and no index is
 * unique, so an insert cannot conflict (a backend may batch them). */
const cpol_table cpol__table_audit = {"audit", AUDIT_NCOLS, audit_columns,
                                      sizeof audit_indexes / sizeof audit_indexes[0], audit_indexes,
                                      CPOL_TABLE_APPEND_ONLY | CPOL__TABLE_UNSEALED};

struct cpol_audit_entry {
    cpol_record *row;
    cpol_id id, actor, object;
    int has_actor;
};

/* For a reader who is not cleared (docs/permissions.md, "Who may learn who
 * tipped"): entries about a covert person, or about a row of theirs, are
 * skipped; a covert actor is blanked (no person, role 0), and so is the
 * actor of every case report; an actor filter matches only actors the
 * reader is shown. Since rows are skipped, paging is done here, after them. */
struct cpol_audit_iter {
    cpol_cursor *cursor;
    cpol_store *store;      /* NULL when the reader is cleared: nothing to look up */
    cpol_audit_entry entry;
    cpol__reader reader;
    int by_actor;           /* the filter names an actor */
    int64_t skip, left;     /* paging still to apply when not pushed to the query; left < 0: no limit */
};

int cpol__audit(cpol_ctx *ctx, const cpol_actor *as, const char *kind, const cpol_id *object,
                const cpol_id *station, const char *action, const char *before, const char *after,
                const char *reason)
{
    cpol_record *r;
    cpol_id id;
    int rc = cpol__record_new(&cpol__table_audit, &r);
    if (rc < 0)
        return rc;
    cpol_id_new(ctx, &id);
    rc = cpol__record_set_id(r, AUDIT_ID, &id);
    if (rc >= 0)
        rc = cpol__record_set_id_or_null(r, AUDIT_STATION, station);
    cpol__value_set_int(&r->vals[AUDIT_AT], cpol_ctx_now(ctx));
    if (rc >= 0)
        rc = cpol__record_set_id_or_null(r, AUDIT_ACTOR, as->system ? NULL : &as->person);
    cpol__value_set_int(&r->vals[AUDIT_ROLE], as->system ? 0 : as->role);
    if (rc >= 0)
        rc = cpol__record_set_text0(r, AUDIT_KIND, kind);
    if (rc >= 0)
        rc = cpol__record_set_id(r, AUDIT_OBJECT, object);
    if (rc >= 0)
        rc = cpol__record_set_text0(r, AUDIT_ACTION, action);
    if (rc >= 0)
        rc = cpol__record_set_text0(r, AUDIT_BEFORE, before ? before : "");
    if (rc >= 0)
        rc = cpol__record_set_text0(r, AUDIT_AFTER, after ? after : "");
    if (rc >= 0)
        rc = cpol__record_set_text0(r, AUDIT_REASON, reason ? reason : "");
    if (rc < 0) {
        cpol__record_free(r);
        return rc;
    }
    /* Queued: the store chains it when the atomic unit ends, with the rows
     * the unit wrote (store/seal.h). */
    return cpol__store_audit(ctx->store, r);
}

static int add_time_bounds(cpol_query *q, const cpol_audit_filter *f)
{
    int rc = CPOL_OK;
    if (f->since)
        rc = cpol__query_where_int(q, AUDIT_AT, CPOL_OP_GE, f->since);
    if (rc >= 0 && f->until)
        rc = cpol__query_where_int(q, AUDIT_AT, CPOL_OP_LT, f->until);
    return rc;
}

int cpol_audit_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_audit_filter *filter,
                        cpol_audit_iter **out)
{
    cpol_audit_filter f = CPOL_AUDIT_FILTER_INIT;
    cpol_audit_iter *it;
    cpol_query *q = NULL;
    cpol_id station, bureau;
    int rc, bound = 0, bureau_wide = 0;
    if (out)
        *out = NULL;
    if (!ctx || !as || !out)
        return cpol__null_arg("cpol_audit_iter_new", !ctx ? "ctx" : !as ? "as" : "out");
    if (filter) {
        int vrc = cpol__take_versioned(&f, filter, CPOL__SIZES_V1(cpol_audit_filter), CPOL_AUDIT_FILTER_VERSION,
                                       "cpol_audit_iter_new", "filter");
        if (vrc < 0)
            return vrc;
    }
    if (f.offset < 0 || f.limit < 0)
        return cpol__error(CPOL_EINVALID, "cpol_audit_iter_new: offset and limit must not be negative");
    if (!as->system) {
        bound = cpol__actor_scope(ctx, as, &station, &bureau, &bureau_wide);
        if (bound < 0)
            return bound;
        rc = cpol__authorize(ctx, as, CPOL_PERM_AUDIT_VIEW, bound ? &station : NULL);
        if (rc < 0)
            return rc;
    }
    it = cpol__calloc(1, sizeof *it);
    if (!it)
        return cpol__oom();
    it->left = -1;
    rc = cpol__reader_open(ctx, as, &it->reader);
    if (rc >= 0 && !it->reader.cleared) {
        int hidden = 0;
        it->store = ctx->store;
        cpol__store_retain(ctx->store);
        it->by_actor = f.actor_person != NULL;
        it->skip = f.offset;
        it->left = f.limit ? f.limit : -1;
        /* an actor the reader may not see made no entries it may see */
        if (f.actor_person)
            rc = cpol__reader_hides(it->store, &it->reader, f.actor_person, &hidden);
        if (rc >= 0 && hidden)
            it->left = 0;
    }
    if (rc >= 0)
        rc = cpol__query_new(&cpol__table_audit, &q);
    if (rc >= 0 && bound)
        rc = cpol__query_where_id(q, AUDIT_STATION, CPOL_OP_EQ, &station);
    if (rc >= 0 && f.object)
        rc = cpol__query_where_id(q, AUDIT_OBJECT, CPOL_OP_EQ, f.object);
    if (rc >= 0 && f.actor_person)
        rc = cpol__query_where_id(q, AUDIT_ACTOR, CPOL_OP_EQ, f.actor_person);
    if (rc >= 0)
        rc = add_time_bounds(q, &f);
    if (rc >= 0) {
        if (!it->store)
            cpol__query_page(q, f.offset, f.limit ? f.limit : -1);
        rc = cpol__record_new(&cpol__table_audit, &it->entry.row);
    }
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &it->cursor);
    cpol__query_free(q);
    if (rc < 0) {
        cpol_audit_iter_free(it);
        return rc;
    }
    *out = it;
    return CPOL_OK;
}

/* For an uncleared reader: 1 if the current entry is shown (blanked where
 * needed), 0 if skipped, negative on a storage error. */
static int screen(cpol_audit_iter *it)
{
    cpol_audit_entry *e = &it->entry;
    cpol_id subject;
    int hidden = 0, rc = cpol__audit_subject(it->store, cpol__record_text_or_empty(e->row, AUDIT_KIND),
                                              &e->object, &subject);
    if (rc > 0)
        rc = cpol__reader_hides(it->store, &it->reader, &subject, &hidden);
    if (rc < 0 || hidden)
        return rc < 0 ? rc : 0;
    if (e->has_actor)
        rc = cpol__reader_hides(it->store, &it->reader, &e->actor, &hidden);
    if (rc < 0)
        return rc;
    /* The reporter of a case (an informant's tip above all) is protected
     * personal data: the report entry never names its actor to this reader. */
    if (hidden || strcmp(cpol__record_text_or_empty(e->row, AUDIT_ACTION), "case.report") == 0) {
        e->has_actor = 0;
        cpol__value_set_int(&e->row->vals[AUDIT_ROLE], 0);
    }
    return !(it->by_actor && !e->has_actor); /* a blanked actor matches no actor filter */
}

int cpol_audit_iter_next(cpol_audit_iter *it, const cpol_audit_entry **out)
{
    cpol_audit_entry *e;
    int rc;
    if (!it || !out)
        return cpol__null_arg("cpol_audit_iter_next", !it ? "it" : "out");
    e = &it->entry;
    for (;;) {
        if (it->left == 0)
            return CPOL_DONE;
        rc = cpol__cursor_next(it->cursor, e->row);
        if (rc != CPOL_OK)
            return rc;
        cpol__record_get_id(e->row, AUDIT_ID, &e->id);
        cpol__record_get_id(e->row, AUDIT_OBJECT, &e->object);
        e->has_actor = cpol__record_get_id(e->row, AUDIT_ACTOR, &e->actor);
        if (!it->store)
            break;
        rc = screen(it);
        if (rc < 0)
            return rc;
        if (!rc)
            continue;
        if (!cpol__page_take(&it->skip, &it->left))
            continue;
        break;
    }
    *out = e;
    return CPOL_OK;
}

void cpol_audit_iter_free(cpol_audit_iter *it)
{
    if (!it)
        return;
    cpol__cursor_close(it->cursor);
    if (it->store)
        cpol__store_release(it->store);
    cpol__record_free(it->entry.row);
    cpol_free(it);
}

const cpol_id *cpol_audit_entry_id(const cpol_audit_entry *e)
{
    return e ? &e->id : NULL;
}

cpol_time cpol_audit_entry_time(const cpol_audit_entry *e)
{
    return e ? cpol__record_int(e->row, AUDIT_AT) : 0;
}

const cpol_id *cpol_audit_entry_actor(const cpol_audit_entry *e)
{
    return e && e->has_actor ? &e->actor : NULL;
}

int cpol_audit_entry_role(const cpol_audit_entry *e)
{
    return e ? (int)cpol__record_int(e->row, AUDIT_ROLE) : 0;
}

const char *cpol_audit_entry_object_kind(const cpol_audit_entry *e)
{
    return e ? cpol__record_text_or_empty(e->row, AUDIT_KIND) : "";
}

const cpol_id *cpol_audit_entry_object(const cpol_audit_entry *e)
{
    return e ? &e->object : NULL;
}

const char *cpol_audit_entry_action(const cpol_audit_entry *e)
{
    return e ? cpol__record_text_or_empty(e->row, AUDIT_ACTION) : "";
}

const char *cpol_audit_entry_before(const cpol_audit_entry *e)
{
    return e ? cpol__record_text_or_empty(e->row, AUDIT_BEFORE) : "";
}

const char *cpol_audit_entry_after(const cpol_audit_entry *e)
{
    return e ? cpol__record_text_or_empty(e->row, AUDIT_AFTER) : "";
}

const char *cpol_audit_entry_reason(const cpol_audit_entry *e)
{
    return e ? cpol__record_text_or_empty(e->row, AUDIT_REASON) : "";
}
