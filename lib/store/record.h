/* Internal layout of the storage data model (values, records, tables,
 * schemas, queries) whose accessors are public in commpolice/sys/storage.h. */
#ifndef CPOL_CORE_RECORD_H
#define CPOL_CORE_RECORD_H

#include <commpolice/sys/storage.h>
#include <commpolice/types.h>

struct cpol_value {
    int type;            /* cpol_value_kind */
    size_t len;          /* bytes of text (without NUL) or blob */
    union {
        int64_t i;
        double r;
        char *p;         /* text: len+1 bytes, NUL-terminated; blob: >= 1 byte allocated */
    } u;
};

typedef struct cpol_column_def {
    const char *name;
    int type;            /* cpol_column_type as stored */
    unsigned int flags;  /* CPOL_COLUMN_NOTNULL, CPOL__SECRET(), CPOL__BLIND() */
} cpol_column_def;

/* Columns the store encrypts at rest (store/crypt.c), declared in the flags
 * so a table stays a plain positional initialiser:
 *   CPOL__SECRET(logical, twin): personal data or an informant link, stored as
 *     an encrypted BLOB; the domain reads and writes the `logical` type (TEXT,
 *     ID, INT, TIME); `twin` is the column of its blind index, or 0 if the
 *     value is never searched;
 *   CPOL__BLIND(source): the keyed HMAC-SM3 of SECRET column `source`, for
 *     exact search, computed by the store (the domain never sets or reads it).
 * Backends see only the stored type and CPOL_COLUMN_NOTNULL. */
#define CPOL__COLUMN_SECRET 0x100u
#define CPOL__COLUMN_BLIND 0x200u
#define CPOL__SECRET(logical, twin) (CPOL__COLUMN_SECRET | ((unsigned)(logical) << 12) | ((unsigned)(twin) << 16))
#define CPOL__BLIND(source) (CPOL__COLUMN_BLIND | ((unsigned)(source) << 16))
#define CPOL__COL_LOGICAL(def) ((int)(((def)->flags >> 12) & 0xFu))
/* An INT column holding an enum: every stored value must lie in 0..max
 * (0 where the column allows "none"); checked on every read, so a damaged
 * row never reaches a table lookup or a shift with a value out of range. */
#define CPOL__ENUM(max) ((unsigned)(max) << 24)
/* A REAL column whose stored values must lie in -max..max (degrees of
 * latitude and longitude); every REAL read back must also be finite. */
#define CPOL__MAGNITUDE(max) ((unsigned)(max) << 24)
#define CPOL__COL_ENUM_MAX(def) ((int64_t)(((def)->flags >> 24) & 0xFFu))
#define CPOL__COL_TWIN(def) (((def)->flags >> 16) & 0xFFu)

#define CPOL__INDEX_MAX_COLS 4
typedef struct cpol_index_def {
    const char *name;
    int unique;
    unsigned int ncols;
    int cols[CPOL__INDEX_MAX_COLS];
} cpol_index_def;

struct cpol_table {
    const char *name;
    unsigned int ncols;
    const cpol_column_def *cols;
    unsigned int nindexes;
    const cpol_index_def *indexes;
    /* CPOL_TABLE_APPEND_ONLY bits. Last, so positional initialisers that
     * stop before it leave it 0. */
    unsigned int flags;
};

/* Internal table flag (above the public CPOL_TABLE_* bits): rows the store
 * does not seal into the audit chain (store/seal.h) — the audit table itself,
 * verified by its own hashes, and the key table, written at open. */
#define CPOL__TABLE_UNSEALED 0x10000u

struct cpol_schema {
    int64_t version;
    unsigned int ntables;
    const cpol_table *const *tables;
};

struct cpol_record {
    const cpol_table *table;
    cpol_value *vals;    /* table->ncols values */
};

typedef struct cpol_query_cond {
    int col;
    int op;
    cpol_value value;
} cpol_query_cond;

struct cpol_query {
    const cpol_table *table;
    unsigned int ncond, cap;
    cpol_query_cond *conds;
    int order_col;       /* -1: primary key */
    int desc;
    int64_t offset;
    int64_t limit;       /* -1: none */
};

/* Values */
void cpol__value_clear(cpol_value *v);
int cpol__value_copy(cpol_value *dst, const cpol_value *src);       /* CPOL_ENOMEM */
int cpol__value_set_text(cpol_value *v, const char *s, size_t len); /* CPOL_ENOMEM */
int cpol__value_set_blob(cpol_value *v, const void *p, size_t len); /* CPOL_ENOMEM */
void cpol__value_set_int(cpol_value *v, int64_t i);
/* Total order used by queries: NULL < numbers < text < blob; numbers by
 * value, text and blobs by memcmp then length. */
int cpol__value_compare(const cpol_value *a, const cpol_value *b);

/* Records */
int cpol__record_new(const cpol_table *t, cpol_record **out);      /* CPOL_ENOMEM */
void cpol__record_free(cpol_record *r);
void cpol__record_reset(cpol_record *r);                           /* every column NULL */
int cpol__record_copy(cpol_record *dst, const cpol_record *src);   /* same table */
int cpol__record_set_id(cpol_record *r, unsigned int col, const cpol_id *id);
/* 1 and *out filled if column col holds a 16-byte blob, else 0. */
int cpol__record_get_id(const cpol_record *r, unsigned int col, cpol_id *out);
/* NULL if the column is not text. */
const char *cpol__record_text(const cpol_record *r, unsigned int col);
int64_t cpol__record_int(const cpol_record *r, unsigned int col);
/* Check a record against its table before it reaches a backend: NOT NULL
 * columns set and every value of the column's type. CPOL_ERROR naming the
 * column when not (a bug in the core, never caller input). */
int cpol__record_check(const cpol_record *r);
/* A row read back from storage (encrypted columns already opened): every
 * value has its column's type and shape — NOT NULL kept, ids 16 bytes,
 * booleans 0 or 1, times within 0..CPOL_TIME_MAX — or CPOL_ECORRUPT names
 * the table, row and column. Domain modules check their own ranges (enums,
 * paths) on top. */
int cpol__record_check_stored(const cpol_record *r);
/* The primary key of a row for messages: an id as text, a quoted text key,
 * or a number (at least CPOL_ID_STRING_SIZE bytes of buf). */
void cpol__record_key_text(const cpol_record *r, char *buf, size_t size);

/* Queries */
int cpol__query_new(const cpol_table *t, cpol_query **out);        /* CPOL_ENOMEM */
void cpol__query_free(cpol_query *q);
int cpol__query_where(cpol_query *q, int col, int op, const cpol_value *v); /* value copied */
int cpol__query_where_int(cpol_query *q, int col, int op, int64_t v);
int cpol__query_where_text(cpol_query *q, int col, int op, const char *s, size_t len);
int cpol__query_where_id(cpol_query *q, int col, int op, const cpol_id *id);
void cpol__query_order(cpol_query *q, int col, int desc);
void cpol__query_page(cpol_query *q, int64_t offset, int64_t limit);
/* 1 if r satisfies every condition of q (the semantics backends must meet). */
int cpol__query_match(const cpol_query *q, const cpol_record *r);
/* Order of two rows under q: order column (NULLs first asc / last desc), then
 * primary key ascending. */
int cpol__query_compare_rows(const cpol_query *q, const cpol_record *a, const cpol_record *b);

#endif
