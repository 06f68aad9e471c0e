/* Reading the ledger back: statements with running balances, and the
 * verification that proves its invariants on the stored data. */
#include <stdio.h>
#include <string.h>

#include "domain/base/audit_chain.h"
#include "domain/points/ledger_internal.h"
#include "domain/base/snapshot.h"
#include "domain/base/tables.h"

struct cpol_statement_line {
    cpol_record *row;
    cpol_id transfer;
};

struct cpol_statement_iter {
    cpol_cursor *cursor;
    cpol_statement_line line;
};

/* The balance after the last posting before `from`. */
static int opening_balance(cpol_ctx *ctx, const cpol_id *account, cpol_time from, int64_t *out)
{
    cpol_query *q;
    cpol_record *r;
    int rc = cpol__query_new(&cpol__table_posting, &q);
    *out = 0;
    if (rc < 0)
        return rc;
    rc = cpol__query_where_id(q, POSTING_ACCOUNT, CPOL_OP_EQ, account);
    if (rc >= 0)
        rc = cpol__query_where_int(q, POSTING_AT, CPOL_OP_LT, from);
    if (rc < 0) {
        cpol__query_free(q);
        return rc;
    }
    /* the latest posting: ids grow with time and, unlike times, never tie */
    cpol__query_order(q, POSTING_ID, 1);
    rc = cpol__query_first(ctx, q, &r);
    if (rc == 1)
        *out = cpol__record_int(r, POSTING_BALANCE_AFTER);
    cpol__record_free(r);
    return rc < 0 ? rc : CPOL_OK;
}

int cpol_statement_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, cpol_time from, cpol_time to,
                            int64_t *opening_out, cpol_statement_iter **out)
{
    cpol_statement_iter *it;
    cpol_record *account = NULL;
    cpol_query *q = NULL;
    cpol_id station, acct;
    int rc, have_account;
    if (out)
        *out = NULL;
    if (!ctx || !as || !person || !out)
        return cpol__null_arg("cpol_statement_iter_new", !ctx ? "ctx" : !as ? "as" : !person ? "person" : "out");
    if (to && to <= from)
        return cpol__error(CPOL_EINVALID, "cpol_statement_iter_new: the period ends before it starts");
    rc = cpol__points_person(ctx, as, person, &station);
    if (rc >= 0)
        rc = cpol__points_authorize_read(ctx, as, person, &station, "person", person);
    if (rc < 0)
        return rc;
    rc = cpol__account_get(ctx, CPOL_ACCOUNT_PERSON, person, &station, 0, &account);
    have_account = rc >= 0;
    if (rc == CPOL_ENOTFOUND)
        rc = CPOL_OK;
    if (rc < 0)
        return rc;
    if (have_account)
        cpol__record_get_id(account, ACCOUNT_ID, &acct);
    else
        memset(&acct, 0, sizeof acct); /* matches no posting */
    cpol__record_free(account);
    if (opening_out) {
        rc = opening_balance(ctx, &acct, from, opening_out);
        if (rc < 0)
            return rc;
    }
    it = cpol__calloc(1, sizeof *it);
    if (!it)
        return cpol__oom();
    rc = cpol__query_new(&cpol__table_posting, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, POSTING_ACCOUNT, CPOL_OP_EQ, &acct);
    if (rc >= 0)
        rc = cpol__query_where_int(q, POSTING_AT, CPOL_OP_GE, from);
    if (rc >= 0 && to)
        rc = cpol__query_where_int(q, POSTING_AT, CPOL_OP_LT, to);
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_posting, &it->line.row);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &it->cursor);
    cpol__query_free(q);
    if (rc < 0) {
        cpol_statement_iter_free(it);
        return rc;
    }
    *out = it;
    return CPOL_OK;
}

int cpol_statement_iter_next(cpol_statement_iter *it, const cpol_statement_line **out)
{
    int rc;
    if (!it || !out)
        return cpol__null_arg("cpol_statement_iter_next", !it ? "it" : "out");
    rc = cpol__cursor_next(it->cursor, it->line.row);
    if (rc != CPOL_OK)
        return rc;
    cpol__record_get_id(it->line.row, POSTING_TRANSFER, &it->line.transfer);
    *out = &it->line;
    return CPOL_OK;
}

void cpol_statement_iter_free(cpol_statement_iter *it)
{
    if (!it)
        return;
    cpol__cursor_close(it->cursor);
    cpol__record_free(it->line.row);
    cpol_free(it);
}

const cpol_id *cpol_statement_line_transfer(const cpol_statement_line *l) { return l ? &l->transfer : NULL; }
int cpol_statement_line_kind(const cpol_statement_line *l) { return l ? (int)cpol__record_int(l->row, POSTING_KIND) : 0; }
int64_t cpol_statement_line_amount(const cpol_statement_line *l) { return l ? cpol__record_int(l->row, POSTING_AMOUNT) : 0; }
int64_t cpol_statement_line_balance(const cpol_statement_line *l) { return l ? cpol__record_int(l->row, POSTING_BALANCE_AFTER) : 0; }
cpol_time cpol_statement_line_time(const cpol_statement_line *l) { return l ? cpol__record_int(l->row, POSTING_AT) : 0; }

/* ---- verification ---- */

/* Run `check` on every row of a table (in primary-key order). */
static int scan(cpol_ctx *ctx, const cpol_table *t, int (*check)(cpol_ctx *, const cpol_record *, void *), void *arg)
{
    cpol_query *q;
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    int rc = cpol__query_new(t, &q);
    if (rc >= 0)
        rc = cpol__record_new(t, &r);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK)
        rc = check(ctx, r, arg);
    cpol__cursor_close(c);
    cpol__record_free(r);
    cpol__query_free(q);
    return rc == CPOL_DONE ? CPOL_OK : rc;
}

typedef struct verify_state {
    int64_t total;     /* sum of all balances */
    int64_t postings;  /* postings checked */
} verify_state;

/* Sum a query's int column. */
static int sum_column(cpol_ctx *ctx, cpol_query *q, unsigned int col, int64_t *sum, int64_t *count)
{
    cpol_cursor *c = NULL;
    cpol_record *r = NULL;
    int rc = cpol__record_new(q->table, &r);
    *sum = 0;
    if (count)
        *count = 0;
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, r)) == CPOL_OK) {
        *sum += cpol__record_int(r, col);
        if (count)
            (*count)++;
    }
    cpol__cursor_close(c);
    cpol__record_free(r);
    return rc == CPOL_DONE ? CPOL_OK : rc;
}

static int check_account(cpol_ctx *ctx, const cpol_record *a, void *arg)
{
    verify_state *v = arg;
    cpol_query *q;
    cpol_id id;
    char s[37];
    int64_t sum, n, held;
    int rc;
    cpol__record_get_id(a, ACCOUNT_ID, &id);
    cpol__id_text(&id, s);
    rc = cpol__query_new(&cpol__table_posting, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, POSTING_ACCOUNT, CPOL_OP_EQ, &id);
    if (rc >= 0)
        rc = sum_column(ctx, q, POSTING_AMOUNT, &sum, &n);
    cpol__query_free(q);
    if (rc < 0)
        return rc;
    v->postings += n;
    if (sum != cpol__record_int(a, ACCOUNT_BALANCE))
        return cpol__error(CPOL_ECORRUPT, "account %s: maintained balance %lld but its postings sum to %lld", s,
                           (long long)cpol__record_int(a, ACCOUNT_BALANCE), (long long)sum);
    v->total += sum;
    if (cpol__record_int(a, ACCOUNT_KIND) == CPOL_ACCOUNT_PERSON) {
        cpol_id owner;
        cpol__record_get_id(a, ACCOUNT_OWNER, &owner);
        rc = cpol__query_new(&cpol__table_redemption, &q);
        if (rc >= 0)
            rc = cpol__query_where_id(q, REDEMPTION_PERSON, CPOL_OP_EQ, &owner);
        if (rc >= 0)
            rc = cpol__query_where_int(q, REDEMPTION_STATUS, CPOL_OP_EQ, CPOL_REDEMPTION_HELD);
        if (rc >= 0)
            rc = sum_column(ctx, q, REDEMPTION_AMOUNT, &held, NULL);
        cpol__query_free(q);
        if (rc < 0)
            return rc;
        if (held != cpol__record_int(a, ACCOUNT_HELD))
            return cpol__error(CPOL_ECORRUPT, "account %s: %lld points held but its pending holds total %lld", s,
                               (long long)cpol__record_int(a, ACCOUNT_HELD), (long long)held);
        if (cpol__account_available(a) < 0)
            return cpol__error(CPOL_ECORRUPT, "person account %s is below zero: balance %lld, held %lld", s,
                               (long long)cpol__record_int(a, ACCOUNT_BALANCE), (long long)held);
    }
    return CPOL_OK;
}

static int check_transfer(cpol_ctx *ctx, const cpol_record *t, void *arg)
{
    cpol_query *q;
    cpol_id id;
    char s[37];
    int64_t sum, n;
    int used, rc;
    (void)arg;
    cpol__record_get_id(t, TRANSFER_ID, &id);
    rc = cpol__query_new(&cpol__table_posting, &q);
    if (rc >= 0)
        rc = cpol__query_where_id(q, POSTING_TRANSFER, CPOL_OP_EQ, &id);
    if (rc >= 0)
        rc = sum_column(ctx, q, POSTING_AMOUNT, &sum, &n);
    cpol__query_free(q);
    if (rc < 0)
        return rc;
    if (n != 2 || sum != 0) {
        cpol__id_text(&id, s);
        return cpol__error(CPOL_ECORRUPT, "transfer %s does not balance: %lld postings summing to %lld", s,
                           (long long)n, (long long)sum);
    }
    /* one id, one request: every transfer's id is reserved (ledger_request.c) */
    rc = cpol__request_kind(ctx, &id, &used);
    if (rc >= 0 && !used) {
        cpol__id_text(&id, s);
        rc = cpol__error(CPOL_ECORRUPT, "transfer %s: its id is not reserved as a request", s);
    }
    return rc;
}

int cpol_ledger_verify(cpol_ctx *ctx, const cpol_actor *as, int64_t *checked_out)
{
    verify_state v = {0, 0};
    int rc;
    if (!ctx || !as)
        return cpol__null_arg("cpol_ledger_verify", !ctx ? "ctx" : "as");
    if (!as->system) {
        cpol_id station, bureau;
        int bureau_wide, bound = cpol__actor_scope(ctx, as, &station, &bureau, &bureau_wide);
        if (bound < 0)
            return bound;
        rc = cpol__authorize(ctx, as, CPOL_PERM_POINTS_VIEW, bound ? &station : NULL);
        if (rc < 0)
            return rc;
    }
    rc = scan(ctx, &cpol__table_account, check_account, &v);
    if (rc >= 0 && v.total != 0)
        rc = cpol__error(CPOL_ECORRUPT, "the balances of all accounts sum to %lld, not 0", (long long)v.total);
    if (rc >= 0)
        rc = scan(ctx, &cpol__table_transfer, check_transfer, NULL);
    /* the books can balance and still be forged: the audit chain and the
     * rows' seals show any change made around the library */
    if (rc >= 0)
        rc = cpol__audit_verify_store(ctx, !as->system, NULL, NULL);
    if (rc >= 0 && checked_out)
        *checked_out = v.postings;
    return rc;
}
