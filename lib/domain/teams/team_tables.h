/* The team module's tables (team.c, team_member.c) and the helpers its
 * three files share (team.c: teams; team_member.c: memberships and who may
 * fill a team role; team_report.c: template checks). */
#ifndef CPOL_DOMAIN_TEAM_TABLES_H
#define CPOL_DOMAIN_TEAM_TABLES_H

#include <commpolice/team.h>

#include "store/record.h"
#include "store/store.h"

/* team.c */
enum {
    TEAM_ID, TEAM_STATION, TEAM_NAME, TEAM_KIND, TEAM_TEMPLATE, TEAM_AREA,
    TEAM_AREA_PATH, /* copy of the area's path, for "teams in this area or below" */
    TEAM_PARENT, TEAM_OFFICER, TEAM_CREATED_AT, TEAM_NCOLS
};
extern const cpol_table cpol__table_team;

/* team_member.c */
enum {
    MEMBER_ID, MEMBER_STATION, MEMBER_TEAM, MEMBER_PERSON, MEMBER_ROLE, MEMBER_STATUS, MEMBER_JOINED_AT,
    MEMBER_LEFT_AT, /* NULL while active */
    MEMBER_NCOLS
};
extern const cpol_table cpol__table_membership;

/* Values of the membership status column. */
#define CPOL__MEMBERSHIP_ACTIVE 1
#define CPOL__MEMBERSHIP_LEFT 2

/* Refuse with CPOL_ERULE unless `person` (a loaded person row) may fill
 * team role `role` in a team of `station`: see commpolice/team.h. */
int cpol__team_check_eligible(cpol_ctx *ctx, const cpol_record *person, int role, const cpol_id *station);

/* Insert an active membership joined now; *id_out receives its id. */
int cpol__membership_insert(cpol_ctx *ctx, const cpol_id *station, const cpol_id *team, const cpol_id *person,
                            int role, cpol_id *id_out);

/* Mark a loaded, active membership row as left now and store it. */
int cpol__membership_end(cpol_ctx *ctx, cpol_record *membership);

/* Load the active membership of `person` in `team` into a new record:
 * 1 and *out set if there is one, 0 (and *out NULL) if not, <0 on error. */
int cpol__membership_find_active(cpol_ctx *ctx, const cpol_id *team, const cpol_id *person, cpol_record **out);

/* Open a cursor over a team's active memberships (all of them with
 * include_left) in joining order. */
int cpol__roster_cursor(cpol_ctx *ctx, const cpol_id *team, int include_left, cpol_cursor **out);

/* How many teams name `parent` as their parent. */
int cpol__team_count_subteams(cpol_ctx *ctx, const cpol_id *parent, int64_t *out);

/* Load a person's name for messages ("(unknown)" if it cannot be read). */
void cpol__team_person_name(cpol_ctx *ctx, const cpol_id *person, char *buf, size_t size);

#endif
