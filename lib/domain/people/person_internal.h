/* The person snapshot, shared by person.c and person_query.c. */
#ifndef CPOL_DOMAIN_PERSON_INTERNAL_H
#define CPOL_DOMAIN_PERSON_INTERNAL_H

#include <commpolice/person.h>

#include "store/record.h"
#include "domain/base/sensitive.h"

struct cpol_person {
    cpol_record *row;
    cpol_id id, home_area, station;
    int masked;
    char id_card[19];
    char phone[CPOL__PHONE_MAX + 1];
};

/* Fill the snapshot's cached fields from its row, masking unless sensitive. */
void cpol__person_refresh(cpol_person *p, int sensitive);

#endif
