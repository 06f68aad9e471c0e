/* The tamper-evident audit chain (docs/security.md, "The stored record").
 *
 * Each police station's audit entries form one chain (entries of no station
 * form a chain of their own, keyed by the nil id): entry n carries its
 * sequence number, the list of rows its mutation wrote (table, key, SM3 of
 * the row's canonical image, or zeros for a removal) and
 *
 *     hash(n) = SM3("cpol-audit-v1" || hash(n-1) || SM3(image of entry n without its hash))
 *
 * with hash(0) all zeros. cpol_audit_verify() recomputes every chain, then
 * replays the row lists to learn what each stored row must hash to now, and
 * compares that with every row of every table: an edit, insert or delete
 * made around the library breaks either a chain or a row. What a chain
 * cannot show by itself is its own tail cut off together with the rows it
 * covered; cpol_audit_head() exports the head so the host can anchor it
 * outside the database, and cpol_audit_verify_head() checks a stored anchor. */
#include <stdio.h>
#include <string.h>

#include <commpolice/audit.h>

#include <commpolice/sys/alloc.h>

#include "domain/base/audit_chain.h"
#include "domain/base/domain.h"
#include "domain/base/reader.h"
#include "domain/base/tables.h"
#include "store/schema.h"
#include "store/seal.h"
#include "util/alloc.h"
#include "util/crypto.h"

static const char chain_tag[] = "cpol-audit-v1";

/* The chain an entry belongs to: its station, or the nil id. */
static void entry_chain(const cpol_record *e, cpol_id *chain)
{
    if (!cpol__record_get_id(e, AUDIT_STATION, chain))
        memset(chain, 0, sizeof *chain);
}

static int entry_hash(cpol_sm3 *h, const cpol_record *e, const unsigned char prev[CPOL__SM3_LEN],
                      unsigned char out[CPOL__SM3_LEN])
{
    unsigned char image[CPOL__SM3_LEN];
    int rc = cpol__seal_hash_row(h, e, image); /* AUDIT_HASH is NULL while hashing */
    if (rc >= 0)
        rc = cpol__sm3_update(h, chain_tag, sizeof chain_tag);
    if (rc >= 0)
        rc = cpol__sm3_update(h, prev, CPOL__SM3_LEN);
    if (rc >= 0)
        rc = cpol__sm3_update(h, image, sizeof image);
    return rc < 0 ? rc : cpol__sm3_final(h, out);
}

/* The newest entry of a chain: *seq 0 and zero hash for an empty chain. */
static int chain_head(cpol_store *s, const cpol_id *chain, int64_t *seq, unsigned char hash[CPOL__SM3_LEN])
{
    cpol_query *q = NULL;
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    int rc;
    *seq = 0;
    memset(hash, 0, CPOL__SM3_LEN);
    rc = cpol__query_new(&cpol__table_audit, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, AUDIT_CHAIN, CPOL_OP_EQ, chain);
    if (rc >= 0) {
        cpol__query_order(q, AUDIT_SEQ, 1);
        cpol__query_page(q, 0, 1);
        rc = cpol__record_new(&cpol__table_audit, &r);
    }
    if (rc >= 0)
        rc = cpol__cursor_open(s, q, &c);
    if (rc >= 0) {
        rc = cpol__cursor_next(c, r);
        if (rc == CPOL_OK) {
            const cpol_value *v = &r->vals[AUDIT_HASH];
            *seq = cpol__record_int(r, AUDIT_SEQ);
            if (v->type != CPOL_VALUE_BLOB || v->len != CPOL__SM3_LEN)
                rc = cpol__error(CPOL_ECORRUPT, "table audit: the newest entry of a chain has no valid hash");
            else
                memcpy(hash, v->u.p, CPOL__SM3_LEN);
        } else if (rc == CPOL_DONE) {
            rc = CPOL_OK;
        }
    }
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(q);
    return rc;
}

/* rows_written: per row, [name length][name][key length][key][32-byte hash]. */
static int rows_blob(cpol_record *e, const cpol_seal_row *rows, size_t from, size_t to,
                     const unsigned char *keys)
{
    size_t i, n = 0, at = 0;
    unsigned char *buf;
    int rc;
    for (i = from; i < to; i++)
        n += 2 + strlen(rows[i].table->name) + rows[i].key_len + CPOL__SM3_LEN;
    buf = cpol_malloc(n ? n : 1);
    if (!buf)
        return cpol__oom();
    for (i = from; i < to; i++) {
        size_t tl = strlen(rows[i].table->name);
        buf[at++] = (unsigned char)tl;
        memcpy(buf + at, rows[i].table->name, tl);
        at += tl;
        buf[at++] = (unsigned char)rows[i].key_len;
        memcpy(buf + at, keys + rows[i].key_off, rows[i].key_len);
        at += rows[i].key_len;
        memcpy(buf + at, rows[i].hash, CPOL__SM3_LEN);
        at += CPOL__SM3_LEN;
    }
    rc = cpol__value_set_blob(&e->vals[AUDIT_ROWS], buf, n);
    cpol_free(buf);
    return rc;
}

int cpol__audit_chain_write(void *ud, cpol_record **entries, const size_t *first, size_t n,
                            const cpol_seal_row *rows, size_t nrows, const unsigned char *keys)
{
    cpol_store *s = ud;
    cpol_sm3 *h;
    size_t i;
    int rc = cpol__sm3_new(&h);
    for (i = 0; i < n && rc >= 0; i++) {
        cpol_record *e = entries[i];
        cpol_id chain;
        int64_t seq;
        unsigned char prev[CPOL__SM3_LEN], hash[CPOL__SM3_LEN];
        size_t to = i + 1 < n ? first[i + 1] : nrows;
        entry_chain(e, &chain);
        rc = chain_head(s, &chain, &seq, prev);
        if (rc >= 0)
            rc = cpol__record_set_id(e, AUDIT_CHAIN, &chain);
        if (rc >= 0) {
            cpol__value_set_int(&e->vals[AUDIT_SEQ], seq + 1);
            cpol__value_clear(&e->vals[AUDIT_HASH]);
            rc = rows_blob(e, rows, first[i], to, keys);
        }
        if (rc >= 0)
            rc = entry_hash(h, e, prev, hash);
        if (rc >= 0)
            rc = cpol__value_set_blob(&e->vals[AUDIT_HASH], hash, sizeof hash);
        if (rc >= 0)
            rc = cpol__store_insert(s, e);
    }
    cpol__sm3_free(h);
    return rc;
}

/* ---- verification ----------------------------------------------------------- */

#include "util/digest_map.h"

typedef struct verifier {
    cpol_ctx *ctx;
    int redact;               /* name tables, not rows (a reader who may not learn ids) */
    cpol_sm3 *h;
    cpol_digest_map rows;     /* (table, key) -> hash the row must have now */
    cpol_digest_map chains;   /* chain id -> newest hash, seq in tag */
    int64_t entries, checked;
} verifier;

/* Digest of (table name, key): the rows map's key. */
static int row_key(verifier *v, const char *table, size_t tl, const unsigned char *key, size_t kl,
                   unsigned char out[CPOL__SM3_LEN])
{
    int rc = cpol__sm3_update(v->h, table, tl);
    unsigned char zero = 0;
    if (rc >= 0)
        rc = cpol__sm3_update(v->h, &zero, 1);
    if (rc >= 0)
        rc = cpol__sm3_update(v->h, key, kl);
    return rc < 0 ? rc : cpol__sm3_final(v->h, out);
}

/* "person 0190…" or "setting points.cap": the row named in a message. */
static void row_label(const verifier *v, const char *table, const unsigned char *key, size_t kl, char *buf,
                      size_t size)
{
    size_t i, n;
    if (v->redact) {
        snprintf(buf, size, "table %s, a row", table);
        return;
    }
    if (kl == sizeof(cpol_id)) {
        char text[37];
        cpol__id_text((const cpol_id *)(const void *)key, text);
        snprintf(buf, size, "table %s, row %s", table, text);
        return;
    }
    n = (size_t)snprintf(buf, size, "table %s, row \"", table);
    for (i = 0; i < kl && n + 2 < size; i++)
        buf[n++] = key[i] >= 0x20 && key[i] < 0x7f ? (char)key[i] : '?';
    snprintf(buf + n, size - n, "\"");
}

/* The note kept per row: the schema index of its table, then its key. */
static void note_row(cpol_digest_slot *s, unsigned int table_index, const unsigned char *key, size_t kl)
{
    s->note[0] = (unsigned char)table_index;
    s->note[1] = (unsigned char)(kl < CPOL__DIGEST_NOTE - 2 ? kl : CPOL__DIGEST_NOTE - 2);
    memcpy(s->note + 2, key, s->note[1]);
}

static int table_index(const char *name, size_t len, unsigned int *out)
{
    const cpol_schema *sc = cpol__schema();
    unsigned int i;
    for (i = 0; i < sc->ntables; i++)
        if (strlen(sc->tables[i]->name) == len && memcmp(sc->tables[i]->name, name, len) == 0) {
            *out = i;
            return 1;
        }
    return 0;
}

static int corrupt_entry(const cpol_record *e, const char *what)
{
    char id[37];
    cpol_id eid;
    cpol__record_get_id(e, AUDIT_ID, &eid);
    cpol__id_text(&eid, id);
    return cpol__error(CPOL_ECORRUPT, "table audit, entry %s (sequence %lld): %s", id,
                       (long long)cpol__record_int(e, AUDIT_SEQ), what);
}

/* Replay one entry's row list into the rows map. */
static int replay_rows(verifier *v, const cpol_record *e)
{
    const cpol_value *b = &e->vals[AUDIT_ROWS];
    const unsigned char *p = b->type == CPOL_VALUE_BLOB ? (const unsigned char *)b->u.p : NULL;
    size_t at = 0, n = p ? b->len : 0;
    while (at < n) {
        size_t tl, kl;
        const unsigned char *name, *key;
        unsigned char k[CPOL__SM3_LEN];
        unsigned int ti;
        cpol_digest_slot *s;
        int rc;
        tl = p[at++];
        if (at + tl + 1 > n)
            return corrupt_entry(e, "its list of written rows is cut short");
        name = p + at;
        at += tl;
        kl = p[at++];
        if (at + kl + CPOL__SM3_LEN > n)
            return corrupt_entry(e, "its list of written rows is cut short");
        key = p + at;
        at += kl;
        if (!table_index((const char *)name, tl, &ti))
            return corrupt_entry(e, "its list of written rows names a table the schema does not have");
        rc = row_key(v, (const char *)name, tl, key, kl, k);
        if (rc >= 0)
            rc = cpol__digest_map_put(&v->rows, k, &s);
        if (rc < 0)
            return rc;
        memcpy(s->value, p + at, CPOL__SM3_LEN);
        s->tag = cpol__record_int(e, AUDIT_SEQ);
        note_row(s, ti, key, kl);
        at += CPOL__SM3_LEN;
    }
    return CPOL_OK;
}

/* Check one entry against its chain's previous entry. */
static int check_entry(verifier *v, cpol_record *e)
{
    cpol_id chain;
    unsigned char ck[CPOL__SM3_LEN], want[CPOL__SM3_LEN];
    cpol_digest_slot *c;
    cpol_value stored;
    int rc;
    const cpol_value *hv = &e->vals[AUDIT_HASH];
    if (!cpol__record_get_id(e, AUDIT_CHAIN, &chain) || e->vals[AUDIT_SEQ].type != CPOL_VALUE_INT)
        return corrupt_entry(e, "it carries no chain position (written outside the library, or before the "
                                "chain existed)");
    if (hv->type != CPOL_VALUE_BLOB || hv->len != CPOL__SM3_LEN)
        return corrupt_entry(e, "its hash is missing or malformed");
    memset(ck, 0, sizeof ck);
    memcpy(ck, &chain, sizeof chain);
    rc = cpol__digest_map_put(&v->chains, ck, &c);
    if (rc < 0)
        return rc;
    if (cpol__record_int(e, AUDIT_SEQ) != c->tag + 1)
        return corrupt_entry(e, c->tag + 1 < cpol__record_int(e, AUDIT_SEQ)
                                    ? "entries before it are missing from its chain (removed or never written)"
                                    : "its sequence number repeats an earlier entry's");
    /* Hash the entry as it was hashed when written: without its hash. */
    stored = e->vals[AUDIT_HASH];
    e->vals[AUDIT_HASH].type = CPOL_VALUE_NULL;
    rc = entry_hash(v->h, e, c->value, want);
    e->vals[AUDIT_HASH] = stored;
    if (rc < 0)
        return rc;
    if (!cpol__ct_equal(want, (const unsigned char *)stored.u.p, CPOL__SM3_LEN))
        return corrupt_entry(e, "its content does not match its hash (the entry, or one before it, was "
                                "changed)");
    memcpy(c->value, want, sizeof want);
    c->tag++;
    v->entries++;
    return replay_rows(v, e);
}

static int walk_chains(verifier *v)
{
    cpol_query *q = NULL;
    cpol_cursor *c = NULL;
    cpol_record *e = NULL;
    int rc = cpol__query_new(&cpol__table_audit, &q);
    if (rc >= 0) {
        cpol__query_order(q, AUDIT_SEQ, 0);
        rc = cpol__record_new(&cpol__table_audit, &e);
    }
    if (rc >= 0)
        rc = cpol__cursor_open(v->ctx->store, q, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, e)) == CPOL_OK)
        rc = check_entry(v, e);
    if (rc == CPOL_DONE)
        rc = CPOL_OK;
    cpol__cursor_close(c);
    cpol__record_free(e);
    cpol__query_free(q);
    return rc;
}

/* Every stored row of one table must hash to what the chain says. */
static int check_table(verifier *v, unsigned int ti)
{
    const cpol_table *t = cpol__schema()->tables[ti];
    cpol_query *q = NULL;
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    int rc;
    if (t->flags & CPOL__TABLE_UNSEALED)
        return CPOL_OK;
    rc = cpol__query_new(t, &q);
    if (rc >= 0)
        rc = cpol__record_new(t, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(v->ctx->store, q, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK) {
        unsigned char key[CPOL__SEAL_KEY_MAX], k[CPOL__SM3_LEN], hash[CPOL__SM3_LEN];
        size_t kl;
        cpol_digest_slot *s;
        char label[160];
        rc = cpol__seal_key_bytes(r, key, sizeof key, &kl);
        if (rc >= 0)
            rc = row_key(v, t->name, strlen(t->name), key, kl, k);
        if (rc >= 0)
            rc = cpol__seal_hash_row(v->h, r, hash);
        if (rc < 0)
            break;
        row_label(v, t->name, key, kl, label, sizeof label);
        s = cpol__digest_map_get(&v->rows, k);
        if (!s) {
            rc = cpol__error(CPOL_ECORRUPT, "%s: no audit entry covers it (written outside the library)", label);
            break;
        }
        {
            static const unsigned char removed[CPOL__SM3_LEN];
            if (memcmp(s->value, removed, sizeof removed) == 0) {
                rc = cpol__error(CPOL_ECORRUPT, "%s: removed by audit entry %lld of its chain, yet present", label,
                                 (long long)s->tag);
                break;
            }
        }
        if (!cpol__ct_equal(s->value, hash, sizeof hash)) {
            rc = cpol__error(CPOL_ECORRUPT, "%s: differs from what audit entry %lld of its chain recorded "
                                            "(changed outside the library)",
                             label, (long long)s->tag);
            break;
        }
        s->seen = 1;
        v->checked++;
    }
    if (rc == CPOL_DONE)
        rc = CPOL_OK;
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(q);
    return rc;
}

/* Rows the chain says exist but storage no longer has. */
static int check_missing(verifier *v)
{
    static const unsigned char removed[CPOL__SM3_LEN];
    size_t i;
    for (i = 0; i < v->rows.cap; i++) {
        const cpol_digest_slot *s = &v->rows.slots[i];
        char label[160];
        if (!s->used || s->seen || memcmp(s->value, removed, sizeof removed) == 0)
            continue;
        row_label(v, cpol__schema()->tables[s->note[0]]->name, s->note + 2, s->note[1], label, sizeof label);
        return cpol__error(CPOL_ECORRUPT, "%s: written by audit entry %lld of its chain, but missing "
                                          "(deleted outside the library)",
                           label, (long long)s->tag);
    }
    return CPOL_OK;
}

int cpol__audit_verify_store(cpol_ctx *ctx, int redact, int64_t *entries_out, int64_t *rows_out)
{
    verifier v;
    unsigned int i;
    int rc;
    memset(&v, 0, sizeof v);
    v.ctx = ctx;
    v.redact = redact;
    cpol__digest_map_init(&v.rows);
    cpol__digest_map_init(&v.chains);
    rc = cpol__sm3_new(&v.h);
    if (rc >= 0)
        rc = walk_chains(&v);
    for (i = 0; rc >= 0 && i < cpol__schema()->ntables; i++)
        rc = check_table(&v, i);
    if (rc >= 0)
        rc = check_missing(&v);
    if (entries_out)
        *entries_out = v.entries;
    if (rows_out)
        *rows_out = v.checked;
    cpol__sm3_free(v.h);
    cpol__digest_map_free(&v.rows);
    cpol__digest_map_free(&v.chains);
    return rc;
}

/* ---- the public calls --------------------------------------------------------- */

/* Row names are shown only to a cleared reader not bound to one station: the
 * whole store is checked, and its keys include people of every station. */
static int verify_reader(cpol_ctx *ctx, const cpol_actor *as, int *redact)
{
    cpol_id station;
    int bound = cpol__listing_scope(ctx, as, CPOL_PERM_AUDIT_VIEW, &station), cleared;
    if (bound < 0)
        return bound;
    cleared = cpol__reader_cleared(ctx, as);
    if (cleared < 0)
        return cleared;
    *redact = bound || !cleared;
    return CPOL_OK;
}

int cpol__audit_verify_as(cpol_ctx *ctx, const cpol_actor *as, int64_t *entries_out, int64_t *rows_out)
{
    int redact = 1, rc = verify_reader(ctx, as, &redact);
    return rc < 0 ? rc : cpol__audit_verify_store(ctx, redact, entries_out, rows_out);
}

int cpol_audit_verify(cpol_ctx *ctx, const cpol_actor *as, int64_t *entries_out, int64_t *rows_out)
{
    if (entries_out)
        *entries_out = 0;
    if (rows_out)
        *rows_out = 0;
    if (!ctx || !as)
        return cpol__null_arg("cpol_audit_verify", !ctx ? "ctx" : "as");
    return cpol__audit_verify_as(ctx, as, entries_out, rows_out);
}

static int head_reader(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, cpol_id *chain)
{
    int rc = cpol__authorize(ctx, as, CPOL_PERM_AUDIT_VIEW, station);
    if (rc < 0)
        return rc;
    if (station)
        *chain = *station;
    else
        memset(chain, 0, sizeof *chain);
    return CPOL_OK;
}

static void to_hex(const unsigned char *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

int cpol_audit_head(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, int64_t *seq_out,
                    char *hash_out, size_t size)
{
    unsigned char hash[CPOL__SM3_LEN];
    cpol_id chain;
    int64_t seq;
    int rc;
    if (!ctx || !as || !seq_out || !hash_out)
        return cpol__null_arg("cpol_audit_head", !ctx ? "ctx" : !as ? "as" : !seq_out ? "seq_out" : "hash_out");
    *seq_out = 0;
    if (size < CPOL_AUDIT_HASH_SIZE)
        return cpol__error(CPOL_ETOOLONG, "cpol_audit_head: the hash needs %d bytes, the buffer has %zu",
                           CPOL_AUDIT_HASH_SIZE, size);
    hash_out[0] = '\0';
    rc = head_reader(ctx, as, station, &chain);
    if (rc >= 0)
        rc = chain_head(ctx->store, &chain, &seq, hash);
    if (rc < 0)
        return rc;
    *seq_out = seq;
    to_hex(hash, sizeof hash, hash_out);
    return CPOL_OK;
}

int cpol_audit_verify_head(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, int64_t seq,
                           const char *hash)
{
    cpol_query *q = NULL;
    cpol_cursor *c = NULL;
    cpol_record *e = NULL;
    cpol_id chain;
    char have[CPOL_AUDIT_HASH_SIZE];
    int redact = 1, rc;
    size_t i;
    if (!ctx || !as || !hash)
        return cpol__null_arg("cpol_audit_verify_head", !ctx ? "ctx" : !as ? "as" : "hash");
    if (seq < 1)
        return cpol__error(CPOL_EINVALID, "cpol_audit_verify_head: sequence number %lld is below 1", (long long)seq);
    for (i = 0; i < 64 && ((hash[i] >= '0' && hash[i] <= '9') || (hash[i] >= 'a' && hash[i] <= 'f')); i++)
        ;
    if (i != 64 || hash[64] != '\0')
        return cpol__error(CPOL_EINVALID, "cpol_audit_verify_head: the hash must be 64 lower-case hexadecimal digits");
    rc = head_reader(ctx, as, station, &chain);
    if (rc >= 0)
        rc = verify_reader(ctx, as, &redact);
    if (rc >= 0)
        rc = cpol__audit_verify_store(ctx, redact, NULL, NULL);
    if (rc >= 0)
        rc = cpol__query_new(&cpol__table_audit, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, AUDIT_CHAIN, CPOL_OP_EQ, &chain);
    if (rc >= 0)
        rc = cpol__query_where_int(q, AUDIT_SEQ, CPOL_OP_EQ, seq);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_audit, &e);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    if (rc >= 0) {
        rc = cpol__cursor_next(c, e);
        if (rc == CPOL_DONE)
            rc = cpol__error(CPOL_ECORRUPT, "table audit: entry %lld of the chain is missing: the chain was cut "
                                            "short after the head was taken",
                             (long long)seq);
        else if (rc == CPOL_OK) {
            const cpol_value *h = &e->vals[AUDIT_HASH];
            if (h->type == CPOL_VALUE_BLOB && h->len == CPOL__SM3_LEN)
                to_hex((const unsigned char *)h->u.p, CPOL__SM3_LEN, have);
            else
                have[0] = '\0';
            rc = strcmp(have, hash) == 0 ? CPOL_OK
                                         : cpol__error(CPOL_ECORRUPT, "table audit: entry %lld of the chain is not "
                                                                      "the one anchored (its hash differs)",
                                                       (long long)seq);
        }
    }
    cpol__cursor_close(c);
    cpol__record_free(e);
    cpol__query_free(q);
    return rc;
}
