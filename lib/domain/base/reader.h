/* The reader of a listing, fixed when the listing opens. An iterator hands
 * out rows after the call that opened it has returned, possibly after the
 * actor handle was freed or the context closed, so it keeps its own copy of
 * who reads and whether that reader was cleared (docs/permissions.md, "Who
 * may learn who tipped"). Rows naming a person hidden from the reader are
 * then skipped or blanked by the iterator, through the store it holds. */
#ifndef CPOL_DOMAIN_READER_H
#define CPOL_DOMAIN_READER_H

#include "domain/base/domain.h"

typedef struct cpol__reader {
    int cleared;      /* cpol__reader_cleared() when the listing opened */
    int is_person;    /* self is a person (not the system actor) */
    cpol_id self;
    int have_last;    /* one-entry cache: listings often name one person row after row */
    cpol_id last;
    int last_hidden;
} cpol__reader;

/* Fix the reader for a listing opened by `as` now (re-checks its assignment). */
int cpol__reader_open(cpol_ctx *ctx, const cpol_actor *as, cpol__reader *r);

/* *hidden = 1 if `person` must not be shown to the reader: the rule of
 * cpol__person_hidden_for(), read through `store`. A NULL or nil person is
 * never hidden. */
int cpol__reader_hides(cpol_store *store, cpol__reader *r, const cpol_id *person, int *hidden);

/* May `as` read the rows about `person` (their memberships, training
 * record, certificates, sign-ups, minutes)? The person themself always may;
 * anyone else needs `perm` at the person's station. A person hidden from
 * `as` is answered exactly as an unknown one: CPOL_ENOTFOUND "person <uuid>
 * does not exist", before any permission is checked, so the answer is no
 * oracle for who is covert. */
int cpol__authorize_person_read(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int perm);

/* The station scope of a listing by `as` that needs `perm`: checks that `as`
 * may read with it, then returns 1 with *station set when `as` is bound to
 * one station (the listing shows that station's rows only), 0 for the system
 * actor and bureau-wide actors, <0 when refused. */
int cpol__listing_scope(cpol_ctx *ctx, const cpol_actor *as, int perm, cpol_id *station);

#endif
