/* Whom an audit entry is about: for each kind of object that is a row about
 * one person, the table and its person column. The audit trail (base) asks
 * here, at the domain level that knows every module's tables, so that an
 * entry about a hidden person's row is skipped like the row itself. */
#include <string.h>

#include "domain/base/tables.h"
#include "domain/activity/activity_tables.h"
#include "domain/points/ledger_internal.h"
#include "domain/training/training_tables.h"
#include "store/store.h"

static const struct subject_rule {
    const char *kind;
    const cpol_table *table;
    int person_col;
} rules[] = {
    {"assignment", &cpol__table_assignment, ASSIGN_PERSON},
    {"signup", &cpol__table_signup, SIGNUP_PERSON},
    {"attendance", &cpol__table_attendance, ATTEND_PERSON},
    {"certificate", &cpol__table_certificate, CERT_PERSON},
    {"transfer", &cpol__table_transfer, TRANSFER_PERSON},
    {"redemption", &cpol__table_redemption, REDEMPTION_PERSON},
};

int cpol__audit_subject(cpol_store *store, const char *kind, const cpol_id *object, cpol_id *person_out)
{
    size_t i;
    if (strcmp(kind, "person") == 0) {
        *person_out = *object;
        return 1;
    }
    for (i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        cpol_record *r;
        int rc, found;
        if (strcmp(kind, rules[i].kind) != 0)
            continue;
        rc = cpol__record_new(rules[i].table, &r);
        if (rc >= 0)
            rc = cpol__record_set_id(r, 0, object); /* every table's column 0 is its id */
        if (rc >= 0)
            rc = cpol__store_get(store, r);
        found = rc == CPOL_OK && cpol__record_get_id(r, (unsigned int)rules[i].person_col, person_out);
        cpol__record_free(r);
        if (rc < 0 && rc != CPOL_ENOTFOUND)
            return rc;
        return found; /* an entry about a request id that names no row: about nobody */
    }
    return 0;
}
