/* The list of every table the core stores. Modules define their tables next
 * to their code; this file only gathers them. */
#include "schema.h"
#include "../domain/tables.h"

static const cpol_table *const tables[] = {
    &cpol__table_setting,
    /* schema version 2 */
    &cpol__table_audit,
    &cpol__table_area,
    &cpol__table_person,
    &cpol__table_note,
    &cpol__table_assignment,
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
