/* The ledger's tables and the one function that moves points; shared by
 * ledger.c (accounts, transfers, statements, verification), earning.c
 * (rules, awards, reversals), award_source.c (what an award may name),
 * ledger_request.c (request ids), ledger_access.c (who may read what) and
 * shop.c (catalogue, redemptions, holds). */
#ifndef CPOL_DOMAIN_LEDGER_INTERNAL_H
#define CPOL_DOMAIN_LEDGER_INTERNAL_H

#include <commpolice/ledger.h>
#include <commpolice/shop.h>

#include "domain/base/domain.h"

enum {
    ACCOUNT_ID, ACCOUNT_STATION, ACCOUNT_KIND, ACCOUNT_OWNER,
    ACCOUNT_BALANCE,   /* maintained: sum of the account's postings */
    ACCOUNT_HELD,      /* maintained: sum of its pending holds */
    ACCOUNT_CREATED_AT,
    ACCOUNT_SOFT_LIMIT, /* optional: balances above it are flagged, never refused */
    ACCOUNT_NCOLS
};
extern const cpol_table cpol__table_account;

enum {
    TRANSFER_ID, TRANSFER_STATION, TRANSFER_KIND, TRANSFER_DEBIT, TRANSFER_CREDIT, TRANSFER_AMOUNT,
    TRANSFER_PERSON, TRANSFER_EARNING_KIND, TRANSFER_SOURCE, TRANSFER_REVERSES, TRANSFER_MEMO,
    TRANSFER_ACTOR, TRANSFER_AT,
    TRANSFER_FLAGGED,  /* 1 if it took a person above their soft limit */
    TRANSFER_NCOLS
};
extern const cpol_table cpol__table_transfer;

enum {
    POSTING_ID, POSTING_STATION, POSTING_ACCOUNT, POSTING_TRANSFER, POSTING_KIND, POSTING_AMOUNT,
    POSTING_BALANCE_AFTER, POSTING_AT, POSTING_NCOLS
};
extern const cpol_table cpol__table_posting;

enum {
    RULE_ID, RULE_STATION, RULE_KIND, RULE_POINTS, RULE_DAILY_CAP, RULE_MONTHLY_CAP, RULE_UPDATED_AT,
    RULE_NCOLS
};
extern const cpol_table cpol__table_earning_rule;

enum {
    ITEM_ID, ITEM_STATION, ITEM_NAME, ITEM_PRICE, ITEM_STOCK, ITEM_CREATED_AT, ITEM_NCOLS
};
extern const cpol_table cpol__table_shop_item;

enum {
    REDEMPTION_ID, REDEMPTION_STATION, REDEMPTION_PERSON, REDEMPTION_ITEM, REDEMPTION_QUANTITY,
    REDEMPTION_AMOUNT, REDEMPTION_STATUS, REDEMPTION_EXPIRES_AT, REDEMPTION_CREATED_AT,
    REDEMPTION_UPDATED_AT, REDEMPTION_NCOLS
};
extern const cpol_table cpol__table_redemption;

enum { BATCH_ID, BATCH_STATION, BATCH_KIND, BATCH_COUNT, BATCH_TOTAL, BATCH_AT, BATCH_NCOLS };
extern const cpol_table cpol__table_ledger_batch;

/* ledger_request: every request id the ledger has seen, with what it was
 * used for, so one id serves one request whatever its kind. Every transfer
 * id is in it too (the library's own transfers under their own kinds), so
 * no caller's request can collide with a transfer it did not make. */
enum { REQUEST_ID, REQUEST_STATION, REQUEST_KIND, REQUEST_CREATED_AT, REQUEST_NCOLS };
extern const cpol_table cpol__table_ledger_request;

/* Kinds of request (stored values: never renumber). */
enum {
    CPOL__REQUEST_AWARD = 1,
    CPOL__REQUEST_REVERSAL = 2,
    CPOL__REQUEST_REDEMPTION = 3,    /* points taken at once */
    CPOL__REQUEST_HOLD = 4,          /* a redemption that holds; posting it keeps its id */
    CPOL__REQUEST_REFUND = 5,
    CPOL__REQUEST_CLEARING = 6,      /* the yearly clearing batch */
    CPOL__REQUEST_AUTO_AWARD = 7,    /* the library's own: an award by a hook */
    CPOL__REQUEST_AUTO_REVERSAL = 8, /* the library's own: a hook withdrawing one */
    CPOL__REQUEST_CLEARING_ENTRY = 9 /* the library's own: one account's transfer of a clearing */
};

/* 1 if `id` was already used for a request of `kind` (the caller replays
 * it), 0 if it is unused, CPOL_ECONFLICT naming the kind it was used for
 * otherwise. */
int cpol__request_seen(cpol_ctx *ctx, const cpol_id *id, int kind);

/* The kind `id` was used for, 0 if unused. */
int cpol__request_kind(cpol_ctx *ctx, const cpol_id *id, int *kind_out);

/* CPOL_ECONFLICT "request id already used for <a kind>". */
int cpol__request_conflict(int used_for);

/* Reserve `id` for a request of `kind` at `station`, inside the caller's
 * atomic unit (with the request's own rows). */
int cpol__request_reserve(cpol_ctx *ctx, const cpol_id *id, int kind, const cpol_id *station);

/* A fresh id reserved for one of the library's own transfers. */
int cpol__request_fresh(cpol_ctx *ctx, int kind, const cpol_id *station, cpol_id *out);

/* An account row of (kind, owner), created on first use when `create`. */
int cpol__account_get(cpol_ctx *ctx, int kind, const cpol_id *owner, const cpol_id *station, int create,
                      cpol_record **out);

/* A transfer to write. */
typedef struct cpol__move {
    cpol_id id;
    const cpol_id *station;
    int kind;
    cpol_record *debit, *credit;   /* account rows, updated in storage by the move */
    int64_t amount;
    const cpol_id *person;         /* the person account involved */
    int earning_kind;              /* awards only */
    const cpol_id *source;         /* awards only */
    const cpol_id *reverses;       /* reversals and refunds */
    const char *memo;
    const cpol_actor *as;
} cpol__move;

/* Write the transfer, its two postings and both maintained balances. A
 * person account may not drop below its holds: CPOL_EFUNDS. */
int cpol__ledger_move(cpol_ctx *ctx, const cpol__move *m);

/* Release a person's holds whose timeout has passed (status EXPIRED). */
int cpol__holds_expire_person(cpol_ctx *ctx, const cpol_id *person);

/* The available points of a person account row. */
int64_t cpol__account_available(const cpol_record *account);

/* Compare a stored value with a requested one, for idempotency checks:
 * CPOL_ECONFLICT naming `field` when they differ. */
int cpol__same_id(const cpol_record *r, unsigned int col, const cpol_id *want, const char *what, const char *field);
int cpol__same_int(const cpol_record *r, unsigned int col, int64_t want, const char *what, const char *field);

/* Award points automatically for a verified activity, inside the caller's
 * atomic unit (activity completed, lead verified, training attended). The
 * transfer gets a fresh id (never the source's: a lead award must not lead
 * back to its case); it happens at most once per source and kind (the
 * source column). No rule at the station: nothing happens. Caps: the award is cut to what the
 * caps still allow, or skipped when nothing is left. *awarded_out gets the
 * points (0 if none). The actor must not be the person (the callers forbid
 * self-certification already). */
int cpol__points_auto_award(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int earning_kind,
                            const cpol_id *source, int64_t *awarded_out);

/* Withdraw the automatic award of `earning_kind` made for `source` (e.g. a
 * lead found false), inside the caller's atomic unit, found by its source.
 * Nothing awarded: CPOL_OK. Already reversed: CPOL_OK. Points already
 * spent: CPOL_EFUNDS (nothing changes). */
int cpol__points_auto_reverse(cpol_ctx *ctx, const cpol_actor *as, int earning_kind, const cpol_id *source,
                              const char *reason);

/* The award of `earning_kind` made for `source`: 1 and *out set, 0 if none. */
int cpol__award_for_source(cpol_ctx *ctx, int earning_kind, const cpol_id *source, cpol_record **out);

/* CPOL_ERULE unless `source` names a thing of `earning_kind` that `person`
 * did at `station` (award_source.c lists what each kind names). */
int cpol__award_source_check(cpol_ctx *ctx, int earning_kind, const cpol_id *source, const cpol_id *person,
                             const cpol_id *station);

/* The station a person is registered at (CPOL_ENOTFOUND "person ..."). */
int cpol__person_station(cpol_ctx *ctx, const cpol_id *person, cpol_id *station_out);

/* ---- who may read or name a person's points (ledger_access.c) ---- */

/* For reads and writes that name `person` directly: load their station, and
 * answer a hidden (covert) person exactly as an unknown one ("person <id>
 * does not exist"). */
int cpol__points_person(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, cpol_id *station_out);

/* For a row about `person` (a transfer, hold or redemption) that `as` asks
 * for by `id`: CPOL_ENOTFOUND "<what> <id> does not exist" if the person is
 * hidden from `as`. */
int cpol__points_conceal(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, const char *what,
                         const cpol_id *id);

/* A read of `person`'s points at `station`: the person themself (through
 * an active assignment in scope) or a holder of points.view there. Outside
 * the reader's stations the object read (`what` `id`) does not exist. */
int cpol__points_authorize_read(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person,
                                const cpol_id *station, const char *what, const cpol_id *id);

#endif
