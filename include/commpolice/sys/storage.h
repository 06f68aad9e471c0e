/**
 * @file commpolice/sys/storage.h
 * @brief The storage plugin interface: how a backend stores the core's tables.
 *
 * The domain core owns every rule; a backend only stores and finds rows. The
 * core describes its data as a *schema* of *tables*, each with typed *columns*
 * (column 0 is the primary key) and *indexes*. A backend maps each table to a
 * real table of its database with real columns, so analysts can read the data
 * with plain SQL. Rows travel as opaque *records* read and written through the
 * accessors below, never as C structs, so the core can evolve its tables
 * without breaking the plugin ABI.
 *
 * A backend fills a #cpol_storage_methods table and registers it with
 * cpol_storage_register(); contexts opened on `NAME:location` then use it.
 *
 * ## Contract every backend must meet (checked by the conformance suite)
 * - **Transactions**: begin() starts a write transaction (taking the write
 *   lock at once, so a later write cannot deadlock); commit() makes it durable
 *   before returning; rollback() discards it. Savepoints nest inside it:
 *   savepoint(level) marks, release(level) keeps the changes since the mark,
 *   rollback_to(level) undoes them; both remove the mark and every deeper one.
 *   Outside begin()/commit() each write is committed on its own.
 * - **Rows**: insert() fails with #CPOL_EEXISTS when the primary key or a
 *   unique index is taken, and stores nothing; update() replaces every column
 *   of the row with the same primary key (#CPOL_ENOTFOUND if none,
 *   #CPOL_EEXISTS if the new values collide in a unique index); remove()
 *   deletes by primary key (#CPOL_ENOTFOUND if none); get() fills a record
 *   whose column 0 holds the key.
 * - **Values round-trip exactly**: 64-bit integers, doubles, text and blobs
 *   byte for byte (text may contain any valid UTF-8, blobs any bytes). Two
 *   exceptions that SQLite imposes: the core never stores NaN, and -0.0 may
 *   read back as 0.0.
 * - **Queries**: rows matching every condition (AND), in the order of the
 *   query's order column (NULLs first when ascending, last when descending),
 *   ties broken by ascending primary key; then offset and limit. Comparisons
 *   are numeric for integers and reals, byte-wise (memcmp, shorter first on
 *   a common prefix) for text and blobs. A condition never matches a NULL
 *   column, except #CPOL_OP_EQ / #CPOL_OP_NE with a NULL value, which mean
 *   "is NULL" / "is not NULL".
 * - **Concurrency**: a backend whose database detects conflicts optimistically
 *   (PostgreSQL at SERIALIZABLE) may return #CPOL_EBUSY from any write or
 *   from commit(), not only from begin(); the transaction is then rolled back
 *   and the caller retries the whole request with the same request id.
 * - **Errors**: a failing method returns a negative #cpol_status_t and sets the
 *   message with cpol_error_set_str(): #CPOL_EBUSY for lock timeouts,
 *   #CPOL_EIO for operating-system failures, #CPOL_ECORRUPT for damaged data,
 *   #CPOL_ESTORAGE otherwise.
 *
 * ## Versioning
 * The method table starts with its version and only ever grows at the end;
 * #CPOL_STORAGE_VERSION is raised with every method added. The library calls
 * a method only if the plugin's version includes it and the pointer is not
 * NULL, so old plugins keep working. This header is under the same ABI promise
 * as the rest of the API.
 */
#ifndef COMMPOLICE_SYS_STORAGE_H
#define COMMPOLICE_SYS_STORAGE_H

#include "../common.h"
#include "../context.h"

CPOL_BEGIN_DECL

/** The whole set of tables the core stores, with its version number. */
typedef struct cpol_schema cpol_schema;
/** One table: a name, typed columns (column 0 is the primary key) and indexes. */
typedef struct cpol_table cpol_table;
/** One row of a table, read and written through accessors. */
typedef struct cpol_record cpol_record;
/** One value of a record or query condition. */
typedef struct cpol_value cpol_value;
/** A query on one table: conditions, order, offset and limit. */
typedef struct cpol_query cpol_query;

/** Column types (stable values). */
typedef enum cpol_column_type_t {
    CPOL_COLUMN_INT = 1,   /**< 64-bit signed integer */
    CPOL_COLUMN_REAL = 2,  /**< IEEE double */
    CPOL_COLUMN_TEXT = 3,  /**< UTF-8 text */
    CPOL_COLUMN_BLOB = 4,  /**< bytes */
    CPOL_COLUMN_ID = 5,    /**< a 16-byte #cpol_id, carried as a blob value */
    CPOL_COLUMN_TIME = 6,  /**< a #cpol_time (ms since epoch), carried as an integer value */
    CPOL_COLUMN_BOOL = 7   /**< 0 or 1, carried as an integer value */
} cpol_column_type_t;

/** Column flags (bits). */
#define CPOL_COLUMN_NOTNULL 0x1u

/** The kind of a value (stable values); cpol_value_type() returns one. */
typedef enum cpol_value_kind_t {
    CPOL_VALUE_NULL = 0,   /**< no value */
    CPOL_VALUE_INT = 1,    /**< integer (also TIME and BOOL columns) */
    CPOL_VALUE_REAL = 2,   /**< double */
    CPOL_VALUE_TEXT = 3,   /**< UTF-8 text */
    CPOL_VALUE_BLOB = 4    /**< bytes (also ID columns) */
} cpol_value_kind_t;

/** Comparison operators of query conditions (stable values). */
typedef enum cpol_query_op_t {
    CPOL_OP_EQ = 1,  /**< equal (with a NULL value: column is NULL) */
    CPOL_OP_NE = 2,  /**< not equal (with a NULL value: column is not NULL) */
    CPOL_OP_LT = 3,  /**< less than */
    CPOL_OP_LE = 4,  /**< less than or equal */
    CPOL_OP_GT = 5,  /**< greater than */
    CPOL_OP_GE = 6   /**< greater than or equal */
} cpol_query_op_t;

/* ---- schema description (all results borrowed from the library; valid while the context is open) ---- */

/**
 * @param schema  the schema given to cpol_storage_methods::migrate
 * @return its version number
 * @since 0.1
 */
CPOL_API int64_t cpol_schema_version(const cpol_schema *schema);
/**
 * @param schema  a schema
 * @return the number of tables
 * @since 0.1
 */
CPOL_API unsigned int cpol_schema_table_count(const cpol_schema *schema);
/**
 * @param schema  a schema
 * @param i  table index, below cpol_schema_table_count()
 * @return the table (borrowed), or NULL if @p i is out of range
 * @since 0.1
 */
CPOL_API const cpol_table *cpol_schema_table(const cpol_schema *schema, unsigned int i);
/**
 * @param table  a table
 * @return its name: lower-case ASCII letters, digits and `_` (safe to use as an SQL identifier)
 * @since 0.1
 */
CPOL_API const char *cpol_table_name(const cpol_table *table);
/**
 * @param table  a table
 * @return the number of columns (at least 1; column 0 is the primary key)
 * @since 0.1
 */
CPOL_API unsigned int cpol_table_column_count(const cpol_table *table);
/**
 * @param table  a table
 * @param col  column index
 * @return the column name (lower-case ASCII letters, digits, `_`), or NULL if out of range
 * @since 0.1
 */
CPOL_API const char *cpol_table_column_name(const cpol_table *table, unsigned int col);
/**
 * @param table  a table
 * @param col  column index
 * @return a #cpol_column_type_t, or 0 if out of range
 * @since 0.1
 */
CPOL_API int cpol_table_column_type(const cpol_table *table, unsigned int col);
/**
 * @param table  a table
 * @param col  column index
 * @return #CPOL_COLUMN_NOTNULL bits (column 0 is always NOT NULL), 0 if out of range
 * @since 0.1
 */
CPOL_API unsigned int cpol_table_column_flags(const cpol_table *table, unsigned int col);
/**
 * @param table  a table
 * @return the number of secondary indexes
 * @since 0.1
 */
CPOL_API unsigned int cpol_table_index_count(const cpol_table *table);
/**
 * @param table  a table
 * @param idx  index number
 * @return the index name (unique across the schema; a safe SQL identifier), or NULL if out of range
 * @since 0.1
 */
CPOL_API const char *cpol_table_index_name(const cpol_table *table, unsigned int idx);
/**
 * @param table  a table
 * @param idx  index number
 * @return 1 if the index is unique (NULLs never collide), 0 if not or out of range
 * @since 0.1
 */
CPOL_API int cpol_table_index_unique(const cpol_table *table, unsigned int idx);
/**
 * @param table  a table
 * @param idx  index number
 * @return the number of columns of the index, 0 if out of range
 * @since 0.1
 */
CPOL_API unsigned int cpol_table_index_column_count(const cpol_table *table, unsigned int idx);
/**
 * @param table  a table
 * @param idx  index number
 * @param k  position within the index
 * @return the column number at that position, or -1 if out of range
 * @since 0.1
 */
CPOL_API int cpol_table_index_column(const cpol_table *table, unsigned int idx, unsigned int k);

/* ---- values ---- */

/**
 * @param v  a value (NULL counts as a NULL value)
 * @return its #cpol_value_kind_t
 * @since 0.1
 */
CPOL_API int cpol_value_type(const cpol_value *v);
/**
 * @param v  a value
 * @return the integer, or 0 if it is not an integer
 * @since 0.1
 */
CPOL_API int64_t cpol_value_int(const cpol_value *v);
/**
 * @param v  a value
 * @return the double, or 0.0 if it is not a real
 * @since 0.1
 */
CPOL_API double cpol_value_real(const cpol_value *v);
/**
 * @param v  a value
 * @param[out] len_out  receives the length in bytes (may be NULL)
 * @return the NUL-terminated text (borrowed, valid while the value is), or NULL if it is not text
 * @since 0.1
 */
CPOL_API const char *cpol_value_text(const cpol_value *v, size_t *len_out);
/**
 * @param v  a value
 * @param[out] len_out  receives the length in bytes (may be NULL)
 * @return the bytes (borrowed, valid while the value is; not NULL for an empty blob), or NULL if it is not a blob
 * @since 0.1
 */
CPOL_API const void *cpol_value_blob(const cpol_value *v, size_t *len_out);

/* ---- records ---- */

/**
 * @param rec  a record
 * @return the table the record belongs to
 * @since 0.1
 */
CPOL_API const cpol_table *cpol_record_table(const cpol_record *rec);
/**
 * @param rec  a record
 * @param col  column index
 * @return the value in that column (borrowed, valid until the column is set again), or NULL if out of range
 * @since 0.1
 */
CPOL_API const cpol_value *cpol_record_value(const cpol_record *rec, unsigned int col);
/**
 * Set a column to NULL.
 * @param rec  a record
 * @param col  column index
 * @return #CPOL_OK; #CPOL_EMISUSE if @p rec is NULL or @p col is out of range
 * @since 0.1
 */
CPOL_API int cpol_record_set_null(cpol_record *rec, unsigned int col);
/**
 * Set a column to an integer.
 * @param rec  a record
 * @param col  column index
 * @param v  the value
 * @return #CPOL_OK; #CPOL_EMISUSE if @p rec is NULL or @p col is out of range
 * @since 0.1
 */
CPOL_API int cpol_record_set_int(cpol_record *rec, unsigned int col, int64_t v);
/**
 * Set a column to a double.
 * @param rec  a record
 * @param col  column index
 * @param v  the value
 * @return #CPOL_OK; #CPOL_EMISUSE if @p rec is NULL or @p col is out of range
 * @since 0.1
 */
CPOL_API int cpol_record_set_real(cpol_record *rec, unsigned int col, double v);
/**
 * Set a column to text (copied).
 * @param rec  a record
 * @param col  column index
 * @param text  the bytes (need not be NUL-terminated)
 * @param len  their length
 * @return #CPOL_OK; #CPOL_EMISUSE for NULL pointers or @p col out of range; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_record_set_text(cpol_record *rec, unsigned int col, const char *text, size_t len);
/**
 * Set a column to a blob (copied).
 * @param rec  a record
 * @param col  column index
 * @param data  the bytes (may be NULL when @p len is 0)
 * @param len  their length
 * @return #CPOL_OK; #CPOL_EMISUSE for NULL pointers or @p col out of range; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_record_set_blob(cpol_record *rec, unsigned int col, const void *data, size_t len);

/* ---- queries ---- */

/**
 * @param q  a query
 * @return the table it reads
 * @since 0.1
 */
CPOL_API const cpol_table *cpol_query_table(const cpol_query *q);
/**
 * @param q  a query
 * @return the number of conditions (all must hold)
 * @since 0.1
 */
CPOL_API unsigned int cpol_query_cond_count(const cpol_query *q);
/**
 * @param q  a query
 * @param i  condition index
 * @return the column the condition tests, or -1 if out of range
 * @since 0.1
 */
CPOL_API int cpol_query_cond_column(const cpol_query *q, unsigned int i);
/**
 * @param q  a query
 * @param i  condition index
 * @return a #cpol_query_op_t, or 0 if out of range
 * @since 0.1
 */
CPOL_API int cpol_query_cond_op(const cpol_query *q, unsigned int i);
/**
 * @param q  a query
 * @param i  condition index
 * @return the value compared against (borrowed), or NULL if out of range
 * @since 0.1
 */
CPOL_API const cpol_value *cpol_query_cond_value(const cpol_query *q, unsigned int i);
/**
 * @param q  a query
 * @return the column to order by, or -1 for primary-key order
 * @since 0.1
 */
CPOL_API int cpol_query_order_column(const cpol_query *q);
/**
 * @param q  a query
 * @return 1 if the order column is descending, 0 if ascending
 * @since 0.1
 */
CPOL_API int cpol_query_order_desc(const cpol_query *q);
/**
 * @param q  a query
 * @return the number of leading rows to skip
 * @since 0.1
 */
CPOL_API int64_t cpol_query_offset(const cpol_query *q);
/**
 * @param q  a query
 * @return the maximum number of rows, or -1 for no limit
 * @since 0.1
 */
CPOL_API int64_t cpol_query_limit(const cpol_query *q);

/* ---- the method table ---- */

/** The current version of #cpol_storage_methods. */
#define CPOL_STORAGE_VERSION 1

/**
 * A storage backend. Keep one `static const` instance per backend; the library
 * copies it at registration.
 *
 * Every method receives the state pointer that open() produced. Methods marked
 * optional may be NULL.
 */
typedef struct cpol_storage_methods {
    /** #CPOL_STORAGE_VERSION the plugin was compiled against. */
    unsigned int version;
    /** URI scheme this backend handles (lower-case letters, digits, plus, minus and dot; starts with a letter). */
    const char *name;

    /* ---- version 1 ---- */

    /**
     * Open the storage at @p location (the URI after `NAME:`), creating it
     * unless @p opts->flags has #CPOL_OPEN_NOCREATE or #CPOL_OPEN_READONLY.
     * @p opts is complete (every field of the current version is set).
     * On success store the backend's state in @p *state_out.
     */
    int (*open)(void **state_out, const char *location, const cpol_open_options *opts, void *plugin_data);
    /** Close and free the state. An open transaction is rolled back. */
    void (*close)(void *state);
    /** The stored schema version in @p *out, 0 for new, empty storage. */
    int (*schema_version)(void *state, int64_t *out);
    /**
     * Create the tables, columns and indexes of @p schema that do not exist
     * yet (never dropping anything) and store cpol_schema_version(schema).
     * Called inside a transaction when the stored version is lower.
     */
    int (*migrate)(void *state, const cpol_schema *schema);
    /** Begin a write transaction. */
    int (*begin)(void *state);
    /** Commit durably. On failure the transaction is rolled back. */
    int (*commit)(void *state);
    /** Roll back the transaction. */
    int (*rollback)(void *state);
    /** Set savepoint number @p level (1, 2, … in nesting order) inside the transaction. */
    int (*savepoint)(void *state, unsigned int level);
    /** Keep the changes since savepoint @p level and forget it and deeper ones. */
    int (*release)(void *state, unsigned int level);
    /** Undo the changes since savepoint @p level and forget it and deeper ones. */
    int (*rollback_to)(void *state, unsigned int level);
    /** Insert a row; #CPOL_EEXISTS if its primary key or a unique index value is taken. */
    int (*insert)(void *state, const cpol_record *rec);
    /** Replace the row with the same primary key; #CPOL_ENOTFOUND if none. */
    int (*update)(void *state, const cpol_record *rec);
    /** Delete the row whose primary key is column 0 of @p key; #CPOL_ENOTFOUND if none. */
    int (*remove)(void *state, const cpol_record *key);
    /** Fill @p rec from the row whose primary key is column 0 of @p rec; #CPOL_ENOTFOUND if none. */
    int (*get)(void *state, cpol_record *rec);
    /** Start a query; the cursor lives until cursor_close() and may outlive writes made meanwhile. */
    int (*query_open)(void *state, const cpol_query *q, void **cursor_out);
    /** Fill @p rec with the next row: #CPOL_OK, or #CPOL_DONE at the end. */
    int (*cursor_next)(void *cursor, cpol_record *rec);
    /** Free a cursor. */
    void (*cursor_close)(void *cursor);
    /** Optional: count the rows matching the query's conditions (order, offset and limit are ignored). */
    int (*count)(void *state, const cpol_query *q, int64_t *out);

    /* ---- version 2 methods will be appended below this line only ---- */
} cpol_storage_methods;

/**
 * Register a storage backend for the URI scheme in @p methods->name.
 *
 * The table is validated and copied: its version must be between 1 and
 * #CPOL_STORAGE_VERSION, its name a valid scheme, and every method not marked
 * optional present. Thread-safe. At most 32 backends can be registered.
 *
 * @param methods  the method table (copied)
 * @param plugin_data  passed to open() unchanged (may be NULL)
 * @return #CPOL_OK; #CPOL_EMISUSE if @p methods is NULL; #CPOL_EVERSION if its
 *         version is 0 or newer than this library; #CPOL_EINVALID if the name
 *         is not a valid scheme or a required method is NULL (the message
 *         names it); #CPOL_EEXISTS if the scheme is taken; #CPOL_ENOMEM if the
 *         registry is full
 * @since 0.1
 */
CPOL_API int cpol_storage_register(const cpol_storage_methods *methods, void *plugin_data);

/**
 * Remove a registered backend. Contexts already open on it keep working.
 * Built-in backends cannot be removed.
 * @param name  the scheme
 * @return #CPOL_OK; #CPOL_EMISUSE if @p name is NULL; #CPOL_ENOTFOUND if not
 *         registered; #CPOL_EINVALID for a built-in backend
 * @since 0.1
 */
CPOL_API int cpol_storage_unregister(const char *name);

/**
 * Find a backend's method table, for example to wrap it in another backend.
 * @param name  the scheme
 * @param[out] out  receives the registered table (borrowed, valid until the
 *                  backend is unregistered)
 * @param[out] plugin_data_out  receives its plugin data (may be NULL)
 * @return #CPOL_OK; #CPOL_EMISUSE if @p name or @p out is NULL; #CPOL_ENOTFOUND
 * @since 0.1
 */
CPOL_API int cpol_storage_find(const char *name, const cpol_storage_methods **out, void **plugin_data_out);

CPOL_END_DECL

#endif /* COMMPOLICE_SYS_STORAGE_H */
