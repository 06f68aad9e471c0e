/* A hash map keyed by 32-byte digests, for verification passes that must
 * remember one small record per stored row (the audit chain's replay). Open
 * addressing; the digests are already uniform, so their first bytes are the
 * hash. */
#ifndef CPOL_UTIL_DIGEST_MAP_H
#define CPOL_UTIL_DIGEST_MAP_H

#include <stddef.h>
#include <stdint.h>

#define CPOL__DIGEST_LEN 32
#define CPOL__DIGEST_NOTE 40   /* bytes of caller data kept per slot */

typedef struct cpol_digest_slot {
    unsigned char key[CPOL__DIGEST_LEN];
    unsigned char value[CPOL__DIGEST_LEN];
    int64_t tag;                            /* caller's number (an entry's sequence) */
    unsigned char note[CPOL__DIGEST_NOTE];  /* caller's bytes (what to name in a message) */
    unsigned char used, seen;
} cpol_digest_slot;

typedef struct cpol_digest_map {
    cpol_digest_slot *slots;
    size_t cap, count;
} cpol_digest_map;

void cpol__digest_map_init(cpol_digest_map *m);
void cpol__digest_map_free(cpol_digest_map *m);
/* The slot for key, created (zeroed but for the key) if absent: CPOL_ENOMEM. */
int cpol__digest_map_put(cpol_digest_map *m, const unsigned char key[CPOL__DIGEST_LEN], cpol_digest_slot **out);
/* The slot for key, or NULL. */
cpol_digest_slot *cpol__digest_map_get(const cpol_digest_map *m, const unsigned char key[CPOL__DIGEST_LEN]);

#endif
