/* The storage layer between the domain core and a backend. */
#include <string.h>

#include <commpolice/version.h>

#include "util/alloc.h"
#include "util/error.h"
#include "store/schema.h"
#include "store/store.h"
#include "store/crypt.h"

struct cpol_cursor {
    cpol_store *store;
    void *backend_cursor;
};

static int split_uri(const char *uri, char *scheme, size_t scheme_size, const char **location)
{
    const char *colon = strchr(uri, ':');
    size_t len;
    if (!colon)
        return cpol__error(CPOL_EINVALID, "cpol_ctx_open: URI \"%.80s\" has no scheme (expected e.g. \"sqlite:path.db\" or \"memory:\")", uri);
    len = (size_t)(colon - uri);
    if (len == 0 || len >= scheme_size)
        return cpol__error(CPOL_ESCHEME, "cpol_ctx_open: URI \"%.80s\" has no usable scheme", uri);
    memcpy(scheme, uri, len);
    scheme[len] = '\0';
    *location = colon + 1;
    return CPOL_OK;
}

/* Bring the stored schema to the library's version, or refuse a newer one. */
static int check_schema(cpol_store *s)
{
    int64_t stored = 0;
    int rc = s->m.schema_version(s->state, &stored);
    if (rc < 0)
        return rc;
    if (stored > CPOL__SCHEMA_VERSION)
        return cpol__error(CPOL_ESCHEMA,
                           "the database has schema version %lld, newer than the %d this library (%s) supports; "
                           "upgrade libcommpolice",
                           (long long)stored, CPOL__SCHEMA_VERSION, CPOL_VERSION);
    if (stored == CPOL__SCHEMA_VERSION)
        return CPOL_OK;
    if (s->readonly)
        return cpol__error(CPOL_EREADONLY,
                           "the database has schema version %lld and needs migrating to %d, "
                           "which a read-only context cannot do",
                           (long long)stored, CPOL__SCHEMA_VERSION);
    rc = s->m.begin(s->state);
    if (rc < 0)
        return rc;
    /* Another process may have migrated while we waited for the lock. */
    rc = s->m.schema_version(s->state, &stored);
    if (rc >= 0 && stored > CPOL__SCHEMA_VERSION)
        rc = cpol__error(CPOL_ESCHEMA, "the database has schema version %lld, newer than %d", (long long)stored,
                         CPOL__SCHEMA_VERSION);
    if (rc >= 0 && stored < CPOL__SCHEMA_VERSION)
        rc = s->m.migrate(s->state, cpol__schema());
    if (rc < 0) {
        s->m.rollback(s->state);
        return rc;
    }
    return s->m.commit(s->state);
}

int cpol__store_open(const char *uri, const cpol_open_options *opts, cpol_store **out)
{
    char scheme[32];
    const char *location = NULL;
    void *plugin_data = NULL;
    cpol_store *s;
    int rc;
    *out = NULL;
    rc = split_uri(uri, scheme, sizeof scheme, &location);
    if (rc < 0)
        return rc;
    s = cpol__calloc(1, sizeof *s);
    if (!s)
        return cpol__oom();
    if (!cpol__storage_lookup(scheme, &s->m, &plugin_data)) {
        cpol_free(s);
        return cpol__error(CPOL_ESCHEME, "cpol_ctx_open: no storage backend handles the scheme \"%s\" of \"%.80s\"",
                           scheme, uri);
    }
    strcpy(s->name, scheme);
    s->m.name = s->name;
    s->readonly = (opts->flags & CPOL_OPEN_READONLY) != 0;
    s->refs = 1;
    rc = s->m.open(&s->state, location, opts, plugin_data);
    if (rc < 0) {
        cpol_free(s);
        return rc;
    }
    rc = check_schema(s);
    if (rc < 0) {
        s->m.close(s->state);
        cpol_free(s);
        return rc;
    }
    *out = s;
    return CPOL_OK;
}

void cpol__store_retain(cpol_store *s)
{
    s->refs++;
}

void cpol__store_release(cpol_store *s)
{
    if (!s || --s->refs > 0)
        return;
    if (s->depth > 0)
        s->m.rollback(s->state);
    s->m.close(s->state);
    cpol__seal_log_free(s->seal);
    cpol__crypto_algs_free(&s->keys.algs);
    memset(&s->keys, 0, sizeof s->keys); /* no key outlives its context */
    cpol_free(s);
}

int cpol__store_enable_seal(cpol_store *s)
{
    int rc = s->seal ? CPOL_OK : cpol__seal_log_new(&s->seal);
    if (rc >= 0)
        s->sealed = 1;
    return rc;
}

int cpol__store_audit(cpol_store *s, cpol_record *entry)
{
    int rc;
    if (!s->sealed || s->depth == 0) {
        rc = cpol__store_insert(s, entry);
        cpol__record_free(entry);
        return rc;
    }
    return cpol__seal_log_entry(s->seal, entry);
}

static int refuse_readonly(void)
{
    return cpol__error(CPOL_EREADONLY, "the context was opened read-only");
}

int cpol__store_begin(cpol_store *s, int write)
{
    int rc;
    if (write && s->readonly)
        return refuse_readonly();
    rc = s->depth == 0 ? s->m.begin(s->state) : s->m.savepoint(s->state, s->depth);
    if (rc < 0)
        return rc;
    if (s->sealed && (rc = cpol__seal_log_begin(s->seal)) < 0) {
        if (s->depth == 0)
            s->m.rollback(s->state);
        else
            s->m.rollback_to(s->state, s->depth);
        return rc;
    }
    s->depth++;
    return CPOL_OK;
}

int cpol__store_rollback(cpol_store *s)
{
    if (s->depth == 0)
        return cpol__error(CPOL_ERROR, "internal: rollback without a transaction");
    s->depth--;
    if (s->sealed)
        cpol__seal_log_rollback(s->seal);
    return s->depth == 0 ? s->m.rollback(s->state) : s->m.rollback_to(s->state, s->depth);
}

/* Before a unit commits: chain its audit entries, and refuse a transaction
 * that changed rows without one. */
static int seal_unit(cpol_store *s)
{
    int rc;
    if (!s->sealed)
        return CPOL_OK;
    if (cpol__seal_log_entries(s->seal)) {
        rc = cpol__seal_log_flush(s->seal, cpol__audit_chain_write, s);
        if (rc < 0)
            return rc;
    }
    if (s->depth == 1 && cpol__seal_log_rows(s->seal))
        return cpol__error(CPOL_ERROR, "internal: a change to table %s has no audit entry; nothing was stored",
                           cpol__seal_log_first_table(s->seal));
    cpol__seal_log_release(s->seal);
    return CPOL_OK;
}

int cpol__store_end(cpol_store *s, int rc)
{
    int frc;
    if (rc < 0) {
        /* Keep the caller's error: a failing rollback cannot make it better. */
        cpol__store_rollback(s);
        return rc;
    }
    if (s->depth == 0)
        return cpol__error(CPOL_ERROR, "internal: commit without a transaction");
    frc = seal_unit(s);
    if (frc < 0) {
        cpol__store_rollback(s);
        return frc;
    }
    s->depth--;
    frc = s->depth == 0 ? s->m.commit(s->state) : s->m.release(s->state, s->depth);
    if (frc < 0) {
        /* A failed commit is rolled back by the backend; a failed release
         * leaves the savepoint's writes in doubt, so undo them. */
        if (s->depth > 0)
            s->m.rollback_to(s->state, s->depth);
        return frc;
    }
    return rc;
}

static int check_write(cpol_store *s, const cpol_record *r)
{
    if (s->readonly)
        return refuse_readonly();
    return cpol__record_check(r);
}

/* Remember a written row for the unit's audit entry. Writes outside an
 * atomic unit (only white-box tests make them) are not sealed: verification
 * then reports them as made outside the library, which they are. */
static int seal_row(cpol_store *s, const cpol_record *r, int removed)
{
    if (!s->sealed || s->depth == 0 || (r->table->flags & CPOL__TABLE_UNSEALED))
        return CPOL_OK;
    return cpol__seal_log_row(s->seal, r, removed);
}

/* Insert or update: encrypted columns are enveloped on the way down; the
 * seal is of the row as the domain wrote it. */
static int write_row(cpol_store *s, const cpol_record *r, int insert)
{
    cpol_record *enc = NULL;
    const cpol_record *stored = r;
    int rc;
    if (s->readonly)
        return refuse_readonly();
    if (cpol__table_has_secrets(r->table)) {
        rc = cpol__crypt_encode(&s->keys, r, &enc);
        if (rc < 0)
            return rc;
        stored = enc;
    }
    rc = check_write(s, stored);
    if (rc >= 0)
        rc = insert ? s->m.insert(s->state, stored) : s->m.update(s->state, stored);
    cpol__record_free(enc);
    return rc < 0 ? rc : seal_row(s, r, 0);
}

int cpol__store_insert(cpol_store *s, const cpol_record *r)
{
    return write_row(s, r, 1);
}

int cpol__store_update(cpol_store *s, const cpol_record *r)
{
    return write_row(s, r, 0);
}

int cpol__store_remove(cpol_store *s, const cpol_record *key)
{
    int rc;
    if (s->readonly)
        return refuse_readonly();
    rc = s->m.remove(s->state, key);
    return rc < 0 ? rc : seal_row(s, key, 1);
}

/* What every row read back passes before the domain sees it: its envelopes
 * opened and checked, then its shape (record.h). A third-party backend or
 * an edited database cannot hand the domain a value it would misread. */
static int check_read(cpol_store *s, cpol_record *r)
{
    int rc = cpol__table_has_secrets(r->table) ? cpol__crypt_decode(&s->keys, r) : CPOL_OK;
    return rc < 0 ? rc : cpol__record_check_stored(r);
}

int cpol__store_get(cpol_store *s, cpol_record *r)
{
    int rc = s->m.get(s->state, r);
    if (rc >= 0) {
        int crc = check_read(s, r);
        if (crc < 0)
            return crc;
    }
    return rc;
}

/* Searches on encrypted columns go to their blind indexes. */
static int backend_query(cpol_store *s, const cpol_query *q, cpol_query **owned, const cpol_query **use)
{
    *owned = NULL;
    *use = q;
    if (!cpol__table_has_secrets(q->table))
        return CPOL_OK;
    {
        int rc = cpol__crypt_query(&s->keys, q, owned);
        if (rc < 0)
            return rc;
        *use = *owned;
    }
    return CPOL_OK;
}

int cpol__store_schema_version(cpol_store *s, int64_t *out)
{
    return s->m.schema_version(s->state, out);
}

int cpol__store_count(cpol_store *s, const cpol_query *q, int64_t *out)
{
    cpol_query *all;
    cpol_cursor *c;
    cpol_record *r;
    int64_t n = 0;
    int rc;
    if (s->m.count) {
        cpol_query *owned;
        const cpol_query *use;
        rc = backend_query(s, q, &owned, &use);
        if (rc < 0)
            return rc;
        rc = s->m.count(s->state, use, out);
        cpol__query_free(owned);
        return rc;
    }
    /* Fallback: count by iterating, without offset/limit. */
    rc = cpol__query_new(q->table, &all);
    if (rc < 0)
        return rc;
    {
        unsigned int i;
        for (i = 0; i < q->ncond && rc >= 0; i++)
            rc = cpol__query_where(all, q->conds[i].col, q->conds[i].op, &q->conds[i].value);
    }
    if (rc >= 0)
        rc = cpol__record_new(q->table, &r);
    if (rc < 0) {
        cpol__query_free(all);
        return rc;
    }
    rc = cpol__cursor_open(s, all, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK)
        n++;
    if (c)
        cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(all);
    if (rc < 0)
        return rc;
    *out = n;
    return CPOL_OK;
}

int cpol__cursor_open(cpol_store *s, const cpol_query *q, cpol_cursor **out)
{
    cpol_cursor *c = cpol__calloc(1, sizeof *c);
    cpol_query *owned;
    const cpol_query *use;
    int rc;
    *out = NULL;
    if (!c)
        return cpol__oom();
    rc = backend_query(s, q, &owned, &use);
    if (rc >= 0)
        rc = s->m.query_open(s->state, use, &c->backend_cursor);
    cpol__query_free(owned);
    if (rc < 0) {
        cpol_free(c);
        return rc;
    }
    c->store = s;
    cpol__store_retain(s);
    *out = c;
    return CPOL_OK;
}

int cpol__cursor_next(cpol_cursor *c, cpol_record *r)
{
    int rc;
    cpol__record_reset(r);
    rc = c->store->m.cursor_next(c->backend_cursor, r);
    if (rc == CPOL_OK) {
        int crc = check_read(c->store, r);
        if (crc < 0)
            return crc;
    }
    return rc;
}

void cpol__cursor_close(cpol_cursor *c)
{
    if (!c)
        return;
    c->store->m.cursor_close(c->backend_cursor);
    cpol__store_release(c->store);
    cpol_free(c);
}
