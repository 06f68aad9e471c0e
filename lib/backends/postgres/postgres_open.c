#define _POSIX_C_SOURCE 200809L
/* The PostgreSQL backend, part 3: the URI, opening and closing, the identity
 * marker and schema version in cpol_meta, and migrations. See postgres.c for
 * the overview. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <commpolice/context.h>
#include <commpolice/errors.h>
#include <commpolice/sys/alloc.h>
#include <commpolice/sys/errors.h>
#include <commpolice/sys/storage.h>

#include "util/alloc.h"
#include "util/error.h"
#include "backends/postgres/postgres.h"

/* Default lock wait when the options do not give one. */
#define PG_DEFAULT_BUSY_MS 5000

static const char meta_key_app[] = "application";
static const char meta_app[] = "libcommpolice";
static const char meta_key_version[] = "schema_version";

/* ---- open / close ---- */

static void pg_destroy(pg_state *st)
{
    unsigned int i;
    pg_table *tc;
    for (i = 0; i < PG_BUCKETS; i++) {
        pg_stmt *e = st->buckets[i];
        while (e) {
            pg_stmt *next = e->next;
            cpol_free(e->sql);
            cpol_free(e);
            e = next;
        }
        st->buckets[i] = NULL;
    }
    cpol__pg_drop_queued(st, 0);
    cpol_free(st->queue);
    tc = st->tables;
    while (tc) {
        pg_table *next = tc->next;
        cpol_free(tc->name);
        cpol_free(tc);
        tc = next;
    }
    /* Closing the session rolls back an open transaction and frees its locks. */
    if (st->conn)
        PQfinish(st->conn);
    cpol_free(st->where);
    cpol_free(st->nsp);
    cpol_free(st->schema_param);
    cpol_free(st);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Split our parameter schema=NAME (percent-decoded into *schema_out) off the
 * location and return "postgresql:" + the rest in *conninfo_out. */
static int split_location(const char *location, char **conninfo_out, char **schema_out)
{
    static const char prefix[] = "postgresql:";
    size_t len = strlen(location);
    const char *q = strchr(location, '?');
    char *out = cpol_malloc(sizeof prefix + len);
    size_t o;
    int first = 1;
    *conninfo_out = NULL;
    *schema_out = NULL;
    if (!out)
        return cpol__oom();
    memcpy(out, prefix, sizeof prefix - 1);
    o = sizeof prefix - 1;
    if (!q) {
        memcpy(out + o, location, len + 1);
        *conninfo_out = out;
        return CPOL_OK;
    }
    memcpy(out + o, location, (size_t)(q - location));
    o += (size_t)(q - location);
    q++;
    while (*q) {
        size_t n = strcspn(q, "&");
        if (n > 7 && strncmp(q, "schema=", 7) == 0) {
            char *name = cpol_malloc(n);
            size_t i, k = 0;
            if (!name) {
                cpol_free(out);
                cpol_free(*schema_out);
                *schema_out = NULL;
                return cpol__oom();
            }
            for (i = 7; i < n; i++) {
                if (q[i] == '%' && i + 2 < n && hexval(q[i + 1]) >= 0 && hexval(q[i + 2]) >= 0) {
                    name[k++] = (char)(hexval(q[i + 1]) * 16 + hexval(q[i + 2]));
                    i += 2;
                } else {
                    name[k++] = q[i];
                }
            }
            name[k] = '\0';
            cpol_free(*schema_out);
            *schema_out = name;
        } else if (n > 0) {
            out[o++] = first ? '?' : '&';
            first = 0;
            memcpy(out + o, q, n);
            o += n;
        }
        q += n;
        if (*q == '&')
            q++;
    }
    out[o] = '\0';
    if (*schema_out && (!**schema_out || strlen(*schema_out) > 63)) {
        cpol_free(out);
        cpol_free(*schema_out);
        *schema_out = NULL;
        return cpol__error(CPOL_EINVALID, "postgresql: schema= must name a schema of 1 to 63 bytes");
    }
    *conninfo_out = out;
    return CPOL_OK;
}

/* "database "db" on host:port" (+ the schema once known): never the password. */
static int set_where(pg_state *st)
{
    const char *db = PQdb(st->conn), *host = PQhost(st->conn), *port = PQport(st->conn);
    char buf[512];
    char *w;
    if (st->nsp)
        snprintf(buf, sizeof buf, "database \"%s\" on %s:%s, schema \"%s\"", db ? db : "?",
                 host && *host ? host : "localhost", port && *port ? port : "5432", st->nsp);
    else
        snprintf(buf, sizeof buf, "database \"%s\" on %s:%s", db ? db : "?", host && *host ? host : "localhost",
                 port && *port ? port : "5432");
    w = cpol__strdup(buf);
    if (!w)
        return cpol__oom();
    cpol_free(st->where);
    st->where = w;
    return CPOL_OK;
}

/* With schema=NAME: create the schema unless told not to. */
static int ensure_schema(pg_state *st, uint32_t flags)
{
    static const char exists_sql[] = "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1::text";
    const char *texts[1];
    PGresult *res = NULL;
    cpol__sql_buf b = CPOL__SQL_BUF_INIT;
    int rc, found;

    texts[0] = st->schema_param;
    rc = cpol__pg_exec_text(st, exists_sql, PG_CACHE_NONE, texts, 1, &res, "looking for the schema");
    if (rc < 0)
        return rc;
    found = PQntuples(res) > 0;
    PQclear(res);
    if (found)
        return CPOL_OK;
    if (flags & (CPOL_OPEN_NOCREATE | CPOL_OPEN_READONLY))
        return cpol__error(CPOL_ENOTFOUND, "postgresql: schema \"%s\" does not exist in %s", st->schema_param,
                           st->where);
    cpol__sql_buf_str(&b, "CREATE SCHEMA IF NOT EXISTS ");
    cpol__sql_buf_ident(&b, st->schema_param);
    rc = cpol__pg_exec_buf(st, &b, "creating the schema");
    if (rc == CPOL_EEXISTS) /* created by another process at the same moment */
        rc = CPOL_OK;
    return rc;
}

/* The schema our tables live in. */
static int read_nsp(pg_state *st)
{
    PGresult *res = NULL;
    int rc = cpol__pg_exec(st, "SELECT current_schema()", PG_CACHE_NONE, NULL, &res, "reading the current schema");
    if (rc < 0)
        return rc;
    if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0)) {
        PQclear(res);
        return cpol__error(CPOL_ENOTFOUND,
                           "postgresql: no schema of the search_path exists in %s (create one, or add schema=NAME "
                           "to the URI)",
                           st->where);
    }
    st->nsp = cpol__strndup(PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
    PQclear(res);
    if (!st->nsp)
        return cpol__oom();
    return set_where(st);
}

/* Does our schema have cpol_meta? *tables_out (may be NULL) gets the number
 * of tables and views in it. */
static int meta_exists(pg_state *st, int *exists_out, int64_t *tables_out)
{
    static const char sql[] =
        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = $1::text AND c.relname = 'cpol_meta' AND c.relkind IN ('r','p')),"
        " (SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = $1::text AND c.relkind IN ('r','p','v','m','f'))";
    const char *texts[1];
    PGresult *res = NULL;
    int rc;
    texts[0] = st->nsp;
    rc = cpol__pg_exec_text(st, sql, PG_CACHE_FIXED, texts, 1, &res, "looking for cpol_meta");
    if (rc < 0)
        return rc;
    *exists_out = (int)cpol__pg_cell_int(res, 0, 0);
    if (tables_out)
        *tables_out = cpol__pg_cell_int(res, 0, 1);
    PQclear(res);
    return CPOL_OK;
}

/* A value of cpol_meta into a new string in *out (NULL if the key is unset). */
static int meta_get(pg_state *st, const char *key, char **out)
{
    cpol__sql_buf b = CPOL__SQL_BUF_INIT;
    const char *texts[1];
    PGresult *res = NULL;
    int rc;
    *out = NULL;
    cpol__sql_buf_str(&b, "SELECT value FROM ");
    cpol__pg_buf_table(&b, st, "cpol_meta");
    cpol__sql_buf_str(&b, " WHERE key = $1::text");
    if (b.oom) {
        cpol__sql_buf_free(&b);
        return cpol__oom();
    }
    texts[0] = key;
    rc = cpol__pg_exec_text(st, b.p, PG_CACHE_FIXED, texts, 1, &res, "reading cpol_meta");
    cpol__sql_buf_free(&b);
    if (rc < 0)
        return rc;
    if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)) {
        *out = cpol__strndup(PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
        if (!*out)
            rc = cpol__oom();
    }
    PQclear(res);
    return rc;
}

static int meta_set(pg_state *st, const char *key, const char *value)
{
    cpol__sql_buf b = CPOL__SQL_BUF_INIT;
    const char *texts[2];
    int rc;
    cpol__sql_buf_str(&b, "INSERT INTO ");
    cpol__pg_buf_table(&b, st, "cpol_meta");
    cpol__sql_buf_str(&b, " (key, value) VALUES ($1::text, $2::text) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value");
    if (b.oom) {
        cpol__sql_buf_free(&b);
        return cpol__oom();
    }
    texts[0] = key;
    texts[1] = value;
    rc = cpol__pg_exec_text(st, b.p, PG_CACHE_FIXED, texts, 2, NULL, "writing cpol_meta");
    cpol__sql_buf_free(&b);
    return rc;
}

static int read_version(pg_state *st, int64_t *out)
{
    char *v = NULL, *end = NULL;
    long long n;
    int exists = 0, rc = meta_exists(st, &exists, NULL);
    *out = 0;
    if (rc < 0 || !exists)
        return rc;
    rc = meta_get(st, meta_key_version, &v);
    if (rc < 0 || !v)
        return rc;
    errno = 0;
    n = strtoll(v, &end, 10);
    if (errno || end == v || *end || n < 0) {
        rc = cpol__error(CPOL_ECORRUPT, "postgresql: cpol_meta on %s holds schema_version '%.40s', not a number",
                         st->where, v);
        cpol_free(v);
        return rc;
    }
    cpol_free(v);
    *out = n;
    return CPOL_OK;
}

/* Ours, or empty? A schema with tables but no marker is someone else's. */
static int check_identity(pg_state *st)
{
    int exists = 0, rc;
    int64_t tables = 0;
    char *app = NULL;
    rc = meta_exists(st, &exists, &tables);
    if (rc < 0)
        return rc;
    if (!exists) {
        if (tables > 0)
            return cpol__error(CPOL_ECORRUPT,
                               "postgresql: %s has %lld tables but no cpol_meta table: it is not a libcommpolice "
                               "database (use an empty database, or schema=NAME for a schema of our own)",
                               st->where, (long long)tables);
        return CPOL_OK;
    }
    rc = meta_get(st, meta_key_app, &app);
    if (rc < 0)
        return rc;
    if (!app || strcmp(app, meta_app) != 0) {
        rc = cpol__error(CPOL_ECORRUPT, "postgresql: cpol_meta on %s says application '%.40s', not '%s'", st->where,
                         app ? app : "(unset)", meta_app);
        cpol_free(app);
        return rc;
    }
    cpol_free(app);
    return CPOL_OK;
}

/* When the stored schema is older than this library's, hold the migration
 * lock from now until the migration's transaction ends, so two processes
 * opening a new database do not create the same tables at once (the core
 * reads the version again inside its transaction). */
static int migration_lock(pg_state *st)
{
    const char *texts[1];
    int64_t v = 0;
    int rc = read_version(st, &v);
    if (rc < 0 || v >= cpol_schema_version_current())
        return rc;
    texts[0] = st->nsp;
    rc = cpol__pg_exec_text(st, "SELECT pg_advisory_lock(" PG_LOCK_KEY ", hashtext($1::text))", PG_CACHE_NONE, texts, 1,
                      NULL, "waiting for another process's migration");
    if (rc < 0)
        return rc;
    st->migrate_lock = 1;
    rc = read_version(st, &v);
    if (rc >= 0 && v >= cpol_schema_version_current()) {
        cpol__pg_quiet(st, "SELECT pg_advisory_unlock(" PG_LOCK_KEY ", hashtext($1::text))", st->nsp);
        st->migrate_lock = 0;
    }
    return rc;
}

int cpol__pg_open(void **state_out, const char *location, const cpol_open_options *opts, void *plugin_data)
{
    static const char *const keywords[] = {"dbname", "client_encoding", "fallback_application_name", NULL};
    const char *values[4];
    uint32_t flags = opts ? opts->flags : 0;
    PQconninfoOption *parsed;
    char *conninfo = NULL, *err = NULL, msg[512];
    pg_state *st;
    int rc;

    (void)plugin_data;
    if (!state_out)
        return cpol__error(CPOL_EMISUSE, "postgresql: open: state_out is NULL");
    *state_out = NULL;
    if (!location)
        return cpol__error(CPOL_EMISUSE, "postgresql: open: location is NULL");
    if (strncmp(location, "//", 2) != 0)
        return cpol__error(CPOL_EINVALID,
                           "postgresql: the URI must look like postgresql://[user@]host[:port]/dbname[?schema=NAME]");

    st = cpol__calloc(1, sizeof *st);
    if (!st)
        return cpol__oom();
    st->readonly = (flags & CPOL_OPEN_READONLY) != 0;
    st->busy_ms = opts && opts->busy_timeout_ms > 0 ? (int)opts->busy_timeout_ms : PG_DEFAULT_BUSY_MS;
    st->gen = 1;
    rc = split_location(location, &conninfo, &st->schema_param);
    if (rc < 0) {
        pg_destroy(st);
        return rc;
    }
    parsed = PQconninfoParse(conninfo, &err);
    if (!parsed) {
        cpol__pg_one_line(msg, sizeof msg, err ? err : "out of memory");
        PQfreemem(err);
        memset(conninfo, 0, strlen(conninfo)); /* it may hold a password */
        cpol_free(conninfo);
        pg_destroy(st);
        return cpol__error(CPOL_EINVALID, "postgresql: bad connection URI: %s", msg);
    }
    PQconninfoFree(parsed);

    values[0] = conninfo;
    values[1] = "UTF8";
    values[2] = "libcommpolice";
    values[3] = NULL;
    st->conn = PQconnectdbParams(keywords, values, 1);
    memset(conninfo, 0, strlen(conninfo));
    cpol_free(conninfo);
    if (!st->conn) {
        pg_destroy(st);
        return cpol__error(CPOL_ENOMEM, "postgresql: out of memory connecting");
    }
    PQsetNoticeProcessor(st->conn, cpol__pg_note_notice, st);
    rc = set_where(st);
    if (rc >= 0 && PQstatus(st->conn) != CONNECTION_OK) {
        cpol__pg_one_line(msg, sizeof msg, PQerrorMessage(st->conn));
        rc = cpol__error(CPOL_EIO, "postgresql: cannot connect to %s: %s", st->where, msg);
    }
    if (rc >= 0)
        rc = cpol__pg_session_setup(st);
    if (rc >= 0 && st->schema_param)
        rc = ensure_schema(st, flags);
    if (rc >= 0)
        rc = read_nsp(st);
    if (rc >= 0)
        rc = check_identity(st);
    if (rc >= 0 && !st->readonly)
        rc = migration_lock(st);
    if (rc < 0) {
        pg_destroy(st);
        return rc;
    }
    *state_out = st;
    return CPOL_OK;
}

void cpol__pg_close(void *state)
{
    if (state)
        pg_destroy(state);
}

int cpol__pg_schema_version(void *state, int64_t *out)
{
    pg_state *st = state;
    int rc;
    if (!out)
        return cpol__error(CPOL_EMISUSE, "postgresql: schema_version: out is NULL");
    rc = cpol__pg_ready(st);
    return rc < 0 ? rc : read_version(st, out);
}

int cpol__pg_migrate(void *state, const cpol_schema *schema)
{
    pg_state *st = state;
    cpol__sql_buf b = CPOL__SQL_BUF_INIT;
    unsigned int i, n;
    char version[32];
    int rc;

    if (!schema)
        return cpol__error(CPOL_EMISUSE, "postgresql: migrate: schema is NULL");
    if (st->readonly)
        return cpol__error(CPOL_EREADONLY, "postgresql: %s is open read-only and needs a migration", st->where);
    rc = cpol__pg_ready(st);
    if (rc < 0)
        return rc;
    cpol__sql_buf_str(&b, "CREATE TABLE IF NOT EXISTS ");
    cpol__pg_buf_table(&b, st, "cpol_meta");
    cpol__sql_buf_str(&b, " (key text COLLATE \"C\" NOT NULL PRIMARY KEY, value text)");
    rc = cpol__pg_exec_buf(st, &b, "creating cpol_meta");
    if (rc < 0)
        return rc;
    n = cpol_schema_table_count(schema);
    for (i = 0; i < n; i++) {
        const cpol_table *t = cpol_schema_table(schema, i);
        if (!t)
            return cpol__error(CPOL_EINVALID, "postgresql: migrate: schema table %u is missing", i);
        rc = cpol__pg_migrate_table(st, t);
        if (rc < 0)
            return rc;
    }
    snprintf(version, sizeof version, "%lld", (long long)cpol_schema_version(schema));
    rc = meta_set(st, meta_key_app, meta_app);
    if (rc >= 0)
        rc = meta_set(st, meta_key_version, version);
    return rc;
}

/* ---- migration ---- */

/* present[i] = 1 for each column of t the existing table has; *exists = 0 if
 * the table does not exist. Read from the catalog, so it sees our own
 * transaction's DDL. */
static int existing_columns(pg_state *st, const cpol_table *t, unsigned int ncols, unsigned char *present, int *exists)
{
    static const char sql[] =
        "SELECT a.attname FROM pg_catalog.pg_attribute a"
        " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
        " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = $1::text AND c.relname = $2::text AND c.relkind IN ('r','p')"
        " AND a.attnum > 0 AND NOT a.attisdropped";
    const char *texts[2];
    PGresult *res = NULL;
    int rc, r, nrows;
    unsigned int i;

    *exists = 0;
    texts[0] = st->nsp;
    texts[1] = cpol_table_name(t);
    rc = cpol__pg_exec_text(st, sql, PG_CACHE_FIXED, texts, 2, &res, "reading a table's columns");
    if (rc < 0)
        return rc;
    nrows = PQntuples(res);
    for (r = 0; r < nrows; r++) {
        const char *name = PQgetvalue(res, r, 0);
        *exists = 1;
        for (i = 0; i < ncols; i++)
            if (strcmp(name, cpol_table_column_name(t, i)) == 0)
                present[i] = 1;
    }
    PQclear(res);
    return CPOL_OK;
}

int cpol__pg_migrate_table(pg_state *st, const cpol_table *t)
{
    const char *tname = cpol_table_name(t);
    unsigned int ncols = cpol_table_column_count(t);
    unsigned int i, k, nidx;
    unsigned char *present;
    int exists, rc;

    if (!tname || ncols == 0)
        return cpol__error(CPOL_EINVALID, "postgresql: migrate: a table without name or columns (on %s)", st->where);
    for (i = 0; i < ncols; i++) {
        if (!cpol_table_column_name(t, i))
            return cpol__error(CPOL_EINVALID, "postgresql: table '%s' column %u has no name", tname, i);
        if (!cpol__pg_ddl_type(cpol_table_column_type(t, i)))
            return cpol__error(CPOL_EINVALID, "postgresql: migrate: column %s.%s has unknown type %d", tname,
                               cpol_table_column_name(t, i), cpol_table_column_type(t, i));
    }
    present = cpol__calloc(ncols, 1);
    if (!present)
        return cpol__oom();
    rc = existing_columns(st, t, ncols, present, &exists);
    if (rc < 0)
        goto out;

    if (!exists) {
        cpol__sql_buf b = CPOL__SQL_BUF_INIT;
        cpol__sql_buf_str(&b, "CREATE TABLE IF NOT EXISTS ");
        cpol__pg_buf_table(&b, st, tname);
        cpol__sql_buf_str(&b, " (");
        for (i = 0; i < ncols; i++) {
            if (i)
                cpol__sql_buf_str(&b, ", ");
            cpol__sql_buf_ident(&b, cpol_table_column_name(t, i));
            cpol__sql_buf_str(&b, " ");
            cpol__sql_buf_str(&b, cpol__pg_ddl_type(cpol_table_column_type(t, i)));
            if (i == 0 || (cpol_table_column_flags(t, i) & CPOL_COLUMN_NOTNULL))
                cpol__sql_buf_str(&b, " NOT NULL");
        }
        cpol__sql_buf_str(&b, ", PRIMARY KEY (");
        cpol__sql_buf_ident(&b, cpol_table_column_name(t, 0));
        cpol__sql_buf_str(&b, "))");
        rc = cpol__pg_exec_buf(st, &b, "creating a table");
        if (rc < 0)
            goto out;
    } else {
        if (!present[0]) {
            rc = cpol__error(CPOL_ECORRUPT, "postgresql: table '%s' on %s lacks its primary key column '%s'", tname,
                             st->where, cpol_table_column_name(t, 0));
            goto out;
        }
        for (i = 1; i < ncols; i++) {
            cpol__sql_buf b = CPOL__SQL_BUF_INIT;
            if (present[i])
                continue;
            /* Columns added later are nullable: existing rows get NULL. */
            cpol__sql_buf_str(&b, "ALTER TABLE ");
            cpol__pg_buf_table(&b, st, tname);
            cpol__sql_buf_str(&b, " ADD COLUMN IF NOT EXISTS ");
            cpol__sql_buf_ident(&b, cpol_table_column_name(t, i));
            cpol__sql_buf_str(&b, " ");
            cpol__sql_buf_str(&b, cpol__pg_ddl_type(cpol_table_column_type(t, i)));
            rc = cpol__pg_exec_buf(st, &b, "adding a column");
            if (rc < 0)
                goto out;
        }
    }

    nidx = cpol_table_index_count(t);
    for (i = 0; i < nidx; i++) {
        cpol__sql_buf b = CPOL__SQL_BUF_INIT;
        const char *iname = cpol_table_index_name(t, i);
        unsigned int nc = cpol_table_index_column_count(t, i);
        if (!iname || nc == 0) {
            rc = cpol__error(CPOL_EINVALID, "postgresql: migrate: index %u of table '%s' has no name or columns", i,
                             tname);
            goto out;
        }
        cpol__sql_buf_str(&b, cpol_table_index_unique(t, i) ? "CREATE UNIQUE INDEX IF NOT EXISTS "
                                                     : "CREATE INDEX IF NOT EXISTS ");
        cpol__sql_buf_ident(&b, iname);
        cpol__sql_buf_str(&b, " ON ");
        cpol__pg_buf_table(&b, st, tname);
        cpol__sql_buf_str(&b, " (");
        for (k = 0; k < nc; k++) {
            int c = cpol_table_index_column(t, i, k);
            if (c < 0 || (unsigned int)c >= ncols) {
                cpol__sql_buf_free(&b);
                rc = cpol__error(CPOL_EINVALID, "postgresql: migrate: index '%s' names column %d, out of range",
                                 iname, c);
                goto out;
            }
            if (k)
                cpol__sql_buf_str(&b, ", ");
            if (cpol_table_index_unique(t, i) && cpol__pg_is_bulky(cpol_table_column_type(t, (unsigned int)c))) {
                /* btree entries are limited to about 2.7 kB: a unique index
                 * holds the hash of text and bytes of any size. */
                cpol__sql_buf_str(&b, "md5(");
                cpol__sql_buf_ident(&b, cpol_table_column_name(t, (unsigned int)c));
                cpol__sql_buf_str(&b, ")");
            } else {
                cpol__sql_buf_ident(&b, cpol_table_column_name(t, (unsigned int)c));
            }
        }
        cpol__sql_buf_str(&b, ")");
        rc = cpol__pg_exec_buf(st, &b, "creating an index");
        if (rc < 0)
            goto out;
    }
    rc = CPOL_OK;
out:
    cpol_free(present);
    return rc;
}
