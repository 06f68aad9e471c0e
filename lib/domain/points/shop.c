/* The service-station shop: catalogue, redemptions (with optional holds),
 * refunds and the yearly clearing. */
#include <stdio.h>
#include <string.h>

#include "util/text.h"
#include "domain/points/ledger_internal.h"
#include "domain/base/tables.h"

#define STOCK_MAX 1000000

static const cpol_column_def item_columns[ITEM_NCOLS] = {
    [ITEM_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [ITEM_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [ITEM_NAME] = {"name", CPOL_COLUMN_TEXT, CPOL_COLUMN_NOTNULL},
    [ITEM_PRICE] = {"price", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [ITEM_STOCK] = {"stock", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [ITEM_CREATED_AT] = {"created_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
};
static const cpol_index_def item_indexes[] = {{"shop_item_station_name", 1, 2, {ITEM_STATION, ITEM_NAME}}};
const cpol_table cpol__table_shop_item = {"shop_item", ITEM_NCOLS, item_columns, 1, item_indexes, 0};

static const cpol_column_def redemption_columns[REDEMPTION_NCOLS] = {
    [REDEMPTION_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [REDEMPTION_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [REDEMPTION_PERSON] = {"person_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [REDEMPTION_ITEM] = {"item_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [REDEMPTION_QUANTITY] = {"quantity", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [REDEMPTION_AMOUNT] = {"amount", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [REDEMPTION_STATUS] = {"status", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [REDEMPTION_EXPIRES_AT] = {"expires_at", CPOL_COLUMN_TIME, 0},
    [REDEMPTION_CREATED_AT] = {"created_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
    [REDEMPTION_UPDATED_AT] = {"updated_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
};
static const cpol_index_def redemption_indexes[] = {
    {"redemption_person_status", 0, 2, {REDEMPTION_PERSON, REDEMPTION_STATUS}},
    {"redemption_status_expires", 0, 2, {REDEMPTION_STATUS, REDEMPTION_EXPIRES_AT}},
};
const cpol_table cpol__table_redemption = {"redemption", REDEMPTION_NCOLS, redemption_columns, 2,
                                           redemption_indexes, 0};

static const cpol_column_def batch_columns[BATCH_NCOLS] = {
    [BATCH_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [BATCH_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [BATCH_KIND] = {"kind", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [BATCH_COUNT] = {"accounts", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [BATCH_TOTAL] = {"points", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [BATCH_AT] = {"at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
};
const cpol_table cpol__table_ledger_batch = {"ledger_batch", BATCH_NCOLS, batch_columns, 0, NULL, 0};

/* ---- catalogue ---- */

struct cpol_shop_item {
    cpol_record *row;
    cpol_id id;
};

struct cpol_shop_item_iter {
    cpol_cursor *cursor;
    cpol_shop_item current;
};

typedef struct item_args {
    const cpol_actor *as;
    const cpol_id *station, *item;
    const char *name;
    size_t name_len;
    int64_t price, stock, delta;
    cpol_id id;
} item_args;

static int create_item_body(cpol_ctx *ctx, void *arg)
{
    item_args *a = arg;
    cpol_record *r = NULL;
    cpol_id st;
    int has, kind, rc = cpol__area_lookup(ctx, a->station, &st, &has, NULL, &kind);
    if (rc >= 0 && kind != 2 /* CPOL_AREA_STATION */)
        rc = cpol__error(CPOL_EINVALID, "a catalogue belongs to a police station");
    if (rc >= 0)
        rc = cpol__authorize(ctx, a->as, CPOL_PERM_POINTS_ADMIN, a->station);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_shop_item, &r);
    if (rc >= 0) {
        cpol_id_new(ctx, &a->id);
        rc = cpol__record_set_id(r, ITEM_ID, &a->id);
        if (rc >= 0)
            rc = cpol__record_set_id(r, ITEM_STATION, a->station);
        if (rc >= 0 && cpol__value_set_text(&r->vals[ITEM_NAME], a->name, a->name_len) < 0)
            rc = cpol__oom();
        cpol__value_set_int(&r->vals[ITEM_PRICE], a->price);
        cpol__value_set_int(&r->vals[ITEM_STOCK], a->stock);
        cpol__value_set_int(&r->vals[ITEM_CREATED_AT], cpol_ctx_now(ctx));
    }
    if (rc >= 0)
        rc = cpol__store_insert(ctx->store, r);
    if (rc == CPOL_EEXISTS)
        rc = cpol__error(CPOL_EEXISTS, "the catalogue already has an item named \"%s\"", a->name);
    if (rc >= 0) {
        char after[CPOL_ITEM_NAME_MAX + 64];
        snprintf(after, sizeof after, "%s: %lld points, %lld in stock", a->name, (long long)a->price,
                 (long long)a->stock);
        rc = cpol__audit(ctx, a->as, "shop_item", &a->id, a->station, "shop.item.create", NULL, after, NULL);
    }
    cpol__record_free(r);
    return rc;
}

int cpol_shop_item_create(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, const char *name,
                          int64_t price, int64_t stock, cpol_id *id_out)
{
    item_args a;
    int rc;
    if (!ctx || !as || !station)
        return cpol__null_arg("cpol_shop_item_create", !ctx ? "ctx" : !as ? "as" : "station");
    rc = cpol__check_name("cpol_shop_item_create", "name", name, CPOL_ITEM_NAME_MAX, &a.name_len);
    if (rc < 0)
        return rc;
    if (price < 1 || price > CPOL_POINTS_MAX || stock < 0 || stock > STOCK_MAX)
        return cpol__error(CPOL_EINVALID, "cpol_shop_item_create: price must be 1..%lld and stock 0..%d",
                           (long long)CPOL_POINTS_MAX, STOCK_MAX);
    a.as = as;
    a.station = station;
    a.name = name;
    a.price = price;
    a.stock = stock;
    rc = cpol__ctx_atomic(ctx, create_item_body, &a);
    if (rc >= 0 && id_out)
        *id_out = a.id;
    return rc;
}

/* Change an item (stock by delta, or price when price > 0), audited. */
static int change_item_body(cpol_ctx *ctx, void *arg)
{
    item_args *a = arg;
    cpol_record *r;
    cpol_id station;
    char before[64], after[64];
    int rc = cpol__load(ctx, &cpol__table_shop_item, a->item, "shop item", &r);
    if (rc < 0)
        return rc;
    cpol__record_get_id(r, ITEM_STATION, &station);
    rc = cpol__authorize(ctx, a->as, CPOL_PERM_POINTS_ADMIN, &station);
    snprintf(before, sizeof before, "price %lld, stock %lld", (long long)cpol__record_int(r, ITEM_PRICE),
             (long long)cpol__record_int(r, ITEM_STOCK));
    if (rc >= 0 && a->delta) {
        int64_t stock = cpol__record_int(r, ITEM_STOCK) + a->delta;
        if (stock < 0 || stock > STOCK_MAX)
            rc = cpol__error(CPOL_ELIMIT, "stock would become %lld (allowed 0..%d)", (long long)stock, STOCK_MAX);
        else
            cpol__value_set_int(&r->vals[ITEM_STOCK], stock);
    }
    if (rc >= 0 && a->price)
        cpol__value_set_int(&r->vals[ITEM_PRICE], a->price);
    if (rc >= 0)
        rc = cpol__store_update(ctx->store, r);
    if (rc >= 0) {
        snprintf(after, sizeof after, "price %lld, stock %lld", (long long)cpol__record_int(r, ITEM_PRICE),
                 (long long)cpol__record_int(r, ITEM_STOCK));
        rc = cpol__audit(ctx, a->as, "shop_item", a->item, &station, a->delta ? "shop.item.restock" : "shop.item.price",
                         before, after, NULL);
    }
    cpol__record_free(r);
    return rc;
}

int cpol_shop_item_restock(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *item, int64_t delta)
{
    item_args a;
    if (!ctx || !as || !item)
        return cpol__null_arg("cpol_shop_item_restock", !ctx ? "ctx" : !as ? "as" : "item");
    if (delta == 0)
        return cpol__error(CPOL_EINVALID, "cpol_shop_item_restock: delta is 0");
    if (delta > STOCK_MAX || delta < -STOCK_MAX)
        return cpol__error(CPOL_ELIMIT, "cpol_shop_item_restock: delta beyond ±%d", STOCK_MAX);
    memset(&a, 0, sizeof a);
    a.as = as;
    a.item = item;
    a.delta = delta;
    return cpol__ctx_atomic(ctx, change_item_body, &a);
}

int cpol_shop_item_set_price(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *item, int64_t price)
{
    item_args a;
    if (!ctx || !as || !item)
        return cpol__null_arg("cpol_shop_item_set_price", !ctx ? "ctx" : !as ? "as" : "item");
    if (price < 1 || price > CPOL_POINTS_MAX)
        return cpol__error(CPOL_EINVALID, "cpol_shop_item_set_price: price must be 1..%lld", (long long)CPOL_POINTS_MAX);
    memset(&a, 0, sizeof a);
    a.as = as;
    a.item = item;
    a.price = price;
    return cpol__ctx_atomic(ctx, change_item_body, &a);
}

int cpol_shop_item_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, cpol_shop_item **out)
{
    cpol_shop_item *it;
    cpol_id station;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !id || !out)
        return cpol__null_arg("cpol_shop_item_get", !ctx ? "ctx" : !as ? "as" : !id ? "id" : "out");
    it = cpol__calloc(1, sizeof *it);
    if (!it)
        return cpol__oom();
    rc = cpol__load(ctx, &cpol__table_shop_item, id, "shop item", &it->row);
    if (rc >= 0) {
        cpol__record_get_id(it->row, ITEM_STATION, &station);
        rc = cpol__authorize(ctx, as, CPOL__PERM_ANY, &station); /* the catalogue names nobody */
    }
    if (rc < 0) {
        cpol_shop_item_free(it);
        return rc;
    }
    it->id = *id;
    *out = it;
    return CPOL_OK;
}

void cpol_shop_item_free(cpol_shop_item *item)
{
    if (!item)
        return;
    cpol__record_free(item->row);
    cpol_free(item);
}

const cpol_id *cpol_shop_item_id(const cpol_shop_item *i) { return i ? &i->id : NULL; }
const char *cpol_shop_item_name(const cpol_shop_item *i) { return i ? cpol__record_text_or_empty(i->row, ITEM_NAME) : ""; }
int64_t cpol_shop_item_price(const cpol_shop_item *i) { return i ? cpol__record_int(i->row, ITEM_PRICE) : 0; }
int64_t cpol_shop_item_stock(const cpol_shop_item *i) { return i ? cpol__record_int(i->row, ITEM_STOCK) : 0; }

int cpol_shop_item_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, cpol_shop_item_iter **out)
{
    cpol_shop_item_iter *it;
    cpol_query *q = NULL;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !station || !out)
        return cpol__null_arg("cpol_shop_item_iter_new", !ctx ? "ctx" : !as ? "as" : !station ? "station" : "out");
    rc = cpol__authorize(ctx, as, CPOL__PERM_ANY, station);
    if (rc < 0)
        return rc;
    it = cpol__calloc(1, sizeof *it);
    if (!it)
        return cpol__oom();
    rc = cpol__query_new(&cpol__table_shop_item, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, ITEM_STATION, CPOL_OP_EQ, station);
    if (rc >= 0) {
        cpol__query_order(q, ITEM_NAME, 0);
        rc = cpol__record_new(&cpol__table_shop_item, &it->current.row);
    }
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &it->cursor);
    cpol__query_free(q);
    if (rc < 0) {
        cpol_shop_item_iter_free(it);
        return rc;
    }
    *out = it;
    return CPOL_OK;
}

int cpol_shop_item_iter_next(cpol_shop_item_iter *it, const cpol_shop_item **out)
{
    int rc;
    if (!it || !out)
        return cpol__null_arg("cpol_shop_item_iter_next", !it ? "it" : "out");
    rc = cpol__cursor_next(it->cursor, it->current.row);
    if (rc != CPOL_OK)
        return rc;
    cpol__record_get_id(it->current.row, ITEM_ID, &it->current.id);
    *out = &it->current;
    return CPOL_OK;
}

void cpol_shop_item_iter_free(cpol_shop_item_iter *it)
{
    if (!it)
        return;
    cpol__cursor_close(it->cursor);
    cpol__record_free(it->current.row);
    cpol_free(it);
}
