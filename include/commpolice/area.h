/**
 * @file commpolice/area.h
 * @brief Areas: the jurisdiction tree from bureau to building.
 *
 * Areas form a tree: bureau (分局) → police station (派出所) → community (社区)
 * or village (村) → grid (网格) → compound (小区) → building (楼栋). A child
 * is always of a deeper kind than its parent (levels may be skipped: a
 * compound directly under a community is fine); a root is a bureau or a
 * station. Every area belongs to the station above it (a station belongs to
 * itself), which is the tenant of all data recorded there.
 *
 * Reading areas needs no actor: the tree is not personal data.
 */
#ifndef COMMPOLICE_AREA_H
#define COMMPOLICE_AREA_H

#include "common.h"
#include "types.h"
#include "actor.h"

CPOL_BEGIN_DECL

/** Kinds of area, from the top of the tree down (stable values). */
typedef enum cpol_area_kind_t {
    CPOL_AREA_BUREAU = 1,     /**< public security sub-bureau (分局) */
    CPOL_AREA_STATION = 2,    /**< police station (派出所) */
    CPOL_AREA_COMMUNITY = 3,  /**< urban community (社区) */
    CPOL_AREA_VILLAGE = 4,    /**< village (村), same level as a community */
    CPOL_AREA_GRID = 5,       /**< grid (网格) */
    CPOL_AREA_COMPOUND = 6,   /**< residential compound (小区) */
    CPOL_AREA_BUILDING = 7    /**< building (楼栋) */
} cpol_area_kind_t;

/** Longest area name, in bytes of UTF-8. */
#define CPOL_AREA_NAME_MAX 200

/** One area: a snapshot read from storage. */
typedef struct cpol_area cpol_area;
/** An iterator over areas. */
typedef struct cpol_area_iter cpol_area_iter;

/** Which areas cpol_area_iter_new() visits. */
typedef enum cpol_area_walk_t {
    CPOL_AREA_WALK_ANCESTORS = 1,   /**< parent, grandparent, … up to the root */
    CPOL_AREA_WALK_CHILDREN = 2,    /**< direct children, in creation order */
    CPOL_AREA_WALK_DESCENDANTS = 3  /**< the whole subtree below, depth first, children in creation order */
} cpol_area_walk_t;

/**
 * Create an area.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_AREA_MANAGE at the parent's station
 * @param parent  the parent area, or NULL for a root (a bureau or station)
 * @param kind  a #cpol_area_kind_t deeper than the parent's
 * @param name  1 to #CPOL_AREA_NAME_MAX bytes of UTF-8; unique among its siblings
 * @param[out] id_out  receives the new area's id (may be NULL)
 * @return #CPOL_OK; #CPOL_EMISUSE for NULL @p ctx, @p as or @p name;
 *         #CPOL_EINVALID for an unknown kind or an empty name;
 *         #CPOL_ERULE if the kind may not sit under the parent's kind (or be a root);
 *         #CPOL_EEXISTS if a sibling has the same name; #CPOL_ENOTFOUND if the parent does not exist;
 *         #CPOL_EPERM; #CPOL_EUTF8; #CPOL_ETOOLONG; #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_area_create(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *parent, int kind,
                              const char *name, cpol_id *id_out);

/**
 * Rename an area.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_AREA_MANAGE at the area's station
 * @param id   the area
 * @param name  the new name (rules as in cpol_area_create())
 * @return #CPOL_OK; #CPOL_ENOTFOUND; #CPOL_EEXISTS; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_EINVALID;
 *         #CPOL_EUTF8; #CPOL_ETOOLONG; #CPOL_EREADONLY; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_area_rename(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, const char *name);

/**
 * Read an area. Areas are reference data that name nobody, so any active
 * actor may read those in its scope: its own station (or, bureau-wide, its
 * bureau), everything below it, and the areas above it; the system actor
 * reads every area.
 * @ctor cpol_area
 * @param ctx  an open context
 * @param as   the actor; needs no particular permission, an active role (see above)
 * @param id   the area
 * @param[out] out  receives the area (owned; free with cpol_area_free()); NULL on failure
 * @return #CPOL_OK; #CPOL_ENOTFOUND; #CPOL_EPERM for an area of another station
 *         or bureau, or an actor whose role is no longer active; #CPOL_EMISUSE;
 *         #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_area_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, cpol_area **out);

/**
 * Free an area snapshot.
 * @dtor cpol_area
 * @param area  the area, or NULL
 * @since 0.1
 */
CPOL_API void cpol_area_free(cpol_area *area);

/**
 * @param area  an area
 * @return its id (borrowed, valid while @p area is)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_area_id(const cpol_area *area);
/**
 * @param area  an area
 * @return its #cpol_area_kind_t
 * @since 0.1
 */
CPOL_API int cpol_area_kind(const cpol_area *area);
/**
 * @param area  an area
 * @return its name (borrowed)
 * @since 0.1
 */
CPOL_API const char *cpol_area_name(const cpol_area *area);
/**
 * @param area  an area
 * @return its parent's id (borrowed), or NULL for a root
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_area_parent(const cpol_area *area);
/**
 * @param area  an area
 * @return the id of the station it belongs to (borrowed), or NULL for a bureau
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_area_station(const cpol_area *area);
/**
 * @param area  an area
 * @return its depth: 0 for a root, 1 for the root's children, …
 * @since 0.1
 */
CPOL_API int cpol_area_depth(const cpol_area *area);

/**
 * Walk the tree from an area, visiting only areas in the actor's scope (as
 * cpol_area_get(): a station-bound actor walking down from its bureau sees
 * its own station, not the others).
 * @ctor cpol_area_iter
 * @param ctx  an open context
 * @param as   the actor; needs no particular permission, an active role
 * @param from  the starting area (not itself visited), in the actor's scope
 * @param walk  a #cpol_area_walk_t
 * @param[out] out  receives the iterator (owned; free with cpol_area_iter_free())
 * @return #CPOL_OK; #CPOL_ENOTFOUND if @p from does not exist; #CPOL_EPERM if it lies
 *         outside the actor's scope; #CPOL_EINVALID for an unknown walk;
 *         #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_area_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *from, int walk,
                                cpol_area_iter **out);

/**
 * Next area of the walk.
 * @param it  the iterator
 * @param[out] out  receives the area (borrowed: valid until the next call on @p it)
 * @return #CPOL_OK; #CPOL_DONE at the end; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_area_iter_next(cpol_area_iter *it, const cpol_area **out);

/**
 * Free an iterator (also after its context was closed).
 * @dtor cpol_area_iter
 * @param it  the iterator, or NULL
 * @since 0.1
 */
CPOL_API void cpol_area_iter_free(cpol_area_iter *it);

/**
 * @param kind  a #cpol_area_kind_t
 * @return its English name such as "police station" (static; "unknown" for unknown values)
 * @since 0.1
 */
CPOL_API const char *cpol_area_kind_name(int kind);

CPOL_END_DECL

#endif /* COMMPOLICE_AREA_H */
