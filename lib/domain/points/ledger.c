/* The points ledger core: accounts with maintained balances, transfers with
 * two postings each, statements and verification. */
#include <stdio.h>
#include <string.h>

#include "domain/points/ledger_internal.h"
#include "domain/base/snapshot.h"
#include "domain/base/tables.h"

static const cpol_column_def account_columns[ACCOUNT_NCOLS] = {
    [ACCOUNT_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [ACCOUNT_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [ACCOUNT_KIND] = {"kind", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [ACCOUNT_OWNER] = {"owner_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [ACCOUNT_BALANCE] = {"balance", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [ACCOUNT_HELD] = {"held", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [ACCOUNT_CREATED_AT] = {"created_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
    [ACCOUNT_SOFT_LIMIT] = {"soft_limit", CPOL_COLUMN_INT, 0},
};
static const cpol_index_def account_indexes[] = {
    {"account_owner", 1, 2, {ACCOUNT_OWNER, ACCOUNT_KIND}},
    {"account_station_kind", 0, 2, {ACCOUNT_STATION, ACCOUNT_KIND}},
};
const cpol_table cpol__table_account = {"account", ACCOUNT_NCOLS, account_columns, 2, account_indexes, 0};

static const cpol_column_def transfer_columns[TRANSFER_NCOLS] = {
    [TRANSFER_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [TRANSFER_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [TRANSFER_KIND] = {"kind", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [TRANSFER_DEBIT] = {"debit_account_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [TRANSFER_CREDIT] = {"credit_account_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [TRANSFER_AMOUNT] = {"amount", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [TRANSFER_PERSON] = {"person_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [TRANSFER_EARNING_KIND] = {"earning_kind", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [TRANSFER_SOURCE] = {"source_id", CPOL_COLUMN_ID, 0},
    [TRANSFER_REVERSES] = {"reverses_id", CPOL_COLUMN_ID, 0},
    [TRANSFER_MEMO] = {"memo", CPOL_COLUMN_TEXT, CPOL_COLUMN_NOTNULL},
    [TRANSFER_ACTOR] = {"actor_person_id", CPOL_COLUMN_ID, 0},
    [TRANSFER_AT] = {"at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
    [TRANSFER_FLAGGED] = {"flagged", CPOL_COLUMN_BOOL, 0},
};
static const cpol_index_def transfer_indexes[] = {
    /* one award of a kind per verified source (a case may earn its reporter a
     * lead and its handler a mediation award, each once) */
    {"transfer_source_kind", 1, 2, {TRANSFER_SOURCE, TRANSFER_EARNING_KIND}},
    {"transfer_reverses", 1, 1, {TRANSFER_REVERSES}}, /* one reversal or refund per transfer */
    {"transfer_person_kind_at", 0, 3, {TRANSFER_PERSON, TRANSFER_EARNING_KIND, TRANSFER_AT}},
    {"transfer_station_at", 0, 2, {TRANSFER_STATION, TRANSFER_AT}},
};
const cpol_table cpol__table_transfer = {"transfer", TRANSFER_NCOLS, transfer_columns, 4, transfer_indexes, 0};

static const cpol_column_def posting_columns[POSTING_NCOLS] = {
    [POSTING_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [POSTING_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [POSTING_ACCOUNT] = {"account_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [POSTING_TRANSFER] = {"transfer_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [POSTING_KIND] = {"kind", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [POSTING_AMOUNT] = {"amount", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [POSTING_BALANCE_AFTER] = {"balance_after", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [POSTING_AT] = {"at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
};
static const cpol_index_def posting_indexes[] = {
    {"posting_account_at", 0, 2, {POSTING_ACCOUNT, POSTING_AT}},
    {"posting_transfer", 0, 1, {POSTING_TRANSFER}},
};
/* Append-only: a posting is written once per leg of a transfer, with an id
 * fresh from cpol_id_new(), and never updated or removed (corrections are new
 * transfers); no index is unique, so an insert cannot conflict (a backend may
 * batch them). */
const cpol_table cpol__table_posting = {"posting", POSTING_NCOLS, posting_columns, 2, posting_indexes,
                                        CPOL_TABLE_APPEND_ONLY};

const char *cpol_earning_kind_name(int kind)
{
    static const char *const names[] = {NULL, "patrol", "publicity", "case lead", "training", "mediation", "hazard"};
    return kind >= CPOL_EARN_PATROL && kind <= CPOL_EARN_HAZARD ? names[kind] : "unknown";
}

int64_t cpol__account_available(const cpol_record *account)
{
    return cpol__record_int(account, ACCOUNT_BALANCE) - cpol__record_int(account, ACCOUNT_HELD);
}

int cpol__same_id(const cpol_record *r, unsigned int col, const cpol_id *want, const char *what, const char *field)
{
    cpol_id have;
    int has = cpol__record_get_id(r, col, &have);
    if (has != (want != NULL) || (has && cpol_id_compare(&have, want) != 0))
        return cpol__error(CPOL_ECONFLICT, "request id already used for a %s with a different %s", what, field);
    return CPOL_OK;
}

int cpol__same_int(const cpol_record *r, unsigned int col, int64_t want, const char *what, const char *field)
{
    if (cpol__record_int(r, col) != want)
        return cpol__error(CPOL_ECONFLICT, "request id already used for a %s with a different %s (%lld, now %lld)",
                           what, field, (long long)cpol__record_int(r, col), (long long)want);
    return CPOL_OK;
}

int cpol__person_station(cpol_ctx *ctx, const cpol_id *person, cpol_id *station_out)
{
    cpol_record *p;
    int rc = cpol__load(ctx, &cpol__table_person, person, "person", &p);
    if (rc < 0)
        return rc;
    cpol__record_get_id(p, PERSON_STATION, station_out);
    cpol__record_free(p);
    return CPOL_OK;
}

int cpol__account_get(cpol_ctx *ctx, int kind, const cpol_id *owner, const cpol_id *station, int create,
                      cpol_record **out)
{
    cpol_query *q;
    cpol_record *r = NULL;
    cpol_id id;
    int rc = cpol__query_new(&cpol__table_account, &q);
    *out = NULL;
    if (rc < 0)
        return rc;
    rc = cpol__query_where_id(q, ACCOUNT_OWNER, CPOL_OP_EQ, owner);
    if (rc >= 0)
        rc = cpol__query_where_int(q, ACCOUNT_KIND, CPOL_OP_EQ, kind);
    if (rc < 0) {
        cpol__query_free(q);
        return rc;
    }
    rc = cpol__query_first(ctx, q, &r);
    if (rc == 1) {
        *out = r;
        return CPOL_OK;
    }
    if (rc < 0)
        return rc;
    if (!create)
        return CPOL_ENOTFOUND; /* no message: callers treat "no account" as zero */
    rc = cpol__record_new(&cpol__table_account, &r);
    if (rc < 0)
        return rc;
    cpol_id_new(ctx, &id);
    rc = cpol__record_set_id(r, ACCOUNT_ID, &id);
    if (rc >= 0)
        rc = cpol__record_set_id(r, ACCOUNT_STATION, station);
    if (rc >= 0)
        rc = cpol__record_set_id(r, ACCOUNT_OWNER, owner);
    cpol__value_set_int(&r->vals[ACCOUNT_KIND], kind);
    cpol__value_set_int(&r->vals[ACCOUNT_BALANCE], 0);
    cpol__value_set_int(&r->vals[ACCOUNT_HELD], 0);
    cpol__value_set_int(&r->vals[ACCOUNT_CREATED_AT], cpol_ctx_now(ctx));
    if (rc >= 0)
        rc = cpol__store_insert(ctx->store, r);
    if (rc < 0) {
        cpol__record_free(r);
        return rc;
    }
    *out = r;
    return CPOL_OK;
}

static int add_posting(cpol_ctx *ctx, const cpol__move *m, cpol_record *account, int64_t amount, cpol_time now)
{
    cpol_record *p;
    cpol_id id, acct;
    int64_t balance;
    int rc = cpol__record_new(&cpol__table_posting, &p);
    if (rc < 0)
        return rc;
    balance = cpol__record_int(account, ACCOUNT_BALANCE) + amount;
    cpol__value_set_int(&account->vals[ACCOUNT_BALANCE], balance);
    cpol__record_get_id(account, ACCOUNT_ID, &acct);
    cpol_id_new(ctx, &id);
    rc = cpol__record_set_id(p, POSTING_ID, &id);
    if (rc >= 0)
        rc = cpol__record_set_id(p, POSTING_STATION, m->station);
    if (rc >= 0)
        rc = cpol__record_set_id(p, POSTING_ACCOUNT, &acct);
    if (rc >= 0)
        rc = cpol__record_set_id(p, POSTING_TRANSFER, &m->id);
    cpol__value_set_int(&p->vals[POSTING_KIND], m->kind);
    cpol__value_set_int(&p->vals[POSTING_AMOUNT], amount);
    cpol__value_set_int(&p->vals[POSTING_BALANCE_AFTER], balance);
    cpol__value_set_int(&p->vals[POSTING_AT], now);
    if (rc >= 0)
        rc = cpol__store_insert(ctx->store, p);
    if (rc >= 0)
        rc = cpol__store_update(ctx->store, account);
    cpol__record_free(p);
    return rc;
}

/* Would crediting `amount` take a person above their soft limit? */
static int above_soft_limit(const cpol_record *credit, int64_t amount)
{
    int64_t limit = cpol__record_int(credit, ACCOUNT_SOFT_LIMIT);
    return cpol__record_int(credit, ACCOUNT_KIND) == CPOL_ACCOUNT_PERSON && limit > 0 &&
           cpol__record_int(credit, ACCOUNT_BALANCE) + amount > limit;
}

int cpol__ledger_move(cpol_ctx *ctx, const cpol__move *m)
{
    cpol_record *t;
    cpol_time now = cpol_ctx_now(ctx);
    int64_t debit_balance = cpol__record_int(m->debit, ACCOUNT_BALANCE);
    int64_t credit_balance = cpol__record_int(m->credit, ACCOUNT_BALANCE);
    int rc;
    if (m->amount <= 0 || m->amount > CPOL_POINTS_MAX)
        return cpol__error(CPOL_EINVALID, "amount %lld is outside 1..%lld", (long long)m->amount,
                           (long long)CPOL_POINTS_MAX);
    /* Person accounts never go below their holds; station accounts are
     * bounded only by 64-bit range (issuance runs negative by design). */
    if (cpol__record_int(m->debit, ACCOUNT_KIND) == CPOL_ACCOUNT_PERSON &&
        cpol__account_available(m->debit) < m->amount)
        return cpol__error(CPOL_EFUNDS, "%lld points needed, %lld available", (long long)m->amount,
                           (long long)cpol__account_available(m->debit));
    if (debit_balance < INT64_MIN + m->amount || credit_balance > INT64_MAX - m->amount)
        return cpol__error(CPOL_ELIMIT, "the transfer would overflow an account balance");
    rc = cpol__record_new(&cpol__table_transfer, &t);
    if (rc < 0)
        return rc;
    rc = cpol__record_set_id(t, TRANSFER_ID, &m->id);
    if (rc >= 0)
        rc = cpol__record_set_id(t, TRANSFER_STATION, m->station);
    cpol__value_set_int(&t->vals[TRANSFER_KIND], m->kind);
    {
        cpol_id d, c;
        cpol__record_get_id(m->debit, ACCOUNT_ID, &d);
        cpol__record_get_id(m->credit, ACCOUNT_ID, &c);
        if (rc >= 0)
            rc = cpol__record_set_id(t, TRANSFER_DEBIT, &d);
        if (rc >= 0)
            rc = cpol__record_set_id(t, TRANSFER_CREDIT, &c);
    }
    cpol__value_set_int(&t->vals[TRANSFER_AMOUNT], m->amount);
    if (rc >= 0)
        rc = cpol__record_set_id(t, TRANSFER_PERSON, m->person);
    cpol__value_set_int(&t->vals[TRANSFER_EARNING_KIND], m->earning_kind);
    if (rc >= 0)
        rc = cpol__record_set_id_or_null(t, TRANSFER_SOURCE, m->source);
    if (rc >= 0)
        rc = cpol__record_set_id_or_null(t, TRANSFER_REVERSES, m->reverses);
    if (rc >= 0)
        rc = cpol__record_set_text0(t, TRANSFER_MEMO, m->memo ? m->memo : "");
    if (rc >= 0)
        rc = cpol__record_set_id_or_null(t, TRANSFER_ACTOR, m->as->system ? NULL : &m->as->person);
    cpol__value_set_int(&t->vals[TRANSFER_AT], now);
    cpol__value_set_int(&t->vals[TRANSFER_FLAGGED], above_soft_limit(m->credit, m->amount));
    if (rc >= 0)
        rc = cpol__store_insert(ctx->store, t);
    if (rc == CPOL_EEXISTS) /* the callers look first; the unique indexes are the backstop */
        rc = cpol__error(CPOL_ECONFLICT, m->reverses ? "that transfer was already reversed or refunded"
                                                     : "that source was already rewarded for %s",
                         cpol_earning_kind_name(m->earning_kind));
    if (rc >= 0)
        rc = add_posting(ctx, m, m->debit, -m->amount, now);
    if (rc >= 0)
        rc = add_posting(ctx, m, m->credit, m->amount, now);
    if (rc >= 0 && cpol__record_int(t, TRANSFER_FLAGGED)) {
        char after[96];
        snprintf(after, sizeof after, "balance %lld above the soft limit %lld",
                 (long long)cpol__record_int(m->credit, ACCOUNT_BALANCE),
                 (long long)cpol__record_int(m->credit, ACCOUNT_SOFT_LIMIT));
        rc = cpol__audit(ctx, m->as, "transfer", &m->id, m->station, "points.soft_limit", NULL, after, NULL);
    }
    cpol__record_free(t);
    return rc;
}

int cpol_points_balance(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int64_t *balance_out,
                        int64_t *available_out)
{
    cpol_record *a = NULL;
    cpol_id station;
    int rc;
    if (!ctx || !as || !person)
        return cpol__null_arg("cpol_points_balance", !ctx ? "ctx" : !as ? "as" : "person");
    rc = cpol__points_person(ctx, as, person, &station);
    if (rc >= 0)
        rc = cpol__points_authorize_read(ctx, as, person, &station, "person", person);
    if (rc < 0)
        return rc;
    rc = cpol__account_get(ctx, CPOL_ACCOUNT_PERSON, person, &station, 0, &a);
    if (rc == CPOL_ENOTFOUND) {
        if (balance_out)
            *balance_out = 0;
        if (available_out)
            *available_out = 0;
        return CPOL_OK;
    }
    if (rc < 0)
        return rc;
    if (balance_out)
        *balance_out = cpol__record_int(a, ACCOUNT_BALANCE);
    if (available_out)
        *available_out = cpol__account_available(a);
    cpol__record_free(a);
    return CPOL_OK;
}

/* ---- transfers ---- */

struct cpol_transfer {
    cpol_record *row;
    cpol_id id, person, reverses;
    int has_reverses;
};

int cpol_transfer_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, cpol_transfer **out)
{
    cpol_transfer *t;
    cpol_id station;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !id || !out)
        return cpol__null_arg("cpol_transfer_get", !ctx ? "ctx" : !as ? "as" : !id ? "id" : "out");
    t = cpol__calloc(1, sizeof *t);
    if (!t)
        return cpol__oom();
    rc = cpol__load(ctx, &cpol__table_transfer, id, "transfer", &t->row);
    if (rc >= 0) {
        cpol__record_get_id(t->row, TRANSFER_ID, &t->id);
        cpol__record_get_id(t->row, TRANSFER_PERSON, &t->person);
        cpol__record_get_id(t->row, TRANSFER_STATION, &station);
        t->has_reverses = cpol__record_get_id(t->row, TRANSFER_REVERSES, &t->reverses);
        rc = cpol__points_conceal(ctx, as, &t->person, "transfer", id);
    }
    if (rc >= 0)
        rc = cpol__points_authorize_read(ctx, as, &t->person, &station, "transfer", id);
    if (rc < 0) {
        cpol_transfer_free(t);
        return rc;
    }
    *out = t;
    return CPOL_OK;
}

void cpol_transfer_free(cpol_transfer *t)
{
    if (!t)
        return;
    cpol__record_free(t->row);
    cpol_free(t);
}

const cpol_id *cpol_transfer_id(const cpol_transfer *t) { return t ? &t->id : NULL; }
int cpol_transfer_kind(const cpol_transfer *t) { return t ? (int)cpol__record_int(t->row, TRANSFER_KIND) : 0; }
int64_t cpol_transfer_amount(const cpol_transfer *t) { return t ? cpol__record_int(t->row, TRANSFER_AMOUNT) : 0; }
const cpol_id *cpol_transfer_person(const cpol_transfer *t) { return t ? &t->person : NULL; }
int cpol_transfer_earning_kind(const cpol_transfer *t) { return t ? (int)cpol__record_int(t->row, TRANSFER_EARNING_KIND) : 0; }
const cpol_id *cpol_transfer_reverses(const cpol_transfer *t) { return t && t->has_reverses ? &t->reverses : NULL; }
cpol_time cpol_transfer_time(const cpol_transfer *t) { return t ? cpol__record_int(t->row, TRANSFER_AT) : 0; }
int cpol_transfer_flagged(const cpol_transfer *t) { return t ? (int)cpol__record_int(t->row, TRANSFER_FLAGGED) : 0; }
const char *cpol_transfer_memo(const cpol_transfer *t) { return t ? cpol__record_text_or_empty(t->row, TRANSFER_MEMO) : ""; }

typedef struct soft_limit_args {
    const cpol_actor *as;
    const cpol_id *person;
    int64_t limit;
} soft_limit_args;

static int soft_limit_body(cpol_ctx *ctx, void *arg)
{
    soft_limit_args *a = arg;
    cpol_record *account = NULL;
    cpol_id station;
    char before[32], after[32];
    int rc = cpol__points_person(ctx, a->as, a->person, &station);
    if (rc >= 0)
        rc = cpol__authorize(ctx, a->as, CPOL_PERM_POINTS_ADMIN, &station);
    if (rc >= 0)
        rc = cpol__account_get(ctx, CPOL_ACCOUNT_PERSON, a->person, &station, 1, &account);
    if (rc < 0)
        return rc;
    snprintf(before, sizeof before, "%lld", (long long)cpol__record_int(account, ACCOUNT_SOFT_LIMIT));
    snprintf(after, sizeof after, "%lld", (long long)a->limit);
    if (a->limit)
        cpol__value_set_int(&account->vals[ACCOUNT_SOFT_LIMIT], a->limit);
    else
        cpol__value_clear(&account->vals[ACCOUNT_SOFT_LIMIT]);
    rc = cpol__store_update(ctx->store, account);
    if (rc >= 0)
        rc = cpol__audit(ctx, a->as, "person", a->person, &station, "points.soft_limit.set", before, after, NULL);
    cpol__record_free(account);
    return rc;
}

int cpol_points_set_soft_limit(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int64_t limit)
{
    soft_limit_args a;
    if (!ctx || !as || !person)
        return cpol__null_arg("cpol_points_set_soft_limit", !ctx ? "ctx" : !as ? "as" : "person");
    if (limit < 0 || limit > CPOL_POINTS_MAX)
        return cpol__error(CPOL_EINVALID, "cpol_points_set_soft_limit: limit %lld is outside 0..%lld",
                           (long long)limit, (long long)CPOL_POINTS_MAX);
    a.as = as;
    a.person = person;
    a.limit = limit;
    return cpol__ctx_atomic(ctx, soft_limit_body, &a);
}
