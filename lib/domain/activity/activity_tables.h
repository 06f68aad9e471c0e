/* Tables of the activity module: shifts (patrols, publicity sessions, other
 * duties) and the sign-ups for them. Defined in activity.c; shared with
 * activity_signup.c, activity_query.c and the schema list. */
#ifndef CPOL_DOMAIN_ACTIVITY_TABLES_H
#define CPOL_DOMAIN_ACTIVITY_TABLES_H

#include <commpolice/activity.h>

#include "domain/base/reader.h"
#include "store/record.h"
#include "store/store.h"

/* shift: a patrol, publicity session or other duty at an area */
enum {
    SHIFT_ID, SHIFT_STATION, SHIFT_AREA,
    SHIFT_AREA_PATH, /* copy of the area's path, for "shifts in this area or below" */
    SHIFT_TEAM,      /* the team on duty, or NULL */
    SHIFT_KIND, SHIFT_TITLE, SHIFT_STARTS_AT, SHIFT_ENDS_AT, SHIFT_CAPACITY, SHIFT_STATUS,
    SHIFT_AUDIENCE,  /* people reached, recorded when the shift is closed; NULL while open */
    SHIFT_CLOSED_AT, SHIFT_CREATED_AT, SHIFT_NCOLS
};
extern const cpol_table cpol__table_shift;

/* shift_signup: one person on one shift. The shift's kind and start are
 * copied in (they never change), so a person's hours are one query. */
enum {
    SIGNUP_ID, SIGNUP_STATION, SIGNUP_SHIFT, SIGNUP_PERSON, SIGNUP_KIND, SIGNUP_STARTS_AT, SIGNUP_STATUS,
    SIGNUP_SIGNED_UP_AT, SIGNUP_CHECKED_IN_AT, SIGNUP_COMPLETED_AT, SIGNUP_MINUTES, SIGNUP_UPDATED_AT,
    SIGNUP_NCOLS
};
extern const cpol_table cpol__table_signup;

/* How many sign-ups of a shift hold a place (signed up, checked in or completed). */
int cpol__shift_places_taken(cpol_store *store, const cpol_id *shift, int64_t *out);
/* How many of those are held by people hidden from `reader` (0 when cleared). */
int cpol__shift_places_hidden(cpol_store *store, cpol__reader *reader, const cpol_id *shift, int64_t *out);

#endif
