/* Column numbers of the domain tables that more than one module reads.
 * Each table is defined (names, types, indexes) in the module that owns it. */
#ifndef CPOL_DOMAIN_TABLES_H
#define CPOL_DOMAIN_TABLES_H

#include "store/record.h"

/* area.c */
enum {
    AREA_ID, AREA_STATION, AREA_PARENT, AREA_KIND, AREA_NAME, AREA_DEPTH,
    AREA_PATH,      /* ids from the root down, 32 hex digits each, '/'-separated: subtree = path range */
    AREA_CREATED_AT, AREA_NCOLS
};
extern const cpol_table cpol__table_area;

/* person.c */
enum {
    PERSON_ID, PERSON_STATION, PERSON_NAME, PERSON_ID_CARD, PERSON_PHONE, PERSON_HOME_AREA,
    PERSON_HOME_PATH, /* copy of the home area's path, for "people in this area or below" */
    PERSON_SKILLS, PERSON_CATEGORIES, PERSON_BIRTH_DATE, PERSON_REGISTERED_AT, PERSON_UPDATED_AT,
    PERSON_ID_CARD_INDEX, /* blind index of the encrypted ID-card number (store/crypt.c) */
    PERSON_NCOLS
};
extern const cpol_table cpol__table_person;

/* person.c: notes */
enum { NOTE_ID, NOTE_STATION, NOTE_PERSON, NOTE_KIND, NOTE_TEXT, NOTE_AUTHOR, NOTE_AT, NOTE_NCOLS };
extern const cpol_table cpol__table_note;

/* assignment.c */
enum {
    ASSIGN_ID, ASSIGN_STATION, ASSIGN_PERSON, ASSIGN_ROLE, ASSIGN_AREA, ASSIGN_STATUS, ASSIGN_SINCE,
    ASSIGN_CREATED_AT,
    ASSIGN_PERSON_INDEX, /* blind index of the encrypted person: who holds the informant role is a secret */
    ASSIGN_NCOLS
};
extern const cpol_table cpol__table_assignment;

/* audit.c */
enum {
    AUDIT_ID, AUDIT_STATION, AUDIT_AT, AUDIT_ACTOR, AUDIT_ROLE, AUDIT_KIND, AUDIT_OBJECT, AUDIT_ACTION,
    AUDIT_BEFORE, AUDIT_AFTER, AUDIT_REASON,
    /* the tamper-evident chain (audit_chain.c), schema version 4 */
    AUDIT_CHAIN,    /* the station, or the nil id for entries of no station */
    AUDIT_SEQ,      /* 1, 2, … within the chain */
    AUDIT_ROWS,     /* the rows this mutation wrote: table, key, SM3 of the row */
    AUDIT_HASH,     /* SM3 over the previous entry's hash and this entry */
    AUDIT_ACTOR_INDEX, /* blind index of the encrypted actor */
    AUDIT_NCOLS
};
extern const cpol_table cpol__table_audit;

/* Area helpers for other modules (area.c). */
/* Load an area's station (NULL column -> *has_station 0) and path. */
int cpol__area_lookup(cpol_ctx *ctx, const cpol_id *area, cpol_id *station_out, int *has_station,
                      char **path_out, int *kind_out);

#endif
