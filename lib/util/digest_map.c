/* Digest-keyed hash map (see digest_map.h). */
#include <string.h>

#include <commpolice/sys/alloc.h>

#include "util/alloc.h"
#include "util/digest_map.h"
#include "util/error.h"

void cpol__digest_map_init(cpol_digest_map *m)
{
    memset(m, 0, sizeof *m);
}

void cpol__digest_map_free(cpol_digest_map *m)
{
    cpol_free(m->slots);
    memset(m, 0, sizeof *m);
}

static size_t start(const unsigned char *key, size_t cap)
{
    size_t h = 0;
    memcpy(&h, key, sizeof h);
    return h & (cap - 1);
}

static cpol_digest_slot *find(cpol_digest_slot *slots, size_t cap, const unsigned char *key)
{
    size_t i = start(key, cap);
    while (slots[i].used && memcmp(slots[i].key, key, CPOL__DIGEST_LEN) != 0)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static int grow(cpol_digest_map *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 1024, i;
    cpol_digest_slot *n = cpol__calloc(ncap, sizeof *n);
    if (!n)
        return cpol__oom();
    for (i = 0; i < m->cap; i++)
        if (m->slots[i].used)
            *find(n, ncap, m->slots[i].key) = m->slots[i];
    cpol_free(m->slots);
    m->slots = n;
    m->cap = ncap;
    return CPOL_OK;
}

int cpol__digest_map_put(cpol_digest_map *m, const unsigned char key[CPOL__DIGEST_LEN], cpol_digest_slot **out)
{
    cpol_digest_slot *s;
    if ((m->count + 1) * 4 > m->cap * 3) {  /* keep the load under 3/4 */
        int rc = grow(m);
        if (rc < 0)
            return rc;
    }
    s = find(m->slots, m->cap, key);
    if (!s->used) {
        memset(s, 0, sizeof *s);
        memcpy(s->key, key, CPOL__DIGEST_LEN);
        s->used = 1;
        m->count++;
    }
    *out = s;
    return CPOL_OK;
}

cpol_digest_slot *cpol__digest_map_get(const cpol_digest_map *m, const unsigned char key[CPOL__DIGEST_LEN])
{
    cpol_digest_slot *s;
    if (!m->cap)
        return NULL;
    s = find(m->slots, m->cap, key);
    return s->used ? s : NULL;
}
