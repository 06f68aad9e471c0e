#define _POSIX_C_SOURCE 200809L
/* The PostgreSQL storage backend (libpq): one real table per core table, one
 * real column per core column, in one schema of one database, so analysts
 * can read the data with psql. docs/postgresql.md is the user's guide.
 *
 * - URI: postgresql://[user[:password]@]host[:port]/dbname[?param=value&…].
 *   The core passes the part after "postgresql:"; we hand "postgresql:" plus
 *   that to libpq, minus our own parameter schema=NAME (our tables live in
 *   that schema, created unless CPOL_OPEN_NOCREATE / CPOL_OPEN_READONLY;
 *   without it, in current_schema(), normally "public"). Every statement
 *   names tables as "schema"."table", independent of the search_path.
 * - Identity: a table cpol_meta(key, value) holds application=libcommpolice
 *   and schema_version. A schema with tables but without that marker is
 *   refused with CPOL_ECORRUPT and never modified.
 * - Types (postgres_sql.c): INT/TIME bigint, REAL double precision, TEXT
 *   text COLLATE "C" (byte-wise order), BLOB bytea, ID uuid, BOOL boolean.
 *   Values travel in binary format both ways, so every bit survives.
 * - Prepared statements only, cached: per table for insert/update/remove/get,
 *   per SQL text for queries, counts and fixed statements. A reconnect starts
 *   a new session; the cache then prepares again on first use.
 * - Transactions are SERIALIZABLE. PostgreSQL may refuse one that would not
 *   be serializable (SQLSTATE 40001) or is in a deadlock (40P01): that is
 *   CPOL_EBUSY "concurrent update; retry"; so is a lock wait beyond the busy
 *   timeout (lock_timeout, 55P03). The transaction is then rolled back.
 * - An error inside a transaction aborts it in PostgreSQL. So the statements
 *   that can fail by contract do not raise: insert uses ON CONFLICT DO
 *   NOTHING (0 rows = CPOL_EEXISTS), and an update of a table with a unique
 *   index runs inside its own savepoint. Any other failure is remembered; the
 *   transaction then fails with that status until it is rolled back (or
 *   rolled back to a savepoint set before the failure).
 * - Connection loss returns CPOL_EIO "connection lost"; a transaction that
 *   was open is gone (the server rolls it back). The next call outside a
 *   transaction reconnects with PQreset() once; calls also notice a server
 *   that went away while the connection was idle, before sending anything.
 * - Cursors hold their whole result (a PGresult), so they outlive writes
 *   and even the state.
 *
 * Every allocation of ours goes through cpol_malloc/cpol_free (libpq's own
 * memory stays in libpq's allocator). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <commpolice/context.h>
#include <commpolice/errors.h>
#include <commpolice/sys/alloc.h>
#include <commpolice/sys/errors.h>
#include <commpolice/sys/storage.h>

#include "../core/alloc.h"
#include "../core/error.h"
#include "backends.h"
#include "postgres.h"

/* Default lock wait when the options do not give one. */
#define PG_DEFAULT_BUSY_MS 5000
/* Key of the advisory lock that serialises migrations ('CPOL'), with the
 * hash of the schema name as the second key. */
#define PG_LOCK_KEY "1129336652"

static const char meta_key_app[] = "application";
static const char meta_app[] = "libcommpolice";
static const char meta_key_version[] = "schema_version";

typedef struct pg_cursor {
    PGresult *res;
    int row, nrows;
    unsigned int ncols;
} pg_cursor;

/* ---- errors ---- */

static int sqlstate_is(const char *s, const char *want)
{
    return s && strcmp(s, want) == 0;
}

static int sqlstate_code(const char *s)
{
    if (!s || strlen(s) != 5)
        return CPOL_ESTORAGE;
    if (sqlstate_is(s, "23505"))
        return CPOL_EEXISTS;
    /* serialization failure, deadlock, lock timeout, too many connections, cancelled */
    if (sqlstate_is(s, "40001") || sqlstate_is(s, "40P01") || sqlstate_is(s, "55P03") || sqlstate_is(s, "53300") ||
        sqlstate_is(s, "57014"))
        return CPOL_EBUSY;
    if (sqlstate_is(s, "25006"))
        return CPOL_EREADONLY;
    /* connection exceptions, server shutdown, disk full, system errors */
    if (strncmp(s, "08", 2) == 0 || strncmp(s, "57P0", 4) == 0 || sqlstate_is(s, "53100") || strncmp(s, "58", 2) == 0)
        return CPOL_EIO;
    if (sqlstate_is(s, "XX001") || sqlstate_is(s, "XX002"))
        return CPOL_ECORRUPT;
    return CPOL_ESTORAGE;
}

/* The first line of libpq's message, without the trailing newline. */
static void one_line(char *out, size_t size, const char *msg)
{
    size_t n;
    if (!msg || !*msg)
        msg = "unknown error";
    n = strcspn(msg, "\n");
    if (n >= size)
        n = size - 1;
    memcpy(out, msg, n);
    out[n] = '\0';
}

int pg_fail(pg_state *st, PGresult *res, const char *what)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    char msg[512];
    int code;

    one_line(msg, sizeof msg, primary ? primary : PQerrorMessage(st->conn));
    code = sqlstate_code(state);
    if (PQstatus(st->conn) != CONNECTION_OK ||
        (state && (strncmp(state, "08", 2) == 0 || strncmp(state, "57P0", 4) == 0))) {
        st->lost = 1;
        if (st->in_tx)
            st->tx_failed = CPOL_EIO;
        PQclear(res);
        return cpol__error(CPOL_EIO, "postgresql: connection lost while %s on %s: %s%s", what, st->where, msg,
                           st->in_tx ? " (the transaction is rolled back)" : "");
    }
    if (!res)
        return cpol__error(CPOL_ENOMEM, "postgresql: out of memory while %s on %s: %s", what, st->where, msg);
    PQclear(res);
    if (sqlstate_is(state, "25P02") && st->tx_failed)
        return cpol__error(st->tx_failed,
                           "postgresql: %s on %s: an earlier statement of this transaction failed%s; roll it back",
                           what, st->where, st->tx_failed == CPOL_EBUSY ? " (concurrent update; retry)" : "");
    if (st->in_tx && !st->tx_failed)
        st->tx_failed = code;
    if (sqlstate_is(state, "40001") || sqlstate_is(state, "40P01"))
        return cpol__error(CPOL_EBUSY, "postgresql: concurrent update; retry (%s while %s on %s)", msg, what,
                           st->where);
    if (sqlstate_is(state, "55P03"))
        return cpol__error(CPOL_EBUSY, "postgresql: %s on %s waited longer than the busy timeout (%d ms) for a lock; "
                                       "retry (%s)",
                           what, st->where, st->busy_ms, msg);
    return cpol__error(code, "postgresql: %s on %s failed: %s (SQLSTATE %s)", what, st->where, msg,
                       state ? state : "none");
}

/* ---- statement cache ---- */

static unsigned long pg_hash(const char *s, size_t len)
{
    unsigned long h = 2166136261ul;
    size_t i;
    for (i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619ul;
    }
    return h;
}

int pg_stmt_lookup(pg_state *st, const char *sql, size_t len, int cache, pg_stmt **out)
{
    unsigned long h;
    pg_stmt **bucket, *e;

    *out = NULL;
    if (cache == PG_CACHE_NONE)
        return CPOL_OK;
    h = pg_hash(sql, len);
    bucket = &st->buckets[h % PG_BUCKETS];
    for (e = *bucket; e; e = e->next) {
        if (e->hash == h && e->len == len && memcmp(e->sql, sql, len) == 0) {
            *out = e;
            return CPOL_OK;
        }
    }
    if (cache == PG_CACHE_QUERY && st->nquery >= PG_MAX_QUERY_STMTS)
        return CPOL_OK;
    e = cpol__calloc(1, sizeof *e);
    if (!e)
        return cpol__oom();
    e->sql = cpol__strndup(sql, len);
    if (!e->sql) {
        cpol_free(e);
        return cpol__oom();
    }
    e->len = len;
    e->hash = h;
    snprintf(e->name, sizeof e->name, "cpol_%lu", ++st->next_name);
    if (cache == PG_CACHE_QUERY)
        st->nquery++;
    e->next = *bucket;
    *bucket = e;
    *out = e;
    return CPOL_OK;
}

int pg_exec_stmt(pg_state *st, pg_stmt *e, const char *sql, const pg_params *p, PGresult **res_out,
                 const char *what)
{
    PGresult *res;
    ExecStatusType s;
    int n = p ? p->n : 0;
    const char *const *vals = p ? p->vals : NULL;
    const int *lens = p ? p->lens : NULL, *fmts = p ? p->fmts : NULL;

    if (res_out)
        *res_out = NULL;
    if (e && e->gen != st->gen) {
        /* Parameter types come from the casts in the SQL text. */
        res = PQprepare(st->conn, e->name, e->sql, 0, NULL);
        if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
            return pg_fail(st, res, what);
        PQclear(res);
        e->gen = st->gen;
    }
    if (e)
        res = PQexecPrepared(st->conn, e->name, n, vals, lens, fmts, 1);
    else
        res = PQexecParams(st->conn, sql, n, NULL, vals, lens, fmts, 1);
    s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        return pg_fail(st, res, what);
    if (res_out)
        *res_out = res;
    else
        PQclear(res);
    return CPOL_OK;
}

int pg_exec(pg_state *st, const char *sql, int cache, const pg_params *p, PGresult **res_out, const char *what)
{
    pg_stmt *e = NULL;
    int rc = pg_stmt_lookup(st, sql, strlen(sql), cache, &e);
    if (res_out)
        *res_out = NULL;
    if (rc < 0)
        return rc;
    return pg_exec_stmt(st, e, sql, p, res_out, what);
}

int pg_exec_buf(pg_state *st, pg_buf *b, const char *what)
{
    int rc;
    if (b->oom) {
        pg_buf_free(b);
        return cpol__oom();
    }
    rc = pg_exec(st, b->p, PG_CACHE_NONE, NULL, NULL, what);
    pg_buf_free(b);
    return rc;
}

/* Run a statement whose outcome does not matter (cleanup), leaving the
 * per-thread error alone. */
static void pg_quiet(pg_state *st, const char *sql, const char *param)
{
    PGresult *res;
    int fmt = 0;
    if (st->lost || PQstatus(st->conn) != CONNECTION_OK)
        return;
    res = PQexecParams(st->conn, sql, param ? 1 : 0, NULL, param ? &param : NULL, NULL, param ? &fmt : NULL, 0);
    PQclear(res);
    if (PQstatus(st->conn) != CONNECTION_OK)
        st->lost = 1;
}

/* One text parameter (NULL: SQL NULL). */
static int params_text(pg_params *p, int cap, const char *const *texts, int n)
{
    int i, rc = pg_params_init(p, cap);
    if (rc < 0)
        return rc;
    for (i = 0; i < n; i++) {
        p->vals[i] = texts[i];
        p->lens[i] = texts[i] ? (int)strlen(texts[i]) : 0;
        p->fmts[i] = 0;
    }
    p->n = n;
    return CPOL_OK;
}

/* Run sql with text parameters; *res_out as pg_exec(). */
static int pg_exec_text(pg_state *st, const char *sql, int cache, const char *const *texts, int n, PGresult **res_out,
                        const char *what)
{
    pg_params p;
    int rc = params_text(&p, n, texts, n);
    if (rc < 0)
        return rc;
    rc = pg_exec(st, sql, cache, &p, res_out, what);
    pg_params_free(&p);
    return rc;
}

/* ---- connection ---- */

static void quiet_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* a library does not print; NOTICEs are only "already exists, skipping" */
}

/* Settings of every session (after connecting and after each reconnect). */
static int pg_session_setup(pg_state *st)
{
    static const char sql[] =
        "SELECT set_config('lock_timeout', $1::text, false),"
        " set_config('default_transaction_read_only', $2::text, false),"
        " CASE WHEN $3::text IS NULL THEN NULL"
        " ELSE set_config('search_path', quote_ident($3::text), false) END";
    const char *enc = PQparameterStatus(st->conn, "server_encoding");
    char timeout[32];
    const char *texts[3];
    if (enc && strcmp(enc, "UTF8") != 0 && strcmp(enc, "SQL_ASCII") != 0)
        return cpol__error(CPOL_ESTORAGE,
                           "postgresql: %s uses the encoding %s; libcommpolice needs UTF8 "
                           "(CREATE DATABASE … ENCODING 'UTF8' TEMPLATE template0)",
                           st->where, enc);
    snprintf(timeout, sizeof timeout, "%dms", st->busy_ms);
    texts[0] = timeout;
    texts[1] = st->readonly ? "on" : "off";
    texts[2] = st->schema_param;
    return pg_exec_text(st, sql, PG_CACHE_NONE, texts, 3, NULL, "setting up the session");
}

static int pg_reconnect(pg_state *st)
{
    char msg[512];
    int rc;
    PQreset(st->conn);
    if (PQstatus(st->conn) != CONNECTION_OK) {
        st->lost = 1;
        one_line(msg, sizeof msg, PQerrorMessage(st->conn));
        return cpol__error(CPOL_EIO, "postgresql: connection to %s lost; reconnecting failed: %s", st->where, msg);
    }
    st->gen++; /* a new session: nothing is prepared in it */
    st->lost = 0;
    st->migrate_lock = 0;
    st->tx_failed = 0;
    rc = pg_session_setup(st);
    if (rc < 0)
        st->lost = 1;
    return rc;
}

/* Did the server close the idle connection (a restart, a terminated
 * backend)? Reads what is waiting on the socket without blocking. */
static int pg_peer_closed(pg_state *st)
{
    struct pollfd pfd;
    PGnotify *n;
    pfd.fd = PQsocket(st->conn);
    if (pfd.fd < 0)
        return 1;
    pfd.events = POLLIN;
    pfd.revents = 0;
    if (poll(&pfd, 1, 0) <= 0)
        return 0;
    if (!PQconsumeInput(st->conn))
        return 1;
    while ((n = PQnotifies(st->conn)) != NULL)
        PQfreemem(n);
    return PQstatus(st->conn) != CONNECTION_OK;
}

/* Before every call. Outside a transaction: make sure the connection works,
 * reconnecting once if it was lost. Inside one: fail at once if it is lost. */
static int pg_ready(pg_state *st)
{
    if (st->in_tx) {
        if (st->lost)
            return cpol__error(CPOL_EIO,
                               "postgresql: connection to %s lost during this transaction, which is rolled back; "
                               "roll it back and retry",
                               st->where);
        return CPOL_OK;
    }
    if (!st->lost && PQstatus(st->conn) == CONNECTION_OK && !pg_peer_closed(st))
        return CPOL_OK;
    return pg_reconnect(st);
}

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
    pg_buf b = PG_BUF_INIT;
    int rc, found;

    texts[0] = st->schema_param;
    rc = pg_exec_text(st, exists_sql, PG_CACHE_NONE, texts, 1, &res, "looking for the schema");
    if (rc < 0)
        return rc;
    found = PQntuples(res) > 0;
    PQclear(res);
    if (found)
        return CPOL_OK;
    if (flags & (CPOL_OPEN_NOCREATE | CPOL_OPEN_READONLY))
        return cpol__error(CPOL_ENOTFOUND, "postgresql: schema \"%s\" does not exist in %s", st->schema_param,
                           st->where);
    pg_buf_str(&b, "CREATE SCHEMA IF NOT EXISTS ");
    pg_buf_ident(&b, st->schema_param);
    rc = pg_exec_buf(st, &b, "creating the schema");
    if (rc == CPOL_EEXISTS) /* created by another process at the same moment */
        rc = CPOL_OK;
    return rc;
}

/* The schema our tables live in. */
static int read_nsp(pg_state *st)
{
    PGresult *res = NULL;
    int rc = pg_exec(st, "SELECT current_schema()", PG_CACHE_NONE, NULL, &res, "reading the current schema");
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
    rc = pg_exec_text(st, sql, PG_CACHE_FIXED, texts, 1, &res, "looking for cpol_meta");
    if (rc < 0)
        return rc;
    *exists_out = (int)pg_cell_int(res, 0, 0);
    if (tables_out)
        *tables_out = pg_cell_int(res, 0, 1);
    PQclear(res);
    return CPOL_OK;
}

/* A value of cpol_meta into a new string in *out (NULL if the key is unset). */
static int meta_get(pg_state *st, const char *key, char **out)
{
    pg_buf b = PG_BUF_INIT;
    const char *texts[1];
    PGresult *res = NULL;
    int rc;
    *out = NULL;
    pg_buf_str(&b, "SELECT value FROM ");
    pg_buf_table(&b, st, "cpol_meta");
    pg_buf_str(&b, " WHERE key = $1::text");
    if (b.oom) {
        pg_buf_free(&b);
        return cpol__oom();
    }
    texts[0] = key;
    rc = pg_exec_text(st, b.p, PG_CACHE_FIXED, texts, 1, &res, "reading cpol_meta");
    pg_buf_free(&b);
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
    pg_buf b = PG_BUF_INIT;
    const char *texts[2];
    int rc;
    pg_buf_str(&b, "INSERT INTO ");
    pg_buf_table(&b, st, "cpol_meta");
    pg_buf_str(&b, " (key, value) VALUES ($1::text, $2::text) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value");
    if (b.oom) {
        pg_buf_free(&b);
        return cpol__oom();
    }
    texts[0] = key;
    texts[1] = value;
    rc = pg_exec_text(st, b.p, PG_CACHE_FIXED, texts, 2, NULL, "writing cpol_meta");
    pg_buf_free(&b);
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
    rc = pg_exec_text(st, "SELECT pg_advisory_lock(" PG_LOCK_KEY ", hashtext($1::text))", PG_CACHE_NONE, texts, 1,
                      NULL, "waiting for another process's migration");
    if (rc < 0)
        return rc;
    st->migrate_lock = 1;
    rc = read_version(st, &v);
    if (rc >= 0 && v >= cpol_schema_version_current()) {
        pg_quiet(st, "SELECT pg_advisory_unlock(" PG_LOCK_KEY ", hashtext($1::text))", st->nsp);
        st->migrate_lock = 0;
    }
    return rc;
}

static int pg_open(void **state_out, const char *location, const cpol_open_options *opts, void *plugin_data)
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
        one_line(msg, sizeof msg, err ? err : "out of memory");
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
    PQsetNoticeProcessor(st->conn, quiet_notices, NULL);
    rc = set_where(st);
    if (rc >= 0 && PQstatus(st->conn) != CONNECTION_OK) {
        one_line(msg, sizeof msg, PQerrorMessage(st->conn));
        rc = cpol__error(CPOL_EIO, "postgresql: cannot connect to %s: %s", st->where, msg);
    }
    if (rc >= 0)
        rc = pg_session_setup(st);
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

static void pg_close(void *state)
{
    if (state)
        pg_destroy(state);
}

static int pg_schema_version(void *state, int64_t *out)
{
    pg_state *st = state;
    int rc;
    if (!out)
        return cpol__error(CPOL_EMISUSE, "postgresql: schema_version: out is NULL");
    rc = pg_ready(st);
    return rc < 0 ? rc : read_version(st, out);
}

static int pg_migrate(void *state, const cpol_schema *schema)
{
    pg_state *st = state;
    pg_buf b = PG_BUF_INIT;
    unsigned int i, n;
    char version[32];
    int rc;

    if (!schema)
        return cpol__error(CPOL_EMISUSE, "postgresql: migrate: schema is NULL");
    if (st->readonly)
        return cpol__error(CPOL_EREADONLY, "postgresql: %s is open read-only and needs a migration", st->where);
    rc = pg_ready(st);
    if (rc < 0)
        return rc;
    pg_buf_str(&b, "CREATE TABLE IF NOT EXISTS ");
    pg_buf_table(&b, st, "cpol_meta");
    pg_buf_str(&b, " (key text COLLATE \"C\" NOT NULL PRIMARY KEY, value text)");
    rc = pg_exec_buf(st, &b, "creating cpol_meta");
    if (rc < 0)
        return rc;
    n = cpol_schema_table_count(schema);
    for (i = 0; i < n; i++) {
        const cpol_table *t = cpol_schema_table(schema, i);
        if (!t)
            return cpol__error(CPOL_EINVALID, "postgresql: migrate: schema table %u is missing", i);
        rc = pg_migrate_table(st, t);
        if (rc < 0)
            return rc;
    }
    snprintf(version, sizeof version, "%lld", (long long)cpol_schema_version(schema));
    rc = meta_set(st, meta_key_app, meta_app);
    if (rc >= 0)
        rc = meta_set(st, meta_key_version, version);
    return rc;
}

/* ---- transactions ---- */

static int pg_exec_fixed(pg_state *st, const char *sql, PGresult **res_out, const char *what)
{
    return pg_exec(st, sql, PG_CACHE_FIXED, NULL, res_out, what);
}

/* The transaction is over (committed, rolled back or lost). */
static void end_tx(pg_state *st)
{
    st->in_tx = 0;
    st->tx_failed = 0;
    if (st->migrate_lock) {
        st->migrate_lock = 0;
        pg_quiet(st, "SELECT pg_advisory_unlock(" PG_LOCK_KEY ", hashtext($1::text))", st->nsp);
    }
}

static int pg_begin(void *state)
{
    pg_state *st = state;
    int rc;
    if (st->in_tx)
        return cpol__error(CPOL_EMISUSE, "postgresql: begin: a transaction is already open on %s", st->where);
    rc = pg_ready(st);
    if (rc < 0)
        return rc;
    /* Read-only contexts never write: a consistent snapshot without
     * serialization failures is enough for them. */
    rc = pg_exec_fixed(st,
                       st->readonly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                                    : "BEGIN ISOLATION LEVEL SERIALIZABLE",
                       NULL, "beginning a transaction");
    if (rc < 0)
        return rc;
    st->in_tx = 1;
    st->tx_failed = 0;
    return CPOL_OK;
}

static int pg_commit(void *state)
{
    pg_state *st = state;
    PGresult *res = NULL;
    int rc;
    if (!st->in_tx)
        return cpol__error(CPOL_EMISUSE, "postgresql: commit without a transaction on %s", st->where);
    if (st->lost) {
        end_tx(st);
        return cpol__error(CPOL_EIO, "postgresql: connection to %s lost during the transaction; nothing of it "
                                     "was committed",
                           st->where);
    }
    if (st->tx_failed) {
        int code = st->tx_failed;
        pg_quiet(st, "ROLLBACK", NULL);
        end_tx(st);
        return cpol__error(code, "postgresql: the transaction on %s was rolled back: a statement in it failed%s", st->where,
                           code == CPOL_EBUSY ? " (concurrent update; retry)" : "");
    }
    rc = pg_exec_fixed(st, "COMMIT", &res, "committing");
    if (rc < 0) {
        if (st->lost)
            rc = cpol__error(CPOL_EIO, "postgresql: connection to %s lost during COMMIT: whether the transaction "
                                       "was committed is unknown",
                             st->where);
    } else {
        if (strcmp(PQcmdStatus(res), "COMMIT") != 0)
            rc = cpol__error(CPOL_ESTORAGE, "postgresql: the server rolled the transaction back on %s (%s)",
                             st->where, PQcmdStatus(res));
        PQclear(res);
    }
    end_tx(st);
    return rc;
}

static int pg_rollback(void *state)
{
    pg_state *st = state;
    int rc;
    if (!st->in_tx)
        return CPOL_OK;
    if (st->lost) { /* the server discarded it with the session */
        end_tx(st);
        return CPOL_OK;
    }
    rc = pg_exec_fixed(st, "ROLLBACK", NULL, "rolling back");
    end_tx(st);
    return rc < 0 && st->lost ? CPOL_OK : rc;
}

static int pg_savepoint_sql(pg_state *st, const char *verb, unsigned int level, const char *what)
{
    char sql[64];
    snprintf(sql, sizeof sql, "%s cpol_sp%u", verb, level);
    return pg_exec_fixed(st, sql, NULL, what);
}

static int pg_savepoint(void *state, unsigned int level)
{
    pg_state *st = state;
    int rc = pg_ready(st);
    return rc < 0 ? rc : pg_savepoint_sql(st, "SAVEPOINT", level, "setting a savepoint");
}

static int pg_release_sp(void *state, unsigned int level)
{
    pg_state *st = state;
    int rc = pg_ready(st);
    return rc < 0 ? rc : pg_savepoint_sql(st, "RELEASE SAVEPOINT", level, "releasing a savepoint");
}

static int pg_rollback_to(void *state, unsigned int level)
{
    pg_state *st = state;
    int rc = pg_ready(st);
    if (rc >= 0)
        rc = pg_savepoint_sql(st, "ROLLBACK TO SAVEPOINT", level, "rolling back to a savepoint");
    if (rc >= 0)
        rc = pg_savepoint_sql(st, "RELEASE SAVEPOINT", level, "releasing a savepoint");
    if (rc >= 0)
        st->tx_failed = 0; /* whatever failed after the savepoint is undone */
    return rc;
}

/* ---- rows ---- */

static int pg_table_lookup(pg_state *st, const cpol_table *t, pg_table **out)
{
    const char *name = cpol_table_name(t);
    unsigned int ncols = cpol_table_column_count(t);
    unsigned int i, nidx;
    pg_table *tc;

    *out = NULL;
    if (!t || !name || ncols == 0)
        return cpol__error(CPOL_EMISUSE, "postgresql: record without a valid table (on %s)", st->where);
    for (tc = st->tables; tc; tc = tc->next) {
        if (tc->table == t && tc->ncols == ncols && strcmp(tc->name, name) == 0) {
            *out = tc;
            return CPOL_OK;
        }
    }
    for (i = 0; i < ncols; i++)
        if (!cpol_table_column_name(t, i))
            return cpol__error(CPOL_EINVALID, "postgresql: table '%s' column %u has no name", name, i);
    tc = cpol__calloc(1, sizeof *tc);
    if (!tc)
        return cpol__oom();
    tc->name = cpol__strdup(name);
    if (!tc->name) {
        cpol_free(tc);
        return cpol__oom();
    }
    tc->table = t;
    tc->ncols = ncols;
    nidx = cpol_table_index_count(t);
    for (i = 0; i < nidx; i++)
        if (cpol_table_index_unique(t, i))
            tc->has_unique = 1;
    tc->next = st->tables;
    st->tables = tc;
    *out = tc;
    return CPOL_OK;
}

static const char *const op_what[PG_OP_COUNT] = {"insert", "update", "delete", "select"};

/* The table's cached statement for op, after checking the connection. */
static int pg_table_stmt(pg_state *st, const cpol_table *t, int op, pg_table **tc_out, pg_stmt **out)
{
    pg_table *tc;
    pg_buf b = PG_BUF_INIT;
    int rc = pg_table_lookup(st, t, &tc);
    *out = NULL;
    if (rc < 0)
        return rc;
    *tc_out = tc;
    if (!tc->ops[op]) {
        pg_build_op(&b, st, t, tc->ncols, op);
        if (b.oom) {
            pg_buf_free(&b);
            return cpol__oom();
        }
        rc = pg_stmt_lookup(st, b.p, b.len, PG_CACHE_FIXED, &tc->ops[op]);
        pg_buf_free(&b);
        if (rc < 0)
            return rc;
    }
    *out = tc->ops[op];
    return pg_ready(st);
}

/* Parameters for columns first..ncols-1 of rec, then column 0 if key_last. */
static int row_params(pg_state *st, const pg_table *tc, const cpol_record *rec, unsigned int first, int key_last,
                      pg_params *p)
{
    unsigned int i;
    int rc = pg_params_init(p, (int)tc->ncols + 1);
    for (i = first; rc >= 0 && i < tc->ncols; i++)
        rc = pg_param_column(st, p, cpol_record_value(rec, i), cpol_table_column_type(tc->table, i), tc->name,
                             cpol_table_column_name(tc->table, i));
    if (rc >= 0 && key_last)
        rc = pg_param_column(st, p, cpol_record_value(rec, 0), cpol_table_column_type(tc->table, 0), tc->name,
                             cpol_table_column_name(tc->table, 0));
    if (rc < 0)
        pg_params_free(p);
    return rc;
}

static int rows_changed(PGresult *res)
{
    const char *n = PQcmdTuples(res);
    return n && *n && strcmp(n, "0") != 0;
}

static int pg_insert(void *state, const cpol_record *rec)
{
    pg_state *st = state;
    pg_table *tc;
    pg_stmt *e;
    pg_params p;
    PGresult *res = NULL;
    int rc;
    if (!rec)
        return cpol__error(CPOL_EMISUSE, "postgresql: insert: record is NULL");
    rc = pg_table_stmt(st, cpol_record_table(rec), PG_OP_INSERT, &tc, &e);
    if (rc >= 0)
        rc = row_params(st, tc, rec, 0, 0, &p);
    if (rc < 0)
        return rc;
    rc = pg_exec_stmt(st, e, e->sql, &p, &res, "insert");
    pg_params_free(&p);
    if (rc < 0)
        return rc;
    if (!rows_changed(res))
        rc = cpol__error(CPOL_EEXISTS,
                         "postgresql: insert into table '%s' on %s: a row with this primary key or unique value "
                         "already exists",
                         tc->name, st->where);
    PQclear(res);
    return rc;
}

static int pg_update(void *state, const cpol_record *rec)
{
    pg_state *st = state;
    pg_table *tc;
    pg_stmt *e;
    pg_params p;
    PGresult *res = NULL;
    int rc, wrap, failed_before;
    if (!rec)
        return cpol__error(CPOL_EMISUSE, "postgresql: update: record is NULL");
    rc = pg_table_stmt(st, cpol_record_table(rec), PG_OP_UPDATE, &tc, &e);
    if (rc >= 0)
        rc = row_params(st, tc, rec, 1, 1, &p);
    if (rc < 0)
        return rc;
    /* A unique collision raises an error, which would abort the whole
     * transaction: confine it to a savepoint of its own. */
    wrap = st->in_tx && tc->has_unique && !st->tx_failed;
    failed_before = st->tx_failed;
    if (wrap)
        rc = pg_exec_fixed(st, "SAVEPOINT cpol_w", NULL, "setting a statement savepoint");
    if (rc >= 0)
        rc = pg_exec_stmt(st, e, e->sql, &p, &res, "update");
    pg_params_free(&p);
    if (wrap && rc >= 0) {
        rc = pg_exec_fixed(st, "RELEASE SAVEPOINT cpol_w", NULL, "releasing a statement savepoint");
    } else if (wrap && !st->lost) {
        PGresult *r1 = PQexecParams(st->conn, "ROLLBACK TO SAVEPOINT cpol_w", 0, NULL, NULL, NULL, NULL, 0);
        PGresult *r2 = NULL;
        if (r1 && PQresultStatus(r1) == PGRES_COMMAND_OK)
            r2 = PQexecParams(st->conn, "RELEASE SAVEPOINT cpol_w", 0, NULL, NULL, NULL, NULL, 0);
        if (r2 && PQresultStatus(r2) == PGRES_COMMAND_OK)
            st->tx_failed = failed_before; /* the failed update is undone; the transaction goes on */
        else if (PQstatus(st->conn) != CONNECTION_OK)
            st->lost = 1;
        PQclear(r1);
        PQclear(r2);
    }
    if (rc >= 0 && !rows_changed(res))
        rc = cpol__error(CPOL_ENOTFOUND, "postgresql: update: no row with this key in table '%s'", tc->name);
    if (rc == CPOL_EEXISTS)
        rc = cpol__error(CPOL_EEXISTS, "postgresql: update of table '%s' on %s: a row with this unique value already "
                                       "exists",
                         tc->name, st->where);
    PQclear(res);
    return rc;
}

static int pg_remove(void *state, const cpol_record *key)
{
    pg_state *st = state;
    pg_table *tc;
    pg_stmt *e;
    pg_params p;
    PGresult *res = NULL;
    int rc;
    if (!key)
        return cpol__error(CPOL_EMISUSE, "postgresql: remove: key is NULL");
    rc = pg_table_stmt(st, cpol_record_table(key), PG_OP_REMOVE, &tc, &e);
    if (rc >= 0)
        rc = row_params(st, tc, key, tc->ncols, 1, &p);
    if (rc < 0)
        return rc;
    rc = pg_exec_stmt(st, e, e->sql, &p, &res, op_what[PG_OP_REMOVE]);
    pg_params_free(&p);
    if (rc >= 0 && !rows_changed(res))
        rc = cpol__error(CPOL_ENOTFOUND, "postgresql: delete: no row with this key in table '%s'", tc->name);
    PQclear(res);
    return rc;
}

static int pg_get(void *state, cpol_record *rec)
{
    pg_state *st = state;
    pg_table *tc;
    pg_stmt *e;
    pg_params p;
    PGresult *res = NULL;
    unsigned int i;
    int rc;
    if (!rec)
        return cpol__error(CPOL_EMISUSE, "postgresql: get: record is NULL");
    rc = pg_table_stmt(st, cpol_record_table(rec), PG_OP_GET, &tc, &e);
    if (rc >= 0)
        rc = row_params(st, tc, rec, tc->ncols, 1, &p);
    if (rc < 0)
        return rc;
    rc = pg_exec_stmt(st, e, e->sql, &p, &res, op_what[PG_OP_GET]);
    pg_params_free(&p);
    if (rc < 0)
        return rc;
    if (PQntuples(res) == 0)
        rc = cpol__error(CPOL_ENOTFOUND, "postgresql: no row with this key in table '%s'", tc->name);
    for (i = 1; rc >= 0 && i < tc->ncols; i++)
        rc = pg_fill(res, 0, (int)i - 1, rec, i);
    PQclear(res);
    return rc;
}

/* ---- queries ---- */

static int pg_run_query(pg_state *st, const cpol_query *q, int count, PGresult **res_out)
{
    pg_buf b = PG_BUF_INIT;
    pg_params p;
    pg_stmt *e = NULL;
    int rc = pg_ready(st);
    *res_out = NULL;
    if (rc < 0)
        return rc;
    memset(&p, 0, sizeof p);
    rc = pg_build_query(st, q, count, &b, &p);
    if (rc >= 0 && b.oom)
        rc = cpol__oom();
    if (rc >= 0)
        rc = pg_stmt_lookup(st, b.p, b.len, PG_CACHE_QUERY, &e);
    if (rc >= 0)
        rc = pg_exec_stmt(st, e, b.p, &p, res_out, count ? "count" : "query");
    pg_params_free(&p);
    pg_buf_free(&b);
    return rc;
}

static int pg_query_open(void *state, const cpol_query *q, void **cursor_out)
{
    pg_state *st = state;
    pg_cursor *c;
    PGresult *res = NULL;
    int rc;
    if (!cursor_out)
        return cpol__error(CPOL_EMISUSE, "postgresql: query_open: cursor_out is NULL");
    *cursor_out = NULL;
    if (!q)
        return cpol__error(CPOL_EMISUSE, "postgresql: query_open: query is NULL");
    c = cpol__calloc(1, sizeof *c);
    if (!c)
        return cpol__oom();
    rc = pg_run_query(st, q, 0, &res);
    if (rc < 0) {
        cpol_free(c);
        return rc;
    }
    c->res = res;
    c->nrows = PQntuples(res);
    c->ncols = cpol_table_column_count(cpol_query_table(q));
    if ((unsigned int)PQnfields(res) < c->ncols)
        c->ncols = (unsigned int)PQnfields(res);
    *cursor_out = c;
    return CPOL_OK;
}

static int pg_cursor_next(void *cursor, cpol_record *rec)
{
    pg_cursor *c = cursor;
    unsigned int i;
    int rc;
    if (!c || !rec)
        return cpol__error(CPOL_EMISUSE, "postgresql: cursor_next: %s is NULL", c ? "record" : "cursor");
    if (c->row >= c->nrows)
        return CPOL_DONE;
    for (i = 0; i < c->ncols; i++) {
        rc = pg_fill(c->res, c->row, (int)i, rec, i);
        if (rc < 0)
            return rc; /* the row stays current: the next call retries it */
    }
    c->row++;
    return CPOL_OK;
}

static void pg_cursor_close(void *cursor)
{
    pg_cursor *c = cursor;
    if (!c)
        return;
    PQclear(c->res);
    cpol_free(c);
}

static int pg_count(void *state, const cpol_query *q, int64_t *out)
{
    pg_state *st = state;
    PGresult *res = NULL;
    int rc;
    if (!q || !out)
        return cpol__error(CPOL_EMISUSE, "postgresql: count: %s is NULL", q ? "out" : "query");
    rc = pg_run_query(st, q, 1, &res);
    if (rc < 0)
        return rc;
    *out = PQntuples(res) == 1 ? pg_cell_int(res, 0, 0) : 0;
    PQclear(res);
    return CPOL_OK;
}

static const cpol_storage_methods pg_methods = {
    CPOL_STORAGE_VERSION,
    "postgresql",
    pg_open,
    pg_close,
    pg_schema_version,
    pg_migrate,
    pg_begin,
    pg_commit,
    pg_rollback,
    pg_savepoint,
    pg_release_sp,
    pg_rollback_to,
    pg_insert,
    pg_update,
    pg_remove,
    pg_get,
    pg_query_open,
    pg_cursor_next,
    pg_cursor_close,
    pg_count,
};

const cpol_storage_methods *cpol__storage_postgres(void)
{
    return &pg_methods;
}
