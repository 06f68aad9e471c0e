/* Helpers shared by the Check test programs (public-API tests included). */
#ifndef CPOL_TEST_UTIL_H
#define CPOL_TEST_UTIL_H

#include <stddef.h>

#include <commpolice/context.h>

/* Create a fresh temporary directory (mkdtemp); returns its path (static buffer per call slot). */
const char *tu_tmpdir(void);
/* Remove a directory tree created by tu_tmpdir(). */
void tu_rmtree(const char *path);
/* Build "<dir>/<name>" into buf. */
const char *tu_path(char *buf, size_t size, const char *dir, const char *name);

/* The URI of a persistent store for a test in dir: "sqlite:<dir>/<file>";
 * or, when CPOL_TEST_PG_URI is set (the *.postgresql tests of
 * tests/postgres/), "postgresql:…?schema=t_<hash>", a fresh schema of the
 * test server named after dir and file. */
const char *tu_store_uri(char *buf, size_t size, const char *dir, const char *file);
/* The backend tu_store_uri() uses: "sqlite" or "postgresql". */
const char *tu_store_backend(void);

/* A valid GB 11643 ID-card number from its first 17 digits, written to out
 * (19 bytes); returns out. */
char *tu_id_card(const char *first17, char out[19]);

/* Every test runs with encryption at rest: the key callback of the tests
 * hands out a fixed master key for the key ids "test-key-1" and
 * "test-key-2" (for rotation tests) and refuses any other. */
#define TU_KEY_ID "test-key-1"
int tu_key(void *payload, const char *key_id, unsigned char key[CPOL_KEY_LEN]);
/* Options with nothing but the test key (a static struct). */
const cpol_open_options *tu_options(void);
/* Give o the test key unless it names a key of its own; returns o. */
cpol_open_options *tu_keyed(cpol_open_options *o);

#endif
