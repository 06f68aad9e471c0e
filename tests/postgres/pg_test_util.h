/* Helpers of the PostgreSQL test programs: URIs of fresh schemas on the test
 * server, an administrator's libpq connection, and control of the server. */
#ifndef CPOL_TESTS_PG_TEST_UTIL_H
#define CPOL_TESTS_PG_TEST_UTIL_H

#include <stddef.h>

#include <libpq-fe.h>

/* "postgresql:" + the location of a fresh schema for key (pg_test_location). */
const char *pt_uri(char *buf, size_t size, const char *key);
/* The schema name in a URI made by pt_uri() (points into it). */
const char *pt_schema(const char *uri);
/* A libpq connection to the test server (CPOL_TEST_PG_URI); fails the test if none. */
PGconn *pt_admin(void);
/* Run sql (no parameters); fails the test unless it succeeds. */
void pt_exec(PGconn *c, const char *sql);
/* sql with %s replaced by the quoted schema name of uri, then pt_exec(). */
void pt_exec_in(PGconn *c, const char *uri, const char *sql_fmt);
/* The first cell of sql's result as an integer (-1 for no row or NULL). */
long long pt_scalar(PGconn *c, const char *sql);
/* pg-test-server.sh ACTION on this test's server: "kill", "restart". */
void pt_server(const char *action);

#endif
