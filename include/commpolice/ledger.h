/**
 * @file commpolice/ledger.h
 * @brief The points ledger: double-entry, idempotent, never negative.
 *
 * Volunteers earn points for patrols, publicity, verified case leads,
 * training and mediation, and spend them on daily goods at the community
 * service station (积分兑换日常生活物品). The ledger follows the public
 * double-entry ledgers (TigerBeetle, TimeOverflow):
 *
 * - **Accounts.** Every person has one points account; every police station
 *   has an *issuance* account (where awarded points come from; its balance is
 *   minus everything ever issued) and a *shop* account (where redeemed points
 *   go). Accounts are created on first use.
 * - **Transfers.** Every change moves an amount from one account to another
 *   and writes two postings (−amount, +amount), so all balances always sum to
 *   zero. Balances are maintained with each transfer, so reading one costs
 *   the same at 10 postings as at 10 million. Transfers and postings are
 *   never changed or deleted: a correction is a compensating transfer linked
 *   to the original (cpol_points_reverse()).
 * - **Never negative.** A person's *available* balance (balance minus holds)
 *   can never go below zero; a request that would is refused with
 *   #CPOL_EFUNDS and changes nothing. An optional soft limit on the balance
 *   (cpol_points_set_soft_limit()) only flags.
 * - **Idempotent.** Every request carries a caller-chosen #cpol_id
 *   (cpol_id_new() on the client, stored with the request before sending).
 *   Submitting the same id again returns #CPOL_ALREADY with the original
 *   result and changes nothing; the same id with different content is refused
 *   with #CPOL_ECONFLICT naming the field that differs. A kiosk that retries
 *   after a crash or a dropped connection never double-awards or
 *   double-spends.
 * - **One id, one request.** A request id, once used, is reserved for that
 *   one request whatever its kind (award, reversal, redemption, hold, refund,
 *   yearly clearing): the same id sent as another kind of request is refused
 *   with #CPOL_ECONFLICT naming the kind it was first used for, and changes
 *   nothing (a pending hold's id cannot be taken by an award or a refund, so
 *   the hold stays postable). The library's own transfers (automatic awards
 *   and their reversals, clearing entries) get fresh ids, reserved the same
 *   way, so no id of a case, shift or sign-up is ever a transfer id.
 * - **Sources.** An award names what it rewards (its *source*), and one
 *   source earns at most one award **of a kind**: a case may earn its
 *   reporter a lead award and its on-the-spot mediator a mediation award,
 *   each once, but never two lead awards. An award made by an actor must
 *   name a real source of its kind done by the person who earns, at their
 *   station (see cpol_points_award()); sources are never shown to readers.
 * - **Informants.** A person who holds or held the informant role
 *   (治安信息员) is covert: to a reader without #CPOL_PERM_PERSON_SENSITIVE
 *   (other than that person) their balance, statement, transfers, holds and
 *   redemptions do not exist (#CPOL_ENOTFOUND, as for an unknown id),
 *   leaderboards leave them out and rank without them, and a write that
 *   names them is refused as for an unknown person. Points the library
 *   awards by itself (a verified lead) still reach them.
 * - **Holds (two-phase).** A redemption may first place a hold that counts
 *   against the available balance at once; the hold is then posted (goods
 *   handed over), voided, or expires after its timeout — exactly once.
 *
 * Amounts are whole points, 1 to #CPOL_POINTS_MAX per transfer.
 */
#ifndef COMMPOLICE_LEDGER_H
#define COMMPOLICE_LEDGER_H

#include "common.h"
#include "types.h"
#include "actor.h"

CPOL_BEGIN_DECL

/** Largest amount of a single transfer. */
#define CPOL_POINTS_MAX 1000000000LL
/** Longest memo, in bytes of UTF-8. */
#define CPOL_MEMO_MAX 500

/** Kinds of account (stable values). */
typedef enum cpol_account_kind_t {
    CPOL_ACCOUNT_PERSON = 1,   /**< a person's points */
    CPOL_ACCOUNT_ISSUANCE = 2, /**< a station's source of awarded points */
    CPOL_ACCOUNT_SHOP = 3      /**< a station's service-station shop */
} cpol_account_kind_t;

/** What a transfer was for (stable values). */
typedef enum cpol_transfer_kind_t {
    CPOL_TRANSFER_AWARD = 1,    /**< points earned: issuance → person */
    CPOL_TRANSFER_REDEEM = 2,   /**< goods bought: person → shop */
    CPOL_TRANSFER_REFUND = 3,   /**< goods returned: shop → person */
    CPOL_TRANSFER_REVERSAL = 4, /**< an award withdrawn (e.g. a false lead): person → issuance */
    CPOL_TRANSFER_EXPIRY = 5    /**< points cleared by an expiry batch: person → issuance */
} cpol_transfer_kind_t;

/** Activities that earn points (stable values). */
typedef enum cpol_earning_kind_t {
    CPOL_EARN_PATROL = 1,      /**< a patrol shift completed */
    CPOL_EARN_PUBLICITY = 2,   /**< a publicity session completed */
    CPOL_EARN_CASE_LEAD = 3,   /**< a case lead verified */
    CPOL_EARN_TRAINING = 4,    /**< a training session attended */
    CPOL_EARN_MEDIATION = 5,   /**< a dispute mediated successfully */
    CPOL_EARN_HAZARD = 6       /**< a hazard reported and rectified */
} cpol_earning_kind_t;

/** States of a hold (stable values). */
typedef enum cpol_hold_status_t {
    CPOL_HOLD_PENDING = 1, /**< counts against the available balance */
    CPOL_HOLD_POSTED = 2,  /**< turned into a transfer */
    CPOL_HOLD_VOIDED = 3,  /**< cancelled */
    CPOL_HOLD_EXPIRED = 4  /**< timed out */
} cpol_hold_status_t;

/** A transfer (a snapshot). */
typedef struct cpol_transfer cpol_transfer;

/**
 * A person's points: balance and holds.
 * @param ctx  an open context
 * @param as   the actor: the person themself, or a holder of #CPOL_PERM_POINTS_VIEW at their station
 * @param person  the person
 * @param[out] balance_out  receives the posted balance (may be NULL)
 * @param[out] available_out  receives balance minus pending holds (may be NULL)
 * @return #CPOL_OK (0 and 0 for a person who never had points); #CPOL_ENOTFOUND
 *         (also for a covert person and a reader without #CPOL_PERM_PERSON_SENSITIVE);
 *         #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_points_balance(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int64_t *balance_out,
                                 int64_t *available_out);

/**
 * Set a soft limit on a person's balance: transfers that take the balance
 * above it still go through, but are flagged (cpol_transfer_flagged()) and
 * recorded in the audit trail (action "points.soft_limit") for review — for
 * example to spot points farmed faster than anyone could patrol.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_POINTS_ADMIN at the person's station
 * @param person  the person
 * @param limit  the soft limit, 1 to #CPOL_POINTS_MAX; 0 removes it
 * @return #CPOL_OK; #CPOL_EINVALID for a limit out of range; #CPOL_ENOTFOUND;
 *         #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_points_set_soft_limit(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int64_t limit);

/**
 * Set how many points an activity earns at a station, with caps per person.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_POINTS_ADMIN at the station
 * @param station  a police station area
 * @param kind  a #cpol_earning_kind_t
 * @param points  points per activity, 1 to 10000 (0 removes the rule: nothing is awarded)
 * @param daily_cap  most points of this kind one person may earn per day (UTC+8 calendar day); 0 = no cap
 * @param monthly_cap  most per calendar month; 0 = no cap
 * @return #CPOL_OK; #CPOL_EINVALID for out-of-range values or a non-station area;
 *         #CPOL_ENOTFOUND; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_earning_rule_set(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, int kind,
                                   int64_t points, int64_t daily_cap, int64_t monthly_cap);

/**
 * Read an earning rule.
 * @param ctx  an open context
 * @param as   the actor; any active actor at @p station (reference data)
 * @param station  a police station area
 * @param kind  a #cpol_earning_kind_t
 * @param[out] points_out  points per activity (0 if no rule)
 * @param[out] daily_cap_out  daily cap (may be NULL)
 * @param[out] monthly_cap_out  monthly cap (may be NULL)
 * @return #CPOL_OK; #CPOL_EINVALID; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_earning_rule_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, int kind,
                                   int64_t *points_out, int64_t *daily_cap_out, int64_t *monthly_cap_out);

/**
 * Award points for a verified activity, by the station's earning rule.
 *
 * The amount comes from the rule for @p kind at the person's station. The
 * @p source is the verified thing, done by @p person at their station:
 *
 * | kind | the source must be |
 * |---|---|
 * | #CPOL_EARN_PATROL | a completed sign-up of theirs for a patrol shift |
 * | #CPOL_EARN_PUBLICITY | a completed sign-up of theirs for a publicity session |
 * | #CPOL_EARN_TRAINING | their attendance (present) at a training session |
 * | #CPOL_EARN_CASE_LEAD | a case they reported that was verified (not rejected) |
 * | #CPOL_EARN_MEDIATION | a case they handled, resolved by a mediated agreement |
 * | #CPOL_EARN_HAZARD | a hazard case they reported, resolved as rectified |
 *
 * Anything else is refused with #CPOL_ERULE naming what the kind expects
 * (the same message whether the id is unknown, of another kind or someone
 * else's). Only the system actor, importing points from an earlier system,
 * may name a source the library does not hold. One source earns at most
 * one award of a kind, whatever the request id; the same source may earn
 * awards of different kinds (a case: its reporter's lead, its mediator's
 * mediation). The library makes these awards itself when the activity is
 * recorded; this call is for what those did not pay (a rule set later).
 * Nobody awards points to themselves.
 *
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_POINTS_AWARD at the person's station
 * @param request  caller-chosen idempotency id, never used for another request; becomes the transfer's id
 * @param person  who earns (a covert person is unknown to an actor without #CPOL_PERM_PERSON_SENSITIVE)
 * @param kind  a #cpol_earning_kind_t
 * @param source  the activity, lead or attendance being rewarded
 * @param memo  optional note (may be NULL)
 * @param[out] amount_out  receives the points awarded (may be NULL)
 * @return #CPOL_OK; #CPOL_ALREADY for a repeated request (amount_out set to the
 *         original amount); #CPOL_ECONFLICT if the request id was used with
 *         other content (the message names the field) or for another kind of
 *         request (the message names it), or the source was already rewarded
 *         for @p kind; #CPOL_ERULE for a self-award, a source that is not what
 *         @p kind expects, or when the station has no rule for @p kind; #CPOL_ELIMIT when the daily or monthly cap would be
 *         exceeded; #CPOL_ENOTFOUND; #CPOL_EPERM; #CPOL_EINVALID; #CPOL_EMISUSE;
 *         #CPOL_EUTF8; #CPOL_ETOOLONG; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_points_award(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *request, const cpol_id *person,
                               int kind, const cpol_id *source, const char *memo, int64_t *amount_out);

/**
 * Withdraw an award (for example when a case lead is found false): a
 * compensating transfer from the person back to the issuance account, linked
 * to the original. An award is reversed at most once.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_POINTS_ADMIN at the person's station
 * @param request  idempotency id of the reversal, never used for another request
 * @param award  the id of the award transfer
 * @param reason  why (required, 1 to #CPOL_MEMO_MAX bytes)
 * @return #CPOL_OK; #CPOL_ALREADY for a repeated request; #CPOL_ECONFLICT for a
 *         request id used with another award or for another kind of request,
 *         or an award already reversed; #CPOL_EFUNDS if the
 *         person has already spent the points (nothing is changed: settle it
 *         with the person first); #CPOL_EINVALID if @p award is not an award;
 *         #CPOL_ENOTFOUND; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_points_reverse(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *request, const cpol_id *award,
                                 const char *reason);

/**
 * Post a hold: the held points become a transfer (the goods are handed over).
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_POINTS_REDEEM at the station
 * @param hold  the hold's id (the redemption's receipt id)
 * @return #CPOL_OK; #CPOL_ALREADY if it was already posted; #CPOL_ESTATE if it
 *         was voided or has expired (the message says which); #CPOL_ENOTFOUND;
 *         #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_hold_post(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *hold);

/**
 * Void a hold: the points are available again and reserved stock returns.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_POINTS_REDEEM at the station
 * @param hold  the hold's id
 * @return #CPOL_OK; #CPOL_ALREADY if it was already voided; #CPOL_ESTATE if it
 *         was posted or has expired; #CPOL_ENOTFOUND; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_hold_void(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *hold);

/**
 * The state of a hold, expiring it first if its time has passed (the
 * expiry is recorded as the installation's own doing).
 * @param ctx  an open context
 * @param as   the actor; the person whose hold it is, or a holder of #CPOL_PERM_POINTS_VIEW at the hold's station
 * @param hold  the hold's id
 * @param[out] status_out  receives a #cpol_hold_status_t
 * @return #CPOL_OK; #CPOL_ENOTFOUND (also for a covert person's hold and a
 *         reader without #CPOL_PERM_PERSON_SENSITIVE); #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_hold_status(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *hold, int *status_out);

/**
 * Expire every pending hold whose timeout has passed (by the context clock),
 * releasing its points and stock. Holds also expire on their own when their
 * account is next used; this call settles all of them, e.g. from a nightly job.
 * Each hold expired is recorded in the audit trail under @p as (action
 * "shop.hold.expire").
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_POINTS_ADMIN (the system actor may
 *             always); an actor of one station expires that station's holds,
 *             a bureau-wide one those of the stations under its bureau
 * @param[out] count_out  receives the number of holds expired (may be NULL)
 * @return #CPOL_OK; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_EREADONLY; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_hold_expire_due(cpol_ctx *ctx, const cpol_actor *as, int64_t *count_out);

/**
 * Read a transfer.
 * @ctor cpol_transfer
 * @param ctx  an open context
 * @param as   the actor; the person whose points it moves, or a holder of #CPOL_PERM_POINTS_VIEW at its station
 * @param id   the transfer (the request id it was created with; the library's
 *             own transfers have ids of their own, never a case's or a sign-up's)
 * @param[out] out  receives it (owned; free with cpol_transfer_free())
 * @return #CPOL_OK; #CPOL_ENOTFOUND (also for a covert person's transfer and a
 *         reader without #CPOL_PERM_PERSON_SENSITIVE); #CPOL_EPERM; #CPOL_EMISUSE;
 *         #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_transfer_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, cpol_transfer **out);
/**
 * Free a transfer snapshot.
 * @dtor cpol_transfer
 * @param t  the snapshot, or NULL
 * @since 0.1
 */
CPOL_API void cpol_transfer_free(cpol_transfer *t);
/**
 * @param t  a transfer
 * @return its id (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_transfer_id(const cpol_transfer *t);
/**
 * @param t  a transfer
 * @return its #cpol_transfer_kind_t
 * @since 0.1
 */
CPOL_API int cpol_transfer_kind(const cpol_transfer *t);
/**
 * @param t  a transfer
 * @return the amount
 * @since 0.1
 */
CPOL_API int64_t cpol_transfer_amount(const cpol_transfer *t);
/**
 * @param t  a transfer
 * @return the person whose account it debits or credits (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_transfer_person(const cpol_transfer *t);
/**
 * @param t  a transfer
 * @return the #cpol_earning_kind_t of an award, 0 otherwise
 * @since 0.1
 */
CPOL_API int cpol_transfer_earning_kind(const cpol_transfer *t);
/**
 * @param t  a transfer
 * @return the transfer it reverses or refunds (borrowed), or NULL
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_transfer_reverses(const cpol_transfer *t);
/**
 * @param t  a transfer
 * @return when it was made
 * @since 0.1
 */
CPOL_API cpol_time cpol_transfer_time(const cpol_transfer *t);
/**
 * @param t  a transfer
 * @return 1 if it took the person above their soft limit (see
 *         cpol_points_set_soft_limit()), else 0
 * @since 0.1
 */
CPOL_API int cpol_transfer_flagged(const cpol_transfer *t);
/**
 * @param t  a transfer
 * @return the memo, "" if none (borrowed)
 * @since 0.1
 */
CPOL_API const char *cpol_transfer_memo(const cpol_transfer *t);

/** One line of a statement (borrowed from its iterator). */
typedef struct cpol_statement_line cpol_statement_line;
/** An iterator over a person's statement. */
typedef struct cpol_statement_iter cpol_statement_iter;

/**
 * A person's statement: every posting to their account in [from, to), oldest
 * first, each with the running balance after it.
 * @ctor cpol_statement_iter
 * @param ctx  an open context
 * @param as   the person themself, or a holder of #CPOL_PERM_POINTS_VIEW at their station
 * @param person  the person
 * @param from  start time (inclusive)
 * @param to  end time (exclusive); 0 = no end
 * @param[out] opening_out  receives the balance before @p from (may be NULL)
 * @param[out] out  receives the iterator (owned; free with cpol_statement_iter_free())
 * @return #CPOL_OK; #CPOL_ENOTFOUND (also for a covert person and a reader
 *         without #CPOL_PERM_PERSON_SENSITIVE); #CPOL_EPERM; #CPOL_EINVALID if
 *         to <= from; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_statement_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, cpol_time from,
                                     cpol_time to, int64_t *opening_out, cpol_statement_iter **out);
/**
 * Next line.
 * @param it  the iterator
 * @param[out] out  receives the line (borrowed: valid until the next call on @p it)
 * @return #CPOL_OK; #CPOL_DONE at the end; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_statement_iter_next(cpol_statement_iter *it, const cpol_statement_line **out);
/**
 * Free a statement iterator (also after its context was closed).
 * @dtor cpol_statement_iter
 * @param it  the iterator, or NULL
 * @since 0.1
 */
CPOL_API void cpol_statement_iter_free(cpol_statement_iter *it);
/**
 * @param line  a statement line
 * @return the transfer (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_statement_line_transfer(const cpol_statement_line *line);
/**
 * @param line  a statement line
 * @return the #cpol_transfer_kind_t
 * @since 0.1
 */
CPOL_API int cpol_statement_line_kind(const cpol_statement_line *line);
/**
 * @param line  a statement line
 * @return the change to the balance (positive in, negative out)
 * @since 0.1
 */
CPOL_API int64_t cpol_statement_line_amount(const cpol_statement_line *line);
/**
 * @param line  a statement line
 * @return the balance after this line
 * @since 0.1
 */
CPOL_API int64_t cpol_statement_line_balance(const cpol_statement_line *line);
/**
 * @param line  a statement line
 * @return when it was posted
 * @since 0.1
 */
CPOL_API cpol_time cpol_statement_line_time(const cpol_statement_line *line);

/**
 * Prove the ledger's invariants on the stored data: every transfer's two
 * postings cancel out, the sum over all accounts is zero, every maintained
 * balance equals the sum of its postings, every account's held amount equals
 * its pending holds, no person's available balance is below zero, and every
 * transfer's id is reserved as a request (one id, one request).
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_POINTS_VIEW (the system actor may always)
 * @param[out] checked_out  receives the number of postings checked (may be NULL)
 * @return #CPOL_OK when every invariant holds; #CPOL_ECORRUPT naming the first
 *         violation (account or transfer id and the numbers); #CPOL_EPERM;
 *         #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_ledger_verify(cpol_ctx *ctx, const cpol_actor *as, int64_t *checked_out);

/** One place on a leaderboard (borrowed from its iterator). */
typedef struct cpol_leaderboard_entry cpol_leaderboard_entry;
/** An iterator over a leaderboard, best first. */
typedef struct cpol_leaderboard_iter cpol_leaderboard_iter;

/**
 * Which points a leaderboard counts. Initialise with #CPOL_LEADERBOARD_FILTER_INIT;
 * the struct only grows at the end.
 */
typedef struct cpol_leaderboard_filter {
    unsigned int version;  /**< #CPOL_LEADERBOARD_FILTER_VERSION */
    const cpol_id *station; /**< the police station (required) */
    const cpol_id *area;   /**< only people living in this area or below it (a community), or NULL */
    const cpol_id *team;   /**< only active members of this team, or NULL */
    cpol_time from;        /**< points earned at or after this time */
    cpol_time to;          /**< and before this time; 0 = no end */
    int64_t limit;         /**< at most this many places; 0 = all */
} cpol_leaderboard_filter;

/** The current version of #cpol_leaderboard_filter. */
#define CPOL_LEADERBOARD_FILTER_VERSION 1
/** Initialiser for #cpol_leaderboard_filter. */
#define CPOL_LEADERBOARD_FILTER_INIT { CPOL_LEADERBOARD_FILTER_VERSION, NULL, NULL, NULL, 0, 0, 0 }

/**
 * Rank people by the points they earned in a period (awards minus
 * reversals), to publicise exemplary volunteers. Equal points share a rank
 * (1, 2, 2, 4); ties are listed by name. For a reader without
 * #CPOL_PERM_PERSON_SENSITIVE, covert people are left out before ranking,
 * so the ranks show no gap where they would be.
 * @ctor cpol_leaderboard_iter
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_POINTS_VIEW at the station
 * @param filter  the period and scope (station required)
 * @param[out] out  receives the iterator (owned; free with cpol_leaderboard_iter_free())
 * @return #CPOL_OK; #CPOL_EPERM; #CPOL_EINVALID for a missing station, a
 *         period that ends before it starts or a negative limit;
 *         #CPOL_EVERSION; #CPOL_ENOTFOUND; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_leaderboard_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_leaderboard_filter *filter,
                                       cpol_leaderboard_iter **out);
/**
 * Next place.
 * @param it  the iterator
 * @param[out] out  receives the entry (borrowed: valid until the next call on @p it)
 * @return #CPOL_OK; #CPOL_DONE at the end; #CPOL_EMISUSE
 * @since 0.1
 */
CPOL_API int cpol_leaderboard_iter_next(cpol_leaderboard_iter *it, const cpol_leaderboard_entry **out);
/**
 * Free a leaderboard iterator.
 * @dtor cpol_leaderboard_iter
 * @param it  the iterator, or NULL
 * @since 0.1
 */
CPOL_API void cpol_leaderboard_iter_free(cpol_leaderboard_iter *it);
/**
 * @param e  an entry
 * @return the person (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_leaderboard_entry_person(const cpol_leaderboard_entry *e);
/**
 * @param e  an entry
 * @return the person's name (borrowed)
 * @since 0.1
 */
CPOL_API const char *cpol_leaderboard_entry_name(const cpol_leaderboard_entry *e);
/**
 * @param e  an entry
 * @return points earned in the period
 * @since 0.1
 */
CPOL_API int64_t cpol_leaderboard_entry_points(const cpol_leaderboard_entry *e);
/**
 * @param e  an entry
 * @return the rank, 1 for the best
 * @since 0.1
 */
CPOL_API int64_t cpol_leaderboard_entry_rank(const cpol_leaderboard_entry *e);

/**
 * @param kind  a #cpol_earning_kind_t
 * @return its name such as "patrol" (static; "unknown" for unknown values)
 * @since 0.1
 */
CPOL_API const char *cpol_earning_kind_name(int kind);

CPOL_END_DECL

#endif /* COMMPOLICE_LEDGER_H */
