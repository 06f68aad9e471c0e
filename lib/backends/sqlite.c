#define _POSIX_C_SOURCE 200809L
/* The SQLite storage backend: one database file, one real table per core
 * table, one real column per core column, so analysts can read the data with
 * plain SQL.
 *
 * - The file is checked before SQLite sees it (not SQLite, truncated, a
 *   directory, a missing directory), so those failures have precise codes
 *   and messages and a damaged file is never modified.
 * - Our databases carry PRAGMA application_id 'CPOL' and the schema version
 *   in PRAGMA user_version. A SQLite file with tables but another
 *   application_id is refused as CPOL_ECORRUPT.
 * - WAL journal with synchronous=FULL: a commit is durable when it returns;
 *   batches (one transaction) amortise the sync.
 * - Values are always bound, never spliced into SQL. SQL text is generated
 *   only from the schema's identifiers and fixed operators, and prepared
 *   statements are cached: per table for insert/update/remove/get, per SQL
 *   text for queries, counts and fixed statements. A cached statement in use
 *   by a live cursor is never shared; a second user prepares its own.
 *
 * Every allocation of ours goes through cpol_malloc/cpol_free (SQLite's own
 * memory stays in SQLite's allocator). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <sqlite3.h>

#include <commpolice/context.h>
#include <commpolice/errors.h>
#include <commpolice/sys/alloc.h>
#include <commpolice/sys/errors.h>
#include <commpolice/sys/storage.h>

#include "util/alloc.h"
#include "util/error.h"
#include "backends/backends.h"
#include "backends/sql_text.h"

/* 'CPOL' */
#define SQ_APPLICATION_ID 0x43504F4Cu
/* Number of hash buckets of the statement cache. */
#define SQ_BUCKETS 64u
/* Most statements cached for query shapes; beyond, queries prepare their own. */
#define SQ_MAX_QUERY_STMTS 256u
/* Default busy timeout when the options do not give one. */
#define SQ_DEFAULT_BUSY_MS 5000

/* ---- state ---- */

/* A cached prepared statement, keyed by its SQL text. */
typedef struct sq_stmt {
    struct sq_stmt *next;   /* hash chain */
    char *sql;
    size_t len;
    unsigned long hash;
    sqlite3_stmt *stmt;
    int busy;               /* handed out (to a live cursor or a running call) */
} sq_stmt;

enum { SQ_OP_INSERT, SQ_OP_UPDATE, SQ_OP_REMOVE, SQ_OP_GET, SQ_OP_COUNT };

/* The row statements of one table (entries of the statement cache). */
typedef struct sq_table {
    struct sq_table *next;
    const cpol_table *table; /* identity (the core's schema is static) */
    char *name;              /* checked with the pointer, in case it is reused */
    unsigned int ncols;
    sq_stmt *ops[SQ_OP_COUNT];
} sq_table;

typedef struct sq_state {
    sqlite3 *db;
    char *path;             /* the location as given, for messages */
    int readonly;
    unsigned int cursors;   /* live cursors */
    int zombie;             /* close() was called while cursors were live */
    unsigned int nquery;    /* query-shape statements cached */
    sq_stmt *buckets[SQ_BUCKETS];
    sq_table *tables;
} sq_state;

typedef struct sq_cursor {
    sq_state *st;
    sqlite3_stmt *stmt;
    sq_stmt *entry;         /* the cache entry lent to us, or NULL if stmt is ours */
    unsigned int ncols;
    int done;               /* no more rows */
    int pending;            /* a row was stepped to but not delivered (fill failed) */
    int failed;             /* the statement failed; status to repeat */
} sq_cursor;

/* ---- error mapping ---- */

static int sq_code(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return CPOL_EBUSY;
    case SQLITE_READONLY:
        return CPOL_EREADONLY;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
        return CPOL_EIO;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return CPOL_ECORRUPT;
    case SQLITE_NOMEM:
        return CPOL_ENOMEM;
    case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE)
            return CPOL_EEXISTS;
        return CPOL_ESTORAGE;
    default:
        return CPOL_ESTORAGE;
    }
}

/* Report SQLite failure rc while doing `what`. Call it before resetting the
 * statement, while sqlite3_errmsg() still describes the failure. */
static int sq_fail(sq_state *st, int rc, const char *what)
{
    const char *msg = st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);
    if ((rc & 0xff) == SQLITE_NOMEM)
        return cpol__error(CPOL_ENOMEM, "sqlite: out of memory while %s on '%s'", what, st->path);
    return cpol__error(sq_code(rc), "sqlite: %s on '%s' failed: %s (%s)", what, st->path,
                       msg ? msg : "unknown error", sqlite3_errstr(rc));
}

/* ---- SQL text builder ---- */

/* ---- statement cache ---- */

static unsigned long sq_hash(const char *s, size_t len)
{
    unsigned long h = 2166136261ul;
    size_t i;
    for (i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619ul;
    }
    return h;
}

/* Prepare sql (len bytes, NUL-terminated). persistent: for the cache. */
static int sq_prepare(sq_state *st, const char *sql, size_t len, int persistent, sqlite3_stmt **out,
                      const char *what)
{
    int rc;
    *out = NULL;
    rc = sqlite3_prepare_v3(st->db, sql, (int)len + 1, persistent ? SQLITE_PREPARE_PERSISTENT : 0, out, NULL);
    if (rc != SQLITE_OK) {
        int code = sq_fail(st, rc, what);
        sqlite3_finalize(*out);
        *out = NULL;
        return code;
    }
    if (!*out)
        return cpol__error(CPOL_ESTORAGE, "sqlite: %s on '%s': empty statement", what, st->path);
    return CPOL_OK;
}

/* Hand out a statement for sql: the cached one if it is free, else a private
 * one. *entry_out is the cache entry (marked busy) or NULL for a private
 * statement; give both back with sq_release(). always_cache: cache even when
 * the query-shape budget is spent (fixed and per-table statements). */
static int sq_acquire(sq_state *st, const char *sql, size_t len, int always_cache, const char *what,
                      sqlite3_stmt **out, sq_stmt **entry_out)
{
    unsigned long h = sq_hash(sql, len);
    sq_stmt **bucket = &st->buckets[h % SQ_BUCKETS];
    sq_stmt *e;
    int rc;

    *out = NULL;
    *entry_out = NULL;
    for (e = *bucket; e; e = e->next) {
        if (e->hash == h && e->len == len && memcmp(e->sql, sql, len) == 0) {
            if (e->busy)
                return sq_prepare(st, sql, len, 0, out, what);
            e->busy = 1;
            *out = e->stmt;
            *entry_out = e;
            return CPOL_OK;
        }
    }
    if (!always_cache && st->nquery >= SQ_MAX_QUERY_STMTS)
        return sq_prepare(st, sql, len, 0, out, what);

    e = cpol__calloc(1, sizeof *e);
    if (!e)
        return cpol__oom();
    e->sql = cpol_malloc(len + 1);
    if (!e->sql) {
        cpol_free(e);
        return cpol__oom();
    }
    memcpy(e->sql, sql, len + 1);
    e->len = len;
    e->hash = h;
    rc = sq_prepare(st, sql, len, 1, &e->stmt, what);
    if (rc < 0) {
        cpol_free(e->sql);
        cpol_free(e);
        return rc;
    }
    if (!always_cache)
        st->nquery++;
    e->busy = 1;
    e->next = *bucket;
    *bucket = e;
    *out = e->stmt;
    *entry_out = e;
    return CPOL_OK;
}

/* Give back a statement from sq_acquire(): reset it and clear its bindings
 * (cached) or finalize it (private). Never touches the per-thread error. */
static void sq_release(sqlite3_stmt *stmt, sq_stmt *entry)
{
    if (!stmt)
        return;
    if (entry) {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        entry->busy = 0;
    } else {
        sqlite3_finalize(stmt);
    }
}

/* Run a fixed statement that returns no rows (BEGIN, COMMIT, SAVEPOINT …). */
static int sq_exec_cached(sq_state *st, const char *sql, const char *what)
{
    sqlite3_stmt *stmt;
    sq_stmt *entry;
    int rc = sq_acquire(st, sql, strlen(sql), 1, what, &stmt, &entry);
    if (rc < 0)
        return rc;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
        rc = CPOL_OK;
    } else {
        rc = sq_fail(st, rc, what);
    }
    sq_release(stmt, entry);
    return rc;
}

/* Run a one-off statement (DDL, pragmas at open); *out gets the first column
 * of the first row as an integer when out is not NULL and a row comes back
 * (left alone otherwise). */
static int sq_exec_once(sq_state *st, const char *sql, int64_t *out, const char *what)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK) {
        rc = sq_fail(st, rc, what);
        sqlite3_finalize(stmt);
        return rc;
    }
    if (!stmt)
        return CPOL_OK;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        if (out)
            *out = sqlite3_column_int64(stmt, 0);
        /* Finish the statement: a pragma's row may come before its effect. */
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
            ;
    }
    if (rc != SQLITE_DONE) {
        rc = sq_fail(st, rc, what);
        sqlite3_finalize(stmt);
        return rc;
    }
    sqlite3_finalize(stmt);
    return CPOL_OK;
}

/* Roll back whatever transaction is open, without touching the per-thread
 * error (used on failure paths and at close). */
static void sq_rollback_quiet(sq_state *st)
{
    if (st->db && !sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- binding and reading values ---- */

static int sq_bind(sq_state *st, sqlite3_stmt *stmt, int idx, const cpol_value *v, int copy)
{
    sqlite3_destructor_type how = copy ? SQLITE_TRANSIENT : SQLITE_STATIC;
    const char *p;
    size_t len;
    int rc;
    switch (cpol_value_type(v)) {
    case CPOL_VALUE_NULL:
        rc = sqlite3_bind_null(stmt, idx);
        break;
    case CPOL_VALUE_INT:
        rc = sqlite3_bind_int64(stmt, idx, (sqlite3_int64)cpol_value_int(v));
        break;
    case CPOL_VALUE_REAL:
        rc = sqlite3_bind_double(stmt, idx, cpol_value_real(v));
        break;
    case CPOL_VALUE_TEXT:
        p = cpol_value_text(v, &len);
        rc = sqlite3_bind_text64(stmt, idx, p ? p : "", (sqlite3_uint64)len, how, SQLITE_UTF8);
        break;
    case CPOL_VALUE_BLOB:
        p = cpol_value_blob(v, &len);
        if (len == 0 || !p)
            rc = sqlite3_bind_zeroblob(stmt, idx, 0); /* an empty blob, not NULL */
        else
            rc = sqlite3_bind_blob64(stmt, idx, p, (sqlite3_uint64)len, how);
        break;
    default:
        return cpol__error(CPOL_EINVALID, "sqlite: value of unknown type %d (parameter %d) on '%s'",
                           cpol_value_type(v), idx, st->path);
    }
    if (rc != SQLITE_OK)
        return sq_fail(st, rc, "binding a value");
    return CPOL_OK;
}

/* Store result column i of stmt into column col of rec, by its stored type. */
static int sq_fill(sq_state *st, sqlite3_stmt *stmt, int i, cpol_record *rec, unsigned int col)
{
    const void *p;
    int n;
    switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
        return cpol_record_set_int(rec, col, (int64_t)sqlite3_column_int64(stmt, i));
    case SQLITE_FLOAT:
        return cpol_record_set_real(rec, col, sqlite3_column_double(stmt, i));
    case SQLITE_TEXT:
        p = sqlite3_column_text(stmt, i);
        n = sqlite3_column_bytes(stmt, i);
        if (!p) {
            if (sqlite3_errcode(st->db) == SQLITE_NOMEM)
                return sq_fail(st, SQLITE_NOMEM, "reading a text value");
            p = "";
            n = 0;
        }
        return cpol_record_set_text(rec, col, (const char *)p, (size_t)n);
    case SQLITE_BLOB:
        p = sqlite3_column_blob(stmt, i);
        n = sqlite3_column_bytes(stmt, i);
        if (!p && n > 0)
            return sq_fail(st, SQLITE_NOMEM, "reading a blob value");
        return cpol_record_set_blob(rec, col, p, p ? (size_t)n : 0);
    default:
        return cpol_record_set_null(rec, col);
    }
}

/* ---- per-table statements ---- */

static int sq_column_names(sq_state *st, const cpol_table *t, unsigned int ncols, const char *tname)
{
    unsigned int i;
    for (i = 0; i < ncols; i++)
        if (!cpol_table_column_name(t, i))
            return cpol__error(CPOL_EINVALID, "sqlite: table '%s' column %u has no name (on '%s')", tname, i,
                               st->path);
    return CPOL_OK;
}

static int sq_table_lookup(sq_state *st, const cpol_table *t, sq_table **out)
{
    const char *name = cpol_table_name(t);
    unsigned int ncols = cpol_table_column_count(t);
    sq_table *tc;
    int rc;

    *out = NULL;
    if (!t || !name || ncols == 0)
        return cpol__error(CPOL_EMISUSE, "sqlite: record without a valid table (on '%s')", st->path);
    for (tc = st->tables; tc; tc = tc->next) {
        if (tc->table == t && tc->ncols == ncols && strcmp(tc->name, name) == 0) {
            *out = tc;
            return CPOL_OK;
        }
    }
    rc = sq_column_names(st, t, ncols, name);
    if (rc < 0)
        return rc;
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
    tc->next = st->tables;
    st->tables = tc;
    *out = tc;
    return CPOL_OK;
}

static void sq_build_op(cpol__sql_buf *b, const cpol_table *t, unsigned int ncols, int op)
{
    unsigned int i;
    const char *pk = cpol_table_column_name(t, 0);
    switch (op) {
    case SQ_OP_INSERT:
        cpol__sql_buf_str(b, "INSERT INTO ");
        cpol__sql_buf_ident(b, cpol_table_name(t));
        cpol__sql_buf_str(b, "(");
        for (i = 0; i < ncols; i++) {
            if (i)
                cpol__sql_buf_str(b, ",");
            cpol__sql_buf_ident(b, cpol_table_column_name(t, i));
        }
        cpol__sql_buf_str(b, ") VALUES(");
        for (i = 0; i < ncols; i++)
            cpol__sql_buf_str(b, i ? ",?" : "?");
        cpol__sql_buf_str(b, ")");
        break;
    case SQ_OP_UPDATE:
        cpol__sql_buf_str(b, "UPDATE ");
        cpol__sql_buf_ident(b, cpol_table_name(t));
        cpol__sql_buf_str(b, " SET ");
        if (ncols == 1) {
            cpol__sql_buf_ident(b, pk);
            cpol__sql_buf_str(b, "=?1 WHERE ");
            cpol__sql_buf_ident(b, pk);
            cpol__sql_buf_str(b, "=?1");
            break;
        }
        for (i = 1; i < ncols; i++) {
            if (i > 1)
                cpol__sql_buf_str(b, ",");
            cpol__sql_buf_ident(b, cpol_table_column_name(t, i));
            cpol__sql_buf_str(b, "=?");
        }
        cpol__sql_buf_str(b, " WHERE ");
        cpol__sql_buf_ident(b, pk);
        cpol__sql_buf_str(b, "=?");
        break;
    case SQ_OP_REMOVE:
        cpol__sql_buf_str(b, "DELETE FROM ");
        cpol__sql_buf_ident(b, cpol_table_name(t));
        cpol__sql_buf_str(b, " WHERE ");
        cpol__sql_buf_ident(b, pk);
        cpol__sql_buf_str(b, "=?");
        break;
    default: /* SQ_OP_GET: every column but the key, which the caller has */
        cpol__sql_buf_str(b, "SELECT ");
        if (ncols == 1)
            cpol__sql_buf_str(b, "1");
        for (i = 1; i < ncols; i++) {
            if (i > 1)
                cpol__sql_buf_str(b, ",");
            cpol__sql_buf_ident(b, cpol_table_column_name(t, i));
        }
        cpol__sql_buf_str(b, " FROM ");
        cpol__sql_buf_ident(b, cpol_table_name(t));
        cpol__sql_buf_str(b, " WHERE ");
        cpol__sql_buf_ident(b, pk);
        cpol__sql_buf_str(b, "=?");
        break;
    }
}

static const char *const sq_op_what[SQ_OP_COUNT] = {"insert", "update", "delete", "select"};

/* A statement for a row operation on the table of rec. */
static int sq_table_stmt(sq_state *st, const cpol_table *t, int op, sq_table **tc_out, sqlite3_stmt **out,
                         sq_stmt **entry_out)
{
    sq_table *tc;
    cpol__sql_buf b = {NULL, 0, 0, 0};
    int rc = sq_table_lookup(st, t, &tc);
    *out = NULL;
    *entry_out = NULL;
    if (rc < 0)
        return rc;
    *tc_out = tc;
    if (tc->ops[op]) {
        sq_stmt *e = tc->ops[op];
        if (e->busy)
            return sq_prepare(st, e->sql, e->len, 0, out, sq_op_what[op]);
        e->busy = 1;
        *out = e->stmt;
        *entry_out = e;
        return CPOL_OK;
    }
    sq_build_op(&b, t, tc->ncols, op);
    if (b.oom) {
        cpol__sql_buf_free(&b);
        return cpol__oom();
    }
    rc = sq_acquire(st, b.p, b.len, 1, sq_op_what[op], out, entry_out);
    cpol__sql_buf_free(&b);
    if (rc < 0)
        return rc;
    tc->ops[op] = *entry_out;
    return CPOL_OK;
}

/* ---- open / close ---- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Check the 100-byte header of an existing, non-empty file ourselves, so
 * foreign and truncated files get a precise error and are never modified. */
static int sq_check_header(const char *path, off_t size)
{
    unsigned char h[100];
    size_t got = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        return cpol__error(CPOL_EIO, "sqlite: cannot read '%s': %s", path, strerror(e));
    }
    while (got < sizeof h) {
        ssize_t n = read(fd, h + got, sizeof h - got);
        if (n < 0) {
            int e = errno;
            if (e == EINTR)
                continue;
            close(fd);
            return cpol__error(CPOL_EIO, "sqlite: cannot read '%s': %s", path, strerror(e));
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (got < sizeof h || memcmp(h, "SQLite format 3", 16) != 0)
        return cpol__error(CPOL_ECORRUPT, "'%s' is not a SQLite database", path);
    /* The in-header page count is valid only when the change counter (24)
     * equals the version-valid-for number (92). */
    if (be32(h + 24) == be32(h + 92)) {
        uint32_t page_size = (uint32_t)h[16] << 8 | h[17];
        unsigned long long expect;
        if (page_size == 1)
            page_size = 65536;
        expect = (unsigned long long)be32(h + 28) * page_size;
        if (expect > (unsigned long long)size) {
            struct stat ws;
            size_t plen = strlen(path);
            char *wal = cpol_malloc(plen + 5);
            int have_wal;
            if (!wal)
                return cpol__oom();
            memcpy(wal, path, plen);
            memcpy(wal + plen, "-wal", 5);
            have_wal = stat(wal, &ws) == 0;
            cpol_free(wal);
            if (!have_wal)
                return cpol__error(CPOL_ECORRUPT, "'%s' is truncated: header says %llu bytes, file has %lld",
                                   path, expect, (long long)size);
        }
    }
    return CPOL_OK;
}

/* Checks before SQLite opens the file (it may not exist yet). */
static int sq_check_path(const char *path, uint32_t flags)
{
    const char *slash = strrchr(path, '/');
    struct stat sb;

    if (slash && slash != path) {
        char *dir = cpol__strndup(path, (size_t)(slash - path));
        int e;
        if (!dir)
            return cpol__oom();
        if (stat(dir, &sb) != 0) {
            e = errno;
            if (e == ENOENT || e == ENOTDIR)
                e = cpol__error(CPOL_ENOTFOUND, "sqlite: directory '%s' does not exist (opening '%s')", dir, path);
            else
                e = cpol__error(CPOL_EIO, "sqlite: cannot access directory '%s': %s", dir, strerror(e));
            cpol_free(dir);
            return e;
        }
        if (!S_ISDIR(sb.st_mode)) {
            e = cpol__error(CPOL_ENOTFOUND, "sqlite: '%s' is not a directory (opening '%s')", dir, path);
            cpol_free(dir);
            return e;
        }
        cpol_free(dir);
    }
    if (stat(path, &sb) != 0) {
        int e = errno;
        if (e != ENOENT)
            return cpol__error(CPOL_EIO, "sqlite: cannot access '%s': %s", path, strerror(e));
        if (flags & (CPOL_OPEN_NOCREATE | CPOL_OPEN_READONLY))
            return cpol__error(CPOL_ENOTFOUND, "sqlite: database '%s' does not exist", path);
        return CPOL_OK;
    }
    if (S_ISDIR(sb.st_mode))
        return cpol__error(CPOL_EIO, "sqlite: '%s' is a directory", path);
    if (!S_ISREG(sb.st_mode))
        return cpol__error(CPOL_EIO, "sqlite: '%s' is not a regular file", path);
    if (sb.st_size > 0)
        return sq_check_header(path, sb.st_size);
    return CPOL_OK;
}

static void sq_destroy(sq_state *st)
{
    unsigned int i;
    sq_table *tc;
    for (i = 0; i < SQ_BUCKETS; i++) {
        sq_stmt *e = st->buckets[i];
        while (e) {
            sq_stmt *next = e->next;
            sqlite3_finalize(e->stmt);
            cpol_free(e->sql);
            cpol_free(e);
            e = next;
        }
        st->buckets[i] = NULL;
    }
    tc = st->tables;
    while (tc) {
        sq_table *next = tc->next;
        cpol_free(tc->name);
        cpol_free(tc);
        tc = next;
    }
    if (st->db)
        sqlite3_close_v2(st->db); /* the last connection checkpoints and removes the WAL */
    cpol_free(st->path);
    cpol_free(st);
}

/* Is this our database, or a new empty one? Reads the user_version too. */
static int sq_check_identity(sq_state *st, int64_t *user_version)
{
    int64_t app = 0, any = 0;
    int rc = sq_exec_once(st, "PRAGMA application_id", &app, "reading the database header");
    if (rc < 0) {
        if (rc == CPOL_ECORRUPT)
            return cpol__error(CPOL_ECORRUPT, "'%s' is not a SQLite database or is damaged", st->path);
        return rc;
    }
    rc = sq_exec_once(st, "SELECT 1 FROM sqlite_master LIMIT 1", &any, "reading the schema");
    if (rc < 0)
        return rc;
    if ((uint32_t)app != SQ_APPLICATION_ID && !(app == 0 && any == 0))
        return cpol__error(CPOL_ECORRUPT,
                           "'%s' is a SQLite database but not a libcommpolice one (application_id 0x%08lx)",
                           st->path, (unsigned long)(uint32_t)app);
    *user_version = 0;
    return sq_exec_once(st, "PRAGMA user_version", user_version, "reading the schema version");
}

static int sq_open(void **state_out, const char *location, const cpol_open_options *opts, void *plugin_data)
{
    uint32_t flags = opts ? opts->flags : 0;
    int busy_ms = opts && opts->busy_timeout_ms > 0 ? (int)opts->busy_timeout_ms : SQ_DEFAULT_BUSY_MS;
    int oflags, rc;
    int64_t user_version = 0;
    char *name = NULL;
    sq_state *st;

    (void)plugin_data;
    if (!state_out)
        return cpol__error(CPOL_EMISUSE, "sqlite: open: state_out is NULL");
    *state_out = NULL;
    if (!location)
        return cpol__error(CPOL_EMISUSE, "sqlite: open: location is NULL");
    if (!*location)
        return cpol__error(CPOL_EINVALID, "sqlite: the database path is empty (use sqlite:PATH)");
    rc = sq_check_path(location, flags);
    if (rc < 0)
        return rc;

    st = cpol__calloc(1, sizeof *st);
    if (!st)
        return cpol__oom();
    st->readonly = (flags & CPOL_OPEN_READONLY) != 0;
    st->path = cpol__strdup(location);
    /* A relative path goes to SQLite as "./path", so names such as
     * ":memory:" or "file:…" are always plain files. */
    if (st->path && location[0] != '/') {
        size_t len = strlen(location);
        name = cpol_malloc(len + 3);
        if (name) {
            memcpy(name, "./", 2);
            memcpy(name + 2, location, len + 1);
        }
    }
    if (!st->path || (location[0] != '/' && !name)) {
        cpol_free(name);
        cpol_free(st->path);
        cpol_free(st);
        return cpol__oom();
    }

    if (st->readonly)
        oflags = SQLITE_OPEN_READONLY;
    else if (flags & CPOL_OPEN_NOCREATE)
        oflags = SQLITE_OPEN_READWRITE;
    else
        oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    oflags |= SQLITE_OPEN_NOMUTEX;
#ifdef SQLITE_OPEN_EXRESCODE
    oflags |= SQLITE_OPEN_EXRESCODE;
#endif
    /* A new database file is created readable by its owner only (0600), so
     * personal data never sits in a world-readable file; SQLite gives its
     * -wal and -shm files the database file's permissions. An existing file
     * keeps the permissions its owner chose. */
    if (!st->readonly && !(flags & CPOL_OPEN_NOCREATE)) {
        int fd = open(location, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0)
            close(fd);
    }
    rc = sqlite3_open_v2(name ? name : location, &st->db, oflags, NULL);
    cpol_free(name);
    if (!st->db) {
        sq_destroy(st);
        return cpol__error(CPOL_ENOMEM, "sqlite: out of memory opening '%s'", location);
    }
    sqlite3_extended_result_codes(st->db, 1);
    if (rc != SQLITE_OK) {
        rc = sq_fail(st, rc, "opening the database");
        sq_destroy(st);
        return rc;
    }
    sqlite3_busy_timeout(st->db, busy_ms);
    /* SQLite silently falls back to read-only for a file it may not write;
     * say so now rather than failing every later write. */
    if (!st->readonly && sqlite3_db_readonly(st->db, "main") == 1) {
        rc = cpol__error(CPOL_EIO, "sqlite: '%s' is not writable (open it with CPOL_OPEN_READONLY to read it)",
                         location);
        sq_destroy(st);
        return rc;
    }

    rc = sq_check_identity(st, &user_version);
    /* WAL for concurrent readers, but never rewrite the header of a database
     * from a newer library (it must stay untouched). */
    if (rc >= 0 && !st->readonly && user_version <= cpol_schema_version_current())
        rc = sq_exec_once(st, "PRAGMA journal_mode=WAL", NULL, "switching to WAL mode");
    /* Acknowledged commits must survive power loss. */
    if (rc >= 0)
        rc = sq_exec_once(st, "PRAGMA synchronous=FULL", NULL, "setting synchronous=FULL");
    if (rc < 0) {
        sq_destroy(st);
        return rc;
    }
    *state_out = st;
    return CPOL_OK;
}

static void sq_close(void *state)
{
    sq_state *st = state;
    if (!st)
        return;
    sq_rollback_quiet(st);
    if (st->cursors) {
        st->zombie = 1; /* the last cursor_close() frees us */
        return;
    }
    sq_destroy(st);
}

static int sq_schema_version(void *state, int64_t *out)
{
    sq_state *st = state;
    sqlite3_stmt *stmt;
    sq_stmt *entry;
    int rc;
    if (!out)
        return cpol__error(CPOL_EMISUSE, "sqlite: schema_version: out is NULL");
    rc = sq_acquire(st, "PRAGMA user_version", strlen("PRAGMA user_version"), 1, "reading the schema version",
                    &stmt, &entry);
    if (rc < 0)
        return rc;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *out = (int64_t)sqlite3_column_int64(stmt, 0);
        rc = CPOL_OK;
    } else if (rc == SQLITE_DONE) {
        *out = 0;
        rc = CPOL_OK;
    } else {
        rc = sq_fail(st, rc, "reading the schema version");
    }
    sq_release(stmt, entry);
    return rc;
}

/* ---- migration ---- */

static const char *sq_sql_type(int type)
{
    switch (type) {
    case CPOL_COLUMN_INT: return "INTEGER";
    case CPOL_COLUMN_REAL: return "REAL";
    case CPOL_COLUMN_TEXT: return "TEXT";
    case CPOL_COLUMN_BLOB: return "BLOB";
    case CPOL_COLUMN_ID: return "BLOB";
    case CPOL_COLUMN_TIME: return "INTEGER";
    case CPOL_COLUMN_BOOL: return "INTEGER";
    default: return NULL;
    }
}

/* Run a generated DDL statement held in b (freed here). */
static int sq_exec_buf(sq_state *st, cpol__sql_buf *b, const char *what)
{
    int rc;
    if (b->oom) {
        cpol__sql_buf_free(b);
        return cpol__oom();
    }
    rc = sq_exec_once(st, b->p, NULL, what);
    cpol__sql_buf_free(b);
    return rc;
}

/* present[i] = 1 for each column of t the existing table has; *exists = 0 if
 * the table does not exist. */
static int sq_existing_columns(sq_state *st, const cpol_table *t, unsigned int ncols, unsigned char *present,
                               int *exists)
{
    cpol__sql_buf b = {NULL, 0, 0, 0};
    sqlite3_stmt *stmt = NULL;
    int rc;

    *exists = 0;
    cpol__sql_buf_str(&b, "PRAGMA table_info(");
    cpol__sql_buf_ident(&b, cpol_table_name(t));
    cpol__sql_buf_str(&b, ")");
    if (b.oom) {
        cpol__sql_buf_free(&b);
        return cpol__oom();
    }
    rc = sqlite3_prepare_v2(st->db, b.p, -1, &stmt, NULL);
    cpol__sql_buf_free(&b);
    if (rc != SQLITE_OK) {
        rc = sq_fail(st, rc, "reading a table's columns");
        sqlite3_finalize(stmt);
        return rc;
    }
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(stmt, 1);
        unsigned int i;
        *exists = 1;
        if (!name)
            continue;
        for (i = 0; i < ncols; i++)
            if (sqlite3_stricmp(name, cpol_table_column_name(t, i)) == 0)
                present[i] = 1;
    }
    if (rc != SQLITE_DONE) {
        rc = sq_fail(st, rc, "reading a table's columns");
        sqlite3_finalize(stmt);
        return rc;
    }
    sqlite3_finalize(stmt);
    return CPOL_OK;
}

static int sq_migrate_table(sq_state *st, const cpol_table *t)
{
    const char *tname = cpol_table_name(t);
    unsigned int ncols = cpol_table_column_count(t);
    unsigned int i, k, nidx;
    unsigned char *present;
    int exists, rc;

    if (!tname || ncols == 0)
        return cpol__error(CPOL_EINVALID, "sqlite: migrate: a table without name or columns (on '%s')", st->path);
    rc = sq_column_names(st, t, ncols, tname);
    if (rc < 0)
        return rc;
    for (i = 0; i < ncols; i++)
        if (!sq_sql_type(cpol_table_column_type(t, i)))
            return cpol__error(CPOL_EINVALID, "sqlite: migrate: column %s.%s has unknown type %d (on '%s')", tname,
                               cpol_table_column_name(t, i), cpol_table_column_type(t, i), st->path);

    present = cpol__calloc(ncols, 1);
    if (!present)
        return cpol__oom();
    rc = sq_existing_columns(st, t, ncols, present, &exists);
    if (rc < 0)
        goto out;

    if (!exists) {
        cpol__sql_buf b = {NULL, 0, 0, 0};
        cpol__sql_buf_str(&b, "CREATE TABLE IF NOT EXISTS ");
        cpol__sql_buf_ident(&b, tname);
        cpol__sql_buf_str(&b, " (");
        for (i = 0; i < ncols; i++) {
            if (i)
                cpol__sql_buf_str(&b, ", ");
            cpol__sql_buf_ident(&b, cpol_table_column_name(t, i));
            cpol__sql_buf_str(&b, " ");
            cpol__sql_buf_str(&b, sq_sql_type(cpol_table_column_type(t, i)));
            if (i == 0 || (cpol_table_column_flags(t, i) & CPOL_COLUMN_NOTNULL))
                cpol__sql_buf_str(&b, " NOT NULL");
        }
        cpol__sql_buf_str(&b, ", PRIMARY KEY (");
        cpol__sql_buf_ident(&b, cpol_table_column_name(t, 0));
        cpol__sql_buf_str(&b, "))");
        rc = sq_exec_buf(st, &b, "creating a table");
        if (rc < 0)
            goto out;
    } else {
        if (!present[0]) {
            rc = cpol__error(CPOL_ECORRUPT, "sqlite: table '%s' in '%s' lacks its primary key column '%s'", tname,
                             st->path, cpol_table_column_name(t, 0));
            goto out;
        }
        for (i = 1; i < ncols; i++) {
            cpol__sql_buf b = {NULL, 0, 0, 0};
            if (present[i])
                continue;
            /* Columns added later are nullable: existing rows get NULL. */
            cpol__sql_buf_str(&b, "ALTER TABLE ");
            cpol__sql_buf_ident(&b, tname);
            cpol__sql_buf_str(&b, " ADD COLUMN ");
            cpol__sql_buf_ident(&b, cpol_table_column_name(t, i));
            cpol__sql_buf_str(&b, " ");
            cpol__sql_buf_str(&b, sq_sql_type(cpol_table_column_type(t, i)));
            rc = sq_exec_buf(st, &b, "adding a column");
            if (rc < 0)
                goto out;
        }
    }

    nidx = cpol_table_index_count(t);
    for (i = 0; i < nidx; i++) {
        cpol__sql_buf b = {NULL, 0, 0, 0};
        const char *iname = cpol_table_index_name(t, i);
        unsigned int nc = cpol_table_index_column_count(t, i);
        if (!iname || nc == 0) {
            rc = cpol__error(CPOL_EINVALID, "sqlite: migrate: index %u of table '%s' has no name or columns", i,
                             tname);
            goto out;
        }
        cpol__sql_buf_str(&b, cpol_table_index_unique(t, i) ? "CREATE UNIQUE INDEX IF NOT EXISTS " : "CREATE INDEX IF NOT EXISTS ");
        cpol__sql_buf_ident(&b, iname);
        cpol__sql_buf_str(&b, " ON ");
        cpol__sql_buf_ident(&b, tname);
        cpol__sql_buf_str(&b, " (");
        for (k = 0; k < nc; k++) {
            int c = cpol_table_index_column(t, i, k);
            if (c < 0 || (unsigned int)c >= ncols) {
                cpol__sql_buf_free(&b);
                rc = cpol__error(CPOL_EINVALID, "sqlite: migrate: index '%s' names column %d, out of range", iname,
                                 c);
                goto out;
            }
            if (k)
                cpol__sql_buf_str(&b, ", ");
            cpol__sql_buf_ident(&b, cpol_table_column_name(t, (unsigned int)c));
        }
        cpol__sql_buf_str(&b, ")");
        rc = sq_exec_buf(st, &b, "creating an index");
        if (rc < 0)
            goto out;
    }
    rc = CPOL_OK;
out:
    cpol_free(present);
    return rc;
}

static int sq_migrate(void *state, const cpol_schema *schema)
{
    sq_state *st = state;
    unsigned int i, n;
    cpol__sql_buf b = {NULL, 0, 0, 0};
    int rc;

    if (!schema)
        return cpol__error(CPOL_EMISUSE, "sqlite: migrate: schema is NULL");
    if (st->readonly)
        return cpol__error(CPOL_EREADONLY, "sqlite: '%s' is open read-only and needs a migration", st->path);
    n = cpol_schema_table_count(schema);
    for (i = 0; i < n; i++) {
        const cpol_table *t = cpol_schema_table(schema, i);
        if (!t)
            return cpol__error(CPOL_EINVALID, "sqlite: migrate: schema table %u is missing", i);
        rc = sq_migrate_table(st, t);
        if (rc < 0)
            return rc;
    }
    /* Pragmas take no parameters; both values are integers we format. */
    cpol__sql_buf_str(&b, "PRAGMA application_id=");
    cpol__sql_buf_int(&b, (long long)(int32_t)SQ_APPLICATION_ID);
    rc = sq_exec_buf(st, &b, "setting the application id");
    if (rc < 0)
        return rc;
    cpol__sql_buf_str(&b, "PRAGMA user_version=");
    cpol__sql_buf_int(&b, (long long)cpol_schema_version(schema));
    return sq_exec_buf(st, &b, "setting the schema version");
}

/* ---- transactions ---- */

static int sq_begin(void *state)
{
    sq_state *st = state;
    /* IMMEDIATE takes the write lock now (waiting up to the busy timeout), so
     * no write inside can fail to upgrade a read lock later. */
    return sq_exec_cached(st, st->readonly ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE", "beginning a transaction");
}

static int sq_commit(void *state)
{
    sq_state *st = state;
    int rc = sq_exec_cached(st, "COMMIT", "committing");
    if (rc < 0 && !sqlite3_get_autocommit(st->db)) {
        /* Keep the commit's error; the rollback is only cleanup. */
        char saved[1024];
        snprintf(saved, sizeof saved, "%s", cpol_error_message());
        sq_rollback_quiet(st);
        cpol_error_set_str(rc, saved);
    }
    return rc;
}

static int sq_rollback(void *state)
{
    sq_state *st = state;
    /* SQLite may already have rolled back on its own (I/O error, disk full). */
    if (sqlite3_get_autocommit(st->db))
        return CPOL_OK;
    return sq_exec_cached(st, "ROLLBACK", "rolling back");
}

static int sq_savepoint_sql(sq_state *st, const char *verb, unsigned int level, const char *what)
{
    char sql[64];
    snprintf(sql, sizeof sql, "%s cpol_sp%u", verb, level);
    return sq_exec_cached(st, sql, what);
}

static int sq_savepoint(void *state, unsigned int level)
{
    return sq_savepoint_sql(state, "SAVEPOINT", level, "setting a savepoint");
}

static int sq_release_sp(void *state, unsigned int level)
{
    return sq_savepoint_sql(state, "RELEASE", level, "releasing a savepoint");
}

static int sq_rollback_to(void *state, unsigned int level)
{
    int rc = sq_savepoint_sql(state, "ROLLBACK TO", level, "rolling back to a savepoint");
    if (rc < 0)
        return rc;
    return sq_savepoint_sql(state, "RELEASE", level, "releasing a savepoint");
}

/* ---- rows ---- */

/* Step a row-changing statement; EEXISTS / ENOTFOUND as the contract says. */
static int sq_step_write(sq_state *st, sqlite3_stmt *stmt, const sq_table *tc, const char *what, int must_change)
{
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE) {
        if (rc == SQLITE_ROW)
            return cpol__error(CPOL_ESTORAGE, "sqlite: %s on table '%s' returned a row", what, tc->name);
        if (sq_code(rc) == CPOL_EEXISTS)
            return cpol__error(CPOL_EEXISTS,
                               "sqlite: %s on table '%s' in '%s': a row with this primary key or unique value "
                               "already exists (%s)",
                               what, tc->name, st->path, sqlite3_errmsg(st->db));
        return sq_fail(st, rc, what);
    }
    if (must_change && sqlite3_changes(st->db) == 0)
        return cpol__error(CPOL_ENOTFOUND, "sqlite: %s: no row with this key in table '%s'", what, tc->name);
    return CPOL_OK;
}

static int sq_insert(void *state, const cpol_record *rec)
{
    sq_state *st = state;
    sq_table *tc;
    sqlite3_stmt *stmt;
    sq_stmt *entry;
    unsigned int i;
    int rc;
    if (!rec)
        return cpol__error(CPOL_EMISUSE, "sqlite: insert: record is NULL");
    rc = sq_table_stmt(st, cpol_record_table(rec), SQ_OP_INSERT, &tc, &stmt, &entry);
    if (rc < 0)
        return rc;
    for (i = 0; i < tc->ncols && rc >= 0; i++)
        rc = sq_bind(st, stmt, (int)i + 1, cpol_record_value(rec, i), 0);
    if (rc >= 0)
        rc = sq_step_write(st, stmt, tc, "insert", 0);
    sq_release(stmt, entry);
    return rc;
}

static int sq_update(void *state, const cpol_record *rec)
{
    sq_state *st = state;
    sq_table *tc;
    sqlite3_stmt *stmt;
    sq_stmt *entry;
    unsigned int i;
    int rc;
    if (!rec)
        return cpol__error(CPOL_EMISUSE, "sqlite: update: record is NULL");
    rc = sq_table_stmt(st, cpol_record_table(rec), SQ_OP_UPDATE, &tc, &stmt, &entry);
    if (rc < 0)
        return rc;
    /* SET columns 1..n-1 are parameters 1..n-1, the key is the last one. */
    for (i = 1; i < tc->ncols && rc >= 0; i++)
        rc = sq_bind(st, stmt, (int)i, cpol_record_value(rec, i), 0);
    if (rc >= 0)
        rc = sq_bind(st, stmt, tc->ncols == 1 ? 1 : (int)tc->ncols, cpol_record_value(rec, 0), 0);
    if (rc >= 0)
        rc = sq_step_write(st, stmt, tc, "update", 1);
    sq_release(stmt, entry);
    return rc;
}

static int sq_remove(void *state, const cpol_record *key)
{
    sq_state *st = state;
    sq_table *tc;
    sqlite3_stmt *stmt;
    sq_stmt *entry;
    int rc;
    if (!key)
        return cpol__error(CPOL_EMISUSE, "sqlite: remove: key is NULL");
    rc = sq_table_stmt(st, cpol_record_table(key), SQ_OP_REMOVE, &tc, &stmt, &entry);
    if (rc < 0)
        return rc;
    rc = sq_bind(st, stmt, 1, cpol_record_value(key, 0), 0);
    if (rc >= 0)
        rc = sq_step_write(st, stmt, tc, "delete", 1);
    sq_release(stmt, entry);
    return rc;
}

static int sq_get(void *state, cpol_record *rec)
{
    sq_state *st = state;
    sq_table *tc;
    sqlite3_stmt *stmt;
    sq_stmt *entry;
    unsigned int i;
    int rc;
    if (!rec)
        return cpol__error(CPOL_EMISUSE, "sqlite: get: record is NULL");
    rc = sq_table_stmt(st, cpol_record_table(rec), SQ_OP_GET, &tc, &stmt, &entry);
    if (rc < 0)
        return rc;
    /* The key is bound without a copy: column 0 of rec is never set here. */
    rc = sq_bind(st, stmt, 1, cpol_record_value(rec, 0), 0);
    if (rc >= 0) {
        int s = sqlite3_step(stmt);
        if (s == SQLITE_ROW) {
            for (i = 1; i < tc->ncols && rc >= 0; i++)
                rc = sq_fill(st, stmt, (int)i - 1, rec, i);
        } else if (s == SQLITE_DONE) {
            rc = cpol__error(CPOL_ENOTFOUND, "sqlite: no row with this key in table '%s'", tc->name);
        } else {
            rc = sq_fail(st, s, "select");
        }
    }
    sq_release(stmt, entry);
    return rc;
}

/* ---- queries ---- */

/* Build the SQL of q: count=0 for a row query, 1 for a count. */
static int sq_build_query(sq_state *st, const cpol_query *q, int count, cpol__sql_buf *b)
{
    const cpol_table *t = cpol_query_table(q);
    const char *tname = cpol_table_name(t);
    unsigned int ncols = cpol_table_column_count(t);
    unsigned int i, n = cpol_query_cond_count(q);
    int order, rc;

    if (!tname || ncols == 0)
        return cpol__error(CPOL_EMISUSE, "sqlite: query without a valid table (on '%s')", st->path);
    rc = sq_column_names(st, t, ncols, tname);
    if (rc < 0)
        return rc;
    if (count) {
        cpol__sql_buf_str(b, "SELECT count(*)");
    } else {
        cpol__sql_buf_str(b, "SELECT ");
        for (i = 0; i < ncols; i++) {
            if (i)
                cpol__sql_buf_str(b, ",");
            cpol__sql_buf_ident(b, cpol_table_column_name(t, i));
        }
    }
    cpol__sql_buf_str(b, " FROM ");
    cpol__sql_buf_ident(b, tname);
    for (i = 0; i < n; i++) {
        int col = cpol_query_cond_column(q, i);
        int op = cpol_query_cond_op(q, i);
        int is_null = cpol_value_type(cpol_query_cond_value(q, i)) == CPOL_VALUE_NULL;
        const char *sop;
        if (col < 0 || (unsigned int)col >= ncols)
            return cpol__error(CPOL_EINVALID, "sqlite: query condition %u on table '%s' names column %d, out of range",
                               i, tname, col);
        cpol__sql_buf_str(b, i ? " AND " : " WHERE ");
        cpol__sql_buf_ident(b, cpol_table_column_name(t, (unsigned int)col));
        switch (op) {
        case CPOL_OP_EQ: sop = is_null ? " IS NULL" : "=?"; break;
        case CPOL_OP_NE: sop = is_null ? " IS NOT NULL" : "<>?"; break;
        /* An ordering comparison with a NULL value binds NULL: never true. */
        case CPOL_OP_LT: sop = "<?"; break;
        case CPOL_OP_LE: sop = "<=?"; break;
        case CPOL_OP_GT: sop = ">?"; break;
        case CPOL_OP_GE: sop = ">=?"; break;
        default:
            return cpol__error(CPOL_EINVALID, "sqlite: query condition %u on table '%s' has unknown operator %d", i,
                               tname, op);
        }
        cpol__sql_buf_str(b, sop);
    }
    if (count)
        return CPOL_OK;
    order = cpol_query_order_column(q);
    cpol__sql_buf_str(b, " ORDER BY ");
    if (order >= 0) {
        if ((unsigned int)order >= ncols)
            return cpol__error(CPOL_EINVALID, "sqlite: query on table '%s' orders by column %d, out of range", tname,
                               order);
        /* NULLs sort first ascending and last descending, as the contract says. */
        cpol__sql_buf_ident(b, cpol_table_column_name(t, (unsigned int)order));
        cpol__sql_buf_str(b, cpol_query_order_desc(q) ? " DESC" : " ASC");
        if (order != 0) {
            cpol__sql_buf_str(b, ", ");
            cpol__sql_buf_ident(b, cpol_table_column_name(t, 0));
            cpol__sql_buf_str(b, " ASC");
        }
    } else {
        cpol__sql_buf_ident(b, cpol_table_column_name(t, 0));
        cpol__sql_buf_str(b, " ASC");
    }
    cpol__sql_buf_str(b, " LIMIT ? OFFSET ?");
    return CPOL_OK;
}

/* Bind the condition values of q (copied: the statement may outlive q's
 * values), then limit and offset for a row query. */
static int sq_bind_query(sq_state *st, sqlite3_stmt *stmt, const cpol_query *q, int count)
{
    unsigned int i, n = cpol_query_cond_count(q);
    int idx = 1, rc;
    for (i = 0; i < n; i++) {
        const cpol_value *v = cpol_query_cond_value(q, i);
        int op = cpol_query_cond_op(q, i);
        if (cpol_value_type(v) == CPOL_VALUE_NULL && (op == CPOL_OP_EQ || op == CPOL_OP_NE))
            continue;
        rc = sq_bind(st, stmt, idx++, v, 1);
        if (rc < 0)
            return rc;
    }
    if (count)
        return CPOL_OK;
    rc = sqlite3_bind_int64(stmt, idx++, (sqlite3_int64)cpol_query_limit(q));
    if (rc == SQLITE_OK) {
        int64_t off = cpol_query_offset(q);
        rc = sqlite3_bind_int64(stmt, idx, (sqlite3_int64)(off < 0 ? 0 : off));
    }
    if (rc != SQLITE_OK)
        return sq_fail(st, rc, "binding limit and offset");
    return CPOL_OK;
}

static int sq_query_stmt(sq_state *st, const cpol_query *q, int count, sqlite3_stmt **out, sq_stmt **entry_out)
{
    cpol__sql_buf b = {NULL, 0, 0, 0};
    int rc;
    *out = NULL;
    *entry_out = NULL;
    rc = sq_build_query(st, q, count, &b);
    if (rc >= 0 && b.oom)
        rc = cpol__oom();
    if (rc >= 0)
        rc = sq_acquire(st, b.p, b.len, 0, count ? "count" : "query", out, entry_out);
    cpol__sql_buf_free(&b);
    if (rc < 0)
        return rc;
    rc = sq_bind_query(st, *out, q, count);
    if (rc < 0) {
        sq_release(*out, *entry_out);
        *out = NULL;
        *entry_out = NULL;
    }
    return rc;
}

static int sq_query_open(void *state, const cpol_query *q, void **cursor_out)
{
    sq_state *st = state;
    sq_cursor *c;
    int rc;
    if (!cursor_out)
        return cpol__error(CPOL_EMISUSE, "sqlite: query_open: cursor_out is NULL");
    *cursor_out = NULL;
    if (!q)
        return cpol__error(CPOL_EMISUSE, "sqlite: query_open: query is NULL");
    c = cpol__calloc(1, sizeof *c);
    if (!c)
        return cpol__oom();
    rc = sq_query_stmt(st, q, 0, &c->stmt, &c->entry);
    if (rc < 0) {
        cpol_free(c);
        return rc;
    }
    c->st = st;
    c->ncols = cpol_table_column_count(cpol_query_table(q));
    st->cursors++;
    *cursor_out = c;
    return CPOL_OK;
}

static int sq_cursor_next(void *cursor, cpol_record *rec)
{
    sq_cursor *c = cursor;
    sq_state *st;
    unsigned int i;
    int rc;
    if (!c || !rec)
        return cpol__error(CPOL_EMISUSE, "sqlite: cursor_next: %s is NULL", c ? "record" : "cursor");
    st = c->st;
    if (c->failed)
        return cpol__error(c->failed, "sqlite: the query on '%s' failed earlier", st->path);
    if (c->done)
        return CPOL_DONE;
    if (!c->pending) {
        rc = sqlite3_step(c->stmt);
        if (rc == SQLITE_DONE) {
            c->done = 1;
            sqlite3_reset(c->stmt); /* end the read transaction now */
            return CPOL_DONE;
        }
        if (rc != SQLITE_ROW) {
            c->failed = sq_fail(st, rc, "reading query results");
            sqlite3_reset(c->stmt);
            return c->failed;
        }
        c->pending = 1;
    }
    for (i = 0; i < c->ncols; i++) {
        rc = sq_fill(st, c->stmt, (int)i, rec, i);
        if (rc < 0)
            return rc; /* the row stays pending: the next call retries it */
    }
    c->pending = 0;
    return CPOL_OK;
}

static void sq_cursor_close(void *cursor)
{
    sq_cursor *c = cursor;
    sq_state *st;
    if (!c)
        return;
    st = c->st;
    sq_release(c->stmt, c->entry);
    cpol_free(c);
    if (st->cursors)
        st->cursors--;
    if (st->zombie && st->cursors == 0)
        sq_destroy(st);
}

static int sq_count(void *state, const cpol_query *q, int64_t *out)
{
    sq_state *st = state;
    sqlite3_stmt *stmt;
    sq_stmt *entry;
    int rc;
    if (!q || !out)
        return cpol__error(CPOL_EMISUSE, "sqlite: count: %s is NULL", q ? "out" : "query");
    /* Counts every matching row: order, offset and limit do not apply. */
    rc = sq_query_stmt(st, q, 1, &stmt, &entry);
    if (rc < 0)
        return rc;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *out = (int64_t)sqlite3_column_int64(stmt, 0);
        rc = CPOL_OK;
    } else {
        rc = sq_fail(st, rc, "count");
    }
    sq_release(stmt, entry);
    return rc;
}

static const cpol_storage_methods sq_methods = {
    CPOL_STORAGE_VERSION,
    "sqlite",
    sq_open,
    sq_close,
    sq_schema_version,
    sq_migrate,
    sq_begin,
    sq_commit,
    sq_rollback,
    sq_savepoint,
    sq_release_sp,
    sq_rollback_to,
    sq_insert,
    sq_update,
    sq_remove,
    sq_get,
    sq_query_open,
    sq_cursor_next,
    sq_cursor_close,
    sq_count,
};

const cpol_storage_methods *cpol__storage_sqlite(void)
{
    return &sq_methods;
}
