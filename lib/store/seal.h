/* The seal log: what one transaction wrote, for the tamper-evident audit
 * chain (docs/security.md, "The stored record").
 *
 * Every row the store inserts, updates or removes is hashed (SM3 over a
 * canonical image of the table name and every column) and remembered until
 * the audit entries of the same atomic unit are written. The domain queues
 * its audit entries here instead of inserting them; when a unit ends, the
 * store hands the queued entries and the rows written since the last flush to
 * the flusher the domain registered, which chains the entries and inserts
 * them. A unit that wrote rows but queued no entry is refused at commit: no
 * change reaches storage unaudited. Rolled-back savepoints drop their part of
 * the log. The store includes no domain header: the audit table is known to
 * it only as a table flagged CPOL__TABLE_UNSEALED. */
#ifndef CPOL_STORE_SEAL_H
#define CPOL_STORE_SEAL_H

#include <stddef.h>

#include "store/record.h"
#include "util/crypto.h"

/* Longest primary key the log keeps (ids are 16 bytes; text keys are short). */
#define CPOL__SEAL_KEY_MAX 255

typedef struct cpol_seal_row {
    const cpol_table *table;
    size_t key_off, key_len;                /* into the log's key bytes */
    unsigned char hash[CPOL__SM3_LEN];      /* all zero: removed */
} cpol_seal_row;

typedef struct cpol_seal_log cpol_seal_log;

/* The flusher: write `n` queued entries; entry i covers rows
 * [first[i], first[i+1]) and the last entry also every row after it.
 * `keys` holds the key bytes the rows point into. */
typedef int (*cpol__seal_flush_fn)(void *ud, cpol_record **entries, const size_t *first, size_t n,
                                   const cpol_seal_row *rows, size_t nrows, const unsigned char *keys);

/* The flusher of a context's store, implemented by the domain's audit module
 * (domain/base/audit_chain.c) as cpol__schema() is by the domain: `ud` is
 * the cpol_store, through which it reads the chain head and inserts. */
int cpol__audit_chain_write(void *ud, cpol_record **entries, const size_t *first, size_t n,
                            const cpol_seal_row *rows, size_t nrows, const unsigned char *keys);

int cpol__seal_log_new(cpol_seal_log **out);
void cpol__seal_log_free(cpol_seal_log *log);

/* Atomic units: begin pushes a mark, release pops it (the unit's rows and
 * entries stay for the enclosing unit), rollback pops it and forgets
 * everything logged since. */
int cpol__seal_log_begin(cpol_seal_log *log);
void cpol__seal_log_release(cpol_seal_log *log);
void cpol__seal_log_rollback(cpol_seal_log *log);

/* Log a written row (removed: only its key counts). */
int cpol__seal_log_row(cpol_seal_log *log, const cpol_record *r, int removed);
/* Queue an audit entry; the log owns it from now on, also on failure. */
int cpol__seal_log_entry(cpol_seal_log *log, cpol_record *entry);

/* Entries and rows waiting for a flush. */
size_t cpol__seal_log_entries(const cpol_seal_log *log);
size_t cpol__seal_log_rows(const cpol_seal_log *log);
/* The table of the first row waiting, for messages (NULL if none). */
const char *cpol__seal_log_first_table(const cpol_seal_log *log);

/* Hand everything waiting to fn and forget it (also when fn fails: the
 * caller then rolls the unit back). */
int cpol__seal_log_flush(cpol_seal_log *log, cpol__seal_flush_fn fn, void *ud);

/* Hash the canonical image of a row of table t. */
int cpol__seal_hash_row(cpol_sm3 *h, const cpol_record *r, unsigned char out[CPOL__SM3_LEN]);

/* Write the key (column 0) of a record as the log stores it: the bytes of an
 * id or text column, or 8 big-endian bytes of an integer. */
int cpol__seal_key_bytes(const cpol_record *r, unsigned char *buf, size_t cap, size_t *len_out);

#endif
