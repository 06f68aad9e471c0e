/* "pgtest": the PostgreSQL backend with a fresh schema per location, so the
 * conformance suite (which gives every test a new temporary file path) runs
 * each test on empty storage of the test server in CPOL_TEST_PG_URI.
 *
 *   pgtest:/tmp/cpoltest.ab12cd/conf.db
 *     -> postgresql://…/cpol_test?schema=conf_<hash of the path and run>
 *
 * The same location opens the same schema again (reopen tests); the schemas
 * stay in the throw-away cluster until it is deleted. Every method but
 * open() is the postgresql backend's own, so the state is its state.
 *
 * Registered before main() by a constructor, so the conformance suite only
 * needs the backend list entries guarded by CPOL_CONFORMANCE_POSTGRES. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <commpolice/errors.h>
#include <commpolice/sys/errors.h>
#include <commpolice/sys/storage.h>

#include "pg_test_backend.h"

static cpol_storage_methods pgtest_methods;
static int (*inner_open)(void **, const char *, const cpol_open_options *, void *);
static void *inner_data;
static unsigned long long run_salt;

int pg_test_location(char *buf, size_t size, const char *key)
{
    const char *uri = getenv("CPOL_TEST_PG_URI");
    const char *colon;
    unsigned long long h = 1469598103934665603ull ^ run_salt;
    const char *p;
    int n;
    if (!uri || !*uri)
        return -1;
    for (p = key; *p; p++) {
        h ^= (unsigned char)*p;
        h *= 1099511628211ull;
    }
    colon = strchr(uri, ':');
    if (!colon)
        return -1;
    n = snprintf(buf, size, "%s%sschema=t_%016llx", colon + 1, strchr(uri, '?') ? "&" : "?", h);
    return n > 0 && (size_t)n < size ? 0 : -1;
}

static int pgtest_open(void **state_out, const char *location, const cpol_open_options *opts, void *plugin_data)
{
    char inner[1024];
    (void)plugin_data;
    *state_out = NULL;
    if (pg_test_location(inner, sizeof inner, location ? location : "") < 0)
        return cpol_error_set_str(CPOL_EINVALID, "pgtest: CPOL_TEST_PG_URI is not set to a postgresql:// URI");
    return inner_open(state_out, inner, opts, inner_data);
}

__attribute__((constructor)) static void pgtest_register(void)
{
    const cpol_storage_methods *m = NULL;
    run_salt = (unsigned long long)time(NULL) << 20 ^ (unsigned long long)getpid();
    if (cpol_storage_find("postgresql", &m, &inner_data) < 0) {
        fprintf(stderr, "pgtest: the library has no postgresql backend: %s\n", cpol_error_message());
        return;
    }
    pgtest_methods = *m;
    inner_open = m->open;
    pgtest_methods.name = "pgtest";
    pgtest_methods.open = pgtest_open;
    if (cpol_storage_register(&pgtest_methods, NULL) < 0)
        fprintf(stderr, "pgtest: registering failed: %s\n", cpol_error_message());
}
