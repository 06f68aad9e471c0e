/* Redemptions at the service-station shop, their holds, refunds, and the
 * yearly clearing of points. */
#include <stdio.h>
#include <string.h>

#include "util/text.h"
#include "domain/points/ledger_internal.h"
#include "domain/base/tables.h"

#define QUANTITY_MAX 1000
#define STOCK_MAX 1000000
#define HOLD_MAX_MS (7LL * 24 * 3600 * 1000)

static const char *redemption_status_name(int status)
{
    static const char *const names[] = {NULL, "held", "posted", "voided", "expired", "refunded"};
    return status >= CPOL_REDEMPTION_HELD && status <= CPOL_REDEMPTION_REFUNDED ? names[status] : "unknown";
}

static int set_status(cpol_ctx *ctx, cpol_record *red, int status)
{
    cpol__value_set_int(&red->vals[REDEMPTION_STATUS], status);
    cpol__value_set_int(&red->vals[REDEMPTION_UPDATED_AT], cpol_ctx_now(ctx));
    return cpol__store_update(ctx->store, red);
}

/* Put back an item's stock (a hold released, a refund). */
static int restock(cpol_ctx *ctx, const cpol_record *red)
{
    cpol_id item;
    cpol_record *r;
    int rc;
    cpol__record_get_id(red, REDEMPTION_ITEM, &item);
    rc = cpol__load(ctx, &cpol__table_shop_item, &item, "shop item", &r);
    if (rc < 0)
        return rc;
    cpol__value_set_int(&r->vals[ITEM_STOCK], cpol__record_int(r, ITEM_STOCK) + cpol__record_int(red, REDEMPTION_QUANTITY));
    rc = cpol__store_update(ctx->store, r);
    cpol__record_free(r);
    return rc;
}

/* Take a held amount off the person's account's held total. */
static int unhold(cpol_ctx *ctx, const cpol_record *red, cpol_record **account_out)
{
    cpol_id person, station;
    cpol_record *acct;
    int rc;
    cpol__record_get_id(red, REDEMPTION_PERSON, &person);
    cpol__record_get_id(red, REDEMPTION_STATION, &station);
    rc = cpol__account_get(ctx, CPOL_ACCOUNT_PERSON, &person, &station, 0, &acct);
    if (rc == CPOL_ENOTFOUND)
        return cpol__error(CPOL_ECORRUPT, "a hold refers to an account that does not exist");
    if (rc < 0)
        return rc;
    cpol__value_set_int(&acct->vals[ACCOUNT_HELD],
                        cpol__record_int(acct, ACCOUNT_HELD) - cpol__record_int(red, REDEMPTION_AMOUNT));
    rc = cpol__store_update(ctx->store, acct);
    if (rc >= 0 && account_out)
        *account_out = acct;
    else
        cpol__record_free(acct);
    return rc;
}

/* Release a hold: points and stock back, state voided or expired. */
static int release_hold(cpol_ctx *ctx, const cpol_actor *as, cpol_record *red, int status)
{
    cpol_id id, station;
    int rc = unhold(ctx, red, NULL);
    if (rc >= 0)
        rc = restock(ctx, red);
    if (rc >= 0)
        rc = set_status(ctx, red, status);
    if (rc >= 0 && as) {
        cpol__record_get_id(red, REDEMPTION_ID, &id);
        cpol__record_get_id(red, REDEMPTION_STATION, &station);
        rc = cpol__audit(ctx, as, "redemption", &id, &station,
                         status == CPOL_REDEMPTION_VOIDED ? "shop.hold.void" : "shop.hold.expire", "held",
                         redemption_status_name(status), NULL);
    }
    return rc;
}

static int overdue(cpol_ctx *ctx, const cpol_record *red)
{
    return cpol__record_int(red, REDEMPTION_STATUS) == CPOL_REDEMPTION_HELD &&
           cpol__record_int(red, REDEMPTION_EXPIRES_AT) <= cpol_ctx_now(ctx);
}

/* Collect the ids of the redemptions a query returns (so rows can be
 * changed after the cursor is gone). */
static int collect_ids(cpol_ctx *ctx, cpol_query *q, cpol_id **ids, size_t *n)
{
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    size_t cap = 0;
    int rc = cpol__record_new(&cpol__table_redemption, &r);
    *ids = NULL;
    *n = 0;
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK) {
        if (*n == cap) {
            cpol_id *grown;
            cap = cap ? cap * 2 : 8;
            grown = cpol_realloc(*ids, cap * sizeof **ids);
            if (!grown) {
                rc = cpol__oom();
                break;
            }
            *ids = grown;
        }
        cpol__record_get_id(r, REDEMPTION_ID, &(*ids)[(*n)++]);
    }
    cpol__cursor_close(c);
    cpol__record_free(r);
    if (rc < 0 && rc != CPOL_DONE) {
        cpol_free(*ids);
        *ids = NULL;
        return rc;
    }
    return CPOL_OK;
}

/* May `as` expire holds of this redemption's station? Only asked for
 * bureau-wide actors, whose query spans stations. */
static int in_scope(cpol_ctx *ctx, const cpol_actor *as, const cpol_record *red)
{
    cpol_id station;
    int rc;
    cpol__record_get_id(red, REDEMPTION_STATION, &station);
    rc = cpol__authorize(ctx, as, CPOL_PERM_POINTS_ADMIN, &station);
    return rc == CPOL_EPERM ? 0 : rc < 0 ? rc : 1;
}

/* Expire the held redemptions a query selects whose time has passed, as
 * `as` (NULL: the system actor, for expiry found on the way by another
 * call); with `check_each`, only those of stations `as` may administer. */
static int expire_selected(cpol_ctx *ctx, cpol_query *q, const cpol_actor *as, int check_each, int64_t *count)
{
    cpol_actor system_actor;
    cpol_id *ids;
    size_t n, i;
    int due, rc = collect_ids(ctx, q, &ids, &n);
    memset(&system_actor, 0, sizeof system_actor);
    system_actor.system = 1; /* a timeout is the installation's doing, not an actor's */
    for (i = 0; rc >= 0 && i < n; i++) {
        cpol_record *red;
        rc = cpol__load(ctx, &cpol__table_redemption, &ids[i], "redemption", &red);
        if (rc < 0)
            break;
        due = overdue(ctx, red);
        if (due && check_each)
            due = in_scope(ctx, as, red);
        if (due < 0)
            rc = due;
        else if (due) {
            rc = release_hold(ctx, as ? as : &system_actor, red, CPOL_REDEMPTION_EXPIRED);
            if (count)
                (*count)++;
        }
        cpol__record_free(red);
    }
    cpol_free(ids);
    return rc;
}

/* Expire the overdue holds whose `col` (the person or the item) is `id`:
 * an expired hold must never block anyone, so every redemption releases
 * the ones that stand in its way before it counts points or stock. */
static int expire_due_on(cpol_ctx *ctx, int col, const cpol_id *id)
{
    cpol_query *q;
    int rc = cpol__query_new(&cpol__table_redemption, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, col, CPOL_OP_EQ, id);
    if (rc >= 0)
        rc = cpol__query_where_int(q, REDEMPTION_STATUS, CPOL_OP_EQ, CPOL_REDEMPTION_HELD);
    if (rc >= 0)
        rc = cpol__query_where_int(q, REDEMPTION_EXPIRES_AT, CPOL_OP_LE, cpol_ctx_now(ctx));
    if (rc >= 0)
        rc = expire_selected(ctx, q, NULL, 0, NULL);
    cpol__query_free(q);
    return rc;
}

int cpol__holds_expire_person(cpol_ctx *ctx, const cpol_id *person)
{
    return expire_due_on(ctx, REDEMPTION_PERSON, person);
}

typedef struct expire_due_args {
    const cpol_actor *as;
    int64_t count;
} expire_due_args;

static int expire_due_body(cpol_ctx *ctx, void *arg)
{
    expire_due_args *a = arg;
    cpol_query *q = NULL;
    cpol_id station;
    int bureau_wide, bound = cpol__actor_scope(ctx, a->as, &station, NULL, &bureau_wide);
    int rc = bound < 0 ? bound : cpol__authorize(ctx, a->as, CPOL_PERM_POINTS_ADMIN, bound ? &station : NULL);
    if (rc >= 0)
        rc = cpol__query_new(&cpol__table_redemption, &q);
    if (rc >= 0)
        rc = cpol__query_where_int(q, REDEMPTION_STATUS, CPOL_OP_EQ, CPOL_REDEMPTION_HELD);
    if (rc >= 0)
        rc = cpol__query_where_int(q, REDEMPTION_EXPIRES_AT, CPOL_OP_LE, cpol_ctx_now(ctx));
    if (rc >= 0 && bound)
        rc = cpol__query_where_id(q, REDEMPTION_STATION, CPOL_OP_EQ, &station);
    /* each hold expired is an audit entry ("shop.hold.expire") under the actor */
    if (rc >= 0)
        rc = expire_selected(ctx, q, a->as, bureau_wide, &a->count);
    cpol__query_free(q);
    return rc;
}

int cpol_hold_expire_due(cpol_ctx *ctx, const cpol_actor *as, int64_t *count_out)
{
    expire_due_args a;
    int rc;
    if (!ctx || !as)
        return cpol__null_arg("cpol_hold_expire_due", !ctx ? "ctx" : "as");
    a.as = as;
    a.count = 0;
    rc = cpol__ctx_atomic(ctx, expire_due_body, &a);
    if (rc >= 0 && count_out)
        *count_out = a.count;
    return rc;
}

/* ---- redeem ---- */

typedef struct redeem_args {
    const cpol_actor *as;
    const cpol_id *request, *person, *item;
    int64_t quantity, hold_ms, amount;
    int already;
} redeem_args;

static int replay_redeem(cpol_ctx *ctx, const cpol_record *red, redeem_args *a)
{
    int rc = cpol__same_id(red, REDEMPTION_PERSON, a->person, "redemption", "person");
    if (rc >= 0)
        rc = cpol__same_id(red, REDEMPTION_ITEM, a->item, "redemption", "item");
    if (rc >= 0)
        rc = cpol__same_int(red, REDEMPTION_QUANTITY, a->quantity, "redemption", "quantity");
    if (rc >= 0 && (cpol_record_value(red, REDEMPTION_EXPIRES_AT)->type != CPOL_VALUE_NULL) != (a->hold_ms > 0))
        rc = cpol__error(CPOL_ECONFLICT, "request id already used for a redemption %s a hold",
                         a->hold_ms > 0 ? "without" : "with");
    (void)ctx;
    if (rc < 0)
        return rc;
    a->amount = cpol__record_int(red, REDEMPTION_AMOUNT);
    a->already = 1;
    return CPOL_OK;
}

static int insert_redemption(cpol_ctx *ctx, redeem_args *a, const cpol_id *station, int status)
{
    cpol_record *r;
    cpol_time now = cpol_ctx_now(ctx);
    int rc = cpol__record_new(&cpol__table_redemption, &r);
    if (rc < 0)
        return rc;
    rc = cpol__record_set_id(r, REDEMPTION_ID, a->request);
    if (rc >= 0)
        rc = cpol__record_set_id(r, REDEMPTION_STATION, station);
    if (rc >= 0)
        rc = cpol__record_set_id(r, REDEMPTION_PERSON, a->person);
    if (rc >= 0)
        rc = cpol__record_set_id(r, REDEMPTION_ITEM, a->item);
    cpol__value_set_int(&r->vals[REDEMPTION_QUANTITY], a->quantity);
    cpol__value_set_int(&r->vals[REDEMPTION_AMOUNT], a->amount);
    cpol__value_set_int(&r->vals[REDEMPTION_STATUS], status);
    if (a->hold_ms > 0)
        cpol__value_set_int(&r->vals[REDEMPTION_EXPIRES_AT], now + a->hold_ms);
    cpol__value_set_int(&r->vals[REDEMPTION_CREATED_AT], now);
    cpol__value_set_int(&r->vals[REDEMPTION_UPDATED_AT], now);
    if (rc >= 0)
        rc = cpol__store_insert(ctx->store, r);
    cpol__record_free(r);
    return rc;
}

/* Was the request id used before? A redemption or hold under it: replay it
 * (1 or its refusal); another kind of request: CPOL_ECONFLICT; unused: 0. */
static int seen_redeem(cpol_ctx *ctx, redeem_args *a)
{
    cpol_record *prev;
    int used, rc = cpol__request_kind(ctx, a->request, &used);
    if (rc < 0 || !used)
        return rc;
    if (used != CPOL__REQUEST_REDEMPTION && used != CPOL__REQUEST_HOLD)
        return cpol__request_conflict(used);
    rc = cpol__load(ctx, &cpol__table_redemption, a->request, "redemption", &prev);
    if (rc >= 0)
        rc = replay_redeem(ctx, prev, a);
    cpol__record_free(prev);
    return rc < 0 ? rc : 1;
}

static int redeem_body(cpol_ctx *ctx, void *arg)
{
    redeem_args *a = arg;
    cpol_record *item = NULL, *account = NULL, *shop = NULL;
    cpol_id station, person_station;
    int rc = cpol__load(ctx, &cpol__table_shop_item, a->item, "shop item", &item);
    if (rc >= 0)
        rc = cpol__points_person(ctx, a->as, a->person, &person_station);
    if (rc >= 0) {
        cpol__record_get_id(item, ITEM_STATION, &station);
        rc = cpol__authorize(ctx, a->as, CPOL_PERM_POINTS_REDEEM, &station);
    }
    if (rc >= 0)
        rc = seen_redeem(ctx, a);
    if (rc != 0) {
        cpol__record_free(item);
        return rc < 0 ? rc : CPOL_OK;
    }
    if (cpol_id_compare(&station, &person_station) != 0)
        rc = cpol__error(CPOL_ERULE, "the person is registered at another station than this shop");
    if (rc >= 0)
        rc = cpol__holds_expire_person(ctx, a->person);
    /* another person's hold that has run out gives its units back first */
    if (rc >= 0)
        rc = expire_due_on(ctx, REDEMPTION_ITEM, a->item);
    if (rc >= 0) {
        cpol__record_free(item);
        item = NULL;
        rc = cpol__load(ctx, &cpol__table_shop_item, a->item, "shop item", &item);
    }
    if (rc >= 0) {
        int64_t stock = cpol__record_int(item, ITEM_STOCK);
        a->amount = cpol__record_int(item, ITEM_PRICE) * a->quantity;
        if (stock < a->quantity)
            rc = cpol__error(CPOL_ELIMIT, "%lld of \"%s\" requested, %lld in stock", (long long)a->quantity,
                             cpol__record_text_or_empty(item, ITEM_NAME), (long long)stock);
        else if (a->amount > CPOL_POINTS_MAX)
            rc = cpol__error(CPOL_ELIMIT, "%lld points exceed the largest single transfer", (long long)a->amount);
    }
    if (rc >= 0)
        rc = cpol__account_get(ctx, CPOL_ACCOUNT_PERSON, a->person, &station, 1, &account);
    if (rc >= 0 && cpol__account_available(account) < a->amount)
        rc = cpol__error(CPOL_EFUNDS, "%lld points needed, %lld available", (long long)a->amount,
                         (long long)cpol__account_available(account));
    if (rc >= 0)
        rc = cpol__request_reserve(ctx, a->request, a->hold_ms > 0 ? CPOL__REQUEST_HOLD : CPOL__REQUEST_REDEMPTION,
                                   &station);
    if (rc >= 0 && a->hold_ms > 0) {
        cpol__value_set_int(&account->vals[ACCOUNT_HELD], cpol__record_int(account, ACCOUNT_HELD) + a->amount);
        rc = cpol__store_update(ctx->store, account);
        if (rc >= 0)
            rc = insert_redemption(ctx, a, &station, CPOL_REDEMPTION_HELD);
    } else if (rc >= 0) {
        rc = cpol__account_get(ctx, CPOL_ACCOUNT_SHOP, &station, &station, 1, &shop);
        if (rc >= 0) {
            cpol__move m;
            memset(&m, 0, sizeof m);
            m.id = *a->request;
            m.station = &station;
            m.kind = CPOL_TRANSFER_REDEEM;
            m.debit = account;
            m.credit = shop;
            m.amount = a->amount;
            m.person = a->person;
            m.memo = cpol__record_text_or_empty(item, ITEM_NAME);
            m.as = a->as;
            rc = cpol__ledger_move(ctx, &m);
        }
        if (rc >= 0)
            rc = insert_redemption(ctx, a, &station, CPOL_REDEMPTION_POSTED);
    }
    if (rc >= 0) {
        cpol__value_set_int(&item->vals[ITEM_STOCK], cpol__record_int(item, ITEM_STOCK) - a->quantity);
        rc = cpol__store_update(ctx->store, item);
    }
    if (rc >= 0) {
        char after[CPOL_ITEM_NAME_MAX + 64];
        snprintf(after, sizeof after, "%lld x %s for %lld points%s", (long long)a->quantity,
                 cpol__record_text_or_empty(item, ITEM_NAME), (long long)a->amount, a->hold_ms > 0 ? " (held)" : "");
        rc = cpol__audit(ctx, a->as, "redemption", a->request, &station, "shop.redeem", NULL, after, NULL);
    }
    cpol__record_free(item);
    cpol__record_free(account);
    cpol__record_free(shop);
    return rc;
}

int cpol_shop_redeem(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *request, const cpol_id *person,
                     const cpol_id *item, int64_t quantity, int64_t hold_ms, int64_t *amount_out)
{
    redeem_args a;
    int rc;
    if (!ctx || !as || !request || !person || !item)
        return cpol__null_arg("cpol_shop_redeem", !ctx ? "ctx" : !as ? "as" : !request ? "request" : !person ? "person" : "item");
    if (quantity < 1 || quantity > QUANTITY_MAX)
        return cpol__error(CPOL_EINVALID, "cpol_shop_redeem: quantity %lld is outside 1..%d", (long long)quantity,
                           QUANTITY_MAX);
    if (hold_ms < 0 || hold_ms > HOLD_MAX_MS)
        return cpol__error(CPOL_EINVALID, "cpol_shop_redeem: a hold lasts 1 ms to 7 days");
    if (cpol_id_is_nil(request))
        return cpol__error(CPOL_EINVALID, "cpol_shop_redeem: the request id is nil");
    memset(&a, 0, sizeof a);
    a.as = as;
    a.request = request;
    a.person = person;
    a.item = item;
    a.quantity = quantity;
    a.hold_ms = hold_ms;
    rc = cpol__ctx_atomic(ctx, redeem_body, &a);
    if (rc >= 0 && amount_out)
        *amount_out = a.amount;
    return rc >= 0 && a.already ? CPOL_ALREADY : rc;
}

/* ---- holds ---- */

typedef struct hold_args {
    const cpol_actor *as;
    const cpol_id *hold;
    const char *what;  /* "hold" or "redemption", for messages */
    int to;            /* CPOL_REDEMPTION_POSTED or _VOIDED; 0: read (expiring it if overdue) */
    int already;
    int status;
} hold_args;

static int hold_body(cpol_ctx *ctx, void *arg)
{
    hold_args *a = arg;
    cpol_record *red, *account = NULL, *shop = NULL;
    cpol_id station, person;
    int status, rc = cpol__load(ctx, &cpol__table_redemption, a->hold, a->what, &red);
    if (rc < 0)
        return rc;
    cpol__record_get_id(red, REDEMPTION_STATION, &station);
    cpol__record_get_id(red, REDEMPTION_PERSON, &person);
    rc = cpol__points_conceal(ctx, a->as, &person, a->what, a->hold);
    if (rc >= 0)
        rc = a->to ? cpol__authorize(ctx, a->as, CPOL_PERM_POINTS_REDEEM, &station)
                   : cpol__points_authorize_read(ctx, a->as, &person, &station, a->what, a->hold);
    if (rc >= 0 && overdue(ctx, red)) {
        cpol_actor system_actor;
        memset(&system_actor, 0, sizeof system_actor);
        system_actor.system = 1;
        rc = release_hold(ctx, &system_actor, red, CPOL_REDEMPTION_EXPIRED);
    }
    status = (int)cpol__record_int(red, REDEMPTION_STATUS);
    a->status = status;
    if (rc < 0 || !a->to) {
        cpol__record_free(red);
        return rc;
    }
    if (status == a->to) {
        a->already = 1;
    } else if (status != CPOL_REDEMPTION_HELD) {
        /* an expiry found here is committed, so report it after the unit ends */
        a->status = status;
    } else if (a->to == CPOL_REDEMPTION_VOIDED) {
        rc = release_hold(ctx, a->as, red, CPOL_REDEMPTION_VOIDED);
        a->status = CPOL_REDEMPTION_VOIDED;
    } else {
        rc = unhold(ctx, red, &account);
        if (rc >= 0)
            rc = cpol__account_get(ctx, CPOL_ACCOUNT_SHOP, &station, &station, 1, &shop);
        if (rc >= 0) {
            cpol__move m;
            memset(&m, 0, sizeof m);
            m.id = *a->hold;
            m.station = &station;
            m.kind = CPOL_TRANSFER_REDEEM;
            m.debit = account;
            m.credit = shop;
            m.amount = cpol__record_int(red, REDEMPTION_AMOUNT);
            m.person = &person;
            m.memo = "hold posted";
            m.as = a->as;
            rc = cpol__ledger_move(ctx, &m);
        }
        if (rc >= 0)
            rc = set_status(ctx, red, CPOL_REDEMPTION_POSTED);
        if (rc >= 0)
            rc = cpol__audit(ctx, a->as, "redemption", a->hold, &station, "shop.hold.post", "held", "posted", NULL);
        a->status = CPOL_REDEMPTION_POSTED;
    }
    cpol__record_free(account);
    cpol__record_free(shop);
    cpol__record_free(red);
    return rc;
}

static int resolve_hold(const char *func, cpol_ctx *ctx, const cpol_actor *as, const cpol_id *hold, int to)
{
    hold_args a;
    int rc;
    if (!ctx || !as || !hold)
        return cpol__null_arg(func, !ctx ? "ctx" : !as ? "as" : "hold");
    memset(&a, 0, sizeof a);
    a.as = as;
    a.hold = hold;
    a.what = "hold";
    a.to = to;
    rc = cpol__ctx_atomic(ctx, hold_body, &a);
    if (rc < 0)
        return rc;
    if (a.already)
        return CPOL_ALREADY;
    if (a.status != to)
        return cpol__error(CPOL_ESTATE, "%s: the hold is %s and can no longer be %s", func,
                           redemption_status_name(a.status), to == CPOL_REDEMPTION_POSTED ? "posted" : "voided");
    return CPOL_OK;
}

int cpol_hold_post(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *hold)
{
    return resolve_hold("cpol_hold_post", ctx, as, hold, CPOL_REDEMPTION_POSTED);
}

int cpol_hold_void(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *hold)
{
    return resolve_hold("cpol_hold_void", ctx, as, hold, CPOL_REDEMPTION_VOIDED);
}

static int status_of(const char *func, const char *what, cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id,
                     int *status_out)
{
    hold_args a;
    int rc;
    if (!ctx || !as || !id || !status_out)
        return cpol__null_arg(func, !ctx ? "ctx" : !as ? "as" : !id ? what : "status_out");
    memset(&a, 0, sizeof a);
    a.as = as;
    a.hold = id;
    a.what = what;
    rc = cpol__ctx_atomic(ctx, hold_body, &a);
    if (rc >= 0)
        *status_out = a.status;
    return rc;
}

int cpol_shop_redemption_status(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *receipt, int *status_out)
{
    return status_of("cpol_shop_redemption_status", "redemption", ctx, as, receipt, status_out);
}

int cpol_hold_status(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *hold, int *status_out)
{
    int status = 0, rc = status_of("cpol_hold_status", "hold", ctx, as, hold, &status);
    if (rc < 0)
        return rc;
    /* as a hold: anything that was posted (even refunded later) was posted */
    *status_out = status == CPOL_REDEMPTION_HELD      ? CPOL_HOLD_PENDING
                  : status == CPOL_REDEMPTION_VOIDED  ? CPOL_HOLD_VOIDED
                  : status == CPOL_REDEMPTION_EXPIRED ? CPOL_HOLD_EXPIRED
                                                      : CPOL_HOLD_POSTED;
    return CPOL_OK;
}

/* ---- refunds ---- */

typedef struct refund_args {
    const cpol_actor *as;
    const cpol_id *request, *receipt;
    const char *reason;
    int already;
} refund_args;

static int refund_body(cpol_ctx *ctx, void *arg)
{
    refund_args *a = arg;
    cpol_record *prev = NULL, *red = NULL, *account = NULL, *shop = NULL;
    cpol_id station, person;
    int status, rc = cpol__load(ctx, &cpol__table_redemption, a->receipt, "redemption", &red);
    if (rc < 0)
        return rc;
    cpol__record_get_id(red, REDEMPTION_STATION, &station);
    cpol__record_get_id(red, REDEMPTION_PERSON, &person);
    status = (int)cpol__record_int(red, REDEMPTION_STATUS);
    rc = cpol__points_conceal(ctx, a->as, &person, "redemption", a->receipt);
    if (rc >= 0)
        rc = cpol__authorize(ctx, a->as, CPOL_PERM_POINTS_ADMIN, &station);
    if (rc >= 0)
        rc = cpol__request_seen(ctx, a->request, CPOL__REQUEST_REFUND);
    if (rc > 0) { /* a repeated refund request: the same receipt → CPOL_ALREADY */
        rc = cpol__load(ctx, &cpol__table_transfer, a->request, "transfer", &prev);
        if (rc >= 0)
            rc = cpol__same_id(prev, TRANSFER_REVERSES, a->receipt, "refund", "receipt");
        a->already = rc >= 0;
        cpol__record_free(prev);
        cpol__record_free(red);
        return rc;
    }
    if (rc >= 0 && status == CPOL_REDEMPTION_REFUNDED)
        rc = cpol__error(CPOL_ECONFLICT, "the redemption was already refunded");
    else if (rc >= 0 && status != CPOL_REDEMPTION_POSTED)
        rc = cpol__error(CPOL_ESTATE, "only posted redemptions are refunded; this one is %s (void a hold instead)",
                         redemption_status_name(status));
    if (rc >= 0)
        rc = cpol__request_reserve(ctx, a->request, CPOL__REQUEST_REFUND, &station);
    if (rc >= 0)
        rc = cpol__account_get(ctx, CPOL_ACCOUNT_PERSON, &person, &station, 1, &account);
    if (rc >= 0)
        rc = cpol__account_get(ctx, CPOL_ACCOUNT_SHOP, &station, &station, 1, &shop);
    if (rc >= 0) {
        cpol__move m;
        memset(&m, 0, sizeof m);
        m.id = *a->request;
        m.station = &station;
        m.kind = CPOL_TRANSFER_REFUND;
        m.debit = shop;
        m.credit = account;
        m.amount = cpol__record_int(red, REDEMPTION_AMOUNT);
        m.person = &person;
        m.reverses = a->receipt;
        m.memo = a->reason;
        m.as = a->as;
        rc = cpol__ledger_move(ctx, &m);
    }
    if (rc >= 0)
        rc = restock(ctx, red);
    if (rc >= 0)
        rc = set_status(ctx, red, CPOL_REDEMPTION_REFUNDED);
    if (rc >= 0)
        rc = cpol__audit(ctx, a->as, "redemption", a->receipt, &station, "shop.refund", "posted", "refunded",
                         a->reason);
    cpol__record_free(red);
    cpol__record_free(account);
    cpol__record_free(shop);
    return rc;
}

int cpol_shop_refund(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *request, const cpol_id *receipt,
                     const char *reason)
{
    refund_args a;
    size_t len;
    int rc;
    if (!ctx || !as || !request || !receipt)
        return cpol__null_arg("cpol_shop_refund", !ctx ? "ctx" : !as ? "as" : !request ? "request" : "receipt");
    rc = cpol__check_text("cpol_shop_refund", "reason", reason, 1, CPOL_MEMO_MAX, &len);
    if (rc < 0)
        return rc;
    memset(&a, 0, sizeof a);
    a.as = as;
    a.request = request;
    a.receipt = receipt;
    a.reason = reason;
    rc = cpol__ctx_atomic(ctx, refund_body, &a);
    return rc >= 0 && a.already ? CPOL_ALREADY : rc;
}
