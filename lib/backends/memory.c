/* The in-memory backend ("memory:"): a private store per context, gone when
 * the context closes. Rows live in an array per table with a hash index on
 * the primary key and on every unique index; transactions and savepoints
 * keep an undo log. It shares the core's record code, since it is built in. */
#include <stdlib.h>
#include <string.h>

#include <commpolice/sys/alloc.h>

#include "util/alloc.h"
#include "util/error.h"
#include "store/record.h"
#include "backends/backends.h"

/* ---- a hash from serialised keys to row positions ----
 *
 * Slots keep only the key's hash and the row position; a lookup confirms a
 * hit by serialising the row's key again. So inserting a key never
 * allocates once the slot array has room, and a delete leaves a tombstone
 * that the next insert on the same probe path reuses. Rolling back therefore
 * never allocates: an undone delete or update finds its old tombstone. */

typedef struct key_buf {
    unsigned char *p;
    size_t len, cap;
} key_buf;

enum { SLOT_EMPTY = 0, SLOT_LIVE = 1, SLOT_TOMBSTONE = 2 };

typedef struct hash_slot {
    uint64_t hash;
    size_t row;
    int state;
} hash_slot;

typedef struct row_hash {
    hash_slot *slots;
    size_t cap, used;    /* used counts live slots and tombstones */
} row_hash;

static uint64_t hash_bytes(const unsigned char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

static int kb_put(key_buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        unsigned char *np;
        while (cap < b->len + n)
            cap *= 2;
        np = cpol_realloc(b->p, cap);
        if (!np)
            return CPOL_ENOMEM;
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
    return CPOL_OK;
}

/* Append one value so that equal values give equal bytes. Returns 1 if the
 * value was NULL (such keys are never indexed: NULLs never collide). */
static int kb_value(key_buf *b, const cpol_value *v, int *rc)
{
    unsigned char t = (unsigned char)v->type;
    *rc = kb_put(b, &t, 1);
    if (*rc < 0)
        return 0;
    switch (v->type) {
    case CPOL_VALUE_NULL: return 1;
    case CPOL_VALUE_INT: *rc = kb_put(b, &v->u.i, sizeof v->u.i); break;
    case CPOL_VALUE_REAL: *rc = kb_put(b, &v->u.r, sizeof v->u.r); break;
    default:
        *rc = kb_put(b, &v->len, sizeof v->len);
        if (*rc >= 0)
            *rc = kb_put(b, v->u.p, v->len);
    }
    return 0;
}

/* Make room so the next insert cannot need to grow. */
static int hash_reserve(row_hash *h)
{
    size_t ncap, i;
    hash_slot *ns;
    if ((h->used + 1) * 4 < h->cap * 3)
        return CPOL_OK;
    ncap = h->cap ? h->cap * 2 : 16;
    ns = cpol__calloc(ncap, sizeof *ns);
    if (!ns)
        return CPOL_ENOMEM;
    h->used = 0;
    for (i = 0; i < h->cap; i++) {
        size_t j;
        if (h->slots[i].state != SLOT_LIVE)
            continue;
        j = h->slots[i].hash & (ncap - 1);
        while (ns[j].state != SLOT_EMPTY)
            j = (j + 1) & (ncap - 1);
        ns[j] = h->slots[i];
        h->used++;
    }
    cpol_free(h->slots);
    h->slots = ns;
    h->cap = ncap;
    return CPOL_OK;
}

static void hash_free(row_hash *h)
{
    cpol_free(h->slots);
    memset(h, 0, sizeof *h);
}

/* ---- tables ---- */

typedef struct mem_table {
    const cpol_table *def;
    cpol_record **rows;
    size_t nrows, cap;
    row_hash pk;
    row_hash *uniq;        /* one per index; only unique ones are used */
} mem_table;

typedef enum undo_kind { UNDO_INSERTED, UNDO_UPDATED, UNDO_REMOVED } undo_kind;

typedef struct undo_entry {
    mem_table *table;
    undo_kind kind;
    cpol_record *row;      /* INSERTED: copy of the new row (for its key); else the old row */
} undo_entry;

typedef struct mem_state {
    mem_table **tables;    /* pointers: undo entries keep pointing at a table while the list grows */
    size_t ntables;
    int64_t version;
    int64_t version_at_begin;
    int in_txn;
    undo_entry *undo;
    size_t nundo, undo_cap;
    size_t *marks;         /* undo length at savepoint level i (1-based; marks[0] unused) */
    size_t nmarks, marks_cap;
    key_buf kb, kb2;       /* scratch for key serialisation (never shrink) */
} mem_state;

static int oom(void)
{
    return cpol__oom();
}

static mem_table *find_table(mem_state *st, const cpol_table *def)
{
    size_t i;
    for (i = 0; i < st->ntables; i++)
        if (st->tables[i]->def == def)
            return st->tables[i];
    for (i = 0; i < st->ntables; i++)
        if (strcmp(st->tables[i]->def->name, def->name) == 0)
            return st->tables[i];
    return NULL;
}

static mem_table *table_for(mem_state *st, const cpol_table *def, int *rc)
{
    mem_table *t = find_table(st, def);
    *rc = CPOL_OK;
    if (!t)
        *rc = cpol__error(CPOL_ESTORAGE, "memory: table \"%s\" does not exist (schema not migrated)", def->name);
    return t;
}

static row_hash *hash_of(mem_table *t, int idx)
{
    return idx < 0 ? &t->pk : &t->uniq[idx];
}

static int is_indexed(const mem_table *t, int idx)
{
    return idx < 0 || t->def->indexes[idx].unique;
}

/* Serialise the primary key (idx -1) or unique index idx of a row into b.
 * Returns 1 if the key contains NULL (then it is not indexed). */
static int row_key(const mem_table *t, int idx, const cpol_record *r, key_buf *b, int *rc)
{
    int has_null = 0;
    unsigned int k;
    b->len = 0;
    *rc = CPOL_OK;
    if (idx < 0)
        return kb_value(b, &r->vals[0], rc);
    for (k = 0; k < t->def->indexes[idx].ncols && *rc >= 0; k++)
        has_null |= kb_value(b, &r->vals[t->def->indexes[idx].cols[k]], rc);
    return has_null;
}

/* The slot holding r's key in index idx, or NULL (also when r's key has a
 * NULL, or serialising failed: then *rc < 0). */
static hash_slot *slot_of(mem_state *st, mem_table *t, int idx, const cpol_record *r, int *rc)
{
    row_hash *h = hash_of(t, idx);
    uint64_t hv;
    size_t j;
    if (row_key(t, idx, r, &st->kb, rc) || *rc < 0 || !h->cap)
        return NULL;
    hv = hash_bytes(st->kb.p, st->kb.len);
    for (j = hv & (h->cap - 1); h->slots[j].state != SLOT_EMPTY; j = (j + 1) & (h->cap - 1)) {
        hash_slot *sl = &h->slots[j];
        if (sl->state != SLOT_LIVE || sl->hash != hv)
            continue;
        row_key(t, idx, t->rows[sl->row], &st->kb2, rc);
        if (*rc < 0)
            return NULL;
        if (st->kb2.len == st->kb.len && memcmp(st->kb2.p, st->kb.p, st->kb.len) == 0)
            return sl;
    }
    return NULL;
}

/* Index row r at position pos (room was reserved; never allocates beyond
 * the scratch buffers, which already fit keys seen before). */
static void index_row(mem_state *st, mem_table *t, const cpol_record *r, size_t pos)
{
    int idx;
    for (idx = -1; idx < (int)t->def->nindexes; idx++) {
        row_hash *h = hash_of(t, idx);
        size_t j;
        int rc;
        if (!is_indexed(t, idx) || row_key(t, idx, r, &st->kb, &rc) || rc < 0)
            continue;
        {
            uint64_t hv = hash_bytes(st->kb.p, st->kb.len);
            for (j = hv & (h->cap - 1); h->slots[j].state == SLOT_LIVE; j = (j + 1) & (h->cap - 1))
                ;
            if (h->slots[j].state == SLOT_EMPTY)
                h->used++;
            h->slots[j].hash = hv;
            h->slots[j].row = pos;
            h->slots[j].state = SLOT_LIVE;
        }
    }
}

static void unindex_row(mem_state *st, mem_table *t, const cpol_record *r)
{
    int idx, rc;
    for (idx = -1; idx < (int)t->def->nindexes; idx++) {
        hash_slot *sl;
        if (!is_indexed(t, idx))
            continue;
        sl = slot_of(st, t, idx, r, &rc);
        if (sl)
            sl->state = SLOT_TOMBSTONE;
    }
}

static void repoint_row(mem_state *st, mem_table *t, const cpol_record *r, size_t pos)
{
    int idx, rc;
    for (idx = -1; idx < (int)t->def->nindexes; idx++) {
        hash_slot *sl;
        if (!is_indexed(t, idx))
            continue;
        sl = slot_of(st, t, idx, r, &rc);
        if (sl)
            sl->row = pos;
    }
}

/* Room for one more row and one more key in every index. */
static int reserve_row(mem_table *t)
{
    int idx;
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        cpol_record **n = cpol_realloc(t->rows, cap * sizeof *n);
        if (!n)
            return CPOL_ENOMEM;
        t->rows = n;
        t->cap = cap;
    }
    for (idx = -1; idx < (int)t->def->nindexes; idx++)
        if (is_indexed(t, idx) && hash_reserve(hash_of(t, idx)) < 0)
            return CPOL_ENOMEM;
    return CPOL_OK;
}

/* Append a row (room reserved). */
static void put_row(mem_state *st, mem_table *t, cpol_record *row)
{
    t->rows[t->nrows] = row;
    index_row(st, t, row, t->nrows);
    t->nrows++;
}

/* Remove the row at pos and return it (caller owns it); the last row moves
 * into the gap. */
static cpol_record *take_row(mem_state *st, mem_table *t, size_t pos)
{
    cpol_record *row = t->rows[pos];
    unindex_row(st, t, row);
    t->nrows--;
    if (pos != t->nrows) {
        t->rows[pos] = t->rows[t->nrows];
        repoint_row(st, t, t->rows[pos], pos);
    }
    return row;
}

/* Replace the row at pos in place (keys of the primary index unchanged). */
static cpol_record *swap_row(mem_state *st, mem_table *t, size_t pos, cpol_record *row)
{
    cpol_record *old = t->rows[pos];
    int idx, rc;
    for (idx = 0; idx < (int)t->def->nindexes; idx++) {
        hash_slot *sl;
        if (!is_indexed(t, idx))
            continue;
        sl = slot_of(st, t, idx, old, &rc);
        if (sl)
            sl->state = SLOT_TOMBSTONE;
    }
    t->rows[pos] = row;
    for (idx = 0; idx < (int)t->def->nindexes; idx++) {
        row_hash *h = hash_of(t, idx);
        size_t j;
        uint64_t hv;
        if (!is_indexed(t, idx) || row_key(t, idx, row, &st->kb, &rc) || rc < 0)
            continue;
        hv = hash_bytes(st->kb.p, st->kb.len);
        for (j = hv & (h->cap - 1); h->slots[j].state == SLOT_LIVE; j = (j + 1) & (h->cap - 1))
            ;
        if (h->slots[j].state == SLOT_EMPTY)
            h->used++;
        h->slots[j].hash = hv;
        h->slots[j].row = pos;
        h->slots[j].state = SLOT_LIVE;
    }
    return old;
}

static long find_pos(mem_state *st, mem_table *t, const cpol_record *r, int *rc)
{
    hash_slot *sl = slot_of(st, t, -1, r, rc);
    return sl ? (long)sl->row : -1;
}

/* First index (-1 = primary key) already holding r's key at a row other
 * than self; -2 if none. */
static int conflict(mem_state *st, mem_table *t, const cpol_record *r, long self, int *rc)
{
    int idx;
    for (idx = -1; idx < (int)t->def->nindexes; idx++) {
        hash_slot *sl;
        if (!is_indexed(t, idx))
            continue;
        sl = slot_of(st, t, idx, r, rc);
        if (*rc < 0)
            return -2;
        if (sl && (long)sl->row != self)
            return idx;
    }
    return -2;
}

static void table_free(mem_table *t)
{
    size_t i;
    for (i = 0; i < t->nrows; i++)
        cpol__record_free(t->rows[i]);
    cpol_free(t->rows);
    hash_free(&t->pk);
    if (t->uniq) {
        for (i = 0; i < t->def->nindexes; i++)
            hash_free(&t->uniq[i]);
        cpol_free(t->uniq);
    }
}

/* ---- undo log ---- */

static int undo_reserve(mem_state *st)
{
    if (st->in_txn && st->nundo == st->undo_cap) {
        size_t cap = st->undo_cap ? st->undo_cap * 2 : 64;
        undo_entry *n = cpol_realloc(st->undo, cap * sizeof *n);
        if (!n)
            return CPOL_ENOMEM;
        st->undo = n;
        st->undo_cap = cap;
    }
    return CPOL_OK;
}

/* Record a change (room reserved); outside a transaction just free the row. */
static void undo_push(mem_state *st, mem_table *t, undo_kind kind, cpol_record *row)
{
    if (!st->in_txn) {
        cpol__record_free(row);
        return;
    }
    st->undo[st->nundo].table = t;
    st->undo[st->nundo].kind = kind;
    st->undo[st->nundo].row = row;
    st->nundo++;
}

/* Copy the columns two records share; the rest of dst stays NULL. Callers
 * may use an older or newer definition of a table than the stored one. */
static int copy_columns(cpol_record *dst, const cpol_record *src)
{
    unsigned int i, n = dst->table->ncols < src->table->ncols ? dst->table->ncols : src->table->ncols;
    cpol__record_reset(dst);
    for (i = 0; i < n; i++)
        if (cpol__value_copy(&dst->vals[i], &src->vals[i]) < 0)
            return CPOL_ENOMEM;
    return CPOL_OK;
}

/* A copy of src under definition def. */
static int copy_row_as(const cpol_table *def, const cpol_record *src, cpol_record **out)
{
    int rc = cpol__record_new(def, out);
    if (rc < 0)
        return rc;
    rc = copy_columns(*out, src);
    if (rc < 0) {
        cpol__record_free(*out);
        *out = NULL;
    }
    return rc;
}

static int copy_row(const cpol_record *src, cpol_record **out)
{
    return copy_row_as(src->table, src, out);
}

/* Undo entries back to length mark, without allocating (see the hash). */
static void undo_to(mem_state *st, size_t mark)
{
    while (st->nundo > mark) {
        undo_entry *e = &st->undo[--st->nundo];
        mem_table *t = e->table;
        int rc;
        long pos = find_pos(st, t, e->row, &rc);
        switch (e->kind) {
        case UNDO_INSERTED:
            if (pos >= 0)
                cpol__record_free(take_row(st, t, (size_t)pos));
            cpol__record_free(e->row);
            break;
        case UNDO_UPDATED:
            if (pos >= 0)
                cpol__record_free(swap_row(st, t, (size_t)pos, e->row));
            else
                cpol__record_free(e->row);
            break;
        case UNDO_REMOVED:
            put_row(st, t, e->row);
            break;
        }
    }
}

static void undo_forget(mem_state *st)
{
    size_t i;
    for (i = 0; i < st->nundo; i++)
        cpol__record_free(st->undo[i].row);
    st->nundo = 0;
    st->nmarks = 0;
}

/* ---- methods ---- */

static int m_open(void **state_out, const char *location, const cpol_open_options *opts, void *plugin_data)
{
    mem_state *st;
    (void)location;
    (void)plugin_data;
    if (opts->flags & (CPOL_OPEN_NOCREATE | CPOL_OPEN_READONLY))
        return cpol__error(CPOL_ENOTFOUND, "memory: an in-memory store never exists before it is opened, "
                                           "so it cannot be opened read-only or without creating it");
    st = cpol__calloc(1, sizeof *st);
    if (!st)
        return oom();
    *state_out = st;
    return CPOL_OK;
}

static void m_close(void *state)
{
    mem_state *st = state;
    size_t i;
    undo_forget(st);
    for (i = 0; i < st->ntables; i++) {
        table_free(st->tables[i]);
        cpol_free(st->tables[i]);
    }
    cpol_free(st->tables);
    cpol_free(st->undo);
    cpol_free(st->marks);
    cpol_free(st->kb.p);
    cpol_free(st->kb2.p);
    cpol_free(st);
}

static int m_schema_version(void *state, int64_t *out)
{
    *out = ((mem_state *)state)->version;
    return CPOL_OK;
}

/* Move an existing table onto a newer definition (columns and indexes only
 * ever added): rows are widened with NULLs and unique indexes rebuilt. */
static int redefine_table(mem_state *st, mem_table *t, const cpol_table *def)
{
    row_hash *uniq;
    size_t i;
    int rc = CPOL_OK;
    for (i = 0; i < t->nrows; i++) {
        cpol_record *n;
        unsigned int c;
        if (cpol__record_new(def, &n) < 0)
            return oom();
        for (c = 0; c < t->def->ncols && c < def->ncols; c++) {
            n->vals[c] = t->rows[i]->vals[c];
            memset(&t->rows[i]->vals[c], 0, sizeof n->vals[c]);
        }
        cpol__record_free(t->rows[i]);
        t->rows[i] = n;
    }
    uniq = cpol__calloc(def->nindexes ? def->nindexes : 1, sizeof *uniq);
    if (!uniq)
        return oom();
    for (i = 0; i < t->def->nindexes; i++)
        hash_free(&t->uniq[i]);
    cpol_free(t->uniq);
    t->uniq = uniq;
    hash_free(&t->pk);
    t->def = def;
    for (i = 0; i < t->nrows && rc >= 0; i++) {
        int idx;
        for (idx = -1; idx < (int)def->nindexes; idx++)
            if (is_indexed(t, idx) && hash_reserve(hash_of(t, idx)) < 0)
                return oom();
        index_row(st, t, t->rows[i], i);
    }
    return CPOL_OK;
}

static int m_migrate(void *state, const cpol_schema *schema)
{
    mem_state *st = state;
    unsigned int i;
    for (i = 0; i < schema->ntables; i++) {
        const cpol_table *def = schema->tables[i];
        mem_table *t = find_table(st, def), **n;
        if (t) {
            if (t->def != def && redefine_table(st, t, def) < 0)
                return oom();
            continue;
        }
        n = cpol_realloc(st->tables, (st->ntables + 1) * sizeof *n);
        if (!n)
            return oom();
        st->tables = n;
        t = cpol__calloc(1, sizeof *t);
        if (!t)
            return oom();
        t->def = def;
        t->uniq = cpol__calloc(def->nindexes ? def->nindexes : 1, sizeof *t->uniq);
        if (!t->uniq) {
            cpol_free(t);
            return oom();
        }
        st->tables[st->ntables++] = t;
    }
    st->version = schema->version;
    return CPOL_OK;
}

static int m_begin(void *state)
{
    mem_state *st = state;
    if (st->in_txn)
        return cpol__error(CPOL_ESTORAGE, "memory: a transaction is already open");
    st->in_txn = 1;
    st->version_at_begin = st->version;
    return CPOL_OK;
}

static int m_commit(void *state)
{
    mem_state *st = state;
    undo_forget(st);
    st->in_txn = 0;
    return CPOL_OK;
}

static int m_rollback(void *state)
{
    mem_state *st = state;
    if (!st->in_txn)
        return CPOL_OK;
    undo_to(st, 0);
    undo_forget(st);
    st->version = st->version_at_begin;
    st->in_txn = 0;
    return CPOL_OK;
}

static int m_savepoint(void *state, unsigned int level)
{
    mem_state *st = state;
    if (!st->in_txn)
        return cpol__error(CPOL_ESTORAGE, "memory: savepoint outside a transaction");
    if (level == 0 || level != st->nmarks + 1)
        return cpol__error(CPOL_ESTORAGE, "memory: savepoint %u out of order (%zu open)", level, st->nmarks);
    if (level + 1 > st->marks_cap) {
        size_t cap = (level + 1) * 2;
        size_t *n = cpol_realloc(st->marks, cap * sizeof *n);
        if (!n)
            return oom();
        st->marks = n;
        st->marks_cap = cap;
    }
    st->marks[level] = st->nundo;
    st->nmarks = level;
    return CPOL_OK;
}

static int m_release(void *state, unsigned int level)
{
    mem_state *st = state;
    if (level == 0 || level > st->nmarks)
        return cpol__error(CPOL_ESTORAGE, "memory: no savepoint %u to release", level);
    st->nmarks = level - 1;
    return CPOL_OK;
}

static int m_rollback_to(void *state, unsigned int level)
{
    mem_state *st = state;
    if (level == 0 || level > st->nmarks)
        return cpol__error(CPOL_ESTORAGE, "memory: no savepoint %u to roll back to", level);
    undo_to(st, st->marks[level]);
    st->nmarks = level - 1;
    return CPOL_OK;
}

/* A caller using a newer definition than the stored table was migrated to. */
static int newer_than_stored(const mem_table *t, const cpol_table *def)
{
    if (def->ncols <= t->def->ncols)
        return CPOL_OK;
    return cpol__error(CPOL_ESTORAGE, "memory: table \"%s\" has not been migrated to %u columns", def->name,
                       def->ncols);
}

static int conflict_error(const mem_table *t, int which)
{
    if (which == -1)
        return cpol__error(CPOL_EEXISTS, "memory: a row with this %s already exists in %s", t->def->cols[0].name,
                           t->def->name);
    return cpol__error(CPOL_EEXISTS, "memory: unique index %s of %s already holds this value",
                       t->def->indexes[which].name, t->def->name);
}

static int not_found(const mem_table *t)
{
    return cpol__error(CPOL_ENOTFOUND, "memory: no row with this %s in %s", t->def->cols[0].name, t->def->name);
}

/* Every allocation happens before the first change, so a failure leaves the
 * store exactly as it was. */
static int m_insert(void *state, const cpol_record *rec)
{
    mem_state *st = state;
    cpol_record *row = NULL, *key = NULL;
    int rc, which;
    mem_table *t = table_for(st, rec->table, &rc);
    if (!t)
        return rc;
    rc = newer_than_stored(t, rec->table);
    if (rc < 0)
        return rc;
    which = conflict(st, t, rec, -1, &rc);
    if (rc < 0)
        return oom();
    if (which != -2)
        return conflict_error(t, which);
    if (reserve_row(t) < 0 || undo_reserve(st) < 0 || copy_row_as(t->def, rec, &row) < 0 ||
        (st->in_txn && copy_row(row, &key) < 0)) {
        cpol__record_free(row);
        return oom();
    }
    put_row(st, t, row);
    undo_push(st, t, UNDO_INSERTED, key);
    return CPOL_OK;
}

static int m_update(void *state, const cpol_record *rec)
{
    mem_state *st = state;
    cpol_record *row = NULL;
    long pos;
    int rc, which;
    mem_table *t = table_for(st, rec->table, &rc);
    if (!t)
        return rc;
    rc = newer_than_stored(t, rec->table);
    if (rc < 0)
        return rc;
    pos = find_pos(st, t, rec, &rc);
    if (rc < 0)
        return oom();
    if (pos < 0)
        return not_found(t);
    which = conflict(st, t, rec, pos, &rc);
    if (rc < 0)
        return oom();
    if (which != -2)
        return conflict_error(t, which);
    if (reserve_row(t) < 0 || undo_reserve(st) < 0 || copy_row_as(t->def, rec, &row) < 0)
        return oom();
    undo_push(st, t, UNDO_UPDATED, swap_row(st, t, (size_t)pos, row));
    return CPOL_OK;
}

static int m_remove(void *state, const cpol_record *key)
{
    mem_state *st = state;
    long pos;
    int rc;
    mem_table *t = table_for(st, key->table, &rc);
    if (!t)
        return rc;
    pos = find_pos(st, t, key, &rc);
    if (rc < 0)
        return oom();
    if (pos < 0)
        return not_found(t);
    if (undo_reserve(st) < 0)
        return oom();
    undo_push(st, t, UNDO_REMOVED, take_row(st, t, (size_t)pos));
    return CPOL_OK;
}

static int m_get(void *state, cpol_record *rec)
{
    mem_state *st = state;
    long pos;
    int rc;
    mem_table *t = table_for(st, rec->table, &rc);
    if (!t)
        return rc;
    pos = find_pos(st, t, rec, &rc);
    if (rc < 0)
        return oom();
    if (pos < 0)
        return not_found(t);
    return copy_columns(rec, t->rows[pos]) < 0 ? oom() : CPOL_OK;
}

/* ---- queries: a snapshot of the matching rows, sorted ---- */

typedef struct mem_cursor {
    cpol_record **rows;
    size_t n, next;
} mem_cursor;

static _Thread_local const cpol_query *sort_query; /* qsort has no payload argument */

static int cmp_rows(const void *a, const void *b)
{
    return cpol__query_compare_rows(sort_query, *(cpol_record *const *)a, *(cpol_record *const *)b);
}

static void cursor_free(mem_cursor *c)
{
    size_t i;
    for (i = c->next; i < c->n; i++)
        cpol__record_free(c->rows[i]);
    cpol_free(c->rows);
    cpol_free(c);
}

static int m_query_open(void *state, const cpol_query *q, void **cursor_out)
{
    mem_state *st = state;
    mem_cursor *c;
    size_t i, nmatch = 0, start, end;
    const cpol_record **match;
    int rc;
    mem_table *t = table_for(st, q->table, &rc);
    if (!t)
        return rc;
    rc = newer_than_stored(t, q->table);
    if (rc < 0)
        return rc;
    match = cpol_malloc((t->nrows ? t->nrows : 1) * sizeof *match);
    c = cpol__calloc(1, sizeof *c);
    if (!match || !c) {
        cpol_free(match);
        cpol_free(c);
        return oom();
    }
    for (i = 0; i < t->nrows; i++)
        if (cpol__query_match(q, t->rows[i]))
            match[nmatch++] = t->rows[i];
    /* Contexts are single-threaded, but several contexts may sort at once in
     * different threads: qsort's comparator reads a thread-local query. */
    sort_query = q;
    if (nmatch > 1)
        qsort(match, nmatch, sizeof *match, cmp_rows);
    start = (size_t)q->offset < nmatch ? (size_t)q->offset : nmatch;
    end = (q->limit >= 0 && (size_t)q->limit < nmatch - start) ? start + (size_t)q->limit : nmatch;
    c->rows = cpol_malloc((end - start ? end - start : 1) * sizeof *c->rows);
    if (!c->rows) {
        cpol_free(match);
        cpol_free(c);
        return oom();
    }
    for (i = start; i < end; i++) {
        if (copy_row(match[i], &c->rows[c->n]) < 0) {
            cpol_free(match);
            cursor_free(c);
            return oom();
        }
        c->n++;
    }
    cpol_free(match);
    *cursor_out = c;
    return CPOL_OK;
}

static int m_cursor_next(void *cursor, cpol_record *rec)
{
    mem_cursor *c = cursor;
    cpol_record *row;
    unsigned int i;
    if (c->next >= c->n)
        return CPOL_DONE;
    row = c->rows[c->next++];
    /* Move the values: the snapshot row is not needed again. */
    for (i = 0; i < rec->table->ncols && i < row->table->ncols; i++) {
        cpol__value_clear(&rec->vals[i]);
        rec->vals[i] = row->vals[i];
        memset(&row->vals[i], 0, sizeof row->vals[i]);
    }
    cpol__record_free(row);
    return CPOL_OK;
}

static void m_cursor_close(void *cursor)
{
    cursor_free(cursor);
}

static int m_count(void *state, const cpol_query *q, int64_t *out)
{
    mem_state *st = state;
    size_t i;
    int64_t n = 0;
    int rc;
    mem_table *t = table_for(st, q->table, &rc);
    if (!t)
        return rc;
    rc = newer_than_stored(t, q->table);
    if (rc < 0)
        return rc;
    for (i = 0; i < t->nrows; i++)
        n += cpol__query_match(q, t->rows[i]);
    *out = n;
    return CPOL_OK;
}

static const cpol_storage_methods memory_methods = {
    CPOL_STORAGE_VERSION, "memory",
    m_open, m_close, m_schema_version, m_migrate,
    m_begin, m_commit, m_rollback, m_savepoint, m_release, m_rollback_to,
    m_insert, m_update, m_remove, m_get,
    m_query_open, m_cursor_next, m_cursor_close, m_count,
};

const cpol_storage_methods *cpol__storage_memory(void)
{
    return &memory_methods;
}
