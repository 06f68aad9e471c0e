/* Key derivation and the host's key callback (see keyring.h). */
#include <stdio.h>
#include <string.h>

#include "store/keyring.h"
#include "util/error.h"

/* Each derived key is HMAC-SM3(master, label): one master key, three keys
 * that never coincide. */
static int derive(const unsigned char master[CPOL_KEY_LEN], const char *label, unsigned char out[CPOL__SM3_LEN])
{
    return cpol__hmac_sm3(NULL, master, CPOL_KEY_LEN, label, strlen(label), out);
}

int cpol__key_derive(cpol_key_slot *slot, const unsigned char master[CPOL_KEY_LEN])
{
    unsigned char enc[CPOL__SM3_LEN];
    int rc = derive(master, "libcommpolice SM4 value key v1", enc);
    if (rc >= 0)
        rc = derive(master, "libcommpolice HMAC-SM3 value integrity key v1", slot->mac);
    if (rc >= 0)
        rc = derive(master, "libcommpolice HMAC-SM3 blind index key v1", slot->blind);
    memcpy(slot->enc, enc, CPOL__SM4_KEY);
    memset(enc, 0, sizeof enc);
    return rc;
}

int cpol__key_check_value(const cpol_key_slot *slot, unsigned char out[CPOL__SM3_LEN])
{
    static const char what[] = "libcommpolice key check v1";
    return cpol__hmac_sm3(slot->algs, slot->mac, sizeof slot->mac, what, sizeof what - 1, out);
}

cpol_key_slot *cpol__keyring_slot(cpol_keyring *k, int generation)
{
    int i;
    for (i = 0; i < CPOL__KEY_SLOTS; i++)
        if (k->slots[i].generation == generation && generation > 0)
            return &k->slots[i];
    return NULL;
}

int cpol__keyring_fetch(cpol_keyring *k, const char *id, int generation, cpol_key_slot **out)
{
    unsigned char master[CPOL_KEY_LEN];
    cpol_key_slot *slot = cpol__keyring_slot(k, generation);
    int i, rc;
    if (slot) {
        *out = slot;
        return CPOL_OK;
    }
    for (i = 0; i < CPOL__KEY_SLOTS && k->slots[i].generation; i++)
        ;
    if (i == CPOL__KEY_SLOTS)
        return cpol__error(CPOL_ELIMIT, "more than %d keys in use at once", CPOL__KEY_SLOTS);
    if (!k->cb)
        return cpol__error(CPOL_EKEY, "the database is encrypted with key \"%s\": open it with a key callback "
                                      "that provides that key",
                           id);
    if (strlen(id) > CPOL__KEY_ID_MAX)
        return cpol__error(CPOL_EKEY, "a key id is longer than %d bytes", CPOL__KEY_ID_MAX);
    memset(master, 0, sizeof master);
    if (k->cb(k->payload, id, master) != 0) {
        memset(master, 0, sizeof master);
        return cpol__error(CPOL_EKEY, "the key callback has no key \"%s\"", id);
    }
    slot = &k->slots[i];
    rc = cpol__key_derive(slot, master);
    memset(master, 0, sizeof master);
    if (rc < 0)
        return rc;
    slot->generation = generation;
    slot->algs = &k->algs;
    snprintf(slot->id, sizeof slot->id, "%s", id);
    *out = slot;
    return CPOL_OK;
}
