#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_test_backend.h"
#include "pg_test_util.h"

const char *pt_uri(char *buf, size_t size, const char *key)
{
    static const char prefix[] = "postgresql:";
    ck_assert_msg(size > sizeof prefix, "pt_uri: buffer too small");
    memcpy(buf, prefix, sizeof prefix);
    ck_assert_msg(pg_test_location(buf + sizeof prefix - 1, size - sizeof prefix + 1, key) == 0,
                  "CPOL_TEST_PG_URI is not set (run through scripts/pg-test-server.sh run)");
    return buf;
}

const char *pt_schema(const char *uri)
{
    const char *s = strstr(uri, "schema=");
    ck_assert_ptr_nonnull(s);
    return s + 7;
}

PGconn *pt_admin(void)
{
    const char *uri = getenv("CPOL_TEST_PG_URI");
    PGconn *c;
    ck_assert_msg(uri && *uri, "CPOL_TEST_PG_URI is not set");
    c = PQconnectdb(uri);
    ck_assert_msg(c && PQstatus(c) == CONNECTION_OK, "connecting to %s: %s", uri, c ? PQerrorMessage(c) : "oom");
    return c;
}

void pt_exec(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType s = PQresultStatus(r);
    ck_assert_msg(s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
}

void pt_exec_in(PGconn *c, const char *uri, const char *sql_fmt)
{
    char sql[2048], quoted[128];
    snprintf(quoted, sizeof quoted, "\"%s\"", pt_schema(uri));
    snprintf(sql, sizeof sql, sql_fmt, quoted);
    pt_exec(c, sql);
}

long long pt_scalar(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    long long v = -1;
    ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(c));
    if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
        v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return v;
}

void pt_server(const char *action)
{
    const char *script = getenv("CPOL_TEST_PG_SCRIPT"), *state = getenv("CPOL_TEST_PG_STATE");
    char cmd[2048];
    int rc;
    ck_assert_msg(script && state, "CPOL_TEST_PG_SCRIPT / CPOL_TEST_PG_STATE are not set");
    snprintf(cmd, sizeof cmd, "sh '%s' %s '%s'", script, action, state);
    rc = system(cmd);
    ck_assert_msg(rc == 0, "%s failed (%d)", cmd, rc);
}
