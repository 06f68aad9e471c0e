/* The yearly clearing of points (积分清零) as one recorded, idempotent batch. */
#include <stdio.h>
#include <string.h>

#include "domain/points/ledger_internal.h"
#include "domain/base/tables.h"

enum { EXPIRY_BATCH_KIND = 1 };

typedef struct expiry_args {
    const cpol_actor *as;
    const cpol_id *request, *station;
    int64_t accounts, points;
    int already;
} expiry_args;

/* The id of one account's expiry transfer: derived from the batch and the
 * account, so the batch writes the same ids whenever it is computed. */
static void derive_id(const cpol_id *batch, const cpol_id *account, cpol_id *out)
{
    int i;
    for (i = 0; i < 16; i++)
        out->bytes[i] = (unsigned char)(batch->bytes[i] ^ account->bytes[(i + 7) % 16]);
    out->bytes[6] = (unsigned char)(0x80 | (out->bytes[6] & 0x0F)); /* version 8: custom */
    out->bytes[8] = (unsigned char)(0x80 | (out->bytes[8] & 0x3F));
}

/* The ids of a station's person accounts. */
static int person_accounts(cpol_ctx *ctx, const cpol_id *station, cpol_id **ids, size_t *n)
{
    cpol_query *q;
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    size_t cap = 0;
    int rc = cpol__query_new(&cpol__table_account, &q);
    *ids = NULL;
    *n = 0;
    if (rc >= 0)
        rc = cpol__query_where_id(q, ACCOUNT_STATION, CPOL_OP_EQ, station);
    if (rc >= 0)
        rc = cpol__query_where_int(q, ACCOUNT_KIND, CPOL_OP_EQ, CPOL_ACCOUNT_PERSON);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_account, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK) {
        if (cpol__account_available(r) <= 0)
            continue;
        if (*n == cap) {
            cpol_id *grown;
            cap = cap ? cap * 2 : 16;
            grown = cpol_realloc(*ids, cap * sizeof **ids);
            if (!grown) {
                rc = cpol__oom();
                break;
            }
            *ids = grown;
        }
        cpol__record_get_id(r, ACCOUNT_OWNER, &(*ids)[(*n)++]);
    }
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(q);
    if (rc < 0 && rc != CPOL_DONE) {
        cpol_free(*ids);
        *ids = NULL;
        return rc;
    }
    return CPOL_OK;
}

static int clear_person(cpol_ctx *ctx, expiry_args *a, const cpol_id *person, cpol_record *issuance)
{
    cpol_record *account;
    cpol_id acct;
    int rc = cpol__holds_expire_person(ctx, person);
    if (rc >= 0)
        rc = cpol__account_get(ctx, CPOL_ACCOUNT_PERSON, person, a->station, 0, &account);
    if (rc < 0)
        return rc;
    if (cpol__account_available(account) > 0) {
        cpol__move m;
        memset(&m, 0, sizeof m);
        cpol__record_get_id(account, ACCOUNT_ID, &acct);
        derive_id(a->request, &acct, &m.id);
        rc = cpol__request_reserve(ctx, &m.id, CPOL__REQUEST_CLEARING_ENTRY, a->station);
        m.station = a->station;
        m.kind = CPOL_TRANSFER_EXPIRY;
        m.debit = account;
        m.credit = issuance;
        m.amount = cpol__account_available(account);
        m.person = person;
        m.memo = "yearly clearing";
        m.as = a->as;
        if (rc >= 0)
            rc = cpol__ledger_move(ctx, &m);
        if (rc >= 0) {
            a->accounts++;
            a->points += m.amount;
        }
    }
    cpol__record_free(account);
    return rc;
}

static int expiry_body(cpol_ctx *ctx, void *arg)
{
    expiry_args *a = arg;
    cpol_record *prev = NULL, *issuance = NULL, *batch = NULL;
    cpol_id st, *people = NULL;
    size_t n = 0, i;
    int has, kind, rc = cpol__area_lookup(ctx, a->station, &st, &has, NULL, &kind);
    if (rc >= 0 && kind != 2 /* CPOL_AREA_STATION */)
        rc = cpol__error(CPOL_EINVALID, "points are cleared per police station");
    if (rc >= 0)
        rc = cpol__authorize(ctx, a->as, CPOL_PERM_POINTS_ADMIN, a->station);
    if (rc >= 0)
        rc = cpol__request_seen(ctx, a->request, CPOL__REQUEST_CLEARING);
    if (rc > 0) { /* this batch already ran: its figures, if it was for this station */
        rc = cpol__load(ctx, &cpol__table_ledger_batch, a->request, "batch", &prev);
        if (rc >= 0) {
            rc = cpol__same_id(prev, BATCH_STATION, a->station, "points expiry", "station");
            a->accounts = cpol__record_int(prev, BATCH_COUNT);
            a->points = cpol__record_int(prev, BATCH_TOTAL);
        }
        a->already = rc >= 0;
        cpol__record_free(prev);
        return rc;
    }
    if (rc >= 0)
        rc = cpol__request_reserve(ctx, a->request, CPOL__REQUEST_CLEARING, a->station);
    if (rc >= 0)
        rc = cpol__account_get(ctx, CPOL_ACCOUNT_ISSUANCE, a->station, a->station, 1, &issuance);
    if (rc >= 0)
        rc = person_accounts(ctx, a->station, &people, &n);
    for (i = 0; rc >= 0 && i < n; i++)
        rc = clear_person(ctx, a, &people[i], issuance);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_ledger_batch, &batch);
    if (rc >= 0) {
        rc = cpol__record_set_id(batch, BATCH_ID, a->request);
        if (rc >= 0)
            rc = cpol__record_set_id(batch, BATCH_STATION, a->station);
        cpol__value_set_int(&batch->vals[BATCH_KIND], EXPIRY_BATCH_KIND);
        cpol__value_set_int(&batch->vals[BATCH_COUNT], a->accounts);
        cpol__value_set_int(&batch->vals[BATCH_TOTAL], a->points);
        cpol__value_set_int(&batch->vals[BATCH_AT], cpol_ctx_now(ctx));
    }
    if (rc >= 0)
        rc = cpol__store_insert(ctx->store, batch);
    if (rc >= 0) {
        char after[96];
        snprintf(after, sizeof after, "%lld accounts cleared, %lld points", (long long)a->accounts,
                 (long long)a->points);
        rc = cpol__audit(ctx, a->as, "ledger_batch", a->request, a->station, "points.expire", NULL, after, NULL);
    }
    cpol_free(people);
    cpol__record_free(batch);
    cpol__record_free(issuance);
    return rc;
}

int cpol_points_expire_all(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *request, const cpol_id *station,
                           int64_t *accounts_out, int64_t *points_out)
{
    expiry_args a;
    int rc;
    if (!ctx || !as || !request || !station)
        return cpol__null_arg("cpol_points_expire_all", !ctx ? "ctx" : !as ? "as" : !request ? "request" : "station");
    memset(&a, 0, sizeof a);
    a.as = as;
    a.request = request;
    a.station = station;
    rc = cpol__ctx_atomic(ctx, expiry_body, &a);
    if (rc >= 0) {
        if (accounts_out)
            *accounts_out = a.accounts;
        if (points_out)
            *points_out = a.points;
    }
    return rc >= 0 && a.already ? CPOL_ALREADY : rc;
}
