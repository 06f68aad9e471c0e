/* Encryption at rest at the storage seam (docs/security.md).
 *
 * Columns flagged CPOL__COLUMN_SECRET are stored as BLOBs:
 *
 *     keyed:      0x01 | generation (1 byte) | IV (16) | SM4-CTR ciphertext | HMAC-SM3 (32)
 *     plaintext:  0x00 | the value's bytes            (stores opened with CPOL_OPEN_PLAINTEXT)
 *
 * The MAC covers the table, the column, the row's primary key and the
 * envelope (encrypt-then-MAC, since Debian's OpenSSL 3.0 has no SM4-GCM), so
 * a value moved to another row or column fails its check like a changed one.
 * A CPOL__COLUMN_BLIND column holds HMAC-SM3(blind key, table, column,
 * value) of its SECRET twin, computed here on every write; equality searches
 * on the SECRET column are rewritten to the blind column. The domain reads
 * and writes plain values and never sees an envelope. */
#include <stdio.h>
#include <string.h>

#include <commpolice/sys/alloc.h>

#include "store/crypt.h"
#include "store/store.h"
#include "store/schema.h"
#include "util/alloc.h"
#include "util/error.h"

enum { ENV_PLAIN = 0x00, ENV_SM4 = 0x01 };
#define ENV_OVERHEAD (2 + CPOL__SM4_IV + CPOL__SM3_LEN)

static const cpol_column_def key_columns[] = {
    {"key_id", CPOL_COLUMN_TEXT, CPOL_COLUMN_NOTNULL},
    {"generation", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    {"check_value", CPOL_COLUMN_BLOB, CPOL_COLUMN_NOTNULL},
    {"is_current", CPOL_COLUMN_BOOL, CPOL_COLUMN_NOTNULL},
};

/* Which key ids the database was encrypted with; never the keys. Written at
 * open and by cpol_rekey(), outside the audit trail's units (CPOL__TABLE_UNSEALED):
 * a changed check value makes the next open fail with CPOL_EKEY. */
const cpol_table cpol__table_key = {"cpol_key", KEY_NCOLS, key_columns, 0, NULL, CPOL__TABLE_UNSEALED};

int cpol__table_has_secrets(const cpol_table *t)
{
    unsigned int i;
    for (i = 0; i < t->ncols; i++)
        if (t->cols[i].flags & (CPOL__COLUMN_SECRET | CPOL__COLUMN_BLIND))
            return 1;
    return 0;
}

/* The plain bytes of a value of a SECRET column's logical type. */
static int logical_bytes(const cpol_value *v, unsigned char num[8], const unsigned char **p, size_t *n)
{
    int i;
    if (v->type == CPOL_VALUE_INT) {
        uint64_t u = (uint64_t)v->u.i;
        for (i = 0; i < 8; i++)
            num[i] = (unsigned char)(u >> (56 - 8 * i));
        *p = num;
        *n = 8;
        return CPOL_OK;
    }
    if (v->type == CPOL_VALUE_TEXT || v->type == CPOL_VALUE_BLOB) {
        *p = (const unsigned char *)v->u.p;
        *n = v->len;
        return CPOL_OK;
    }
    return cpol__error(CPOL_ERROR, "internal: an encrypted column holds a value of an unsupported type");
}

/* Domain separation for MACs and blind indexes: "table\0column\0". */
static int label(const cpol_table *t, unsigned int col, unsigned char *buf, size_t cap, size_t *len)
{
    int n = snprintf((char *)buf, cap, "%s%c%s%c", t->name, 0, t->cols[col].name, 0);
    if (n < 0 || (size_t)n >= cap)
        return cpol__error(CPOL_ERROR, "internal: table or column name too long");
    *len = (size_t)n;
    return CPOL_OK;
}

static int mac_value(const cpol_key_slot *k, const cpol_table *t, unsigned int col, const unsigned char *key,
                     size_t key_len, const unsigned char *env, size_t env_len, unsigned char out[CPOL__SM3_LEN])
{
    unsigned char buf[1024];
    unsigned char *m = buf;
    size_t lab, total;
    int rc = label(t, col, buf, 256, &lab);
    if (rc < 0)
        return rc;
    total = lab + 1 + key_len + env_len;
    if (total > sizeof buf) {
        m = cpol_malloc(total);
        if (!m)
            return cpol__oom();
        memcpy(m, buf, lab);
    }
    m[lab] = (unsigned char)key_len;
    memcpy(m + lab + 1, key, key_len);
    memcpy(m + lab + 1 + key_len, env, env_len);
    rc = cpol__hmac_sm3(k->algs, k->mac, sizeof k->mac, m, total, out);
    if (m != buf)
        cpol_free(m);
    return rc;
}

/* The primary key bytes a value is bound to. */
static void row_key(const cpol_record *r, const unsigned char **key, size_t *len, unsigned char num[8])
{
    if (logical_bytes(&r->vals[0], num, key, len) < 0) {
        *key = num;
        *len = 0;
    }
}

static int seal_value(const cpol_keyring *kr, const cpol_record *r, unsigned int col, cpol_value *out)
{
    const cpol_value *v = &r->vals[col];
    const unsigned char *p, *key;
    unsigned char num[8], knum[8];
    size_t n, klen, total;
    unsigned char *env;
    int rc;
    if (v->type == CPOL_VALUE_NULL)
        return CPOL_OK;
    rc = logical_bytes(v, num, &p, &n);
    if (rc < 0)
        return rc;
    total = kr->keyed ? n + ENV_OVERHEAD : n + 1;
    env = cpol_malloc(total);
    if (!env)
        return cpol__oom();
    if (!kr->keyed) {
        env[0] = ENV_PLAIN;
        memcpy(env + 1, p, n);
    } else {
        const cpol_key_slot *k = &kr->slots[kr->current];
        env[0] = ENV_SM4;
        env[1] = (unsigned char)k->generation;
        rc = cpol__random(env + 2, CPOL__SM4_IV);
        if (rc >= 0)
            rc = cpol__sm4_ctr(k->algs, k->enc, env + 2, p, n, env + 2 + CPOL__SM4_IV);
        row_key(r, &key, &klen, knum);
        if (rc >= 0)
            rc = mac_value(k, r->table, col, key, klen, env, 2 + CPOL__SM4_IV + n, env + total - CPOL__SM3_LEN);
    }
    if (rc >= 0)
        rc = cpol__value_set_blob(out, env, total);
    memset(env, 0, total);
    cpol_free(env);
    return rc;
}

/* slot NULL: a plaintext store's index, an unkeyed SM3. */
static int blind_value(const cpol_key_slot *slot, const cpol_table *t, unsigned int col, const cpol_value *v,
                       unsigned char out[CPOL__SM3_LEN])
{
    unsigned char buf[512], num[8];
    const unsigned char *p;
    size_t lab, n;
    int rc = logical_bytes(v, num, &p, &n);
    if (rc >= 0)
        rc = label(t, col, buf, 256, &lab);
    if (rc < 0)
        return rc;
    if (lab + n > sizeof buf)
        return cpol__error(CPOL_ETOOLONG, "a searchable encrypted value is longer than %zu bytes",
                           sizeof buf - lab);
    memcpy(buf + lab, p, n);
    if (slot)
        return cpol__hmac_sm3(slot->algs, slot->blind, CPOL__SM3_LEN, buf, lab + n, out);
    return cpol__sm3(buf, lab + n, out);
}

static const cpol_key_slot *current_slot(const cpol_keyring *kr)
{
    return kr->keyed ? &kr->slots[kr->current] : NULL;
}

int cpol__crypt_encode(const cpol_keyring *kr, const cpol_record *in, cpol_record **out)
{
    const cpol_table *t = in->table;
    cpol_record *r;
    unsigned int c;
    int rc;
    *out = NULL;
    rc = cpol__record_new(t, &r);
    if (rc < 0)
        return rc;
    for (c = 0; c < t->ncols && rc >= 0; c++) {
        const cpol_column_def *d = &t->cols[c];
        if (d->flags & CPOL__COLUMN_SECRET) {
            rc = seal_value(kr, in, c, &r->vals[c]);
            if (rc >= 0 && CPOL__COL_TWIN(d) && in->vals[c].type != CPOL_VALUE_NULL) {
                unsigned char b[CPOL__SM3_LEN];
                rc = blind_value(current_slot(kr), t, c, &in->vals[c], b);
                if (rc >= 0)
                    rc = cpol__value_set_blob(&r->vals[CPOL__COL_TWIN(d)], b, sizeof b);
            }
        } else if (!(d->flags & CPOL__COLUMN_BLIND)) {
            rc = cpol__value_copy(&r->vals[c], &in->vals[c]);
        }
    }
    if (rc < 0) {
        cpol__record_free(r);
        return rc;
    }
    *out = r;
    return CPOL_OK;
}

static int damaged(const cpol_record *r, unsigned int col, const char *why)
{
    char key[48];
    cpol__record_key_text(r, key, sizeof key);
    return cpol__error(CPOL_ECORRUPT, "table %s, row %s, column %s: %s", r->table->name, key,
                       r->table->cols[col].name, why);
}

/* Turn plain bytes back into a value of the column's logical type. */
static int set_logical(cpol_record *r, unsigned int col, const unsigned char *p, size_t n)
{
    const cpol_column_def *d = &r->table->cols[col];
    cpol_value *v = &r->vals[col];
    switch (CPOL__COL_LOGICAL(d)) {
    case CPOL_COLUMN_TEXT:
        if (memchr(p, 0, n))
            return damaged(r, col, "the decrypted text holds a NUL byte");
        return cpol__value_set_text(v, (const char *)p, n);
    case CPOL_COLUMN_ID:
        if (n != 16)
            return damaged(r, col, "the decrypted id is not 16 bytes");
        return cpol__value_set_blob(v, p, n);
    case CPOL_COLUMN_BLOB:
        return cpol__value_set_blob(v, p, n);
    case CPOL_COLUMN_INT:
    case CPOL_COLUMN_TIME:
    case CPOL_COLUMN_BOOL: {
        uint64_t u = 0;
        int i;
        if (n != 8)
            return damaged(r, col, "the decrypted number is not 8 bytes");
        for (i = 0; i < 8; i++)
            u = u << 8 | p[i];
        cpol__value_set_int(v, (int64_t)u);
        return CPOL_OK;
    }
    default:
        return cpol__error(CPOL_ERROR, "internal: column %s.%s has no logical type", r->table->name, d->name);
    }
}

static int open_value(cpol_keyring *kr, cpol_record *r, unsigned int col, const cpol_key_slot **used)
{
    cpol_value *v = &r->vals[col];
    const unsigned char *env, *key;
    unsigned char *plain, want[CPOL__SM3_LEN], knum[8];
    size_t n, klen;
    cpol_key_slot *k;
    int rc;
    *used = NULL;
    if (v->type == CPOL_VALUE_NULL)
        return CPOL_OK;
    if (v->type != CPOL_VALUE_BLOB || v->len < 1)
        return damaged(r, col, "not an encrypted value");
    env = (const unsigned char *)v->u.p;
    if (env[0] == ENV_PLAIN) {
        if (kr->keyed)
            return damaged(r, col, "a plaintext value in an encrypted database (written around the library)");
        plain = cpol_malloc(v->len);
        if (!plain)
            return cpol__oom();
        n = v->len - 1;
        memcpy(plain, env + 1, n);
        cpol__value_clear(v);
        rc = set_logical(r, col, plain, n);
        cpol_free(plain);
        return rc;
    }
    if (env[0] != ENV_SM4 || v->len < ENV_OVERHEAD)
        return damaged(r, col, "not an encrypted value");
    k = cpol__keyring_slot(kr, env[1]);
    if (!k)
        return kr->keyed ? damaged(r, col, "encrypted with a key generation this database does not list")
                         : cpol__error(CPOL_EKEY, "table %s holds encrypted values: open the database with its key",
                                       r->table->name);
    n = v->len - ENV_OVERHEAD;
    row_key(r, &key, &klen, knum);
    rc = mac_value(k, r->table, col, key, klen, env, 2 + CPOL__SM4_IV + n, want);
    if (rc < 0)
        return rc;
    if (!cpol__ct_equal(want, env + v->len - CPOL__SM3_LEN, CPOL__SM3_LEN))
        return damaged(r, col, "the encrypted value fails its integrity check (changed outside the library, or "
                               "moved from another row)");
    *used = k;
    plain = cpol_malloc(n ? n : 1);
    if (!plain)
        return cpol__oom();
    rc = cpol__sm4_ctr(k->algs, k->enc, env + 2, env + 2 + CPOL__SM4_IV, n, plain);
    if (rc >= 0) {
        cpol_value tmp = *v;
        v->type = CPOL_VALUE_NULL;   /* set_logical writes a fresh value */
        rc = set_logical(r, col, plain, n);
        if (rc < 0)
            *v = tmp;
        else
            cpol__value_clear(&tmp);
    }
    memset(plain, 0, n);
    cpol_free(plain);
    return rc;
}

int cpol__crypt_decode(cpol_keyring *kr, cpol_record *r)
{
    const cpol_table *t = r->table;
    unsigned int c;
    int rc = CPOL_OK;
    for (c = 0; c < t->ncols && rc >= 0; c++) {
        const cpol_column_def *d = &t->cols[c];
        if (!(d->flags & CPOL__COLUMN_SECRET))
            continue;
        const cpol_key_slot *slot = NULL;
        rc = open_value(kr, r, c, &slot);
        if (rc >= 0 && CPOL__COL_TWIN(d)) {
            /* the blind index must be the one this value makes */
            cpol_value *b = &r->vals[CPOL__COL_TWIN(d)];
            unsigned char want[CPOL__SM3_LEN];
            if (r->vals[c].type == CPOL_VALUE_NULL) {
                if (b->type != CPOL_VALUE_NULL)
                    rc = damaged(r, CPOL__COL_TWIN(d), "a search index is set for an empty value");
            } else {
                rc = blind_value(slot, t, c, &r->vals[c], want);
                if (rc >= 0 && (b->type != CPOL_VALUE_BLOB || b->len != CPOL__SM3_LEN ||
                                !cpol__ct_equal(want, (const unsigned char *)b->u.p, CPOL__SM3_LEN)))
                    rc = damaged(r, CPOL__COL_TWIN(d), "the search index does not match the value (changed outside the "
                                             "library)");
            }
        }
    }
    /* The domain never reads blind indexes: their slots read as NULL. */
    for (c = 0; c < t->ncols && rc >= 0; c++)
        if (t->cols[c].flags & CPOL__COLUMN_BLIND)
            cpol__value_clear(&r->vals[c]);
    return rc;
}

int cpol__crypt_query(const cpol_keyring *kr, const cpol_query *in, cpol_query **out)
{
    const cpol_table *t = in->table;
    cpol_query *q;
    unsigned int i;
    int rc;
    *out = NULL;
    int order_col = in->order_col;
    if (order_col >= 0 && (t->cols[order_col].flags & CPOL__COLUMN_SECRET) && CPOL__COL_TWIN(&t->cols[order_col]))
        order_col = (int)CPOL__COL_TWIN(&t->cols[order_col]); /* groups equal values, in no meaningful order */
    else if (order_col >= 0 && (t->cols[order_col].flags & (CPOL__COLUMN_SECRET | CPOL__COLUMN_BLIND)))
        return cpol__error(CPOL_ERROR, "internal: %s.%s is encrypted and cannot order a listing", t->name,
                           t->cols[order_col].name);
    rc = cpol__query_new(t, &q);
    if (rc < 0)
        return rc;
    for (i = 0; i < in->ncond && rc >= 0; i++) {
        const cpol_query_cond *c = &in->conds[i];
        const cpol_column_def *d = &t->cols[c->col];
        if (!(d->flags & (CPOL__COLUMN_SECRET | CPOL__COLUMN_BLIND))) {
            rc = cpol__query_where(q, c->col, c->op, &c->value);
            continue;
        }
        if (!(d->flags & CPOL__COLUMN_SECRET) || !CPOL__COL_TWIN(d) || c->op != CPOL_OP_EQ ||
            c->value.type == CPOL_VALUE_NULL) {
            rc = cpol__error(CPOL_ERROR, "internal: %s.%s is encrypted: only an exact match on it can be searched",
                             t->name, d->name);
            break;
        }
        {
            unsigned char b[CPOL__SM3_LEN];
            cpol_value v;
            rc = blind_value(current_slot(kr), t, (unsigned int)c->col, &c->value, b);
            if (rc >= 0) {
                memset(&v, 0, sizeof v);
                rc = cpol__value_set_blob(&v, b, sizeof b);
                if (rc >= 0)
                    rc = cpol__query_where(q, (int)CPOL__COL_TWIN(d), CPOL_OP_EQ, &v);
                cpol__value_clear(&v);
            }
        }
    }
    if (rc >= 0) {
        q->order_col = order_col;
        q->desc = in->desc;
        q->offset = in->offset;
        q->limit = in->limit;
        *out = q;
    } else {
        cpol__query_free(q);
    }
    return rc;
}
