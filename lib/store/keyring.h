/* Keys for encryption at rest (docs/security.md, "The stored record").
 *
 * The host supplies a 32-byte master key through the open options' key
 * callback, named by a key id; the database keeps only the key id and a check
 * value (table cpol_key), never a key. From the master key three keys are
 * derived with HMAC-SM3: an SM4 key for values, an HMAC-SM3 key for their
 * integrity, and an HMAC-SM3 key for blind indexes (exact lookups of an
 * encrypted column). A store holding encrypted data cannot be opened without
 * its key (CPOL_EKEY); a store without a key is created only when the host
 * asks for it with CPOL_OPEN_PLAINTEXT. */
#ifndef CPOL_STORE_KEYRING_H
#define CPOL_STORE_KEYRING_H

#include <commpolice/context.h>

#include "util/crypto.h"

#define CPOL__KEY_ID_MAX 64
#define CPOL__KEY_SLOTS 4

typedef struct cpol_key_slot {
    int generation;                      /* its row in cpol_key; 0: empty */
    const cpol_crypto_algs *algs;        /* the keyring's fetched algorithms */
    char id[CPOL__KEY_ID_MAX + 1];
    unsigned char enc[CPOL__SM4_KEY];
    unsigned char mac[CPOL__SM3_LEN];
    unsigned char blind[CPOL__SM3_LEN];
} cpol_key_slot;

typedef struct cpol_keyring {
    int keyed;                           /* 0: plaintext store */
    int current;                         /* index into slots of the key new values use */
    cpol_key_slot slots[CPOL__KEY_SLOTS];
    cpol_key_cb cb;
    void *payload;
    cpol_crypto_algs algs;               /* fetched at open, freed at close */
} cpol_keyring;

/* Derive the slot's keys from a master key. */
int cpol__key_derive(cpol_key_slot *slot, const unsigned char master[CPOL_KEY_LEN]);
/* The check value stored beside a key id: proves a later key is the same one. */
int cpol__key_check_value(const cpol_key_slot *slot, unsigned char out[CPOL__SM3_LEN]);
/* Ask the host's callback for key `id` and derive it into a free slot. */
int cpol__keyring_fetch(cpol_keyring *k, const char *id, int generation, cpol_key_slot **out);
/* The slot of a generation, or NULL. */
cpol_key_slot *cpol__keyring_slot(cpol_keyring *k, int generation);

#endif
