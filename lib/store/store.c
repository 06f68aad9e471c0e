/* The storage layer between the domain core and a backend. */
#include <string.h>

#include <commpolice/version.h>

#include "util/alloc.h"
#include "util/error.h"
#include "store/schema.h"
#include "store/store.h"

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
    cpol_free(s);
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
    s->depth++;
    return CPOL_OK;
}

int cpol__store_rollback(cpol_store *s)
{
    if (s->depth == 0)
        return cpol__error(CPOL_ERROR, "internal: rollback without a transaction");
    s->depth--;
    return s->depth == 0 ? s->m.rollback(s->state) : s->m.rollback_to(s->state, s->depth);
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

int cpol__store_insert(cpol_store *s, const cpol_record *r)
{
    int rc = check_write(s, r);
    return rc < 0 ? rc : s->m.insert(s->state, r);
}

int cpol__store_update(cpol_store *s, const cpol_record *r)
{
    int rc = check_write(s, r);
    return rc < 0 ? rc : s->m.update(s->state, r);
}

int cpol__store_remove(cpol_store *s, const cpol_record *key)
{
    if (s->readonly)
        return refuse_readonly();
    return s->m.remove(s->state, key);
}

int cpol__store_get(cpol_store *s, cpol_record *r)
{
    return s->m.get(s->state, r);
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
    if (s->m.count)
        return s->m.count(s->state, q, out);
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
    int rc;
    *out = NULL;
    if (!c)
        return cpol__oom();
    rc = s->m.query_open(s->state, q, &c->backend_cursor);
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
    cpol__record_reset(r);
    return c->store->m.cursor_next(c->backend_cursor, r);
}

void cpol__cursor_close(cpol_cursor *c)
{
    if (!c)
        return;
    c->store->m.cursor_close(c->backend_cursor);
    cpol__store_release(c->store);
    cpol_free(c);
}
