/* Internal storage layer: the core's only path to a backend. It owns
 * transactions (a call inside a batch runs in a savepoint), read-only
 * enforcement and record checks, so every backend behaves the same. */
#ifndef CPOL_CORE_STORE_H
#define CPOL_CORE_STORE_H

#include <commpolice/sys/storage.h>
#include "store/record.h"
#include "store/seal.h"
#include "store/keyring.h"

typedef struct cpol_store cpol_store;
typedef struct cpol_cursor cpol_cursor;

struct cpol_store {
    cpol_storage_methods m;   /* copy of the backend's table; later-version methods NULL */
    char name[32];            /* m.name points here: the registry entry may go away */
    void *state;              /* backend state from open() */
    unsigned int refs;        /* context + live cursors */
    unsigned int depth;       /* 0: no transaction, 1: transaction, n>1: savepoint n-1 */
    int readonly;
    /* Sealing (seal.h): on for a context's store, off for the bare stores
     * of the conformance suite, whose tables have no audit trail. */
    int sealed;
    cpol_seal_log *seal;
    /* Encryption at rest (keyring.h, crypt.c): SECRET columns of every table
     * pass through these keys, or through a plaintext envelope. */
    cpol_keyring keys;
};

/* Copy the registered method table of backend `name` (and its plugin data)
 * without touching the error state: 1 if found, 0 if not. */
int cpol__storage_lookup(const char *name, cpol_storage_methods *copy_out, void **plugin_data_out);

/* Open the backend named by the URI scheme; runs schema checks/migration. */
int cpol__store_open(const char *uri, const cpol_open_options *opts, cpol_store **out);
void cpol__store_retain(cpol_store *s);
void cpol__store_release(cpol_store *s);   /* closes the backend at 0 refs */

/* Start an atomic unit: a transaction at depth 0, otherwise a savepoint.
 * write=1 refuses read-only stores with CPOL_EREADONLY. */
int cpol__store_begin(cpol_store *s, int write);
/* Finish the unit begun by the matching cpol__store_begin(): commit/release
 * if rc >= 0, roll back otherwise. Returns rc, or the commit's error. */
int cpol__store_end(cpol_store *s, int rc);
/* Roll back the innermost open unit; returns the rollback's own status. */
int cpol__store_rollback(cpol_store *s);

/* Check the host's key against the database, or refuse a store without one
 * unless opts asks for plaintext (store_keys.c). CPOL_EKEY. */
int cpol__store_open_keys(cpol_store *s, const cpol_open_options *opts);
/* Re-encrypt every encrypted value under key `new_id`, inside the caller's
 * transaction. */
int cpol__store_rekey(cpol_store *s, const char *new_id);

/* Turn sealing on (cpol_ctx_open does, for the domain's tables). */
int cpol__store_enable_seal(cpol_store *s);
/* Queue an audit entry for the chain; the store owns it from now on. Without
 * sealing the entry is inserted at once. */
int cpol__store_audit(cpol_store *s, cpol_record *entry);

int cpol__store_insert(cpol_store *s, const cpol_record *r);
int cpol__store_update(cpol_store *s, const cpol_record *r);
int cpol__store_remove(cpol_store *s, const cpol_record *key);
int cpol__store_get(cpol_store *s, cpol_record *r);
int cpol__store_count(cpol_store *s, const cpol_query *q, int64_t *out);
int cpol__store_schema_version(cpol_store *s, int64_t *out);

/* Cursors hold a reference on the store, so they outlive a closed context. */
int cpol__cursor_open(cpol_store *s, const cpol_query *q, cpol_cursor **out);
/* Fill r (of the query's table): CPOL_OK or CPOL_DONE. */
int cpol__cursor_next(cpol_cursor *c, cpol_record *r);
void cpol__cursor_close(cpol_cursor *c);

#endif
