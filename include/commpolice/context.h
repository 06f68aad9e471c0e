/**
 * @file commpolice/context.h
 * @brief The library context: opening storage, the clock, and batches.
 *
 * A context is the root handle. Open it on a storage URI:
 *
 * | URI                         | storage                                             |
 * |-----------------------------|-----------------------------------------------------|
 * | `sqlite:PATH`               | a SQLite file (created if missing), the default     |
 * | `memory:`                   | a private in-memory store, gone when closed         |
 * | `postgresql://…`            | a PostgreSQL server, when built with libpq          |
 * | `NAME:…`                    | a backend registered with cpol_storage_register()   |
 *
 * On open the library checks the stored schema version: an older database is
 * migrated in one transaction; a newer one is refused with #CPOL_ESCHEMA and
 * left untouched.
 *
 * Every write through the context is committed before the call returns,
 * unless a batch is open: then writes are committed together by
 * cpol_batch_commit(), which is much faster for bulk work (one durable sync
 * instead of one per write). Inside a batch each call is still atomic on its
 * own: a call that fails leaves no partial writes, and the batch goes on.
 */
#ifndef COMMPOLICE_CONTEXT_H
#define COMMPOLICE_CONTEXT_H

#include "common.h"
#include "types.h"
#include "actor.h"

CPOL_BEGIN_DECL

/**
 * A clock: returns the current time in milliseconds since the epoch.
 * A negative value says the clock failed (a binding returns -1 when its
 * callback raised): the call that needed the time then fails with
 * #CPOL_EUSER and stores nothing. Times past #CPOL_TIME_MAX are held there.
 * @param payload  the cpol_open_options::clock_payload given at open
 * @return milliseconds since the epoch, or a negative value on failure
 */
typedef cpol_time (*cpol_clock_cb)(void *payload);

/** Bytes of a master key handed to the library by a #cpol_key_cb. */
#define CPOL_KEY_LEN 32

/**
 * A key source: writes the 32-byte master key named @p key_id to @p key.
 * The host keeps keys outside the database (a key-management service, a
 * hardware module, a file readable only by the service account); the library
 * keeps only the key id and a check value, and wipes its copy on close.
 * @param payload  the cpol_open_options::key_payload given at open
 * @param key_id   the key wanted (the one set at creation, or by cpol_rekey())
 * @param[out] key  receives the key
 * @return 0 on success; any other value: the key is not available
 *         (cpol_ctx_open() then fails with #CPOL_EKEY)
 */
typedef int (*cpol_key_cb)(void *payload, const char *key_id, unsigned char key[CPOL_KEY_LEN]);

/** Open read-only: every write returns #CPOL_EREADONLY; the storage must exist. */
#define CPOL_OPEN_READONLY 0x1u
/** Do not create the storage if it does not exist (#CPOL_ENOTFOUND instead). */
#define CPOL_OPEN_NOCREATE 0x2u
/**
 * Store personal data without encryption. Without a key, opening fails with
 * #CPOL_EKEY unless this flag is given: a deployment never writes names,
 * ID-card numbers, phones and informant links in clear by accident. Meant
 * for tests and demonstrations.
 */
#define CPOL_OPEN_PLAINTEXT 0x4u

/**
 * Options for cpol_ctx_open(). Initialise with #CPOL_OPEN_OPTIONS_INIT or
 * cpol_open_options_init(), then set the fields you need.
 *
 * The struct only ever grows at the end; #CPOL_OPEN_OPTIONS_VERSION is raised
 * with every new field, and the library reads only the fields that existed in
 * the version you set.
 */
typedef struct cpol_open_options {
    unsigned int version;   /**< #CPOL_OPEN_OPTIONS_VERSION at the time you compiled */
    uint32_t flags;         /**< #CPOL_OPEN_READONLY, #CPOL_OPEN_NOCREATE, or 0 */
    int32_t busy_timeout_ms; /**< how long to wait for another process's lock; 0 = 5000 ms default */
    cpol_clock_cb clock;    /**< time source; NULL = the system's real-time clock */
    void *clock_payload;    /**< passed to @ref clock unchanged */
    /* version 2 */
    const char *key_id;     /**< the key that encrypts a new database (up to 64 bytes); an existing one names its own */
    cpol_key_cb key;        /**< where keys come from; NULL: no key (needs #CPOL_OPEN_PLAINTEXT) */
    void *key_payload;      /**< passed to @ref key unchanged */
} cpol_open_options;

/** The current version of #cpol_open_options. */
#define CPOL_OPEN_OPTIONS_VERSION 2
/** Static initialiser for #cpol_open_options with every field at its default. */
#define CPOL_OPEN_OPTIONS_INIT { CPOL_OPEN_OPTIONS_VERSION, 0, 0, NULL, NULL, NULL, NULL, NULL }

/**
 * Initialise an options struct to its defaults (for callers that cannot use
 * #CPOL_OPEN_OPTIONS_INIT, such as language bindings).
 * @param[out] opts  the struct to fill
 * @param version  #CPOL_OPEN_OPTIONS_VERSION
 * @return #CPOL_OK; #CPOL_EMISUSE if @p opts is NULL; #CPOL_EVERSION if
 *         @p version is 0 or newer than this library knows
 * @since 0.1
 */
CPOL_API int cpol_open_options_init(cpol_open_options *opts, unsigned int version);

/**
 * Open a context on a storage URI.
 *
 * @ctor cpol_ctx
 * @param[out] out  receives the new context (owned by the caller; close it
 *                  with cpol_ctx_close()); set to NULL on failure
 * @param uri   storage URI, see the table in commpolice/context.h
 * @param opts  options, or NULL for defaults
 * @return #CPOL_OK;
 *         #CPOL_EMISUSE if @p out or @p uri is NULL;
 *         #CPOL_EINVALID if @p uri has no `scheme:` prefix or a bad option value;
 *         #CPOL_ESCHEME if no backend handles the scheme;
 *         #CPOL_EVERSION if @p opts->version is unsupported;
 *         #CPOL_ENOTFOUND if the directory (or, with #CPOL_OPEN_NOCREATE or
 *         #CPOL_OPEN_READONLY, the file) does not exist;
 *         #CPOL_EIO if the file cannot be read or created;
 *         #CPOL_ECORRUPT if it is truncated, damaged, not SQLite or not a
 *         libcommpolice database;
 *         #CPOL_ESCHEMA if it was written by a newer library;
 *         #CPOL_EREADONLY if a read-only open needs a migration;
 *         #CPOL_EBUSY if another process holds a lock beyond the busy timeout;
 *         #CPOL_ESTORAGE for other backend failures; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_ctx_open(cpol_ctx **out, const char *uri, const cpol_open_options *opts);

/**
 * Close a context. An open batch is rolled back (its writes were never
 * acknowledged). Iterators that are still alive keep the underlying storage
 * open until they are freed, so objects may be freed in any order (useful for
 * garbage-collected languages); the context itself may not be used again.
 *
 * @dtor cpol_ctx
 * @param ctx  the context, or NULL (a no-op)
 * @return #CPOL_OK; #CPOL_ESTORAGE if rolling back an open batch failed (the
 *         context is closed anyway)
 * @since 0.1
 */
CPOL_API int cpol_ctx_close(cpol_ctx *ctx);

/**
 * The name of the storage backend the context runs on ("sqlite", "memory", …).
 * @param ctx  an open context
 * @return a string owned by the library, valid while the context is open;
 *         "" if @p ctx is NULL
 * @since 0.1
 */
CPOL_API const char *cpol_ctx_backend(cpol_ctx *ctx);

/**
 * The current time from the context's clock.
 * @param ctx  an open context
 * @return milliseconds since the epoch; -1 if @p ctx is NULL
 * @since 0.1
 */
CPOL_API cpol_time cpol_ctx_now(cpol_ctx *ctx);

/**
 * The schema version stored in the database (after any migration at open).
 * @param ctx  an open context
 * @param[out] out  receives the version
 * @return #CPOL_OK; #CPOL_EMISUSE if an argument is NULL; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_ctx_schema_version(cpol_ctx *ctx, int64_t *out);

/**
 * The newest schema version this library writes (what cpol_ctx_schema_version()
 * reports after opening a database with it).
 * @return the schema version; never fails
 * @since 0.1
 */
CPOL_API int64_t cpol_schema_version_current(void);

/**
 * Rotate the encryption key: every encrypted value is re-encrypted under the
 * key @p new_key_id (asked for from the context's key callback), in one
 * transaction, and the key id is recorded as current; later opens name it.
 * The audit trail records the rotation. Blind indexes are rebuilt with the
 * new key, so lookups work as before.
 * @param ctx  a context opened with a key callback
 * @param as   the system actor (the installation itself)
 * @param new_key_id  a key id never used by this database, 1 to 64 bytes
 * @return #CPOL_OK; #CPOL_EKEY if the callback has no such key or the context
 *         has no key callback; #CPOL_EEXISTS if the key id was used before;
 *         #CPOL_EPERM for another actor; #CPOL_EINVALID; #CPOL_EMISUSE;
 *         #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE; #CPOL_ECORRUPT if a
 *         stored value fails its check; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_rekey(cpol_ctx *ctx, const cpol_actor *as, const char *new_key_id);

/**
 * Start a batch: the following writes share one transaction and one commit.
 *
 * Each call inside the batch is still all-or-nothing on its own: when a call
 * fails, its partial writes are undone and the batch stays open, so the caller
 * decides whether to skip the failure (go on and commit) or abandon everything
 * (cpol_batch_rollback()). Other connections see none of the batch until it
 * commits.
 *
 * @param ctx  an open context
 * @return #CPOL_OK; #CPOL_EMISUSE if @p ctx is NULL or a batch is already open;
 *         #CPOL_EREADONLY; #CPOL_EBUSY if another process holds the write lock
 *         beyond the busy timeout; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_batch_begin(cpol_ctx *ctx);

/**
 * Commit the open batch. When this returns #CPOL_OK every write of the batch
 * is durable; on failure none of them is stored and the batch is closed.
 * @param ctx  an open context
 * @return #CPOL_OK; #CPOL_EMISUSE if no batch is open; #CPOL_EBUSY;
 *         #CPOL_EIO; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_batch_commit(cpol_ctx *ctx);

/**
 * Abandon the open batch: none of its writes is stored.
 * @param ctx  an open context
 * @return #CPOL_OK; #CPOL_EMISUSE if no batch is open; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_batch_rollback(cpol_ctx *ctx);

/**
 * Whether a batch is open on the context.
 * @param ctx  a context
 * @return 1 if a batch is open, 0 if not or if @p ctx is NULL
 * @since 0.1
 */
CPOL_API int cpol_batch_active(cpol_ctx *ctx);

CPOL_END_DECL

#endif /* COMMPOLICE_CONTEXT_H */
