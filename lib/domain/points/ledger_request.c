/* Request ids: one id, one request. Every request the ledger takes (award,
 * reversal, redemption, hold, refund, clearing) and every transfer the
 * library makes on its own is reserved here in the same atomic unit as its
 * rows, so a replay is recognised by one lookup, and an id used for one kind
 * of request can never be taken by another (a pending hold's id stays the
 * hold's until it is posted under that very id). */
#include <string.h>

#include "domain/points/ledger_internal.h"

static const cpol_column_def request_columns[REQUEST_NCOLS] = {
    [REQUEST_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [REQUEST_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [REQUEST_KIND] = {"kind", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [REQUEST_CREATED_AT] = {"created_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
};
const cpol_table cpol__table_ledger_request = {"ledger_request", REQUEST_NCOLS, request_columns, 0, NULL, 0};

static const char *kind_name(int kind)
{
    static const char *const names[] = {NULL,     "an award", "a reversal", "a redemption", "a hold",
                                        "a refund", "a yearly clearing", "an automatic award",
                                        "an automatic reversal", "an entry of a yearly clearing"};
    return kind >= CPOL__REQUEST_AWARD && kind <= CPOL__REQUEST_CLEARING_ENTRY ? names[kind] : "another request";
}

int cpol__request_kind(cpol_ctx *ctx, const cpol_id *id, int *kind_out)
{
    cpol_record *r;
    int rc = cpol__load(ctx, &cpol__table_ledger_request, id, "request", &r);
    *kind_out = 0;
    if (rc == CPOL_ENOTFOUND)
        return CPOL_OK;
    if (rc < 0)
        return rc;
    *kind_out = (int)cpol__record_int(r, REQUEST_KIND);
    cpol__record_free(r);
    return CPOL_OK;
}

int cpol__request_conflict(int used_for)
{
    return cpol__error(CPOL_ECONFLICT, "request id already used for %s: a request id serves one request",
                       kind_name(used_for));
}

int cpol__request_seen(cpol_ctx *ctx, const cpol_id *id, int kind)
{
    int used, rc = cpol__request_kind(ctx, id, &used);
    if (rc < 0)
        return rc;
    if (!used)
        return 0;
    return used == kind ? 1 : cpol__request_conflict(used);
}

int cpol__request_reserve(cpol_ctx *ctx, const cpol_id *id, int kind, const cpol_id *station)
{
    cpol_record *r;
    int rc = cpol__record_new(&cpol__table_ledger_request, &r);
    if (rc < 0)
        return rc;
    rc = cpol__record_set_id(r, REQUEST_ID, id);
    if (rc >= 0)
        rc = cpol__record_set_id(r, REQUEST_STATION, station);
    cpol__value_set_int(&r->vals[REQUEST_KIND], kind);
    cpol__value_set_int(&r->vals[REQUEST_CREATED_AT], cpol_ctx_now(ctx));
    if (rc >= 0)
        rc = cpol__store_insert(ctx->store, r);
    if (rc == CPOL_EEXISTS) /* the callers look first; this is the backstop */
        rc = cpol__error(CPOL_ECONFLICT, "request id already used: a request id serves one request");
    cpol__record_free(r);
    return rc;
}

int cpol__request_fresh(cpol_ctx *ctx, int kind, const cpol_id *station, cpol_id *out)
{
    cpol_id_new(ctx, out);
    return cpol__request_reserve(ctx, out, kind, station);
}
