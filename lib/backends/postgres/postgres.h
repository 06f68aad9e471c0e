/* Internal to the PostgreSQL backend (postgres.c + postgres_sql.c); see the
 * comment at the top of postgres.c and docs/postgresql.md. */
#ifndef CPOL_STORAGE_POSTGRES_H
#define CPOL_STORAGE_POSTGRES_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "backends/sql_text.h"

#include <commpolice/sys/storage.h>

/* Number of hash buckets of the statement cache. */
#define PG_BUCKETS 64u
/* Most statements cached for query shapes; beyond, queries use unnamed ones. */
#define PG_MAX_QUERY_STMTS 256u

/* ---- SQL text builder ---- */


/* A double-quoted SQL identifier. */

/* ---- statement parameters (binary format) ---- */

typedef struct pg_params {
    int n, cap;
    const char **vals;
    int *lens;
    int *fmts;
    unsigned char (*scratch)[8]; /* encoded integers, doubles and booleans */
    char **owned;                /* escaped texts, freed with the parameters */
    int nowned;
} pg_params;

/* Room for cap parameters (never grows: pointers into scratch stay valid). */
int cpol__pg_params_init(pg_params *p, int cap);
void cpol__pg_params_free(pg_params *p);

/* ---- state ---- */

/* A prepared statement of the cache, keyed by its SQL text. */
typedef struct pg_stmt {
    struct pg_stmt *next;   /* hash chain */
    char *sql;
    size_t len;
    unsigned long hash;
    char name[24];          /* server-side name, unique per state */
    unsigned long gen;      /* connection generation it is prepared on; 0: never */
} pg_stmt;

enum { PG_OP_INSERT, PG_OP_UPDATE, PG_OP_REMOVE, PG_OP_GET, PG_OP_COUNT };

/* The row statements of one table (entries of the statement cache). */
typedef struct pg_table {
    struct pg_table *next;
    const cpol_table *table; /* identity (the core's schema is static) */
    char *name;              /* checked with the pointer, in case it is reused */
    unsigned int ncols;
    int has_unique;          /* a unique index: updates check for collisions (postgres_sql.c) */
    pg_stmt *ops[PG_OP_COUNT];
} pg_table;

/* An insert into an append-only table (CPOL_TABLE_APPEND_ONLY) deferred
 * inside a transaction: its prepared statement and its parameters, copied
 * into one block (the caller's record may go away). */
typedef struct pg_queued {
    pg_stmt *stmt;
    const char *tname;      /* the pg_table's name, for messages */
    unsigned int level;     /* savepoint level when queued (0: none) */
    int n;
    const char **vals;
    int *lens;
    int *fmts;
} pg_queued;

/* Most deferred inserts; the next one sends the batch first. Keeps a batch's
 * statements and results well inside the socket buffers. */
#define PG_MAX_QUEUED 512u

typedef struct pg_state {
    PGconn *conn;
    char *where;            /* "database "x" on host:port, schema "s"" for messages (no password) */
    char *nsp;              /* the schema our tables live in (current_schema() at open) */
    char *schema_param;     /* the schema= parameter of the URI, or NULL */
    int readonly;
    int busy_ms;
    unsigned long gen;      /* connection generation: raised by every reconnect */
    unsigned long next_name;
    int in_tx;              /* between begin() and commit()/rollback() */
    int lost;               /* the connection broke; the next call outside a transaction reconnects */
    int tx_failed;          /* status of the statement that aborted the transaction, 0 if none */
    int migrate_lock;       /* we hold the session's migration lock until the transaction ends */
    int notice;             /* the server sent a notice (set by the notice processor) */
    unsigned int nquery;    /* query-shape statements cached */
    pg_stmt *buckets[PG_BUCKETS];
    pg_table *tables;
    unsigned int sp_level;  /* deepest savepoint set in the transaction, 0: none */
    pg_queued *queue;       /* deferred inserts, in order (postgres.c: cpol__pg_flush) */
    unsigned int nqueued, capqueued;
} pg_state;

/* Key of the advisory lock that serialises migrations ('CPOL'), with the
 * hash of the schema name as the second key. */
#define PG_LOCK_KEY "1129336652"

/* ---- postgres.c: errors, running statements, the connection ---- */

enum { PG_CACHE_NONE, PG_CACHE_FIXED, PG_CACHE_QUERY };

/* The first line of a libpq message, without its newline. */
void cpol__pg_one_line(char *out, size_t size, const char *msg);
/* Report the failed result res (freed here; NULL when libpq returned none)
 * while doing `what`; maps SQLSTATEs and connection loss to statuses. */
int cpol__pg_fail(pg_state *st, PGresult *res, const char *what);
/* Find or add the cache entry for sql (NULL in *out for PG_CACHE_NONE or
 * when the query budget is spent: run it unnamed). */
int cpol__pg_stmt_lookup(pg_state *st, const char *sql, size_t len, int cache, pg_stmt **out);
/* Run sql (prepared through entry when not NULL) with params p (may be NULL).
 * On success *res_out receives the result (PQclear it) if res_out is not NULL. */
int cpol__pg_exec_stmt(pg_state *st, pg_stmt *entry, const char *sql, const pg_params *p, PGresult **res_out,
                       const char *what);
/* cpol__pg_stmt_lookup() + cpol__pg_exec_stmt(). */
int cpol__pg_exec(pg_state *st, const char *sql, int cache, const pg_params *p, PGresult **res_out,
                  const char *what);
/* A fixed statement without parameters, cached. */
int cpol__pg_exec_fixed(pg_state *st, const char *sql, PGresult **res_out, const char *what);
/* Run sql with n text parameters (NULL: SQL NULL). */
int cpol__pg_exec_text(pg_state *st, const char *sql, int cache, const char *const *texts, int n,
                       PGresult **res_out, const char *what);
/* Run the DDL statement in b (freed here). */
int cpol__pg_exec_buf(pg_state *st, cpol__sql_buf *b, const char *what);
/* Run a statement whose outcome does not matter (cleanup), leaving the
 * per-thread error alone; param is its one text parameter or NULL. */
void cpol__pg_quiet(pg_state *st, const char *sql, const char *param);
/* libpq notice processor (arg: the state). */
void cpol__pg_note_notice(void *arg, const char *message);
/* Settings of every session: after connecting and after each reconnect. */
int cpol__pg_session_setup(pg_state *st);
/* Before every call: outside a transaction, make sure the connection works
 * (reconnecting once if it was lost); inside one, fail if it is lost. */
int cpol__pg_ready(pg_state *st);

/* Send the deferred inserts in one round trip (pipeline mode) and check
 * every result (when the queue is full). On failure the transaction is
 * failed (tx_failed) and the error is set. */
int cpol__pg_flush(pg_state *st, const char *what);
/* The same, with one more statement (prepared e, or unnamed sql; params p)
 * in the same pipeline: cpol__pg_exec_stmt() when inserts are deferred. */
int cpol__pg_pipeline(pg_state *st, const pg_stmt *e, const char *sql, const pg_params *p, PGresult **res_out,
                      const char *what);
/* Forget the deferred inserts queued at savepoint level >= level (0: all). */
void cpol__pg_drop_queued(pg_state *st, unsigned int level);
/* Defer an insert of n parameters through prepared statement e. */
int cpol__pg_enqueue(pg_state *st, pg_stmt *e, const char *tname, const pg_params *p);
/* Prepare e on the current connection unless it already is. */
int cpol__pg_prepare(pg_state *st, pg_stmt *e, const char *what);

/* ---- postgres_open.c: open, close, cpol_meta, migration ---- */

int cpol__pg_open(void **state_out, const char *location, const cpol_open_options *opts, void *plugin_data);
void cpol__pg_close(void *state);
int cpol__pg_schema_version(void *state, int64_t *out);
int cpol__pg_migrate(void *state, const cpol_schema *schema);
/* Create what is missing of table t (inside the migration transaction). */
int cpol__pg_migrate_table(pg_state *st, const cpol_table *t);

/* ---- postgres_rows.c: rows, queries, cursors ---- */

int cpol__pg_insert(void *state, const cpol_record *rec);
int cpol__pg_update(void *state, const cpol_record *rec);
int cpol__pg_remove(void *state, const cpol_record *key);
int cpol__pg_get(void *state, cpol_record *rec);
int cpol__pg_query_open(void *state, const cpol_query *q, void **cursor_out);
int cpol__pg_cursor_next(void *cursor, cpol_record *rec);
void cpol__pg_cursor_close(void *cursor);
int cpol__pg_count(void *state, const cpol_query *q, int64_t *out);

/* ---- postgres_sql.c: SQL, values ---- */

/* `"nsp"."name"` */
void cpol__pg_buf_table(cpol__sql_buf *b, const pg_state *st, const char *name);
/* The column type for CREATE TABLE / ADD COLUMN, NULL for an unknown type. */
const char *cpol__pg_ddl_type(int column_type);
/* TEXT or BLOB: unique indexes hold md5() of such columns. */
int cpol__pg_is_bulky(int column_type);
/* The SQL of a row operation on t. */
void cpol__pg_build_op(cpol__sql_buf *b, const pg_state *st, const cpol_table *t, unsigned int ncols, int op);
/* Add value v, stored in a column of column_type, as the next parameter. */
int cpol__pg_param_column(pg_state *st, pg_params *p, const cpol_value *v, int column_type, const char *tname,
                          const char *cname);
/* The SQL and parameters of q (count=1: SELECT count(*), without order and paging). */
int cpol__pg_build_query(pg_state *st, const cpol_query *q, int count, cpol__sql_buf *b, pg_params *p);
/* Store column i of row `row` of res into column col of rec (binary results). */
int cpol__pg_fill(const PGresult *res, int row, int i, cpol_record *rec, unsigned int col);
/* Read an integer (int2/4/8 or bool) cell of a binary result. */
int64_t cpol__pg_cell_int(const PGresult *res, int row, int i);

#endif
