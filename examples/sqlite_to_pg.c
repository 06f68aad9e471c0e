/*
 * sqlite_to_pg: move a station's SQLite file into a PostgreSQL database.
 *
 *   ./sqlite_to_pg [--key-file FILE] [--key-id ID] STATION.db \
 *                  'postgresql://user@host:5432/dbname[?schema=NAME]'
 *
 * 1. Opens both stores with the library and the same key, which brings the
 *    SQLite file to this library's schema version and creates (or checks) the
 *    PostgreSQL tables, so both have exactly the same tables and columns, and
 *    the target is encrypted with the station's key. Personal data travel as
 *    they are stored: encrypted (SM4), never in clear. --key-file names a file
 *    holding the station's 32-byte master key; without it the program uses a
 *    fixed demo key (see fetch_key()). A file stored in clear (opened with
 *    CPOL_OPEN_PLAINTEXT) is encrypted under --key-id (default station-key-1)
 *    on the way.
 * 2. Copies every table row by row inside ONE PostgreSQL transaction: either
 *    everything arrives or nothing does. A target that already holds rows is
 *    refused (copy each station into its own schema= or database, or merge
 *    later with SQL: every id is a globally unique UUID).
 * 3. Prints the number of rows per table.
 *
 * The values are converted the way the PostgreSQL backend stores them (see
 * docs/postgresql.md): integers, times -> bigint; reals -> double precision;
 * booleans -> boolean; text -> text (bytes 0x00 / 0x01 escaped as 0x01 0x01 /
 * 0x01 0x02); blobs -> bytea; 16-byte ids -> uuid. Parameters travel in
 * binary, so every value arrives bit for bit.
 *
 * Build: cc sqlite_to_pg.c $(pkg-config --cflags --libs commpolice sqlite3 libpq)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include <commpolice/commpolice.h>

/* PostgreSQL type OIDs of the columns the library creates. */
enum { OID_BOOL = 16, OID_BYTEA = 17, OID_INT8 = 20, OID_TEXT = 25, OID_FLOAT8 = 701, OID_UUID = 2950 };

typedef struct column {
    char name[64];
    unsigned int oid;
    unsigned char num[8]; /* an encoded integer, double or boolean */
    char *buf;            /* escaped text */
    size_t cap;
} column;

static int fail(const char *what, const char *why)
{
    fprintf(stderr, "sqlite_to_pg: %s: %s\n", what, why);
    return 1;
}

/* Where the master key comes from, and the key id the source store uses. */
typedef struct key_source {
    const char *file; /* --key-file: the 32 raw bytes of the key; NULL: the demo key */
    char id[65];      /* the first key id the library asked for (the source's) */
} key_source;

/* The cpol_key_cb of both stores. A real deployment fetches the key named
 * key_id from its key service (a key-management service, a hardware
 * security module) or reads it from a file only the service account can
 * read (--key-file). The fixed demo key is for trying the program out: it
 * must never protect real data. */
static int fetch_key(void *payload, const char *key_id, unsigned char key[CPOL_KEY_LEN])
{
    key_source *ks = (key_source *)payload;
    size_t i;
    if (!ks->id[0])
        snprintf(ks->id, sizeof ks->id, "%s", key_id);
    if (ks->file) {
        FILE *f = fopen(ks->file, "rb");
        size_t n;
        int extra;
        if (!f)
            return -1;
        n = fread(key, 1, CPOL_KEY_LEN, f);
        extra = fgetc(f);
        fclose(f);
        return n == CPOL_KEY_LEN && extra == EOF ? 0 : -1; /* exactly 32 bytes */
    }
    for (i = 0; i < CPOL_KEY_LEN; i++)
        key[i] = (unsigned char)(0x5A ^ (i * 11)); /* demo only */
    return 0;
}

/* Open a store with the library (creating or migrating it) and read its schema version. */
static int open_with_library(const char *uri, uint32_t flags, key_source *ks, const char *key_id,
                             int64_t *version)
{
    cpol_open_options o = CPOL_OPEN_OPTIONS_INIT;
    cpol_ctx *ctx = NULL;
    int rc;
    o.flags = flags;
    o.key = fetch_key;
    o.key_payload = ks;
    o.key_id = key_id;
    rc = cpol_ctx_open(&ctx, uri, &o);
    if (rc == CPOL_OK)
        rc = cpol_ctx_schema_version(ctx, version);
    if (rc != CPOL_OK) {
        fprintf(stderr, "sqlite_to_pg: opening %s: %s: %s\n", strncmp(uri, "sqlite:", 7) == 0 ? uri : "the target",
                cpol_status_name(rc), cpol_error_message());
        cpol_ctx_close(ctx);
        return 1;
    }
    cpol_ctx_close(ctx);
    return 0;
}

/* libpq does not know the library's schema= parameter: split it off. */
static char *split_schema(const char *uri, char *schema, size_t size)
{
    char *conninfo = malloc(strlen(uri) + 1);
    const char *q = strchr(uri, '?');
    size_t o;
    int first = 1;
    schema[0] = '\0';
    if (!conninfo)
        return NULL;
    if (!q) {
        strcpy(conninfo, uri);
        return conninfo;
    }
    o = (size_t)(q - uri);
    memcpy(conninfo, uri, o);
    for (q++; *q;) {
        size_t n = strcspn(q, "&");
        if (n > 7 && strncmp(q, "schema=", 7) == 0 && n - 7 < size) {
            memcpy(schema, q + 7, n - 7);
            schema[n - 7] = '\0';
        } else if (n > 0) {
            conninfo[o++] = first ? '?' : '&';
            first = 0;
            memcpy(conninfo + o, q, n);
            o += n;
        }
        q += n + (q[n] == '&');
    }
    conninfo[o] = '\0';
    return conninfo;
}

static PGresult *query(PGconn *pg, const char *sql, int n, const char *const *params)
{
    PGresult *res = PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType s = PQresultStatus(res);
    if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
        fprintf(stderr, "sqlite_to_pg: %s\n  %s", sql, PQerrorMessage(pg));
        PQclear(res);
        return NULL;
    }
    return res;
}

static void put_be64(unsigned char *p, uint64_t v)
{
    int i;
    for (i = 7; i >= 0; i--) {
        p[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
}

/* Column i of the current SQLite row as the binary parameter of c. */
static int convert(sqlite3_stmt *s, int i, column *c, const char **val, int *len)
{
    int type = sqlite3_column_type(s, i);
    const unsigned char *p;
    size_t n, k, o;
    double d;
    uint64_t bits;

    *val = NULL;
    *len = 0;
    if (type == SQLITE_NULL)
        return 0;
    switch (c->oid) {
    case OID_INT8:
        if (type != SQLITE_INTEGER)
            break;
        put_be64(c->num, (uint64_t)sqlite3_column_int64(s, i));
        *val = (const char *)c->num;
        *len = 8;
        return 0;
    case OID_FLOAT8:
        if (type != SQLITE_FLOAT && type != SQLITE_INTEGER)
            break;
        d = sqlite3_column_double(s, i);
        memcpy(&bits, &d, sizeof bits);
        put_be64(c->num, bits);
        *val = (const char *)c->num;
        *len = 8;
        return 0;
    case OID_BOOL:
        if (type != SQLITE_INTEGER)
            break;
        c->num[0] = sqlite3_column_int64(s, i) != 0;
        *val = (const char *)c->num;
        *len = 1;
        return 0;
    case OID_TEXT:
        if (type != SQLITE_TEXT)
            break;
        p = sqlite3_column_text(s, i);
        n = (size_t)sqlite3_column_bytes(s, i);
        if (c->cap < 2 * n + 1) {
            char *b = realloc(c->buf, 2 * n + 1);
            if (!b)
                return fail(c->name, "out of memory");
            c->buf = b;
            c->cap = 2 * n + 1;
        }
        for (k = 0, o = 0; k < n; k++) {
            if (p[k] <= 1) { /* PostgreSQL text cannot hold U+0000: the backend's escape */
                c->buf[o++] = 1;
                c->buf[o++] = (char)(p[k] + 1);
            } else {
                c->buf[o++] = (char)p[k];
            }
        }
        *val = c->buf;
        *len = (int)o;
        return 0;
    case OID_BYTEA:
    case OID_UUID:
        if (type != SQLITE_BLOB)
            break;
        n = (size_t)sqlite3_column_bytes(s, i);
        if (c->oid == OID_UUID && n != 16)
            break;
        p = sqlite3_column_blob(s, i);
        *val = p ? (const char *)p : "";
        *len = (int)n;
        return 0;
    default:
        return fail(c->name, "the PostgreSQL column has a type this program does not know");
    }
    return fail(c->name, "the SQLite value does not fit the PostgreSQL column");
}

/* Copy one table; *copied receives its number of rows. */
static int copy_table(sqlite3 *db, PGconn *pg, const char *schema, const char *table, long *copied)
{
    static const char cols_sql[] =
        "SELECT a.attname, a.atttypid FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
    const char *params[2];
    char sel[8192], ins[8192], cnt[512];
    const char **vals = NULL;
    int *lens = NULL, *fmts = NULL;
    column *cols = NULL;
    sqlite3_stmt *s = NULL;
    PGresult *res;
    int n, i, rc = 1, step;
    size_t ls, li;

    *copied = 0;
    params[0] = schema;
    params[1] = table;
    res = query(pg, cols_sql, 2, params);
    if (!res)
        return 1;
    n = PQntuples(res);
    cols = calloc((size_t)n + 1, sizeof *cols);
    vals = calloc((size_t)n + 1, sizeof *vals);
    lens = calloc((size_t)n + 1, sizeof *lens);
    fmts = calloc((size_t)n + 1, sizeof *fmts);
    if (!cols || !vals || !lens || !fmts) {
        PQclear(res);
        rc = fail(table, "out of memory");
        goto out;
    }
    ls = (size_t)snprintf(sel, sizeof sel, "SELECT ");
    li = (size_t)snprintf(ins, sizeof ins, "INSERT INTO \"%s\".\"%s\" (", schema, table);
    for (i = 0; i < n; i++) {
        snprintf(cols[i].name, sizeof cols[i].name, "%s", PQgetvalue(res, i, 0));
        cols[i].oid = (unsigned)strtoul(PQgetvalue(res, i, 1), NULL, 10);
        fmts[i] = 1;
        ls += (size_t)snprintf(sel + ls, ls < sizeof sel ? sizeof sel - ls : 0, "%s\"%s\"", i ? "," : "",
                               cols[i].name);
        li += (size_t)snprintf(ins + li, li < sizeof ins ? sizeof ins - li : 0, "%s\"%s\"", i ? "," : "",
                               cols[i].name);
    }
    PQclear(res);
    ls += (size_t)snprintf(sel + ls, ls < sizeof sel ? sizeof sel - ls : 0, " FROM \"%s\"", table);
    li += (size_t)snprintf(ins + li, li < sizeof ins ? sizeof ins - li : 0, ") VALUES (");
    for (i = 0; i < n; i++)
        li += (size_t)snprintf(ins + li, li < sizeof ins ? sizeof ins - li : 0, "%s$%d", i ? "," : "", i + 1);
    li += (size_t)snprintf(ins + li, li < sizeof ins ? sizeof ins - li : 0, ")");
    if (ls >= sizeof sel || li >= sizeof ins) {
        rc = fail(table, "too many columns for this program");
        goto out;
    }

    if (strcmp(table, "cpol_key") == 0) {
        /* The key ids and check values (never keys): the library wrote the
         * target's when it opened it with the same key; the source's history
         * (every key id it was ever encrypted with) replaces them. */
        snprintf(cnt, sizeof cnt, "DELETE FROM \"%s\".\"%s\"", schema, table);
        res = query(pg, cnt, 0, NULL);
        if (!res)
            goto out;
        PQclear(res);
    }
    snprintf(cnt, sizeof cnt, "SELECT count(*) FROM \"%s\".\"%s\"", schema, table);
    res = query(pg, cnt, 0, NULL);
    if (!res)
        goto out;
    if (strcmp(PQgetvalue(res, 0, 0), "0") != 0) {
        PQclear(res);
        rc = fail(table, "the PostgreSQL table already holds rows; copy into an empty database or schema");
        goto out;
    }
    PQclear(res);

    if (sqlite3_prepare_v2(db, sel, -1, &s, NULL) != SQLITE_OK) {
        rc = fail(table, sqlite3_errmsg(db));
        goto out;
    }
    /* Parameter types come from the target columns. */
    res = PQprepare(pg, "", ins, 0, NULL);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = fail(table, PQerrorMessage(pg));
        PQclear(res);
        goto out;
    }
    PQclear(res);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        for (i = 0; i < n; i++)
            if (convert(s, i, &cols[i], &vals[i], &lens[i]) != 0)
                goto out;
        res = PQexecPrepared(pg, "", n, vals, lens, fmts, 0);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            rc = fail(table, PQerrorMessage(pg));
            PQclear(res);
            goto out;
        }
        PQclear(res);
        (*copied)++;
    }
    if (step != SQLITE_DONE) {
        rc = fail(table, sqlite3_errmsg(db));
        goto out;
    }
    rc = 0;
out:
    sqlite3_finalize(s);
    for (i = 0; cols && i < n; i++)
        free(cols[i].buf);
    free(cols);
    free(vals);
    free(lens);
    free(fmts);
    return rc;
}

int main(int argc, char **argv)
{
    static const char tables_sql[] =
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relname <> 'cpol_meta' ORDER BY 1";
    char src[4096], schema[128];
    const char *params[1], *db_path, *pg_uri, *key_id = "station-key-1";
    key_source ks;
    char *conninfo;
    int64_t vs = 0, vd = 0;
    sqlite3 *db = NULL;
    PGconn *pg;
    PGresult *res, *tables;
    long rows, total = 0;
    int t, a, rc = 1;

    memset(&ks, 0, sizeof ks);
    for (a = 1; a + 1 < argc && strncmp(argv[a], "--", 2) == 0; a += 2) {
        if (strcmp(argv[a], "--key-file") == 0)
            ks.file = argv[a + 1];
        else if (strcmp(argv[a], "--key-id") == 0)
            key_id = argv[a + 1];
        else
            break;
    }
    if (argc - a != 2 || strncmp(argv[a + 1], "postgresql:", 11) != 0) {
        fprintf(stderr, "usage: %s [--key-file FILE] [--key-id ID] STATION.db "
                        "postgresql://user@host:port/dbname[?schema=NAME]\n", argv[0]);
        return 2;
    }
    db_path = argv[a];
    pg_uri = argv[a + 1];
    if (!ks.file)
        fprintf(stderr, "sqlite_to_pg: no --key-file: using the demo key (never for real data)\n");
    snprintf(src, sizeof src, "sqlite:%s", db_path);
    /* the source names its own key id; the target is encrypted with the same key */
    if (open_with_library(src, CPOL_OPEN_NOCREATE, &ks, key_id, &vs) ||
        open_with_library(pg_uri, 0, &ks, ks.id[0] ? ks.id : key_id, &vd))
        return 1;
    if (vs != vd)
        return fail("schema versions", "the two stores differ");

    conninfo = split_schema(pg_uri, schema, sizeof schema);
    if (!conninfo)
        return fail("memory", "out of memory");
    pg = PQconnectdb(conninfo);
    free(conninfo);
    if (PQstatus(pg) != CONNECTION_OK) {
        fprintf(stderr, "sqlite_to_pg: connecting: %s", PQerrorMessage(pg));
        PQfinish(pg);
        return 1;
    }
    if (!schema[0]) {
        res = query(pg, "SELECT current_schema()", 0, NULL);
        if (!res)
            goto out;
        snprintf(schema, sizeof schema, "%s", PQgetvalue(res, 0, 0));
        PQclear(res);
    }
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fail(db_path, db ? sqlite3_errmsg(db) : "cannot open");
        goto out;
    }
    res = query(pg, "BEGIN", 0, NULL);
    if (!res)
        goto out;
    PQclear(res);
    params[0] = schema;
    tables = query(pg, tables_sql, 1, params);
    if (!tables)
        goto out;
    for (t = 0; t < PQntuples(tables); t++) {
        if (copy_table(db, pg, schema, PQgetvalue(tables, t, 0), &rows) != 0) {
            PQclear(tables);
            goto out; /* closing the connection rolls everything back */
        }
        printf("%-24s %8ld rows\n", PQgetvalue(tables, t, 0), rows);
        total += rows;
    }
    PQclear(tables);
    res = query(pg, "COMMIT", 0, NULL);
    if (!res)
        goto out;
    PQclear(res);
    printf("copied %ld rows from %s into schema \"%s\" (schema version %lld)\n", total, db_path, schema,
           (long long)vs);
    rc = 0;
out:
    sqlite3_close(db);
    PQfinish(pg);
    return rc;
}
