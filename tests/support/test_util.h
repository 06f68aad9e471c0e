/* Helpers shared by the Check test programs (public-API tests included). */
#ifndef CPOL_TEST_UTIL_H
#define CPOL_TEST_UTIL_H

#include <stddef.h>

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

#endif
