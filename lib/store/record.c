/* Values, records, tables, schemas and queries: the data model shared by the
 * core and the storage backends (public accessors in sys/storage.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <commpolice/id.h>
#include <commpolice/sys/alloc.h>

#include "util/alloc.h"
#include "util/error.h"
#include "store/record.h"

/* ---- values ---- */

void cpol__value_clear(cpol_value *v)
{
    if (v->type == CPOL_VALUE_TEXT || v->type == CPOL_VALUE_BLOB)
        cpol_free(v->u.p);
    memset(v, 0, sizeof *v);
}

static int value_set_bytes(cpol_value *v, int type, const void *p, size_t len)
{
    char *copy = cpol_malloc(len + 1);
    if (!copy)
        return CPOL_ENOMEM;
    if (len)
        memcpy(copy, p, len);
    copy[len] = '\0';
    cpol__value_clear(v);
    v->type = type;
    v->len = len;
    v->u.p = copy;
    return CPOL_OK;
}

int cpol__value_set_text(cpol_value *v, const char *s, size_t len)
{
    return value_set_bytes(v, CPOL_VALUE_TEXT, s, len);
}

int cpol__value_set_blob(cpol_value *v, const void *p, size_t len)
{
    return value_set_bytes(v, CPOL_VALUE_BLOB, p, len);
}

void cpol__value_set_int(cpol_value *v, int64_t i)
{
    cpol__value_clear(v);
    v->type = CPOL_VALUE_INT;
    v->u.i = i;
}

int cpol__value_copy(cpol_value *dst, const cpol_value *src)
{
    if (dst == src)
        return CPOL_OK;
    if (src->type == CPOL_VALUE_TEXT || src->type == CPOL_VALUE_BLOB)
        return value_set_bytes(dst, src->type, src->u.p, src->len);
    cpol__value_clear(dst);
    *dst = *src;
    return CPOL_OK;
}

static int type_rank(int type)
{
    switch (type) {
    case CPOL_VALUE_NULL: return 0;
    case CPOL_VALUE_INT:
    case CPOL_VALUE_REAL: return 1;
    case CPOL_VALUE_TEXT: return 2;
    default: return 3;
    }
}

/* An integer against a double, exactly (no rounding of large integers). */
static int compare_int_real(int64_t i, double r)
{
    int64_t whole;
    if (r >= 9223372036854775808.0)
        return -1;
    if (r < -9223372036854775808.0)
        return 1;
    whole = (int64_t)r; /* truncates toward zero; exact for |r| < 2^63 */
    if (i != whole)
        return i < whole ? -1 : 1;
    return r > (double)whole ? -1 : r < (double)whole ? 1 : 0;
}

int cpol__value_compare(const cpol_value *a, const cpol_value *b)
{
    int ra = type_rank(a->type), rb = type_rank(b->type);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if (ra == 0)
        return 0;
    if (ra == 1) {
        if (a->type == CPOL_VALUE_INT && b->type == CPOL_VALUE_INT)
            return (a->u.i > b->u.i) - (a->u.i < b->u.i);
        if (a->type == CPOL_VALUE_INT)
            return compare_int_real(a->u.i, b->u.r);
        if (b->type == CPOL_VALUE_INT)
            return -compare_int_real(b->u.i, a->u.r);
        return (a->u.r > b->u.r) - (a->u.r < b->u.r);
    }
    {
        size_t n = a->len < b->len ? a->len : b->len;
        int c = n ? memcmp(a->u.p, b->u.p, n) : 0;
        if (c)
            return c < 0 ? -1 : 1;
        return (a->len > b->len) - (a->len < b->len);
    }
}

int cpol_value_type(const cpol_value *v)
{
    return v ? v->type : CPOL_VALUE_NULL;
}

int64_t cpol_value_int(const cpol_value *v)
{
    return v && v->type == CPOL_VALUE_INT ? v->u.i : 0;
}

double cpol_value_real(const cpol_value *v)
{
    return v && v->type == CPOL_VALUE_REAL ? v->u.r : 0.0;
}

const char *cpol_value_text(const cpol_value *v, size_t *len_out)
{
    if (!v || v->type != CPOL_VALUE_TEXT) {
        if (len_out)
            *len_out = 0;
        return NULL;
    }
    if (len_out)
        *len_out = v->len;
    return v->u.p;
}

const void *cpol_value_blob(const cpol_value *v, size_t *len_out)
{
    if (!v || v->type != CPOL_VALUE_BLOB) {
        if (len_out)
            *len_out = 0;
        return NULL;
    }
    if (len_out)
        *len_out = v->len;
    return v->u.p;
}

/* ---- schema description ---- */

int64_t cpol_schema_version(const cpol_schema *schema)
{
    return schema ? schema->version : 0;
}

unsigned int cpol_schema_table_count(const cpol_schema *schema)
{
    return schema ? schema->ntables : 0;
}

const cpol_table *cpol_schema_table(const cpol_schema *schema, unsigned int i)
{
    return schema && i < schema->ntables ? schema->tables[i] : NULL;
}

const char *cpol_table_name(const cpol_table *table)
{
    return table ? table->name : NULL;
}

unsigned int cpol_table_column_count(const cpol_table *table)
{
    return table ? table->ncols : 0;
}

const char *cpol_table_column_name(const cpol_table *table, unsigned int col)
{
    return table && col < table->ncols ? table->cols[col].name : NULL;
}

int cpol_table_column_type(const cpol_table *table, unsigned int col)
{
    return table && col < table->ncols ? table->cols[col].type : 0;
}

unsigned int cpol_table_column_flags(const cpol_table *table, unsigned int col)
{
    if (!table || col >= table->ncols)
        return 0;
    return col == 0 ? (table->cols[0].flags | CPOL_COLUMN_NOTNULL) : (table->cols[col].flags & CPOL_COLUMN_NOTNULL);
}

unsigned int cpol_table_flags(const cpol_table *table)
{
    return table ? table->flags : 0;
}

unsigned int cpol_table_index_count(const cpol_table *table)
{
    return table ? table->nindexes : 0;
}

const char *cpol_table_index_name(const cpol_table *table, unsigned int idx)
{
    return table && idx < table->nindexes ? table->indexes[idx].name : NULL;
}

int cpol_table_index_unique(const cpol_table *table, unsigned int idx)
{
    return table && idx < table->nindexes ? table->indexes[idx].unique != 0 : 0;
}

unsigned int cpol_table_index_column_count(const cpol_table *table, unsigned int idx)
{
    return table && idx < table->nindexes ? table->indexes[idx].ncols : 0;
}

int cpol_table_index_column(const cpol_table *table, unsigned int idx, unsigned int k)
{
    if (!table || idx >= table->nindexes || k >= table->indexes[idx].ncols)
        return -1;
    return table->indexes[idx].cols[k];
}

/* ---- records ---- */

int cpol__record_new(const cpol_table *t, cpol_record **out)
{
    cpol_record *r = cpol__calloc(1, sizeof *r);
    if (!r)
        return cpol__oom();
    r->vals = cpol__calloc(t->ncols, sizeof *r->vals);
    if (!r->vals) {
        cpol_free(r);
        return cpol__oom();
    }
    r->table = t;
    *out = r;
    return CPOL_OK;
}

void cpol__record_reset(cpol_record *r)
{
    unsigned int i;
    for (i = 0; i < r->table->ncols; i++)
        cpol__value_clear(&r->vals[i]);
}

void cpol__record_free(cpol_record *r)
{
    if (!r)
        return;
    cpol__record_reset(r);
    cpol_free(r->vals);
    cpol_free(r);
}

int cpol__record_copy(cpol_record *dst, const cpol_record *src)
{
    unsigned int i;
    for (i = 0; i < src->table->ncols; i++)
        if (cpol__value_copy(&dst->vals[i], &src->vals[i]) < 0)
            return cpol__oom();
    return CPOL_OK;
}

int cpol__record_set_id(cpol_record *r, unsigned int col, const cpol_id *id)
{
    if (cpol__value_set_blob(&r->vals[col], id->bytes, 16) < 0)
        return cpol__oom();
    return CPOL_OK;
}

int cpol__record_get_id(const cpol_record *r, unsigned int col, cpol_id *out)
{
    const cpol_value *v = &r->vals[col];
    if (v->type != CPOL_VALUE_BLOB || v->len != 16)
        return 0;
    memcpy(out->bytes, v->u.p, 16);
    return 1;
}

const char *cpol__record_text(const cpol_record *r, unsigned int col)
{
    return r->vals[col].type == CPOL_VALUE_TEXT ? r->vals[col].u.p : NULL;
}

int64_t cpol__record_int(const cpol_record *r, unsigned int col)
{
    return r->vals[col].type == CPOL_VALUE_INT ? r->vals[col].u.i : 0;
}

static int value_fits_column(const cpol_value *v, int column_type)
{
    switch (column_type) {
    case CPOL_COLUMN_INT:
    case CPOL_COLUMN_TIME: return v->type == CPOL_VALUE_INT;
    case CPOL_COLUMN_BOOL: return v->type == CPOL_VALUE_INT && (v->u.i == 0 || v->u.i == 1);
    case CPOL_COLUMN_REAL: return v->type == CPOL_VALUE_REAL;
    case CPOL_COLUMN_TEXT: return v->type == CPOL_VALUE_TEXT;
    case CPOL_COLUMN_BLOB: return v->type == CPOL_VALUE_BLOB;
    case CPOL_COLUMN_ID: return v->type == CPOL_VALUE_BLOB && v->len == 16;
    default: return 0;
    }
}

int cpol__record_check(const cpol_record *r)
{
    const cpol_table *t = r->table;
    unsigned int i;
    for (i = 0; i < t->ncols; i++) {
        const cpol_value *v = &r->vals[i];
        if (v->type == CPOL_VALUE_NULL) {
            if (i == 0 || (t->cols[i].flags & CPOL_COLUMN_NOTNULL))
                return cpol__error(CPOL_ERROR, "internal: %s.%s must not be NULL", t->name, t->cols[i].name);
            continue;
        }
        if (!value_fits_column(v, t->cols[i].type))
            return cpol__error(CPOL_ERROR, "internal: %s.%s holds a value of the wrong type", t->name,
                               t->cols[i].name);
    }
    return CPOL_OK;
}

void cpol__record_key_text(const cpol_record *r, char *buf, size_t size)
{
    const cpol_value *k = &r->vals[0];
    if (k->type == CPOL_VALUE_BLOB && k->len == 16 && size >= CPOL_ID_STRING_SIZE) {
        cpol_id id;
        memcpy(id.bytes, k->u.p, 16);
        cpol_id_format(&id, buf, size);
    } else if (k->type == CPOL_VALUE_TEXT) {
        snprintf(buf, size, "\"%.40s\"", k->u.p);
    } else if (k->type == CPOL_VALUE_INT) {
        snprintf(buf, size, "%lld", (long long)k->u.i);
    } else {
        snprintf(buf, size, "(no key)");
    }
}

static int stored_bad(const cpol_record *r, unsigned int col, const char *what)
{
    char key[48];
    cpol__record_key_text(r, key, sizeof key);
    return cpol__error(CPOL_ECORRUPT, "table %s, row %s, column %s: %s (damaged, or edited outside the library)",
                       r->table->name, key, r->table->cols[col].name, what);
}

int cpol__record_check_stored(const cpol_record *r)
{
    const cpol_table *t = r->table;
    unsigned int i;
    for (i = 0; i < t->ncols; i++) {
        const cpol_column_def *d = &t->cols[i];
        const cpol_value *v = &r->vals[i];
        int type = (d->flags & CPOL__COLUMN_SECRET) ? CPOL__COL_LOGICAL(d) : d->type;
        if (d->flags & CPOL__COLUMN_BLIND)
            continue;
        if (v->type == CPOL_VALUE_NULL) {
            if (i == 0 || (d->flags & CPOL_COLUMN_NOTNULL))
                return stored_bad(r, i, "empty where a value is required");
            continue;
        }
        if (!value_fits_column(v, type))
            return stored_bad(r, i, type == CPOL_COLUMN_ID    ? "not a 16-byte id"
                                    : type == CPOL_COLUMN_BOOL ? "not 0 or 1"
                                                               : "a value of the wrong type");
        if (type == CPOL_COLUMN_TIME && (v->u.i < 0 || v->u.i > CPOL_TIME_MAX))
            return stored_bad(r, i, "a time outside 1970..9999");
        if (CPOL__COL_ENUM_MAX(d) && type == CPOL_COLUMN_INT && (v->u.i < 0 || v->u.i > CPOL__COL_ENUM_MAX(d)))
            return stored_bad(r, i, "a value outside its enumeration");
        if (type == CPOL_COLUMN_REAL && !isfinite(v->u.r))
            return stored_bad(r, i, "not a finite number");
        if (type == CPOL_COLUMN_REAL && CPOL__COL_ENUM_MAX(d) && fabs(v->u.r) > (double)CPOL__COL_ENUM_MAX(d))
            return stored_bad(r, i, "a number outside its range");
    }
    return CPOL_OK;
}

static int record_slot(cpol_record *rec, unsigned int col, const char *func)
{
    if (!rec)
        return cpol__null_arg(func, "rec");
    if (col >= rec->table->ncols)
        return cpol__error(CPOL_EMISUSE, "%s: column %u is out of range (table %s has %u)", func, col,
                           rec->table->name, rec->table->ncols);
    return CPOL_OK;
}

const cpol_table *cpol_record_table(const cpol_record *rec)
{
    return rec ? rec->table : NULL;
}

const cpol_value *cpol_record_value(const cpol_record *rec, unsigned int col)
{
    return rec && col < rec->table->ncols ? &rec->vals[col] : NULL;
}

int cpol_record_set_null(cpol_record *rec, unsigned int col)
{
    int rc = record_slot(rec, col, "cpol_record_set_null");
    if (rc < 0)
        return rc;
    cpol__value_clear(&rec->vals[col]);
    return CPOL_OK;
}

int cpol_record_set_int(cpol_record *rec, unsigned int col, int64_t v)
{
    int rc = record_slot(rec, col, "cpol_record_set_int");
    if (rc < 0)
        return rc;
    cpol__value_set_int(&rec->vals[col], v);
    return CPOL_OK;
}

int cpol_record_set_real(cpol_record *rec, unsigned int col, double v)
{
    int rc = record_slot(rec, col, "cpol_record_set_real");
    if (rc < 0)
        return rc;
    cpol__value_clear(&rec->vals[col]);
    rec->vals[col].type = CPOL_VALUE_REAL;
    rec->vals[col].u.r = v;
    return CPOL_OK;
}

int cpol_record_set_text(cpol_record *rec, unsigned int col, const char *text, size_t len)
{
    int rc = record_slot(rec, col, "cpol_record_set_text");
    if (rc < 0)
        return rc;
    if (!text && len)
        return cpol__null_arg("cpol_record_set_text", "text");
    if (cpol__value_set_text(&rec->vals[col], text ? text : "", len) < 0)
        return cpol__oom();
    return CPOL_OK;
}

int cpol_record_set_blob(cpol_record *rec, unsigned int col, const void *data, size_t len)
{
    int rc = record_slot(rec, col, "cpol_record_set_blob");
    if (rc < 0)
        return rc;
    if (!data && len)
        return cpol__null_arg("cpol_record_set_blob", "data");
    if (cpol__value_set_blob(&rec->vals[col], data ? data : "", len) < 0)
        return cpol__oom();
    return CPOL_OK;
}

/* ---- queries ---- */

int cpol__query_new(const cpol_table *t, cpol_query **out)
{
    cpol_query *q = cpol__calloc(1, sizeof *q);
    if (!q)
        return cpol__oom();
    q->table = t;
    q->order_col = -1;
    q->limit = -1;
    *out = q;
    return CPOL_OK;
}

void cpol__query_free(cpol_query *q)
{
    unsigned int i;
    if (!q)
        return;
    for (i = 0; i < q->ncond; i++)
        cpol__value_clear(&q->conds[i].value);
    cpol_free(q->conds);
    cpol_free(q);
}

int cpol__query_where(cpol_query *q, int col, int op, const cpol_value *v)
{
    cpol_query_cond *c;
    if (q->ncond == q->cap) {
        unsigned int cap = q->cap ? q->cap * 2 : 4;
        cpol_query_cond *n = cpol_realloc(q->conds, cap * sizeof *n);
        if (!n)
            return cpol__oom();
        q->conds = n;
        q->cap = cap;
    }
    c = &q->conds[q->ncond];
    memset(c, 0, sizeof *c);
    if (cpol__value_copy(&c->value, v) < 0)
        return cpol__oom();
    c->col = col;
    c->op = op;
    q->ncond++;
    return CPOL_OK;
}

int cpol__query_where_int(cpol_query *q, int col, int op, int64_t v)
{
    cpol_value val = {CPOL_VALUE_INT, 0, {0}};
    val.u.i = v;
    return cpol__query_where(q, col, op, &val);
}

int cpol__query_where_text(cpol_query *q, int col, int op, const char *s, size_t len)
{
    cpol_value val = {CPOL_VALUE_TEXT, len, {0}};
    val.u.p = (char *)s; /* borrowed for the copy only */
    return cpol__query_where(q, col, op, &val);
}

int cpol__query_where_id(cpol_query *q, int col, int op, const cpol_id *id)
{
    cpol_value val = {CPOL_VALUE_BLOB, 16, {0}};
    val.u.p = (char *)id->bytes;
    return cpol__query_where(q, col, op, &val);
}

void cpol__query_order(cpol_query *q, int col, int desc)
{
    q->order_col = col;
    q->desc = desc != 0;
}

void cpol__query_page(cpol_query *q, int64_t offset, int64_t limit)
{
    q->offset = offset < 0 ? 0 : offset;
    q->limit = limit < 0 ? -1 : limit;
}

int cpol__query_match(const cpol_query *q, const cpol_record *r)
{
    unsigned int i;
    for (i = 0; i < q->ncond; i++) {
        const cpol_query_cond *c = &q->conds[i];
        const cpol_value *v = &r->vals[c->col];
        int cmp;
        if (c->value.type == CPOL_VALUE_NULL) {
            int is_null = v->type == CPOL_VALUE_NULL;
            if ((c->op == CPOL_OP_EQ && !is_null) || (c->op == CPOL_OP_NE && is_null) ||
                (c->op != CPOL_OP_EQ && c->op != CPOL_OP_NE))
                return 0;
            continue;
        }
        if (v->type == CPOL_VALUE_NULL)
            return 0;
        cmp = cpol__value_compare(v, &c->value);
        switch (c->op) {
        case CPOL_OP_EQ: if (cmp != 0) return 0; break;
        case CPOL_OP_NE: if (cmp == 0) return 0; break;
        case CPOL_OP_LT: if (cmp >= 0) return 0; break;
        case CPOL_OP_LE: if (cmp > 0) return 0; break;
        case CPOL_OP_GT: if (cmp <= 0) return 0; break;
        case CPOL_OP_GE: if (cmp < 0) return 0; break;
        default: return 0;
        }
    }
    return 1;
}

int cpol__query_compare_rows(const cpol_query *q, const cpol_record *a, const cpol_record *b)
{
    if (q->order_col >= 0) {
        /* value_compare puts NULL first, which is right ascending; descending
         * reverses the whole order, so NULLs come last. */
        int c = cpol__value_compare(&a->vals[q->order_col], &b->vals[q->order_col]);
        if (c)
            return q->desc ? -c : c;
    }
    return cpol__value_compare(&a->vals[0], &b->vals[0]);
}

const cpol_table *cpol_query_table(const cpol_query *q)
{
    return q ? q->table : NULL;
}

unsigned int cpol_query_cond_count(const cpol_query *q)
{
    return q ? q->ncond : 0;
}

int cpol_query_cond_column(const cpol_query *q, unsigned int i)
{
    return q && i < q->ncond ? q->conds[i].col : -1;
}

int cpol_query_cond_op(const cpol_query *q, unsigned int i)
{
    return q && i < q->ncond ? q->conds[i].op : 0;
}

const cpol_value *cpol_query_cond_value(const cpol_query *q, unsigned int i)
{
    return q && i < q->ncond ? &q->conds[i].value : NULL;
}

int cpol_query_order_column(const cpol_query *q)
{
    return q ? q->order_col : -1;
}

int cpol_query_order_desc(const cpol_query *q)
{
    return q ? q->desc : 0;
}

int64_t cpol_query_offset(const cpol_query *q)
{
    return q ? q->offset : 0;
}

int64_t cpol_query_limit(const cpol_query *q)
{
    return q ? q->limit : -1;
}
