/* The list of every table the core stores. Modules define their tables next
 * to their code; this file only gathers them. */
#include "store/schema.h"
#include "domain/base/tables.h"
#include "domain/points/ledger_internal.h"
#include "domain/training/training_tables.h"
#include "domain/activity/activity_tables.h"
#include "domain/teams/team_tables.h"
#include "domain/cases/case_tables.h"

static const cpol_table *const tables[] = {
    &cpol__table_setting,
    /* schema version 2 */
    &cpol__table_audit,
    &cpol__table_area,
    &cpol__table_person,
    &cpol__table_note,
    &cpol__table_assignment,
    &cpol__table_case,
    &cpol__table_case_party,
    &cpol__table_case_event,
    &cpol__table_case_referral,
    &cpol__table_case_deadline,
    &cpol__table_case_spot_check,
    &cpol__table_duty_position,
    &cpol__table_account,
    &cpol__table_transfer,
    &cpol__table_posting,
    &cpol__table_earning_rule,
    &cpol__table_shop_item,
    &cpol__table_redemption,
    &cpol__table_ledger_batch,
    &cpol__table_ledger_request, /* schema version 3 */
    &cpol__table_course,
    &cpol__table_training_session,
    &cpol__table_attendance,
    &cpol__table_certificate,
    &cpol__table_shift,
    &cpol__table_signup,
    &cpol__table_team,
    &cpol__table_membership,
    /* schema version 4: the audit chain's columns, the key table */
    &cpol__table_key,
    /* schema version 5: case_event.subject_role */
};

static const cpol_schema schema = {
    CPOL__SCHEMA_VERSION,
    sizeof tables / sizeof tables[0],
    tables,
};

const cpol_schema *cpol__schema(void)
{
    return &schema;
}
