/* The seal log of one store (see seal.h). */
#include <string.h>

#include "store/seal.h"
#include "util/alloc.h"
#include <commpolice/sys/alloc.h>
#include "util/error.h"

typedef struct mark {
    size_t rows, entries, keys;
} mark;

struct cpol_seal_log {
    cpol_sm3 *h;
    cpol_seal_row *rows;
    size_t nrows, caprows;
    unsigned char *keys;
    size_t nkeys, capkeys;
    cpol_record **entries;
    size_t *first;                /* per entry: index of its first row */
    size_t nentries, capentries;
    mark *marks;
    size_t nmarks, capmarks;
};

/* Grow an array to hold one more (or `need` more bytes): 0 or CPOL_ENOMEM. */
static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    size_t ncap;
    void *q;
    if (need <= *cap)
        return 0;
    ncap = *cap ? *cap * 2 : 16;
    while (ncap < need)
        ncap *= 2;
    q = cpol_realloc(*p, ncap * size);
    if (!q)
        return cpol__oom();
    *p = q;
    *cap = ncap;
    return 0;
}

int cpol__seal_log_new(cpol_seal_log **out)
{
    cpol_seal_log *log = cpol__calloc(1, sizeof *log);
    int rc;
    *out = NULL;
    if (!log)
        return cpol__oom();
    rc = cpol__sm3_new(&log->h);
    if (rc < 0) {
        cpol_free(log);
        return rc;
    }
    *out = log;
    return CPOL_OK;
}

static void drop_entries(cpol_seal_log *log, size_t from)
{
    while (log->nentries > from)
        cpol__record_free(log->entries[--log->nentries]);
}

void cpol__seal_log_free(cpol_seal_log *log)
{
    if (!log)
        return;
    drop_entries(log, 0);
    cpol__sm3_free(log->h);
    cpol_free(log->rows);
    cpol_free(log->keys);
    cpol_free(log->entries);
    cpol_free(log->first);
    cpol_free(log->marks);
    cpol_free(log);
}

int cpol__seal_log_begin(cpol_seal_log *log)
{
    int rc = grow((void **)&log->marks, &log->capmarks, log->nmarks + 1, sizeof *log->marks);
    if (rc < 0)
        return rc;
    log->marks[log->nmarks].rows = log->nrows;
    log->marks[log->nmarks].entries = log->nentries;
    log->marks[log->nmarks].keys = log->nkeys;
    log->nmarks++;
    return CPOL_OK;
}

void cpol__seal_log_release(cpol_seal_log *log)
{
    if (log->nmarks)
        log->nmarks--;
}

void cpol__seal_log_rollback(cpol_seal_log *log)
{
    mark m;
    if (!log->nmarks)
        return;
    m = log->marks[--log->nmarks];
    /* A flush since the mark already emptied the log: nothing to forget. */
    if (m.rows < log->nrows)
        log->nrows = m.rows;
    if (m.keys < log->nkeys)
        log->nkeys = m.keys;
    if (m.entries < log->nentries)
        drop_entries(log, m.entries);
}

int cpol__seal_key_bytes(const cpol_record *r, unsigned char *buf, size_t cap, size_t *len_out)
{
    const cpol_value *v = &r->vals[0];
    size_t i;
    if (v->type == CPOL_VALUE_INT) {
        uint64_t u = (uint64_t)v->u.i;
        if (cap < 8)
            return cpol__error(CPOL_ERROR, "internal: key buffer too small");
        for (i = 0; i < 8; i++)
            buf[i] = (unsigned char)(u >> (56 - 8 * i));
        *len_out = 8;
        return CPOL_OK;
    }
    if (v->type != CPOL_VALUE_TEXT && v->type != CPOL_VALUE_BLOB)
        return cpol__error(CPOL_EINVALID, "table %s: the primary key is NULL", r->table->name);
    if (v->len > cap)
        return cpol__error(CPOL_ETOOLONG, "table %s: a primary key of %zu bytes is too long to seal",
                           r->table->name, v->len);
    memcpy(buf, v->u.p, v->len);
    *len_out = v->len;
    return CPOL_OK;
}

/* Canonical image: a version tag, the table name, then per column a type
 * byte, an 8-byte big-endian length and the bytes (integers as 8 big-endian
 * bytes, reals as their IEEE bits). Two rows hash alike only if every column
 * is identical, whatever the backend. */
int cpol__seal_hash_row(cpol_sm3 *h, const cpol_record *r, unsigned char out[CPOL__SM3_LEN])
{
    static const char tag[] = "cpol-row-v1";
    unsigned int c;
    int rc = cpol__sm3_update(h, tag, sizeof tag);
    if (rc >= 0)
        rc = cpol__sm3_update(h, r->table->name, strlen(r->table->name) + 1);
    for (c = 0; c < r->table->ncols && rc >= 0; c++) {
        const cpol_value *v = &r->vals[c];
        unsigned char head[9], num[8];
        uint64_t len = 0, bits = 0;
        const void *body = NULL;
        int i;
        switch (v->type) {
        case CPOL_VALUE_INT:
            bits = (uint64_t)v->u.i;
            len = 8;
            break;
        case CPOL_VALUE_REAL:
            memcpy(&bits, &v->u.r, sizeof bits);
            len = 8;
            break;
        case CPOL_VALUE_TEXT:
        case CPOL_VALUE_BLOB:
            body = v->u.p;
            len = v->len;
            break;
        default:
            break;
        }
        head[0] = (unsigned char)v->type;
        for (i = 0; i < 8; i++)
            head[1 + i] = (unsigned char)(len >> (56 - 8 * i));
        rc = cpol__sm3_update(h, head, sizeof head);
        if (rc >= 0 && (v->type == CPOL_VALUE_INT || v->type == CPOL_VALUE_REAL)) {
            for (i = 0; i < 8; i++)
                num[i] = (unsigned char)(bits >> (56 - 8 * i));
            rc = cpol__sm3_update(h, num, sizeof num);
        } else if (rc >= 0 && body) {
            rc = cpol__sm3_update(h, body, (size_t)len);
        }
    }
    return rc < 0 ? rc : cpol__sm3_final(h, out);
}

int cpol__seal_log_row(cpol_seal_log *log, const cpol_record *r, int removed)
{
    unsigned char key[CPOL__SEAL_KEY_MAX];
    size_t klen;
    cpol_seal_row *row;
    int rc = cpol__seal_key_bytes(r, key, sizeof key, &klen);
    if (rc >= 0)
        rc = grow((void **)&log->rows, &log->caprows, log->nrows + 1, sizeof *log->rows);
    if (rc >= 0)
        rc = grow((void **)&log->keys, &log->capkeys, log->nkeys + klen, 1);
    if (rc < 0)
        return rc;
    row = &log->rows[log->nrows];
    row->table = r->table;
    row->key_off = log->nkeys;
    row->key_len = klen;
    memset(row->hash, 0, sizeof row->hash);
    if (!removed) {
        rc = cpol__seal_hash_row(log->h, r, row->hash);
        if (rc < 0)
            return rc;
    }
    memcpy(log->keys + log->nkeys, key, klen);
    log->nkeys += klen;
    log->nrows++;
    return CPOL_OK;
}

int cpol__seal_log_entry(cpol_seal_log *log, cpol_record *entry)
{
    int rc = grow((void **)&log->entries, &log->capentries, log->nentries + 1, sizeof *log->entries);
    if (rc >= 0) {
        size_t cap = log->capentries;
        void *p = cpol_realloc(log->first, cap * sizeof *log->first);
        if (!p)
            rc = cpol__oom();
        else
            log->first = p;
    }
    if (rc < 0) {
        cpol__record_free(entry);
        return rc;
    }
    log->entries[log->nentries] = entry;
    log->first[log->nentries] = log->nrows;
    log->nentries++;
    return CPOL_OK;
}

size_t cpol__seal_log_entries(const cpol_seal_log *log)
{
    return log->nentries;
}

size_t cpol__seal_log_rows(const cpol_seal_log *log)
{
    return log->nrows;
}

const char *cpol__seal_log_first_table(const cpol_seal_log *log)
{
    return log->nrows ? log->rows[0].table->name : NULL;
}

int cpol__seal_log_flush(cpol_seal_log *log, cpol__seal_flush_fn fn, void *ud)
{
    size_t i;
    int rc = CPOL_OK;
    if (log->nentries) {
        /* An entry queued before rows written by an earlier entry's unit
         * covers nothing of them: entries' first rows are non-decreasing. */
        log->first[0] = 0;
        rc = fn(ud, log->entries, log->first, log->nentries, log->rows, log->nrows, log->keys);
    }
    drop_entries(log, 0);
    log->nrows = 0;
    log->nkeys = 0;
    for (i = 0; i < log->nmarks; i++)
        log->marks[i].rows = log->marks[i].entries = log->marks[i].keys = 0;
    return rc;
}
