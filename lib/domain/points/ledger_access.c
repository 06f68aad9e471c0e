/* Who may read, or name, a person's points. Informants (治安信息员) are
 * covert (domain.h): to a reader who is not cleared, a covert person's
 * balance, statement, transfers, holds and redemptions do not exist, and a
 * write that names one is refused exactly as for an unknown person, so
 * neither reads nor writes can tell the two apart. */
#include "domain/points/ledger_internal.h"

int cpol__points_conceal(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, const char *what,
                         const cpol_id *id)
{
    int hidden, rc = cpol__person_hidden(ctx, as, person, &hidden);
    if (rc < 0)
        return rc;
    return hidden ? cpol__not_found(what, id) : CPOL_OK;
}

int cpol__points_person(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, cpol_id *station_out)
{
    int rc = cpol__person_station(ctx, person, station_out);
    if (rc >= 0)
        rc = cpol__points_conceal(ctx, as, person, "person", person);
    return rc;
}

int cpol__points_authorize_read(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person,
                                const cpol_id *station, const char *what, const cpol_id *id)
{
    /* one's own points need only a working assignment in scope */
    int self = as && !as->system && cpol_id_compare(&as->person, person) == 0;
    return cpol__authorize_about(ctx, as, self ? CPOL__PERM_ANY : CPOL_PERM_POINTS_VIEW, station, what, id);
}
