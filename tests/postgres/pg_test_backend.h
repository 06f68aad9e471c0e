/* Test helpers for the PostgreSQL backend (tests/postgres/). */
#ifndef CPOL_TESTS_PG_TEST_BACKEND_H
#define CPOL_TESTS_PG_TEST_BACKEND_H

#include <stddef.h>

/* The location (the part after "postgresql:") of a fresh schema for key on
 * the server of CPOL_TEST_PG_URI: the same key gives the same schema within
 * one run. 0 on success, -1 without CPOL_TEST_PG_URI or if buf is too small. */
int pg_test_location(char *buf, size_t size, const char *key);

#endif
