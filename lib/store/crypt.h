/* Encryption at rest at the storage seam: envelopes for SECRET columns,
 * blind indexes for their exact search, and the key table (see crypt.c). */
#ifndef CPOL_STORE_CRYPT_H
#define CPOL_STORE_CRYPT_H

#include "store/keyring.h"
#include "store/record.h"

/* cpol_key: the key ids the database was encrypted with, never the keys. */
enum { KEY_ID, KEY_GENERATION, KEY_CHECK, KEY_CURRENT, KEY_NCOLS };
extern const cpol_table cpol__table_key;

/* 1 if the table has SECRET or BLIND columns (only those are transformed). */
int cpol__table_has_secrets(const cpol_table *t);
/* A copy of `in` as stored: SECRET columns enveloped, BLIND columns computed. */
int cpol__crypt_encode(const cpol_keyring *kr, const cpol_record *in, cpol_record **out);
/* Open the envelopes of a row read back, in place: CPOL_ECORRUPT naming the
 * table, row and column when a value or its index fails its check. */
int cpol__crypt_decode(cpol_keyring *kr, cpol_record *r);
/* A copy of `in` whose exact matches on SECRET columns search their blind
 * indexes; anything else on an encrypted column is refused. */
int cpol__crypt_query(const cpol_keyring *kr, const cpol_query *in, cpol_query **out);

#endif
