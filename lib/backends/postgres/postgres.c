#define _POSIX_C_SOURCE 200809L
/* The PostgreSQL storage backend (libpq): one real table per core table, one
 * real column per core column, in one schema of one database, so analysts
 * can read the data with psql. docs/postgresql.md is the user's guide.
 *
 *   postgres.c       this overview, errors, the statement cache, the
 *                    connection (loss, reconnect), transactions, the method table
 *   postgres_sql.c   SQL text, binary parameters and results, the type mapping
 *   postgres_open.c  the URI, open/close, cpol_meta, migrations
 *   postgres_rows.c  rows, queries, counts, cursors
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
 *   Values travel in binary format both ways, so every bit survives. Text
 *   with U+0000 or U+0001 is stored with an order-preserving escape
 *   (PostgreSQL text cannot hold U+0000). Unique indexes hold md5() of text
 *   and blob columns, so values of any size fit (btree entries are limited
 *   to about 2.7 kB); equality queries repeat the test on md5() to use them.
 * - Prepared statements only, cached: per table for insert/update/remove/get,
 *   per SQL text for queries, counts and fixed statements. A reconnect starts
 *   a new session; the cache then prepares again on first use.
 * - Transactions are SERIALIZABLE. PostgreSQL may refuse one that would not
 *   be serializable (SQLSTATE 40001) or is in a deadlock (40P01): that is
 *   CPOL_EBUSY "concurrent update; retry"; so is a lock wait beyond the busy
 *   timeout (lock_timeout, 55P03). The transaction is then rolled back.
 * - An error inside a transaction aborts it in PostgreSQL. So the statements
 *   that can fail by contract do not raise: insert uses ON CONFLICT DO
 *   NOTHING (0 rows = CPOL_EEXISTS; not in append-only tables, where a
 *   conflict breaks the core's promise and must abort the transaction), and an update of a table with a unique
 *   index checks for a collision in the same statement. Any other failure is
 *   remembered; the
 *   transaction then fails with that status until it is rolled back (or
 *   rolled back to a savepoint set before the failure).
 * - Inserts into append-only tables (CPOL_TABLE_APPEND_ONLY: fresh keys,
 *   no unique index, so they never conflict) are deferred inside a
 *   transaction and sent in one libpq pipeline together with the next
 *   statement (cpol__pg_pipeline): one round trip for the batch. A failure
 *   among them fails that statement's call; rollback and rollback_to drop
 *   the queued rows (a savepoint sends the queue first).
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

#include "util/alloc.h"
#include "util/error.h"
#include "backends/backends.h"
#include "backends/postgres/postgres.h"

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
void cpol__pg_one_line(char *out, size_t size, const char *msg)
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

int cpol__pg_fail(pg_state *st, PGresult *res, const char *what)
{
    const char *field = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    char msg[512], sqlstate[6];
    const char *state = NULL;
    int code;

    /* Copy what we need: res is freed below. */
    cpol__pg_one_line(msg, sizeof msg, primary ? primary : PQerrorMessage(st->conn));
    if (field && strlen(field) == 5) {
        memcpy(sqlstate, field, 6);
        state = sqlstate;
    }
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

int cpol__pg_stmt_lookup(pg_state *st, const char *sql, size_t len, int cache, pg_stmt **out)
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

int cpol__pg_prepare(pg_state *st, pg_stmt *e, const char *what)
{
    PGresult *res;
    if (e->gen == st->gen)
        return CPOL_OK;
    /* Parameter types come from the casts in the SQL text. */
    res = PQprepare(st->conn, e->name, e->sql, 0, NULL);
    if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
        return cpol__pg_fail(st, res, what);
    PQclear(res);
    e->gen = st->gen;
    return CPOL_OK;
}

int cpol__pg_exec_stmt(pg_state *st, pg_stmt *e, const char *sql, const pg_params *p, PGresult **res_out,
                 const char *what)
{
    PGresult *res;
    ExecStatusType s;
    int n = p ? p->n : 0;
    const char *const *vals = p ? p->vals : NULL;
    const int *lens = p ? p->lens : NULL, *fmts = p ? p->fmts : NULL;

    if (res_out)
        *res_out = NULL;
    if (e) {
        int rc = cpol__pg_prepare(st, e, what);
        if (rc < 0)
            return rc;
    }
    if (st->nqueued) /* the deferred inserts first, so the statement sees them: one round trip */
        return cpol__pg_pipeline(st, e, e ? e->sql : sql, p, res_out, what);
    if (e)
        res = PQexecPrepared(st->conn, e->name, n, vals, lens, fmts, 1);
    else
        res = PQexecParams(st->conn, sql, n, NULL, vals, lens, fmts, 1);
    s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        return cpol__pg_fail(st, res, what);
    if (res_out)
        *res_out = res;
    else
        PQclear(res);
    return CPOL_OK;
}

int cpol__pg_exec(pg_state *st, const char *sql, int cache, const pg_params *p, PGresult **res_out, const char *what)
{
    pg_stmt *e = NULL;
    int rc = cpol__pg_stmt_lookup(st, sql, strlen(sql), cache, &e);
    if (res_out)
        *res_out = NULL;
    if (rc < 0)
        return rc;
    return cpol__pg_exec_stmt(st, e, sql, p, res_out, what);
}

int cpol__pg_exec_buf(pg_state *st, cpol__sql_buf *b, const char *what)
{
    int rc;
    if (b->oom) {
        cpol__sql_buf_free(b);
        return cpol__oom();
    }
    rc = cpol__pg_exec(st, b->p, PG_CACHE_NONE, NULL, NULL, what);
    cpol__sql_buf_free(b);
    return rc;
}

/* Run a statement whose outcome does not matter (cleanup), leaving the
 * per-thread error alone. */
void cpol__pg_quiet(pg_state *st, const char *sql, const char *param)
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
    int i, rc = cpol__pg_params_init(p, cap);
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

/* Run sql with text parameters; *res_out as cpol__pg_exec(). */
int cpol__pg_exec_text(pg_state *st, const char *sql, int cache, const char *const *texts, int n, PGresult **res_out,
                        const char *what)
{
    pg_params p;
    int rc = params_text(&p, n, texts, n);
    if (rc < 0)
        return rc;
    rc = cpol__pg_exec(st, sql, cache, &p, res_out, what);
    cpol__pg_params_free(&p);
    return rc;
}


/* ---- deferred inserts (append-only tables, inside a transaction) ---- */

int cpol__pg_enqueue(pg_state *st, pg_stmt *e, const char *tname, const pg_params *p)
{
    pg_queued *q;
    size_t bytes = 0, head;
    char *block, *data;
    int i;
    if (st->nqueued == st->capqueued) {
        unsigned int cap = st->capqueued ? st->capqueued * 2 : 16;
        pg_queued *nq = cpol_realloc(st->queue, cap * sizeof *nq);
        if (!nq)
            return cpol__oom();
        st->queue = nq;
        st->capqueued = cap;
    }
    for (i = 0; i < p->n; i++)
        if (p->vals[i])
            bytes += (size_t)p->lens[i];
    /* One block: value pointers, lengths, formats, then the bytes. */
    head = (size_t)p->n * (sizeof(const char *) + 2 * sizeof(int));
    block = cpol_malloc(head + bytes + 1);
    if (!block)
        return cpol__oom();
    q = &st->queue[st->nqueued];
    q->stmt = e;
    q->tname = tname;
    q->level = st->sp_level;
    q->n = p->n;
    q->vals = (const char **)(void *)block;
    q->lens = (int *)(void *)(block + (size_t)p->n * sizeof(const char *));
    q->fmts = q->lens + p->n;
    data = block + head;
    for (i = 0; i < p->n; i++) {
        q->lens[i] = p->lens[i];
        q->fmts[i] = p->fmts[i];
        if (!p->vals[i]) {
            q->vals[i] = NULL;
            continue;
        }
        memcpy(data, p->vals[i], (size_t)p->lens[i]);
        q->vals[i] = data;
        data += p->lens[i];
    }
    st->nqueued++;
    return CPOL_OK;
}

void cpol__pg_drop_queued(pg_state *st, unsigned int level)
{
    /* Levels only grow along the queue (a savepoint sends what is queued
     * before it), so the rows to drop are a tail. */
    while (st->nqueued > 0 && st->queue[st->nqueued - 1].level >= level) {
        st->nqueued--;
        cpol_free((void *)st->queue[st->nqueued].vals);
    }
}

static int rows_inserted(PGresult *res)
{
    const char *n = PQcmdTuples(res);
    return n && *n && strcmp(n, "0") != 0;
}

/* Send every deferred insert, then the statement that needs them (if any:
 * e prepared, or sql unnamed, with parameters p), then a Sync, in one
 * pipeline: one round trip for all of them. Then read the results in order.
 * The first failure aborts the transaction on the server; what follows it
 * is skipped (PGRES_PIPELINE_ABORTED) and that failure is reported. The
 * statement's result goes to *res_out (if not NULL) as cpol__pg_exec_stmt(). */
int cpol__pg_pipeline(pg_state *st, const pg_stmt *e, const char *sql, const pg_params *p, PGresult **res_out,
                      const char *what)
{
    unsigned int i, n = st->nqueued, sent = 0, nsend = n + (sql ? 1u : 0u);
    PGresult *res, *bad = NULL, *tail = NULL;
    const char *bad_table = NULL, *dup_table = NULL, *first_table;
    char why[160];
    int broken = 0, rc = CPOL_OK;

    if (res_out)
        *res_out = NULL;
    if (n == 0)
        return CPOL_OK;
    first_table = st->queue[0].tname;
    snprintf(why, sizeof why, "sending %u deferred insert%s into '%s' (before %s)", n, n == 1 ? "" : "s",
             first_table, what);
    if (st->lost || PQstatus(st->conn) != CONNECTION_OK || !PQenterPipelineMode(st->conn)) {
        cpol__pg_drop_queued(st, 0);
        if (PQstatus(st->conn) != CONNECTION_OK || st->lost) {
            st->lost = 1;
            return cpol__pg_fail(st, NULL, why);
        }
        if (st->in_tx && !st->tx_failed)
            st->tx_failed = CPOL_ESTORAGE;
        return cpol__error(CPOL_ESTORAGE, "postgresql: %s on %s: cannot enter pipeline mode: %s", why, st->where,
                           PQerrorMessage(st->conn));
    }
    for (i = 0; i < nsend; i++) {
        int ok;
        if (i < n) {
            const pg_queued *q = &st->queue[i];
            ok = PQsendQueryPrepared(st->conn, q->stmt->name, q->n, q->vals, q->lens, q->fmts, 1);
        } else if (e) {
            ok = PQsendQueryPrepared(st->conn, e->name, p ? p->n : 0, p ? p->vals : NULL, p ? p->lens : NULL,
                                     p ? p->fmts : NULL, 1);
        } else {
            ok = PQsendQueryParams(st->conn, sql, p ? p->n : 0, NULL, p ? p->vals : NULL, p ? p->lens : NULL,
                                   p ? p->fmts : NULL, 1);
        }
        if (!ok)
            break;
        sent++;
    }
    if (sent < nsend || !PQpipelineSync(st->conn))
        broken = 1;
    /* Each statement's results end with NULL; the Sync answers last. */
    for (i = 0; i < sent && PQstatus(st->conn) == CONNECTION_OK; i++) {
        ExecStatusType s;
        res = PQgetResult(st->conn);
        if (!res) {
            broken = 1;
            break;
        }
        s = PQresultStatus(res);
        if (i >= n && (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_FATAL_ERROR)) {
            tail = res; /* the statement's own answer */
        } else if (s == PGRES_COMMAND_OK) {
            if (!rows_inserted(res) && !dup_table)
                dup_table = st->queue[i].tname;
            PQclear(res);
        } else if (s == PGRES_PIPELINE_ABORTED) {
            PQclear(res);
        } else if (!bad) {
            bad = res;
            bad_table = st->queue[i].tname;
        } else {
            PQclear(res);
        }
        while ((res = PQgetResult(st->conn)) != NULL) /* normally none */
            PQclear(res);
    }
    if (!broken && PQstatus(st->conn) == CONNECTION_OK) {
        res = PQgetResult(st->conn);
        if (!res || PQresultStatus(res) != PGRES_PIPELINE_SYNC)
            broken = 1;
        PQclear(res);
    }
    if (!broken && !PQexitPipelineMode(st->conn))
        broken = 1;
    cpol__pg_drop_queued(st, 0);
    if (bad_table || dup_table)
        snprintf(why, sizeof why, "sending %u deferred insert%s (into '%s', before %s)", n, n == 1 ? "" : "s",
                 bad_table ? bad_table : dup_table, what);
    if (bad) {
        PQclear(tail);
        if (broken)
            st->lost = 1; /* the pipeline is in an unknown state: start a new session */
        return cpol__pg_fail(st, bad, why);
    }
    if (broken || PQstatus(st->conn) != CONNECTION_OK) {
        /* Whatever went wrong, the pipeline's state is unknown: treat the
         * session as lost (the server rolls the transaction back; the next
         * call outside a transaction reconnects). */
        PQclear(tail);
        st->lost = 1;
        return cpol__pg_fail(st, NULL, why);
    }
    if (dup_table) {
        /* A key an append-only table was promised never to repeat. */
        PQclear(tail);
        if (st->in_tx && !st->tx_failed)
            st->tx_failed = CPOL_EEXISTS;
        return cpol__error(CPOL_EEXISTS,
                           "postgresql: %s on %s: a row with this primary key already exists in the append-only table",
                           why, st->where);
    }
    if (sql) {
        if (!tail || PQresultStatus(tail) == PGRES_FATAL_ERROR)
            return cpol__pg_fail(st, tail, what);
        if (res_out)
            *res_out = tail;
        else
            PQclear(tail);
    }
    return rc;
}

int cpol__pg_flush(pg_state *st, const char *what)
{
    return cpol__pg_pipeline(st, NULL, NULL, NULL, NULL, what);
}

/* ---- connection ---- */

/* A library does not print: NOTICEs of our DDL are only "already exists,
 * skipping". A message while idle means the server is ending the session. */
void cpol__pg_note_notice(void *arg, const char *message)
{
    (void)message;
    ((pg_state *)arg)->notice = 1;
}

/* Settings of every session (after connecting and after each reconnect). */
int cpol__pg_session_setup(pg_state *st)
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
    return cpol__pg_exec_text(st, sql, PG_CACHE_NONE, texts, 3, NULL, "setting up the session");
}

static int pg_reconnect(pg_state *st)
{
    char msg[512];
    int rc;
    PQreset(st->conn);
    if (PQstatus(st->conn) != CONNECTION_OK) {
        st->lost = 1;
        cpol__pg_one_line(msg, sizeof msg, PQerrorMessage(st->conn));
        return cpol__error(CPOL_EIO, "postgresql: connection to %s lost; reconnecting failed: %s", st->where, msg);
    }
    if (PQpipelineStatus(st->conn) != PQ_PIPELINE_OFF)
        PQexitPipelineMode(st->conn);
    st->gen++; /* a new session: nothing is prepared in it */
    st->lost = 0;
    st->migrate_lock = 0;
    st->tx_failed = 0;
    rc = cpol__pg_session_setup(st);
    if (rc < 0)
        st->lost = 1;
    return rc;
}

/* Did the server close the idle connection (a restart, a terminated
 * backend, an idle timeout)? Reads what is waiting on the socket without
 * blocking. A server ending a session first sends a message (FATAL, or a
 * WARNING on immediate shutdown), which libpq hands to the notice processor
 * because no query is running; the end of the stream may follow a moment
 * later, so the message alone counts. */
static int pg_peer_closed(pg_state *st)
{
    struct pollfd pfd;
    PGnotify *n;
    int round;
    pfd.fd = PQsocket(st->conn);
    if (pfd.fd < 0)
        return 1;
    st->notice = 0;
    for (round = 0; round < 4; round++) {
        pfd.events = POLLIN;
        pfd.revents = 0;
        if (poll(&pfd, 1, 0) <= 0)
            break;
        if (!PQconsumeInput(st->conn))
            return 1;
        while ((n = PQnotifies(st->conn)) != NULL)
            PQfreemem(n);
        if (st->notice || PQstatus(st->conn) != CONNECTION_OK)
            return 1;
    }
    return 0;
}

/* Before every call. Outside a transaction: make sure the connection works,
 * reconnecting once if it was lost. Inside one: fail at once if it is lost. */
int cpol__pg_ready(pg_state *st)
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

/* ---- transactions ---- */

int cpol__pg_exec_fixed(pg_state *st, const char *sql, PGresult **res_out, const char *what)
{
    return cpol__pg_exec(st, sql, PG_CACHE_FIXED, NULL, res_out, what);
}

/* The transaction is over (committed, rolled back or lost). */
static void end_tx(pg_state *st)
{
    st->in_tx = 0;
    st->tx_failed = 0;
    st->sp_level = 0;
    cpol__pg_drop_queued(st, 0);
    if (st->migrate_lock) {
        st->migrate_lock = 0;
        cpol__pg_quiet(st, "SELECT pg_advisory_unlock(" PG_LOCK_KEY ", hashtext($1::text))", st->nsp);
    }
}

static int pg_begin(void *state)
{
    pg_state *st = state;
    int rc;
    if (st->in_tx)
        return cpol__error(CPOL_EMISUSE, "postgresql: begin: a transaction is already open on %s", st->where);
    rc = cpol__pg_ready(st);
    if (rc < 0)
        return rc;
    /* Read-only contexts never write: a consistent snapshot without
     * serialization failures is enough for them. */
    rc = cpol__pg_exec_fixed(st,
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
        cpol__pg_quiet(st, "ROLLBACK", NULL);
        end_tx(st);
        return cpol__error(code, "postgresql: the transaction on %s was rolled back: a statement in it failed%s", st->where,
                           code == CPOL_EBUSY ? " (concurrent update; retry)" : "");
    }
    /* Deferred inserts travel with the COMMIT; if one fails, the COMMIT is
     * skipped and the transaction left aborted: end it (a ROLLBACK after a
     * COMMIT that failed by itself is harmless). */
    rc = cpol__pg_exec_fixed(st, "COMMIT", &res, "committing");
    if (rc < 0) {
        cpol__pg_quiet(st, "ROLLBACK", NULL);
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
    cpol__pg_drop_queued(st, 0); /* never sent: nothing to undo */
    if (st->lost) { /* the server discarded it with the session */
        end_tx(st);
        return CPOL_OK;
    }
    rc = cpol__pg_exec_fixed(st, "ROLLBACK", NULL, "rolling back");
    end_tx(st);
    return rc < 0 && st->lost ? CPOL_OK : rc;
}

static int pg_savepoint_sql(pg_state *st, const char *verb, unsigned int level, const char *what)
{
    char sql[64];
    snprintf(sql, sizeof sql, "%s cpol_sp%u", verb, level);
    return cpol__pg_exec_fixed(st, sql, NULL, what);
}

static int pg_savepoint(void *state, unsigned int level)
{
    pg_state *st = state;
    int rc = cpol__pg_ready(st);
    /* Sends the deferred inserts first: the queue then only ever holds
     * rows written after the deepest savepoint. */
    if (rc >= 0)
        rc = pg_savepoint_sql(st, "SAVEPOINT", level, "setting a savepoint");
    if (rc >= 0)
        st->sp_level = level;
    return rc;
}

static int pg_release_sp(void *state, unsigned int level)
{
    pg_state *st = state;
    int rc = cpol__pg_ready(st);
    if (rc >= 0)
        rc = pg_savepoint_sql(st, "RELEASE SAVEPOINT", level, "releasing a savepoint");
    if (rc >= 0)
        st->sp_level = level > 0 ? level - 1 : 0;
    return rc;
}

static int pg_rollback_to(void *state, unsigned int level)
{
    pg_state *st = state;
    int rc;
    /* Inserts deferred since the savepoint were never sent: forget them. */
    cpol__pg_drop_queued(st, level);
    rc = cpol__pg_ready(st);
    if (rc >= 0)
        rc = pg_savepoint_sql(st, "ROLLBACK TO SAVEPOINT", level, "rolling back to a savepoint");
    if (rc >= 0)
        rc = pg_savepoint_sql(st, "RELEASE SAVEPOINT", level, "releasing a savepoint");
    if (rc >= 0) {
        st->tx_failed = 0; /* whatever failed after the savepoint is undone */
        st->sp_level = level > 0 ? level - 1 : 0;
    }
    return rc;
}

static const cpol_storage_methods pg_methods = {
    CPOL_STORAGE_VERSION,
    "postgresql",
    cpol__pg_open,
    cpol__pg_close,
    cpol__pg_schema_version,
    cpol__pg_migrate,
    pg_begin,
    pg_commit,
    pg_rollback,
    pg_savepoint,
    pg_release_sp,
    pg_rollback_to,
    cpol__pg_insert,
    cpol__pg_update,
    cpol__pg_remove,
    cpol__pg_get,
    cpol__pg_query_open,
    cpol__pg_cursor_next,
    cpol__pg_cursor_close,
    cpol__pg_count,
};

const cpol_storage_methods *cpol__storage_postgres(void)
{
    return &pg_methods;
}

