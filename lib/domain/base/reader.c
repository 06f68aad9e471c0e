/* The reader of a listing (see reader.h). */
#include <string.h>

#include "domain/base/reader.h"
#include "domain/base/tables.h"

int cpol__reader_open(cpol_ctx *ctx, const cpol_actor *as, cpol__reader *r)
{
    int cleared = cpol__reader_cleared(ctx, as);
    memset(r, 0, sizeof *r);
    if (cleared < 0)
        return cleared;
    r->cleared = cleared;
    if (as && !as->system) {
        r->is_person = 1;
        r->self = as->person;
    }
    return CPOL_OK;
}

int cpol__reader_hides(cpol_store *store, cpol__reader *r, const cpol_id *person, int *hidden)
{
    cpol_ctx view;
    int rc;
    *hidden = 0;
    if (r->cleared || !person || cpol_id_is_nil(person))
        return CPOL_OK;
    if (r->is_person && cpol_id_compare(&r->self, person) == 0)
        return CPOL_OK;
    if (r->have_last && cpol_id_compare(&r->last, person) == 0) {
        *hidden = r->last_hidden;
        return CPOL_OK;
    }
    /* cpol__person_covert() reads only the store: a view over the store the
     * iterator holds keeps the rule in one place, also after the context
     * that opened the listing was closed. */
    memset(&view, 0, sizeof view);
    view.store = store;
    rc = cpol__person_covert(&view, person, hidden);
    if (rc < 0)
        return rc;
    r->last = *person;
    r->last_hidden = *hidden;
    r->have_last = 1;
    return CPOL_OK;
}

int cpol__authorize_person_read(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int perm)
{
    cpol_record *row;
    cpol_id station;
    int hidden, rc = cpol__load(ctx, &cpol__table_person, person, "person", &row);
    if (rc < 0)
        return rc;
    cpol__record_get_id(row, PERSON_STATION, &station);
    cpol__record_free(row);
    rc = cpol__person_hidden(ctx, as, person, &hidden);
    if (rc >= 0 && hidden)
        return cpol__not_found("person", person);
    if (rc < 0 || (!as->system && cpol_id_compare(&as->person, person) == 0))
        return rc;
    return cpol__authorize_about(ctx, as, perm, &station, "person", person);
}

int cpol__listing_scope(cpol_ctx *ctx, const cpol_actor *as, int perm, cpol_id *station)
{
    int bureau_wide, bound = cpol__actor_scope(ctx, as, station, NULL, &bureau_wide);
    int rc = bound < 0 ? bound : cpol__authorize(ctx, as, perm, bound ? station : NULL);
    return rc < 0 ? rc : bound;
}
