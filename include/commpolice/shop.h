/**
 * @file commpolice/shop.h
 * @brief The service-station shop: a catalogue per station, redemption of
 *        points for goods, refunds, and the yearly clearing of points.
 *
 * A redemption checks the person's available points and the item's stock
 * atomically: either the points are taken (or held) and the stock reduced,
 * or nothing changes. Its request id is the receipt id. With a hold the
 * points and the stock are reserved until the hold is posted (goods handed
 * over), voided, or expires (see commpolice/ledger.h).
 */
#ifndef COMMPOLICE_SHOP_H
#define COMMPOLICE_SHOP_H

#include "common.h"
#include "types.h"
#include "actor.h"

CPOL_BEGIN_DECL

/** Longest item name, in bytes of UTF-8. */
#define CPOL_ITEM_NAME_MAX 200

/** States of a redemption (stable values). */
typedef enum cpol_redemption_status_t {
    CPOL_REDEMPTION_HELD = 1,     /**< points and stock reserved, goods not yet handed over */
    CPOL_REDEMPTION_POSTED = 2,   /**< points taken, goods handed over */
    CPOL_REDEMPTION_VOIDED = 3,   /**< hold cancelled; points and stock released */
    CPOL_REDEMPTION_EXPIRED = 4,  /**< hold timed out; points and stock released */
    CPOL_REDEMPTION_REFUNDED = 5  /**< goods returned; points and stock given back */
} cpol_redemption_status_t;

/** A catalogue item (a snapshot). */
typedef struct cpol_shop_item cpol_shop_item;
/** An iterator over a station's catalogue. */
typedef struct cpol_shop_item_iter cpol_shop_item_iter;

/**
 * Add an item to a station's catalogue.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_POINTS_ADMIN at the station
 * @param station  a police station area
 * @param name  1 to #CPOL_ITEM_NAME_MAX bytes of UTF-8, unique in the station's catalogue
 * @param price  points per unit, 1 to #CPOL_POINTS_MAX
 * @param stock  units in stock, 0 to 1000000
 * @param[out] id_out  receives the item's id (may be NULL)
 * @return #CPOL_OK; #CPOL_EEXISTS for a duplicate name; #CPOL_EINVALID for out-of-range
 *         values or a non-station area; #CPOL_ENOTFOUND; #CPOL_EPERM; #CPOL_EMISUSE;
 *         #CPOL_EUTF8; #CPOL_ETOOLONG; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_shop_item_create(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, const char *name,
                                   int64_t price, int64_t stock, cpol_id *id_out);

/**
 * Add stock (goods delivered) or, with a negative @p delta, write stock off.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_POINTS_ADMIN at the item's station
 * @param item  the item
 * @param delta  units to add (negative to remove; the stock never goes below 0)
 * @return #CPOL_OK; #CPOL_ELIMIT if the stock would go below 0 or above 1000000;
 *         #CPOL_EINVALID for 0; #CPOL_ENOTFOUND; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_shop_item_restock(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *item, int64_t delta);

/**
 * Change an item's price (redemptions already made keep theirs).
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_POINTS_ADMIN at the item's station
 * @param item  the item
 * @param price  points per unit, 1 to #CPOL_POINTS_MAX
 * @return #CPOL_OK; #CPOL_EINVALID; #CPOL_ENOTFOUND; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_shop_item_set_price(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *item, int64_t price);

/**
 * Read an item.
 * @ctor cpol_shop_item
 * @param ctx  an open context
 * @param as   the actor; any active actor at the item's station (reference data)
 * @param id   the item
 * @param[out] out  receives it (owned; free with cpol_shop_item_free())
 * @return #CPOL_OK; #CPOL_ENOTFOUND; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_shop_item_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, cpol_shop_item **out);
/**
 * Free an item snapshot.
 * @dtor cpol_shop_item
 * @param item  the snapshot, or NULL
 * @since 0.1
 */
CPOL_API void cpol_shop_item_free(cpol_shop_item *item);
/**
 * @param item  an item
 * @return its id (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_shop_item_id(const cpol_shop_item *item);
/**
 * @param item  an item
 * @return its name (borrowed)
 * @since 0.1
 */
CPOL_API const char *cpol_shop_item_name(const cpol_shop_item *item);
/**
 * @param item  an item
 * @return its price in points
 * @since 0.1
 */
CPOL_API int64_t cpol_shop_item_price(const cpol_shop_item *item);
/**
 * @param item  an item
 * @return units in stock and not reserved by holds
 * @since 0.1
 */
CPOL_API int64_t cpol_shop_item_stock(const cpol_shop_item *item);

/**
 * List a station's catalogue by name.
 * @ctor cpol_shop_item_iter
 * @param ctx  an open context
 * @param as   the actor; any active actor at @p station (reference data)
 * @param station  a police station area
 * @param[out] out  receives the iterator (owned; free with cpol_shop_item_iter_free())
 * @return #CPOL_OK; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_shop_item_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station,
                                     cpol_shop_item_iter **out);
/**
 * Next item.
 * @param it  the iterator
 * @param[out] out  receives the item (borrowed: valid until the next call on @p it)
 * @return #CPOL_OK; #CPOL_DONE at the end; #CPOL_EMISUSE; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_shop_item_iter_next(cpol_shop_item_iter *it, const cpol_shop_item **out);
/**
 * Free an iterator (also after its context was closed).
 * @dtor cpol_shop_item_iter
 * @param it  the iterator, or NULL
 * @since 0.1
 */
CPOL_API void cpol_shop_item_iter_free(cpol_shop_item_iter *it);

/**
 * Redeem points for goods.
 *
 * Atomically checks the person's available points (balance minus holds)
 * and the item's stock, then either takes
 * the points at once (@p hold_ms = 0) or places a hold of @p hold_ms
 * milliseconds, and reduces the stock. A hold that has run out never blocks
 * anyone: the person's overdue holds and every overdue hold on the item are
 * expired first (points and units back), so the last unit a lapsed hold kept
 * goes to whoever asks next. Retrying with the same request id returns
 * #CPOL_ALREADY and the original amount without charging again.
 *
 * @param ctx  an open context
 * @param as   the actor (the kiosk operator); needs #CPOL_PERM_POINTS_REDEEM at the item's station
 * @param request  caller-chosen idempotency id, never used for another request; becomes the receipt id
 * @param person  who redeems (must be registered at the item's station; a covert
 *                person is unknown to an actor without #CPOL_PERM_PERSON_SENSITIVE)
 * @param item  the item
 * @param quantity  units, 1 to 1000
 * @param hold_ms  0 to take the points now, else the hold's timeout (1 ms to 7 days)
 * @param[out] amount_out  receives the points charged or held (may be NULL)
 * @return #CPOL_OK; #CPOL_ALREADY for a repeated request; #CPOL_ECONFLICT if
 *         the request id was used with other content (the message names the
 *         field) or for another kind of request (named); #CPOL_EFUNDS if the person lacks the points; #CPOL_ELIMIT if
 *         the item lacks the stock; #CPOL_ERULE if person and item belong to
 *         different stations; #CPOL_EINVALID for a bad quantity or timeout;
 *         #CPOL_ENOTFOUND; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_shop_redeem(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *request, const cpol_id *person,
                              const cpol_id *item, int64_t quantity, int64_t hold_ms, int64_t *amount_out);

/**
 * The state of a redemption (expiring an overdue hold first).
 * @param ctx  an open context
 * @param as   the actor; the person who redeemed, or a holder of #CPOL_PERM_POINTS_VIEW at the shop's station
 * @param receipt  the redemption's request id
 * @param[out] status_out  receives a #cpol_redemption_status_t
 * @return #CPOL_OK; #CPOL_ENOTFOUND (also for a covert person's redemption and
 *         a reader without #CPOL_PERM_PERSON_SENSITIVE); #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_shop_redemption_status(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *receipt,
                                         int *status_out);

/**
 * Refund a posted redemption: the points go back to the person (a
 * compensating transfer linked to the original) and the goods back to stock.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_POINTS_ADMIN at the station
 * @param request  idempotency id of the refund, never used for another request
 * @param receipt  the redemption to refund
 * @param reason  why (required, 1 to #CPOL_MEMO_MAX bytes)
 * @return #CPOL_OK; #CPOL_ALREADY for a repeated request; #CPOL_ECONFLICT for a
 *         request id used with another receipt or for another kind of request
 *         (a pending hold's id among them), or a redemption already refunded; #CPOL_ESTATE if
 *         the redemption is not posted (a hold is voided instead); #CPOL_ENOTFOUND;
 *         #CPOL_EPERM; #CPOL_EINVALID; #CPOL_EMISUSE; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_shop_refund(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *request, const cpol_id *receipt,
                              const char *reason);

/**
 * Clear every person's available points at a station (the yearly clearing),
 * as one recorded batch: one expiry transfer per account with points, back to
 * the station's issuance account. Held points are not touched.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_POINTS_ADMIN at the station
 * @param request  idempotency id of the batch, never used for another request
 * @param station  a police station area
 * @param[out] accounts_out  receives the number of accounts cleared (may be NULL)
 * @param[out] points_out  receives the points cleared in total (may be NULL)
 * @return #CPOL_OK; #CPOL_ALREADY if this batch already ran (the outputs give
 *         its figures); #CPOL_ECONFLICT if the id was used for another station;
 *         #CPOL_EINVALID for a non-station area; #CPOL_ENOTFOUND; #CPOL_EPERM;
 *         #CPOL_EMISUSE; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_points_expire_all(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *request,
                                    const cpol_id *station, int64_t *accounts_out, int64_t *points_out);

CPOL_END_DECL

#endif /* COMMPOLICE_SHOP_H */
