/* cpol: the district report (printed by `cpol demo` and `cpol report`). */
#ifndef CPOL_REPORT_H
#define CPOL_REPORT_H

#include "cli.h"

/* What a report covers: the cases reported in [from, to) at an area (a
 * station or below), read by an actor. Everything it prints goes through
 * the public API as that actor, so it shows what the actor may see (an
 * analyst sees neither informants nor who tipped). */
typedef struct report_scope {
    const cpol_actor *reader;
    cpol_id area;
    cpol_id station;      /* the area's station */
    cpol_time from, to;
} report_scope;

/* Find the station of the area (for leaderboards, rosters, spot checks). */
int report_scope_init(cli *c, report_scope *s, const cpol_actor *reader, const cpol_id *area, cpol_time from,
                      cpol_time to);

/* Print the report: rosters, leaderboard, case funnel, rates, response
 * times, hot spots and the verification of ledger and audit chain, as
 * aligned tables (or, with --csv / --json, as one list of figures).
 * Returns an exit code. */
int report_print(cli *c, const report_scope *s, FILE *out);

#endif
