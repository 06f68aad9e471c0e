/* The store's keys: checking the host's key at open, and re-encrypting every
 * encrypted value under a new key (see keyring.h and crypt.c). */
#include <string.h>

#include <commpolice/sys/alloc.h>

#include "store/crypt.h"
#include "store/schema.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/error.h"


typedef struct key_row {
    char id[CPOL__KEY_ID_MAX + 1];
    int generation, current;
    unsigned char check[CPOL__SM3_LEN];
} key_row;

/* The rows of cpol_key (at most a few: one per rotation). */
static int read_keys(cpol_store *s, key_row *rows, int cap, int *n)
{
    cpol_query *q = NULL;
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    int rc = cpol__query_new(&cpol__table_key, &q);
    *n = 0;
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_key, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(s, q, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK) {
        const char *id = cpol__record_text(r, KEY_ID);
        const cpol_value *chk = &r->vals[KEY_CHECK];
        if (*n == cap) {
            rc = cpol__error(CPOL_ECORRUPT, "table cpol_key: more than %d keys", cap);
            break;
        }
        if (!id || strlen(id) > CPOL__KEY_ID_MAX || chk->type != CPOL_VALUE_BLOB || chk->len != CPOL__SM3_LEN) {
            rc = cpol__error(CPOL_ECORRUPT, "table cpol_key: a malformed row");
            break;
        }
        strcpy(rows[*n].id, id);
        rows[*n].generation = (int)cpol__record_int(r, KEY_GENERATION);
        rows[*n].current = (int)cpol__record_int(r, KEY_CURRENT);
        memcpy(rows[*n].check, chk->u.p, CPOL__SM3_LEN);
        if (rows[*n].generation < 1 || rows[*n].generation > 255) {
            rc = cpol__error(CPOL_ECORRUPT, "table cpol_key: key generation %d out of range", rows[*n].generation);
            break;
        }
        (*n)++;
    }
    if (rc == CPOL_DONE)
        rc = CPOL_OK;
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(q);
    return rc;
}

static int write_key(cpol_store *s, const cpol_key_slot *k, int current, int insert)
{
    unsigned char check[CPOL__SM3_LEN];
    cpol_record *r;
    int rc = cpol__key_check_value(k, check);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_key, &r);
    if (rc < 0)
        return rc;
    rc = cpol__value_set_text(&r->vals[KEY_ID], k->id, strlen(k->id));
    cpol__value_set_int(&r->vals[KEY_GENERATION], k->generation);
    if (rc >= 0)
        rc = cpol__value_set_blob(&r->vals[KEY_CHECK], check, sizeof check);
    cpol__value_set_int(&r->vals[KEY_CURRENT], current);
    if (rc >= 0)
        rc = insert ? s->m.insert(s->state, r) : s->m.update(s->state, r);
    cpol__record_free(r);
    return rc;
}

/* Rewrite every row of every table with encrypted columns under the
 * keyring's current key (rows are read with whatever key wrote them).
 * The rows' content does not change, so the audit chain's seals hold. */
static int reencrypt_all(cpol_store *s)
{
    const cpol_schema *sc = cpol__schema();
    unsigned int ti;
    int rc = CPOL_OK;
    for (ti = 0; ti < sc->ntables && rc >= 0; ti++) {
        const cpol_table *t = sc->tables[ti];
        cpol_record **rows = NULL;
        size_t n = 0, cap = 0, i;
        cpol_query *q = NULL;
        cpol_cursor *c = NULL;
        if (!cpol__table_has_secrets(t))
            continue;
        /* read everything first: backends need not allow writes under a cursor */
        rc = cpol__query_new(t, &q);
        if (rc >= 0)
            rc = cpol__cursor_open(s, q, &c);
        while (rc >= 0) {
            cpol_record *r;
            if (n == cap) {
                void *p = cpol_realloc(rows, (cap = cap ? cap * 2 : 64) * sizeof *rows);
                if (!p) {
                    rc = cpol__oom();
                    break;
                }
                rows = p;
            }
            rc = cpol__record_new(t, &r);
            if (rc < 0)
                break;
            rc = cpol__cursor_next(c, r);
            if (rc != CPOL_OK) {
                cpol__record_free(r);
                break;
            }
            rows[n++] = r;
        }
        if (rc == CPOL_DONE)
            rc = CPOL_OK;
        cpol__cursor_close(c);
        cpol__query_free(q);
        for (i = 0; i < n && rc >= 0; i++) {
            cpol_record *enc;
            rc = cpol__crypt_encode(&s->keys, rows[i], &enc);
            if (rc >= 0) {
                rc = s->m.update(s->state, enc);
                cpol__record_free(enc);
            }
        }
        for (i = 0; i < n; i++)
            cpol__record_free(rows[i]);
        cpol_free(rows);
    }
    return rc;
}

/* The next generation: one more than any listed. */
static int next_generation(const key_row *rows, int n)
{
    int g = 0, i;
    for (i = 0; i < n; i++)
        if (rows[i].generation > g)
            g = rows[i].generation;
    return g + 1;
}

/* A first key for a store that has none: record it and encrypt whatever a
 * plaintext past left in clear, in one transaction. */
static int adopt_key(cpol_store *s, const char *id, const key_row *rows, int n)
{
    cpol_key_slot *k;
    int rc = cpol__keyring_fetch(&s->keys, id, next_generation(rows, n), &k);
    if (rc < 0)
        return rc;
    if (s->readonly) {  /* nothing can be written: just read with it */
        s->keys.keyed = 1;
        s->keys.current = (int)(k - s->keys.slots);
        return CPOL_OK;
    }
    rc = s->m.begin(s->state);
    if (rc < 0)
        return rc;
    rc = write_key(s, k, 1, 1);
    if (rc >= 0) {
        s->keys.keyed = 1;
        s->keys.current = (int)(k - s->keys.slots);
        rc = reencrypt_all(s);
    }
    if (rc < 0) {
        s->m.rollback(s->state);
        s->keys.keyed = 0;
        return rc;
    }
    return s->m.commit(s->state);
}

int cpol__store_open_keys(cpol_store *s, const cpol_open_options *o)
{
    key_row rows[CPOL__KEY_SLOTS * 4];
    int n, i, rc;
    s->keys.cb = o->key;
    s->keys.payload = o->key_payload;
    rc = cpol__crypto_algs_fetch(&s->keys.algs);
    if (rc < 0)
        return rc;
    rc = read_keys(s, rows, (int)(sizeof rows / sizeof rows[0]), &n);
    if (rc < 0)
        return rc;
    if (n == 0) {
        if (o->key && o->key_id && *o->key_id)
            return adopt_key(s, o->key_id, rows, 0);
        if (o->key)
            return cpol__error(CPOL_EINVALID, "cpol_ctx_open: a key callback needs a key_id naming the key to use");
        if (o->flags & CPOL_OPEN_PLAINTEXT)
            return CPOL_OK;
        return cpol__error(CPOL_EKEY, "cpol_ctx_open: no key given: pass a key callback and a key id to encrypt "
                                      "personal data at rest, or CPOL_OPEN_PLAINTEXT to store it in clear "
                                      "(tests and demonstrations only)");
    }
    for (i = 0; i < n && !rows[i].current; i++)
        ;
    if (i == n)
        return cpol__error(CPOL_ECORRUPT, "table cpol_key: no key is marked current");
    {
        cpol_key_slot *k;
        unsigned char check[CPOL__SM3_LEN];
        rc = cpol__keyring_fetch(&s->keys, rows[i].id, rows[i].generation, &k);
        if (rc < 0)
            return rc;
        rc = cpol__key_check_value(k, check);
        if (rc < 0)
            return rc;
        if (!cpol__ct_equal(check, rows[i].check, sizeof check)) {
            memset(k, 0, sizeof *k);
            return cpol__error(CPOL_EKEY, "cpol_ctx_open: the key given for key id \"%s\" is not the one this "
                                          "database was encrypted with",
                               rows[i].id);
        }
        s->keys.keyed = 1;
        s->keys.current = (int)(k - s->keys.slots);
    }
    return CPOL_OK;
}

int cpol__store_rekey(cpol_store *s, const char *new_id)
{
    key_row rows[CPOL__KEY_SLOTS * 4];
    cpol_key_slot *k, *old;
    int n, i, rc, was_keyed = s->keys.keyed, was_current = s->keys.current;
    if (!s->keys.cb)
        return cpol__error(CPOL_EKEY, "cpol_rekey: the context was opened without a key callback");
    rc = read_keys(s, rows, (int)(sizeof rows / sizeof rows[0]), &n);
    if (rc < 0)
        return rc;
    for (i = 0; i < n; i++)
        if (strcmp(rows[i].id, new_id) == 0)
            return cpol__error(CPOL_EEXISTS, "cpol_rekey: key id \"%s\" was used before; rotate to a new key id",
                               new_id);
    rc = cpol__keyring_fetch(&s->keys, new_id, next_generation(rows, n), &k);
    if (rc < 0)
        return rc;
    old = was_keyed ? &s->keys.slots[was_current] : NULL;
    /* the caller's transaction: the old key row stops being current */
    if (old)
        rc = write_key(s, old, 0, 0);
    if (rc >= 0)
        rc = write_key(s, k, 1, 1);
    if (rc >= 0) {
        s->keys.keyed = 1;
        s->keys.current = (int)(k - s->keys.slots);
        rc = reencrypt_all(s);
    }
    if (rc < 0) {
        s->keys.keyed = was_keyed;
        s->keys.current = was_current;
        memset(k, 0, sizeof *k);
        return rc;
    }
    /* The old slot stays until the context closes: if the caller's
     * transaction rolls back, the values are still under the old key. */
    return CPOL_OK;
}
