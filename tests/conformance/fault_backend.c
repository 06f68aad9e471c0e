/* "fault": a backend that wraps another registered backend and fails chosen
 * calls on demand, to prove the core (and the conformance suite) cope with a
 * storage that fails at any point.
 *
 *   fault:memory:            wraps a private in-memory store
 *   fault:sqlite:/tmp/x.db   wraps a SQLite file
 *
 * Written against the public plugin API only. Disarmed, it is a pure
 * passthrough. See test_backends.h for the injection rules.
 */
#include <stdio.h>
#include <string.h>

#include <commpolice/errors.h>
#include <commpolice/sys/alloc.h>
#include <commpolice/sys/errors.h>
#include <commpolice/sys/storage.h>

#include "test_backends.h"

typedef struct fstate {
    cpol_storage_methods inner; /* copy: the registry's table may go away on unregister */
    void *inner_state;
} fstate;

typedef struct fcursor {
    int (*next)(void *cursor, cpol_record *rec);
    void (*close)(void *cursor);
    void *inner;
} fcursor;

/* Global, test-controlled injection state (not thread-safe by design). */
static long g_arm;   /* fail call number g_arm (1-based); 0: disarmed */
static long g_calls; /* counted calls since the last arm */
static int g_any;    /* count non-mutating calls too */
static int g_fired;

void test_fault_arm(long n)
{
    g_arm = n > 0 ? n : 0;
    g_calls = 0;
    g_any = 0;
    g_fired = 0;
}

void test_fault_arm_any(long n)
{
    test_fault_arm(n);
    g_any = 1;
}

long test_fault_calls(void)
{
    return g_calls;
}

int test_fault_fired(void)
{
    return g_fired;
}

/* Count a call; CPOL_EIO (message set) if it is the armed one, else 0. */
static int inject(const char *method, int mutating)
{
    char msg[96];
    if (!mutating && !g_any)
        return CPOL_OK;
    g_calls++;
    if (g_arm == 0 || g_calls != g_arm)
        return CPOL_OK;
    g_fired = 1;
    snprintf(msg, sizeof msg, "fault: injected failure in %s", method);
    return cpol_error_set_str(CPOL_EIO, msg);
}

static int f_open(void **state_out, const char *location, const cpol_open_options *opts, void *plugin_data)
{
    const cpol_storage_methods *m;
    void *inner_data = NULL;
    const char *colon;
    char scheme[32], msg[192];
    size_t len;
    fstate *st;
    int rc;
    (void)plugin_data;
    *state_out = NULL;
    colon = location ? strchr(location, ':') : NULL;
    if (!colon)
        return cpol_error_set_str(CPOL_EINVALID,
                                  "fault: the location must be an inner URI such as \"memory:\" or \"sqlite:PATH\"");
    len = (size_t)(colon - location);
    if (len == 0 || len >= sizeof scheme)
        return cpol_error_set_str(CPOL_EINVALID, "fault: the inner URI has no usable scheme");
    memcpy(scheme, location, len);
    scheme[len] = '\0';
    if (cpol_storage_find(scheme, &m, &inner_data) < 0) {
        snprintf(msg, sizeof msg, "fault: no storage backend handles the inner scheme \"%s\"", scheme);
        return cpol_error_set_str(CPOL_ESCHEME, msg);
    }
    st = cpol_malloc(sizeof *st);
    if (!st)
        return cpol_error_set_str(CPOL_ENOMEM, "fault: out of memory");
    memset(st, 0, sizeof *st);
    st->inner = *m;
    rc = st->inner.open(&st->inner_state, colon + 1, opts, inner_data);
    if (rc < 0) {
        cpol_free(st);
        return rc;
    }
    *state_out = st;
    return CPOL_OK;
}

static void f_close(void *state)
{
    fstate *st = state;
    if (!st)
        return;
    st->inner.close(st->inner_state);
    cpol_free(st);
}

static int f_schema_version(void *state, int64_t *out)
{
    fstate *st = state;
    int rc = inject("schema_version", 0);
    return rc < 0 ? rc : st->inner.schema_version(st->inner_state, out);
}

static int f_migrate(void *state, const cpol_schema *schema)
{
    fstate *st = state;
    int rc = inject("migrate", 0);
    return rc < 0 ? rc : st->inner.migrate(st->inner_state, schema);
}

static int f_begin(void *state)
{
    fstate *st = state;
    int rc = inject("begin", 1);
    return rc < 0 ? rc : st->inner.begin(st->inner_state);
}

static int f_commit(void *state)
{
    fstate *st = state;
    int rc = inject("commit", 1);
    if (rc < 0) {
        /* A lost commit: the contract says a failed commit rolls back. */
        const char *saved = "fault: injected failure in commit";
        st->inner.rollback(st->inner_state);
        return cpol_error_set_str(CPOL_EIO, saved);
    }
    return st->inner.commit(st->inner_state);
}

static int f_rollback(void *state)
{
    fstate *st = state;
    return st->inner.rollback(st->inner_state);
}

static int f_savepoint(void *state, unsigned int level)
{
    fstate *st = state;
    int rc = inject("savepoint", 1);
    return rc < 0 ? rc : st->inner.savepoint(st->inner_state, level);
}

static int f_release(void *state, unsigned int level)
{
    fstate *st = state;
    int rc = inject("release", 1);
    return rc < 0 ? rc : st->inner.release(st->inner_state, level);
}

static int f_rollback_to(void *state, unsigned int level)
{
    fstate *st = state;
    return st->inner.rollback_to(st->inner_state, level);
}

static int f_insert(void *state, const cpol_record *rec)
{
    fstate *st = state;
    int rc = inject("insert", 1);
    return rc < 0 ? rc : st->inner.insert(st->inner_state, rec);
}

static int f_update(void *state, const cpol_record *rec)
{
    fstate *st = state;
    int rc = inject("update", 1);
    return rc < 0 ? rc : st->inner.update(st->inner_state, rec);
}

static int f_remove(void *state, const cpol_record *key)
{
    fstate *st = state;
    int rc = inject("remove", 1);
    return rc < 0 ? rc : st->inner.remove(st->inner_state, key);
}

static int f_get(void *state, cpol_record *rec)
{
    fstate *st = state;
    int rc = inject("get", 0);
    return rc < 0 ? rc : st->inner.get(st->inner_state, rec);
}

static int f_query_open(void *state, const cpol_query *q, void **cursor_out)
{
    fstate *st = state;
    fcursor *c;
    int rc = inject("query_open", 0);
    *cursor_out = NULL;
    if (rc < 0)
        return rc;
    c = cpol_malloc(sizeof *c);
    if (!c)
        return cpol_error_set_str(CPOL_ENOMEM, "fault: out of memory");
    c->next = st->inner.cursor_next;
    c->close = st->inner.cursor_close;
    c->inner = NULL;
    rc = st->inner.query_open(st->inner_state, q, &c->inner);
    if (rc < 0) {
        cpol_free(c);
        return rc;
    }
    *cursor_out = c;
    return CPOL_OK;
}

static int f_cursor_next(void *cursor, cpol_record *rec)
{
    fcursor *c = cursor;
    int rc = inject("cursor_next", 0);
    return rc < 0 ? rc : c->next(c->inner, rec);
}

static void f_cursor_close(void *cursor)
{
    fcursor *c = cursor;
    if (!c)
        return;
    c->close(c->inner);
    cpol_free(c);
}

/* count() is optional, but a method table is shared by every store of the
 * backend, so it cannot be NULL only for inner backends without one; those
 * get CPOL_ENOTSUPPORTED. */
static int f_count(void *state, const cpol_query *q, int64_t *out)
{
    fstate *st = state;
    int rc = inject("count", 0);
    if (rc < 0)
        return rc;
    if (!st->inner.count)
        return cpol_error_set_str(CPOL_ENOTSUPPORTED, "fault: the inner backend has no count()");
    return st->inner.count(st->inner_state, q, out);
}

static const cpol_storage_methods fault_methods = {
    CPOL_STORAGE_VERSION,
    "fault",
    f_open,
    f_close,
    f_schema_version,
    f_migrate,
    f_begin,
    f_commit,
    f_rollback,
    f_savepoint,
    f_release,
    f_rollback_to,
    f_insert,
    f_update,
    f_remove,
    f_get,
    f_query_open,
    f_cursor_next,
    f_cursor_close,
    f_count,
};

const cpol_storage_methods *test_fault_backend(void)
{
    return &fault_methods;
}
